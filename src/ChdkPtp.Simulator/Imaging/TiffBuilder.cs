using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace ChdkPtp.Simulator.Imaging
{
    /// <summary>TIFF field types.</summary>
    public enum TiffType : ushort
    {
        Byte = 1, Ascii = 2, Short = 3, Long = 4, Rational = 5, SByte = 6, Undefined = 7, SShort = 8, SLong = 9, SRational = 10,
    }

    /// <summary>One directory of a little-endian TIFF being built: entries kept sorted by tag.</summary>
    internal sealed class TiffIfd
    {
        internal sealed class Entry
        {
            public ushort Tag;
            public TiffType Type;
            public uint Count;
            public byte[] Value;          // little-endian value bytes (Count × type size)
            public Func<uint> Deferred;   // a LONG computed at layout time (offsets)
        }

        private readonly SortedDictionary<ushort, Entry> _entries = new SortedDictionary<ushort, Entry>();

        public IEnumerable<Entry> Entries => _entries.Values;
        public int Count => _entries.Count;

        /// <summary>Bytes of the directory itself: count, 12-byte entries, next-IFD offset.</summary>
        public int DirectorySize => 2 + 12 * _entries.Count + 4;

        public TiffIfd Add(ushort tag, TiffType type, uint count, byte[] value)
        {
            _entries[tag] = new Entry { Tag = tag, Type = type, Count = count, Value = value };
            return this;
        }

        public TiffIfd Short(ushort tag, params ushort[] v)
        {
            var b = new byte[v.Length * 2];
            for (int i = 0; i < v.Length; i++) { b[2 * i] = (byte)v[i]; b[2 * i + 1] = (byte)(v[i] >> 8); }
            return Add(tag, TiffType.Short, (uint)v.Length, b);
        }

        public TiffIfd Long(ushort tag, params uint[] v)
        {
            var b = new byte[v.Length * 4];
            for (int i = 0; i < v.Length; i++) Put32(b, 4 * i, v[i]);
            return Add(tag, TiffType.Long, (uint)v.Length, b);
        }

        /// <summary>A single LONG whose value is known only once the file is laid out (an offset).</summary>
        public TiffIfd LongLater(ushort tag, Func<uint> value)
        {
            _entries[tag] = new Entry { Tag = tag, Type = TiffType.Long, Count = 1, Value = new byte[4], Deferred = value };
            return this;
        }

        public TiffIfd Bytes(ushort tag, params byte[] v) => Add(tag, TiffType.Byte, (uint)v.Length, v);

        public TiffIfd Undefined(ushort tag, byte[] v) => Add(tag, TiffType.Undefined, (uint)v.Length, v);

        /// <summary>An ASCII field with its terminating NUL (an empty string is count 1).</summary>
        public TiffIfd Ascii(ushort tag, string s)
        {
            var b = Encoding.ASCII.GetBytes((s ?? "") + "\0");
            return Add(tag, TiffType.Ascii, (uint)b.Length, b);
        }

        public TiffIfd Rational(ushort tag, params (uint Num, uint Den)[] v)
        {
            var b = new byte[v.Length * 8];
            for (int i = 0; i < v.Length; i++) { Put32(b, 8 * i, v[i].Num); Put32(b, 8 * i + 4, v[i].Den); }
            return Add(tag, TiffType.Rational, (uint)v.Length, b);
        }

        public TiffIfd SRational(ushort tag, params (int Num, int Den)[] v)
        {
            var b = new byte[v.Length * 8];
            for (int i = 0; i < v.Length; i++) { Put32(b, 8 * i, unchecked((uint)v[i].Num)); Put32(b, 8 * i + 4, unchecked((uint)v[i].Den)); }
            return Add(tag, TiffType.SRational, (uint)v.Length, b);
        }

        internal static void Put32(byte[] b, int o, uint v)
        {
            b[o] = (byte)v; b[o + 1] = (byte)(v >> 8); b[o + 2] = (byte)(v >> 16); b[o + 3] = (byte)(v >> 24);
        }
    }

    /// <summary>
    /// Lays out a little-endian TIFF: an 8-byte header (with an optional extra header, e.g. CR2's), the
    /// directories one after another, then every value longer than four bytes, each padded to an even length.
    /// Offsets to a directory are available (<see cref="OffsetOf"/>) when deferred values are computed.
    /// </summary>
    internal sealed class TiffBuilder
    {
        private readonly List<TiffIfd> _ifds = new List<TiffIfd>();
        private readonly Dictionary<TiffIfd, int> _offsets = new Dictionary<TiffIfd, int>();
        private readonly HashSet<TiffIfd> _chained = new HashSet<TiffIfd>();

        /// <summary>Bytes between the 8-byte TIFF header and the first directory (CR2 puts 8 bytes there).</summary>
        public byte[] ExtraHeader { get; set; } = Array.Empty<byte>();

        /// <summary>Adds a directory; <paramref name="chain"/> links it as the next IFD of the previous chained one.</summary>
        public TiffIfd AddIfd(bool chain)
        {
            var ifd = new TiffIfd();
            _ifds.Add(ifd);
            if (chain) _chained.Add(ifd);
            return ifd;
        }

        public uint OffsetOf(TiffIfd ifd) => (uint)_offsets[ifd];

        /// <summary>Length of everything <see cref="Build"/> writes, before any padding the caller adds.</summary>
        public int Measure()
        {
            int size = 8 + ExtraHeader.Length;
            foreach (var ifd in _ifds)
            {
                size += ifd.DirectorySize;
                foreach (var e in ifd.Entries)
                    if (e.Value.Length > 4) size += e.Value.Length + (e.Value.Length & 1);
            }
            return size;
        }

        /// <summary>Writes the file into a buffer of <paramref name="totalLength"/> bytes (≥ <see cref="Measure"/>; the tail stays zero).</summary>
        public byte[] Build(int totalLength)
        {
            int pos = 8 + ExtraHeader.Length;
            foreach (var ifd in _ifds)
            {
                _offsets[ifd] = pos;
                pos += ifd.DirectorySize;
            }
            int extra = pos;
            var buf = new byte[Math.Max(totalLength, Measure())];
            buf[0] = (byte)'I'; buf[1] = (byte)'I'; buf[2] = 42; buf[3] = 0;
            TiffIfd.Put32(buf, 4, (uint)_offsets[_ifds[0]]);
            Buffer.BlockCopy(ExtraHeader, 0, buf, 8, ExtraHeader.Length);
            var chained = _ifds.Where(_chained.Contains).ToList();
            foreach (var ifd in _ifds)
            {
                int o = _offsets[ifd];
                buf[o] = (byte)ifd.Count; buf[o + 1] = (byte)(ifd.Count >> 8);
                o += 2;
                foreach (var e in ifd.Entries)
                {
                    buf[o] = (byte)e.Tag; buf[o + 1] = (byte)(e.Tag >> 8);
                    buf[o + 2] = (byte)e.Type; buf[o + 3] = (byte)((ushort)e.Type >> 8);
                    TiffIfd.Put32(buf, o + 4, e.Count);
                    if (e.Deferred != null) TiffIfd.Put32(e.Value, 0, e.Deferred());
                    if (e.Value.Length <= 4)
                    {
                        Buffer.BlockCopy(e.Value, 0, buf, o + 8, e.Value.Length);
                    }
                    else
                    {
                        TiffIfd.Put32(buf, o + 8, (uint)extra);
                        Buffer.BlockCopy(e.Value, 0, buf, extra, e.Value.Length);
                        extra += e.Value.Length + (e.Value.Length & 1);
                    }
                    o += 12;
                }
                int idx = chained.IndexOf(ifd);
                uint next = idx >= 0 && idx + 1 < chained.Count ? (uint)_offsets[chained[idx + 1]] : 0;
                TiffIfd.Put32(buf, o, next);
            }
            return buf;
        }
    }
}
