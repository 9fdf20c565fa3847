using System;
using System.Linq;
using ChdkPtp.Simulator.Imaging;

namespace ChdkPtp.Simulator.Tests.Shooting
{
    /// <summary>CHDK's raw packing and the remote-capture DNG header, without a camera.</summary>
    public class RawAndDngTests
    {
        // CHDK's get_raw_pixel for each depth (platform/generic raw.c, as facts): pixel i of a group from its bytes.
        private static int ChdkPixel(byte[] b, int o, int i, int bpp)
        {
            int B(int k) => b[o + k];
            switch (bpp)
            {
                case 10:
                    return i switch
                    {
                        0 => (0x3fc & (B(1) << 2)) | (B(0) >> 6),
                        1 => (0x3f0 & (B(0) << 4)) | (B(3) >> 4),
                        2 => (0x3c0 & (B(3) << 6)) | (B(2) >> 2),
                        3 => (0x300 & (B(2) << 8)) | B(5),
                        4 => (0x3fc & (B(4) << 2)) | (B(7) >> 6),
                        5 => (0x3f0 & (B(7) << 4)) | (B(6) >> 4),
                        6 => (0x3c0 & (B(6) << 6)) | (B(9) >> 2),
                        _ => (0x300 & (B(9) << 8)) | B(8),
                    };
                case 12:
                    return i switch
                    {
                        0 => (B(1) << 4) | (B(0) >> 4),
                        1 => ((B(0) & 0x0F) << 8) | B(3),
                        2 => (B(2) << 4) | (B(5) >> 4),
                        _ => ((B(5) & 0x0F) << 8) | B(4),
                    };
                default:
                    return i switch
                    {
                        0 => (B(1) << 6) | (B(0) >> 2),
                        1 => ((B(0) & 0x03) << 12) | (B(3) << 4) | (B(2) >> 4),
                        2 => ((B(2) & 0x0F) << 10) | (B(5) << 2) | (B(4) >> 6),
                        3 => ((B(4) & 0x3F) << 8) | B(7),
                        4 => (B(6) << 6) | (B(9) >> 2),
                        5 => ((B(9) & 0x03) << 12) | (B(8) << 4) | (B(11) >> 4),
                        6 => ((B(11) & 0x0F) << 10) | (B(10) << 2) | (B(13) >> 6),
                        _ => ((B(13) & 0x3F) << 8) | B(12),
                    };
            }
        }

        /// <summary>Decodes a CHDK raw buffer with CHDK's formulas (an implementation independent of ChdkRaw).</summary>
        internal static ushort[] DecodeLikeChdk(byte[] raw, int width, int height, int bpp)
        {
            int group = bpp == 12 ? 4 : 8, groupBytes = group * bpp / 8, rowBytes = width * bpp / 8;
            var v = new ushort[width * height];
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    v[y * width + x] = (ushort)ChdkPixel(raw, y * rowBytes + x / group * groupBytes, x % group, bpp);
            return v;
        }

        [Theory]
        [InlineData(10)]
        [InlineData(12)]
        [InlineData(14)]
        public void Pack_MatchesChdkPixelLayout(int bpp)
        {
            const int w = 32, h = 3;
            var rnd = new Random(bpp);
            var values = Enumerable.Range(0, w * h).Select(_ => (ushort)rnd.Next(1 << bpp)).ToArray();
            values[0] = (ushort)((1 << bpp) - 1); // all ones, then zero: catches bit-order mistakes
            values[1] = 0;
            var packed = ChdkRaw.Pack(values, w, h, bpp);
            Assert.Equal(w * h * bpp / 8, packed.Length);
            Assert.Equal(values, DecodeLikeChdk(packed, w, h, bpp));
            Assert.Equal(values, ChdkRaw.Unpack(packed, w, h, bpp));
        }

        [Fact]
        public void Pack_TwelveBits_KnownBytes()
        {
            // pixels 0xABC, 0xDEF, 0x123, 0x456: big-endian stream AB CD EF 12 34 56, pairs swapped
            var packed = ChdkRaw.Pack(new ushort[] { 0xABC, 0xDEF, 0x123, 0x456 }, 4, 1, 12);
            Assert.Equal(new byte[] { 0xCD, 0xAB, 0x12, 0xEF, 0x56, 0x34 }, packed);
        }

        [Theory]
        [InlineData(10)]
        [InlineData(12)]
        [InlineData(14)]
        public void DngHeader_StructureMatchesSensorAndDepth(int bpp)
        {
            var g = new SensorGeometry(1024, 768, 48, 16, bpp);
            var time = new DateTime(2025, 5, 29, 12, 34, 56, 789);
            var header = DngHeader.Build(g, new DngShotInfo { Model = "Canon PowerShot SX160 IS", Software = "CHDK 1.6.1", Time = time, Tv96 = 480, Av96 = 320, IsoMarket = 200 });
            Assert.Equal(0, header.Length % 4);
            var t = new TiffReader(header);
            Assert.Equal(8u, t.FirstIfd);
            var (ifd0, next, end0) = t.Ifd(8);
            Assert.Equal(0u, next);

            // IFD0: the 128x96 RGB thumbnail the client writes right after the header
            Assert.Equal(1u, TiffReader.Long(ifd0[0x00FE]));
            Assert.Equal(128u, TiffReader.Long(ifd0[0x0100]));
            Assert.Equal(96u, TiffReader.Long(ifd0[0x0101]));
            Assert.Equal(new byte[] { 8, 0, 8, 0, 8, 0 }, ifd0[0x0102].Bytes);
            Assert.Equal(2u, TiffReader.Long(ifd0[0x0106]));
            Assert.Equal(3u, TiffReader.Long(ifd0[0x0115]));
            Assert.Equal((uint)header.Length, TiffReader.Long(ifd0[0x0111]));
            Assert.Equal((uint)(128 * 96 * 3), TiffReader.Long(ifd0[0x0117]));
            Assert.Equal(new byte[] { 1, 3, 0, 0 }, ifd0[0xC612].Bytes);
            Assert.Equal(new byte[] { 1, 1, 0, 0 }, ifd0[0xC613].Bytes);
            Assert.Equal("Canon", TiffReader.Ascii(ifd0[0x010F]));
            Assert.Equal("Canon PowerShot SX160 IS", TiffReader.Ascii(ifd0[0x0110]));
            Assert.Equal("Canon PowerShot SX160 IS", TiffReader.Ascii(ifd0[0xC614]));
            Assert.Equal("2025:05:29 12:34:56", TiffReader.Ascii(ifd0[0x0132]));
            Assert.Equal(9u, ifd0[0xC621].Count);
            Assert.Equal(21u, TiffReader.Long(ifd0[0xC65A]));

            // SubIFD: the whole raw buffer as one CFA strip after header and thumbnail
            uint subOffset = TiffReader.Long(ifd0[0x014A]);
            Assert.Equal((uint)end0, subOffset); // directly after IFD0, as CHDK lays it out
            var (sub, subNext, _) = t.Ifd(subOffset);
            Assert.Equal(0u, subNext);
            Assert.Equal(0u, TiffReader.Long(sub[0x00FE]));
            Assert.Equal((uint)g.Width, TiffReader.Long(sub[0x0100]));
            Assert.Equal((uint)g.Height, TiffReader.Long(sub[0x0101]));
            Assert.Equal((uint)bpp, TiffReader.Long(sub[0x0102]));
            Assert.Equal(1u, TiffReader.Long(sub[0x0103]));
            Assert.Equal(0x8023u, TiffReader.Long(sub[0x0106]));
            Assert.Equal((uint)(header.Length + 36864), TiffReader.Long(sub[0x0111]));
            Assert.Equal(1u, TiffReader.Long(sub[0x0115]));
            Assert.Equal((uint)g.Height, TiffReader.Long(sub[0x0116]));
            Assert.Equal((uint)(g.Width * g.Height * bpp / 8), TiffReader.Long(sub[0x0117]));
            Assert.Equal(new byte[] { 2, 0, 2, 0 }, sub[0x828D].Bytes);
            Assert.Equal(new byte[] { 0, 1, 1, 2 }, sub[0x828E].Bytes);
            Assert.Equal((uint)((1 << (bpp - 5)) - 1), TiffReader.Long(sub[0xC61A]));
            Assert.Equal((uint)((1 << bpp) - 1), TiffReader.Long(sub[0xC61D]));
            Assert.Equal(new uint[] { 16, 48, 16 + 768, 48 + 1024 }, Enumerable.Range(0, 4).Select(i => TiffReader.Long(sub[0xC68D], i)));
            Assert.Equal(new uint[] { 1024, 768 }, Enumerable.Range(0, 2).Select(i => TiffReader.Long(sub[0xC620], i)));
            Assert.Equal(28u, sub[0xC740].Count);
            Assert.Equal(new byte[] { 0, 0, 0, 1, 0, 0, 0, 4 }, sub[0xC740].Bytes.Take(8)); // one opcode: FixBadPixelsConstant

            // EXIF IFD
            var (exif, _, _) = t.Ifd(TiffReader.Long(ifd0[0x8769]));
            Assert.Equal(200u, TiffReader.Long(exif[0x8827]));
            Assert.Equal("2025:05:29 12:34:56", TiffReader.Ascii(exif[0x9003]));
            Assert.Equal("78", TiffReader.Ascii(exif[0x9291]));
        }

        [Theory]
        [InlineData(10)]
        [InlineData(12)]
        [InlineData(14)]
        public void AssembledDng_StripHoldsTheSensorValuesBigEndianPacked(int bpp)
        {
            var g = new SensorGeometry(64, 48, 16, 4, bpp);
            var scene = SceneRenderer.Render(g.ActiveWidth, g.ActiveHeight, new SceneInfo { Label = "IMG_0001", Time = DateTime.Now });
            var values = ChdkRaw.Expose(scene, g, 1);
            var raw = ChdkRaw.Pack(values, g.Width, g.Height, bpp);
            var header = DngHeader.Build(g, new DngShotInfo { Time = DateTime.Now, Tv96 = 471, Av96 = 285 });
            var dng = DngHeader.Assemble(header, DngHeader.Thumbnail(scene), raw);
            var t = new TiffReader(dng);
            var (ifd0, _, _) = t.Ifd(8);
            var (sub, _, _) = t.Ifd(TiffReader.Long(ifd0[0x014A]));
            long strip = TiffReader.Long(sub[0x0111]);
            Assert.Equal(dng.Length, strip + TiffReader.Long(sub[0x0117]));
            // DNG readers take the strip as a big-endian bit stream, row after row
            long bit = strip * 8;
            for (int i = 0; i < values.Length; i++, bit += bpp)
            {
                int v = 0;
                for (int k = 0; k < bpp; k++)
                {
                    long p = bit + k;
                    v = v << 1 | (dng[p >> 3] >> (7 - (int)(p & 7)) & 1);
                }
                if (v != values[i]) Assert.Fail($"pixel {i}: {v} != {values[i]}");
            }
            Assert.All(values, v => Assert.InRange(v, 1, (1 << bpp) - 1));
        }

        [Fact]
        public void Expose_ActiveAreaFollowsTheSceneMaskedAreaIsBlack()
        {
            var g = new SensorGeometry(64, 48, 16, 4, 12);
            var scene = new RgbImage(64, 48);
            scene.Fill(0, 0, 64, 48, 255, 255, 255);
            var v = ChdkRaw.Expose(scene, g, 3);
            Assert.InRange(v[2 * g.Width + 2], g.BlackLevel - 2, g.BlackLevel + 2);          // masked
            Assert.InRange(v[(g.ActiveTop + 10) * g.Width + g.ActiveLeft + 10], 3500, 4095); // white in the active area
        }

        [Fact]
        public void Geometry_RowsPackToEvenByteCounts()
        {
            foreach (int bpp in new[] { 10, 12, 14 })
            {
                var g = new SensorGeometry(1024, 768, 48, 16, bpp);
                Assert.Equal(1088, g.Width);
                Assert.Equal(792, g.Height);
                Assert.Equal(0, g.RowBytes % 2);
                Assert.Equal(g.Width * g.Height * bpp / 8, g.RawSize);
            }
            Assert.Throws<ArgumentOutOfRangeException>(() => new SensorGeometry(1024, 768, 48, 16, 16));
            Assert.Throws<ArgumentOutOfRangeException>(() => new SensorGeometry(1024, 768, 47, 16, 12));
        }
    }
}

namespace ChdkPtp.Simulator.Tests.Shooting
{
    public class ShootingOptionsTests
    {
        [Theory]
        [InlineData(nameof(SimulatorOptions.RawBitsPerPixel), 16)]
        [InlineData(nameof(SimulatorOptions.RawActiveWidth), 1023)]
        [InlineData(nameof(SimulatorOptions.RawMaskedTop), -2)]
        [InlineData(nameof(SimulatorOptions.JpegWidth), 8)]
        [InlineData(nameof(SimulatorOptions.JpegQuality), 0)]
        [InlineData(nameof(SimulatorOptions.FileChunkCount), 0)]
        [InlineData(nameof(SimulatorOptions.ExposureTimeLimitMs), -1)]
        public void ImpossibleShootingOptions_AreRefusedWhenTheCameraIsMade(string option, int value)
        {
            var o = new SimulatorOptions();
            typeof(SimulatorOptions).GetProperty(option).SetValue(o, value);
            Assert.Throws<ArgumentOutOfRangeException>(() => new VirtualCamera(o).Dispose());
        }

        [Fact]
        public void SmallSensorAndJpeg_ShootAndCapture()
        {
            using var cam = new ShootingCamera(new SimulatorOptions { RawActiveWidth = 64, RawActiveHeight = 48, RawMaskedLeft = 0, RawMaskedTop = 0, JpegWidth = 160, JpegHeight = 120, RawBitsPerPixel = 10 });
            var g = SensorGeometry.FromOptions(cam.Camera.Options);
            Assert.Equal((80, 56), (g.Width, g.Height));
            cam.Lua("init_usb_capture(3)");
            uint id = cam.Start("shoot()");
            var got = cam.Fetch(3);
            cam.Wait(id);
            Assert.Equal(80 * 56 * 10 / 8, got.File(2).Length);
            var jpeg = ChartReader.Decode(got.File(1));
            Assert.Equal((160, 120), (jpeg.Width, jpeg.Height));
            Assert.Equal("IMG_0001", ChartReader.ReadLine(jpeg, 0, 8));
        }
    }
}
