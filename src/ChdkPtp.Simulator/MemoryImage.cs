using System;
using System.Collections.Generic;

namespace ChdkPtp.Simulator
{
    /// <summary>
    /// The camera's 32-bit address space: sparse 64 KiB pages, zero until written. GetMemory reads it,
    /// SetMemory and Lua poke write it. Thread-safe.
    /// </summary>
    public sealed class MemoryImage
    {
        private const int PageBits = 16;
        private const int PageSize = 1 << PageBits;
        private readonly Dictionary<uint, byte[]> _pages = new Dictionary<uint, byte[]>();
        private readonly object _gate = new object();

        public void Read(uint address, Span<byte> destination)
        {
            lock (_gate)
            {
                int done = 0;
                while (done < destination.Length)
                {
                    uint a = unchecked(address + (uint)done);
                    int offset = (int)(a & (PageSize - 1));
                    int n = Math.Min(PageSize - offset, destination.Length - done);
                    if (_pages.TryGetValue(a >> PageBits, out var page))
                        page.AsSpan(offset, n).CopyTo(destination.Slice(done, n));
                    else
                        destination.Slice(done, n).Clear();
                    done += n;
                }
            }
        }

        public void Write(uint address, ReadOnlySpan<byte> source)
        {
            lock (_gate)
            {
                int done = 0;
                while (done < source.Length)
                {
                    uint a = unchecked(address + (uint)done);
                    int offset = (int)(a & (PageSize - 1));
                    int n = Math.Min(PageSize - offset, source.Length - done);
                    if (!_pages.TryGetValue(a >> PageBits, out var page))
                        _pages[a >> PageBits] = page = new byte[PageSize];
                    source.Slice(done, n).CopyTo(page.AsSpan(offset, n));
                    done += n;
                }
            }
        }

        public uint ReadUInt32(uint address)
        {
            Span<byte> b = stackalloc byte[4];
            Read(address, b);
            return (uint)(b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24);
        }

        public void WriteUInt32(uint address, uint value)
        {
            Span<byte> b = stackalloc byte[4];
            b[0] = (byte)value; b[1] = (byte)(value >> 8); b[2] = (byte)(value >> 16); b[3] = (byte)(value >> 24);
            Write(address, b);
        }
    }
}
