using System;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Chdk.Scripting;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Commands
{
    /// <summary>Stop-ChdkScript: ends the running camera script, as chdkptp's killscript.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "ChdkScript", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class StopChdkScriptCommand : ChdkSessionCmdlet
    {
        /// <summary>Keep the queued messages (by default both message queues are emptied).</summary>
        [Parameter]
        public SwitchParameter NoFlush { get; set; }

        /// <summary>Seconds to wait for the script to end.</summary>
        [Parameter]
        [ValidateRange(0.001, 3600)]
        public double Timeout { get; set; } = 5;

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            if (!ShouldProcess($"session {session.Id} ({session.Model})", "Stop the running script")) return;
            try
            {
                Use(session, "stopping the script", safeToRepeat: true, c => ScriptRunner.Kill(c, !NoFlush, TimeSpan.FromSeconds(Timeout), CancelToken));
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (PtpException ex) { WriteChdkError(ex, session); }
        }
    }
}
