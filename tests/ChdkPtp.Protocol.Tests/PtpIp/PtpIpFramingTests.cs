using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport.PtpIp;
using ChdkPtp.Tests.PtpIp;

namespace ChdkPtp.Protocol.Tests.PtpIp
{
    /// <summary>An in-memory byte stream: reads hand out the input in pieces of a chosen size (so packets split and
    /// merge across reads), writes are recorded one entry per call.</summary>
    internal sealed class MemoryPtpIpStream : IPtpIpStream
    {
        private readonly byte[] _input;
        private readonly Func<int, int> _pieceSize;
        private int _pos;
        private int _reads;

        public MemoryPtpIpStream(byte[] input = null, Func<int, int> pieceSize = null)
        {
            _input = input ?? Array.Empty<byte>();
            _pieceSize = pieceSize ?? (_ => int.MaxValue);
        }

        public List<byte[]> Writes { get; } = new List<byte[]>();
        public byte[] Written => Raw.Cat(Writes.ToArray());
        public int Consumed => _pos;

        public int Read(byte[] buffer, int offset, int count, CancellationToken cancel)
        {
            int n = Math.Min(Math.Min(count, _input.Length - _pos), Math.Max(1, _pieceSize(_reads++)));
            Buffer.BlockCopy(_input, _pos, buffer, offset, n);
            _pos += n;
            return n;
        }

        public void Write(byte[] buffer, int offset, int count, CancellationToken cancel)
        {
            var b = new byte[count];
            Buffer.BlockCopy(buffer, offset, b, 0, count);
            Writes.Add(b);
        }
    }

    public class PtpIpFramingTests
    {
        private static PtpIpChannel Reader(byte[] input, Func<int, int> piece = null) => new PtpIpChannel(new MemoryPtpIpStream(input, piece));

        public static IEnumerable<object[]> PieceSizes() => new[] { new object[] { 1 }, new object[] { 3 }, new object[] { 7 }, new object[] { 1 << 30 } };

        [Theory]
        [MemberData(nameof(PieceSizes))]
        public void Every_packet_type_round_trips_whatever_the_read_sizes(int piece)
        {
            var w = new MemoryPtpIpStream();
            using (var ch = new PtpIpChannel(w))
            {
                var guid = Guid.NewGuid();
                ch.SendInit(null, guid, "host-A", 0x00010000, default);
                ch.SendInit(1, guid, "CHDK", 0x00010000, default);
                ch.SendUInt32Packet(PtpIpPacketType.InitEventRequest, 1, default);
                ch.SendEmptyPacket(PtpIpPacketType.InitEventAck, default);
                ch.SendUInt32Packet(PtpIpPacketType.InitFail, 2, default);
                ch.SendOperationRequest(PtpIpDataPhase.DataOut, 0x9999, 5, new uint[] { 7, 0 }, default);
                ch.SendResponse(0x2001, 5, new uint[] { 1, 2, 3, 4, 5 }, default);
                ch.SendEvent(0x4002, 9, new uint[] { 0x1234 }, default);
                ch.SendStartData(5, 0x1_0000_0002UL, default);
                ch.SendDataPacket(PtpIpPacketType.Data, 5, new byte[] { 1, 2, 3 }, default);
                ch.SendDataPacket(PtpIpPacketType.EndData, 5, ReadOnlySpan<byte>.Empty, default);
                ch.SendEmptyPacket(PtpIpPacketType.ProbeRequest, default);

                using var r = Reader(w.Written, _ => piece);
                var h = r.ReadHeader(default);
                Assert.Equal(PtpIpPacketType.InitCommandRequest, h.Type);
                var req = PtpIpPackets.ParseInitCommandRequest(r.ReadSmallPayload(h, default));
                Assert.Equal(("host-A", guid, 0x00010000u), (req.FriendlyName, req.Guid, req.ProtocolVersion));

                h = r.ReadHeader(default);
                var ack = PtpIpPackets.ParseInitCommandAck(r.ReadSmallPayload(h, default));
                Assert.Equal((1u, "CHDK", guid, 0x00010000u), (ack.ConnectionNumber, ack.FriendlyName, ack.Guid, ack.ProtocolVersion));
                Assert.Equal(42u, h.Length); // the size PTPIP.md §1.3 gives for a "CHDK" ack

                h = r.ReadHeader(default);
                Assert.Equal(1u, PtpIpPackets.ParseUInt32Payload(r.ReadSmallPayload(h, default), h.Type));
                h = r.ReadHeader(default);
                Assert.Equal((PtpIpPacketType.InitEventAck, 8u), (h.Type, h.Length));
                h = r.ReadHeader(default);
                Assert.Equal(2u, PtpIpPackets.ParseUInt32Payload(r.ReadSmallPayload(h, default), h.Type));

                h = r.ReadHeader(default);
                var cmd = PtpIpPackets.ParseOperationRequest(r.ReadSmallPayload(h, default), out var phase);
                Assert.Equal((PtpIpDataPhase.DataOut, (ushort)0x9999, 5u), (phase, cmd.Code, cmd.TransactionId));
                Assert.Equal(new uint[] { 7, 0 }, cmd.Parameters);

                h = r.ReadHeader(default);
                var resp = PtpIpPackets.ParseOperationResponse(r.ReadSmallPayload(h, default));
                Assert.Equal((PtpResponseCode.OK, 5u), (resp.Code, resp.TransactionId));
                Assert.Equal(new uint[] { 1, 2, 3, 4, 5 }, resp.Parameters);

                h = r.ReadHeader(default);
                var ev = PtpIpPackets.ParseEvent(r.ReadSmallPayload(h, default));
                Assert.Equal(((ushort)0x4002, 9u, 0x1234u), (ev.Code, ev.TransactionId, ev.Parameters[0]));

                h = r.ReadHeader(default);
                PtpIpPackets.ParseStartData(r.ReadSmallPayload(h, default), out uint tid, out ulong total);
                Assert.Equal((5u, 0x1_0000_0002UL), (tid, total));

                h = r.ReadHeader(default);
                Assert.Equal(PtpIpPacketType.Data, h.Type);
                Assert.Equal(5u, r.ReadDataTransactionId(h, default));
                var sink = new MemoryDataSink();
                sink.Begin(3);
                r.ReadPayload(h.PayloadLength - 4, sink, default);
                Assert.Equal(new byte[] { 1, 2, 3 }, sink.ToArray());

                h = r.ReadHeader(default);
                Assert.Equal((PtpIpPacketType.EndData, 12u), (h.Type, h.Length));
                Assert.Equal(5u, r.ReadDataTransactionId(h, default));

                h = r.ReadHeader(default);
                Assert.Equal((PtpIpPacketType.ProbeRequest, 8u), (h.Type, h.Length));
                Assert.False(r.TryReadHeader(out _, default)); // clean end between packets
            }
        }

        [Fact]
        public void Each_packet_is_one_write_and_a_64_KiB_data_packet_too()
        {
            var w = new MemoryPtpIpStream();
            using var ch = new PtpIpChannel(w);
            ch.SendOperationRequest(PtpIpDataPhase.NoDataOrDataIn, 0x1002, 0, new uint[] { 1 }, default);
            ch.SendStartData(1, 65536, default);
            ch.SendDataPacket(PtpIpPacketType.EndData, 1, new BytesDataSource(new byte[65536]), 65536, default);
            ch.SendInit(1, Guid.Empty, "CHDK", 0x00010000, default);
            Assert.Equal(new[] { 22, 20, 12 + 65536, 42 }, w.Writes.Select(b => b.Length).ToArray());
            // OpenSession(1), TID 0, as gphoto2 sends it (PTPIP.md §1.3) — except DataPhaseInfo, which gphoto2 also sets to 1.
            Assert.Equal(Raw.Request(1, 0x1002, 0, 1), w.Writes[0]);
        }

        [Fact]
        public void A_payload_larger_than_the_buffer_goes_as_header_plus_first_piece_then_pieces()
        {
            var w = new MemoryPtpIpStream();
            using var ch = new PtpIpChannel(w, bufferSize: 4096);
            var data = Raw.Bytes(10_000, 1);
            ch.SendDataPacket(PtpIpPacketType.EndData, 3, data, default);
            Assert.True(w.Writes.Count >= 2);
            Assert.True(w.Writes[0].Length > 12, "the header travels with the first piece");
            Assert.Equal(Raw.EndData(3, data), w.Written);

            w.Writes.Clear();
            ch.SendDataPacket(PtpIpPacketType.EndData, 3, new BytesDataSource(data), data.Length, default);
            Assert.Equal(Raw.EndData(3, data), w.Written);
        }

        [Fact]
        public void Data_payload_streams_without_reading_into_the_next_packet()
        {
            var big = Raw.Bytes(3 * 1024 * 1024 + 17, 2);
            var input = Raw.Cat(Raw.Data(4, big), Raw.Response(0x2001, 4));
            var stream = new MemoryPtpIpStream(input);
            using var r = new PtpIpChannel(stream);
            var h = r.ReadHeader(default);
            r.ReadDataTransactionId(h, default);
            var sink = new MemoryDataSink(8 * 1024 * 1024);
            sink.Begin(big.Length);
            r.ReadPayload(h.PayloadLength - 4, sink, default);
            Assert.Equal(big, sink.ToArray());
            h = r.ReadHeader(default);
            Assert.Equal(PtpIpPacketType.OperationResponse, h.Type);
            Assert.Equal(PtpResponseCode.OK, PtpIpPackets.ParseOperationResponse(r.ReadSmallPayload(h, default)).Code);
        }

        [Fact]
        public void Two_packets_in_one_read_are_two_packets()
        {
            var input = Raw.Cat(Raw.InitEventAck(), Raw.ProbeRequest(), Raw.StartData(1, 0));
            using var r = Reader(input);
            Assert.Equal(PtpIpPacketType.InitEventAck, r.ReadHeader(default).Type);
            Assert.True(r.Buffered >= 28);
            Assert.Equal(PtpIpPacketType.ProbeRequest, r.ReadHeader(default).Type);
            var h = r.ReadHeader(default);
            PtpIpPackets.ParseStartData(r.ReadSmallPayload(h, default), out _, out ulong total);
            Assert.Equal(0UL, total);
        }

        public static IEnumerable<object[]> LyingHeaders() => new[]
        {
            new object[] { Raw.Cat(Raw.U32(7), Raw.U32(4)), "less than its own 8-byte header" },
            new object[] { Raw.Cat(Raw.U32(0), Raw.U32(7)), "less than its own 8-byte header" },
            new object[] { Raw.Cat(Raw.U32(24), Raw.U32(9)), "exactly 20" },           // StartData
            new object[] { Raw.Cat(Raw.U32(16), Raw.U32(9)), "exactly 20" },
            new object[] { Raw.Cat(Raw.U32(12), Raw.U32(4)), "exactly 8" },            // InitEventAck with a payload
            new object[] { Raw.Cat(Raw.U32(13), Raw.U32(3)), "exactly 12" },           // InitEventRequest
            new object[] { Raw.Cat(Raw.U32(19), Raw.U32(6)), "whole 32-bit" },         // OperationRequest
            new object[] { Raw.Cat(Raw.U32(42), Raw.U32(6)), "18 to 38" },
            new object[] { Raw.Cat(Raw.U32(38), Raw.U32(7)), "14 to 34" },             // response with 6 params
            new object[] { Raw.Cat(Raw.U32(11), Raw.U32(10)), "at least 12" },         // Data without its TID
            new object[] { Raw.Cat(Raw.U32(100000), Raw.U32(2)), "34 to 1024" },       // an ack of 100 kB
            new object[] { Raw.Cat(Raw.U32(0x7FFFFFFF), Raw.U32(0x63)), "out of step" }, // unknown type, absurd length
        };

        [Theory]
        [MemberData(nameof(LyingHeaders))]
        public void A_header_whose_length_cannot_fit_its_type_is_a_protocol_error(byte[] header, string message)
        {
            using var r = Reader(Raw.Cat(header, new byte[64]));
            var ex = Assert.Throws<PtpProtocolException>(() => r.ReadHeader(default));
            Assert.Contains(message, ex.Message);
        }

        [Fact]
        public void A_short_unknown_packet_can_be_read_and_skipped()
        {
            using var r = Reader(Raw.Cat(Raw.Packet(0x63, new byte[5]), Raw.ProbeResponse()));
            var h = r.ReadHeader(default);
            Assert.Equal((PtpIpPacketType)0x63, h.Type);
            Assert.Contains("0x00000063", h.ToString());
            Assert.Equal(5, r.ReadSmallPayload(h, default).Length);
            Assert.Equal(PtpIpPacketType.ProbeResponse, r.ReadHeader(default).Type);
        }

        [Fact]
        public void A_connection_that_ends_inside_a_packet_is_a_transport_error()
        {
            // In the header.
            using (var r = Reader(new byte[] { 20, 0, 0 }))
                Assert.Throws<PtpTransportException>(() => r.TryReadHeader(out _, default));
            // In a small payload.
            var start = Raw.StartData(1, 10);
            using (var r = Reader(start.Take(15).ToArray()))
            {
                var h = r.ReadHeader(default);
                Assert.Throws<PtpTransportException>(() => r.ReadSmallPayload(h, default));
            }
            // In a data payload.
            var data = Raw.Data(1, new byte[100]);
            using (var r = Reader(data.Take(60).ToArray()))
            {
                var h = r.ReadHeader(default);
                r.ReadDataTransactionId(h, default);
                var ex = Assert.Throws<PtpTransportException>(() => r.ReadPayload(h.PayloadLength - 4, null, default));
                Assert.Contains("closed the connection", ex.Message);
            }
            // Nothing at all: a clean close between packets.
            using (var r = Reader(Array.Empty<byte>()))
            {
                Assert.False(r.TryReadHeader(out _, default));
                Assert.Throws<PtpTransportException>(() => r.ReadHeader(default));
            }
        }

        [Fact]
        public void Chdkptps_InitCommandRequest_parses_byte_for_byte()
        {
            using var r = Reader(Raw.CkInitCommandRequest);
            var h = r.ReadHeader(default);
            Assert.Equal(38u, h.Length);
            var info = PtpIpPackets.ParseInitCommandRequest(r.ReadSmallPayload(h, default));
            Assert.Equal("whee", info.FriendlyName);
            Assert.Equal(0x00010000u, info.ProtocolVersion);
            Assert.Equal(Raw.CkGuid, info.Guid.ToByteArray());
        }

        [Fact]
        public void A_name_without_terminator_ends_at_the_version_field()
        {
            // camlib: an 8-byte name field that may lack its NUL; the version is always the last 4 bytes.
            var p = Raw.Packet(1, Enumerable.Repeat((byte)0xFF, 16).ToArray(), System.Text.Encoding.Unicode.GetBytes("cami"), Raw.U32(0x00010000));
            using var r = Reader(p);
            var h = r.ReadHeader(default);
            var info = PtpIpPackets.ParseInitCommandRequest(r.ReadSmallPayload(h, default));
            Assert.Equal(("cami", 0x00010000u), (info.FriendlyName, info.ProtocolVersion));
        }

        [Fact]
        public void A_long_friendly_name_is_cut_so_the_ack_fits_chdkptps_264_byte_read()
        {
            var w = new MemoryPtpIpStream();
            using var ch = new PtpIpChannel(w);
            ch.SendInit(1, Guid.NewGuid(), new string('x', 500), 0x00010000, default);
            Assert.Single(w.Writes);
            Assert.True(w.Writes[0].Length <= 264, $"ack of {w.Writes[0].Length} bytes");
            Assert.Equal(w.Writes[0].Length, (int)BitConverter.ToUInt32(w.Writes[0], 0));
        }

        [Fact]
        public void Payload_parsers_refuse_what_the_packet_cannot_be()
        {
            Assert.Throws<PtpProtocolException>(() => PtpIpPackets.ParseInitCommandRequest(new byte[19]));
            Assert.Throws<PtpProtocolException>(() => PtpIpPackets.ParseInitCommandAck(new byte[23]));
            Assert.Throws<PtpProtocolException>(() => PtpIpPackets.ParseOperationRequest(new byte[11], out _));
            Assert.Throws<PtpProtocolException>(() => PtpIpPackets.ParseOperationResponse(new byte[7]));
            Assert.Throws<PtpProtocolException>(() => PtpIpPackets.ParseOperationResponse(new byte[30]));
            Assert.Throws<PtpProtocolException>(() => PtpIpPackets.ParseStartData(new byte[8], out _, out _));
            Assert.Throws<PtpProtocolException>(() => PtpIpPackets.ParseUInt32Payload(new byte[3], PtpIpPacketType.InitFail));
            Assert.Throws<ArgumentException>(() => PtpIpPackets.WriteOperationRequest(new byte[64], PtpIpDataPhase.NotSet, 1, 1, new uint[6]));
        }
    }
}
