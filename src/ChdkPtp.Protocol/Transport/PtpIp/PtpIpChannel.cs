using System;
using System.Threading;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Transport.PtpIp
{
    /// <summary>
    /// PTP/IP packet framing over one TCP connection, the one implementation both sides use (the host transport and
    /// the simulated camera). Reading is length-framed and buffered: a read may hold several packets or part of one,
    /// and every header is checked against its type before its payload is trusted
    /// (<see cref="PtpIpPackets.Validate"/>). Data payloads stream to a sink in large pieces and are never read past
    /// the packet's end. Writing builds each packet in one buffer and sends it with one write; a payload larger than
    /// the buffer goes out in buffer-sized pieces after its header. Both buffers are reused for every packet: nothing
    /// is allocated per packet.
    /// </summary>
    /// <remarks>The two buffers belong to the channel for its whole life (allocated once per connection, not pooled):
    /// a transport may be disposed from another thread while a transfer is still reading, and that reader must then
    /// fail on the closed stream, never touch an array already handed to someone else.</remarks>
    public sealed class PtpIpChannel : IDisposable
    {
        /// <summary>Size of the read buffer and of the write buffer's payload part.</summary>
        public const int DefaultBufferSize = 1024 * 1024;

        private readonly IPtpIpStream _stream;
        private readonly int _size;
        private readonly byte[] _in;
        private int _inPos;
        private int _inLen;
        private readonly byte[] _out;
        private volatile bool _disposed;

        public PtpIpChannel(IPtpIpStream stream, int bufferSize = DefaultBufferSize)
        {
            _stream = stream ?? throw new ArgumentNullException(nameof(stream));
            if (bufferSize < PtpIpPackets.MaxControlPacket) throw new ArgumentOutOfRangeException(nameof(bufferSize));
            _size = bufferSize;
            _in = new byte[bufferSize];
            _out = new byte[PtpIpPackets.DataHeaderSize + bufferSize];
        }

        public IPtpIpStream Stream => _stream;

        /// <summary>Bytes received and not yet consumed (parts of later packets).</summary>
        public int Buffered => _inLen - _inPos;

        // ---------------------------------------------------------------------------------------------------
        // reading

        /// <summary>
        /// Reads and checks the next packet's header. Returns false when the peer closed the connection cleanly
        /// between packets; a close inside the header is a <see cref="PtpTransportException"/>.
        /// </summary>
        public bool TryReadHeader(out PtpIpPacketHeader header, CancellationToken cancel)
        {
            header = default;
            if (!Fill(PtpIpPacketHeader.Size, cancel, eofOk: true)) return false;
            var s = _in.AsSpan(_inPos);
            header = new PtpIpPacketHeader(
                (uint)(s[0] | s[1] << 8 | s[2] << 16 | s[3] << 24),
                (PtpIpPacketType)(uint)(s[4] | s[5] << 8 | s[6] << 16 | s[7] << 24));
            _inPos += PtpIpPacketHeader.Size;
            PtpIpPackets.Validate(header);
            return true;
        }

        /// <summary>Reads the next header; a closed connection is a <see cref="PtpTransportException"/>.</summary>
        public PtpIpPacketHeader ReadHeader(CancellationToken cancel)
        {
            if (!TryReadHeader(out var h, cancel)) throw new PtpTransportException(ClosedMessage("between packets"));
            return h;
        }

        /// <summary>
        /// Reads the whole payload of a small packet (at most <see cref="PtpIpPackets.MaxControlPacket"/> bytes in
        /// all) and returns it; the span is valid until the next read.
        /// </summary>
        public ReadOnlySpan<byte> ReadSmallPayload(PtpIpPacketHeader header, CancellationToken cancel)
        {
            long n = header.PayloadLength;
            if (n > PtpIpPackets.MaxControlPacket - PtpIpPacketHeader.Size)
                throw new PtpProtocolException($"A {header} is longer than a packet of its kind can be.");
            if (n == 0) return ReadOnlySpan<byte>.Empty;
            Fill((int)n, cancel, eofOk: false);
            var s = new ReadOnlySpan<byte>(_in, _inPos, (int)n);
            _inPos += (int)n;
            return s;
        }

        /// <summary>Reads a Data/EndData packet's transaction id (the first 4 payload bytes).</summary>
        public uint ReadDataTransactionId(PtpIpPacketHeader header, CancellationToken cancel)
        {
            if (!header.CarriesData) throw new ArgumentException("Not a Data or EndData packet.", nameof(header));
            Fill(4, cancel, eofOk: false);
            var s = _in.AsSpan(_inPos);
            _inPos += 4;
            return (uint)(s[0] | s[1] << 8 | s[2] << 16 | s[3] << 24);
        }

        /// <summary>Streams the next <paramref name="count"/> bytes (the rest of a packet) to <paramref name="sink"/>
        /// (null discards them), in pieces of up to the buffer size; never reads past them.</summary>
        public void ReadPayload(long count, IPtpDataSink sink, CancellationToken cancel)
        {
            while (count > 0)
            {
                if (_inPos == _inLen)
                {
                    _inPos = _inLen = 0;
                    int want = (int)Math.Min(count, _size);
                    int n = _stream.Read(_in, 0, want, cancel);
                    if (n <= 0) throw new PtpTransportException(ClosedMessage($"{count} bytes before the end of a data packet"));
                    _inLen = n;
                }
                int take = (int)Math.Min(count, _inLen - _inPos);
                sink?.Write(new ReadOnlySpan<byte>(_in, _inPos, take));
                _inPos += take;
                count -= take;
            }
        }

        /// <summary>Makes at least <paramref name="n"/> bytes available at <c>_inPos</c>; false on a clean close before any.</summary>
        private bool Fill(int n, CancellationToken cancel, bool eofOk)
        {
            if (_inLen - _inPos >= n) return true;
            if (_inPos > 0)
            {
                Buffer.BlockCopy(_in, _inPos, _in, 0, _inLen - _inPos);
                _inLen -= _inPos;
                _inPos = 0;
            }
            while (_inLen < n)
            {
                int got = _stream.Read(_in, _inLen, _size - _inLen, cancel);
                if (got <= 0)
                {
                    if (eofOk && _inLen == 0) return false;
                    throw new PtpTransportException(ClosedMessage($"{n - _inLen} bytes before the end of a packet"));
                }
                _inLen += got;
            }
            return true;
        }

        private string ClosedMessage(string where)
        {
            var peer = Peer;
            return $"{char.ToUpperInvariant(peer[0])}{peer.Substring(1)} closed the connection {where}.";
        }

        private string Peer => (_stream as PtpIpSocketStream)?.Peer ?? "the peer";

        // ---------------------------------------------------------------------------------------------------
        // writing: every packet is built in _out and sent with one write

        /// <summary>Sends an InitCommandRequest (<paramref name="connectionNumber"/> null) or InitCommandAck.</summary>
        public void SendInit(uint? connectionNumber, Guid guid, string friendlyName, uint version, CancellationToken cancel) =>
            Flush(PtpIpPackets.WriteInit(_out, connectionNumber, guid, friendlyName, version), cancel);

        /// <summary>InitEventRequest(connection number), InitFail(reason) or Cancel(transaction id).</summary>
        public void SendUInt32Packet(PtpIpPacketType type, uint value, CancellationToken cancel) =>
            Flush(PtpIpPackets.WriteUInt32Packet(_out, type, value), cancel);

        /// <summary>InitEventAck, ProbeRequest or ProbeResponse.</summary>
        public void SendEmptyPacket(PtpIpPacketType type, CancellationToken cancel) =>
            Flush(PtpIpPackets.WriteEmptyPacket(_out, type), cancel);

        public void SendOperationRequest(PtpIpDataPhase dataPhase, ushort code, uint transactionId, uint[] parameters, CancellationToken cancel) =>
            Flush(PtpIpPackets.WriteOperationRequest(_out, dataPhase, code, transactionId, parameters), cancel);

        public void SendResponse(ushort code, uint transactionId, uint[] parameters, CancellationToken cancel) =>
            Flush(PtpIpPackets.WriteCodePacket(_out, PtpIpPacketType.OperationResponse, code, transactionId, parameters), cancel);

        public void SendEvent(ushort code, uint transactionId, uint[] parameters, CancellationToken cancel) =>
            Flush(PtpIpPackets.WriteCodePacket(_out, PtpIpPacketType.Event, code, transactionId, parameters), cancel);

        public void SendStartData(uint transactionId, ulong totalLength, CancellationToken cancel) =>
            Flush(PtpIpPackets.WriteStartData(_out, transactionId, totalLength), cancel);

        /// <summary>Sends a Data or EndData packet carrying <paramref name="payload"/>: in one write when it fits the
        /// buffer, else the header with the first piece and then the rest.</summary>
        public void SendDataPacket(PtpIpPacketType type, uint transactionId, ReadOnlySpan<byte> payload, CancellationToken cancel)
        {
            int o = PtpIpPackets.WriteDataHeader(_out, type, transactionId, payload.Length);
            do
            {
                int n = Math.Min(payload.Length, _out.Length - o);
                payload.Slice(0, n).CopyTo(_out.AsSpan(o));
                payload = payload.Slice(n);
                Flush(o + n, cancel);
                o = 0;
            }
            while (payload.Length > 0);
        }

        /// <summary>Sends a Data or EndData packet whose <paramref name="length"/>-byte payload is pulled from
        /// <paramref name="source"/>: the header with the first piece in one write, then buffer-sized pieces.</summary>
        public void SendDataPacket(PtpIpPacketType type, uint transactionId, IPtpDataSource source, long length, CancellationToken cancel)
        {
            int o = PtpIpPackets.WriteDataHeader(_out, type, transactionId, length);
            do
            {
                int n = (int)Math.Min(length, _out.Length - o);
                FillFrom(source, _out.AsSpan(o, n));
                length -= n;
                Flush(o + n, cancel);
                o = 0;
            }
            while (length > 0);
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

        private void Flush(int length, CancellationToken cancel)
        {
            if (_disposed) throw new PtpTransportException($"The connection to {Peer} is closed.");
            _stream.Write(_out, 0, length, cancel);
        }

        /// <summary>Marks the channel unusable for writing; the stream is not disposed (its owner does that).</summary>
        public void Dispose() => _disposed = true;
    }
}
