using System;
using System.IO;

namespace ChdkPtp.Protocol.Chdk.LiveView
{
    /// <summary>A decoded live-view picture: RGB or RGBA pixels, rows top-down without padding.</summary>
    public sealed class LiveImage
    {
        public LiveImage(int width, int height, LivePixelFormat format, byte[] pixels)
        {
            if (width < 0) throw new ArgumentOutOfRangeException(nameof(width));
            if (height < 0) throw new ArgumentOutOfRangeException(nameof(height));
            if (format != LivePixelFormat.Rgb24 && format != LivePixelFormat.Rgba32) throw new ArgumentOutOfRangeException(nameof(format));
            if (pixels == null) throw new ArgumentNullException(nameof(pixels));
            if (pixels.Length != (long)width * height * (int)format)
                throw new ArgumentException($"{width}x{height} {format} needs {(long)width * height * (int)format} bytes; {pixels.Length} given.", nameof(pixels));
            Width = width;
            Height = height;
            Format = format;
            Pixels = pixels;
        }

        public int Width { get; }
        public int Height { get; }
        public LivePixelFormat Format { get; }

        /// <summary>3 (RGB) or 4 (RGBA).</summary>
        public int BytesPerPixel => (int)Format;

        /// <summary>Bytes per row.</summary>
        public int Stride => Width * BytesPerPixel;

        /// <summary>The pixels: R, G, B (and A) per pixel, row after row from the top.</summary>
        public byte[] Pixels { get; }

        /// <summary>One pixel as 0xAARRGGBB (alpha 0xFF for RGB images).</summary>
        public uint GetPixel(int x, int y)
        {
            if ((uint)x >= (uint)Width) throw new ArgumentOutOfRangeException(nameof(x));
            if ((uint)y >= (uint)Height) throw new ArgumentOutOfRangeException(nameof(y));
            int o = (y * Width + x) * BytesPerPixel;
            uint a = Format == LivePixelFormat.Rgba32 ? Pixels[o + 3] : 0xFFu;
            return a << 24 | (uint)Pixels[o] << 16 | (uint)Pixels[o + 1] << 8 | Pixels[o + 2];
        }

        /// <summary>Writes the image as a PNG (8-bit RGB or RGBA) to <paramref name="stream"/>.</summary>
        public void WritePng(Stream stream, PngCompression compression = PngCompression.Fast)
            => PngWriter.Write(stream, Pixels, Width, Height, Format, compression);

        /// <summary>The image as PNG file bytes.</summary>
        public byte[] ToPng(PngCompression compression = PngCompression.Fast)
        {
            using (var ms = new MemoryStream(Pixels.Length / 2 + 1024))
            {
                WritePng(ms, compression);
                return ms.ToArray();
            }
        }

        /// <summary>Writes the image to a PNG file (created or overwritten).</summary>
        public void SavePng(string path, PngCompression compression = PngCompression.Fast)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            using (var f = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024))
                WritePng(f, compression);
        }

        public override string ToString() => $"{Width}x{Height} {Format}";
    }
}
