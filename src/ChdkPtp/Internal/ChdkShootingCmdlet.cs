using System;
using System.Management.Automation;
using ChdkPtp.Protocol.Chdk.Capture;

namespace ChdkPtp.Internal
{
    /// <summary>
    /// Base of the cmdlets that take pictures (Save-ChdkRemoteCapture, Invoke-ChdkShoot, Start-ChdkTimelapse):
    /// the exposure and focus overrides, parsed once into <see cref="ShotSettings"/>.
    /// </summary>
    public abstract class ChdkShootingCmdlet : ChdkSessionCmdlet
    {
        /// <summary>Shutter time in seconds: 1/250, 0.004, 2.5, or tv96=N (APEX96).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Tv { get; set; }

        /// <summary>Aperture as an f-number (2.8, f/2.8) or av96=N (APEX96).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Av { get; set; }

        /// <summary>Market ISO (100, 400) or sv96=N (APEX96 of the market ISO).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Iso { get; set; }

        /// <summary>The ND filter: In, Out or Auto.</summary>
        [Parameter]
        public NdFilterState NdFilter { get; set; }

        /// <summary>Focus distance in millimetres (manual focus or AF lock, as the camera allows).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int FocusDistance { get; set; }

        /// <summary>The longest wait for a shot: seconds or a TimeSpan. Default: 10 s + 2 × the exposure (see each cmdlet).</summary>
        [Parameter]
        [SecondsOrTimeSpan]
        public TimeSpan ShotTimeout { get; set; }

        /// <summary>-ShotTimeout when it was given (not positive: a terminating ChdkInvalidArgument), else null for the
        /// library's default.</summary>
        protected TimeSpan? GivenShotTimeout()
        {
            if (!MyInvocation.BoundParameters.ContainsKey(nameof(ShotTimeout))) return null;
            if (ShotTimeout <= TimeSpan.Zero)
                ThrowTerminatingError(new ErrorRecord(new ArgumentOutOfRangeException(nameof(ShotTimeout), ShotTimeout, "-ShotTimeout must be positive."),
                    "ChdkInvalidArgument", ErrorCategory.InvalidArgument, ShotTimeout));
            return ShotTimeout;
        }

        /// <summary>The formats of a -Format array as one set.</summary>
        protected static RemoteCaptureFormats Combine(RemoteCaptureFormats[] formats)
        {
            var all = RemoteCaptureFormats.None;
            foreach (var f in formats) all |= f;
            return all;
        }

        /// <summary>The exposure overrides given, or null when none; a bad value stops the command.</summary>
        protected ShotSettings BuildSettings()
        {
            var s = new ShotSettings();
            try
            {
                if (Tv != null) s.Shutter = ShutterSpeed.Parse(Tv);
                if (Av != null) s.Aperture = Aperture.Parse(Av);
                if (Iso != null) s.Iso = IsoSpeed.Parse(Iso);
                if (MyInvocation.BoundParameters.ContainsKey(nameof(NdFilter))) s.NdFilter = NdFilter;
                if (MyInvocation.BoundParameters.ContainsKey(nameof(FocusDistance))) s.FocusDistance = FocusDistance;
                s.Validate();
            }
            catch (Exception ex) when (ex is FormatException || ex is ArgumentException)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException(ex.Message, ex), "ChdkInvalidArgument", ErrorCategory.InvalidArgument, null));
            }
            return s.IsEmpty ? null : s;
        }

        /// <summary>The error record for a failed shot; a running script is named with what to do here (these
        /// cmdlets do not kill scripts: their -Force is about local files).</summary>
        protected static ErrorRecord ShootingError(Exception ex, object target)
        {
            var record = ErrorFor(ex, target);
            if (ex is Protocol.Chdk.ChdkScriptRunningException)
                record.ErrorDetails = new ErrorDetails("A script is running on the camera, and shooting needs a script of its own. End it first (Stop-ChdkScript), then shoot again.");
            return record;
        }

        /// <summary>A FileInfo with the shot's details as note properties, as every shooting cmdlet emits them.</summary>
        protected static PSObject ShotFile(string path, CaptureFileInfo info, ChdkSession session)
        {
            var o = PSObject.AsPSObject(new System.IO.FileInfo(path));
            o.Properties.Add(new PSNoteProperty("ImageNumber", info.ImageNumber));
            o.Properties.Add(new PSNoteProperty("Format", info.Format));
            o.Properties.Add(new PSNoteProperty("ShotTime", info.ShotTime));
            o.Properties.Add(new PSNoteProperty("Sequence", info.Sequence));
            o.Properties.Add(new PSNoteProperty("Shot", info.Shot));
            o.Properties.Add(new PSNoteProperty("Session", session));
            return o;
        }
    }
}
