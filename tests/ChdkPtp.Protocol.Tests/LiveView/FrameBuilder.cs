using System;
using System.Collections.Generic;
using System.IO;

namespace ChdkPtp.Protocol.Tests.LiveView
{
    /// <summary>A frame-buffer descriptor and its bytes (null Data: descriptor without data) for <see cref="FrameBuilder"/>.</summary>
    internal sealed class Fb
    {
        public int Type;
        public int BufferWidth, VisibleWidth, VisibleHeight;
        public int MarginLeft, MarginTop, MarginRight, MarginBottom;
        public byte[] Data;

        public static Fb Of(int type, int bufferWidth, int visibleWidth, int visibleHeight, byte[] data) =>
            new Fb { Type = type, BufferWidth = bufferWidth, VisibleWidth = visibleWidth, VisibleHeight = visibleHeight, Data = data };

        /// <summary>Bytes per row from the spec (§4.4): YUV8 bw·12/8, YUV8B/C bw·2, PAL8/OPACITY8 bw.</summary>
        public static int RowBytes(int type, int bufferWidth) => type == 0 ? bufferWidth * 12 / 8 : type == 2 || type == 3 ? bufferWidth * 2 : bufferWidth;

        public static Fb Random(Random rnd, int type, int bufferWidth, int visibleWidth, int visibleHeight)
        {
            var d = new byte[RowBytes(type, bufferWidth) * visibleHeight];
            rnd.NextBytes(d);
            return Of(type, bufferWidth, visibleWidth, visibleHeight, d);
        }
    }

    /// <summary>
    /// Builds GetDisplayData payloads from the layout in PROTOCOL.md §4.3: a header (28 bytes for 2.0/2.1, 32 for 2.2),
    /// 36-byte descriptors, palette and pixel data. <see cref="Scramble"/> puts the parts in a different order with
    /// junk between them, so that only a parser that follows the offsets finds them.
    /// </summary>
    internal sealed class FrameBuilder
    {
        public int Major = 2, Minor = 2, Aspect;
        public int PaletteType;
        public byte[] Palette;
        public Fb Viewport = new Fb(), Bitmap = new Fb(), Opacity;
        public bool Scramble;
        public int Seed = 1;

        private static void I32(List<byte> b, int at, int v)
        {
            b[at] = (byte)v; b[at + 1] = (byte)(v >> 8); b[at + 2] = (byte)(v >> 16); b[at + 3] = (byte)(v >> 24);
        }

        private static int Append(List<byte> b, byte[] data)
        {
            int at = b.Count;
            b.AddRange(data);
            return at;
        }

        private static int AppendDesc(List<byte> b)
        {
            int at = b.Count;
            b.AddRange(new byte[36]);
            return at;
        }

        private static void FillDesc(List<byte> b, int at, Fb fb, int dataStart)
        {
            int[] f = { fb.Type, dataStart, fb.BufferWidth, fb.VisibleWidth, fb.VisibleHeight, fb.MarginLeft, fb.MarginTop, fb.MarginRight, fb.MarginBottom };
            for (int i = 0; i < f.Length; i++) I32(b, at + 4 * i, f[i]);
        }

        public byte[] Build()
        {
            var rnd = new Random(Seed);
            int hs = Minor >= 2 ? 32 : 28;
            var b = new List<byte>(new byte[hs]);
            I32(b, 0, Major);
            I32(b, 4, Minor);
            I32(b, 8, Aspect);
            I32(b, 12, PaletteType);
            bool withOpacity = Minor >= 2 && Opacity != null;
            int vpDesc, bmDesc, bmoDesc = 0, pal = 0, vpData = 0, bmData = 0, bmoData = 0;
            void Junk() { var j = new byte[1 + rnd.Next(13)]; rnd.NextBytes(j); b.AddRange(j); }
            if (!Scramble)
            {
                vpDesc = AppendDesc(b);
                bmDesc = AppendDesc(b);
                if (withOpacity) bmoDesc = AppendDesc(b);
                if (Palette != null) pal = Append(b, Palette);
                if (Viewport.Data != null) vpData = Append(b, Viewport.Data);
                if (Bitmap.Data != null) bmData = Append(b, Bitmap.Data);
                if (withOpacity && Opacity.Data != null) bmoData = Append(b, Opacity.Data);
            }
            else
            {
                Junk();
                if (withOpacity && Opacity.Data != null) { bmoData = Append(b, Opacity.Data); Junk(); }
                if (Bitmap.Data != null) { bmData = Append(b, Bitmap.Data); Junk(); }
                bmDesc = AppendDesc(b);
                Junk();
                if (Palette != null) { pal = Append(b, Palette); Junk(); }
                if (withOpacity) { bmoDesc = AppendDesc(b); Junk(); }
                if (Viewport.Data != null) { vpData = Append(b, Viewport.Data); Junk(); }
                vpDesc = AppendDesc(b);
                Junk();
            }
            I32(b, 16, pal);
            I32(b, 20, vpDesc);
            I32(b, 24, bmDesc);
            if (Minor >= 2) I32(b, 28, bmoDesc);
            FillDesc(b, vpDesc, Viewport, vpData);
            FillDesc(b, bmDesc, Bitmap, bmData);
            if (withOpacity) FillDesc(b, bmoDesc, Opacity, Opacity.Data != null ? bmoData : 0);
            return b.ToArray();
        }

        /// <summary>A pre-Digic 6 frame as the simulator would make it: 720×240 YUV8 viewport, 720×240 PAL8 bitmap, palette type 3.</summary>
        public static FrameBuilder PreDigic6(Random rnd, int width = 720, int height = 240, int paletteType = 3)
        {
            var pal = new byte[(paletteType == 3 || paletteType == 5 ? 256 : 16) * 4];
            rnd.NextBytes(pal);
            return new FrameBuilder
            {
                Minor = 2,
                PaletteType = paletteType,
                Palette = pal,
                Viewport = Fb.Random(rnd, 0, width, width, height),
                Bitmap = Fb.Random(rnd, 1, width, width, height),
            };
        }

        /// <summary>A Digic 6 frame: YUV8B viewport and overlay, opacity plane, no palette.</summary>
        public static FrameBuilder Digic6(Random rnd, int width = 640, int height = 480)
        {
            var f = new FrameBuilder
            {
                Minor = 2,
                Viewport = Fb.Random(rnd, 2, width, width, height),
                Bitmap = Fb.Random(rnd, 2, width, width, height),
                Opacity = Fb.Random(rnd, 4, width, width, height),
            };
            return f;
        }
    }

    /// <summary>
    /// Reference conversions written directly from PROTOCOL.md §4.4–4.6, pixel by pixel, for comparison with the
    /// library's decoder (which works group by group with precomputed chroma offsets and a clip table).
    /// </summary>
    internal static class Reference
    {
        private static int Clip(int v) => v < 0 ? 0 : v > 255 ? 255 : v;

        public static (int R, int G, int B) Rgb(int y, int u, int v) => (
            Clip(((y << 12) + v * 5743 + 2048) >> 12),
            Clip(((y << 12) - u * 1411 - v * 2925 + 2048) >> 12),
            Clip(((y << 12) + u * 7258 + 2048) >> 12));

        /// <summary>Source pixel index for output column x: with 2:1 correction YUV8 keeps Y0,Y1 of each 4, YUV8B/C Y0 of each 2, PAL8 every other.</summary>
        public static int SourceColumn(int type, int x, bool half)
        {
            if (!half) return x;
            if (type == 0) return x / 2 * 4 + x % 2;
            return 2 * x;
        }

        public static int OutWidth(int vw, bool half) => half && vw > 1 ? vw / 2 : vw;

        /// <summary>Y, U, V (U, V signed) of pixel (x, row) of a YUV buffer.</summary>
        public static (int Y, int U, int V) Sample(int type, byte[] data, int bufferWidth, int x, int row)
        {
            int stride = Fb.RowBytes(type, bufferWidth);
            if (type == 0)
            {
                int g = row * stride + x / 4 * 6;
                int[] yAt = { 1, 3, 4, 5 };
                return (data[g + yAt[x % 4]], (sbyte)data[g], (sbyte)data[g + 2]);
            }
            else
            {
                int g = row * stride + x / 2 * 4;
                int u = type == 2 ? (sbyte)(byte)(data[g] - 0x80) : (sbyte)data[g];
                int v = type == 2 ? (sbyte)(byte)(data[g + 2] - 0x80) : (sbyte)data[g + 2];
                return (data[g + (x % 2 == 0 ? 1 : 3)], u, v);
            }
        }

        /// <summary>RGB(A) of a YUV buffer; overlay: YUV8B transparency rule for alpha.</summary>
        public static byte[] Yuv(Fb fb, bool half, int bpp, bool overlay = false)
        {
            int w = OutWidth(fb.VisibleWidth, half), h = fb.VisibleHeight;
            var o = new byte[w * h * bpp];
            for (int row = 0; row < h; row++)
                for (int x = 0; x < w; x++)
                {
                    int sx = SourceColumn(fb.Type, x, half);
                    var (yy, u, v) = Sample(fb.Type, fb.Data, fb.BufferWidth, sx, row);
                    var (r, g, b) = Rgb(yy, u, v);
                    int i = (row * w + x) * bpp;
                    o[i] = (byte)r; o[i + 1] = (byte)g; o[i + 2] = (byte)b;
                    if (bpp == 4)
                    {
                        int a = 255;
                        if (overlay && fb.Type == 2)
                        {
                            int gs = row * Fb.RowBytes(2, fb.BufferWidth) + sx / 2 * 4;
                            uint word = BitConverter.ToUInt32(fb.Data, gs);
                            if (word == 0x00800080) a = 0;
                        }
                        o[i + 3] = (byte)a;
                    }
                }
            return o;
        }

        private static readonly int[] Alpha2 = { 128, 171, 214, 255 };
        private static int S8(int v) => Math.Max(-128, Math.Min(127, v));

        /// <summary>RGBA of PAL8 pixel value p for a palette of the given type (§4.5).</summary>
        public static (int R, int G, int B, int A) PaletteColor(int type, byte[] pal, int p)
        {
            int lo = p & 15, hi = p >> 4;
            int y, u, v, a;
            switch (type)
            {
                case 1:
                case 2:
                    // entries A Y U V
                    a = (pal[lo * 4] + pal[hi * 4]) >> 1;
                    if (type == 2) a = Alpha2[a & 3];
                    y = Math.Min(255, pal[lo * 4 + 1] + pal[hi * 4 + 1]);
                    u = S8((sbyte)pal[lo * 4 + 2] + (sbyte)pal[hi * 4 + 2]);
                    v = S8((sbyte)pal[lo * 4 + 3] + (sbyte)pal[hi * 4 + 3]);
                    if (type == 1 && lo == 0) u = v = 0;
                    break;
                case 4:
                    // entries V U Y A
                    if (p == 0) return (0, 0, 0, 0);
                    v = S8((sbyte)pal[lo * 4] + (sbyte)pal[hi * 4]);
                    u = S8((sbyte)pal[lo * 4 + 1] + (sbyte)pal[hi * 4 + 1]);
                    y = Math.Min(255, pal[lo * 4 + 2] + pal[hi * 4 + 2]);
                    a = Alpha2[((pal[lo * 4 + 3] + pal[hi * 4 + 3]) >> 1) & 3];
                    break;
                case 3:
                case 5:
                    if (p == 0) return (0, 0, 0, 0);
                    v = (sbyte)pal[p * 4];
                    u = (sbyte)pal[p * 4 + 1];
                    y = pal[p * 4 + 2];
                    a = Alpha2[(type == 5 ? pal[p * 4 + 3] >> 4 : pal[p * 4 + 3]) & 3];
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(type));
            }
            var (r, g, b) = Rgb(y, u, v);
            return (r, g, b, a);
        }

        public static byte[] Pal8(Fb fb, int type, byte[] pal, bool half)
        {
            int w = OutWidth(fb.VisibleWidth, half), h = fb.VisibleHeight;
            var o = new byte[w * h * 4];
            for (int row = 0; row < h; row++)
                for (int x = 0; x < w; x++)
                {
                    var (r, g, b, a) = PaletteColor(type, pal, fb.Data[row * fb.BufferWidth + SourceColumn(1, x, half)]);
                    int i = (row * w + x) * 4;
                    o[i] = (byte)r; o[i + 1] = (byte)g; o[i + 2] = (byte)b; o[i + 3] = (byte)a;
                }
            return o;
        }
    }
}
