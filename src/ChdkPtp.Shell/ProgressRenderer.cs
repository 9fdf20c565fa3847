using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Text;

namespace ChdkPtp.Shell
{
    /// <summary>
    /// Renders progress records as one line on standard error that is rewritten in place
    /// ('\r'), showing the most recently updated activity. Nothing is written when standard
    /// error is redirected (a log file should not fill up with progress frames).
    /// Callers hold <see cref="ConsoleIO.WriteLock"/>.
    /// </summary>
    internal sealed class ProgressRenderer
    {
        private const int BarWidth = 20;
        private static readonly long ThrottleTicks = Stopwatch.Frequency / 20; // 50 ms

        private readonly ConsoleIO _io;
        private readonly List<KeyValuePair<(long Source, int Activity), ProgressRecord>> _active =
            new List<KeyValuePair<(long, int), ProgressRecord>>();

        private int _visibleLength;
        private bool _visible;
        private long _lastRenderTicks;
        private (long, int)? _lastRenderedKey;

        public ProgressRenderer(ConsoleIO io)
        {
            _io = io ?? throw new ArgumentNullException(nameof(io));
        }

        /// <summary>False when standard error is redirected: progress is then suppressed.</summary>
        public bool Enabled => !_io.ErrorRedirected;

        /// <summary>True while a progress line is on screen.</summary>
        public bool Visible => _visible;

        /// <summary>Number of activities that have not completed yet.</summary>
        public int ActiveCount => _active.Count;

        public void Update(long sourceId, ProgressRecord record)
        {
            if (record == null || !Enabled)
            {
                return;
            }

            var key = (sourceId, record.ActivityId);
            int index = _active.FindIndex(e => e.Key.Equals(key));
            if (index >= 0)
            {
                _active.RemoveAt(index);
            }

            if (record.RecordType == ProgressRecordType.Completed)
            {
                // A completed parent takes its children with it.
                _active.RemoveAll(e => e.Key.Source == sourceId && e.Value.ParentActivityId == record.ActivityId);
                if (_active.Count == 0)
                {
                    Hide();
                    return;
                }

                Render();
                return;
            }

            _active.Add(new KeyValuePair<(long, int), ProgressRecord>(key, record));
            long now = Stopwatch.GetTimestamp();
            bool sameAsLast = _lastRenderedKey.HasValue && _lastRenderedKey.Value.Equals(key);
            if (_visible && sameAsLast && now - _lastRenderTicks < ThrottleTicks)
            {
                return;
            }

            Render();
        }

        /// <summary>Erases the progress line before other text is written to the terminal.</summary>
        public void Hide()
        {
            if (!_visible)
            {
                return;
            }

            _io.Error.Write("\r" + new string(' ', _visibleLength) + "\r");
            _io.Error.Flush();
            _visible = false;
            _visibleLength = 0;
        }

        /// <summary>Draws the line again after other output ended with a newline.</summary>
        public void Restore()
        {
            if (!_visible && _active.Count > 0 && Enabled)
            {
                Render();
            }
        }

        /// <summary>Forgets every activity (a pipeline ended) and erases the line.</summary>
        public void Reset()
        {
            _active.Clear();
            Hide();
        }

        private void Render()
        {
            if (_active.Count == 0)
            {
                return;
            }

            var current = _active[_active.Count - 1];
            string line = FormatLine(current.Value, _io.Width - 1);
            var text = new StringBuilder(line.Length + _visibleLength + 2);
            text.Append('\r').Append(line);
            if (_visibleLength > line.Length)
            {
                text.Append(' ', _visibleLength - line.Length);
            }

            _io.Error.Write(text.ToString());
            _io.Error.Flush();
            _visible = true;
            _visibleLength = line.Length;
            _lastRenderTicks = Stopwatch.GetTimestamp();
            _lastRenderedKey = current.Key;
        }

        /// <summary>
        /// "Activity: Status - Operation [#####-----]  42% 0:12 left", fitted into <paramref name="width"/>
        /// columns: the text part is shortened first, so the bar and the figures stay visible.
        /// </summary>
        internal static string FormatLine(ProgressRecord record, int width)
        {
            if (width < 1)
            {
                width = 1;
            }

            var left = new StringBuilder(Clean(record.Activity));
            string status = Clean(record.StatusDescription);
            if (status.Length > 0)
            {
                left.Append(": ").Append(status);
            }

            string operation = Clean(record.CurrentOperation);
            if (operation.Length > 0)
            {
                left.Append(" - ").Append(operation);
            }

            var right = new StringBuilder();
            if (record.PercentComplete >= 0)
            {
                int percent = Math.Min(100, record.PercentComplete);
                int filled = percent * BarWidth / 100;
                right.Append(" [").Append('#', filled).Append('-', BarWidth - filled).Append(']');
                right.Append(percent.ToString(CultureInfo.InvariantCulture).PadLeft(4)).Append('%');
            }

            if (record.SecondsRemaining >= 0)
            {
                right.Append(' ').Append(FormatSeconds(record.SecondsRemaining)).Append(" left");
            }

            string leftText = left.ToString();
            string rightText = right.ToString();
            if (leftText.Length + rightText.Length <= width)
            {
                return leftText + rightText;
            }

            int room = width - rightText.Length;
            if (room >= 8)
            {
                return leftText.Substring(0, room - 3) + "..." + rightText;
            }

            string all = leftText + rightText;
            return all.Length <= width ? all : all.Substring(0, width);
        }

        internal static string FormatSeconds(int seconds)
        {
            var span = TimeSpan.FromSeconds(seconds);
            return span.TotalHours >= 1
                ? string.Format(CultureInfo.InvariantCulture, "{0}:{1:00}:{2:00}", (int)span.TotalHours, span.Minutes, span.Seconds)
                : string.Format(CultureInfo.InvariantCulture, "{0}:{1:00}", span.Minutes, span.Seconds);
        }

        private static string Clean(string text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return string.Empty;
            }

            var sb = new StringBuilder(text.Length);
            foreach (char c in text)
            {
                sb.Append(char.IsControl(c) ? ' ' : c);
            }

            return sb.ToString().Trim();
        }
    }
}
