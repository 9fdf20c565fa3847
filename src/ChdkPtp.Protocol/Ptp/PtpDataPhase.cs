using System;
using System.IO;

namespace ChdkPtp.Protocol.Ptp
{
    /// <summary>Bytes the host sends in a data phase. Pulled in chunks so large sources stream.</summary>
    public interface IPtpDataSource
    {
        /// <summary>Total number of bytes; fixed before the first read (it goes into the container header).</summary>
        long Length { get; }

        /// <summary>Fills <paramref name="buffer"/> with the next bytes; returns how many (0 only at the end).</summary>
        int Read(Span<byte> buffer);
    }

    /// <summary>Receives the bytes of an incoming data phase, chunk by chunk.</summary>
    public interface IPtpDataSink
    {
        /// <summary>Called once with the payload length announced by the container, before any data.</summary>
        void Begin(long length);

        void Write(ReadOnlySpan<byte> chunk);
    }

    /// <summary>A data phase from memory.</summary>
    public sealed class BytesDataSource : IPtpDataSource
    {
        private readonly byte[] _data;
        private readonly int _offset;
        private readonly int _count;
        private int _pos;

        public BytesDataSource(byte[] data) : this(data, 0, data?.Length ?? 0) { }

        public BytesDataSource(byte[] data, int offset, int count)
        {
            _data = data ?? throw new ArgumentNullException(nameof(data));
            if (offset < 0 || count < 0 || offset + count > data.Length) throw new ArgumentOutOfRangeException(nameof(count));
            _offset = offset;
            _count = count;
        }

        public long Length => _count;

        public int Read(Span<byte> buffer)
        {
            int n = Math.Min(buffer.Length, _count - _pos);
            _data.AsSpan(_offset + _pos, n).CopyTo(buffer);
            _pos += n;
            return n;
        }
    }

    /// <summary>A data phase read from a stream of known length (e.g. a file being uploaded).</summary>
    public sealed class StreamDataSource : IPtpDataSource
    {
        private readonly Stream _stream;
        private long _left;

        public StreamDataSource(Stream stream, long length)
        {
            _stream = stream ?? throw new ArgumentNullException(nameof(stream));
            Length = _left = length;
        }

        public long Length { get; }

        public int Read(Span<byte> buffer)
        {
            if (_left == 0) return 0;
            int want = (int)Math.Min(buffer.Length, _left);
            var tmp = System.Buffers.ArrayPool<byte>.Shared.Rent(want);
            try
            {
                int n = _stream.Read(tmp, 0, want);
                if (n <= 0) throw new IOException($"The source ended {_left} bytes before the announced length.");
                tmp.AsSpan(0, n).CopyTo(buffer);
                _left -= n;
                return n;
            }
            finally { System.Buffers.ArrayPool<byte>.Shared.Return(tmp); }
        }
    }

    /// <summary>Collects a data phase in memory, refusing payloads larger than a limit.</summary>
    public sealed class MemoryDataSink : IPtpDataSink
    {
        private readonly long _limit;
        private byte[] _buffer = Array.Empty<byte>();
        private int _length;

        public MemoryDataSink(long limit = 64 * 1024 * 1024) { _limit = limit; }

        public bool Started { get; private set; }

        public void Begin(long length)
        {
            if (length > _limit)
                throw new PtpProtocolException($"The camera announced a data phase of {length} bytes, more than the {_limit} expected here.");
            _buffer = length == 0 ? Array.Empty<byte>() : new byte[length];
            _length = 0;
            Started = true;
        }

        public void Write(ReadOnlySpan<byte> chunk)
        {
            if (_length + chunk.Length > _buffer.Length)
                throw new PtpProtocolException("The data phase is longer than its container header says.");
            chunk.CopyTo(_buffer.AsSpan(_length));
            _length += chunk.Length;
        }

        public byte[] ToArray()
        {
            if (_length == _buffer.Length) return _buffer;
            var r = new byte[_length];
            Array.Copy(_buffer, r, _length);
            return r;
        }
    }

    /// <summary>Writes a data phase to a stream as it arrives.</summary>
    public sealed class StreamDataSink : IPtpDataSink
    {
        private readonly Stream _stream;
        public StreamDataSink(Stream stream) { _stream = stream ?? throw new ArgumentNullException(nameof(stream)); }
        public long Length { get; private set; } = -1;
        public long Written { get; private set; }
        public void Begin(long length) { Length = length; }
        public void Write(ReadOnlySpan<byte> chunk)
        {
            var tmp = System.Buffers.ArrayPool<byte>.Shared.Rent(chunk.Length);
            try
            {
                chunk.CopyTo(tmp);
                _stream.Write(tmp, 0, chunk.Length);
                Written += chunk.Length;
            }
            finally { System.Buffers.ArrayPool<byte>.Shared.Return(tmp); }
        }
    }
}
