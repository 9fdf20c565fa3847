using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Transport.Loopback
{
    /// <summary>
    /// One direction of an in-process USB bulk pipe with packet semantics: each write is a run of
    /// packets (short last packet, or a zero-length packet for an empty write); a read takes bytes
    /// until its buffer is full or it has consumed a short packet. Reads wait for data with a
    /// timeout and observe cancellation in short slices.
    /// </summary>
    public sealed class PacketPipe
    {
        private sealed class Segment
        {
            public byte[] Data;
            public int Length;
            public int Position;
            public bool EndsShort;
        }

        private readonly Queue<Segment> _segments = new Queue<Segment>();
        private readonly object _gate = new object();
        private bool _closed;

        public PacketPipe(int maxPacketSize) { MaxPacketSize = maxPacketSize; }

        public int MaxPacketSize { get; }

        /// <summary>Read timeout in milliseconds (negative: wait forever).</summary>
        public int TimeoutMs { get; set; } = 5000;

        public void Write(ReadOnlySpan<byte> data)
        {
            // The writer's buffer is reused as soon as Write returns: copy into a pooled array, given back
            // when the reader has taken every byte.
            var buffer = data.Length == 0 ? Array.Empty<byte>() : ArrayPool<byte>.Shared.Rent(data.Length);
            data.CopyTo(buffer);
            var seg = new Segment
            {
                Data = buffer,
                Length = data.Length,
                EndsShort = data.Length % MaxPacketSize != 0 || data.Length == 0,
            };
            lock (_gate)
            {
                if (_closed) throw new PtpTransportException("The pipe is closed: the device is gone.");
                _segments.Enqueue(seg);
                Monitor.PulseAll(_gate);
            }
        }

        public int Read(Span<byte> buffer, CancellationToken cancel)
        {
            int got = 0;
            var deadline = TimeoutMs < 0 ? DateTime.MaxValue : DateTime.UtcNow.AddMilliseconds(TimeoutMs);
            // A cancel wakes the waiting reader at once rather than at its next time slice.
            using (cancel.CanBeCanceled ? cancel.Register(WakeReaders) : default(CancellationTokenRegistration))
            lock (_gate)
            {
                while (true)
                {
                    while (_segments.Count == 0)
                    {
                        if (_closed) throw new PtpTransportException("The pipe is closed: the device is gone.");
                        cancel.ThrowIfCancellationRequested();
                        int wait = 200;
                        if (deadline != DateTime.MaxValue)
                        {
                            var left = (deadline - DateTime.UtcNow).TotalMilliseconds;
                            if (left <= 0) throw new PtpTimeoutException($"No data from the device within {TimeoutMs} ms.");
                            wait = (int)Math.Min(wait, Math.Ceiling(left));
                        }
                        Monitor.Wait(_gate, wait);
                    }
                    var seg = _segments.Peek();
                    int avail = seg.Length - seg.Position;
                    int room = buffer.Length - got;
                    if (avail > room && room % MaxPacketSize != 0)
                        throw new PtpTransportException("Overflow: a packet does not fit the rest of the read buffer.");
                    int n = Math.Min(avail, room);
                    seg.Data.AsSpan(seg.Position, n).CopyTo(buffer.Slice(got));
                    seg.Position += n;
                    got += n;
                    if (seg.Position == seg.Length)
                    {
                        _segments.Dequeue();
                        Release(seg);
                        Monitor.PulseAll(_gate);
                        if (seg.EndsShort || got == buffer.Length) return got;
                    }
                    else
                    {
                        return got; // buffer full
                    }
                }
            }
        }

        public void Close()
        {
            lock (_gate)
            {
                _closed = true;
                Monitor.PulseAll(_gate);
            }
        }

        private void WakeReaders()
        {
            lock (_gate) Monitor.PulseAll(_gate);
        }

        private static void Release(Segment seg)
        {
            if (seg.Data.Length > 0) ArrayPool<byte>.Shared.Return(seg.Data);
            seg.Data = Array.Empty<byte>();
        }

        /// <summary>Discards everything queued (a device reset).</summary>
        public void Clear()
        {
            lock (_gate)
            {
                foreach (var seg in _segments) Release(seg);
                _segments.Clear();
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>The two ends of an in-process USB link: what the host writes the device reads, and back.</summary>
    public sealed class LoopbackUsbLink
    {
        public LoopbackUsbLink(int maxPacketSize = 512)
        {
            HostToDevice = new PacketPipe(maxPacketSize);
            DeviceToHost = new PacketPipe(maxPacketSize);
            Host = new End(DeviceToHost, HostToDevice);
            Device = new End(HostToDevice, DeviceToHost) ;
        }

        public PacketPipe HostToDevice { get; }
        public PacketPipe DeviceToHost { get; }

        /// <summary>The host's bulk pipes.</summary>
        public Transport.Usb.IUsbBulkIo Host { get; }

        /// <summary>The device's bulk pipes.</summary>
        public Transport.Usb.IUsbBulkIo Device { get; }

        public void Close()
        {
            HostToDevice.Close();
            DeviceToHost.Close();
        }

        private sealed class End : Transport.Usb.IUsbBulkIo
        {
            private readonly PacketPipe _in;
            private readonly PacketPipe _out;
            public End(PacketPipe input, PacketPipe output) { _in = input; _out = output; }
            public int MaxPacketSize => _in.MaxPacketSize;
            public void Write(ReadOnlySpan<byte> data, CancellationToken cancel) => _out.Write(data);
            public int Read(Span<byte> buffer, CancellationToken cancel) => _in.Read(buffer, cancel);
        }
    }
}
