using System;
using System.Globalization;
using System.IO;
using StbImageWriteSharp;

namespace ChdkPtp.Simulator.Imaging
{
    /// <summary>The EXIF facts written into a shot's JPEG and CR2.</summary>
    public sealed class ShotExif
    {
        public string Model { get; set; } = "Canon PowerShot";
        public DateTime Time { get; set; }
        public int Tv96 { get; set; }
        public int Av96 { get; set; }
        public int IsoMarket { get; set; } = 100;
    }

    /// <summary>
    /// The files the Canon firmware writes for a shot: a baseline JPEG (encoded with StbImageWriteSharp, with an
    /// EXIF APP1 segment in front) and a CR2-shaped TIFF. The CR2 carries the CR2 signature, the JPEG as IFD0's
    /// preview strip and the sensor values, unpacked to 16 bits and uncompressed, in a CFA IFD: enough for tools
    /// that walk the structure, not a lossless-JPEG raw that Canon raw decoders can develop.
    /// </summary>
    public static class ImageFiles
    {
        /// <summary>Encodes <paramref name="image"/> as a JPEG with an EXIF segment.</summary>
        public static byte[] Jpeg(RgbImage image, int quality, ShotExif exif)
        {
            if (image == null) throw new ArgumentNullException(nameof(image));
            byte[] plain;
            using (var ms = new MemoryStream(image.Width * image.Height / 4 + 4096))
            {
                new ImageWriter().WriteJpg(image.Pixels, image.Width, image.Height, ColorComponents.RedGreenBlue, ms, Math.Max(1, Math.Min(100, quality)));
                plain = ms.ToArray();
            }
            if (exif == null) return plain;
            var tiff = ExifTiff(exif, image.Width, image.Height);
            int segLength = 2 + 6 + tiff.Length;
            if (segLength > 0xFFFF) return plain;
            var r = new byte[plain.Length + 2 + segLength];
            r[0] = 0xFF; r[1] = 0xD8;
            r[2] = 0xFF; r[3] = 0xE1;
            r[4] = (byte)(segLength >> 8); r[5] = (byte)segLength;
            r[6] = (byte)'E'; r[7] = (byte)'x'; r[8] = (byte)'i'; r[9] = (byte)'f'; r[10] = 0; r[11] = 0;
            Buffer.BlockCopy(tiff, 0, r, 12, tiff.Length);
            Buffer.BlockCopy(plain, 2, r, 12 + tiff.Length, plain.Length - 2);
            return r;
        }

        /// <summary>Offset of a JPEG's SOS marker (where the entropy-coded scan begins): everything before it is header.</summary>
        public static int JpegHeaderLength(byte[] jpeg)
        {
            int p = 2;
            while (p + 4 <= jpeg.Length && jpeg[p] == 0xFF)
            {
                byte marker = jpeg[p + 1];
                if (marker == 0xDA) return p;
                int len = jpeg[p + 2] << 8 | jpeg[p + 3];
                p += 2 + len;
            }
            return Math.Min(jpeg.Length, 2);
        }

        private static byte[] ExifTiff(ShotExif exif, int width, int height)
        {
            var tiff = new TiffBuilder();
            var ifd0 = tiff.AddIfd(chain: true);
            var sub = tiff.AddIfd(chain: false);
            string when = exif.Time.ToString("yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture);
            ifd0.Ascii(0x010F, "Canon")
                .Ascii(0x0110, exif.Model)
                .Short(0x0112, 1)
                .Rational(0x011A, (180, 1))
                .Rational(0x011B, (180, 1))
                .Short(0x0128, 2)
                .Ascii(0x0132, when)
                .Short(0x0213, 1)
                .LongLater(0x8769, () => tiff.OffsetOf(sub));
            AddExposure(sub, exif);
            sub.Undefined(0x9000, new[] { (byte)'0', (byte)'2', (byte)'3', (byte)'0' })
               .Ascii(0x9003, when)
               .Undefined(0x9101, new byte[] { 1, 2, 3, 0 })
               .Ascii(0x9291, (exif.Time.Millisecond / 10).ToString("00", CultureInfo.InvariantCulture))
               .Undefined(0xA000, new[] { (byte)'0', (byte)'1', (byte)'0', (byte)'0' })
               .Short(0xA001, 1)
               .Long(0xA002, (uint)width)
               .Long(0xA003, (uint)height);
            return tiff.Build(0);
        }

        private static void AddExposure(TiffIfd ifd, ShotExif exif)
        {
            double seconds = Math.Pow(2, -exif.Tv96 / 96.0);
            ifd.Rational(0x829A, ((uint)Math.Max(1, Math.Round(seconds * 1000000)), 1000000))
               .Rational(0x829D, ((uint)Math.Round(10 * Math.Pow(2, exif.Av96 / 192.0)), 10))
               .Short(0x8827, (ushort)Math.Max(0, Math.Min(65535, exif.IsoMarket)));
        }

        /// <summary>A CR2-shaped TIFF: preview JPEG in IFD0, 16-bit CFA sensor values in the raw IFD.</summary>
        public static byte[] Cr2(byte[] jpeg, int jpegWidth, int jpegHeight, ushort[] sensorValues, SensorGeometry g, ShotExif exif)
        {
            var tiff = new TiffBuilder { ExtraHeader = new byte[] { (byte)'C', (byte)'R', 2, 0, 0, 0, 0, 0 } };
            var ifd0 = tiff.AddIfd(chain: true);
            var exifIfd = tiff.AddIfd(chain: false);
            var raw = tiff.AddIfd(chain: true);
            int headerLength = 0;
            int rawBytes = g.Width * g.Height * 2;
            string when = exif.Time.ToString("yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture);
            ifd0.Long(0x0100, (uint)jpegWidth)
                .Long(0x0101, (uint)jpegHeight)
                .Short(0x0102, 8, 8, 8)
                .Short(0x0103, 6)                       // old-style JPEG: the preview
                .Ascii(0x010F, "Canon")
                .Ascii(0x0110, exif.Model)
                .LongLater(0x0111, () => (uint)headerLength)
                .Short(0x0112, 1)
                .Long(0x0117, (uint)jpeg.Length)
                .Ascii(0x0132, when)
                .LongLater(0x8769, () => tiff.OffsetOf(exifIfd));
            AddExposure(exifIfd, exif);
            exifIfd.Ascii(0x9003, when);
            raw.Long(0x0100, (uint)g.Width)
               .Long(0x0101, (uint)g.Height)
               .Short(0x0102, 16)
               .Short(0x0103, 1)
               .Short(0x0106, 0x8023)
               .LongLater(0x0111, () => (uint)(headerLength + jpeg.Length + (jpeg.Length & 1)))
               .Short(0x0115, 1)
               .Long(0x0116, (uint)g.Height)
               .Long(0x0117, (uint)rawBytes)
               .Short(0x828D, 2, 2)
               .Bytes(0x828E, 0, 1, 1, 2)
               .Long(0xC61A, (uint)g.BlackLevel)
               .Long(0xC61D, (uint)g.WhiteLevel);
            headerLength = (tiff.Measure() + 15) / 16 * 16;
            var head = tiff.Build(headerLength);
            TiffIfd.Put32(head, 12, tiff.OffsetOf(raw)); // CR2 header: offset of the raw IFD
            var file = new byte[headerLength + jpeg.Length + (jpeg.Length & 1) + rawBytes];
            Buffer.BlockCopy(head, 0, file, 0, headerLength);
            Buffer.BlockCopy(jpeg, 0, file, headerLength, jpeg.Length);
            int o = headerLength + jpeg.Length + (jpeg.Length & 1);
            for (int i = 0; i < g.Width * g.Height; i++)
            {
                file[o + 2 * i] = (byte)sensorValues[i];
                file[o + 2 * i + 1] = (byte)(sensorValues[i] >> 8);
            }
            return file;
        }
    }
}
