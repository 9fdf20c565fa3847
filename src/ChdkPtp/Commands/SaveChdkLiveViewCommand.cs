using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Text.RegularExpressions;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.LiveView;

namespace ChdkPtp.Commands
{
    /// <summary>Save-ChdkLiveView: writes live-view frames as PNG files, or records them into a .lvdump file.</summary>
    [Cmdlet(VerbsData.Save, "ChdkLiveView", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = CameraSet)]
    [OutputType(typeof(FileInfo))]
    public sealed class SaveChdkLiveViewCommand : ChdkSessionCmdlet, IDisposable
    {
        private const string CameraSet = "Camera";
        private const string InputSet = "InputObject";
        private const string DefaultName = "frame_{Sequence:00000}.png";
        private static readonly Regex s_token = new Regex(@"\{(?<name>[A-Za-z]+)(?::(?<format>[^{}]*))?\}", RegexOptions.CultureInvariant);

        private string _folder;
        private string _template;
        private string _recording;
        private LvdumpWriter _writer;
        private long _frames;
        private bool _declined;
        private long _bytes;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private ProgressRecord _progress;
        private readonly HashSet<string> _written = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>A folder (PNG files named frame_00001.png...), a folder and a name template, or a .lvdump file to record into.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; } = ".";

        /// <summary>Frames piped from Get-ChdkLiveView (from a camera or a recording).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputSet)]
        [ValidateNotNull]
        public ChdkLiveFrame[] InputObject { get; set; }

        /// <summary>Number of frames to take from the camera (default 1 unless -Duration is given).</summary>
        [Parameter(ParameterSetName = CameraSet)]
        [ValidateRange(1, int.MaxValue)]
        public int Count { get; set; }

        /// <summary>How long to take frames from the camera: seconds or a TimeSpan.</summary>
        [Parameter(ParameterSetName = CameraSet)]
        [SecondsOrTimeSpan]
        public TimeSpan Duration { get; set; }

        /// <summary>Frames per second asked of the camera (default 10).</summary>
        [Parameter(ParameterSetName = CameraSet)]
        [ValidateRange(0.01, 1000.0)]
        public double FrameRate { get; set; } = 10;

        /// <summary>Which picture to write: Viewport (default), Bitmap (the overlay) or Composite.</summary>
        [Parameter]
        public LiveViewImage Image { get; set; } = LiveViewImage.Viewport;

        /// <summary>Halve the width (CHDK's buffers have 2:1 wide pixels on many cameras).</summary>
        [Parameter]
        public SwitchParameter AspectCorrection { get; set; }

        /// <summary>Overwrite existing files.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void BeginProcessing()
        {
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Duration)) && (Duration <= TimeSpan.Zero || Duration > TimeSpan.FromDays(7)))
                Stop(new ArgumentOutOfRangeException(nameof(Duration), Duration, "-Duration must be more than 0 and at most a week."));
            string full;
            try
            {
                string folderPart;
                (folderPart, _template) = SplitTemplate(Destination);
                full = ResolveFileSystemPath(folderPart);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is SessionStateException || ex is ProviderInvocationException) { Stop(ex); return; }
            if (_template == null && full.EndsWith(Lvdump.Extension, StringComparison.OrdinalIgnoreCase) && !Directory.Exists(full))
            {
                _recording = Path.GetFullPath(full);
                if (File.Exists(_recording) && !Force)
                    ThrowTerminatingError(new ErrorRecord(new IOException($"'{_recording}' exists; use -Force to replace it."), "ChdkFileExists", ErrorCategory.ResourceExists, _recording));
            }
            else
            {
                if (File.Exists(full)) Stop(new ArgumentException($"'{full}' is a file: -Destination is a folder, a folder and a name template, or a .lvdump file."));
                _folder = Path.GetFullPath(full);
                _template = _template ?? DefaultName;
                try { PathFor(1, DateTime.Now); }
                catch (ArgumentException ex) { Stop(ex); }
            }
            _progress = new ProgressRecord(5, _recording != null ? "Recording live view" : "Saving live-view frames", "Starting");
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == InputSet)
            {
                foreach (var f in InputObject) SaveOne(f);
                return;
            }
            var session = ResolveSession();
            bool durationGiven = MyInvocation.BoundParameters.ContainsKey(nameof(Duration));
            int? count = MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : durationGiven ? (int?)null : 1;
            var flags = _recording != null
                ? LiveViewFlags.Viewport | LiveViewFlags.Bitmap | LiveViewFlags.Palette | LiveViewFlags.BitmapOpacity
                : Image == LiveViewImage.Viewport ? LiveViewFlags.Viewport
                : Image == LiveViewImage.Bitmap ? LiveViewFlags.Bitmap | LiveViewFlags.Palette | LiveViewFlags.BitmapOpacity
                : LiveViewFlags.Viewport | LiveViewFlags.Bitmap | LiveViewFlags.Palette | LiveViewFlags.BitmapOpacity;
            string what = (count.HasValue ? $"{count} frame(s)" : $"frames for {Duration}") + $" at {FrameRate} per second";
            if (!ShouldProcess($"session {session.Id} ({session.Model})", $"Save {what} to {_recording ?? _folder}")) return;
            if (count.HasValue) _progress.PercentComplete = 0;
            foreach (var frame in GetChdkLiveViewCommand.FromCamera(this, session, flags, count, durationGiven ? Duration : (TimeSpan?)null, FrameRate))
            {
                SaveOne(frame);
                if (count.HasValue) _progress.PercentComplete = (int)Math.Min(100, _frames * 100 / count.Value);
            }
        }

        protected override void EndProcessing()
        {
            if (_writer != null)
            {
                _writer.Dispose();
                _writer = null;
                WriteObject(new FileInfo(_recording));
            }
            if (_frames > 0)
            {
                _progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(_progress);
            }
        }

        /// <summary>Closes a recording also when the pipeline is stopped: the file keeps every frame written.</summary>
        public void Dispose()
        {
            _writer?.Dispose();
            _writer = null;
        }

        private void SaveOne(ChdkLiveFrame frame)
        {
            if (_recording != null)
            {
                if (_writer == null)
                {
                    if (_declined) return;
                    // Asked once per recording: here for piped frames; a camera run asked in ProcessRecord.
                    if (ParameterSetName == InputSet && !ShouldProcess(_recording, "Record live-view frames")) { _declined = true; return; }
                    try
                    {
                        Directory.CreateDirectory(Path.GetDirectoryName(_recording));
                        _writer = LvdumpWriter.Create(_recording);
                    }
                    catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { ThrowChdkError(ex, _recording); }
                }
                try { _writer.WriteFrame(frame.Frame); }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { ThrowChdkError(ex, _recording); }
                Tally(frame.Payload.Length, _recording);
                return;
            }
            string path;
            try { path = PathFor(frame.Sequence, frame.Timestamp ?? DateTime.Now); }
            catch (ArgumentException ex) { WriteChdkError(ex, _template); return; }
            if (!_written.Add(path) && !Force)
            {
                WriteError(new ErrorRecord(new IOException($"'{path}' was already written by this command; put {{Sequence}} or {{Time}} in the name template."), "ChdkFileExists", ErrorCategory.ResourceExists, path));
                return;
            }
            if (File.Exists(path) && !Force)
            {
                WriteError(new ErrorRecord(new IOException($"'{path}' exists; it was not overwritten. Use -Force to overwrite."), "ChdkFileExists", ErrorCategory.ResourceExists, path));
                return;
            }
            if (ParameterSetName == InputSet && !ShouldProcess(path, $"Save frame {frame.Sequence} ({Image})")) return;
            LiveImage image;
            try { image = frame.GetImage(Image, AspectCorrection); }
            catch (LiveViewFormatException ex) { WriteChdkError(ex, frame); return; }
            if (image == null || image.Width == 0 || image.Height == 0)
            {
                WriteError(new ErrorRecord(new InvalidOperationException($"Frame {frame.Sequence} has no {Image} picture (it was not asked for, or the camera sent none)."),
                    "ChdkLiveViewNoImage", ErrorCategory.InvalidData, frame));
                return;
            }
            string temp = path + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".partial";
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path));
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                    image.WritePng(stream);
                Protocol.IO.LocalFile.MoveIntoPlace(temp, path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { WriteChdkError(ex, path); return; }
            finally { if (File.Exists(temp)) File.Delete(temp); }
            var info = new FileInfo(path);
            Tally(info.Length, path);
            WriteObject(info);
        }

        private void Tally(long bytes, string current)
        {
            _frames++;
            _bytes += bytes;
            double s = _clock.Elapsed.TotalSeconds;
            _progress.StatusDescription = string.Format(CultureInfo.CurrentCulture, "{0} frames, {1}, {2:0.0} frames/s", _frames, TransferProgress.Size(_bytes), s > 0 ? _frames / s : 0);
            _progress.CurrentOperation = current;
            WriteProgress(_progress);
        }

        /// <summary>The file a frame goes to: the template expanded, every component a safe local name, inside the folder.</summary>
        private string PathFor(long sequence, DateTime time)
        {
            var name = Expand(_template, sequence, time);
            try { return LocalNames.Combine(_folder, name.Split('/', '\\')); }
            catch (UnsafeNameException ex) { throw new ArgumentException($"The name template '{_template}' gives '{name}', which is refused: {ex.Reason}.", ex); }
        }

        /// <summary>Expands {Sequence[:fmt]}, {Date[:fmt]}, {Time[:fmt]} and {Image}; a name without an extension gets .png.</summary>
        internal string Expand(string template, long sequence, DateTime time)
        {
            var c = CultureInfo.InvariantCulture;
            try { return ExpandCore(template, sequence, time, c); }
            catch (FormatException ex) { throw new ArgumentException($"The name template '{template}' has a format the value cannot take: {ex.Message}", ex); }
        }

        private string ExpandCore(string template, long sequence, DateTime time, CultureInfo c)
        {
            var result = s_token.Replace(template.Replace("{{", "\u0001").Replace("}}", "\u0002"), m =>
            {
                string f = m.Groups["format"].Success ? m.Groups["format"].Value : null;
                switch (m.Groups["name"].Value.ToLowerInvariant())
                {
                    case "sequence": return sequence.ToString(f ?? "00000", c);
                    case "date": return time.ToString(f ?? "yyyyMMdd", c);
                    case "time": return time.ToString(f ?? "HHmmssfff", c);
                    case "image": return Image.ToString();
                    default: throw new ArgumentException($"The name template '{template}' has the unknown placeholder {m.Value}. Known: {{Sequence}}, {{Date}}, {{Time}}, {{Image}}.");
                }
            });
            if (result.IndexOf('{') >= 0 || result.IndexOf('}') >= 0)
                throw new ArgumentException($"The name template '{template}' has an unmatched brace (write {{{{ or }}}} for a literal one).");
            result = result.Replace('\u0001', '{').Replace('\u0002', '}');
            if (string.IsNullOrEmpty(Path.GetExtension(result))) result += ".png";
            return result;
        }

        private void Stop(Exception ex) => ThrowTerminatingError(new ErrorRecord(ex, "ChdkInvalidArgument", ErrorCategory.InvalidArgument, Destination));
    }
}
