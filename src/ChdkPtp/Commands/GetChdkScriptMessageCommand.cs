using System;
using System.Diagnostics;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Scripting;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Commands
{
    /// <summary>Get-ChdkScriptMessage: reads the messages queued by camera scripts.</summary>
    [Cmdlet(VerbsCommon.Get, "ChdkScriptMessage")]
    [OutputType(typeof(ChdkMessage))]
    public sealed class GetChdkScriptMessageCommand : ChdkSessionCmdlet
    {
        /// <summary>When nothing is queued, wait for the first message.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary>Seconds -Wait waits at most; then a ChdkTimeout error. Default: until a message comes or Ctrl+C.</summary>
        [Parameter]
        [ValidateRange(0.001, 31536000)]
        public double Timeout { get; set; }

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            var clock = Stopwatch.StartNew();
            var delay = 4;
            bool any = false;
            try
            {
                while (true)
                {
                    // The session is taken for each read only, so other commands can use it during a long -Wait.
                    ChdkScriptMessage m;
                    m = Use(session, "reading a script message", safeToRepeat: false, c => c.ReadScriptMessage());
                    if (m != null)
                    {
                        any = true;
                        WriteObject(new ChdkMessage(m, LuaValueConverter.ToPowerShell(ScriptRunner.DecodeValue(m, WriteWarning)), session));
                        continue;
                    }
                    if (any || !Wait) return;
                    if (MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) && clock.Elapsed.TotalSeconds >= Timeout)
                    {
                        WriteChdkError(new ChdkTimeoutException($"No script message arrived within {Timeout:0.###} s."), session);
                        return;
                    }
                    if (CancelToken.WaitHandle.WaitOne(delay)) throw new PipelineStoppedException();
                    delay = Math.Min(delay * 2, 100);
                }
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (PtpException ex) { WriteChdkError(ex, session); }
        }
    }
}
