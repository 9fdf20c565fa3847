using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using ChdkPtp.Protocol.Chdk.LiveView;

namespace ChdkPtp.Benchmarks
{
    /// <summary>
    /// A pre-Digic 6 live-view payload (sub-protocol 2.2 header, 720×240 YUV8 viewport, nothing else) holding a
    /// synthetic scene: smooth gradients and discs with moderate chroma and a little noise, like a camera's picture
    /// (clip branches of the scalar baseline are then as predictable as with a real scene, and PNG compression sees
    /// realistic content).
    /// </summary>
    internal static class LiveViewScene
    {
        public const int Width = 720, Height = 240;

        public static byte[] Yuv8Payload()
        {
            int rowBytes = Width * 12 / 8;
            var payload = new byte[104 + rowBytes * Height];
            void I32(int at, int v) => BitConverter.GetBytes(v).CopyTo(payload, at);
            I32(0, 2); I32(4, 2);                 // version 2.2
            I32(20, 32); I32(24, 68);             // descriptors
            I32(32, 0); I32(36, 104); I32(40, Width); I32(44, Width); I32(48, Height); // viewport: YUV8 with data
            I32(68, 1);                           // bitmap: PAL8, no data
            var rnd = new Random(42);
            for (int y = 0; y < Height; y++)
                for (int g = 0; g < Width / 4; g++)
                {
                    int o = 104 + y * rowBytes + g * 6;
                    int x = g * 4;
                    double dx = x - 360, dy = (y - 120) * 2;
                    bool disc = dx * dx + dy * dy < 150 * 150;
                    payload[o] = (byte)(sbyte)(disc ? 40 : (x - 360) / 12);          // U
                    payload[o + 2] = (byte)(sbyte)(disc ? -25 : (y - 120) / 3);      // V
                    for (int k = 0; k < 4; k++)
                    {
                        int yy = (disc ? 170 : 40 + (x + k) / 6 + y / 3) + rnd.Next(-4, 5);
                        payload[o + (k == 0 ? 1 : k + 2)] = (byte)Math.Max(0, Math.Min(255, yy));
                    }
                }
            return payload;
        }
    }

    /// <summary>
    /// Decoding a 720×240 YUV8 viewport to RGB. Baseline: a plain scalar implementation of the same formulas,
    /// pixel by pixel as chdkptp's C does (three functions with their multiplications and clamps per pixel, array
    /// indexing). Measured: <see cref="LiveViewDecoder.DecodeYuv"/> into a reused buffer (chroma offsets once per
    /// 4-pixel group, then Y + offset through a clip table, unsafe pointers), and <see cref="LiveFrame.GetViewportImage"/>
    /// as the cmdlets call it (parse, allocate the image, decode).
    /// </summary>
    [SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
    [MemoryDiagnoser]
    public class LiveViewDecodeBenchmarks
    {
        private byte[] _payload;
        private LiveFrame _frame;
        private byte[] _rgb;

        [GlobalSetup]
        public void Setup()
        {
            _payload = LiveViewScene.Yuv8Payload();
            _frame = LiveFrame.Parse(_payload);
            _rgb = new byte[LiveViewScene.Width * LiveViewScene.Height * 3];
            var check = new byte[_rgb.Length];
            Scalar(_payload, 104, LiveViewScene.Width, LiveViewScene.Height, check);
            if (!check.AsSpan().SequenceEqual(_frame.GetViewportImage().Pixels)) throw new InvalidOperationException("Baseline and decoder disagree.");
        }

        private static int Clip(int v) => v < 0 ? 0 : v > 255 ? 255 : v;
        private static byte R(int y, int v) => (byte)Clip(((y << 12) + v * 5743 + 2048) >> 12);
        private static byte G(int y, int u, int v) => (byte)Clip(((y << 12) - u * 1411 - v * 2925 + 2048) >> 12);
        private static byte B(int y, int u) => (byte)Clip(((y << 12) + u * 7258 + 2048) >> 12);

        /// <summary>The formulas as written, per pixel.</summary>
        internal static void Scalar(byte[] src, int start, int width, int height, byte[] rgb)
        {
            int rowBytes = width * 12 / 8, o = 0;
            for (int row = 0; row < height; row++)
            {
                int p = start + row * rowBytes;
                for (int x = 0; x < width; x += 4, p += 6)
                {
                    int u = (sbyte)src[p], v = (sbyte)src[p + 2];
                    foreach (int yAt in YOffsets)
                    {
                        int y = src[p + yAt];
                        rgb[o++] = R(y, v);
                        rgb[o++] = G(y, u, v);
                        rgb[o++] = B(y, u);
                    }
                }
            }
        }

        private static readonly int[] YOffsets = { 1, 3, 4, 5 };

        [Benchmark(Baseline = true, Description = "scalar formulas, 720x240 YUV8 -> RGB")]
        public byte[] ScalarDecode()
        {
            Scalar(_payload, 104, LiveViewScene.Width, LiveViewScene.Height, _rgb);
            return _rgb;
        }

        [Benchmark(Description = "LiveViewDecoder.DecodeYuv, 720x240 YUV8 -> RGB")]
        public byte[] Decoder()
        {
            LiveViewDecoder.DecodeYuv(LiveFramebufferType.Yuv8, _payload.AsSpan(104), LiveViewScene.Width * 12 / 8, LiveViewScene.Width,
                LiveViewScene.Height, false, _rgb, 3);
            return _rgb;
        }

        [Benchmark(Description = "LiveFrame.Parse + GetViewportImage (allocates the image)")]
        public LiveImage ParseAndImage() => LiveFrame.Parse(_payload).GetViewportImage();
    }

    /// <summary>
    /// Writing the decoded 720×240 viewport as a PNG to memory. Baseline: StbImageWriteSharp's PNG writer (the
    /// library the simulator uses for JPEGs). Measured: <see cref="PngWriter"/> at both levels.
    /// </summary>
    [SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
    [MemoryDiagnoser]
    public class LiveViewPngBenchmarks
    {
        private LiveImage _image;
        private readonly MemoryStream _out = new MemoryStream(1024 * 1024);

        [GlobalSetup]
        public void Setup()
        {
            _image = LiveFrame.Parse(LiveViewScene.Yuv8Payload()).GetViewportImage();
            foreach (var c in new[] { PngCompression.Fast, PngCompression.Small })
            {
                _out.SetLength(0);
                _image.WritePng(_out, c);
                Console.WriteLine($"// PNG {c}: {_out.Length} bytes");
            }
            Console.WriteLine($"// PNG stb: {Stb()} bytes");
        }

        [Benchmark(Baseline = true, Description = "StbImageWriteSharp PNG, 720x240 RGB")]
        public long Stb()
        {
            _out.SetLength(0);
            new StbImageWriteSharp.ImageWriter().WritePng(_image.Pixels, _image.Width, _image.Height, StbImageWriteSharp.ColorComponents.RedGreenBlue, _out);
            return _out.Length;
        }

        [Benchmark(Description = "PngWriter Fast, 720x240 RGB")]
        public long Fast()
        {
            _out.SetLength(0);
            _image.WritePng(_out, PngCompression.Fast);
            return _out.Length;
        }

        [Benchmark(Description = "PngWriter Small, 720x240 RGB")]
        public long Small()
        {
            _out.SetLength(0);
            _image.WritePng(_out, PngCompression.Small);
            return _out.Length;
        }
    }
}
