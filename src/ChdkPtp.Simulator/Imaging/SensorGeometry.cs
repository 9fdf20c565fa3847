using System;

namespace ChdkPtp.Simulator.Imaging
{
    /// <summary>
    /// The simulated sensor as CHDK's <c>camera_sensor</c> describes it: the full raw buffer (active area plus
    /// masked borders), its packing depth, black and white levels, the active area and the Bayer pattern
    /// (red-green / green-blue, CHDK's 0x02010100).
    /// </summary>
    public sealed class SensorGeometry
    {
        /// <summary>CHDK's cfa_pattern for R G / G B, stored little-endian as the DNG CFAPattern bytes 0 1 1 2.</summary>
        public const uint CfaPatternRggb = 0x02010100;

        public SensorGeometry(int activeWidth, int activeHeight, int maskedLeft, int maskedTop, int bitsPerPixel)
        {
            if (bitsPerPixel != 10 && bitsPerPixel != 12 && bitsPerPixel != 14)
                throw new ArgumentOutOfRangeException(nameof(bitsPerPixel), bitsPerPixel, "CHDK packs raw data at 10, 12 or 14 bits per pixel.");
            if (activeWidth < 16 || activeHeight < 16 || activeWidth > 16384 || activeHeight > 16384 || activeWidth % 2 != 0 || activeHeight % 2 != 0)
                throw new ArgumentOutOfRangeException(nameof(activeWidth), "The active area must be even-sized, 16 to 16384 pixels each way.");
            if (maskedLeft < 0 || maskedTop < 0 || maskedLeft > 1024 || maskedTop > 1024 || maskedLeft % 2 != 0 || maskedTop % 2 != 0)
                throw new ArgumentOutOfRangeException(nameof(maskedLeft), "The masked borders must be even, 0 to 1024 pixels.");
            BitsPerPixel = bitsPerPixel;
            ActiveWidth = activeWidth;
            ActiveHeight = activeHeight;
            ActiveLeft = maskedLeft;
            ActiveTop = maskedTop;
            // at least 8 masked columns on the right, and a row length that is a whole number of 16-pixel groups,
            // so every row packs to an even number of bytes at any depth
            Width = (maskedLeft + activeWidth + 8 + 15) / 16 * 16;
            Height = maskedTop + activeHeight + 8;
            BlackLevel = (1 << (bitsPerPixel - 5)) - 1;
            WhiteLevel = (1 << bitsPerPixel) - 1;
        }

        /// <summary>Pixels per raw row (CHDK raw_rowpix).</summary>
        public int Width { get; }

        /// <summary>Raw rows (CHDK raw_rows).</summary>
        public int Height { get; }

        public int BitsPerPixel { get; }

        public int ActiveLeft { get; }
        public int ActiveTop { get; }
        public int ActiveWidth { get; }
        public int ActiveHeight { get; }
        public int ActiveRight => ActiveLeft + ActiveWidth;
        public int ActiveBottom => ActiveTop + ActiveHeight;

        public int BlackLevel { get; }
        public int WhiteLevel { get; }

        /// <summary>Bytes per packed row (CHDK raw_rowlen).</summary>
        public int RowBytes => Width * BitsPerPixel / 8;

        /// <summary>Bytes of the whole packed buffer (CHDK raw_size).</summary>
        public int RawSize => RowBytes * Height;

        /// <summary>Colour of the photosite at (x, y): 0 red, 1 green, 2 blue.</summary>
        public static int CfaColor(int x, int y) => (y & 1) == 0 ? ((x & 1) == 0 ? 0 : 1) : ((x & 1) == 0 ? 1 : 2);

        public static SensorGeometry FromOptions(SimulatorOptions o) =>
            new SensorGeometry(o.RawActiveWidth, o.RawActiveHeight, o.RawMaskedLeft, o.RawMaskedTop, o.RawBitsPerPixel);
    }
}
