using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ChdkPtp.Shell.Tests
{
    /// <summary>chdkps -File: argument binding, $PSScriptRoot, and exit codes as pwsh -File gives them.</summary>
    public class FileModeTests
    {
        private const string ArgsScript = """
            param(
                [string] $First,
                [int] $Count = 1,
                [switch] $Loud,
                [string] $Name = 'none',
                [Parameter(ValueFromRemainingArguments)] $Rest)
            "First=$First|Count=$Count|Loud=$Loud|Name=$Name|Rest=$($Rest -join ',')"
            "Root=$PSScriptRoot"
            "Command=$PSCommandPath"
            "CountType=$($Count.GetType().Name)"
            """;

        [Fact]
        public void Arguments_bind_by_position_by_name_and_as_switches()
        {
            using (var temp = new TempFolder())
            {
                // Wildcard brackets, quotes, '$' and spaces in the path must not matter.
                string folder = "scripts [1] it's $x";
                string script = temp.Write(Path.Combine(folder, "job[2] args.ps1"), ArgsScript);
                ShellResult r = ChdkpsRunner.Run(
                    new[] { "-NoModule", "-File", script, "pos1", "-Count", "3", "-Loud", "-Name:bob", "extra", "-5" });
                Assert.True(r.ExitCode == 0, r.ToString());
                string[] lines = r.StdOut.Replace("\r", "").Split('\n');
                Assert.Contains("First=pos1|Count=3|Loud=True|Name=bob|Rest=extra,-5", lines);
                Assert.Contains("Root=" + Path.GetDirectoryName(script), lines);
                Assert.Contains("Command=" + script, lines);
                Assert.Contains("CountType=Int32", lines);

                // A relative path, the implicit -File (first bare argument), '-Switch:false',
                // and '-Name:' followed by a separate value.
                ShellResult relative = ChdkpsRunner.Run(
                    new[] { "-nom", Path.Combine(folder, "job[2] args.ps1"), "-Loud:false", "-Name:", "x y", "-First", "f" },
                    workingDirectory: temp.Path);
                Assert.True(relative.ExitCode == 0, relative.ToString());
                Assert.Contains("First=f|Count=1|Loud=False|Name=x y|Rest=", relative.StdOut);
                Assert.Contains("Root=" + Path.GetDirectoryName(script), relative.StdOut);
            }
        }

        [Fact]
        public void A_binding_error_is_a_terminating_error()
        {
            using (var temp = new TempFolder())
            {
                string script = temp.Write("args.ps1", ArgsScript);
                ShellResult r = ChdkpsRunner.Run(new[] { "-nom", "-File", script, "-Count", "not-a-number" });
                Assert.True(r.ExitCode == 1, r.ToString());
                Assert.Contains("Count", r.StdErr);
                Assert.DoesNotContain("First=", r.StdOut);
            }
        }

        [Fact]
        public void Exit_inside_a_function_of_the_script_ends_the_process_with_its_code()
        {
            using (var temp = new TempFolder())
            {
                string script = temp.Write("exit.ps1", "function Stop-Here { exit 5 }\n'before'\nStop-Here\n'after'\n");
                ShellResult r = ChdkpsRunner.Run(new[] { "-nom", "-File", script });
                Assert.True(r.ExitCode == 5, r.ToString());
                Assert.Contains("before", r.StdOut);
                Assert.DoesNotContain("after", r.StdOut);
            }
        }

        [Fact]
        public void A_native_exit_code_without_exit_does_not_become_the_scripts_exit_code()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return; // uses /bin/sh
            }

            using (var temp = new TempFolder())
            {
                // pwsh -File: "with normal termination, the exit code is always 0", even when the
                // last native command failed; only 'exit N' sets it.
                string script = temp.Write("native.ps1", "sh -c 'exit 3'\n\"native said $LASTEXITCODE\"\n");
                ShellResult r = ChdkpsRunner.Run(new[] { "-nom", "-File", script });
                Assert.True(r.ExitCode == 0, r.ToString());
                Assert.Contains("native said 3", r.StdOut);
            }
        }

        [Fact]
        public void Throw_in_a_script_exits_1_and_shows_the_file_and_line()
        {
            using (var temp = new TempFolder())
            {
                string script = temp.Write("throws.ps1", "'line one'\nthrow 'scripted failure'\n'never'\n");
                ShellResult r = ChdkpsRunner.Run(new[] { "-nom", "-File", script });
                Assert.True(r.ExitCode == 1, r.ToString());
                Assert.Contains("scripted failure", r.StdErr);
                Assert.Contains("throws.ps1:2", r.StdErr);
                Assert.Contains("line one", r.StdOut);
                Assert.DoesNotContain("never", r.StdOut);
            }
        }

        [Fact]
        public void A_missing_script_file_exits_64()
        {
            using (var temp = new TempFolder())
            {
                string missing = Path.Combine(temp.Path, "no-such-script.ps1");
                ShellResult r = ChdkpsRunner.Run(new[] { "-NoModule", "-File", missing, "arg" });
                Assert.True(r.ExitCode == 64, r.ToString());
                Assert.Contains("no-such-script.ps1", r.StdErr);
                Assert.Contains("not recognized as the name of a script file", r.StdErr);

                // A folder is not a script file either.
                ShellResult folder = ChdkpsRunner.Run(new[] { "-NoModule", "-File", temp.Path });
                Assert.True(folder.ExitCode == 64, folder.ToString());
            }
        }
    }
}
