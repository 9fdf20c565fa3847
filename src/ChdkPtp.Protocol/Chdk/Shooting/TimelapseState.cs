using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace ChdkPtp.Protocol.Chdk.Shooting
{
    /// <summary>
    /// A timelapse's progress, kept in a small text file so that a restarted process (a scheduled task, cron, a
    /// reboot) resumes the same schedule and numbering instead of starting over. The file is plain
    /// <c>key=value</c> lines (invariant culture, UTC times in ISO 8601), written to a temporary file and renamed
    /// over the old one, so a crash leaves either the old state or the new one, never half of each.
    /// </summary>
    public sealed class TimelapseState
    {
        private const string Magic = "chdkptp-timelapse";
        private const int FormatVersion = 1;

        public TimelapseState(TimelapseSchedule schedule, string destination)
        {
            Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
            Destination = destination ?? string.Empty;
        }

        public TimelapseSchedule Schedule { get; }

        /// <summary>Where the files go (as the user gave it): a different destination is a different series.</summary>
        public string Destination { get; }

        /// <summary>The index of the next slot of <see cref="Schedule"/> (shots before it are done or missed).</summary>
        public long NextIndex { get; set; }

        /// <summary>The next sequence number for file names (counts shots taken, not slots).</summary>
        public long Sequence { get; set; } = 1;

        public long ShotsTaken { get; set; }

        /// <summary>Slots that passed without a shot (process not running, camera away, a failed shot).</summary>
        public long Missed { get; set; }

        public DateTime? LastShotUtc { get; set; }

        /// <summary>Writes the state atomically (temporary file, then rename).</summary>
        public void Save(string path)
        {
            var c = CultureInfo.InvariantCulture;
            var b = new StringBuilder();
            b.Append(Magic).Append(' ').Append(FormatVersion.ToString(c)).Append('\n');
            Line(b, "start", Schedule.StartUtc.ToString("o", c));
            Line(b, "interval", Schedule.Interval.Ticks.ToString(c));
            Line(b, "count", Schedule.Count?.ToString(c) ?? string.Empty);
            Line(b, "until", Schedule.UntilUtc?.ToString("o", c) ?? string.Empty);
            Line(b, "destination", Escape(Destination));
            Line(b, "next", NextIndex.ToString(c));
            Line(b, "sequence", Sequence.ToString(c));
            Line(b, "taken", ShotsTaken.ToString(c));
            Line(b, "missed", Missed.ToString(c));
            Line(b, "last", LastShotUtc?.ToString("o", c) ?? string.Empty);
            var full = Path.GetFullPath(path);
            var temp = full + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp";
            try
            {
                File.WriteAllText(temp, b.ToString(), new UTF8Encoding(false));
                IO.LocalFile.MoveIntoPlace(temp, full);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }

        /// <summary>Reads a state file; null when it does not exist.</summary>
        /// <exception cref="InvalidDataException">The file is not a timelapse state, or it is damaged.</exception>
        public static TimelapseState Load(string path)
        {
            if (!File.Exists(path)) return null;
            var lines = File.ReadAllLines(path, Encoding.UTF8);
            if (lines.Length == 0 || !lines[0].StartsWith(Magic + " ", StringComparison.Ordinal))
                throw new InvalidDataException($"'{path}' is not a timelapse state file.");
            if (lines[0] != Magic + " " + FormatVersion.ToString(CultureInfo.InvariantCulture))
                throw new InvalidDataException($"'{path}' was written by another version of the timelapse state ({lines[0]}).");
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 1; i < lines.Length; i++)
            {
                if (lines[i].Length == 0) continue;
                int eq = lines[i].IndexOf('=');
                if (eq <= 0) throw new InvalidDataException($"'{path}' line {i + 1} is damaged: {lines[i]}");
                values[lines[i].Substring(0, eq)] = lines[i].Substring(eq + 1);
            }
            try
            {
                var c = CultureInfo.InvariantCulture;
                string Get(string k) => values.TryGetValue(k, out var v) ? v : throw new InvalidDataException($"'{path}' has no '{k}'.");
                DateTime Time(string v) => DateTime.Parse(v, c, DateTimeStyles.RoundtripKind).ToUniversalTime();
                var count = Get("count");
                var until = Get("until");
                var last = Get("last");
                var schedule = new TimelapseSchedule(Time(Get("start")), TimeSpan.FromTicks(long.Parse(Get("interval"), c)),
                    count.Length == 0 ? (int?)null : int.Parse(count, c), until.Length == 0 ? (DateTime?)null : Time(until));
                return new TimelapseState(schedule, Unescape(Get("destination")))
                {
                    NextIndex = long.Parse(Get("next"), c),
                    Sequence = long.Parse(Get("sequence"), c),
                    ShotsTaken = long.Parse(Get("taken"), c),
                    Missed = long.Parse(Get("missed"), c),
                    LastShotUtc = last.Length == 0 ? (DateTime?)null : Time(last),
                };
            }
            catch (Exception ex) when (ex is FormatException || ex is OverflowException || ex is ArgumentException)
            {
                throw new InvalidDataException($"'{path}' is damaged: {ex.Message}", ex);
            }
        }

        /// <summary>Why this saved series is not the one described by the arguments, or null when it is.</summary>
        public string Mismatch(TimeSpan interval, int? count, DateTime? untilUtc, string destination)
        {
            if (interval != Schedule.Interval) return $"its interval is {Schedule.Interval}, not {interval}";
            if (count != Schedule.Count) return $"its count is {(Schedule.Count?.ToString(CultureInfo.InvariantCulture) ?? "unlimited")}, not {(count?.ToString(CultureInfo.InvariantCulture) ?? "unlimited")}";
            if (untilUtc.HasValue && Schedule.UntilUtc.HasValue && Math.Abs((untilUtc.Value.ToUniversalTime() - Schedule.UntilUtc.Value).TotalSeconds) >= 1)
                return $"it ends at {Schedule.UntilUtc.Value.ToLocalTime():yyyy-MM-dd HH:mm:ss}, not {untilUtc.Value.ToLocalTime():yyyy-MM-dd HH:mm:ss}";
            if (untilUtc.HasValue != Schedule.UntilUtc.HasValue) return "its end time differs";
            if (!string.Equals(destination ?? string.Empty, Destination, StringComparison.Ordinal)) return $"its destination is '{Destination}', not '{destination}'";
            return null;
        }

        private static void Line(StringBuilder b, string key, string value) => b.Append(key).Append('=').Append(value).Append('\n');

        private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r");

        private static string Unescape(string s)
        {
            var b = new StringBuilder(s.Length);
            for (int i = 0; i < s.Length; i++)
            {
                if (s[i] == '\\' && i + 1 < s.Length)
                {
                    char n = s[++i];
                    b.Append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
                }
                else b.Append(s[i]);
            }
            return b.ToString();
        }
    }
}
