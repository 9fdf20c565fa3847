using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace ChdkPtp.Protocol.Chdk.LiveView
{
    /// <summary>How hard the PNG writer compresses.</summary>
    public enum PngCompression
    {
        /// <summary>zlib's fastest level: a few milliseconds for a 720×240 frame, about half the raw size.</summary>
        Fast,
        /// <summary>zlib's default level: several times slower, files about a third smaller.</summary>
        Small,
    }

    /// <summary>
    /// A minimal PNG encoder for 8-bit RGB and RGBA (IHDR, IDAT chunks of up to 64 KiB, IEND): each row filtered with
    /// the Sub filter, then zlib-compressed by the platform's deflate (System.IO.Compression). Streams its output:
    /// memory use does not grow with the image beyond one row and one chunk.
    /// </summary>
    public static class PngWriter
    {
        private static readonly byte[] Signature = { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };
        private const int ChunkSize = 64 * 1024;

        /// <summary>Writes <paramref name="pixels"/> (<paramref name="width"/>×<paramref name="height"/>, rows top-down, no padding) as a PNG.</summary>
        public static void Write(Stream stream, byte[] pixels, int width, int height, LivePixelFormat format, PngCompression compression = PngCompression.Fast)
        {
            if (stream == null) throw new ArgumentNullException(nameof(stream));
            if (pixels == null) throw new ArgumentNullException(nameof(pixels));
            if (width <= 0 || height <= 0) throw new ArgumentException($"A PNG needs at least one pixel; the image is {width}x{height}.");
            if (format != LivePixelFormat.Rgb24 && format != LivePixelFormat.Rgba32) throw new ArgumentOutOfRangeException(nameof(format));
            int bpp = (int)format;
            long rowBytes = (long)width * bpp;
            if (rowBytes * height > pixels.Length) throw new ArgumentException("The pixel array is shorter than width·height·bytes per pixel.", nameof(pixels));
            if (rowBytes + 1 > int.MaxValue) throw new ArgumentException("The image is too wide.", nameof(width));

            stream.Write(Signature, 0, Signature.Length);
            var ihdr = new byte[13];
            BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(0), width);
            BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
            ihdr[8] = 8;                                       // bit depth
            ihdr[9] = (byte)(format == LivePixelFormat.Rgba32 ? 6 : 2); // colour type: truecolour (+ alpha)
            // compression 0 (deflate), filter method 0, no interlace
            WriteChunk(stream, "IHDR", ihdr, ihdr.Length);

            using (var idat = new IdatStream(stream))
            {
                // zlib wrapper: CMF 0x78 (deflate, 32 KiB window), FLG with the level hint, checked by FCHECK.
                idat.WriteByte(0x78);
                idat.WriteByte(compression == PngCompression.Fast ? (byte)0x01 : (byte)0x9C);
                uint adler = 1;
                var level = compression == PngCompression.Fast ? CompressionLevel.Fastest : CompressionLevel.Optimal;
                using (var deflate = new DeflateStream(idat, level, leaveOpen: true))
                {
                    var row = new byte[rowBytes + 1];
                    row[0] = 1; // Sub: each byte minus the byte bpp to its left
                    for (int y = 0; y < height; y++)
                    {
                        int src = (int)(y * rowBytes);
                        for (int i = 0; i < bpp; i++) row[1 + i] = pixels[src + i];
                        for (int i = bpp; i < rowBytes; i++) row[1 + i] = (byte)(pixels[src + i] - pixels[src + i - bpp]);
                        adler = Adler32(adler, row, row.Length);
                        deflate.Write(row, 0, row.Length);
                    }
                }
                var trailer = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(trailer, adler);
                idat.Write(trailer, 0, 4);
            }
            WriteChunk(stream, "IEND", Array.Empty<byte>(), 0);
        }

        private static uint Adler32(uint adler, byte[] data, int count)
        {
            uint a = adler & 0xFFFF, b = adler >> 16;
            int i = 0;
            while (i < count)
            {
                int n = Math.Min(count - i, 5552); // largest run before the sums can overflow 32 bits
                for (int end = i + n; i < end; i++)
                {
                    a += data[i];
                    b += a;
                }
                a %= 65521;
                b %= 65521;
            }
            return b << 16 | a;
        }

        private static readonly uint[] CrcTable = BuildCrcTable();

        private static uint[] BuildCrcTable()
        {
            var t = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                t[n] = c;
            }
            return t;
        }

        private static uint Crc(uint crc, byte[] data, int offset, int count)
        {
            for (int i = offset, end = offset + count; i < end; i++) crc = CrcTable[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
            return crc;
        }

        private static void WriteChunk(Stream stream, string type, byte[] data, int count)
        {
            var head = new byte[8];
            BinaryPrimitives.WriteInt32BigEndian(head, count);
            for (int i = 0; i < 4; i++) head[4 + i] = (byte)type[i];
            uint crc = Crc(0xFFFFFFFF, head, 4, 4);
            crc = Crc(crc, data, 0, count) ^ 0xFFFFFFFF;
            stream.Write(head, 0, 8);
            stream.Write(data, 0, count);
            var tail = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(tail, crc);
            stream.Write(tail, 0, 4);
        }

        /// <summary>Collects the zlib stream and emits it as IDAT chunks of up to 64 KiB.</summary>
        private sealed class IdatStream : Stream
        {
            private readonly Stream _out;
            private readonly byte[] _buffer = new byte[ChunkSize];
            private int _count;

            public IdatStream(Stream output) { _out = output; }

            public override void Write(byte[] buffer, int offset, int count)
            {
                while (count > 0)
                {
                    int n = Math.Min(count, _buffer.Length - _count);
                    Buffer.BlockCopy(buffer, offset, _buffer, _count, n);
                    _count += n;
                    offset += n;
                    count -= n;
                    if (_count == _buffer.Length) Emit();
                }
            }

            public override void WriteByte(byte value)
            {
                _buffer[_count++] = value;
                if (_count == _buffer.Length) Emit();
            }

            private void Emit()
            {
                if (_count == 0) return;
                WriteChunk(_out, "IDAT", _buffer, _count);
                _count = 0;
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing) Emit();
                base.Dispose(disposing);
            }

            public override void Flush() { }
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }
}
