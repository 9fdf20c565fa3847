using System;
using System.Linq;

namespace ChdkPtp.Shell.Tests
{
    /// <summary>chdkps -Command: rendering, streams and exit codes, checked on a real child process.</summary>
    public class CommandModeTests
    {
        // Write-Warning, Write-Error, Write-Verbose and Write-Information live in
        // Microsoft.PowerShell.Utility, which the engine package does not contain; an advanced
        // script block reaches the same host paths through $PSCmdlet.
        private const string StreamsScript = """
            & {
                [CmdletBinding()] param()
                $DebugPreference = 'Continue'
                [pscustomobject]@{ Alpha = 1; Beta = 'two' }
                $host.UI.WriteLine('host write line')
                $host.UI.Write('host ')
                $host.UI.Write('write')
                $host.UI.WriteLine()
                $PSCmdlet.WriteWarning('hi')
                $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                    [Exception]::new('a non-terminating problem'), 'Test.NonTerminating', 'InvalidData', $null))
                $PSCmdlet.WriteVerbose('verbose text')
                $PSCmdlet.WriteDebug('debug text')
                $PSCmdlet.WriteInformation('information text', [string[]]@())
                $progress = [System.Management.Automation.ProgressRecord]::new(7, 'Progress activity', 'status')
                $progress.PercentComplete = 50
                $PSCmdlet.WriteProgress($progress)
                'after the error'
            } -Verbose -InformationAction Continue
            & { [CmdletBinding()] param() $PSCmdlet.WriteInformation('hidden information', [string[]]@()) }
            "host=$($host.Name) width=$($host.UI.RawUI.BufferSize.Width) vt=$($host.UI.SupportsVirtualTerminal) ps=$($PSVersionTable.PSVersion.Major)"
            """;

        [Fact]
        public void Command_renders_objects_through_Out_Default_and_routes_every_stream()
        {
            ShellResult r = ChdkpsRunner.Run(new[] { "-NoModule", "-Command", StreamsScript });

            // Non-terminating errors alone do not change the exit code.
            Assert.True(r.ExitCode == 0, r.ToString());

            // The object went through the formatter (a table with a header rule), not ToString().
            string[] lines = r.StdOut.Replace("\r", "").Split('\n');
            int header = Array.FindIndex(lines, l => l.TrimEnd() == "Alpha Beta");
            Assert.True(header >= 0, r.ToString());
            Assert.Equal("----- ----", lines[header + 1].TrimEnd());
            Assert.Equal("    1 two", lines[header + 2].TrimEnd());
            Assert.DoesNotContain("@{Alpha=1", r.StdOut);

            Assert.Contains("host write line", lines);
            Assert.Contains("host write", lines);
            Assert.Contains("information text", lines);
            Assert.DoesNotContain("hidden information", r.StdOut + r.StdErr); // InformationPreference SilentlyContinue
            Assert.Contains("after the error", lines);

            // The host: its name, a 120-column buffer and no VT support when the output is redirected.
            Assert.Contains("host=chdkps width=120 vt=False ps=7", lines);

            string[] errLines = r.StdErr.Replace("\r", "").Split('\n');
            Assert.Contains("WARNING: hi", errLines);
            Assert.Contains("VERBOSE: verbose text", errLines);
            Assert.Contains("DEBUG: debug text", errLines);
            Assert.Contains(errLines, l => l.Contains("a non-terminating problem"));

            // Errors, warnings and progress never land in stdout; progress is suppressed when stderr is redirected.
            Assert.DoesNotContain("WARNING", r.StdOut);
            Assert.DoesNotContain("a non-terminating problem", r.StdOut);
            Assert.DoesNotContain("Progress activity", r.StdOut + r.StdErr);

            // Redirected output is plain text: no colour sequences from the engine's $PSStyle.
            Assert.DoesNotContain("\u001b", r.StdOut + r.StdErr, StringComparison.Ordinal);
        }

        [Fact]
        public void Exit_N_is_the_exit_code_and_parameter_names_are_case_insensitive()
        {
            ShellResult r = ChdkpsRunner.Run(new[] { "-NOMODULE", "-COMMAND", "'before'; exit 7; 'after'" });
            Assert.True(r.ExitCode == 7, r.ToString());
            Assert.Contains("before", r.StdOut);
            Assert.DoesNotContain("after", r.StdOut);
        }

        [Fact]
        public void Throw_exits_1_and_prints_the_error_on_stderr()
        {
            ShellResult r = ChdkpsRunner.Run(new[] { "-nom", "-c", "'first'; throw 'boom from test'; 'unreachable'" });
            Assert.True(r.ExitCode == 1, r.ToString());
            Assert.Contains("boom from test", r.StdErr);
            Assert.DoesNotContain("boom from test", r.StdOut);
            Assert.Contains("first", r.StdOut);
            Assert.DoesNotContain("unreachable", r.StdOut);
        }

        [Fact]
        public void ErrorAction_Stop_turns_an_error_into_exit_1()
        {
            const string script = """
                & { [CmdletBinding()] param()
                    $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                        [Exception]::new('stopped here'), 'Test.Stop', 'InvalidData', $null)) } -ErrorAction Stop
                'after'
                """;
            ShellResult r = ChdkpsRunner.Run(new[] { "-nom", "-c", script });
            Assert.True(r.ExitCode == 1, r.ToString());
            Assert.Contains("stopped here", r.StdErr);
            Assert.DoesNotContain("after", r.StdOut);
        }

        [Fact]
        public void Command_arguments_are_joined_and_parse_errors_exit_1()
        {
            // pwsh joins every argument after -Command with spaces.
            ShellResult joined = ChdkpsRunner.Run(new[] { "-nom", "-c", "'a'", "+", "'b'" });
            Assert.True(joined.ExitCode == 0, joined.ToString());
            Assert.Equal("ab", joined.StdOut.Trim());

            ShellResult parse = ChdkpsRunner.Run(new[] { "-nom", "-c", "if (" });
            Assert.True(parse.ExitCode == 1, parse.ToString());
            Assert.Contains("ParserError", parse.StdErr);
        }

        [Fact]
        public void Command_dash_reads_the_command_text_from_stdin()
        {
            const string text = "$x = 6 * 7\n\"answer $x\"\nif ($x -eq 42) {\n  'multi-line ok'\n}\nexit 12\n";
            ShellResult r = ChdkpsRunner.Run(new[] { "-NoModule", "-Command", "-" }, stdin: text);
            Assert.True(r.ExitCode == 12, r.ToString());
            string[] lines = r.StdOut.Replace("\r", "").Split('\n');
            Assert.Contains("answer 42", lines);
            Assert.Contains("multi-line ok", lines);
        }

        [Fact]
        public void NonInteractive_makes_a_confirmation_fail_clearly_instead_of_waiting()
        {
            const string script = """
                $ErrorActionPreference = 'Stop'
                function Remove-Thing { [CmdletBinding(SupportsShouldProcess)] param($Name)
                    if ($PSCmdlet.ShouldProcess($Name, 'Remove')) { "removed $Name" } }
                Remove-Thing one -Confirm
                'after'
                """;
            ShellResult r = ChdkpsRunner.Run(new[] { "-NoModule", "-NonInteractive", "-Command", script }, stdin: "y\n");
            Assert.True(r.ExitCode == 1, r.ToString());
            Assert.Contains("NonInteractive", r.StdErr);
            Assert.DoesNotContain("removed one", r.StdOut);

            // Without -NonInteractive the same confirmation is answered from stdin.
            ShellResult answered = ChdkpsRunner.Run(new[] { "-NoModule", "-Command", script }, stdin: "y\n");
            Assert.True(answered.ExitCode == 0, answered.ToString());
            Assert.Contains("[Y] Yes", answered.StdOut);
            Assert.Contains("removed one", answered.StdOut);
            Assert.Contains("after", answered.StdOut);
        }

        [Theory]
        [InlineData("-Bogus")]
        [InlineData("-Command")]
        [InlineData("-File")]
        [InlineData("-ExecutionPolicy")]
        [InlineData("-no")]
        public void A_bad_command_line_exits_64_with_a_message(string arg)
        {
            ShellResult r = ChdkpsRunner.Run(new[] { arg });
            Assert.True(r.ExitCode == 64, r.ToString());
            Assert.StartsWith("chdkps: ", r.StdErr);
            Assert.Equal(string.Empty, r.StdOut);
        }

        [Fact]
        public void Version_and_help_print_and_exit_0()
        {
            ShellResult version = ChdkpsRunner.Run(new[] { "-Version" });
            Assert.True(version.ExitCode == 0, version.ToString());
            Assert.Matches(@"^chdkps \d+\.\d+\.\d+ \(PowerShell 7\.\d+\.\d+\)\s*$", version.StdOut);

            ShellResult help = ChdkpsRunner.Run(new[] { "-?" });
            Assert.True(help.ExitCode == 0, help.ToString());
            Assert.Contains("-NonInteractive", help.StdOut);
            Assert.Contains("CHDKPTP_MODULE", help.StdOut);
        }
    }
}
