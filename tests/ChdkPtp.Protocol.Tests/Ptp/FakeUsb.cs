using System;
using System.Collections.Generic;
using System.Threading;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport.Loopback;
using ChdkPtp.Protocol.Transport.Usb;

namespace ChdkPtp.Protocol.Tests.Ptp
{
    /// <summary>Bulk pipes that record every write (one entry per transfer) and replay scripted packets.</summary>
    internal sealed class RecordingIo : IUsbBulkIo
    {
        private readonly IUsbBulkIo _inner;
        public RecordingIo(IUsbBulkIo inner) { _inner = inner; }
        public List<int> WriteSizes { get; } = new List<int>();
        public int MaxPacketSize => _inner.MaxPacketSize;
        public void Write(ReadOnlySpan<byte> data, CancellationToken cancel) { WriteSizes.Add(data.Length); _inner.Write(data, cancel); }
        public int Read(Span<byte> buffer, CancellationToken cancel) => _inner.Read(buffer, cancel);
    }

    /// <summary>Helpers to put hand-made packets on a pipe, as a misbehaving device would.</summary>
    internal static class Packets
    {
        public static byte[] Header(uint length, PtpContainerType type, ushort code, uint tid)
        {
            var b = new byte[12];
            new UsbContainerHeader(length, type, code, tid).WriteTo(b);
            return b;
        }

        public static byte[] Concat(params byte[][] parts)
        {
            int n = 0;
            foreach (var p in parts) n += p.Length;
            var r = new byte[n];
            int o = 0;
            foreach (var p in parts) { Buffer.BlockCopy(p, 0, r, o, p.Length); o += p.Length; }
            return r;
        }

        public static byte[] Response(PtpResponseCode code, uint tid, params uint[] p)
        {
            var r = new byte[12 + 4 * p.Length];
            new UsbContainerHeader((uint)r.Length, PtpContainerType.Response, (ushort)code, tid).WriteTo(r);
            for (int i = 0; i < p.Length; i++) BitConverter.GetBytes(p[i]).CopyTo(r, 12 + 4 * i);
            return r;
        }

        /// <summary>A link whose device side is driven by the test; short timeouts so failures are quick.</summary>
        public static LoopbackUsbLink Link()
        {
            var link = new LoopbackUsbLink(512);
            link.DeviceToHost.TimeoutMs = 500;
            link.HostToDevice.TimeoutMs = 500;
            return link;
        }
    }
}
