using System;
using System.IO;

namespace ChdkPtp.Protocol.Chdk.Capture
{
    /// <summary>
    /// Writes remote capture chunks into a file the way the camera places them (PROTOCOL.md §5.3): a chunk
    /// with an offset goes at that offset (multipass cameras rewrite the header at 0, or send sessions at their
    /// positions), a chunk with offset −1 follows the previous chunk. Gaps read as zeros; a chunk of size 0 is
    /// skipped (counted in <see cref="EmptyChunks"/>; chdkptp warns "ignoring zero size chunk").
    /// </summary>
    public sealed class CaptureChunkWriter
    {
        private readonly Stream _stream;

        public CaptureChunkWriter(Stream stream)
        {
            _stream = stream ?? throw new ArgumentNullException(nameof(stream));
            if (!stream.CanWrite) throw new ArgumentException("The stream is not writable.", nameof(stream));
            Position = stream.CanSeek ? stream.Position : 0;
        }

        /// <summary>Where the next chunk without an offset goes.</summary>
        public long Position { get; private set; }

        /// <summary>The end of the furthest chunk written (the file's length once complete).</summary>
        public long Length { get; private set; }

        /// <summary>Chunks written (empty ones not counted).</summary>
        public int Chunks { get; private set; }

        public int EmptyChunks { get; private set; }

        /// <summary>Total bytes written.</summary>
        public long BytesWritten { get; private set; }

        /// <summary>Writes <paramref name="count"/> bytes at <paramref name="offset"/> (−1: after the previous chunk).
        /// Returns false for an empty chunk, which is not written.</summary>
        /// <exception cref="IOException">The chunk needs a seek and the stream cannot seek.</exception>
        public bool Write(long offset, byte[] data, int count)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            if (count < 0 || count > data.Length) throw new ArgumentOutOfRangeException(nameof(count));
            if (offset < -1) throw new ArgumentOutOfRangeException(nameof(offset), "A chunk offset is −1 (append) or a file position.");
            if (count == 0)
            {
                EmptyChunks++;
                return false;
            }
            long at = offset >= 0 ? offset : Position;
            if (_stream.CanSeek)
            {
                if (_stream.Position != at) _stream.Seek(at, SeekOrigin.Begin);
            }
            else if (at != Position)
            {
                throw new IOException($"The camera placed a chunk at offset {at}, but the destination stream cannot seek (it is at {Position}).");
            }
            _stream.Write(data, 0, count);
            Position = at + count;
            if (Position > Length) Length = Position;
            Chunks++;
            BytesWritten += count;
            return true;
        }
    }
}
