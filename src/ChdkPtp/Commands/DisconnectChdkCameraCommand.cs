using System.Management.Automation;
using ChdkPtp.Internal;

namespace ChdkPtp.Commands
{
    /// <summary>Disconnect-ChdkCamera: closes sessions (the default session when none is given).</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "ChdkCamera", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(void))]
    public sealed class DisconnectChdkCameraCommand : ChdkCmdlet
    {
        /// <summary>Sessions to close; they can be piped in.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true)]
        public ChdkSession[] Session { get; set; }

        protected override void ProcessRecord()
        {
            var sessions = Session;
            if (sessions == null || sessions.Length == 0)
            {
                var d = SessionRegistry.Default;
                if (d == null)
                {
                    WriteError(new ErrorRecord(new System.InvalidOperationException("No CHDK camera is connected."),
                        "ChdkNoSession", ErrorCategory.ConnectionError, null));
                    return;
                }
                sessions = new[] { d };
            }
            foreach (var s in sessions)
            {
                if (s == null) continue;
                if (!ShouldProcess($"session {s.Id} ({s.Model}, {s.Transport})", "Disconnect")) continue;
                SessionRegistry.Remove(s);
                s.Dispose();
            }
        }
    }
}
