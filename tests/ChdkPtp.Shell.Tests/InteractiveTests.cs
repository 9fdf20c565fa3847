using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace ChdkPtp.Shell.Tests
{
    /// <summary>The interactive prompt fed through stdin, and Ctrl+C (SIGINT) handling.</summary>
    public class InteractiveTests
    {
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

        [Fact]
        public void Prompt_reads_continuation_lines_keeps_state_and_honours_exit()
        {
            const string input =
                "function Add-Two {\n" +
                "    param($n)\n" +
                "    $n + 2\n" +
                "}\n" +
                "Add-Two 40\n" +
                "$h = @\"\nhere-string\n\"@\n" +
                "$h.ToUpper()\n" +
                "throw 'interactive failure'\n" +
                "'still running'\n" +
                "exit 3\n" +
                "'not run'\n";
            ShellResult r = ChdkpsRunner.Run(new[] { "-NoModule" }, stdin: input);

            Assert.True(r.ExitCode == 3, r.ToString());
            string cwd = Path.GetTempPath().TrimEnd(Path.DirectorySeparatorChar);
            Assert.Contains("PS " + cwd + "> ", r.StdOut);
            Assert.Contains(">> ", r.StdOut);
            Assert.Contains("42", r.StdOut.Replace("\r", "").Split('\n', '>', ' '));
            Assert.Contains("HERE-STRING", r.StdOut);

            // An error returns to the prompt; it does not end the session.
            Assert.Contains("interactive failure", r.StdErr);
            Assert.Contains("still running", r.StdOut);
            Assert.DoesNotContain("not run", r.StdOut);
        }

        [Fact]
        public void End_of_input_leaves_the_prompt_with_the_last_commands_status()
        {
            ShellResult ok = ChdkpsRunner.Run(new[] { "-nom" }, stdin: "'fine'\n");
            Assert.True(ok.ExitCode == 0, ok.ToString());
            Assert.Contains("fine", ok.StdOut);

            ShellResult failed = ChdkpsRunner.Run(new[] { "-nom" }, stdin: "throw 'last one failed'\n");
            Assert.True(failed.ExitCode == 1, failed.ToString());
        }

        [Fact]
        public void NoExit_keeps_the_session_of_the_command_open_for_the_prompt()
        {
            ShellResult r = ChdkpsRunner.Run(new[] { "-nom", "-NoExit", "-c", "$kept = 21; 'command ran'" },
                stdin: "\"kept is $($kept * 2)\"\nexit 9\n");
            Assert.True(r.ExitCode == 9, r.ToString());
            Assert.Contains("command ran", r.StdOut);
            Assert.Contains("kept is 42", r.StdOut);
        }

        private static bool CanSendSigInt => !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        [Fact]
        public void CtrlC_stops_the_running_pipeline_runs_finally_blocks_and_exits_130()
        {
            if (!CanSendSigInt)
            {
                return;
            }

            const string script = "$host.UI.WriteLine('ready'); try { while ($true) { $i++ } } finally { $host.UI.WriteLine('finally ran') }";
            using (Process p = ChdkpsRunner.Start(new[] { "-nom", "-c", script }, defaultSigInt: true))
            {
                p.StandardInput.Close();
                var stderr = p.StandardError.ReadToEndAsync();
                ChdkpsRunner.ReadUntil(p.StandardOutput, "ready", Wait);
                ChdkpsRunner.SendSigInt(p);
                var rest = p.StandardOutput.ReadToEndAsync();
                Assert.True(p.WaitForExit((int)Wait.TotalMilliseconds), "chdkps did not stop after Ctrl+C");
                Assert.True(rest.Wait(Wait));
                Assert.True(p.ExitCode == 130, $"exit code {p.ExitCode}; stderr: {stderr.Result}");
                Assert.Contains("finally ran", rest.Result);
            }
        }

        [Fact]
        public void CtrlC_at_the_interactive_prompt_returns_to_the_prompt()
        {
            if (!CanSendSigInt)
            {
                return;
            }

            using (Process p = ChdkpsRunner.Start(new[] { "-nom" }, defaultSigInt: true))
            {
                var stderr = p.StandardError.ReadToEndAsync();
                p.StandardInput.WriteLine("$host.UI.WriteLine('ready'); while ($true) { $i++ }; 'loop ended'");
                p.StandardInput.Flush();
                ChdkpsRunner.ReadUntil(p.StandardOutput, "ready", Wait);
                ChdkpsRunner.SendSigInt(p);
                p.StandardInput.WriteLine("'back at the prompt'");
                p.StandardInput.WriteLine("exit 4");
                p.StandardInput.Flush();
                string rest = ChdkpsRunner.ReadUntil(p.StandardOutput, "back at the prompt", Wait);
                Assert.True(p.WaitForExit((int)Wait.TotalMilliseconds), "chdkps did not exit");
                Assert.True(p.ExitCode == 4, $"exit code {p.ExitCode}; stderr: {stderr.Result}");
                Assert.DoesNotContain("loop ended", rest);
            }
        }

        [Fact]
        public void CtrlC_at_a_confirmation_prompt_stops_the_command_and_the_next_line_still_runs()
        {
            if (!CanSendSigInt)
            {
                return;
            }

            using (Process p = ChdkpsRunner.Start(new[] { "-nom" }, defaultSigInt: true))
            {
                var stderr = p.StandardError.ReadToEndAsync();
                p.StandardInput.WriteLine(
                    "function Remove-Thing { [CmdletBinding(SupportsShouldProcess)] param() " +
                    "if ($PSCmdlet.ShouldProcess('thing')) { 'removed' } else { 'kept' } }; Remove-Thing -Confirm; 'after the prompt'");
                p.StandardInput.Flush();
                ChdkpsRunner.ReadUntil(p.StandardOutput, "[?] Help", Wait);

                // The prompt is waiting for an answer; Ctrl+C must not need one to stop the command.
                ChdkpsRunner.SendSigInt(p);
                Thread.Sleep(500);
                Assert.False(p.HasExited, "a single Ctrl+C must not end the shell");

                // That line reaches the prompt, not the abandoned confirmation.
                p.StandardInput.WriteLine("'next line ran'");
                p.StandardInput.WriteLine("exit 5");
                p.StandardInput.Flush();
                string rest = ChdkpsRunner.ReadUntil(p.StandardOutput, "next line ran", Wait);
                Assert.True(p.WaitForExit((int)Wait.TotalMilliseconds), "chdkps did not exit");
                Assert.True(p.ExitCode == 5, $"exit code {p.ExitCode}; stderr: {stderr.Result}");
                Assert.DoesNotContain("removed", rest);
                Assert.DoesNotContain("kept", rest);
                Assert.DoesNotContain("after the prompt", rest);
            }
        }

        [Fact]
        public void A_second_CtrlC_while_stopping_ends_the_process()
        {
            if (!CanSendSigInt)
            {
                return;
            }

            // A .NET call cannot be interrupted by PowerShell.Stop(): the first Ctrl+C asks, the
            // second (within 2 s) ends the process instead of waiting 60 s.
            const string script = "$host.UI.WriteLine('ready'); [System.Threading.Thread]::Sleep(60000); 'slept'";
            using (Process p = ChdkpsRunner.Start(new[] { "-nom", "-c", script }, defaultSigInt: true))
            {
                p.StandardInput.Close();
                var stderr = p.StandardError.ReadToEndAsync();
                ChdkpsRunner.ReadUntil(p.StandardOutput, "ready", Wait);
                var clock = Stopwatch.StartNew();
                ChdkpsRunner.SendSigInt(p);
                Thread.Sleep(300);
                Assert.False(p.HasExited, "the first Ctrl+C must only ask the pipeline to stop");
                ChdkpsRunner.SendSigInt(p);
                Assert.True(p.WaitForExit(15000), "chdkps did not exit after the second Ctrl+C");
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15));
                Assert.NotEqual(0, p.ExitCode);
                Assert.Contains("did not stop", stderr.Result);
            }
        }
    }
}
