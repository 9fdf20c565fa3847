using System;
using System.IO;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Chdk.Capture;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Commands
{
    /// <summary>Save-ChdkRemoteCapture: shoots and receives the pictures over USB (CHDK remote capture), without the card.</summary>
    [Cmdlet(VerbsData.Save, "ChdkRemoteCapture", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(FileInfo))]
    public sealed class SaveChdkRemoteCaptureCommand : ChdkShootingCmdlet
    {
        /// <summary>A local folder (files are named IMG_nnnn.ext), or a name template with {Token} placeholders.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; } = ".";

        /// <summary>What to receive per shot: Jpeg, Raw, Dng, DngHeader, CanonRaw (several allowed).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public RemoteCaptureFormats[] Format { get; set; } = { RemoteCaptureFormats.Jpeg };

        /// <summary>Number of shots.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int Count { get; set; } = 1;

        /// <summary>Time between shots: seconds or a TimeSpan.</summary>
        [Parameter]
        [SecondsOrTimeSpan]
        public TimeSpan Interval { get; set; }

        /// <summary>Continuous drive: hold the shutter for Count shots (the camera must be in continuous mode).</summary>
        [Parameter]
        public SwitchParameter Continuous { get; set; }

        /// <summary>Quick mode: keep the half press and click the shutter for each shot.</summary>
        [Parameter]
        public SwitchParameter Quick { get; set; }


        /// <summary>First sensor line of raw/DNG data (0 = the top).</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int StartLine { get; set; }

        /// <summary>Number of sensor lines of raw/DNG data (0 = to the bottom).</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int LineCount { get; set; }

        /// <summary>First value of the {Sequence} token.</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int StartSequence { get; set; } = 1;

        /// <summary>Write the empty IMG_nnnn.JPG on the card that some cameras need after a remote capture.</summary>
        [Parameter]
        public SwitchParameter FileDummy { get; set; }

        /// <summary>Overwrite existing local files.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            if (Continuous && Quick)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Continuous and -Quick exclude each other."), "ChdkInvalidArgument", ErrorCategory.InvalidArgument, null));
            var formats = Combine(Format);
            var options = new RemoteCaptureOptions
            {
                Formats = formats,
                Settings = BuildSettings(),
                Count = Count,
                Interval = Interval,
                Mode = Continuous ? RemoteShootMode.Continuous : Quick ? RemoteShootMode.Quick : RemoteShootMode.Normal,
                StartLine = StartLine,
                LineCount = LineCount,
                StartSequence = StartSequence,
                FileDummy = FileDummy,
                ShotTimeout = GivenShotTimeout(),
            };
            FolderCaptureDestination destination;
            try
            {
                options.Validate();
                destination = CreateDestination(this, Destination, Force ? CaptureConflictAction.Overwrite : CaptureConflictAction.Fail);
                destination.CheckNames(formats, Count);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "ChdkInvalidArgument", ErrorCategory.InvalidArgument, Destination));
                return;
            }
            var session = ResolveSession();
            if (!ShouldProcess($"session {session.Id} ({session.Model})", $"Take {Count} shot(s) and save {formats} to {destination.Folder}")) return;

            var progress = new ProgressRecord(2, "Remote capture", "Starting");
            bool progressShown = false;
            try
            {
                using (Hold(session))
                {
                    var run = new RemoteCaptureSession(session.Client)
                    {
                        Warning = WriteWarning,
                        Progress = new SyncProgress<RemoteCaptureProgress>(p =>
                        {
                            progress.StatusDescription = $"Shot {p.Shot} of {p.Count}: {Describe(p)}; {p.FilesSaved} files, {TransferProgress.Size(p.TotalBytes)}";
                            progress.PercentComplete = (int)Math.Min(100, Math.Max(0, (p.Shot - 1) * 100L / Math.Max(1, p.Count)));
                            progressShown = true;
                            WriteProgress(progress);
                        }),
                    };
                    foreach (var file in run.Shoot(options, destination, CancelToken))
                        WriteObject(ShotFile(file.Path, file.Info, session));
                }
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (PtpException ex) { ThrowTerminatingError(ShootingError(Recover(session, ex, "the remote capture"), session)); }
            catch (ArgumentException ex) { ThrowChdkError(ex, Destination); } // a name the template gives at shot time
            catch (IOException ex) { ThrowChdkError(ex, Destination); }
            catch (UnauthorizedAccessException ex) { ThrowChdkError(ex, Destination); }
            finally
            {
                if (progressShown)
                {
                    progress.RecordType = ProgressRecordType.Completed;
                    WriteProgress(progress);
                }
            }
        }

        private static string Describe(RemoteCaptureProgress p)
        {
            switch (p.Stage)
            {
                case RemoteCaptureStage.Starting: return "setting up";
                case RemoteCaptureStage.WaitingForShot: return "waiting for the camera";
                case RemoteCaptureStage.Receiving: return $"receiving {p.Format} ({TransferProgress.Size(p.FileBytes)})";
                case RemoteCaptureStage.Saved: return $"saved {p.Format}";
                default: return "cleaning up";
            }
        }

        /// <summary>A folder, or a folder and a name template: the path up to the last separator before the first
        /// '{' is the folder, the rest the template. Resolved relative to the current location.</summary>
        internal static FolderCaptureDestination CreateDestination(ChdkCmdlet cmdlet, string destination, CaptureConflictAction conflict)
        {
            var (folder, template) = SplitTemplate(destination);
            var resolved = cmdlet.ResolveFileSystemPath(folder);
            if (File.Exists(resolved)) throw new ArgumentException($"'{resolved}' is a file: -Destination is a folder, or a folder and a name template.");
            return new FolderCaptureDestination(resolved, template, conflict);
        }
    }
}
