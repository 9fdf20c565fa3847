using System;

namespace ChdkPtp.Simulator.Imaging
{
    /// <summary>
    /// CHDK's raw framebuffer format: pixels packed at 10, 12 or 14 bits, row after row, as a most-significant-
    /// bit-first bit stream whose bytes are then swapped in 16-bit pairs ("little endian" in ptp.h). For 12 bits,
    /// pixel 0 is <c>b[1] &lt;&lt; 4 | b[0] &gt;&gt; 4</c> and pixel 1 is <c>(b[0] &amp; 0x0F) &lt;&lt; 8 | b[3]</c>.
    /// Swapping every byte pair back gives the big-endian packed strip a DNG holds, which is why remote capture
    /// clients reverse the byte order before appending raw data to a DNG header.
    /// </summary>
    public static class ChdkRaw
    {
        /// <summary>Packs <paramref name="values"/> (width × height, row-major) into CHDK's layout.</summary>
        public static byte[] Pack(ushort[] values, int width, int height, int bitsPerPixel)
        {
            if (values == null) throw new ArgumentNullException(nameof(values));
            CheckDepth(bitsPerPixel);
            if (values.Length < width * height) throw new ArgumentException("Fewer values than pixels.", nameof(values));
            if (width * bitsPerPixel % 16 != 0) throw new ArgumentException("A row must pack to an even number of bytes.", nameof(width));
            int rowBytes = width * bitsPerPixel / 8;
            var output = new byte[rowBytes * height];
            int mask = (1 << bitsPerPixel) - 1;
            for (int y = 0; y < height; y++)
            {
                int o = y * rowBytes; // even: the pair swap never crosses rows
                int src = y * width;
                ulong acc = 0;
                int bits = 0;
                int s = 0; // byte index in the row's big-endian stream
                for (int x = 0; x < width; x++)
                {
                    acc = (acc << bitsPerPixel) | (uint)(values[src + x] & mask);
                    bits += bitsPerPixel;
                    while (bits >= 8)
                    {
                        bits -= 8;
                        output[o + (s ^ 1)] = (byte)(acc >> bits);
                        s++;
                    }
                }
            }
            return output;
        }

        /// <summary>The value of pixel (x, y) in a CHDK-packed buffer of <paramref name="rowBytes"/>-byte rows.</summary>
        public static int GetPixel(byte[] raw, int rowBytes, int x, int y, int bitsPerPixel)
        {
            CheckDepth(bitsPerPixel);
            int bit = x * bitsPerPixel;   // position in the row's big-endian stream
            int s = bit >> 3;
            int shift = bit & 7;
            int row = y * rowBytes;
            // the value spans at most three stream bytes
            int v = raw[row + (s ^ 1)] << 16;
            if (s + 1 < rowBytes) v |= raw[row + ((s + 1) ^ 1)] << 8;
            if (s + 2 < rowBytes) v |= raw[row + ((s + 2) ^ 1)];
            return (v >> (24 - shift - bitsPerPixel)) & ((1 << bitsPerPixel) - 1);
        }

        /// <summary>Unpacks a whole CHDK buffer (or a run of whole rows) into values.</summary>
        public static ushort[] Unpack(byte[] raw, int width, int height, int bitsPerPixel)
        {
            int rowBytes = width * bitsPerPixel / 8;
            var values = new ushort[width * height];
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    values[y * width + x] = (ushort)GetPixel(raw, rowBytes, x, y, bitsPerPixel);
            return values;
        }

        /// <summary>Swaps every byte pair (chdkptp's lbuf:reverse_bytes): CHDK layout ↔ DNG strip layout.</summary>
        public static byte[] SwapBytePairs(byte[] data, int offset, int count)
        {
            var r = new byte[count];
            for (int i = 0; i + 1 < count; i += 2)
            {
                r[i] = data[offset + i + 1];
                r[i + 1] = data[offset + i];
            }
            if ((count & 1) != 0) r[count - 1] = data[offset + count - 1];
            return r;
        }

        /// <summary>
        /// The sensor's pixel values for a scene: the active area samples <paramref name="activeScene"/> (sized as the
        /// active area) through the R G / G B mosaic, linear in light, between the black and white levels; the masked
        /// borders read black. A little fixed-pattern and per-shot noise (from <paramref name="seed"/>) keeps
        /// values off exact black and makes every shot's raw data differ.
        /// </summary>
        public static ushort[] Expose(RgbImage activeScene, SensorGeometry g, int seed)
        {
            if (activeScene == null) throw new ArgumentNullException(nameof(activeScene));
            if (activeScene.Width != g.ActiveWidth || activeScene.Height != g.ActiveHeight)
                throw new ArgumentException("The scene must be as large as the active area.", nameof(activeScene));
            var lin = new double[256];
            for (int i = 0; i < 256; i++) lin[i] = SceneRenderer.SrgbToLinear(i / 255.0);
            double range = (g.WhiteLevel - g.BlackLevel) * 0.92;
            var values = new ushort[g.Width * g.Height];
            var px = activeScene.Pixels;
            for (int y = 0; y < g.Height; y++)
            {
                bool activeRow = y >= g.ActiveTop && y < g.ActiveBottom;
                for (int x = 0; x < g.Width; x++)
                {
                    int noise = (int)(Hash(x, y, seed) % 5) - 2;
                    int v;
                    if (activeRow && x >= g.ActiveLeft && x < g.ActiveRight)
                    {
                        int sx = x - g.ActiveLeft, sy = y - g.ActiveTop;
                        byte c = px[(sy * g.ActiveWidth + sx) * 3 + SensorGeometry.CfaColor(x, y)];
                        v = g.BlackLevel + (int)Math.Round(lin[c] * range) + noise;
                    }
                    else
                    {
                        v = g.BlackLevel + noise;
                    }
                    values[y * g.Width + x] = (ushort)Math.Max(1, Math.Min(g.WhiteLevel, v));
                }
            }
            return values;
        }

        private static uint Hash(int x, int y, int seed)
        {
            unchecked
            {
                uint h = (uint)x * 0x9E3779B1u ^ (uint)y * 0x85EBCA77u ^ (uint)seed * 0xC2B2AE3Du;
                h ^= h >> 15;
                h *= 0x2C1B3C6Du;
                h ^= h >> 12;
                return h;
            }
        }

        private static void CheckDepth(int bpp)
        {
            if (bpp != 10 && bpp != 12 && bpp != 14)
                throw new ArgumentOutOfRangeException(nameof(bpp), bpp, "CHDK packs raw data at 10, 12 or 14 bits per pixel.");
        }
    }
}
