using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChdkPtp.Tests.PtpIp
{
    /// <summary>
    /// Hand-built PTP/IP packets, independent of the code under test (shared by the protocol and simulator tests):
    /// what a camera, gphoto2, chdkptp or camlib would put on the wire.
    /// </summary>
    internal static class Raw
    {
        public static byte[] U16(ushort v) => new[] { (byte)v, (byte)(v >> 8) };
        public static byte[] U32(uint v) => new[] { (byte)v, (byte)(v >> 8), (byte)(v >> 16), (byte)(v >> 24) };
        public static byte[] U64(ulong v) => Cat(U32((uint)v), U32((uint)(v >> 32)));

        /// <summary>UTF-16LE with a NUL terminator.</summary>
        public static byte[] Utf16z(string s) => Cat(Encoding.Unicode.GetBytes(s), new byte[2]);

        public static byte[] Cat(params byte[][] parts)
        {
            int n = 0;
            foreach (var p in parts) n += p.Length;
            var r = new byte[n];
            int o = 0;
            foreach (var p in parts) { Buffer.BlockCopy(p, 0, r, o, p.Length); o += p.Length; }
            return r;
        }

        public static byte[] Packet(uint type, params byte[][] payload)
        {
            var body = Cat(payload);
            return Cat(U32((uint)(8 + body.Length)), U32(type), body);
        }

        public static byte[] InitCommandRequest(byte[] guid, string name, uint version = 0x00010000) => Packet(1, guid, Utf16z(name), U32(version));
        public static byte[] InitCommandAck(uint conn, byte[] guid, string name, uint version = 0x00010000) => Packet(2, U32(conn), guid, Utf16z(name), U32(version));
        public static byte[] InitEventRequest(uint conn) => Packet(3, U32(conn));
        public static byte[] InitEventAck() => Packet(4);
        public static byte[] InitFail(uint reason) => Packet(5, U32(reason));

        public static byte[] Request(uint dataPhase, ushort code, uint tid, params uint[] p)
        {
            var parts = new List<byte[]> { U32(dataPhase), U16(code), U32(tid) };
            foreach (var x in p) parts.Add(U32(x));
            return Packet(6, parts.ToArray());
        }

        public static byte[] Response(ushort code, uint tid, params uint[] p)
        {
            var parts = new List<byte[]> { U16(code), U32(tid) };
            foreach (var x in p) parts.Add(U32(x));
            return Packet(7, parts.ToArray());
        }

        public static byte[] Event(ushort code, uint tid, params uint[] p)
        {
            var parts = new List<byte[]> { U16(code), U32(tid) };
            foreach (var x in p) parts.Add(U32(x));
            return Packet(8, parts.ToArray());
        }

        public static byte[] StartData(uint tid, ulong total) => Packet(9, U32(tid), U64(total));
        public static byte[] Data(uint tid, byte[] payload) => Packet(10, U32(tid), payload ?? Array.Empty<byte>());
        public static byte[] EndData(uint tid, byte[] payload = null) => Packet(12, U32(tid), payload ?? Array.Empty<byte>());
        public static byte[] ProbeRequest() => Packet(13);
        public static byte[] ProbeResponse() => Packet(14);

        /// <summary>chdkptp's initiator GUID (00×8 DE AD BE EF 12 34 56 78).</summary>
        public static readonly byte[] CkGuid = { 0, 0, 0, 0, 0, 0, 0, 0, 0xDE, 0xAD, 0xBE, 0xEF, 0x12, 0x34, 0x56, 0x78 };

        /// <summary>chdkptp's 38-byte InitCommandRequest, byte for byte (PTPIP.md §1.3).</summary>
        public static readonly byte[] CkInitCommandRequest =
        {
            0x26, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xDE, 0xAD, 0xBE, 0xEF, 0x12, 0x34, 0x56, 0x78,
            0x77, 0, 0x68, 0, 0x65, 0, 0x65, 0, 0, 0, 0, 0, 0x01, 0,
        };

        public static byte[] Bytes(int length, int seed)
        {
            var b = new byte[length];
            new Random(seed).NextBytes(b);
            return b;
        }
    }

    /// <summary>A packet as read off the wire.</summary>
    internal readonly struct RawPacket
    {
        public RawPacket(uint type, byte[] payload) { Type = type; Payload = payload; }
        public uint Type { get; }
        public byte[] Payload { get; }
        public uint U32(int offset) => BitConverter.ToUInt32(Payload, offset);
        public int U16(int offset) => BitConverter.ToUInt16(Payload, offset);
        public override string ToString() => $"type {Type}, {Payload.Length} payload bytes";
    }

    /// <summary>One raw TCP connection, blocking with a 10 s receive timeout, for scripted peers.</summary>
    internal sealed class RawConnection : IDisposable
    {
        public RawConnection(Socket s)
        {
            S = s;
            S.ReceiveTimeout = 10000;
            S.SendTimeout = 10000;
            S.NoDelay = true;
        }

        public Socket S { get; }

        public static RawConnection Connect(IPEndPoint ep)
        {
            var s = new Socket(ep.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            s.Connect(ep);
            return new RawConnection(s);
        }

        /// <summary>Sends each packet with its own send call.</summary>
        public void Send(params byte[][] packets)
        {
            foreach (var p in packets) S.Send(p);
        }

        public byte[] ReadExact(int n)
        {
            var b = new byte[n];
            int o = 0;
            while (o < n)
            {
                int got = S.Receive(b, o, n - o, SocketFlags.None);
                if (got == 0) throw new InvalidOperationException($"The peer closed the connection after {o} of {n} bytes.");
                o += got;
            }
            return b;
        }

        public RawPacket ReadPacket()
        {
            var h = ReadExact(8);
            uint len = BitConverter.ToUInt32(h, 0);
            if (len < 8 || len > 512u * 1024 * 1024) throw new InvalidOperationException($"Bad packet length {len}.");
            return new RawPacket(BitConverter.ToUInt32(h, 4), ReadExact((int)len - 8));
        }

        /// <summary>Reads a packet and checks its type.</summary>
        public RawPacket Expect(uint type)
        {
            var p = ReadPacket();
            if (p.Type != type) throw new Xunit.Sdk.XunitException($"Expected packet type {type}, got {p}.");
            return p;
        }

        /// <summary>True when nothing arrives for <paramref name="ms"/> milliseconds.</summary>
        public bool QuietFor(int ms) => !S.Poll(ms * 1000, SelectMode.SelectRead);

        /// <summary>True when the peer closes the connection (EOF or reset) within <paramref name="ms"/>.</summary>
        public bool ClosedWithin(int ms)
        {
            var deadline = DateTime.UtcNow.AddMilliseconds(ms);
            var buf = new byte[4096];
            while (DateTime.UtcNow < deadline)
            {
                if (!S.Poll(100 * 1000, SelectMode.SelectRead)) continue;
                try { if (S.Receive(buf) == 0) return true; }
                catch (SocketException) { return true; }
            }
            return false;
        }

        public void Dispose() => S.Dispose();
    }

    /// <summary>A loopback listener on a free port, for a scripted camera.</summary>
    internal sealed class RawListener : IDisposable
    {
        private readonly Socket _l;

        public RawListener(IPAddress address = null)
        {
            address = address ?? IPAddress.Loopback;
            _l = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            _l.Bind(new IPEndPoint(address, 0));
            _l.Listen(8);
            Port = ((IPEndPoint)_l.LocalEndPoint).Port;
        }

        public int Port { get; }

        public RawConnection Accept()
        {
            if (!_l.Poll(10_000_000, SelectMode.SelectRead)) throw new TimeoutException("No connection within 10 s.");
            return new RawConnection(_l.Accept());
        }

        public void Dispose() => _l.Dispose();
    }
}
