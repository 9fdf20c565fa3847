using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Chdk.Capture;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Commands
{
    /// <summary>Invoke-ChdkShoot: takes pictures that the camera saves on its card, and emits the new camera items.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "ChdkShoot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(ChdkItem))]
    public sealed class InvokeChdkShootCommand : ChdkShootingCmdlet
    {
        /// <summary>Number of shots.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int Count { get; set; } = 1;

        /// <summary>Time from one shot to the next: seconds or a TimeSpan.</summary>
        [Parameter]
        [SecondsOrTimeSpan]
        public TimeSpan Interval { get; set; }


        protected override void ProcessRecord()
        {
            if (Interval < TimeSpan.Zero || Interval > TimeSpan.FromDays(24))
                ThrowTerminatingError(new ErrorRecord(new ArgumentOutOfRangeException(nameof(Interval), Interval, "-Interval must be 0 or more, and under 24 days."), "ChdkInvalidArgument", ErrorCategory.InvalidArgument, Interval));
            var shotTimeout = GivenShotTimeout();
            var settings = BuildSettings();
            var session = ResolveSession();
            if (!ShouldProcess($"session {session.Id} ({session.Model})", $"Take {Count} shot(s) to the card")) return;
            var clock = Stopwatch.StartNew();
            var progress = new ProgressRecord(3, "Shooting to the card", "Starting");
            for (int shot = 1; shot <= Count; shot++)
            {
                if (shot > 1) WaitUntil(clock, TimeSpan.FromTicks(Interval.Ticks * (shot - 1)));
                if (Count > 1)
                {
                    progress.StatusDescription = $"Shot {shot} of {Count}";
                    progress.PercentComplete = (shot - 1) * 100 / Count;
                    WriteProgress(progress);
                }
                // One shot per camera script: the session is free between shots, so commands later in the pipeline
                // (Receive-ChdkFile -Remove) can use the camera for the files of the shot before.
                var options = new CardShootOptions
                {
                    Settings = settings,
                    Count = 1,
                    StartSequence = shot,
                    ShotTimeout = shotTimeout,
                };
                List<CardShot> taken;
                try
                {
                    using (Hold(session))
                        taken = new CardShooter(session.Client) { Warning = WriteWarning }.Shoot(options, CancelToken).ToList();
                }
                catch (OperationCanceledException) { throw new PipelineStoppedException(); }
                catch (PtpException ex) { ThrowTerminatingError(ShootingError(Recover(session, ex, $"shot {shot}"), session)); return; }
                foreach (var s in taken)
                    foreach (var file in s.Files)
                        WriteObject(new ChdkItem(file, session));
            }
            if (Count > 1)
            {
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            }
        }

        private void WaitUntil(Stopwatch clock, TimeSpan due)
        {
            var left = due - clock.Elapsed;
            if (left > TimeSpan.Zero && CancelToken.WaitHandle.WaitOne(left)) throw new PipelineStoppedException();
        }
    }
}
