using System;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Commands
{
    /// <summary>Invoke-ChdkFunction: calls a firmware function by address and returns its 32-bit result.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "ChdkFunction", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(int))]
    public sealed class InvokeChdkFunctionCommand : ChdkSessionCmdlet
    {
        /// <summary>Address of the function (Thumb functions have bit 0 set).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [AddressTransformation]
        public uint Address { get; set; }

        /// <summary>Up to 9 (protocol before 2.5) or any number of 32-bit arguments.</summary>
        [Parameter(Position = 1)]
        [AllowEmptyCollection]
        public int[] ArgumentList { get; set; }

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            var args = ArgumentList ?? Array.Empty<int>();
            if (!ShouldProcess($"0x{Address:x8} on session {session.Id} ({session.Model})", $"Call function with {args.Length} argument(s)")) return;
            try
            {
                int result;
                result = Use(session, $"the call of 0x{Address:x8}", safeToRepeat: false, c => c.CallFunction(Address, args));
                WriteObject(result);
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (PtpException ex) { WriteChdkError(ex, $"0x{Address:x8}"); }
        }
    }
}
