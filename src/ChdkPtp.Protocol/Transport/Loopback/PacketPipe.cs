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
    /// timeout and observe cancellation in short slices. Like a real bulk pipe, it holds only so much:
    /// a writer waits while <see cref="Capacity"/> bytes are queued, so a fast sender cannot run ahead
    /// of a slow reader by more than that (a 1 GiB download must not queue up in memory).
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
        private long _queued;
        private bool _closed;

        public PacketPipe(int maxPacketSize) { MaxPacketSize = maxPacketSize; }

        public int MaxPacketSize { get; }

        /// <summary>Read timeout in milliseconds (negative: wait forever).</summary>
        public int TimeoutMs { get; set; } = 5000;

        /// <summary>How long a writer waits for room in a full pipe, in milliseconds (negative, the default:
        /// until the reader takes data, the pipe closes or the write is cancelled).</summary>
        public int WriteTimeoutMs { get; set; } = -1;

        /// <summary>Bytes that may wait in the pipe before a writer blocks (default 4 MiB, four of the
        /// channel's 1 MiB transfers). A write into an empty pipe is always accepted, whatever its size.</summary>
        public int Capacity { get; set; } = DefaultCapacity;

        public const int DefaultCapacity = 4 * 1024 * 1024;

        /// <summary>Bytes written and not yet read.</summary>
        public long QueuedBytes { get { lock (_gate) return _queued; } }

        public void Write(ReadOnlySpan<byte> data) => Write(data, default);

        /// <summary>Queues one transfer; waits while the pipe is full (see <see cref="Capacity"/>).</summary>
        /// <exception cref="PtpTimeoutException">No room within <see cref="WriteTimeoutMs"/>.</exception>
        /// <exception cref="PtpTransportException">The pipe is closed.</exception>
        public void Write(ReadOnlySpan<byte> data, CancellationToken cancel)
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
            bool queued = false;
            try
            {
                var deadline = WriteTimeoutMs < 0 ? DateTime.MaxValue : DateTime.UtcNow.AddMilliseconds(WriteTimeoutMs);
                using (cancel.CanBeCanceled ? cancel.Register(Wake) : default(CancellationTokenRegistration))
                lock (_gate)
                {
                    while (true)
                    {
                        if (_closed) throw new PtpTransportException("The pipe is closed: the device is gone.");
                        if (_queued == 0 || _queued + seg.Length <= Capacity) break;
                        cancel.ThrowIfCancellationRequested();
                        int wait = 200;
                        if (deadline != DateTime.MaxValue)
                        {
                            var left = (deadline - DateTime.UtcNow).TotalMilliseconds;
                            if (left <= 0) throw new PtpTimeoutException($"The other end read nothing within {WriteTimeoutMs} ms: the pipe stays full.");
                            wait = (int)Math.Min(wait, Math.Ceiling(left));
                        }
                        Monitor.Wait(_gate, wait);
                    }
                    _segments.Enqueue(seg);
                    _queued += seg.Length;
                    queued = true;
                    Monitor.PulseAll(_gate);
                }
            }
            finally
            {
                if (!queued) Release(seg);
            }
        }

        public int Read(Span<byte> buffer, CancellationToken cancel)
        {
            int got = 0;
            var deadline = TimeoutMs < 0 ? DateTime.MaxValue : DateTime.UtcNow.AddMilliseconds(TimeoutMs);
            // A cancel wakes the waiting reader at once rather than at its next time slice.
            using (cancel.CanBeCanceled ? cancel.Register(Wake) : default(CancellationTokenRegistration))
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
                    _queued -= n;
                    Monitor.PulseAll(_gate); // room for a waiting writer
                    if (seg.Position == seg.Length)
                    {
                        _segments.Dequeue();
                        Release(seg);
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

        private void Wake()
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
                _queued = 0;
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
            public void Write(ReadOnlySpan<byte> data, CancellationToken cancel) => _out.Write(data, cancel);
            public int Read(Span<byte> buffer, CancellationToken cancel) => _in.Read(buffer, cancel);
        }
    }
}
