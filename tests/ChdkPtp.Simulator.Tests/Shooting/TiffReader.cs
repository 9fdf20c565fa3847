using System;
using System.Collections.Generic;
using System.Text;

namespace ChdkPtp.Simulator.Tests.Shooting
{
    /// <summary>A small little-endian TIFF directory reader for checking DNG headers, independent of the writer.</summary>
    internal sealed class TiffReader
    {
        public sealed class Field
        {
            public ushort Tag;
            public ushort Type;
            public uint Count;
            public uint ValueOrOffset;
            public byte[] Bytes;
        }

        private readonly byte[] _b;

        public TiffReader(byte[] bytes)
        {
            _b = bytes;
            Assert.Equal((byte)'I', bytes[0]);
            Assert.Equal((byte)'I', bytes[1]);
            Assert.Equal(42, U16(2));
        }

        public uint FirstIfd => U32(4);

        public ushort U16(long o) => (ushort)(_b[o] | _b[o + 1] << 8);
        public uint U32(long o) => (uint)(_b[o] | _b[o + 1] << 8 | _b[o + 2] << 16 | _b[o + 3] << 24);

        private static int TypeSize(ushort type) => type switch
        {
            1 or 2 or 6 or 7 => 1,
            3 or 8 => 2,
            4 or 9 or 11 => 4,
            5 or 10 or 12 => 8,
            _ => throw new InvalidOperationException("unknown TIFF type " + type),
        };

        /// <summary>The directory at <paramref name="offset"/>: fields by tag (tags must ascend) and the next-IFD offset.</summary>
        public (Dictionary<ushort, Field> Fields, uint Next, int End) Ifd(uint offset)
        {
            int n = U16(offset);
            var d = new Dictionary<ushort, Field>();
            int last = -1;
            for (int i = 0; i < n; i++)
            {
                long e = offset + 2 + 12 * i;
                var f = new Field { Tag = U16(e), Type = U16(e + 2), Count = U32(e + 4), ValueOrOffset = U32(e + 8) };
                Assert.True(f.Tag > last, $"tags out of order at 0x{f.Tag:X4}");
                last = f.Tag;
                int size = TypeSize(f.Type) * (int)f.Count;
                long at = size <= 4 ? e + 8 : f.ValueOrOffset;
                Assert.True(at + size <= _b.Length, $"tag 0x{f.Tag:X4} value lies outside the header");
                f.Bytes = new byte[size];
                Array.Copy(_b, at, f.Bytes, 0, size);
                d[f.Tag] = f;
            }
            return (d, U32(offset + 2 + 12 * n), (int)(offset + 2 + 12 * n + 4));
        }

        public static uint Long(Field f, int i = 0) => f.Type == 3
            ? (uint)(f.Bytes[2 * i] | f.Bytes[2 * i + 1] << 8)
            : (uint)(f.Bytes[4 * i] | f.Bytes[4 * i + 1] << 8 | f.Bytes[4 * i + 2] << 16 | f.Bytes[4 * i + 3] << 24);

        public static string Ascii(Field f)
        {
            Assert.Equal(2, f.Type);
            Assert.Equal(0, f.Bytes[^1]);
            return Encoding.ASCII.GetString(f.Bytes, 0, f.Bytes.Length - 1);
        }
    }
}
