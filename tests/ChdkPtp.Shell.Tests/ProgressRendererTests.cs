using System;
using System.IO;
using System.Management.Automation;

namespace ChdkPtp.Shell.Tests
{
    public class ProgressRendererTests
    {
        private static ProgressRecord Record(int id, string activity, string status, int percent = -1, int seconds = -1, int parent = -1)
        {
            return new ProgressRecord(id, activity, status) { PercentComplete = percent, SecondsRemaining = seconds, ParentActivityId = parent };
        }

        private static (ProgressRenderer Renderer, StringWriter Err) Create(bool errorRedirected)
        {
            var err = new StringWriter();
            var io = new ConsoleIO(new StringReader(""), new StringWriter(), err,
                inputRedirected: true, outputRedirected: true, errorRedirected: errorRedirected,
                isRealConsole: false, virtualTerminal: false);
            return (new ProgressRenderer(io), err);
        }

        [Fact]
        public void A_line_shows_activity_status_bar_percent_and_time_left()
        {
            string line = ProgressRenderer.FormatLine(Record(1, "Download", "IMG_0001.JPG", 42, 75), 119);
            Assert.Equal("Download: IMG_0001.JPG [########------------]  42% 1:15 left", line);

            Assert.Equal("Waiting: for the camera", ProgressRenderer.FormatLine(Record(1, "Waiting", "for the camera"), 119));
            Assert.Equal("1:02:03", ProgressRenderer.FormatSeconds(3723));
        }

        [Fact]
        public void A_long_line_is_shortened_in_its_text_so_the_bar_stays_visible()
        {
            string status = new string('x', 200);
            string line = ProgressRenderer.FormatLine(Record(1, "Upload", status, 100, -1), 60);
            Assert.Equal(60, line.Length);
            Assert.EndsWith("... [####################] 100%", line);

            // Control characters in a status cannot break the single line.
            Assert.DoesNotContain("\n", ProgressRenderer.FormatLine(Record(1, "A\nB", "c\rd"), 80));

            // Absurd widths still give a line no wider than asked.
            Assert.True(ProgressRenderer.FormatLine(Record(1, "Upload", "s", 50, 10), 5).Length <= 5);
        }

        [Fact]
        public void Updates_rewrite_one_line_and_Completed_erases_it()
        {
            var (renderer, err) = Create(errorRedirected: false);
            renderer.Update(1, Record(1, "Copy", "a", 10));
            renderer.Update(1, Record(2, "Scan", "b", 20));
            Assert.True(renderer.Visible);
            Assert.Equal(2, renderer.ActiveCount);
            string text = err.ToString();
            Assert.StartsWith("\rCopy: a", text);
            Assert.Contains("\rScan: b", text);
            Assert.DoesNotContain("\n", text);

            var done = Record(2, "Scan", "b", 100);
            done.RecordType = ProgressRecordType.Completed;
            renderer.Update(1, done);
            Assert.True(renderer.Visible); // "Copy" is still running and is shown again
            Assert.EndsWith(ProgressRenderer.FormatLine(Record(1, "Copy", "a", 10), 119), err.ToString().TrimEnd(' '));

            var copyDone = Record(1, "Copy", "a", 100);
            copyDone.RecordType = ProgressRecordType.Completed;
            renderer.Update(1, copyDone);
            Assert.False(renderer.Visible);
            Assert.Equal(0, renderer.ActiveCount);
            Assert.EndsWith("\r", err.ToString()); // erased with spaces and a carriage return
        }

        [Fact]
        public void Completing_a_parent_removes_its_children()
        {
            var (renderer, _) = Create(errorRedirected: false);
            renderer.Update(1, Record(1, "All files", "s", 0));
            renderer.Update(1, Record(2, "One file", "s", 50, parent: 1));
            var done = Record(1, "All files", "s", 100);
            done.RecordType = ProgressRecordType.Completed;
            renderer.Update(1, done);
            Assert.Equal(0, renderer.ActiveCount);
            Assert.False(renderer.Visible);
        }

        [Fact]
        public void Nothing_is_written_when_stderr_is_redirected()
        {
            var (renderer, err) = Create(errorRedirected: true);
            renderer.Update(1, Record(1, "Copy", "a", 10));
            renderer.Restore();
            Assert.False(renderer.Visible);
            Assert.Equal(string.Empty, err.ToString());
        }

        [Fact]
        public void Host_output_on_the_terminal_erases_the_line_first_and_redraws_it_after_a_newline()
        {
            var output = new StringWriter();
            var err = new StringWriter();
            var io = new ConsoleIO(new StringReader(""), output, err, true, outputRedirected: false, errorRedirected: false,
                isRealConsole: false, virtualTerminal: false);
            var ui = new ShellHostUserInterface(io, nonInteractive: false);
            ui.WriteProgress(1, Record(1, "Copy", "a", 10));
            int before = err.ToString().Length;
            ui.WriteWarningLine("in between");
            string after = err.ToString().Substring(before);

            string line = ProgressRenderer.FormatLine(Record(1, "Copy", "a", 10), 119);
            string expected = "\r" + new string(' ', line.Length) + "\r" + "WARNING: in between" + Environment.NewLine + "\r" + line;
            Assert.Equal(expected, after);
        }
    }
}
