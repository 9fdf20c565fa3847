using System;
using System.Text;
using ChdkPtp.Simulator.Imaging;
using StbImageSharp;

namespace ChdkPtp.Simulator.Tests.Shooting
{
    /// <summary>Reads the text burnt into a synthetic picture back, glyph by glyph (a tiny OCR for our own font).</summary>
    internal static class ChartReader
    {
        private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ:.-_/ ";

        public static RgbImage Decode(byte[] jpeg)
        {
            var r = ImageResult.FromMemory(jpeg, ColorComponents.RedGreenBlue);
            var img = new RgbImage(r.Width, r.Height);
            Buffer.BlockCopy(r.Data, 0, img.Pixels, 0, img.Pixels.Length);
            return img;
        }

        /// <summary>Reads <paramref name="length"/> characters of text line <paramref name="line"/> (0 = label, 1 = time, 2 = info).</summary>
        public static string ReadLine(RgbImage image, int line, int length)
        {
            // the layout depends only on the image size and on there being three lines
            var probe = new SceneInfo { Label = "X", Info = "X" };
            var layout = SceneRenderer.Layout(image.Width, image.Height, probe);
            int scale = layout.Scale;
            var (ox, oy) = layout.LineOrigins[line];
            var sb = new StringBuilder();
            for (int i = 0; i < length; i++)
            {
                int cx = ox + i * BitmapFont.CellWidth * scale;
                char best = '?';
                double bestScore = double.MaxValue;
                foreach (char c in Alphabet)
                {
                    double score = Difference(image, cx, oy, c, scale);
                    if (score < bestScore) { bestScore = score; best = c; }
                }
                sb.Append(best);
            }
            return sb.ToString();
        }

        // mean absolute difference between the picture's grey levels and the glyph drawn white on black
        private static double Difference(RgbImage image, int x0, int y0, char c, int scale)
        {
            int w = BitmapFont.GlyphWidth * scale, h = BitmapFont.GlyphHeight * scale;
            var glyph = new RgbImage(w, h);
            BitmapFont.Draw(glyph, 0, 0, c.ToString(), scale, 255, 255, 255);
            double sum = 0;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    int i = ((y0 + y) * image.Width + x0 + x) * 3;
                    int grey = (image.Pixels[i] + image.Pixels[i + 1] + image.Pixels[i + 2]) / 3;
                    sum += Math.Abs(grey - glyph.Pixels[(y * w + x) * 3]);
                }
            return sum / (w * h);
        }

        /// <summary>Mean grey level of a rectangle (for brightness checks).</summary>
        public static double Mean(RgbImage image, int x0, int y0, int w, int h)
        {
            double sum = 0;
            for (int y = y0; y < y0 + h; y++)
                for (int x = x0; x < x0 + w; x++)
                {
                    int i = (y * image.Width + x) * 3;
                    sum += (image.Pixels[i] + image.Pixels[i + 1] + image.Pixels[i + 2]) / 3.0;
                }
            return sum / (w * h);
        }
    }
}
