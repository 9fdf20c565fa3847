using System;
using System.Runtime.CompilerServices;

namespace ChdkPtp.Protocol.Chdk.LiveView
{
    /// <summary>
    /// Pixel conversion of live-view frame buffers to RGB / RGBA with CHDK's integer YUV math
    /// (R = clip(((Y&lt;&lt;12) + V·5743 + 2048) &gt;&gt; 12), G = clip(((Y&lt;&lt;12) − U·1411 − V·2925 + 2048) &gt;&gt; 12),
    /// B = clip(((Y&lt;&lt;12) + U·7258 + 2048) &gt;&gt; 12), Y unsigned, U and V signed, arithmetic shifts).
    /// Output rows are top-down and unpadded. <see cref="LiveFrame"/> uses these after checking the payload; they
    /// are public for callers that decode into their own buffers.
    /// </summary>
    /// <remarks>
    /// Speed: (4096·Y + c) &gt;&gt; 12 equals Y + (c &gt;&gt; 12) for any integer c, so each group of pixels that shares
    /// U and V computes three chroma offsets once and every pixel is then Y + offset, clipped through a table:
    /// three additions and three table reads per pixel instead of four multiplications and three clamps, with
    /// results identical to the formula.
    /// </remarks>
    public static class LiveViewDecoder
    {
        private const int ClipOffset = 384;
        // Y + offset lies in [-227, 480] (offsets from int8 chroma); the table covers [-384, 639].
        private static readonly byte[] Clip = BuildClip();

        /// <summary>Opacity values of palette alpha codes 0..3 (types 2 to 5).</summary>
        private static readonly byte[] Alpha2 = { 128, 171, 214, 255 };

        private static byte[] BuildClip()
        {
            var t = new byte[1024];
            for (int i = 0; i < t.Length; i++) t[i] = (byte)Math.Max(0, Math.Min(255, i - ClipOffset));
            return t;
        }

        /// <summary>One pixel with the exact formula: <paramref name="y"/> 0..255, <paramref name="u"/> and <paramref name="v"/> −128..127.</summary>
        public static void YuvToRgb(int y, int u, int v, out byte r, out byte g, out byte b)
        {
            r = Clamp(((y << 12) + v * 5743 + 2048) >> 12);
            g = Clamp(((y << 12) - u * 1411 - v * 2925 + 2048) >> 12);
            b = Clamp(((y << 12) + u * 7258 + 2048) >> 12);
        }

        private static byte Clamp(int v) => v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;

        /// <summary>Width of the decoded image: the visible width, halved (rounded down) with 2:1 pixel-aspect correction.</summary>
        /// <remarks>A visible width of 1 stays 1.</remarks>
        public static int OutputWidth(int visibleWidth, bool halfWidth) => halfWidth && visibleWidth > 1 ? visibleWidth / 2 : visibleWidth;

        /// <summary>Bytes of source row a decode of <paramref name="visibleWidth"/> pixels reads (whole chroma groups).</summary>
        public static int SourceRowBytesUsed(LiveFramebufferType type, int visibleWidth, bool halfWidth)
        {
            int outW = OutputWidth(visibleWidth, halfWidth);
            if (outW == 0) return 0;
            switch (type)
            {
                case LiveFramebufferType.Yuv8: return (halfWidth ? (outW + 1) / 2 : (outW + 3) / 4) * 6;
                case LiveFramebufferType.Yuv8B:
                case LiveFramebufferType.Yuv8C: return (halfWidth ? outW : (outW + 1) / 2) * 4;
                case LiveFramebufferType.Pal8:
                case LiveFramebufferType.Opacity8: return halfWidth ? 2 * outW - 1 : outW;
                default: throw new ArgumentOutOfRangeException(nameof(type), type, "Not a frame-buffer type.");
            }
        }

        private static void CheckBuffers(LiveFramebufferType type, int sourceLength, int rowBytes, int visibleWidth, int height, bool halfWidth,
            int destinationLength, int bytesPerPixel)
        {
            if (visibleWidth < 0) throw new ArgumentOutOfRangeException(nameof(visibleWidth));
            if (height < 0) throw new ArgumentOutOfRangeException(nameof(height));
            if (bytesPerPixel != 3 && bytesPerPixel != 4) throw new ArgumentOutOfRangeException(nameof(bytesPerPixel), "3 (RGB) or 4 (RGBA).");
            if (height == 0 || visibleWidth == 0) return;
            int used = SourceRowBytesUsed(type, visibleWidth, halfWidth);
            if (rowBytes < used) throw new ArgumentException($"A row of {rowBytes} bytes is shorter than the {used} bytes {visibleWidth} pixels need.", nameof(rowBytes));
            if ((long)rowBytes * (height - 1) + used > sourceLength) throw new ArgumentException("The source is shorter than its rows.", "source");
            long need = (long)OutputWidth(visibleWidth, halfWidth) * height * bytesPerPixel;
            if (need > destinationLength) throw new ArgumentException($"The destination needs {need} bytes.", "destination");
        }

        /// <summary>
        /// Decodes YUV8 (<c>U Y0 V Y1 Y2 Y3</c>, signed chroma), YUV8B (<c>U Y0 V Y1</c>, chroma offset 128) or YUV8C
        /// (<c>U Y0 V Y1</c>, signed chroma) rows to RGB (<paramref name="bytesPerPixel"/> 3) or opaque RGBA (4).
        /// With <paramref name="halfWidth"/> (2:1 pixel aspect), YUV8 keeps Y0 and Y1 of each group and YUV8B/C keep Y0.
        /// </summary>
        public static void DecodeYuv(LiveFramebufferType type, ReadOnlySpan<byte> source, int rowBytes, int visibleWidth, int height, bool halfWidth,
            Span<byte> destination, int bytesPerPixel)
            => DecodeYuv(type, source, rowBytes, visibleWidth, height, halfWidth, destination, bytesPerPixel, false);

        /// <summary>
        /// The Digic 6 overlay: YUV8B rows to RGBA where a group whose bytes are <c>80 00 80 00</c> (the little-endian word
        /// 0x00800080: black, neutral chroma) is transparent (alpha 0) and every other group opaque.
        /// </summary>
        public static void DecodeYuvOverlay(LiveFramebufferType type, ReadOnlySpan<byte> source, int rowBytes, int visibleWidth, int height, bool halfWidth,
            Span<byte> destination)
            => DecodeYuv(type, source, rowBytes, visibleWidth, height, halfWidth, destination, 4, type == LiveFramebufferType.Yuv8B);

        /// <summary>The chroma terms of a pixel group, U at p[0] and V at p[2]: signed bytes (<paramref name="chromaBias"/>
        /// 0, YUV8 and YUV8C) or offset by 128 (YUV8B). Each pixel then is clip(Y + term) per channel.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void Chroma(byte* p, int chromaBias, out int dr, out int dg, out int db)
        {
            int u, v;
            if (chromaBias == 0) { u = (sbyte)p[0]; v = (sbyte)p[2]; }
            else { u = p[0] - chromaBias; v = p[2] - chromaBias; }
            dr = (v * 5743 + 2048) >> 12;
            dg = (-u * 1411 - v * 2925 + 2048) >> 12;
            db = (u * 7258 + 2048) >> 12;
        }

        /// <summary>The Digic 6 overlay's transparent word 0x00800080 (U 0x80, Y 0, V 0x80, Y 0).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe bool IsTransparentBlack(byte* p) => p[0] == 0x80 && p[1] == 0 && p[2] == 0x80 && p[3] == 0;

        private static unsafe void DecodeYuv(LiveFramebufferType type, ReadOnlySpan<byte> source, int rowBytes, int visibleWidth, int height, bool halfWidth,
            Span<byte> destination, int bpp, bool transparentBlack)
        {
            if (type != LiveFramebufferType.Yuv8 && type != LiveFramebufferType.Yuv8B && type != LiveFramebufferType.Yuv8C)
                throw new ArgumentOutOfRangeException(nameof(type), type, "Not a YUV frame-buffer type.");
            CheckBuffers(type, source.Length, rowBytes, visibleWidth, height, halfWidth, destination.Length, bpp);
            int outW = OutputWidth(visibleWidth, halfWidth);
            if (outW == 0 || height == 0) return;
            bool yuv8 = type == LiveFramebufferType.Yuv8;
            int chromaBias = type == LiveFramebufferType.Yuv8B ? 128 : 0;
            // Y sample positions inside a group, and how many of them this mode emits.
            int perGroup = yuv8 ? (halfWidth ? 2 : 4) : (halfWidth ? 1 : 2);
            int groupBytes = yuv8 ? 6 : 4;
            int fullGroups = outW / perGroup;
            int tail = outW % perGroup;
            int outRow = outW * bpp;
            fixed (byte* src0 = source)
            fixed (byte* dst0 = destination)
            fixed (byte* clipBase = Clip)
            {
                byte* clip = clipBase + ClipOffset;
                for (int row = 0; row < height; row++)
                {
                    byte* p = src0 + (long)row * rowBytes;
                    byte* o = dst0 + (long)row * outRow;
                    int gi = 0;
                    if (yuv8 && perGroup == 4 && bpp == 3)
                    {
                        // The common case (pre-Digic 6 viewport to RGB) without the per-group mode tests.
                        for (; gi < fullGroups; gi++, p += 6, o += 12)
                        {
                            Chroma(p, 0, out int dr, out int dg, out int db);
                            byte* cr = clip + dr, cg = clip + dg, cb = clip + db;
                            int y0 = p[1], y1 = p[3], y2 = p[4], y3 = p[5];
                            o[0] = cr[y0]; o[1] = cg[y0]; o[2] = cb[y0];
                            o[3] = cr[y1]; o[4] = cg[y1]; o[5] = cb[y1];
                            o[6] = cr[y2]; o[7] = cg[y2]; o[8] = cb[y2];
                            o[9] = cr[y3]; o[10] = cg[y3]; o[11] = cb[y3];
                        }
                    }
                    else if (!yuv8 && perGroup == 2 && bpp == 3)
                    {
                        // Digic 6 viewport to RGB.
                        for (; gi < fullGroups; gi++, p += 4, o += 6)
                        {
                            Chroma(p, chromaBias, out int dr, out int dg, out int db);
                            byte* cr = clip + dr, cg = clip + dg, cb = clip + db;
                            int y0 = p[1], y1 = p[3];
                            o[0] = cr[y0]; o[1] = cg[y0]; o[2] = cb[y0];
                            o[3] = cr[y1]; o[4] = cg[y1]; o[5] = cb[y1];
                        }
                    }
                    for (; gi < fullGroups; gi++, p += groupBytes)
                    {
                        Chroma(p, chromaBias, out int dr, out int dg, out int db);
                        byte a = transparentBlack && IsTransparentBlack(p) ? (byte)0 : (byte)255;
                        if (bpp == 3)
                        {
                            int y = p[1];
                            o[0] = clip[y + dr]; o[1] = clip[y + dg]; o[2] = clip[y + db];
                            if (perGroup == 1) { o += 3; continue; }
                            y = p[3];
                            o[3] = clip[y + dr]; o[4] = clip[y + dg]; o[5] = clip[y + db];
                            if (perGroup == 2) { o += 6; continue; }
                            y = p[4];
                            o[6] = clip[y + dr]; o[7] = clip[y + dg]; o[8] = clip[y + db];
                            y = p[5];
                            o[9] = clip[y + dr]; o[10] = clip[y + dg]; o[11] = clip[y + db];
                            o += 12;
                        }
                        else
                        {
                            int y = p[1];
                            o[0] = clip[y + dr]; o[1] = clip[y + dg]; o[2] = clip[y + db]; o[3] = a;
                            if (perGroup == 1) { o += 4; continue; }
                            y = p[3];
                            o[4] = clip[y + dr]; o[5] = clip[y + dg]; o[6] = clip[y + db]; o[7] = a;
                            if (perGroup == 2) { o += 8; continue; }
                            y = p[4];
                            o[8] = clip[y + dr]; o[9] = clip[y + dg]; o[10] = clip[y + db]; o[11] = a;
                            y = p[5];
                            o[12] = clip[y + dr]; o[13] = clip[y + dg]; o[14] = clip[y + db]; o[15] = a;
                            o += 16;
                        }
                    }
                    if (tail > 0)
                    {
                        // The last, partly visible group: its first pixels only.
                        Chroma(p, chromaBias, out int dr, out int dg, out int db);
                        byte a = transparentBlack && IsTransparentBlack(p) ? (byte)0 : (byte)255;
                        for (int k = 0; k < tail; k++)
                        {
                            int y = p[k == 0 ? 1 : k == 1 ? 3 : 4];
                            o[0] = clip[y + dr]; o[1] = clip[y + dg]; o[2] = clip[y + db];
                            if (bpp == 4) o[3] = a;
                            o += bpp;
                        }
                    }
                }
            }
        }

        /// <summary>Decodes PAL8 rows (one palette index per pixel) to RGBA through a 256-entry RGBA table (<see cref="PaletteToRgba"/>); with <paramref name="halfWidth"/> every other pixel.</summary>
        public static void DecodePal8(ReadOnlySpan<byte> source, int rowBytes, int visibleWidth, int height, bool halfWidth,
            ReadOnlySpan<byte> paletteRgba, Span<byte> destination)
        {
            if (paletteRgba.Length < 1024) throw new ArgumentException("The palette table holds 256 RGBA entries (1024 bytes).", nameof(paletteRgba));
            CheckBuffers(LiveFramebufferType.Pal8, source.Length, rowBytes, visibleWidth, height, halfWidth, destination.Length, 4);
            int outW = OutputWidth(visibleWidth, halfWidth);
            int step = halfWidth ? 2 : 1;
            var table = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(paletteRgba);
            var dst = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(destination.Slice(0, outW * height * 4));
            for (int row = 0; row < height; row++)
            {
                var src = source.Slice(row * rowBytes);
                var o = dst.Slice(row * outW, outW);
                for (int x = 0, s = 0; x < outW; x++, s += step) o[x] = table[src[s]];
            }
        }

        /// <summary>
        /// Replaces the alpha of an RGBA image (<paramref name="width"/>×<paramref name="height"/>) by an OPACITY8 plane, where
        /// the plane covers the image; with <paramref name="halfWidth"/> output pixel x takes the plane's pixel 2x.
        /// </summary>
        public static void ApplyOpacity(ReadOnlySpan<byte> opacity, int rowBytes, int opacityWidth, int opacityHeight, bool halfWidth,
            Span<byte> rgba, int width, int height)
        {
            if (rgba.Length < (long)width * height * 4) throw new ArgumentException("The image is shorter than width·height·4.", nameof(rgba));
            int step = halfWidth ? 2 : 1;
            int w = Math.Min(width, halfWidth ? (opacityWidth + 1) / 2 : opacityWidth);
            int h = Math.Min(height, opacityHeight);
            if (w <= 0 || h <= 0) return;
            if ((long)rowBytes * (h - 1) + (long)(w - 1) * step + 1 > opacity.Length) throw new ArgumentException("The opacity plane is shorter than its rows.", nameof(opacity));
            for (int y = 0; y < h; y++)
            {
                var src = opacity.Slice(y * rowBytes);
                var o = rgba.Slice(y * width * 4);
                for (int x = 0, s = 0; x < w; x++, s += step) o[x * 4 + 3] = src[s];
            }
        }

        /// <summary>Entries in a palette of <paramref name="paletteType"/> (16 or 256), 0 for type 0 and unknown types.</summary>
        public static int PaletteEntries(int paletteType)
        {
            switch (paletteType)
            {
                case 1: case 2: case 4: return 16;
                case 3: case 5: return 256;
                default: return 0;
            }
        }

        /// <summary>
        /// The Canon palette chdkptp uses when a frame has none (type 1, 16 entries of A Y U V, from an A540 in playback
        /// mode): PAL8 overlays of frames sent without a palette decode with it, as in chdkptp.
        /// </summary>
        public static ReadOnlySpan<byte> DefaultPalette => DefaultPaletteBytes;

        private static readonly byte[] DefaultPaletteBytes = Hex(
            "00000000ffe00000ff60ee62ffb900007f000000ff7ea1b3ffccb85eff5f0000" +
            "ff94c55dff8a50b0ff4b3dd47f2800007f007be2ff300000ff690000ff000000");

        private static byte[] Hex(string s)
        {
            var b = new byte[s.Length / 2];
            for (int i = 0; i < b.Length; i++) b[i] = Convert.ToByte(s.Substring(2 * i, 2), 16);
            return b;
        }

        /// <summary>
        /// The RGBA colour of each of the 256 pixel values of a PAL8 buffer (1024 bytes, R G B A per value) for a palette
        /// of <paramref name="paletteType"/> 1..5; type 0, an unknown type or an empty palette give <see cref="DefaultPalette"/>
        /// read as type 1. Types 1, 2 and 4 have 16 entries and a pixel byte names two of them (low and high nibble),
        /// whose values are summed and clamped; types 3 and 5 have 256. Alpha: type 1 the mean of the two entries'
        /// alpha, types 2 and 4 {128,171,214,255}[mean &amp; 3], type 3 the same table of a &amp; 3, type 5 of (a &gt;&gt; 4) &amp; 3;
        /// pixel 0 of types 3, 4 and 5 is transparent black, and pixel values with a low nibble of 0 are grey in type 1.
        /// </summary>
        public static byte[] PaletteToRgba(int paletteType, ReadOnlySpan<byte> palette)
        {
            int entries = PaletteEntries(paletteType);
            if (entries == 0 || palette.IsEmpty)
            {
                paletteType = 1;
                palette = DefaultPaletteBytes;
                entries = 16;
            }
            if (palette.Length < entries * 4)
                throw new ArgumentException($"A type {paletteType} palette holds {entries * 4} bytes; {palette.Length} given.", nameof(palette));
            var t = new byte[1024];
            for (int px = 0; px < 256; px++)
            {
                int o = px * 4;
                int a, y, u, v;
                switch (paletteType)
                {
                    case 1:
                    case 2:
                    {
                        // A Y U V: a, y unsigned; u, v signed.
                        int e1 = (px & 0xF) * 4, e2 = (px >> 4) * 4;
                        int mean = (palette[e1] + palette[e2]) >> 1;
                        y = Math.Min(255, palette[e1 + 1] + palette[e2 + 1]);
                        if (paletteType == 1 && (px & 0xF) == 0) { u = 0; v = 0; }
                        else
                        {
                            u = ClampS8((sbyte)palette[e1 + 2] + (sbyte)palette[e2 + 2]);
                            v = ClampS8((sbyte)palette[e1 + 3] + (sbyte)palette[e2 + 3]);
                        }
                        a = paletteType == 1 ? mean : Alpha2[mean & 3];
                        break;
                    }
                    case 4:
                    {
                        // V U Y A, two nibbles.
                        if (px == 0) continue;
                        int e1 = (px & 0xF) * 4, e2 = (px >> 4) * 4;
                        v = ClampS8((sbyte)palette[e1] + (sbyte)palette[e2]);
                        u = ClampS8((sbyte)palette[e1 + 1] + (sbyte)palette[e2 + 1]);
                        y = Math.Min(255, palette[e1 + 2] + palette[e2 + 2]);
                        a = Alpha2[((palette[e1 + 3] + palette[e2 + 3]) >> 1) & 3];
                        break;
                    }
                    default:
                    {
                        // Types 3 and 5: V U Y A, 256 entries.
                        if (px == 0) continue;
                        v = (sbyte)palette[o];
                        u = (sbyte)palette[o + 1];
                        y = palette[o + 2];
                        a = Alpha2[(paletteType == 5 ? palette[o + 3] >> 4 : palette[o + 3]) & 3];
                        break;
                    }
                }
                YuvToRgb(y, u, v, out t[o], out t[o + 1], out t[o + 2]);
                t[o + 3] = (byte)a;
            }
            return t;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int ClampS8(int v) => v > 127 ? 127 : v < -128 ? -128 : v;
    }
}
