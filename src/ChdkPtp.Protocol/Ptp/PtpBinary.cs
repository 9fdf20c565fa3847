using System;
using System.Collections.Generic;
using System.Text;

namespace ChdkPtp.Protocol.Ptp
{
    /// <summary>Little-endian reader for PTP datasets with bounds checks: a short dataset is a
    /// <see cref="PtpProtocolException"/>, never an out-of-range read.</summary>
    public ref struct PtpReader
    {
        private readonly ReadOnlySpan<byte> _data;
        private readonly string _what;
        private int _pos;

        public PtpReader(ReadOnlySpan<byte> data, string what)
        {
            _data = data;
            _what = what;
            _pos = 0;
        }

        public int Position => _pos;
        public int Remaining => _data.Length - _pos;

        private ReadOnlySpan<byte> Take(int n, string field)
        {
            if (n < 0 || n > _data.Length - _pos)
                throw new PtpProtocolException($"{_what} is truncated: {field} needs {n} bytes at offset {_pos}, {_data.Length - _pos} left.");
            var s = _data.Slice(_pos, n);
            _pos += n;
            return s;
        }

        public byte ReadByte(string field) => Take(1, field)[0];
        public ushort ReadUInt16(string field) { var s = Take(2, field); return (ushort)(s[0] | s[1] << 8); }
        public uint ReadUInt32(string field) { var s = Take(4, field); return (uint)(s[0] | s[1] << 8 | s[2] << 16 | s[3] << 24); }

        /// <summary>PTP string: u8 count of UCS-2 code units including the terminating NUL (0 = empty).</summary>
        public string ReadString(string field)
        {
            int n = ReadByte(field);
            if (n == 0) return string.Empty;
            var s = Take(n * 2, field);
            var sb = new StringBuilder(n);
            for (int i = 0; i < n; i++)
            {
                char c = (char)(s[2 * i] | s[2 * i + 1] << 8);
                if (c == '\0') break;
                sb.Append(c);
            }
            return sb.ToString();
        }

        public ushort[] ReadUInt16Array(string field)
        {
            uint n = ReadUInt32(field + " count");
            if (n > (uint)(Remaining / 2))
                throw new PtpProtocolException($"{_what} is malformed: {field} claims {n} entries, only {Remaining / 2} could fit.");
            var r = new ushort[n];
            for (int i = 0; i < r.Length; i++) r[i] = ReadUInt16(field);
            return r;
        }
    }

    /// <summary>Little-endian writer for PTP datasets (used by the simulator and tests).</summary>
    public sealed class PtpWriter
    {
        private readonly List<byte> _bytes = new List<byte>();

        public PtpWriter UInt8(byte v) { _bytes.Add(v); return this; }
        public PtpWriter UInt16(ushort v) { _bytes.Add((byte)v); _bytes.Add((byte)(v >> 8)); return this; }
        public PtpWriter UInt32(uint v) { for (int i = 0; i < 4; i++) _bytes.Add((byte)(v >> (8 * i))); return this; }

        public PtpWriter String(string s)
        {
            if (string.IsNullOrEmpty(s)) return UInt8(0);
            if (s.Length > 254) throw new ArgumentException("A PTP string holds at most 254 characters.", nameof(s));
            UInt8((byte)(s.Length + 1));
            foreach (char c in s) UInt16(c);
            return UInt16(0);
        }

        public PtpWriter UInt16Array(IReadOnlyCollection<ushort> values)
        {
            UInt32((uint)values.Count);
            foreach (var v in values) UInt16(v);
            return this;
        }

        public byte[] ToArray() => _bytes.ToArray();
    }
}
