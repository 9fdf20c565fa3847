using System;

namespace ChdkPtp.Simulator.Imaging
{
    /// <summary>An 8-bit sRGB picture, three bytes per pixel (R, G, B), rows top to bottom.</summary>
    public sealed class RgbImage
    {
        public RgbImage(int width, int height)
        {
            if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), "An image needs at least one pixel.");
            Width = width;
            Height = height;
            Pixels = new byte[checked(width * height * 3)];
        }

        public int Width { get; }
        public int Height { get; }

        /// <summary>R, G, B bytes of each pixel, row after row.</summary>
        public byte[] Pixels { get; }

        public void Set(int x, int y, byte r, byte g, byte b)
        {
            if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
            int i = (y * Width + x) * 3;
            Pixels[i] = r;
            Pixels[i + 1] = g;
            Pixels[i + 2] = b;
        }

        /// <summary>Fills a rectangle, clipped to the image.</summary>
        public void Fill(int x, int y, int width, int height, byte r, byte g, byte b)
        {
            int x0 = Math.Max(0, x), y0 = Math.Max(0, y);
            int x1 = Math.Min(Width, x + width), y1 = Math.Min(Height, y + height);
            for (int yy = y0; yy < y1; yy++)
            {
                int i = (yy * Width + x0) * 3;
                for (int xx = x0; xx < x1; xx++, i += 3)
                {
                    Pixels[i] = r;
                    Pixels[i + 1] = g;
                    Pixels[i + 2] = b;
                }
            }
        }
    }
}
