using System;
using System.Globalization;

namespace ChdkPtp.Simulator.Imaging
{
    /// <summary>The shot facts a DNG header records (EXIF and identification).</summary>
    public sealed class DngShotInfo
    {
        public string Model { get; set; } = "Canon PowerShot";
        public string Software { get; set; } = "CHDK";
        /// <summary>Camera local time of the shot.</summary>
        public DateTime Time { get; set; }
        public int Tv96 { get; set; }
        public int Av96 { get; set; }
        public int IsoMarket { get; set; } = 100;
        /// <summary>Exposure program for EXIF (2 = normal program).</summary>
        public int ExposureProgram { get; set; } = 2;
    }

    /// <summary>
    /// The DNG 1.3 header CHDK sends for remote capture type DNGHDR (modules/dng.c, create_dng_header with the
    /// "minimal" layout): a little-endian TIFF whose IFD0 describes a 128×96 8-bit RGB thumbnail, whose SubIFD
    /// describes the whole raw buffer as one uncompressed CFA strip, and whose EXIF IFD holds the exposure. The
    /// header ends 4-byte aligned; IFD0's strip starts right after it (the client writes the thumbnail there) and
    /// the SubIFD's strip 36864 bytes later (the client appends the raw data with every byte pair swapped).
    /// </summary>
    public static class DngHeader
    {
        public const int ThumbnailWidth = 128;
        public const int ThumbnailHeight = 96;
        public const int ThumbnailBytes = ThumbnailWidth * ThumbnailHeight * 3;

        // XYZ (D65) → linear sRGB: the synthetic sensor records linear sRGB primaries, so this is its ColorMatrix1
        private static readonly (int, int)[] s_colorMatrix =
        {
            (32406, 10000), (-15372, 10000), (-4986, 10000),
            (-9689, 10000), (18758, 10000), (415, 10000),
            (557, 10000), (-2040, 10000), (10570, 10000),
        };

        /// <summary>Builds the header for a sensor and a shot.</summary>
        public static byte[] Build(SensorGeometry g, DngShotInfo shot)
        {
            if (g == null) throw new ArgumentNullException(nameof(g));
            if (shot == null) throw new ArgumentNullException(nameof(shot));
            var tiff = new TiffBuilder();
            var ifd0 = tiff.AddIfd(chain: true);
            var sub = tiff.AddIfd(chain: false);
            var exif = tiff.AddIfd(chain: false);
            string when = shot.Time.ToString("yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture);
            string subsec = (shot.Time.Millisecond / 10).ToString("00", CultureInfo.InvariantCulture);
            int headerLength = 0;

            ifd0.Long(0x00FE, 1)                           // NewSubFileType: reduced-resolution preview
                .Long(0x0100, ThumbnailWidth)
                .Long(0x0101, ThumbnailHeight)
                .Short(0x0102, 8, 8, 8)
                .Short(0x0103, 1)                          // uncompressed
                .Short(0x0106, 2)                          // RGB
                .Ascii(0x010E, "")                         // ImageDescription
                .Ascii(0x010F, "Canon")
                .Ascii(0x0110, shot.Model)
                .LongLater(0x0111, () => (uint)headerLength)   // thumbnail strip right after the header
                .Short(0x0112, 1)                          // orientation: top-left
                .Short(0x0115, 3)
                .Short(0x0116, ThumbnailHeight)
                .Long(0x0117, ThumbnailBytes)
                .Short(0x011C, 1)
                .Ascii(0x0131, shot.Software)
                .Ascii(0x0132, when)
                .Ascii(0x013B, "")                         // Artist
                .LongLater(0x014A, () => tiff.OffsetOf(sub))
                .Ascii(0x8298, "")                         // Copyright
                .LongLater(0x8769, () => tiff.OffsetOf(exif))
                .Bytes(0x9216, 1, 0, 0, 0)                 // TIFF/EPStandardID 1.0.0.0
                .Bytes(0xC612, 1, 3, 0, 0)                 // DNGVersion 1.3.0.0
                .Bytes(0xC613, 1, 1, 0, 0)                 // DNGBackwardVersion 1.1.0.0
                .Ascii(0xC614, shot.Model)                 // UniqueCameraModel
                .SRational(0xC621, s_colorMatrix)          // ColorMatrix1
                .Rational(0xC627, (1, 1), (1, 1), (1, 1))  // AnalogBalance
                .Rational(0xC628, (1000, 1000), (1000, 1000), (1000, 1000)) // AsShotNeutral
                .SRational(0xC62A, (0, 100))               // BaselineExposure
                .Rational(0xC62B, (1, 1))                  // BaselineNoise
                .Rational(0xC62C, (4, 3))                  // BaselineSharpness
                .Rational(0xC62E, (1, 1))                  // LinearResponseLimit
                .Rational(0xC630, (50, 10), (800, 10), (35, 10), (59, 10)) // LensInfo 5-80 mm f/3.5-5.9
                .Short(0xC65A, 21);                        // CalibrationIlluminant1: D65

            sub.Long(0x00FE, 0)                            // main image
               .Long(0x0100, (uint)g.Width)
               .Long(0x0101, (uint)g.Height)
               .Short(0x0102, (ushort)g.BitsPerPixel)
               .Short(0x0103, 1)
               .Short(0x0106, 0x8023)                      // CFA
               .LongLater(0x0111, () => (uint)(headerLength + ThumbnailBytes))
               .Short(0x0115, 1)
               .Short(0x0116, (ushort)g.Height)            // one strip
               .Long(0x0117, (uint)g.RawSize)
               .Rational(0x011A, (180, 1))
               .Rational(0x011B, (180, 1))
               .Short(0x011C, 1)
               .Short(0x0128, 2)
               .Short(0x828D, 2, 2)                        // CFARepeatPatternDim
               .Bytes(0x828E, 0, 1, 1, 2)                  // CFAPattern R G / G B
               .Long(0xC61A, (uint)g.BlackLevel)
               .Long(0xC61D, (uint)g.WhiteLevel)
               .Long(0xC61F, 0, 0)                         // DefaultCropOrigin
               .Long(0xC620, (uint)g.ActiveWidth, (uint)g.ActiveHeight) // DefaultCropSize
               .Long(0xC68D, (uint)g.ActiveTop, (uint)g.ActiveLeft, (uint)g.ActiveBottom, (uint)g.ActiveRight) // ActiveArea
               .Undefined(0xC740, BadPixelOpcodes());      // OpcodeList1: FixBadPixelsConstant 0

            double seconds = Math.Pow(2, -shot.Tv96 / 96.0);
            exif.Rational(0x829A, ((uint)Math.Max(1, Math.Round(seconds * 1000000)), 1000000))
                .Rational(0x829D, ((uint)Math.Round(10 * Math.Pow(2, shot.Av96 / 192.0)), 10))
                .Short(0x8822, (ushort)shot.ExposureProgram)
                .Short(0x8827, (ushort)Math.Max(0, Math.Min(65535, shot.IsoMarket)))
                .Undefined(0x9000, new[] { (byte)'0', (byte)'2', (byte)'2', (byte)'1' })
                .Ascii(0x9003, when)
                .SRational(0x9201, (shot.Tv96, 96))
                .Rational(0x9202, ((uint)Math.Max(0, shot.Av96), 96))
                .SRational(0x9204, (0, 96))
                .Rational(0x9205, (347, 96))               // f/3.5 wide open
                .Short(0x9207, 5)                          // evaluative
                .Short(0x9209, 16)                         // flash off, did not fire
                .Rational(0x920A, (5000, 1000))
                .Ascii(0x9290, subsec)
                .Ascii(0x9291, subsec)
                .Short(0xA405, 28);

            int measured = tiff.Measure();
            headerLength = (measured / 4 + 1) * 4; // as CHDK: always at least one byte of padding, 32-bit aligned
            return tiff.Build(headerLength);
        }

        private static byte[] BadPixelOpcodes()
        {
            // big-endian, as DNG opcode lists are: count, then FixBadPixelsConstant (id 4), DNG 1.3.0.0, flags 1
            // (optional), 8 parameter bytes: constant 0 and Bayer phase 0 (top-left pixel red)
            uint[] words = { 1, 4, 0x01030000, 1, 8, 0, 0 };
            var b = new byte[words.Length * 4];
            for (int i = 0; i < words.Length; i++)
            {
                b[4 * i] = (byte)(words[i] >> 24);
                b[4 * i + 1] = (byte)(words[i] >> 16);
                b[4 * i + 2] = (byte)(words[i] >> 8);
                b[4 * i + 3] = (byte)words[i];
            }
            return b;
        }

        /// <summary>
        /// What a client builds from the header: header ‖ thumbnail (<see cref="ThumbnailBytes"/>, zeros if null) ‖
        /// the raw buffer with every byte pair swapped. Used by tests and by the on-card DNG writer.
        /// </summary>
        public static byte[] Assemble(byte[] header, byte[] thumbnail, byte[] chdkRaw)
        {
            var dng = new byte[header.Length + ThumbnailBytes + chdkRaw.Length];
            Buffer.BlockCopy(header, 0, dng, 0, header.Length);
            if (thumbnail != null) Buffer.BlockCopy(thumbnail, 0, dng, header.Length, Math.Min(ThumbnailBytes, thumbnail.Length));
            var swapped = ChdkRaw.SwapBytePairs(chdkRaw, 0, chdkRaw.Length);
            Buffer.BlockCopy(swapped, 0, dng, header.Length + ThumbnailBytes, swapped.Length);
            return dng;
        }

        /// <summary>A 128×96 RGB thumbnail of a scene image (nearest sample), for an assembled DNG.</summary>
        public static byte[] Thumbnail(RgbImage scene)
        {
            var t = new byte[ThumbnailBytes];
            for (int y = 0; y < ThumbnailHeight; y++)
                for (int x = 0; x < ThumbnailWidth; x++)
                {
                    int sx = x * scene.Width / ThumbnailWidth, sy = y * scene.Height / ThumbnailHeight;
                    Buffer.BlockCopy(scene.Pixels, (sy * scene.Width + sx) * 3, t, (y * ThumbnailWidth + x) * 3, 3);
                }
            return t;
        }
    }
}
