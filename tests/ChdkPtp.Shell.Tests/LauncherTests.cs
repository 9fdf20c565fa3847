using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace ChdkPtp.Shell.Tests
{
    /// <summary>The repository launchers (chdkps for bash, chdkps.cmd for Windows) pass arguments and exit codes through.</summary>
    public class LauncherTests
    {
        [Fact]
        public void The_launcher_runs_the_built_shell_with_the_arguments_and_returns_its_exit_code()
        {
            bool windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
            string launcher = Path.Combine(ChdkpsRunner.RepoRoot, windows ? "chdkps.cmd" : "chdkps");
            Assert.True(File.Exists(launcher), launcher);

            var info = new ProcessStartInfo
            {
                FileName = windows ? "cmd.exe" : "bash",
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetTempPath(),
            };
            if (windows)
            {
                info.ArgumentList.Add("/c");
            }

            info.ArgumentList.Add(launcher);
            // Plain tokens only: cmd.exe would interpret quotes and pipes on Windows.
            foreach (string arg in new[] { "-NoModule", "-Command", "40+2;", "exit", "6" })
            {
                info.ArgumentList.Add(arg);
            }

            // Use the build these tests run against, so the launcher never starts a build here.
            info.Environment["CHDKPS_CONFIGURATION"] = ChdkpsRunner.Configuration;
            info.Environment.Remove("CHDKPTP_MODULE");

            using (Process p = Process.Start(info))
            {
                p.StandardInput.Close();
                Task<string> stdout = p.StandardOutput.ReadToEndAsync();
                Task<string> stderr = p.StandardError.ReadToEndAsync();
                Assert.True(p.WaitForExit(60000), "the launcher did not finish");
                p.WaitForExit();
                Assert.True(p.ExitCode == 6, $"exit {p.ExitCode}\n{stdout.Result}\n{stderr.Result}");
                Assert.Equal("42", stdout.Result.Trim());
                Assert.DoesNotContain("building", stderr.Result);
            }
        }
    }
}
