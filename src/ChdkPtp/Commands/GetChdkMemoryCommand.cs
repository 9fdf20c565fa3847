using System;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Commands
{
    /// <summary>Get-ChdkMemory: reads a block of camera memory.</summary>
    [Cmdlet(VerbsCommon.Get, "ChdkMemory")]
    [OutputType(typeof(ChdkMemoryBlock))]
    public sealed class GetChdkMemoryCommand : ChdkSessionCmdlet
    {
        /// <summary>Start address (0x1900, 0xFF810000 and '0xFF810000' are all accepted).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [AddressTransformation]
        public uint Address { get; set; }

        /// <summary>Number of bytes to read.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 64 * 1024 * 1024)]
        public int Length { get; set; } = 4;

        /// <summary>Copy through a camera heap buffer first (for MMIO and TCM regions; CHDK protocol 2.8).</summary>
        [Parameter]
        public SwitchParameter Buffered { get; set; }

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            try
            {
                byte[] data;
                data = Use(session, $"the read of {Length} bytes at 0x{Address:x8}", safeToRepeat: true, c => c.GetMemory(Address, Length, Buffered));
                WriteObject(new ChdkMemoryBlock(Address, data, session));
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (PtpException ex) { WriteChdkError(ex, $"0x{Address:x8}"); }
        }
    }
}
