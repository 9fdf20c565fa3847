using System;
using System.Buffers;
using System.Threading;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Transport.Usb
{
    /// <summary>
    /// USB Still-Image-class container framing over a pair of bulk pipes (PROTOCOL.md §1.2-1.3), the
    /// one implementation that every USB-style link uses: the host transport and the simulated camera.
    /// Sending: the first packet carries the 12-byte header and up to <c>MaxPacketSize-12</c> payload
    /// bytes; the rest follows in large writes; a zero-length packet ends a container whose length is
    /// a multiple of the packet size. Receiving: the first read is one packet (so it can never take
    /// bytes of a later container), the rest is read in large transfers of whole packets, never past
    /// the container; a zero-length packet where a container should start is the previous
    /// container's terminator and is skipped. Buffers are pooled; nothing is allocated per packet.
    /// </summary>
    public sealed class UsbContainerChannel : IDisposable
    {
        /// <summary>Bulk transfers are issued in blocks of this size (a multiple of any packet size).</summary>
        public const int TransferSize = 1024 * 1024;

        private readonly IUsbBulkIo _io;
        private readonly int _mps;
        private byte[] _buffer;

        public UsbContainerChannel(IUsbBulkIo io)
        {
            _io = io ?? throw new ArgumentNullException(nameof(io));
            _mps = io.MaxPacketSize > 0 ? io.MaxPacketSize : 512;
            if (_mps < UsbContainerHeader.Size + 4 || (TransferSize % _mps) != 0)
                throw new ArgumentException($"Unsupported packet size {_mps}.", nameof(io));
            _buffer = ArrayPool<byte>.Shared.Rent(TransferSize);
        }

        public int MaxPacketSize => _mps;

        /// <summary>Sends a container whose payload is small and in memory (command, response, short data).</summary>
        public void Send(PtpContainerType type, ushort code, uint transactionId, ReadOnlySpan<byte> payload, CancellationToken cancel)
        {
            long total = UsbContainerHeader.Size + (long)payload.Length;
            if (total > uint.MaxValue) throw new ArgumentException("Container too large.", nameof(payload));
            var header = new UsbContainerHeader((uint)total, type, code, transactionId);
            int first = Math.Min(payload.Length, _mps - UsbContainerHeader.Size);
            header.WriteTo(_buffer);
            payload.Slice(0, first).CopyTo(_buffer.AsSpan(UsbContainerHeader.Size));
            _io.Write(_buffer.AsSpan(0, UsbContainerHeader.Size + first), cancel);
            var rest = payload.Slice(first);
            while (rest.Length > 0)
            {
                int n = Math.Min(rest.Length, TransferSize);
                _io.Write(rest.Slice(0, n), cancel);
                rest = rest.Slice(n);
            }
            if (total % _mps == 0) _io.Write(ReadOnlySpan<byte>.Empty, cancel);
        }

        /// <summary>Sends a command or response container with its parameters.</summary>
        public void SendParameters(PtpContainerType type, ushort code, uint transactionId, uint[] parameters, CancellationToken cancel)
        {
            int n = parameters?.Length ?? 0;
            if (n > 5) throw new ArgumentException("PTP carries at most five parameters.", nameof(parameters));
            Span<byte> p = stackalloc byte[4 * 5];
            for (int i = 0; i < n; i++) UsbContainerHeader.WriteUInt32(p.Slice(4 * i), parameters[i]);
            Send(type, code, transactionId, p.Slice(0, 4 * n), cancel);
        }

        /// <summary>Sends a DATA container whose payload is pulled from <paramref name="source"/>.</summary>
        public void SendData(ushort code, uint transactionId, IPtpDataSource source, CancellationToken cancel)
        {
            long length = source.Length;
            long total = UsbContainerHeader.Size + length;
            if (length < 0 || total > uint.MaxValue) throw new ArgumentException($"A data phase of {length} bytes does not fit a USB container.", nameof(source));
            new UsbContainerHeader((uint)total, PtpContainerType.Data, code, transactionId).WriteTo(_buffer);
            int first = (int)Math.Min(length, _mps - UsbContainerHeader.Size);
            FillFrom(source, _buffer.AsSpan(UsbContainerHeader.Size, first));
            _io.Write(_buffer.AsSpan(0, UsbContainerHeader.Size + first), cancel);
            long left = length - first;
            while (left > 0)
            {
                int n = (int)Math.Min(left, TransferSize);
                FillFrom(source, _buffer.AsSpan(0, n));
                _io.Write(_buffer.AsSpan(0, n), cancel);
                left -= n;
            }
            if (total % _mps == 0) _io.Write(ReadOnlySpan<byte>.Empty, cancel);
        }

        private static void FillFrom(IPtpDataSource source, Span<byte> destination)
        {
            while (destination.Length > 0)
            {
                int n = source.Read(destination);
                if (n <= 0) throw new PtpProtocolException("The data source ended before its announced length.");
                destination = destination.Slice(n);
            }
        }

        /// <summary>
        /// Reads the next container. Its payload goes to <paramref name="sink"/> when the header passes
        /// <paramref name="acceptPayload"/> (DATA containers), otherwise into <paramref name="smallPayload"/>,
        /// which must then hold it (commands and responses are at most 32 bytes).
        /// </summary>
        public UsbContainerHeader Receive(Func<UsbContainerHeader, IPtpDataSink> sinkFor, Span<byte> smallPayload, out int smallLength, CancellationToken cancel)
        {
            int got = 0;
            for (int attempt = 0; ; attempt++)
            {
                got = _io.Read(_buffer.AsSpan(0, _mps), cancel);
                if (got > 0) break;
                if (attempt >= 2) throw new PtpProtocolException("The device sent zero-length packets where a container should start.");
            }
            if (got < UsbContainerHeader.Size)
                throw new PtpProtocolException($"Truncated container: a packet of {got} bytes cannot hold the {UsbContainerHeader.Size}-byte header.");
            var header = UsbContainerHeader.Read(_buffer);
            if (got > header.Length)
                throw new PtpProtocolException($"The container header says {header.Length} bytes but its first packet holds {got}: the length lies.");
            if (header.Type < PtpContainerType.Command || header.Type > PtpContainerType.Event)
            {
                // Not the start of a container: the middle of a data phase that an earlier connection abandoned, or
                // noise. Its "length" means nothing, so nothing is drained (that could read gigabytes); the caller
                // faults the session, and a connect resets the device.
                throw new PtpProtocolException($"Expected the start of a container, got {got} bytes whose header names no container type ({(ushort)header.Type:X4}): the pipe is out of step with the camera.");
            }

            var sink = sinkFor?.Invoke(header);
            long remaining = header.Length - got;
            smallLength = 0;
            if (sink == null)
            {
                if (header.PayloadLength > smallPayload.Length)
                {
                    Drain(remaining, cancel);
                    throw new PtpProtocolException($"A {header.Type} container of {header.Length} bytes is longer than any {header.Type} can be.");
                }
                _buffer.AsSpan(UsbContainerHeader.Size, got - UsbContainerHeader.Size).CopyTo(smallPayload);
                smallLength = got - UsbContainerHeader.Size;
                while (remaining > 0)
                {
                    int n = ReadSome(remaining, cancel);
                    _buffer.AsSpan(0, n).CopyTo(smallPayload.Slice(smallLength));
                    smallLength += n;
                    remaining -= n;
                }
                return header;
            }

            sink.Begin(header.PayloadLength);
            if (got > UsbContainerHeader.Size) sink.Write(_buffer.AsSpan(UsbContainerHeader.Size, got - UsbContainerHeader.Size));
            while (remaining > 0)
            {
                int n = ReadSome(remaining, cancel);
                sink.Write(_buffer.AsSpan(0, n));
                remaining -= n;
            }
            return header;
        }

        /// <summary>Reads one transfer of at most <paramref name="remaining"/> bytes (rounded up to whole packets).</summary>
        private int ReadSome(long remaining, CancellationToken cancel)
        {
            int request = (int)Math.Min(TransferSize, (remaining + _mps - 1) / _mps * _mps);
            int n = _io.Read(_buffer.AsSpan(0, request), cancel);
            if (n == 0)
                throw new PtpProtocolException($"Truncated container: the transfer ended {remaining} bytes before the length in its header.");
            if (n > remaining)
                throw new PtpProtocolException($"The container runs {n - remaining} bytes past the length in its header.");
            return n;
        }

        private void Drain(long remaining, CancellationToken cancel)
        {
            while (remaining > 0) remaining -= ReadSome(remaining, cancel);
        }

        public void Dispose()
        {
            var b = Interlocked.Exchange(ref _buffer, null);
            if (b != null) ArrayPool<byte>.Shared.Return(b);
        }
    }
}
