using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using ChdkPtp.Protocol.Chdk.LiveView;
using StbImageSharp;

namespace ChdkPtp.Protocol.Tests.LiveView
{
    public sealed class PngWriterTests
    {
        /// <summary>
        /// An independent PNG reader for the checks: walks the chunks, verifies each CRC (bitwise CRC-32), inflates the
        /// IDAT data with zlib (which verifies the Adler-32) and undoes all five row filters.
        /// </summary>
        private static (int W, int H, int ColorType, byte[] Pixels, int IdatChunks) Decode(byte[] png)
        {
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png.Take(8).ToArray());
            int p = 8, w = 0, h = 0, ct = 0, idats = 0;
            var idat = new MemoryStream();
            bool end = false;
            while (!end)
            {
                int len = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(p));
                string type = Encoding.ASCII.GetString(png, p + 4, 4);
                uint crc = 0xFFFFFFFF;
                for (int i = p + 4; i < p + 8 + len; i++)
                {
                    crc ^= png[i];
                    for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
                }
                Assert.Equal(~crc, BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(p + 8 + len)));
                var data = png.AsSpan(p + 8, len);
                switch (type)
                {
                    case "IHDR":
                        w = BinaryPrimitives.ReadInt32BigEndian(data);
                        h = BinaryPrimitives.ReadInt32BigEndian(data.Slice(4));
                        Assert.Equal(8, data[8]);
                        ct = data[9];
                        Assert.Equal(new byte[] { 0, 0, 0 }, data.Slice(10, 3).ToArray());
                        break;
                    case "IDAT": idat.Write(data); idats++; break;
                    case "IEND": end = true; Assert.Equal(0, len); break;
                    default: Assert.Fail("unexpected chunk " + type); break;
                }
                p += 12 + len;
            }
            Assert.Equal(png.Length, p);
            int bpp = ct == 6 ? 4 : 3;
            idat.Position = 0;
            var raw = new MemoryStream();
            using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.CopyTo(raw);
            var f = raw.ToArray();
            int stride = w * bpp;
            Assert.Equal((stride + 1) * h, f.Length);
            var px = new byte[stride * h];
            for (int y = 0; y < h; y++)
            {
                int filter = f[y * (stride + 1)];
                for (int i = 0; i < stride; i++)
                {
                    int x = f[y * (stride + 1) + 1 + i];
                    int a = i >= bpp ? px[y * stride + i - bpp] : 0;
                    int b = y > 0 ? px[(y - 1) * stride + i] : 0;
                    int c = i >= bpp && y > 0 ? px[(y - 1) * stride + i - bpp] : 0;
                    int pa = Math.Abs(b - c), pb = Math.Abs(a - c), pc = Math.Abs(a + b - 2 * c);
                    int pred = filter switch
                    {
                        0 => 0,
                        1 => a,
                        2 => b,
                        3 => (a + b) / 2,
                        4 => pa <= pb && pa <= pc ? a : pb <= pc ? b : c,
                        _ => throw new InvalidDataException("filter " + filter),
                    };
                    px[y * stride + i] = (byte)(x + pred);
                }
            }
            return (w, h, ct, px, idats);
        }

        [Theory]
        [InlineData(PngCompression.Fast)]
        [InlineData(PngCompression.Small)]
        public void A_viewport_png_decodes_back_to_the_same_pixels(PngCompression compression)
        {
            var rnd = new Random(1);
            var frame = LiveFrame.Parse(FrameBuilder.PreDigic6(rnd, 720, 240).Build());
            var img = frame.GetViewportImage();
            var png = img.ToPng(compression);
            var d = Decode(png);
            Assert.Equal((720, 240, 2), (d.W, d.H, d.ColorType));
            Assert.Equal(img.Pixels, d.Pixels);
            Assert.True(d.IdatChunks > 1); // random data does not compress: several 64 KiB chunks
            var stb = ImageResult.FromMemory(png, ColorComponents.RedGreenBlue);
            Assert.Equal((720, 240), (stb.Width, stb.Height));
            Assert.Equal(img.Pixels, stb.Data);
        }

        [Fact]
        public void An_overlay_png_keeps_its_alpha()
        {
            var rnd = new Random(2);
            var frame = LiveFrame.Parse(FrameBuilder.Digic6(rnd, 64, 30).Build());
            var img = frame.GetBitmapImage();
            var png = img.ToPng();
            var d = Decode(png);
            Assert.Equal((64, 30, 6), (d.W, d.H, d.ColorType));
            Assert.Equal(img.Pixels, d.Pixels);
            var stb = ImageResult.FromMemory(png, ColorComponents.RedGreenBlueAlpha);
            Assert.Equal(img.Pixels, stb.Data);
        }

        [Fact]
        public void Save_writes_a_file_and_odd_sizes_work()
        {
            var path = Path.Combine(Path.GetTempPath(), "lv-" + Guid.NewGuid().ToString("N") + ".png");
            try
            {
                foreach (var (w, h) in new[] { (1, 1), (3, 7), (1000, 1) })
                {
                    var px = new byte[w * h * 3];
                    new Random(w).NextBytes(px);
                    new LiveImage(w, h, LivePixelFormat.Rgb24, px).SavePng(path);
                    var d = Decode(File.ReadAllBytes(path));
                    Assert.Equal((w, h), (d.W, d.H));
                    Assert.Equal(px, d.Pixels);
                }
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void A_flat_image_compresses_to_a_small_file_and_bad_arguments_are_refused()
        {
            var img = new LiveImage(720, 240, LivePixelFormat.Rgb24, Enumerable.Repeat((byte)77, 720 * 240 * 3).ToArray());
            var png = img.ToPng();
            Assert.True(png.Length < 10000, png.Length + " bytes"); // of 518,400
            Assert.Equal(img.Pixels, Decode(png).Pixels);
            Assert.Throws<ArgumentException>(() => PngWriter.Write(Stream.Null, new byte[0], 0, 0, LivePixelFormat.Rgb24));
            Assert.Throws<ArgumentException>(() => PngWriter.Write(Stream.Null, new byte[5], 2, 1, LivePixelFormat.Rgb24));
            Assert.Throws<ArgumentException>(() => new LiveImage(2, 2, LivePixelFormat.Rgba32, new byte[12]));
        }
    }
}
