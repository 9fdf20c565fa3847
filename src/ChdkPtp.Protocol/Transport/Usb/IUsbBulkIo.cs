using System;
using System.Threading;

namespace ChdkPtp.Protocol.Transport.Usb
{
    /// <summary>
    /// One side of a pair of USB bulk pipes, with libusb's transfer semantics: a write of N bytes goes
    /// out as packets of <see cref="MaxPacketSize"/> (a zero-length write is a zero-length packet); a read
    /// completes when the buffer is full or a short (or zero-length) packet arrives.
    /// </summary>
    public interface IUsbBulkIo
    {
        /// <summary>wMaxPacketSize of the bulk endpoints (512 on high speed).</summary>
        int MaxPacketSize { get; }

        void Write(ReadOnlySpan<byte> data, CancellationToken cancel);

        /// <summary>Reads one transfer. <paramref name="buffer"/>'s length should be a multiple of
        /// <see cref="MaxPacketSize"/>. Returns the byte count; 0 for a zero-length packet.</summary>
        int Read(Span<byte> buffer, CancellationToken cancel);
    }
}
