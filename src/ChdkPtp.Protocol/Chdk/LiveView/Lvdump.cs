using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace ChdkPtp.Protocol.Chdk.LiveView
{
    /// <summary>
    /// The lvdump recording format of chdkptp: the magic <c>chlv</c>, a u32 header-record size (8), the u32 format
    /// version major (1) and minor (0), then for each frame a u32 length and that many bytes of one GetDisplayData
    /// payload. All integers little-endian.
    /// </summary>
    public static class Lvdump
    {
        /// <summary>The usual file extension.</summary>
        public const string Extension = ".lvdump";
        public const int VersionMajor = 1;
        public const int VersionMinor = 0;
        /// <summary>Magic, record size, major, minor.</summary>
        public const int HeaderSize = 16;
        /// <summary>Largest frame accepted when reading (the same cap as a GetDisplayData transfer).</summary>
        public const int MaxFrameLength = 64 * 1024 * 1024;

        internal static readonly byte[] Magic = { (byte)'c', (byte)'h', (byte)'l', (byte)'v' };
    }

    /// <summary>
    /// Reads an lvdump recording frame by frame (one frame in memory at a time). A truncated or corrupt file raises
    /// <see cref="LiveViewFormatException"/> with the frame's index and file offset, after the frames before it.
    /// </summary>
    public sealed class LvdumpReader : IDisposable
    {
        private readonly Stream _stream;
        private readonly bool _leaveOpen;
        private readonly byte[] _four = new byte[4];
        private long _position;

        /// <summary>Reads and checks the header of the recording in <paramref name="stream"/> (from its current position).</summary>
        public LvdumpReader(Stream stream, bool leaveOpen = false)
        {
            _stream = stream ?? throw new ArgumentNullException(nameof(stream));
            _leaveOpen = leaveOpen;
            try
            {
                ReadHeader();
            }
            catch
            {
                if (!leaveOpen) stream.Dispose();
                throw;
            }
        }

        /// <summary>Opens a recording file.</summary>
        public static LvdumpReader Open(string path)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            return new LvdumpReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024));
        }

        /// <summary>All frames of a recording file, parsed, read lazily; the file is closed when the enumeration ends.</summary>
        public static IEnumerable<LiveFrame> ReadFrames(string path)
        {
            using (var r = Open(path))
            {
                LiveFrame f;
                while ((f = r.ReadFrame()) != null) yield return f;
            }
        }

        /// <summary>The recording's format version (1.0 as chdkptp writes it).</summary>
        public int VersionMajor { get; private set; }
        public int VersionMinor { get; private set; }

        /// <summary>Frames read so far (the index of the next frame).</summary>
        public long FramesRead { get; private set; }

        private LiveViewFormatException Error(string message, long offset, long? frame = null)
            => new LiveViewFormatException(message) { FileOffset = offset, FrameIndex = frame };

        private void ReadHeader()
        {
            var head = new byte[8];
            int n = ReadFully(head, 0, 8);
            if (n < 8 || head[0] != 'c' || head[1] != 'h' || head[2] != 'l' || head[3] != 'v')
                throw Error(n < 4 ? "The file is too short to be an lvdump recording." : "The file is not an lvdump recording (no \"chlv\" at the start).", 0);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(4));
            if (size < 8 || size > 4096)
                throw Error($"The lvdump header record size is {size}; 8 expected.", 4);
            var rec = new byte[size];
            if (ReadFully(rec, 0, (int)size) < size)
                throw Error("The lvdump header is truncated.", 8);
            VersionMajor = BinaryPrimitives.ReadInt32LittleEndian(rec.AsSpan(0));
            VersionMinor = BinaryPrimitives.ReadInt32LittleEndian(rec.AsSpan(4));
            if (VersionMajor != Lvdump.VersionMajor)
                throw Error($"lvdump format version {VersionMajor}.{VersionMinor} is not supported (1.x expected).", 8);
        }

        private int ReadFully(byte[] buffer, int offset, int count)
        {
            int done = 0;
            while (done < count)
            {
                int n = _stream.Read(buffer, offset + done, count - done);
                if (n <= 0) break;
                done += n;
            }
            _position += done;
            return done;
        }

        /// <summary>The next frame's raw payload, or null at the end of the recording.</summary>
        public byte[] ReadPayload() => Next(skip: false);

        /// <summary>Steps over the next frame without reading it into memory (seeks when the stream can); false at the end.</summary>
        public bool SkipFrame() => Next(skip: true) != null;

        private byte[] Next(bool skip)
        {
            long at = _position;
            int n = ReadFully(_four, 0, 4);
            if (n == 0) return null;
            if (n < 4)
                throw Error($"The recording ends inside the length of frame {FramesRead} (at byte {at}).", at, FramesRead);
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(_four);
            if (len > Lvdump.MaxFrameLength)
                throw Error($"Frame {FramesRead} (at byte {at}) claims {len} bytes, more than the {Lvdump.MaxFrameLength} a live-view frame can have.", at, FramesRead);
            if (_stream.CanSeek)
            {
                long left = _stream.Length - _stream.Position;
                if (len > left)
                    throw Error($"The recording ends inside frame {FramesRead} (at byte {at}): {len} bytes announced, {left} left.", at, FramesRead);
            }
            if (skip && _stream.CanSeek)
            {
                _stream.Seek(len, SeekOrigin.Current);
                _position += len;
                FramesRead++;
                return Array.Empty<byte>();
            }
            var payload = new byte[len];
            int got = ReadFully(payload, 0, (int)len);
            if (got < len)
                throw Error($"The recording ends inside frame {FramesRead} (at byte {at}): {len} bytes announced, {got} left.", at, FramesRead);
            FramesRead++;
            return payload;
        }

        /// <summary>
        /// The next frame, parsed, or null at the end. A frame that does not parse raises <see cref="LiveViewFormatException"/>
        /// carrying its index; reading can go on with the next frame.
        /// </summary>
        public LiveFrame ReadFrame()
        {
            long at = _position;
            var payload = ReadPayload();
            if (payload == null) return null;
            try
            {
                return LiveFrame.Parse(payload);
            }
            catch (LiveViewFormatException ex)
            {
                ex.FrameIndex = FramesRead - 1;
                ex.FileOffset = at;
                throw;
            }
        }

        public void Dispose()
        {
            if (!_leaveOpen) _stream.Dispose();
        }
    }

    /// <summary>Writes an lvdump recording that chdkptp's <c>lvdumpimg</c> and GUI replay read: the header, then frames as they come.</summary>
    public sealed class LvdumpWriter : IDisposable
    {
        private readonly Stream _stream;
        private readonly bool _leaveOpen;
        private readonly byte[] _four = new byte[4];

        /// <summary>Starts a recording in <paramref name="stream"/> at its current position (writes the header).</summary>
        public LvdumpWriter(Stream stream, bool leaveOpen = false)
            : this(stream, leaveOpen, writeHeader: true) { }

        private LvdumpWriter(Stream stream, bool leaveOpen, bool writeHeader)
        {
            _stream = stream ?? throw new ArgumentNullException(nameof(stream));
            _leaveOpen = leaveOpen;
            if (!writeHeader) return;
            var h = new byte[Lvdump.HeaderSize];
            Buffer.BlockCopy(Lvdump.Magic, 0, h, 0, 4);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(4), 8);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(8), Lvdump.VersionMajor);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(12), Lvdump.VersionMinor);
            _stream.Write(h, 0, h.Length);
            Length = h.Length;
        }

        /// <summary>Creates (or overwrites) a recording file.</summary>
        public static LvdumpWriter Create(string path)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            return new LvdumpWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024));
        }

        /// <summary>
        /// Opens a recording file to add frames at its end, after checking its header (and that its last frame is
        /// complete); creates it when it does not exist or is empty.
        /// </summary>
        public static LvdumpWriter Append(string path)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            var fs = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 64 * 1024);
            try
            {
                if (fs.Length == 0) return new LvdumpWriter(fs);
                long frames = 0;
                using (var r = new LvdumpReader(fs, leaveOpen: true))
                    while (r.SkipFrame()) frames++;
                fs.Seek(0, SeekOrigin.End);
                return new LvdumpWriter(fs, false, writeHeader: false) { Length = fs.Length, FrameCount = frames };
            }
            catch
            {
                fs.Dispose();
                throw;
            }
        }

        /// <summary>Frames written (with <see cref="Append"/>: frames in the file).</summary>
        public long FrameCount { get; private set; }

        /// <summary>Bytes in the recording so far.</summary>
        public long Length { get; private set; }

        /// <summary>Adds one raw GetDisplayData payload.</summary>
        public void WriteFrame(byte[] payload)
        {
            if (payload == null) throw new ArgumentNullException(nameof(payload));
            WriteFrame(payload, 0, payload.Length);
        }

        /// <summary>Adds the payload of a parsed frame.</summary>
        public void WriteFrame(LiveFrame frame)
        {
            if (frame == null) throw new ArgumentNullException(nameof(frame));
            WriteFrame(frame.Payload);
        }

        /// <summary>Adds <paramref name="count"/> bytes of <paramref name="buffer"/> as one frame.</summary>
        public void WriteFrame(byte[] buffer, int offset, int count)
        {
            if (buffer == null) throw new ArgumentNullException(nameof(buffer));
            if (offset < 0 || count < 0 || offset > buffer.Length - count) throw new ArgumentOutOfRangeException(nameof(count));
            BinaryPrimitives.WriteUInt32LittleEndian(_four, (uint)count);
            _stream.Write(_four, 0, 4);
            _stream.Write(buffer, offset, count);
            FrameCount++;
            Length += 4 + count;
        }

        public void Flush() => _stream.Flush();

        public void Dispose()
        {
            if (_leaveOpen) _stream.Flush();
            else _stream.Dispose();
        }
    }
}
