using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Chdk.Capture;
using ChdkPtp.Protocol.Chdk.Scripting;
using ChdkPtp.Protocol.Chdk.Shooting;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Commands
{
    /// <summary>
    /// Start-ChdkTimelapse: shoots a series on a fixed schedule (remote capture to a folder, or to the card), emitting
    /// each file as it arrives; with -StatePath a restarted process resumes the same schedule and numbering.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "ChdkTimelapse", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = CountSet)]
    [OutputType(typeof(FileInfo), typeof(ChdkItem))]
    public sealed class StartChdkTimelapseCommand : ChdkShootingCmdlet
    {
        private const string CountSet = "Count";
        private const string DurationSet = "Duration";
        private const string UntilSet = "Until";

        /// <summary>Time from one shot to the next: seconds or a TimeSpan.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [SecondsOrTimeSpan]
        public TimeSpan Interval { get; set; }

        /// <summary>Number of shots (default: until stopped).</summary>
        [Parameter(ParameterSetName = CountSet)]
        [ValidateRange(1, int.MaxValue)]
        public int Count { get; set; }

        /// <summary>How long the series runs from its start: seconds or a TimeSpan.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DurationSet)]
        [SecondsOrTimeSpan]
        public TimeSpan Duration { get; set; }

        /// <summary>No shot after this time.</summary>
        [Parameter(Mandatory = true, ParameterSetName = UntilSet)]
        public DateTime Until { get; set; }

        /// <summary>Local folder or name template for remote-capture files (default: the current folder). Not used with -ToCard.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; } = ".";

        /// <summary>Remote-capture formats: Jpeg, Raw, Dng, DngHeader, CanonRaw.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public RemoteCaptureFormats[] Format { get; set; } = { RemoteCaptureFormats.Jpeg };

        /// <summary>Shoot to the camera's card instead of remote capture; emits the new camera items.</summary>
        [Parameter]
        public SwitchParameter ToCard { get; set; }

        /// <summary>A file that keeps the series' schedule and numbering, to resume after a restart.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string StatePath { get; set; }


        /// <summary>Overwrite existing local files.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        private ProgressRecord _progress;
        private long? _freeKiB;
        private TimeSpan? _shotTimeout;

        protected override void ProcessRecord()
        {
            if (Interval < TimeSpan.FromMilliseconds(100) || Interval > TimeSpan.FromDays(365))
                Stop(new ArgumentOutOfRangeException(nameof(Interval), Interval, "-Interval must be at least 0.1 s and at most a year."));
            if (ParameterSetName == DurationSet && Duration <= TimeSpan.Zero)
                Stop(new ArgumentOutOfRangeException(nameof(Duration), Duration, "-Duration must be positive."));
            _shotTimeout = GivenShotTimeout();
            var settings = BuildSettings();
            var formats = Combine(Format);
            try { if (!ToCard) CaptureFormatInfo.Validate(formats); }
            catch (ArgumentException ex) { Stop(ex); }

            if (ToCard)
                foreach (var ignored in new[] { nameof(Destination), nameof(Format), nameof(Force) })
                    if (MyInvocation.BoundParameters.ContainsKey(ignored))
                        WriteWarning($"-{ignored} is not used with -ToCard: the camera saves the pictures on its card.");
            FolderCaptureDestination destination = null;
            string destinationText = "card";
            if (!ToCard)
            {
                try
                {
                    destination = SaveChdkRemoteCaptureCommand.CreateDestination(this, Destination, Force ? CaptureConflictAction.Overwrite : CaptureConflictAction.Fail);
                    // Checked for the whole series (each shot is a run of its own): one name for every shot only with -Force.
                    destination.CheckNames(formats, int.MaxValue);
                }
                catch (ArgumentException ex) { Stop(ex); }
                // The series is identified by where its files go, as a full path (./tl and tl are the same series).
                destinationText = System.IO.Path.Combine(destination.Folder, destination.Template.Text);
            }
            string statePath = null;
            try { statePath = StatePath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(StatePath); }
            catch (Exception ex) when (ex is ArgumentException || ex is SessionStateException || ex is ProviderInvocationException) { Stop(ex); }
            var (state, isNew) = LoadOrCreateState(statePath, destinationText);
            var session = ResolveSession();
            var s = state.Schedule;
            string plan = $"Shoot every {Interval} " + (s.Count.HasValue ? $"{s.Count} times" : s.UntilUtc.HasValue ? $"until {s.UntilUtc.Value.ToLocalTime():yyyy-MM-dd HH:mm:ss}" : "until stopped")
                + (ToCard ? " to the card" : $" into {destination.Folder}");
            if (!ShouldProcess($"session {session.Id} ({session.Model})", plan)) return;
            if (isNew) Save(state, statePath); // not before ShouldProcess: -WhatIf must not start a series

            _progress = new ProgressRecord(4, "Timelapse", "Starting");
            var lateness = TimeSpan.FromTicks(Math.Min(Interval.Ticks / 2, TimeSpan.FromSeconds(30).Ticks));
            try
            {
                while (true)
                {
                    var next = s.Next(state.NextIndex, DateTime.UtcNow, lateness);
                    if (next == null)
                    {
                        long left = SlotsLeft(s, state.NextIndex);
                        if (left > 0)
                        {
                            WriteWarning($"The last {left} scheduled shot(s) were missed (the series was not running, or a shot took too long).");
                            state.Missed += left;
                            state.NextIndex += left;
                            Save(state, statePath);
                        }
                        break;
                    }
                    var (index, due, missed) = next.Value;
                    if (missed > 0)
                    {
                        WriteWarning($"{missed} scheduled shot(s) were missed (the series was not running, or a shot took too long); going on with shot {index + 1} at {due.ToLocalTime():yyyy-MM-dd HH:mm:ss}.");
                        state.Missed += missed;
                        state.NextIndex = index;
                        Save(state, statePath);
                    }
                    WaitFor(due, state, index);
                    // The slot and its sequence number are taken before the shot: a stop or crash during the shot
                    // can leave a gap in the numbering after a restart, never a second file of the same number.
                    long sequence = state.Sequence;
                    state.NextIndex = index + 1;
                    state.Sequence = sequence + 1;
                    Save(state, statePath);
                    var files = ShootOne(session, sequence, settings, formats, destination);
                    if (files == null && !session.IsConnected)
                    {
                        // The camera went away (unplugged, asleep, a hub that dropped). The slot counts as missed;
                        // with a session back, the series goes on at its next slot.
                        session = Reconnect(session);
                        if (session == null)
                        {
                            var record = ErrorFor(new ChdkSessionClosedException(_lost), _lost);
                            record.ErrorDetails = new ErrorDetails((StatePath != null
                                ? $"The camera was lost during the timelapse, after {state.ShotsTaken} shots. Connect it again and run the same command (same -StatePath) to go on with the series."
                                : $"The camera was lost during the timelapse, after {state.ShotsTaken} shots. Connect it again; give -StatePath so that a restarted series goes on where it stopped.")
                                + (_lost.AutoReconnect == null ? " (Connect-ChdkCamera -AutoReconnect lets a series wait for the camera and go on by itself.)" : string.Empty));
                            ThrowTerminatingError(record);
                        }
                    }
                    if (files != null)
                    {
                        state.ShotsTaken++;
                        state.LastShotUtc = DateTime.UtcNow;
                    }
                    else state.Missed++;
                    Save(state, statePath);
                    // Emitted after the state is saved: a pipeline that stops at this output leaves a state that counts the shot.
                    if (files != null) foreach (var o in files) WriteObject(o);
                }
            }
            finally
            {
                _progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(_progress);
            }
            WriteVerbose($"The timelapse is complete: {state.ShotsTaken} shots taken, {state.Missed} missed.");
        }

        private ChdkSession _lost;

        /// <summary>
        /// After the link failed: with the session's -AutoReconnect policy, waits for the same camera (model, serial,
        /// product id) to come back and returns the session, reconnected; the series goes on at its next slot. Without
        /// a policy, or when the camera does not come back, returns null and the series stops (its state saved), to
        /// be resumed by running the command again with the same -StatePath.
        /// </summary>
        private ChdkSession Reconnect(ChdkSession lost)
        {
            _lost = lost;
            var policy = lost.AutoReconnect;
            if (policy == null || lost.IsClosed) return null;
            try
            {
                WriteWarning($"Lost the camera during the timelapse; waiting up to {policy.Timeout.TotalSeconds:0.#} s for it to come back.");
                using (lost.Acquire(CancelToken, allowFailed: true))
                    lost.Reconnect(policy, WriteVerbose, CancelToken);
                WriteWarning($"Session {lost.Id} reconnected to {lost.Identity} at {lost.Location}; the series goes on.");
                return lost;
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (PtpException ex)
            {
                WriteChdkError(ex, lost);
                return null;
            }
        }

        /// <summary>Slots from <paramref name="from"/> to the end of a finite schedule (0 for an open-ended one).</summary>
        private static long SlotsLeft(TimelapseSchedule s, long from)
        {
            if (s.IsPastEnd(from)) return 0;
            long byCount = s.Count.HasValue ? s.Count.Value - from : long.MaxValue;
            long byTime = s.UntilUtc.HasValue ? (s.UntilUtc.Value - s.DueUtc(from)).Ticks / s.Interval.Ticks + 1 : long.MaxValue;
            long left = Math.Min(byCount, byTime);
            return left == long.MaxValue ? 0 : left;
        }

        /// <summary>One shot: the objects to emit, or null when it failed (reported) and the series goes on.</summary>
        private List<object> ShootOne(ChdkSession session, long sequence, ShotSettings settings, RemoteCaptureFormats formats, FolderCaptureDestination destination)
        {
            var emitted = new List<object>();
            try
            {
                using (Hold(session))
                {
                    if (ToCard)
                    {
                        var o = new CardShootOptions { Settings = settings, Count = 1, StartSequence = (int)Math.Min(int.MaxValue, sequence), ShotTimeout = _shotTimeout };
                        foreach (var shot in new CardShooter(session.Client) { Warning = WriteWarning }.Shoot(o, CancelToken))
                            emitted.AddRange(shot.Files.Select(f => (object)new ChdkItem(f, session)));
                    }
                    else
                    {
                        var o = new RemoteCaptureOptions { Formats = formats, Settings = settings, Count = 1, StartSequence = (int)Math.Min(int.MaxValue, sequence), ShotTimeout = _shotTimeout };
                        foreach (var file in new RemoteCaptureSession(session.Client) { Warning = WriteWarning }.Shoot(o, destination, CancelToken))
                            emitted.Add(ShotFile(file.Path, file.Info, session));
                    }
                    _freeKiB = FreeCardSpace(session);
                }
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (PtpException ex) when (session.IsConnected && !(ex is PtpTransportException))
            {
                // One failed shot does not end a series that runs for weeks: report it and go on.
                WriteError(ShootingError(ex, session));
                return null;
            }
            catch (PtpException ex)
            {
                // The link failed: reported here; the caller decides whether the series can go on (Reconnect).
                WriteChdkError(ex, session);
                return null;
            }
            catch (IOException ex) { WriteChdkError(ex, Destination); return null; }
            catch (UnauthorizedAccessException ex) { WriteChdkError(ex, Destination); return null; }
            catch (ArgumentException ex) { WriteChdkError(ex, Destination); return null; } // a name the template gives at shot time
            return emitted;
        }

        /// <summary>Waits for the slot, showing shots done, the next shot's time and the card's free space.</summary>
        private void WaitFor(DateTime dueUtc, TimelapseState state, long index)
        {
            var s = state.Schedule;
            string total = s.Count.HasValue ? $" of {s.Count}" : string.Empty;
            _progress.StatusDescription = $"{state.ShotsTaken} shots taken{(state.Missed > 0 ? $", {state.Missed} missed" : string.Empty)}; shot {index + 1}{total} at {dueUtc.ToLocalTime():HH:mm:ss}"
                + (_freeKiB.HasValue ? $"; card free {TransferProgress.Size(_freeKiB.Value * 1024)}" : string.Empty);
            if (s.Count.HasValue) _progress.PercentComplete = (int)Math.Min(100, index * 100 / s.Count.Value);
            var left = dueUtc - DateTime.UtcNow;
            _progress.SecondsRemaining = left > TimeSpan.Zero ? (int)Math.Min(int.MaxValue, left.TotalSeconds) : 0;
            WriteProgress(_progress);
            while (true)
            {
                left = dueUtc - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) return;
                // Wake at least once a second so that a changed system clock is noticed.
                var step = left > TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : left;
                if (CancelToken.WaitHandle.WaitOne(step)) throw new PipelineStoppedException();
            }
        }

        /// <summary>The card's free space in KiB (get_free_disk_space), or null when it cannot be read.</summary>
        private long? FreeCardSpace(ChdkSession session)
        {
            try
            {
                var r = ScriptRunner.Run(session.Client, "return get_free_disk_space()", Array.Empty<object>(), new ScriptRunOptions { Timeout = TimeSpan.FromSeconds(5), Warning = WriteWarning }, CancelToken).Returns;
                return r.Count > 0 && r[0] is int kib && kib >= 0 ? kib : (long?)null;
            }
            catch (PtpException ex) when (!(ex is PtpTransportException))
            {
                WriteVerbose("The card's free space could not be read: " + ex.Message);
                return null;
            }
        }

        private (TimelapseState State, bool IsNew) LoadOrCreateState(string path, string destinationText)
        {
            int? count = ParameterSetName == CountSet && MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : (int?)null;
            TimelapseState saved = null;
            if (path != null)
            {
                try { saved = TimelapseState.Load(path); }
                catch (InvalidDataException ex) { Stop(ex, "ChdkTimelapseStateInvalid"); }
                catch (IOException ex) { Stop(ex, "ChdkIOError"); }
                catch (UnauthorizedAccessException ex) { Stop(ex, "ChdkAccessDenied"); }
            }
            if (saved != null)
            {
                // -Duration counts from the saved start; -Until is absolute.
                DateTime? until = ParameterSetName == DurationSet ? saved.Schedule.StartUtc + Duration
                    : ParameterSetName == UntilSet ? Until.ToUniversalTime() : (DateTime?)null;
                var why = saved.Mismatch(Interval, count, until, destinationText);
                if (why != null)
                    Stop(new InvalidOperationException($"The state file '{path}' belongs to another timelapse: {why}. Delete it, or give another -StatePath."), "ChdkTimelapseStateMismatch");
                WriteVerbose($"Resuming the timelapse of '{path}': {saved.ShotsTaken} shots taken, next sequence number {saved.Sequence}.");
                return (saved, false);
            }
            var start = DateTime.UtcNow;
            DateTime? end = ParameterSetName == DurationSet ? start + Duration : ParameterSetName == UntilSet ? Until.ToUniversalTime() : (DateTime?)null;
            if (end.HasValue && end.Value < start) Stop(new ArgumentOutOfRangeException(nameof(Until), Until, "-Until is in the past."));
            return (new TimelapseState(new TimelapseSchedule(start, Interval, count, end), destinationText), true);
        }

        private void Save(TimelapseState state, string path)
        {
            if (path == null) return;
            try { state.Save(path); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                WriteWarning($"The timelapse state could not be saved to '{path}': {ex.Message}");
            }
        }

        private void Stop(Exception ex, string id = "ChdkInvalidArgument") =>
            ThrowTerminatingError(new ErrorRecord(ex, id,
                id == "ChdkInvalidArgument" ? ErrorCategory.InvalidArgument : id == "ChdkAccessDenied" ? ErrorCategory.PermissionDenied : ErrorCategory.InvalidData, null));
    }
}
