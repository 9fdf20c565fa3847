using System;

namespace ChdkPtp.Protocol.Chdk.Capture
{
    /// <summary>How the camera is driven during a remote capture run.</summary>
    public enum RemoteShootMode
    {
        /// <summary><c>shoot()</c> per shot (half press, full press, release), <see cref="RemoteCaptureOptions.Interval"/> apart.</summary>
        Normal = 0,
        /// <summary>Half press, then <c>shoot_full</c> held until <see cref="RemoteCaptureOptions.Count"/> pictures
        /// were taken; needs the camera's continuous drive mode. The interval is not used.</summary>
        Continuous = 1,
        /// <summary>Half press held, one <c>shoot_full_only</c> click per shot (faster: focus and exposure are
        /// set once), <see cref="RemoteCaptureOptions.Interval"/> apart.</summary>
        Quick = 2,
    }

    /// <summary>What a <see cref="RemoteCaptureSession"/> run does.</summary>
    public sealed class RemoteCaptureOptions
    {
        /// <summary>What to receive per shot. Default JPEG.</summary>
        public RemoteCaptureFormats Formats { get; set; } = RemoteCaptureFormats.Jpeg;

        /// <summary>First sensor line of raw data (raw and DNG only); 0 = from the top.</summary>
        public int StartLine { get; set; }

        /// <summary>Number of sensor lines (raw and DNG only); 0 = to the bottom. A DNG of a line range is padded
        /// to the full image with 0xFF.</summary>
        public int LineCount { get; set; }

        /// <summary>Exposure and focus overrides, applied before each shot (null: the camera's own).</summary>
        public ShotSettings Settings { get; set; }

        /// <summary>Number of shots, at least 1.</summary>
        public int Count { get; set; } = 1;

        /// <summary>Time from the start of one shot to the start of the next (normal and quick mode). Zero: as fast as
        /// the data can be received.</summary>
        public TimeSpan Interval { get; set; }

        public RemoteShootMode Mode { get; set; }

        /// <summary>Creates an empty <c>IMG_nnnn.JPG</c> on the card for each shot. The camera does not write the
        /// files remote capture receives; some models crash in playback or at shutdown without a file for the
        /// image number (chdkptp's <c>-filedummy</c>).</summary>
        public bool FileDummy { get; set; }

        /// <summary>How long the host waits for each shot's data (and between its data types); null for
        /// <see cref="ShotTimeout.For"/> of the shutter time and interval.</summary>
        public TimeSpan? ShotTimeout { get; set; }

        /// <summary>How long the camera holds each data type for the host before it cancels remote capture
        /// (<c>set_usb_capture_timeout</c>); null leaves the camera's setting (30 s by default).</summary>
        public TimeSpan? CameraTimeout { get; set; }

        /// <summary>The sequence number of the first shot (<see cref="CaptureFileInfo.Sequence"/>, the
        /// <c>{Sequence}</c> of names). Default 1.</summary>
        public int StartSequence { get; set; } = 1;

        /// <summary>Kill a script already running on the camera instead of failing with
        /// <see cref="ChdkScriptRunningException"/>.</summary>
        public bool KillRunningScript { get; set; }

        /// <summary>Longest wait for the set-up script. Default 10 s.</summary>
        public TimeSpan SetupTimeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>Longest wait for the shooting script to end after the last shot's data. Default 10 s.</summary>
        public TimeSpan ScriptEndTimeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>Longest time the clean-up may take in all (stop message, wait, clean-up script). It runs even
        /// after cancellation, with its own token. Default 10 s.</summary>
        public TimeSpan CleanupTimeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>How long the shooting script may take to end after a stop message before it is killed. Default 1 s.</summary>
        public TimeSpan StopWait { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>First poll interval while waiting for data; doubles up to <see cref="MaxPollInterval"/>
        /// (chdkptp: 4 ms to 250 ms).</summary>
        public TimeSpan InitialPollInterval { get; set; } = TimeSpan.FromMilliseconds(4);

        public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

        /// <summary>In continuous and quick mode, how long the camera waits for each new picture. Default 15 s
        /// (chdkptp's exp_count_timeout), or more for long exposures.</summary>
        public TimeSpan? ExposureCountTimeout { get; set; }

        public RemoteCaptureOptions Clone()
        {
            var c = (RemoteCaptureOptions)MemberwiseClone();
            c.Settings = Settings?.Clone();
            return c;
        }

        /// <summary>The shot timeout in force: <see cref="ShotTimeout"/> or <see cref="Capture.ShotTimeout.For"/>.</summary>
        public TimeSpan EffectiveShotTimeout => Capture.ShotTimeout.For(Settings?.Shutter, Mode == RemoteShootMode.Continuous ? TimeSpan.Zero : Interval, ShotTimeout);

        /// <exception cref="ArgumentException">Contradicting or out-of-range options.</exception>
        public void Validate()
        {
            CaptureFormatInfo.Validate(Formats);
            if (Count < 1) throw new ArgumentOutOfRangeException(nameof(Count), "Take at least one shot.");
            if (StartLine < 0) throw new ArgumentOutOfRangeException(nameof(StartLine), "The start line cannot be negative.");
            if (LineCount < 0) throw new ArgumentOutOfRangeException(nameof(LineCount), "The line count cannot be negative.");
            if ((StartLine != 0 || LineCount != 0) && !CaptureFormatInfo.UsesRaw(Formats))
                throw new ArgumentException("A line range applies to raw and DNG only.", nameof(StartLine));
            if (Interval < TimeSpan.Zero || Interval.TotalMilliseconds > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(Interval), "The interval must be 0 or more (and under 24 days).");
            if (!Enum.IsDefined(typeof(RemoteShootMode), Mode)) throw new ArgumentOutOfRangeException(nameof(Mode));
            if (CameraTimeout.HasValue && (CameraTimeout.Value <= TimeSpan.Zero || CameraTimeout.Value.TotalMilliseconds > int.MaxValue))
                throw new ArgumentOutOfRangeException(nameof(CameraTimeout), "The camera timeout must be positive.");
            if (ShotTimeout.HasValue && ShotTimeout.Value <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ShotTimeout), "The shot timeout must be positive.");
            if (ExposureCountTimeout.HasValue && (ExposureCountTimeout.Value <= TimeSpan.Zero || ExposureCountTimeout.Value.TotalMilliseconds > int.MaxValue))
                throw new ArgumentOutOfRangeException(nameof(ExposureCountTimeout), "The exposure count timeout must be positive.");
            if (InitialPollInterval <= TimeSpan.Zero || MaxPollInterval < InitialPollInterval) throw new ArgumentOutOfRangeException(nameof(InitialPollInterval), "Poll intervals must be positive, the maximum at least the first.");
            if (SetupTimeout <= TimeSpan.Zero || ScriptEndTimeout <= TimeSpan.Zero || CleanupTimeout <= TimeSpan.Zero || StopWait < TimeSpan.Zero)
                throw new ArgumentOutOfRangeException(nameof(CleanupTimeout), "Timeouts must be positive.");
            Settings?.Validate();
        }
    }

    /// <summary>What a run is doing, for progress displays.</summary>
    public enum RemoteCaptureStage
    {
        Starting,
        WaitingForShot,
        Receiving,
        Saved,
        CleaningUp,
    }

    /// <summary>A progress report of a <see cref="RemoteCaptureSession"/> run.</summary>
    public sealed class RemoteCaptureProgress
    {
        public RemoteCaptureProgress(RemoteCaptureStage stage, int shot, int count, int? imageNumber, CaptureFileFormat? format, long fileBytes, long totalBytes, int filesSaved)
        {
            Stage = stage;
            Shot = shot;
            Count = count;
            ImageNumber = imageNumber;
            Format = format;
            FileBytes = fileBytes;
            TotalBytes = totalBytes;
            FilesSaved = filesSaved;
        }

        public RemoteCaptureStage Stage { get; }

        /// <summary>The shot being waited for or received, 1-based (0 before the first).</summary>
        public int Shot { get; }

        /// <summary>Shots asked for.</summary>
        public int Count { get; }

        public int? ImageNumber { get; }

        /// <summary>The file being received (Receiving) or just saved (Saved).</summary>
        public CaptureFileFormat? Format { get; }

        /// <summary>Bytes of the current file so far.</summary>
        public long FileBytes { get; }

        /// <summary>Bytes received in the whole run so far.</summary>
        public long TotalBytes { get; }

        public int FilesSaved { get; }

        public override string ToString() => $"{Stage} shot {Shot}/{Count}" + (Format.HasValue ? " " + Format.Value : string.Empty) + (FileBytes > 0 ? $" {FileBytes} bytes" : string.Empty);
    }
}
