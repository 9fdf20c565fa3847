using System;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Scripting;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Commands
{
    /// <summary>Send-ChdkScriptMessage: sends a string to the running script (read_usb_msg).</summary>
    [Cmdlet(VerbsCommunications.Send, "ChdkScriptMessage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(void))]
    public sealed class SendChdkScriptMessageCommand : ChdkSessionCmdlet
    {
        /// <summary>The message text (sent as UTF-8 bytes). Empty messages are refused: they hang real cameras.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowEmptyString]
        [NotASession]
        public string Message { get; set; }

        /// <summary>The script that must receive it; default: the script this session started last. 0 = whichever script runs.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public uint ScriptId { get; set; }

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            if (string.IsNullOrEmpty(Message))
            {
                WriteError(new ErrorRecord(new ArgumentException("An empty message cannot be sent: CHDK cameras stop responding after a zero-length message."),
                    "ChdkInvalidArgument", ErrorCategory.InvalidArgument, Message));
                return;
            }
            uint id = MyInvocation.BoundParameters.ContainsKey(nameof(ScriptId)) ? ScriptId : session.LastScriptId;
            if (!ShouldProcess($"script {id} on session {session.Id}", $"Send message '{Message}'")) return;
            try
            {
                WriteScriptMessageStatus status;
                status = Use(session, "sending a script message", safeToRepeat: false, c => c.WriteScriptMessage(LuaText.Encode(Message), id));
                if (status != WriteScriptMessageStatus.Ok) WriteChdkError(new ChdkMessageException(status, id), Message);
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (PtpException ex) { WriteChdkError(ex, session); }
        }
    }
}
