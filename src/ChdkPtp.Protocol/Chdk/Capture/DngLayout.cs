using System;
using System.Collections.Generic;

namespace ChdkPtp.Protocol.Chdk.Capture
{
    /// <summary>
    /// What a DNG needs to be put together, read from the TIFF structure of the header CHDK sends
    /// (PROTOCOL.md §5.1): IFD 0 is the RGB thumbnail, its first SubIFD the raw sensor image.
    /// </summary>
    public sealed class DngLayout
    {
        public const ushort TagNewSubfileType = 254;
        public const ushort TagImageWidth = 256;
        public const ushort TagImageLength = 257;
        public const ushort TagBitsPerSample = 258;
        public const ushort TagCompression = 259;
        public const ushort TagPhotometric = 262;
        public const ushort TagStripOffsets = 273;
        public const ushort TagSamplesPerPixel = 277;
        public const ushort TagRowsPerStrip = 278;
        public const ushort TagStripByteCounts = 279;
        public const ushort TagSubIfds = 330;
        public const ushort TagCfaRepeatPatternDim = 33421;
        public const ushort TagCfaPattern = 33422;
        public const ushort TagBlackLevel = 50714;
        public const ushort TagWhiteLevel = 50717;
        public const ushort TagActiveArea = 50829;

        public bool LittleEndian { get; private set; }

        public TiffIfd Ifd0 { get; private set; }

        public TiffIfd RawIfd { get; private set; }

        public int ThumbnailWidth { get; private set; }
        public int ThumbnailHeight { get; private set; }
        /// <summary>Samples per thumbnail pixel (3 for RGB).</summary>
        public int ThumbnailSamples { get; private set; }
        public int ThumbnailBits { get; private set; }
        public long ThumbnailOffset { get; private set; }
        public long ThumbnailLength { get; private set; }

        public int Width { get; private set; }
        public int Height { get; private set; }
        public int BitsPerSample { get; private set; }
        public long RawOffset { get; private set; }
        public long RawLength { get; private set; }

        /// <summary>Bytes per raw row: width × bits / 8.</summary>
        public long RowBytes => (long)Width * BitsPerSample / 8;

        /// <summary>The 2×2 CFA pattern (0 red, 1 green, 2 blue), or null if the header has none or another size.</summary>
        public byte[] CfaPattern { get; private set; }

        /// <summary>ActiveArea top, left, bottom, right (the whole image if absent).</summary>
        public int ActiveTop { get; private set; }
        public int ActiveLeft { get; private set; }
        public int ActiveBottom { get; private set; }
        public int ActiveRight { get; private set; }

        public int BlackLevel { get; private set; }
        public int WhiteLevel { get; private set; }

        /// <summary>Reads a DNG header.</summary>
        /// <exception cref="FormatException">Not a TIFF, or lacking what a DNG needs (sizes, strips, a SubIFD).</exception>
        public static DngLayout Parse(byte[] header)
        {
            if (header == null) throw new ArgumentNullException(nameof(header));
            var t = new TiffReader(header);
            var l = new DngLayout { LittleEndian = t.LittleEndian };
            l.Ifd0 = t.ReadIfd(t.FirstIfdOffset, "IFD 0");
            var subs = l.Ifd0.Values(TagSubIfds);
            if (subs == null || subs.Length == 0) throw new FormatException("IFD 0 has no SubIFDs entry (330): no raw image is described.");
            l.RawIfd = t.ReadIfd(subs[0], "SubIFD 0");

            l.ThumbnailWidth = (int)l.Ifd0.Required(TagImageWidth, "IFD 0");
            l.ThumbnailHeight = (int)l.Ifd0.Required(TagImageLength, "IFD 0");
            l.ThumbnailSamples = (int)(l.Ifd0.Single(TagSamplesPerPixel) ?? 1);
            l.ThumbnailBits = (int)(l.Ifd0.Single(TagBitsPerSample) ?? 1);
            l.ThumbnailOffset = l.Ifd0.Required(TagStripOffsets, "IFD 0");
            l.ThumbnailLength = l.Ifd0.Single(TagStripByteCounts) ?? (long)l.ThumbnailWidth * l.ThumbnailHeight * l.ThumbnailSamples * Math.Max(1, l.ThumbnailBits / 8);

            l.Width = (int)l.RawIfd.Required(TagImageWidth, "SubIFD 0");
            l.Height = (int)l.RawIfd.Required(TagImageLength, "SubIFD 0");
            l.BitsPerSample = (int)l.RawIfd.Required(TagBitsPerSample, "SubIFD 0");
            l.RawOffset = l.RawIfd.Required(TagStripOffsets, "SubIFD 0");
            l.RawLength = l.RawIfd.Required(TagStripByteCounts, "SubIFD 0");
            if (l.Width <= 0 || l.Height <= 0 || l.BitsPerSample <= 0 || l.BitsPerSample > 32)
                throw new FormatException($"The raw image is described as {l.Width}×{l.Height} at {l.BitsPerSample} bits.");
            if (l.ThumbnailWidth < 0 || l.ThumbnailHeight < 0 || l.ThumbnailLength < 0)
                throw new FormatException("The thumbnail has a negative size.");

            var dim = l.RawIfd.Values(TagCfaRepeatPatternDim);
            var pat = l.RawIfd.Values(TagCfaPattern);
            if (pat != null && pat.Length == 4 && (dim == null || (dim.Length == 2 && dim[0] == 2 && dim[1] == 2)))
                l.CfaPattern = new[] { (byte)pat[0], (byte)pat[1], (byte)pat[2], (byte)pat[3] };

            var area = l.RawIfd.Values(TagActiveArea);
            if (area != null && area.Length == 4 && area[0] < area[2] && area[1] < area[3] && area[2] <= l.Height && area[3] <= l.Width)
            {
                l.ActiveTop = (int)area[0];
                l.ActiveLeft = (int)area[1];
                l.ActiveBottom = (int)area[2];
                l.ActiveRight = (int)area[3];
            }
            else
            {
                l.ActiveBottom = l.Height;
                l.ActiveRight = l.Width;
            }
            var black = l.RawIfd.Values(TagBlackLevel);
            l.BlackLevel = black != null && black.Length > 0 ? (int)Math.Min(black[0], int.MaxValue) : 0;
            long maxValue = l.BitsPerSample >= 31 ? int.MaxValue : (1L << l.BitsPerSample) - 1;
            var white = l.RawIfd.Single(TagWhiteLevel);
            l.WhiteLevel = (int)Math.Min(white ?? maxValue, maxValue);
            return l;
        }
    }

    /// <summary>One TIFF image file directory: tag → values (integers; RATIONALs as their rounded quotient).</summary>
    public sealed class TiffIfd
    {
        private readonly Dictionary<ushort, long[]> _values = new Dictionary<ushort, long[]>();
        private readonly Dictionary<ushort, long> _valueOffsets = new Dictionary<ushort, long>();

        /// <summary>Position of the IFD in the file.</summary>
        public long Offset { get; internal set; }

        /// <summary>Offset of the next IFD (0 if none).</summary>
        public long NextOffset { get; internal set; }

        public IEnumerable<ushort> Tags => _values.Keys;

        internal void Set(ushort tag, long[] values, long valueOffset)
        {
            _values[tag] = values;
            _valueOffsets[tag] = valueOffset;
        }

        /// <summary>The values of <paramref name="tag"/>, or null.</summary>
        public long[] Values(ushort tag) => _values.TryGetValue(tag, out var v) ? v : null;

        /// <summary>Where the values of <paramref name="tag"/> are stored: the entry's own value field for small
        /// values, else the offset it points to.</summary>
        public long? ValueOffset(ushort tag) => _valueOffsets.TryGetValue(tag, out var v) ? v : (long?)null;

        public long? Single(ushort tag)
        {
            var v = Values(tag);
            return v != null && v.Length > 0 ? v[0] : (long?)null;
        }

        internal long Required(ushort tag, string where)
        {
            var v = Single(tag);
            if (!v.HasValue) throw new FormatException($"{where} lacks tag {tag}.");
            return v.Value;
        }
    }

    /// <summary>A minimal TIFF reader (both byte orders; BYTE, SHORT, LONG, RATIONAL, SBYTE, SSHORT, SLONG, IFD).</summary>
    public sealed class TiffReader
    {
        private readonly byte[] _d;

        public TiffReader(byte[] data)
        {
            _d = data ?? throw new ArgumentNullException(nameof(data));
            if (data.Length < 8) throw new FormatException("Too short for a TIFF header.");
            if (data[0] == (byte)'I' && data[1] == (byte)'I') LittleEndian = true;
            else if (data[0] == (byte)'M' && data[1] == (byte)'M') LittleEndian = false;
            else throw new FormatException("No TIFF byte order mark (II or MM).");
            if (U16(2) != 42) throw new FormatException("The TIFF magic number 42 is missing.");
            FirstIfdOffset = U32(4);
        }

        public bool LittleEndian { get; }

        public long FirstIfdOffset { get; }

        public ushort U16(long at)
        {
            Need(at, 2);
            int i = (int)at;
            return LittleEndian ? (ushort)(_d[i] | _d[i + 1] << 8) : (ushort)(_d[i] << 8 | _d[i + 1]);
        }

        public uint U32(long at)
        {
            Need(at, 4);
            int i = (int)at;
            return LittleEndian
                ? (uint)(_d[i] | _d[i + 1] << 8 | _d[i + 2] << 16 | _d[i + 3] << 24)
                : (uint)(_d[i] << 24 | _d[i + 1] << 16 | _d[i + 2] << 8 | _d[i + 3]);
        }

        private void Need(long at, int n)
        {
            if (at < 0 || at + n > _d.Length) throw new FormatException($"The TIFF structure points outside the data (offset {at}, {n} bytes, data {_d.Length}).");
        }

        public TiffIfd ReadIfd(long offset, string name)
        {
            int count = U16(offset);
            if (count == 0 || count > 1000) throw new FormatException($"{name} claims {count} entries.");
            var ifd = new TiffIfd { Offset = offset };
            for (int i = 0; i < count; i++)
            {
                long e = offset + 2 + 12L * i;
                ushort tag = U16(e);
                ushort type = U16(e + 2);
                uint n = U32(e + 4);
                int size = TypeSize(type);
                if (size == 0) continue; // ASCII, UNDEFINED, floats...: not needed here
                if (n > 1 << 20) throw new FormatException($"{name} tag {tag} claims {n} values.");
                long bytes = (long)size * n;
                long at = bytes <= 4 ? e + 8 : U32(e + 8);
                var values = new long[n];
                for (int k = 0; k < n; k++)
                {
                    long p = at + (long)k * size;
                    switch (type)
                    {
                        case 1: Need(p, 1); values[k] = _d[p]; break;
                        case 6: Need(p, 1); values[k] = (sbyte)_d[p]; break;
                        case 3: values[k] = U16(p); break;
                        case 8: values[k] = (short)U16(p); break;
                        case 4:
                        case 13: values[k] = U32(p); break;
                        case 9: values[k] = (int)U32(p); break;
                        case 5:
                            {
                                uint num = U32(p), den = U32(p + 4);
                                values[k] = den == 0 ? 0 : (long)Math.Round((double)num / den);
                                break;
                            }
                        case 10:
                            {
                                int num = (int)U32(p), den = (int)U32(p + 4);
                                values[k] = den == 0 ? 0 : (long)Math.Round((double)num / den);
                                break;
                            }
                    }
                }
                ifd.Set(tag, values, at);
            }
            ifd.NextOffset = U32(offset + 2 + 12L * count);
            return ifd;
        }

        private static int TypeSize(ushort type)
        {
            switch (type)
            {
                case 1: case 6: return 1;
                case 3: case 8: return 2;
                case 4: case 9: case 13: return 4;
                case 5: case 10: return 8;
                default: return 0;
            }
        }
    }
}
