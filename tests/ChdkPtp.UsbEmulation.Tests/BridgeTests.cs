using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Simulator;
using ChdkPtp.UsbBridge;

namespace ChdkPtp.UsbEmulation.Tests
{
    /// <summary>
    /// The bridge's framing on its own (no umockdev): each frame's bytes are whole packets, a short or
    /// zero-length packet ends a transfer, and malformed frames end the connection.
    /// </summary>
    public sealed class BridgeTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "chdk-bridge-test-" + Guid.NewGuid().ToString("N").Substring(0, 10));
        private readonly UsbBridgeServer _server;

        public BridgeTests()
        {
            Directory.CreateDirectory(_dir);
            _server = new UsbBridgeServer(new SimulatorOptions { Root = Path.Combine(_dir, "card"), SerialNumber = "00112233445566778899AABBCCDDEEFF" },
                                          Path.Combine(_dir, "bridge.sock"));
        }

        public void Dispose()
        {
            _server.Dispose();
            Directory.Delete(_dir, true);
        }

        private sealed class Host : IDisposable
        {
            private readonly Socket _socket;
            private readonly NetworkStream _stream;

            public Host(string path, string hello = "")
            {
                _socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                _socket.Connect(new UnixDomainSocketEndPoint(path));
                _socket.ReceiveTimeout = 10_000;
                _stream = new NetworkStream(_socket, true);
                Send('H', Encoding.UTF8.GetBytes(hello));
                var (kind, payload) = Receive();
                Assert.Equal('h', kind);
                Info = Encoding.UTF8.GetString(payload).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            }

            public Dictionary<string, string> Info { get; }

            public void Send(char kind, byte[] payload)
            {
                var frame = new byte[5 + payload.Length];
                frame[0] = (byte)kind;
                BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(1), (uint)payload.Length);
                payload.CopyTo(frame, 5);
                _stream.Write(frame);
            }

            public void SendRaw(byte[] bytes) => _stream.Write(bytes);

            public void RequestIn(int bytes)
            {
                var p = new byte[4];
                BinaryPrimitives.WriteUInt32LittleEndian(p, (uint)bytes);
                Send('I', p);
            }

            /// <summary>Next frame; ('\0', null) when the bridge closed the connection.</summary>
            public (char, byte[]) Receive()
            {
                var header = new byte[5];
                if (!Fill(header)) return ('\0', null);
                var payload = new byte[BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(1))];
                Assert.True(Fill(payload), "the bridge closed in the middle of a frame");
                return ((char)header[0], payload);
            }

            private bool Fill(byte[] buffer)
            {
                int got = 0;
                while (got < buffer.Length)
                {
                    int n;
                    try { n = _stream.Read(buffer, got, buffer.Length - got); }
                    catch (IOException) { return false; }
                    if (n == 0) return false;
                    got += n;
                }
                return true;
            }

            public void SendCommand(ushort code, uint tid, params uint[] parameters)
            {
                var c = new byte[12 + 4 * parameters.Length];
                BinaryPrimitives.WriteUInt32LittleEndian(c, (uint)c.Length);
                BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(4), 1);
                BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(6), code);
                BinaryPrimitives.WriteUInt32LittleEndian(c.AsSpan(8), tid);
                for (int i = 0; i < parameters.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(c.AsSpan(12 + 4 * i), parameters[i]);
                Send('O', c);
                ExpectAck(c.Length);
            }

            public void SendData(ushort code, uint tid, byte[] payload)
            {
                var c = new byte[12 + payload.Length];
                BinaryPrimitives.WriteUInt32LittleEndian(c, (uint)c.Length);
                BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(4), 2);
                BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(6), code);
                BinaryPrimitives.WriteUInt32LittleEndian(c.AsSpan(8), tid);
                payload.CopyTo(c, 12);
                Send('O', c);
                ExpectAck(c.Length);
            }

            public void ExpectAck(int length)
            {
                var (kind, p) = Receive();
                Assert.Equal('o', kind);
                Assert.Equal((uint)length, BinaryPrimitives.ReadUInt32LittleEndian(p));
            }

            private readonly Queue<byte[]> _pending = new Queue<byte[]>();

            /// <summary>Reads IN runs (asking for at most <paramref name="request"/> bytes at a time) until a transfer
            /// ends (short or zero-length packet); returns each run's length and the bytes.</summary>
            public (List<int> Runs, byte[] Data) ReadTransfer(int request)
            {
                var runs = new List<int>();
                var data = new MemoryStream();
                while (true)
                {
                    byte[] p;
                    if (_pending.Count > 0)
                    {
                        p = _pending.Dequeue();
                    }
                    else
                    {
                        RequestIn(request);
                        var (kind, payload) = Receive();
                        Assert.Equal('i', kind);
                        p = payload;
                        // a run of whole packets shorter than asked was ended by a zero-length packet, which follows
                        if (p.Length > 0 && p.Length < request && p.Length % 512 == 0)
                        {
                            var (k2, zlp) = Receive();
                            Assert.Equal('i', k2);
                            Assert.Empty(zlp);
                            _pending.Enqueue(zlp);
                        }
                    }
                    runs.Add(p.Length);
                    data.Write(p);
                    if (p.Length % 512 != 0 || p.Length == 0) return (runs, data.ToArray());
                }
            }

            public void Dispose() => _stream.Dispose();
        }

        private static ushort ResponseCode(byte[] container)
        {
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(container);
            Assert.True(length >= 12 && length <= 32 && length % 4 == 0 && length == container.Length, $"response container of {length} bytes in {container.Length}");
            Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(container.AsSpan(4)));
            return BinaryPrimitives.ReadUInt16LittleEndian(container.AsSpan(6));
        }

        [Fact]
        public void Hello_SetsAndReportsTheSerial()
        {
            using (var h = new Host(_server.SocketPath))
            {
                Assert.Equal("00112233445566778899AABBCCDDEEFF", h.Info["serial"]);
                Assert.Equal("Canon PowerShot SX160 IS", h.Info["model"]);
                Assert.Equal("325a", h.Info["product_id"]);
            }
            using (var h = new Host(_server.SocketPath, "serial=FEDCBA9876543210FEDCBA9876543210\n"))
                Assert.Equal("FEDCBA9876543210FEDCBA9876543210", h.Info["serial"]);
            Assert.Equal("FEDCBA9876543210FEDCBA9876543210", _server.Camera.Options.SerialNumber);
        }

        [Fact]
        public void GetDeviceInfo_ComesBackAsPacketsWithAShortLastOne()
        {
            using var h = new Host(_server.SocketPath);
            h.SendCommand(PtpOperation.GetDeviceInfo, 0);
            // 512 bytes at a time: full packets, then the short one that ends the container
            var (runs, data) = h.ReadTransfer(512);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(data);
            Assert.Equal((int)length, data.Length);
            Assert.NotEqual(0u, length % 512);
            Assert.All(runs.Take(runs.Count - 1), r => Assert.Equal(512, r));
            Assert.Equal((int)(length % 512), runs.Last());
            Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(4)));
            var (_, response) = h.ReadTransfer(512);
            Assert.Equal(PtpResponseCode.OK, (PtpResponseCode)ResponseCode(response));
        }

        [Fact]
        public void ContainerOfWholePackets_IsFollowedByAZeroLengthPacket()
        {
            File.WriteAllBytes(Path.Combine(_server.Camera.CardRoot, "Z.BIN"), Enumerable.Range(0, 1024 - 12).Select(i => (byte)i).ToArray());
            using var h = new Host(_server.SocketPath);
            h.SendCommand(PtpOperation.OpenSession, 0, 1);
            Assert.Equal(PtpResponseCode.OK, (PtpResponseCode)ResponseCode(h.ReadTransfer(512).Data));
            h.SendCommand(PtpOperation.Chdk, 1, (uint)ChdkCommand.TempData, 0);
            h.SendData(PtpOperation.Chdk, 1, Encoding.ASCII.GetBytes("A/Z.BIN"));
            Assert.Equal(PtpResponseCode.OK, (PtpResponseCode)ResponseCode(h.ReadTransfer(512).Data));
            h.SendCommand(PtpOperation.Chdk, 2, (uint)ChdkCommand.DownloadFile);
            int zlpBefore = _server.ZeroLengthIn;
            var (runs, data) = h.ReadTransfer(4096);
            // 1024 bytes: two full packets in one run, then the transfer-ending zero-length packet on its own
            Assert.Equal(new[] { 1024, 0 }, runs);
            Assert.Equal(1024u, BinaryPrimitives.ReadUInt32LittleEndian(data));
            Assert.Equal(Enumerable.Range(0, 1024 - 12).Select(i => (byte)i), data.Skip(12));
            Assert.Equal(zlpBefore + 1, _server.ZeroLengthIn);
            Assert.Equal(PtpResponseCode.OK, (PtpResponseCode)ResponseCode(h.ReadTransfer(512).Data));
        }

        [Fact]
        public void DeviceReset_ClosesTheSession()
        {
            using var h = new Host(_server.SocketPath);
            h.SendCommand(PtpOperation.OpenSession, 0, 1);
            Assert.Equal(PtpResponseCode.OK, (PtpResponseCode)ResponseCode(h.ReadTransfer(512).Data));
            h.SendCommand(PtpOperation.OpenSession, 1, 1);
            Assert.Equal(PtpResponseCode.SessionAlreadyOpen, (PtpResponseCode)ResponseCode(h.ReadTransfer(512).Data));
            h.Send('R', Array.Empty<byte>());
            Assert.Equal('r', h.Receive().Item1);
            h.SendCommand(PtpOperation.OpenSession, 0, 1);
            Assert.Equal(PtpResponseCode.OK, (PtpResponseCode)ResponseCode(h.ReadTransfer(512).Data));
            Assert.Equal(1, _server.Resets);
        }

        [Fact]
        public void DeviceReset_InTheMiddleOfADataPhase_AbandonsIt_AsTheCameraDoes()
        {
            // A 16 MiB download that the host stops reading after its first packet: the camera waits to send the rest.
            Directory.CreateDirectory(Path.Combine(_dir, "card"));
            File.WriteAllBytes(Path.Combine(_dir, "card", "BIG.BIN"), new byte[16 * 1024 * 1024]);
            using var h = new Host(_server.SocketPath);
            h.SendCommand(PtpOperation.OpenSession, 0, 1);
            Assert.Equal(PtpResponseCode.OK, (PtpResponseCode)ResponseCode(h.ReadTransfer(512).Data));
            h.SendCommand(PtpOperation.Chdk, 1, (uint)ChdkCommand.TempData, 0); // the name of the file to download
            h.SendData(PtpOperation.Chdk, 1, Encoding.ASCII.GetBytes("A/BIG.BIN"));
            Assert.Equal(PtpResponseCode.OK, (PtpResponseCode)ResponseCode(h.ReadTransfer(512).Data));
            h.SendCommand(PtpOperation.Chdk, 2, (uint)ChdkCommand.DownloadFile);
            h.RequestIn(512);
            var (kind, first) = h.Receive();
            Assert.Equal('i', kind);
            Assert.Equal(16 * 1024 * 1024 + 12, (int)BinaryPrimitives.ReadUInt32LittleEndian(first)); // the data phase began

            // The reset is done at once (not after the 16 MiB), the rest of the file is gone, and a new session opens
            h.Send('R', Array.Empty<byte>());
            Assert.Equal('r', h.Receive().Item1);
            h.SendCommand(PtpOperation.OpenSession, 0, 1);
            var (runs, response) = h.ReadTransfer(512);
            Assert.Equal(PtpResponseCode.OK, (PtpResponseCode)ResponseCode(response));
            Assert.Equal(1, _server.Resets);
            Assert.True(_server.BytesIn < 8 * 1024 * 1024, $"{_server.BytesIn} bytes went IN: the data phase was not abandoned");
        }

        [Fact]
        public void EachConnectionIsAPlugIn_WithAFreshSession_AndTheNewOneUnplugsTheOld()
        {
            var first = new Host(_server.SocketPath);
            first.SendCommand(PtpOperation.OpenSession, 0, 1);
            Assert.Equal(PtpResponseCode.OK, (PtpResponseCode)ResponseCode(first.ReadTransfer(512).Data));
            using var second = new Host(_server.SocketPath);
            Assert.Equal('\0', first.Receive().Item1); // the first connection was closed: unplugged
            first.Dispose();
            second.SendCommand(PtpOperation.OpenSession, 0, 1);
            Assert.Equal(PtpResponseCode.OK, (PtpResponseCode)ResponseCode(second.ReadTransfer(512).Data));
            Assert.Equal(2, _server.Plugs);
        }

        [Theory]
        [InlineData('X', new byte[0])]                 // unknown kind
        [InlineData('I', new byte[] { 0, 1, 0, 0 })]   // 256: not a multiple of 512
        [InlineData('I', new byte[] { 0, 0, 0, 0 })]   // 0
        [InlineData('I', new byte[] { 0, 2 })]         // not a u32
        [InlineData('I', new byte[] { 0, 0, 0, 0x80 })] // 2 GiB
        public void MalformedFrame_EndsTheConnection(char kind, byte[] payload)
        {
            using var h = new Host(_server.SocketPath);
            h.Send(kind, payload);
            Assert.Equal('\0', h.Receive().Item1);
        }

        [Fact]
        public void FrameLongerThanTheLimit_EndsTheConnection()
        {
            using var h = new Host(_server.SocketPath);
            h.Send('O', Array.Empty<byte>()); // a zero-length packet is fine: acknowledged
            h.ExpectAck(0);
            var header = new byte[5];
            header[0] = (byte)'O';
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(1), UsbBridgeServer.MaxFrame + 1u);
            h.SendRaw(header); // announces more than the bridge accepts: it hangs up without waiting for the bytes
            Assert.Equal('\0', h.Receive().Item1);
        }
    }
}
