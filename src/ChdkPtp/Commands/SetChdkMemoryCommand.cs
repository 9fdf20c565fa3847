using System;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Commands
{
    /// <summary>Set-ChdkMemory: writes bytes into camera memory. Dangerous: a wrong write crashes the camera.</summary>
    [Cmdlet(VerbsCommon.Set, "ChdkMemory", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class SetChdkMemoryCommand : ChdkSessionCmdlet
    {
        /// <summary>Start address (not 0).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [AddressTransformation]
        public uint Address { get; set; }

        /// <summary>The bytes to write.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public byte[] Bytes { get; set; }

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            if (Address == 0)
            {
                WriteError(new ErrorRecord(new ArgumentOutOfRangeException(nameof(Address), "CHDK refuses writes to address 0."),
                    "ChdkInvalidArgument", ErrorCategory.InvalidArgument, Address));
                return;
            }
            if (!ShouldProcess($"0x{Address:x8} on session {session.Id} ({session.Model})", $"Write {Bytes.Length} bytes of memory")) return;
            try
            {
                Use(session, $"the write to 0x{Address:x8}", safeToRepeat: false, c => c.SetMemory(Address, Bytes));
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (PtpException ex) { WriteChdkError(ex, $"0x{Address:x8}"); }
        }
    }
}
