using System;
using System.Linq;
using System.Threading;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport.Usb;

namespace ChdkPtp.Protocol.Tests.Ptp
{
    public class UsbContainerChannelTests
    {
        private static byte[] Pattern(int n)
        {
            var b = new byte[n];
            for (int i = 0; i < n; i++) b[i] = (byte)(i * 7 + 3);
            return b;
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(499)]
        [InlineData(500)]   // 512 total: exactly one packet, ZLP follows
        [InlineData(501)]
        [InlineData(1012)]  // 1024 total: ZLP
        [InlineData(1013)]
        [InlineData(4096)]
        [InlineData(1024 * 1024 - 12)]  // one transfer-size container: ZLP
        [InlineData(3 * 1024 * 1024 + 17)]
        public void DataRoundTripsAndZeroLengthPacketFollowsExactMultiples(int size)
        {
            var link = Packets.Link();
            var hostIo = new RecordingIo(link.Host);
            using var host = new UsbContainerChannel(hostIo);
            using var device = new UsbContainerChannel(link.Device);
            var payload = Pattern(size);

            host.SendData(0x9999, 42, new BytesDataSource(payload), default);
            // The next container must be read cleanly after the data (its ZLP skipped).
            host.SendParameters(PtpContainerType.Command, 0x1001, 43, new uint[] { 7 }, default);

            var sink = new MemoryDataSink();
            var h = device.Receive(x => x.Type == PtpContainerType.Data ? sink : null, new byte[64], out _, default);
            Assert.Equal(PtpContainerType.Data, h.Type);
            Assert.Equal((ushort)0x9999, h.Code);
            Assert.Equal(42u, h.TransactionId);
            Assert.Equal(payload, sink.ToArray());

            var small = new byte[64];
            var c = device.Receive(null, small, out int n, default);
            Assert.Equal(PtpContainerType.Command, c.Type);
            Assert.Equal(43u, c.TransactionId);
            Assert.Equal(4, n);
            Assert.Equal(7u, BitConverter.ToUInt32(small, 0));

            bool multiple = (12 + size) % 512 == 0;
            var dataWrites = hostIo.WriteSizes.Take(hostIo.WriteSizes.Count - 1).ToList();
            Assert.Equal(multiple, dataWrites.Last() == 0);
            Assert.Equal(12 + size, dataWrites.Sum());
            // The first write is the header plus at most one packet's worth: a full packet when the payload allows.
            Assert.Equal(Math.Min(512, 12 + size), dataWrites[0]);
        }

        [Fact]
        public void CommandOfFiveParametersIsThirtyTwoBytesWithoutZlp()
        {
            var link = Packets.Link();
            var io = new RecordingIo(link.Host);
            using var host = new UsbContainerChannel(io);
            host.SendParameters(PtpContainerType.Command, 0x9999, 1, new uint[] { 1, 2, 3, 4, 5 }, default);
            Assert.Equal(new[] { 32 }, io.WriteSizes);
        }

        [Fact]
        public void LengthSmallerThanFirstPacketIsRejected()
        {
            var link = Packets.Link();
            link.Device.Write(Packets.Concat(Packets.Header(20, PtpContainerType.Data, 1, 1), new byte[100]), default);
            using var host = new UsbContainerChannel(link.Host);
            var ex = Assert.Throws<PtpProtocolException>(() => host.Receive(_ => new MemoryDataSink(), new byte[64], out _, default));
            Assert.Contains("lies", ex.Message);
        }

        [Fact]
        public void LengthBelowHeaderSizeIsRejected()
        {
            var link = Packets.Link();
            link.Device.Write(Packets.Header(8, PtpContainerType.Response, 0x2001, 1), default);
            using var host = new UsbContainerChannel(link.Host);
            Assert.Throws<PtpProtocolException>(() => host.Receive(null, new byte[64], out _, default));
        }

        [Fact]
        public void PacketShorterThanHeaderIsRejected()
        {
            var link = Packets.Link();
            link.Device.Write(new byte[] { 1, 2, 3, 4, 5 }, default);
            using var host = new UsbContainerChannel(link.Host);
            var ex = Assert.Throws<PtpProtocolException>(() => host.Receive(null, new byte[64], out _, default));
            Assert.Contains("Truncated", ex.Message);
        }

        [Fact]
        public void DataPhaseEndingEarlyIsTruncation()
        {
            var link = Packets.Link();
            // Header says 2000 bytes; one full packet arrives, then a zero-length packet ends the transfer.
            link.Device.Write(Packets.Concat(Packets.Header(2000, PtpContainerType.Data, 1, 1), new byte[500]), default);
            link.Device.Write(ReadOnlySpan<byte>.Empty, default);
            using var host = new UsbContainerChannel(link.Host);
            var ex = Assert.Throws<PtpProtocolException>(() => host.Receive(_ => new MemoryDataSink(), new byte[64], out _, default));
            Assert.Contains("Truncated", ex.Message);
        }

        [Fact]
        public void DataPhaseThatNeverCompletesTimesOut()
        {
            var link = Packets.Link();
            link.Device.Write(Packets.Concat(Packets.Header(5000, PtpContainerType.Data, 1, 1), new byte[500]), default);
            using var host = new UsbContainerChannel(link.Host);
            Assert.Throws<PtpTimeoutException>(() => host.Receive(_ => new MemoryDataSink(), new byte[64], out _, default));
        }

        [Fact]
        public void OversizedResponseIsRejectedAndDrained()
        {
            var link = Packets.Link();
            link.Device.Write(Packets.Concat(Packets.Header(12 + 100, PtpContainerType.Response, 0x2001, 1), new byte[100]), default);
            link.Device.Write(Packets.Response(PtpResponseCode.OK, 2), default);
            using var host = new UsbContainerChannel(link.Host);
            Assert.Throws<PtpProtocolException>(() => host.Receive(null, new byte[64], out _, default));
            // The oversized container was consumed; the next one reads normally.
            var h = host.Receive(null, new byte[64], out _, default);
            Assert.Equal(2u, h.TransactionId);
        }

        [Fact]
        public void APacketThatStartsNoContainerIsRejectedAtOnceWithoutDrainingWhatFollows()
        {
            // The middle of a data phase an earlier connection abandoned: its first bytes read as a "length" of
            // gigabytes and a type that is none. Draining that length would read until the camera's data ends.
            var link = Packets.Link();
            var junk = Pattern(512);
            BitConverter.GetBytes(0x7FFF0000u).CopyTo(junk, 0);
            BitConverter.GetBytes((ushort)0x7E39).CopyTo(junk, 4);
            link.Device.Write(Packets.Concat(junk, Pattern(8 * 512)), default);
            using var host = new UsbContainerChannel(link.Host);
            var ex = Assert.Throws<PtpProtocolException>(() => host.Receive(null, new byte[64], out _, default));
            Assert.Contains("names no container type (7E39)", ex.Message);
            Assert.Equal(8 * 512, link.DeviceToHost.QueuedBytes); // only the one packet was read
            Assert.Throws<PtpProtocolException>(() => host.Receive(_ => new MemoryDataSink(), new byte[64], out _, default));
            Assert.Equal(7 * 512, link.DeviceToHost.QueuedBytes);
        }

        [Fact]
        public void ZeroLengthPacketsInsteadOfAContainerAreAnError()
        {
            var link = Packets.Link();
            for (int i = 0; i < 3; i++) link.Device.Write(ReadOnlySpan<byte>.Empty, default);
            using var host = new UsbContainerChannel(link.Host);
            Assert.Throws<PtpProtocolException>(() => host.Receive(null, new byte[64], out _, default));
        }

        [Fact]
        public void CancellationStopsAWaitingReadQuickly()
        {
            var link = Packets.Link();
            link.DeviceToHost.TimeoutMs = -1;
            using var host = new UsbContainerChannel(link.Host);
            using var cts = new CancellationTokenSource();
            var cancelledAt = new System.Diagnostics.Stopwatch();
            new Thread(() => { Thread.Sleep(200); cancelledAt.Start(); cts.Cancel(); }) { IsBackground = true }.Start();
            Assert.ThrowsAny<OperationCanceledException>(() => host.Receive(null, new byte[64], out _, cts.Token));
            // Ctrl+C must take effect within a second of the cancel, however busy the machine.
            Assert.True(cancelledAt.ElapsedMilliseconds < 1000, $"took {cancelledAt.ElapsedMilliseconds} ms after the cancel");
        }
    }
}
