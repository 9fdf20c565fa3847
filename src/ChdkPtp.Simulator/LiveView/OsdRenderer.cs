using System;
using System.Globalization;
using ChdkPtp.Simulator.Imaging;

namespace ChdkPtp.Simulator.LiveView
{
    /// <summary>Colours of the simulated on-screen display, before they become palette indices or YUV.</summary>
    internal enum OsdColor : byte
    {
        Transparent = 0,
        /// <summary>Black, half see-through (palette alpha code 0 → 128; opacity 128).</summary>
        Shade,
        /// <summary>Dark grey, lightly see-through (palette alpha code 1 → 171; opacity 171).</summary>
        LightShade,
        White,
        Black,
        Grey,
        Red,
        Green,
        Blue,
        Cyan,
        Yellow,
        /// <summary>Fills the buffer columns past the visible width: a decoder should never show it.</summary>
        Padding,
        Count,
    }

    /// <summary>What the overlay shows; two equal states draw the same overlay.</summary>
    internal sealed class OsdState : IEquatable<OsdState>
    {
        public bool Record;
        public int CaptureMode;
        public bool HalfPressed;
        public bool Raw;
        public string Exposure;
        public string Clock;
        /// <summary>Playback: the image shown (0 = none).</summary>
        public int ImageNumber;

        public bool Equals(OsdState o) =>
            o != null && Record == o.Record && CaptureMode == o.CaptureMode && HalfPressed == o.HalfPressed && Raw == o.Raw
            && ImageNumber == o.ImageNumber && Exposure == o.Exposure && Clock == o.Clock;

        public override bool Equals(object obj) => Equals(obj as OsdState);

        public override int GetHashCode() => (Clock ?? "").GetHashCode() ^ ImageNumber;
    }

    /// <summary>
    /// The camera's UI overlay: Canon's and CHDK's on-screen display drawn on CHDK's 360×240 screen (a shooting-mode
    /// box, battery and RAW indicators, the AF frame that turns green on a half press, the exposure line and CHDK's
    /// clock; in playback the file number, the shot's exposure and the clock, or "NO IMAGE"), then written out as
    /// the camera's bitmap buffer: PAL8 indices into a type-3 palette (each screen pixel two bytes wide, as CHDK's
    /// aspect correction draws it) or YUV8B with an opacity plane (each screen pixel 2×2).
    /// </summary>
    internal sealed class OsdRenderer
    {
        public const int ScreenWidth = 360, ScreenHeight = 240;

        private static readonly byte[] s_paletteIndex = BuildPaletteIndices();
        private static readonly byte[] s_palette = BuildPalette();

        private readonly byte[] _screen = new byte[ScreenWidth * ScreenHeight];

        /// <summary>The type-3 palette: 256 entries of V, U, Y, A bytes (the camera's 32-bit 0xAAYYUUVV words). Entry 0 is
        /// transparent by the type's rule; A's low two bits give alpha 128, 171, 214 or 255. CHDK's own colours sit at
        /// 0xD0 onwards as on ports that load them into Canon's palette (CHDK_COLOR_BASE); unused entries hold a grey ramp.</summary>
        public static byte[] Palette => s_palette;

        /// <summary>The palette index of a colour.</summary>
        public static byte PaletteIndex(OsdColor c) => s_paletteIndex[(int)c];

        /// <summary>Draws the overlay for <paramref name="state"/> on the 360×240 screen.</summary>
        public void Draw(OsdState s)
        {
            Array.Clear(_screen, 0, _screen.Length);
            if (s.Record)
            {
                string mode = ModeName(s.CaptureMode);
                int mw = BitmapFont.MeasureWidth(mode, 2);
                Fill(6, 6, mw + 8, 22, OsdColor.Shade);
                Text(10, 10, mode, 2, OsdColor.White);

                Fill(ScreenWidth - 64, 6, 58, 13, OsdColor.LightShade);
                Fill(ScreenWidth - 60, 9, 14, 7, OsdColor.Green);   // battery symbol
                Fill(ScreenWidth - 46, 11, 2, 3, OsdColor.Green);
                Text(ScreenWidth - 40, 9, "100%", 1, OsdColor.White);
                if (s.Raw) Text(ScreenWidth - 26, 24, "RAW", 1, OsdColor.Red);

                // Canon's AF frame, green once focus is locked by a half press
                var af = s.HalfPressed ? OsdColor.Green : OsdColor.White;
                Frame(ScreenWidth / 2 - 32, ScreenHeight / 2 - 24, 64, 48, 2, af);

                Box(6, ScreenHeight - 22, s.Exposure, OsdColor.LightShade, OsdColor.White);
                Box(ScreenWidth - 6 - BitmapFont.MeasureWidth(s.Clock, 1) - 6, ScreenHeight - 22, s.Clock, OsdColor.Shade, OsdColor.Yellow);
            }
            else
            {
                if (s.ImageNumber > 0)
                {
                    Box(6, 6, "100-" + s.ImageNumber.ToString("D4", CultureInfo.InvariantCulture), OsdColor.Shade, OsdColor.White);
                    Box(6, ScreenHeight - 22, s.Exposure, OsdColor.LightShade, OsdColor.White);
                }
                else
                {
                    const string none = "NO IMAGE";
                    int w = BitmapFont.MeasureWidth(none, 2);
                    Text((ScreenWidth - w) / 2, (ScreenHeight - 14) / 2, none, 2, OsdColor.White);
                }
                Box(ScreenWidth - 6 - BitmapFont.MeasureWidth(s.Clock, 1) - 6, 6, s.Clock, OsdColor.Shade, OsdColor.Cyan);
            }
        }

        /// <summary>Writes the screen as PAL8 (each screen pixel two bytes across, rows of <paramref name="g"/>'s stride).</summary>
        public void WritePal8(FramebufferGeometry g, byte[] dest)
        {
            byte padding = PaletteIndex(OsdColor.Padding);
            for (int y = 0; y < g.VisibleHeight; y++)
            {
                int o = y * g.Stride;
                int sy = Math.Min(ScreenHeight - 1, y * ScreenHeight / g.VisibleHeight);
                for (int x = 0; x < g.VisibleWidth; x++)
                    dest[o + x] = s_paletteIndex[_screen[sy * ScreenWidth + x * ScreenWidth / g.VisibleWidth]];
                for (int x = g.VisibleWidth; x < g.BufferWidth; x++) dest[o + x] = padding;
            }
        }

        /// <summary>Writes the screen as YUV8B (transparent pixels as the word 0x00800080) and, if
        /// <paramref name="opacity"/> is given, its OPACITY8 plane.</summary>
        public void WriteYuv8B(FramebufferGeometry g, byte[] dest, FramebufferGeometry og, byte[] opacity)
        {
            for (int y = 0; y < g.VisibleHeight; y++)
            {
                int o = y * g.Stride;
                int sy = Math.Min(ScreenHeight - 1, y * ScreenHeight / g.VisibleHeight);
                for (int x = 0; x < g.BufferWidth; x += 2)
                {
                    var c = x < g.VisibleWidth ? (OsdColor)_screen[sy * ScreenWidth + x * ScreenWidth / g.VisibleWidth] : OsdColor.Padding;
                    var (yy, u, v, _) = s_yuva[(int)c];
                    dest[o + x * 2] = u;
                    dest[o + x * 2 + 1] = yy;
                    dest[o + x * 2 + 2] = v;
                    dest[o + x * 2 + 3] = yy;
                }
            }
            if (opacity == null) return;
            for (int y = 0; y < og.VisibleHeight; y++)
            {
                int o = y * og.Stride;
                int sy = Math.Min(ScreenHeight - 1, y * ScreenHeight / og.VisibleHeight);
                for (int x = 0; x < og.BufferWidth; x++)
                {
                    var c = x < og.VisibleWidth ? (OsdColor)_screen[sy * ScreenWidth + x * ScreenWidth / og.VisibleWidth] : OsdColor.Padding;
                    opacity[o + x] = s_yuva[(int)c].A;
                }
            }
        }

        private static string ModeName(int captureMode)
        {
            switch (captureMode)
            {
                case 1: return "AUTO";
                case 2: return "P";
                case 3: return "TV";
                case 4: return "AV";
                case 5: return "M";
                case 6: return "PORTRAIT";
                case 7: return "NIGHT";
                case 8: return "LANDSCAPE";
                case 9: return "VIDEO";
                default: return "SCN";
            }
        }

        private void Fill(int x, int y, int w, int h, OsdColor c)
        {
            int x0 = Math.Max(0, x), y0 = Math.Max(0, y), x1 = Math.Min(ScreenWidth, x + w), y1 = Math.Min(ScreenHeight, y + h);
            for (int yy = y0; yy < y1; yy++)
                for (int xx = x0; xx < x1; xx++) _screen[yy * ScreenWidth + xx] = (byte)c;
        }

        private void Frame(int x, int y, int w, int h, int t, OsdColor c)
        {
            Fill(x, y, w, t, c);
            Fill(x, y + h - t, w, t, c);
            Fill(x, y, t, h, c);
            Fill(x + w - t, y, t, h, c);
        }

        private void Text(int x, int y, string text, int scale, OsdColor c) =>
            BitmapFont.Draw(x, y, text, scale, (fx, fy, fw, fh) => Fill(fx, fy, fw, fh, c));

        private void Box(int x, int y, string text, OsdColor back, OsdColor fore)
        {
            if (string.IsNullOrEmpty(text)) return;
            Fill(x, y, BitmapFont.MeasureWidth(text, 1) + 6, 13, back);
            Text(x + 3, y + 3, text, 1, fore);
        }

        // ------------------------------------------------------------------------------------------
        // colours

        private static (byte R, byte G, byte B, int AlphaCode) Rgb(OsdColor c)
        {
            switch (c)
            {
                case OsdColor.Shade: return (0, 0, 0, 0);
                case OsdColor.LightShade: return (48, 48, 48, 1);
                case OsdColor.White: return (255, 255, 255, 3);
                case OsdColor.Black: return (20, 20, 20, 3);
                case OsdColor.Grey: return (128, 128, 128, 3);
                case OsdColor.Red: return (230, 30, 30, 3);
                case OsdColor.Green: return (40, 210, 60, 3);
                case OsdColor.Blue: return (40, 70, 230, 3);
                case OsdColor.Cyan: return (40, 220, 230, 3);
                case OsdColor.Yellow: return (250, 230, 40, 3);
                case OsdColor.Padding: return (255, 0, 255, 3);
                default: return (0, 0, 0, 0);
            }
        }

        private static readonly (byte Y, byte U, byte V, byte A)[] s_yuva = BuildYuva();

        // Digic 6 overlay colours: U and V offset by 128; transparent is U=0x80 Y=0 V=0x80 with opacity 0 (chdkptp's
        // transparency rule); dark colours keep Y above 0 so they never read as transparent.
        private static (byte, byte, byte, byte)[] BuildYuva()
        {
            var t = new (byte, byte, byte, byte)[(int)OsdColor.Count];
            byte[] alpha = { 128, 171, 214, 255 };
            for (int i = 0; i < t.Length; i++)
            {
                var c = (OsdColor)i;
                if (c == OsdColor.Transparent) { t[i] = (0, 0x80, 0x80, 0); continue; }
                var (r, g, b, a) = Rgb(c);
                int y = Math.Max(16, Yuv.Y(r, g, b));
                t[i] = ((byte)y, (byte)(Yuv.U(r, g, b) + 128), (byte)(Yuv.V(r, g, b) + 128), alpha[a]);
            }
            return t;
        }

        private static byte[] BuildPaletteIndices()
        {
            var t = new byte[(int)OsdColor.Count];
            t[(int)OsdColor.Transparent] = 0x00;
            t[(int)OsdColor.White] = 0x01;
            t[(int)OsdColor.Grey] = 0x0E;
            t[(int)OsdColor.Shade] = 0x10;
            t[(int)OsdColor.LightShade] = 0x11;
            t[(int)OsdColor.Black] = 0xFF;
            t[(int)OsdColor.Red] = 0xD0;
            t[(int)OsdColor.Green] = 0xD3;
            t[(int)OsdColor.Blue] = 0xD6;
            t[(int)OsdColor.Cyan] = 0xD8;
            t[(int)OsdColor.Padding] = 0xD9;
            t[(int)OsdColor.Yellow] = 0xDA;
            return t;
        }

        private static byte[] BuildPalette()
        {
            var p = new byte[256 * 4];
            for (int i = 1; i < 256; i++)
            {
                // filler: a grey ramp, opaque
                p[i * 4] = 0;
                p[i * 4 + 1] = 0;
                p[i * 4 + 2] = (byte)i;
                p[i * 4 + 3] = 3;
            }
            for (int i = 1; i < (int)OsdColor.Count; i++)
            {
                var (r, g, b, a) = Rgb((OsdColor)i);
                int e = s_paletteIndex[i] * 4;
                p[e] = (byte)(sbyte)Yuv.V(r, g, b);
                p[e + 1] = (byte)(sbyte)Yuv.U(r, g, b);
                p[e + 2] = (byte)Yuv.Y(r, g, b);
                p[e + 3] = (byte)a;
            }
            return p; // entry 0 stays all zero
        }
    }
}
