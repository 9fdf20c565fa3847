using System;
using System.Collections.Generic;
using System.IO;

namespace ChdkPtp.Shell.Tests
{
    /// <summary>
    /// Module import: from CHDKPTP_MODULE, or the first ChdkPtp.psd1 above the executable. The
    /// modules here are throwaway test modules written to temporary folders.
    /// </summary>
    public class ModuleImportTests
    {
        private static string WriteTestModule(TempFolder temp, string folder, string manifestName, string functionName, string text)
        {
            string baseName = Path.GetFileNameWithoutExtension(manifestName);
            temp.Write(Path.Combine(folder, baseName + ".psm1"), $"function {functionName} {{ '{text}' }}\n");
            return temp.Write(Path.Combine(folder, manifestName),
                $"@{{ RootModule = '{baseName}.psm1'; ModuleVersion = '1.2.3'; FunctionsToExport = @('{functionName}') }}\n");
        }

        [Fact]
        public void CHDKPTP_MODULE_names_the_module_to_import_and_NoModule_skips_it()
        {
            using (var temp = new TempFolder())
            {
                string manifest = WriteTestModule(temp, "mod", "ThrowawayModule.psd1", "Get-ThrowawayThing", "thing from the test module");
                var env = new Dictionary<string, string> { ["CHDKPTP_MODULE"] = manifest };

                ShellResult r = ChdkpsRunner.Run(new[] { "-c", "Get-ThrowawayThing; (Get-Module ThrowawayModule).Version.ToString()" },
                    environment: env);
                Assert.True(r.ExitCode == 0, r.ToString());
                Assert.Contains("thing from the test module", r.StdOut);
                Assert.Contains("1.2.3", r.StdOut);
                Assert.Equal(string.Empty, r.StdErr);

                ShellResult skipped = ChdkpsRunner.Run(new[] { "-NoModule", "-c", "Get-ThrowawayThing" }, environment: env);
                Assert.Contains("Get-ThrowawayThing", skipped.StdErr);
                Assert.Contains("not recognized", skipped.StdErr);
                Assert.DoesNotContain("thing from the test module", skipped.StdOut);
            }
        }

        [Fact]
        public void A_missing_or_broken_module_is_a_warning_and_the_shell_still_runs()
        {
            using (var temp = new TempFolder())
            {
                string missing = Path.Combine(temp.Path, "absent", "ChdkPtp.psd1");
                ShellResult r = ChdkpsRunner.Run(new[] { "-c", "'shell works'" },
                    environment: new Dictionary<string, string> { ["CHDKPTP_MODULE"] = missing });
                Assert.True(r.ExitCode == 0, r.ToString());
                Assert.Contains("shell works", r.StdOut);
                Assert.StartsWith("WARNING: CHDKPTP_MODULE", r.StdErr);
                Assert.Contains(missing, r.StdErr);

                string broken = temp.Write("Broken.psm1", "throw 'module load failure'\n");
                ShellResult b = ChdkpsRunner.Run(new[] { "-c", "'shell works'" },
                    environment: new Dictionary<string, string> { ["CHDKPTP_MODULE"] = broken });
                Assert.True(b.ExitCode == 0, b.ToString());
                Assert.Contains("shell works", b.StdOut);
                Assert.StartsWith("WARNING: Could not import", b.StdErr);
                Assert.Contains("module load failure", b.StdErr);
            }
        }

        [Fact]
        public void Without_CHDKPTP_MODULE_the_first_ChdkPtp_psd1_above_the_executable_is_imported()
        {
            using (var temp = new TempFolder())
            {
                // A copy of the built shell, three levels below the folder that will hold ChdkPtp.psd1.
                string sourceDir = Path.GetDirectoryName(ChdkpsRunner.DllPath);
                string shellDir = Path.Combine(temp.Path, "repo", "src", "shell", "bin");
                CopyDirectory(sourceDir, shellDir);
                string dll = Path.Combine(shellDir, "chdkps.dll");

                ShellResult none = ChdkpsRunner.Run(new[] { "-c", "'runs without a module'" }, dllPath: dll);
                Assert.True(none.ExitCode == 0, none.ToString());
                Assert.Contains("runs without a module", none.StdOut);
                Assert.StartsWith("WARNING: The ChdkPtp module was not found", none.StdErr);

                WriteTestModule(temp, "repo", "ChdkPtp.psd1", "Get-WalkUpThing", "found by walking up");
                ShellResult found = ChdkpsRunner.Run(new[] { "-c", "Get-WalkUpThing" }, dllPath: dll);
                Assert.True(found.ExitCode == 0, found.ToString());
                Assert.Contains("found by walking up", found.StdOut);
                Assert.Equal(string.Empty, found.StdErr);
            }
        }

        private static void CopyDirectory(string source, string destination)
        {
            Directory.CreateDirectory(destination);
            foreach (string file in Directory.GetFiles(source))
            {
                File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
            }

            foreach (string dir in Directory.GetDirectories(source))
            {
                CopyDirectory(dir, Path.Combine(destination, Path.GetFileName(dir)));
            }
        }
    }
}
