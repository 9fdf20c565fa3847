using System;
using System.Collections.Generic;
using System.Globalization;

namespace ChdkPtp.Simulator.Imaging
{
    /// <summary>What one synthetic frame shows: a label (e.g. <c>IMG_0042</c>), the camera time, an
    /// optional info line, and how much light reached the sensor.</summary>
    public sealed class SceneInfo
    {
        /// <summary>First text line, e.g. the image file name or a live-view frame number.</summary>
        public string Label { get; set; } = "";

        /// <summary>The camera clock when the frame was taken (local time, milliseconds used); also moves the marker.</summary>
        public DateTime Time { get; set; }

        /// <summary>Optional third text line (exposure settings, say). Null or empty: none.</summary>
        public string Info { get; set; }

        /// <summary>Linear exposure factor: 1 = nominal, 2 = one stop brighter. Applies to the chart, not the text box.</summary>
        public double Gain { get; set; } = 1.0;

        /// <summary>The text lines the renderer burns in, top to bottom.</summary>
        public IReadOnlyList<string> Lines
        {
            get
            {
                var lines = new List<string> { Label ?? "", Time.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) };
                if (!string.IsNullOrEmpty(Info)) lines.Add(Info);
                return lines;
            }
        }
    }

    /// <summary>
    /// Draws a test chart: colour bars, a grey ramp, red/green/blue ramps, a grid with a marker that moves with
    /// the time and a patch whose colour follows the label, and a black box with the label, the time and an info
    /// line burnt in. Any size works (a 640×480 JPEG, a 1024×768 raw sensor area, a small live-view frame), so
    /// every shot or frame differs and can be told apart by reading its text back.
    /// </summary>
    public static class SceneRenderer
    {
        private static readonly byte[][] s_bars =
        {
            new byte[] { 235, 235, 235 }, new byte[] { 235, 235, 16 }, new byte[] { 16, 235, 235 }, new byte[] { 16, 235, 16 },
            new byte[] { 235, 16, 235 }, new byte[] { 235, 16, 16 }, new byte[] { 16, 16, 235 }, new byte[] { 16, 16, 16 },
        };

        /// <summary>Renders a new image of the given size.</summary>
        public static RgbImage Render(int width, int height, SceneInfo info)
        {
            var image = new RgbImage(width, height);
            Render(image, info);
            return image;
        }

        /// <summary>Integer text scale for an image size (at least 1).</summary>
        public static int TextScale(int width, int height) => Math.Max(1, Math.Min(width / 200, height / 150));

        /// <summary>Where the text box lies, and where each line's text starts (for reading text back).</summary>
        public static TextLayout Layout(int width, int height, SceneInfo info)
        {
            int scale = TextScale(width, height);
            var lines = info.Lines;
            int pad = 2 * scale;
            int lineStep = (BitmapFont.CellHeight + 2) * scale;
            int textWidth = 0;
            foreach (var l in lines) textWidth = Math.Max(textWidth, BitmapFont.MeasureWidth(l, scale));
            int boxW = textWidth + 2 * pad;
            int boxH = lines.Count * lineStep - 2 * scale + 2 * pad;
            int margin = Math.Max(1, height / 40);
            int boxX = margin, boxY = Math.Max(0, height - boxH - margin);
            var origins = new (int X, int Y)[lines.Count];
            for (int i = 0; i < lines.Count; i++) origins[i] = (boxX + pad, boxY + pad + i * lineStep);
            return new TextLayout(scale, boxX, boxY, boxW, boxH, origins);
        }

        public static void Render(RgbImage image, SceneInfo info)
        {
            if (image == null) throw new ArgumentNullException(nameof(image));
            if (info == null) throw new ArgumentNullException(nameof(info));
            var lut = GainTable(info.Gain);
            RenderChart(image, lut);
            DrawMarker(image, info.Time, lut);
            DrawPatch(image, info.Label, lut);
            DrawTextBox(image, info);
        }

        /// <summary>
        /// The parts of the picture that neither the time nor the label change: colour bars, grey ramp, red/green/blue
        /// ramps and the grid. <see cref="Render"/> draws this, then the marker, the patch and the text box, in that
        /// order (live view draws the chart once and the rest per frame).
        /// </summary>
        public static void RenderChart(RgbImage image, byte[] lut)
        {
            if (image == null) throw new ArgumentNullException(nameof(image));
            if (lut == null || lut.Length != 256) throw new ArgumentException("A 256-entry table is needed.", nameof(lut));
            int w = image.Width, h = image.Height;
            int barsEnd = h * 30 / 100, greyEnd = h * 40 / 100, rampEnd = RampEnd(h);
            int rampStep = Math.Max(1, (rampEnd - greyEnd) / 3);
            var px = image.Pixels;
            for (int y = 0; y < h; y++)
            {
                int row = y * w * 3;
                for (int x = 0; x < w; x++)
                {
                    byte r, g, b;
                    if (y < barsEnd)
                    {
                        var c = s_bars[Math.Min(7, x * 8 / w)];
                        r = c[0]; g = c[1]; b = c[2];
                    }
                    else if (y < greyEnd)
                    {
                        r = g = b = (byte)(w == 1 ? 128 : x * 255 / (w - 1));
                    }
                    else if (y < rampEnd)
                    {
                        byte v = (byte)(w == 1 ? 128 : x * 255 / (w - 1));
                        int band = Math.Min(2, (y - greyEnd) / rampStep);
                        r = band == 0 ? v : (byte)0;
                        g = band == 1 ? v : (byte)0;
                        b = band == 2 ? v : (byte)0;
                    }
                    else
                    {
                        int cell = Math.Max(4, h / 16);
                        bool line = (x % cell) == 0 || ((y - rampEnd) % cell) == 0;
                        r = g = b = line ? (byte)170 : (byte)70;
                    }
                    int i = row + x * 3;
                    px[i] = lut[r];
                    px[i + 1] = lut[g];
                    px[i + 2] = lut[b];
                }
            }
        }

        private static int RampEnd(int h) => h * 58 / 100;

        /// <summary>The square marker that crosses the grid every four seconds: where it is at <paramref name="time"/>.</summary>
        public static (int X, int Y, int Size) MarkerRect(int width, int height, DateTime time)
        {
            int size = Math.Max(2, height / 10);
            int rampEnd = RampEnd(height);
            int lowTop = rampEnd + Math.Max(1, (height - rampEnd) / 8);
            long ms = (long)time.TimeOfDay.TotalMilliseconds;
            int mx = (int)((ms % 4000) * (width - size) / 4000);
            return (mx, lowTop, size);
        }

        public static void DrawMarker(RgbImage image, DateTime time, byte[] lut)
        {
            var (x, y, size) = MarkerRect(image.Width, image.Height, time);
            image.Fill(x, y, size, size, lut[250], lut[200], lut[40]);
        }

        /// <summary>The patch whose hue follows the label (so the picture, not only the text, differs per shot).</summary>
        public static (int X, int Y, int Size) PatchRect(int width, int height)
        {
            int patch = Math.Max(2, height / 6);
            int margin = Math.Max(1, height / 40);
            return (width - patch - margin, height - patch - margin, patch);
        }

        public static void DrawPatch(RgbImage image, string label, byte[] lut)
        {
            int hash = 0;
            foreach (char c in label ?? "") hash = hash * 31 + c;
            var (hr, hg, hb) = Hue((hash & 0x7FFFFFFF) % 360);
            var (x, y, size) = PatchRect(image.Width, image.Height);
            image.Fill(x, y, size, size, lut[hr], lut[hg], lut[hb]);
        }

        /// <summary>The black box with the text lines: not scaled by exposure, always readable.</summary>
        public static void DrawTextBox(RgbImage image, SceneInfo info)
        {
            var layout = Layout(image.Width, image.Height, info);
            image.Fill(layout.BoxX, layout.BoxY, layout.BoxWidth, layout.BoxHeight, 0, 0, 0);
            var lines = info.Lines;
            for (int i = 0; i < lines.Count; i++)
                BitmapFont.Draw(image, layout.LineOrigins[i].X, layout.LineOrigins[i].Y, lines[i], layout.Scale, 255, 255, 255);
        }

        /// <summary>sRGB byte → sRGB byte after multiplying the linear light by <paramref name="gain"/> (clipped).</summary>
        public static byte[] GainTable(double gain)
        {
            var t = new byte[256];
            if (double.IsNaN(gain) || gain < 0) gain = 0;
            for (int i = 0; i < 256; i++)
            {
                double lin = SrgbToLinear(i / 255.0) * gain;
                t[i] = (byte)Math.Round(255 * LinearToSrgb(Math.Min(1.0, lin)));
            }
            return t;
        }

        public static double SrgbToLinear(double v) => v <= 0.04045 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);

        public static double LinearToSrgb(double v) => v <= 0.0031308 ? v * 12.92 : 1.055 * Math.Pow(v, 1 / 2.4) - 0.055;

        private static (byte, byte, byte) Hue(int degrees)
        {
            double h = degrees / 60.0;
            double x = 1 - Math.Abs(h % 2 - 1);
            double r, g, b;
            if (h < 1) { r = 1; g = x; b = 0; }
            else if (h < 2) { r = x; g = 1; b = 0; }
            else if (h < 3) { r = 0; g = 1; b = x; }
            else if (h < 4) { r = 0; g = x; b = 1; }
            else if (h < 5) { r = x; g = 0; b = 1; }
            else { r = 1; g = 0; b = x; }
            return ((byte)(40 + 200 * r), (byte)(40 + 200 * g), (byte)(40 + 200 * b));
        }
    }

    /// <summary>The text box of a rendered scene: scale, box rectangle and the top-left of each line.</summary>
    public sealed class TextLayout
    {
        internal TextLayout(int scale, int boxX, int boxY, int boxWidth, int boxHeight, (int X, int Y)[] lineOrigins)
        {
            Scale = scale;
            BoxX = boxX;
            BoxY = boxY;
            BoxWidth = boxWidth;
            BoxHeight = boxHeight;
            LineOrigins = lineOrigins;
        }

        public int Scale { get; }
        public int BoxX { get; }
        public int BoxY { get; }
        public int BoxWidth { get; }
        public int BoxHeight { get; }
        public IReadOnlyList<(int X, int Y)> LineOrigins { get; }
    }
}
