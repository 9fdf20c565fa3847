using System;
using ChdkPtp.Simulator.Imaging;

namespace ChdkPtp.Simulator.Tests.LiveView
{
    /// <summary>One <c>lv_framebuffer_desc</c> (PROTOCOL.md §4.3), read back from a payload.</summary>
    internal sealed class LvDesc
    {
        public int Offset;
        public int Type, DataStart, BufferWidth, VisibleWidth, VisibleHeight, MarginLeft, MarginTop, MarginRight, MarginBottom;

        /// <summary>Bytes per row: 12 bits per pixel for YUV8 (0), 16 for YUV8B/C (2, 3), 8 for PAL8 (1) and OPACITY8 (4).</summary>
        public int RowBytes => Type == 0 ? BufferWidth * 12 / 8 : Type == 2 || Type == 3 ? BufferWidth * 2 : BufferWidth;

        public int DataLength => RowBytes * VisibleHeight;
    }

    /// <summary>
    /// A GetDisplayData payload parsed as PROTOCOL.md §4.3 describes it, independently of the simulator's code: header
    /// (28 bytes for live view 2.0/2.1, 32 for 2.2), descriptors found through the <c>*_desc_start</c> offsets, every
    /// block checked to lie inside the payload. Decoders use §4.4-4.6.
    /// </summary>
    internal sealed class LvFrame
    {
        public byte[] Payload;
        public int Major, Minor, Aspect, PaletteType, PaletteStart, VpDescStart, BmDescStart, BmoDescStart;
        public int HeaderSize;
        public LvDesc Vp, Bm, Bmo;

        public static int I32(byte[] p, int o) => p[o] | p[o + 1] << 8 | p[o + 2] << 16 | p[o + 3] << 24;

        public static LvFrame Parse(byte[] p)
        {
            if (p.Length < 28) throw new FormatException("shorter than a header");
            var f = new LvFrame { Payload = p };
            f.Major = I32(p, 0);
            f.Minor = I32(p, 4);
            if (f.Major != 2) throw new FormatException("major " + f.Major);
            f.Aspect = I32(p, 8);
            f.PaletteType = I32(p, 12);
            f.PaletteStart = I32(p, 16);
            f.VpDescStart = I32(p, 20);
            f.BmDescStart = I32(p, 24);
            f.HeaderSize = f.Minor >= 2 ? 32 : 28;
            if (p.Length < f.HeaderSize) throw new FormatException("header cut short");
            f.BmoDescStart = f.Minor >= 2 ? I32(p, 28) : 0;
            f.Vp = Desc(p, f.VpDescStart);
            f.Bm = Desc(p, f.BmDescStart);
            f.Bmo = f.BmoDescStart != 0 ? Desc(p, f.BmoDescStart) : null;
            foreach (var d in new[] { f.Vp, f.Bm, f.Bmo })
            {
                if (d == null || d.DataStart == 0) continue;
                if (d.VisibleWidth > d.BufferWidth) throw new FormatException("visible width beyond the buffer");
                if ((long)d.DataStart + d.DataLength > p.Length) throw new FormatException("data past the payload");
            }
            if (f.PaletteStart != 0 && f.PaletteStart + PaletteEntries(f.PaletteType) * 4 > p.Length) throw new FormatException("palette past the payload");
            return f;
        }

        private static LvDesc Desc(byte[] p, int o)
        {
            if (o < 0 || o + 36 > p.Length) throw new FormatException("descriptor past the payload");
            return new LvDesc
            {
                Offset = o,
                Type = I32(p, o), DataStart = I32(p, o + 4), BufferWidth = I32(p, o + 8),
                VisibleWidth = I32(p, o + 12), VisibleHeight = I32(p, o + 16),
                MarginLeft = I32(p, o + 20), MarginTop = I32(p, o + 24), MarginRight = I32(p, o + 28), MarginBottom = I32(p, o + 32),
            };
        }

        public static int PaletteEntries(int type) => type == 1 || type == 2 || type == 4 ? 16 : type == 3 || type == 5 ? 256 : 0;

        public byte[] Block(LvDesc d)
        {
            if (d.DataStart == 0) return null;
            var b = new byte[d.DataLength];
            Buffer.BlockCopy(Payload, d.DataStart, b, 0, b.Length);
            return b;
        }

        public byte[] Palette()
        {
            if (PaletteStart == 0) return null;
            var b = new byte[PaletteEntries(PaletteType) * 4];
            Buffer.BlockCopy(Payload, PaletteStart, b, 0, b.Length);
            return b;
        }

        // ---- §4.6: chdkptp's integer YUV → RGB

        private static byte Clip(int v) => (byte)(v < 0 ? 0 : v > 255 ? 255 : v);

        public static (byte R, byte G, byte B) ToRgb(int y, int u, int v) =>
            (Clip(((y << 12) + v * 5743 + 2048) >> 12),
             Clip(((y << 12) - u * 1411 - v * 2925 + 2048) >> 12),
             Clip(((y << 12) + u * 7258 + 2048) >> 12));

        /// <summary>The viewport's visible pixels as RGB (YUV8: U Y0 V Y1 Y2 Y3, signed U/V; YUV8B: U Y0 V Y1, offset 128).</summary>
        public RgbImage ViewportRgb() => Yuv(Vp);

        public RgbImage Yuv(LvDesc d)
        {
            var img = new RgbImage(d.VisibleWidth, d.VisibleHeight);
            var p = Payload;
            for (int y = 0; y < d.VisibleHeight; y++)
            {
                int row = d.DataStart + y * d.RowBytes;
                for (int x = 0; x < d.VisibleWidth; x++)
                {
                    int yy, u, v;
                    if (d.Type == 0)
                    {
                        int g = row + x / 4 * 6;
                        u = (sbyte)p[g];
                        v = (sbyte)p[g + 2];
                        int k = x % 4;
                        yy = p[g + (k == 0 ? 1 : k == 1 ? 3 : k == 2 ? 4 : 5)];
                    }
                    else
                    {
                        int g = row + x / 2 * 4;
                        u = d.Type == 2 ? (sbyte)(p[g] - 0x80) : (sbyte)p[g];
                        v = d.Type == 2 ? (sbyte)(p[g + 2] - 0x80) : (sbyte)p[g + 2];
                        yy = p[g + 1 + (x % 2) * 2];
                    }
                    var (r, gg, b) = ToRgb(yy, u, v);
                    img.Set(x, y, r, gg, b);
                }
            }
            return img;
        }

        /// <summary>RGBA of a PAL8 pixel through a type-3 palette (V U Y A entries, index 0 transparent, alpha2 lookup).</summary>
        public static (byte R, byte G, byte B, byte A) Type3(byte[] palette, int index)
        {
            if (index == 0) return (0, 0, 0, 0);
            int e = index * 4;
            var (r, g, b) = ToRgb(palette[e + 2], (sbyte)palette[e + 1], (sbyte)palette[e]);
            byte[] alpha2 = { 128, 171, 214, 255 };
            return (r, g, b, alpha2[palette[e + 3] & 3]);
        }

        /// <summary>Alpha of a Digic 6 YUV8B overlay pixel by chdkptp's rule: 0 when its group's LE word is 0x00800080.</summary>
        public int Yuv8BAlphaRule(int x, int y)
        {
            int g = Bm.DataStart + y * Bm.RowBytes + x / 2 * 4;
            return I32(Payload, g) == 0x00800080 ? 0 : 255;
        }
    }
}
