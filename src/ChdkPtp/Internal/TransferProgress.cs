using System;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;

namespace ChdkPtp.Internal
{
    /// <summary>
    /// Progress of a batch of file transfers for Receive-ChdkFile and Send-ChdkFile: files done, bytes done
    /// and the rate, with a percentage when the totals are known. <see cref="Report"/> is called from the
    /// transfer's progress callback, which runs on the cmdlet's own thread (the transport is synchronous),
    /// so it may call WriteProgress; records are throttled to a few per second.
    /// </summary>
    internal sealed class TransferProgress
    {
        private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(250);
        private readonly Cmdlet _cmdlet;
        private readonly ProgressRecord _record;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan _lastWrite = TimeSpan.MinValue;
        private long _bytesBefore; // bytes of the files finished so far
        private long _inFile;
        private string _current;
        private bool _written;

        public TransferProgress(Cmdlet cmdlet, int activityId, string activity)
        {
            _cmdlet = cmdlet;
            _record = new ProgressRecord(activityId, activity, "Starting");
        }

        /// <summary>Files expected in all (0 = unknown, e.g. input that arrives from the pipeline).</summary>
        public int TotalFiles { get; set; }

        /// <summary>Bytes expected in all (0 = unknown).</summary>
        public long TotalBytes { get; set; }

        public int FilesDone { get; private set; }

        public long BytesDone => _bytesBefore + _inFile;

        /// <summary>A file starts (its display name, e.g. the camera path).</summary>
        public void BeginFile(string name)
        {
            _current = name;
            _inFile = 0;
            Write(force: true);
        }

        /// <summary>The current file has <paramref name="bytes"/> bytes done.</summary>
        public void Report(long bytes)
        {
            _inFile = bytes;
            Write(force: false);
        }

        /// <summary>The current file ended (completed, skipped or failed): its bytes count as done either way,
        /// so the percentage keeps moving; <paramref name="transferred"/> says whether it counts as a file done.</summary>
        public void EndFile(long bytes, bool transferred)
        {
            _bytesBefore += bytes;
            _inFile = 0;
            if (transferred) FilesDone++;
        }

        /// <summary>Bytes per second since the start.</summary>
        public double Rate
        {
            get
            {
                double s = _clock.Elapsed.TotalSeconds;
                return s > 0 ? BytesDone / s : 0;
            }
        }

        /// <summary>Removes the progress bar (if one was shown).</summary>
        public void Complete()
        {
            if (!_written) return;
            _record.RecordType = ProgressRecordType.Completed;
            _cmdlet.WriteProgress(_record);
        }

        private void Write(bool force)
        {
            var now = _clock.Elapsed;
            if (!force && now - _lastWrite < s_interval) return;
            _lastWrite = now;
            _record.StatusDescription = Status();
            _record.CurrentOperation = _current;
            if (TotalBytes > 0) _record.PercentComplete = (int)Math.Min(100, BytesDone * 100 / TotalBytes);
            else if (TotalFiles > 0) _record.PercentComplete = Math.Min(100, FilesDone * 100 / TotalFiles);
            if (TotalBytes > 0 && BytesDone > 0 && now.TotalSeconds >= 1)
            {
                double rate = Rate;
                if (rate > 0) _record.SecondsRemaining = (int)Math.Min(int.MaxValue, (TotalBytes - BytesDone) / rate);
            }
            _written = true;
            _cmdlet.WriteProgress(_record);
        }

        /// <summary>"3 of 10 files, 12.3 of 40.0 MiB, 25.1 MiB/s" (totals left out when unknown).</summary>
        internal string Status()
        {
            var c = CultureInfo.CurrentCulture;
            string files = TotalFiles > 0
                ? string.Format(c, "{0} of {1} files", FilesDone, TotalFiles)
                : string.Format(c, "{0} files", FilesDone);
            string bytes = TotalBytes > 0
                ? string.Format(c, "{0} of {1}", Size(BytesDone), Size(TotalBytes))
                : Size(BytesDone);
            return string.Format(c, "{0}, {1}, {2}/s", files, bytes, Size((long)Rate));
        }

        /// <summary>Human-readable size: B, KiB, MiB or GiB with one decimal.</summary>
        internal static string Size(long bytes)
        {
            var c = CultureInfo.CurrentCulture;
            if (bytes < 1024) return string.Format(c, "{0} B", bytes);
            if (bytes < 1024L * 1024) return string.Format(c, "{0:0.0} KiB", bytes / 1024.0);
            if (bytes < 1024L * 1024 * 1024) return string.Format(c, "{0:0.0} MiB", bytes / (1024.0 * 1024));
            return string.Format(c, "{0:0.0} GiB", bytes / (1024.0 * 1024 * 1024));
        }
    }

    /// <summary>An IProgress that calls back on the reporting thread (Progress&lt;T&gt; would post to another).</summary>
    internal class SyncProgress<T> : IProgress<T>
    {
        private readonly Action<T> _report;
        public SyncProgress(Action<T> report) { _report = report; }
        public void Report(T value) => _report(value);
    }

    /// <summary>Byte counts reported on the reporting thread.</summary>
    internal sealed class SyncProgress : SyncProgress<long>
    {
        public SyncProgress(Action<long> report) : base(report) { }
    }
}
