using System;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Chdk.Scripting;
using ChdkPtp.Protocol.Chdk.Shooting;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Commands
{
    /// <summary>Set-ChdkCameraMode: switches the camera between record (shooting) and playback over USB.</summary>
    [Cmdlet(VerbsCommon.Set, "ChdkCameraMode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(CameraModeState))]
    public sealed class SetChdkCameraModeCommand : ChdkSessionCmdlet
    {
        /// <summary>Record (shooting, lens out) or Playback.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public CameraMode Mode { get; set; }

        /// <summary>Longest wait for the camera to reach the mode: seconds, or a TimeSpan. Default 5 s.</summary>
        [Parameter]
        [SecondsOrTimeSpan]
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>Kill a script that is running on the camera instead of failing.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Emit the camera's mode afterwards.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromDays(1))
                ThrowTerminatingError(new ErrorRecord(new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "-Timeout must be more than 0 and at most a day."),
                    "ChdkInvalidArgument", ErrorCategory.InvalidArgument, Timeout));
            var session = ResolveSession();
            if (!ShouldProcess($"session {session.Id} ({session.Model})", $"Switch to {Mode} mode")) return;
            try
            {
                CameraModeState state;
                bool already;
                // Switching to a mode the camera is already in does nothing, so the switch can be repeated after a reconnect.
                (state, already) = Use(session, $"the switch to {Mode} mode", safeToRepeat: true,
                    c => CameraModes.Set(c, Mode, Timeout, new ScriptRunOptions { KillRunning = Force, Warning = WriteWarning }, CancelToken));
                WriteVerbose(already ? $"The camera was already in {Mode} mode." : $"The camera switched to {Mode} mode.");
                if (PassThru) WriteObject(state);
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (PtpException ex) { WriteChdkError(ex, session); }
        }
    }
}
