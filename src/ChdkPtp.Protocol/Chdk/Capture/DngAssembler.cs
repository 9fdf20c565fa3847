using System;
using System.IO;

namespace ChdkPtp.Protocol.Chdk.Capture
{
    /// <summary>
    /// Puts a DNG file together from what remote capture delivers (PROTOCOL.md §5.4): the DNG header, a
    /// thumbnail the host makes, and the raw data with every byte pair swapped. When only some sensor lines
    /// were captured, the strip is padded to its full size with 0xFF bytes before and after the received rows.
    /// </summary>
    public static class DngAssembler
    {
        /// <summary>Swaps bytes i and i+1 for every even i in the range (CHDK raw is little-endian 16-bit words;
        /// DNG strips are big-endian bit streams). An odd last byte stays.</summary>
        public static void SwapBytePairs(byte[] data, int offset, int count)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            if (offset < 0 || count < 0 || offset + count > data.Length) throw new ArgumentOutOfRangeException(nameof(count));
            int end = offset + (count & ~1);
            for (int i = offset; i < end; i += 2)
            {
                byte t = data[i];
                data[i] = data[i + 1];
                data[i + 1] = t;
            }
        }

        /// <summary>
        /// Writes the DNG to <paramref name="output"/>: the header, zeros up to IFD 0's strip offset, the thumbnail
        /// (<see cref="BuildThumbnail"/>), zeros up to SubIFD 0's strip offset, then the raw strip: 0xFF bytes for
        /// the rows before <paramref name="startLine"/> (width·startLine·bits/8 bytes), the received data
        /// byte-pair-swapped (<b>in place</b> in <paramref name="raw"/>), and 0xFF bytes up to the strip's
        /// StripByteCounts. Returns the number of bytes written.
        /// </summary>
        /// <param name="output">Where the file goes (written sequentially).</param>
        /// <param name="header">The DNG header as received.</param>
        /// <param name="raw">The raw data as received; swapped in place.</param>
        /// <param name="rawCount">Bytes of <paramref name="raw"/> to use.</param>
        /// <param name="startLine">First sensor line received (0 for the whole image).</param>
        /// <param name="subImage">True when a line range was requested: a short strip is then expected and padded
        /// without a warning.</param>
        /// <param name="warning">Receives warnings (thumbnail not made, sizes that do not match).</param>
        /// <exception cref="ChdkCaptureException">The header cannot be read or its offsets overlap (<see cref="CaptureFailure.BadDngHeader"/>).</exception>
        public static long Write(Stream output, byte[] header, byte[] raw, int rawCount, int startLine, bool subImage, Action<string> warning = null)
        {
            if (output == null) throw new ArgumentNullException(nameof(output));
            if (header == null) throw new ArgumentNullException(nameof(header));
            if (raw == null) throw new ArgumentNullException(nameof(raw));
            if (rawCount < 0 || rawCount > raw.Length) throw new ArgumentOutOfRangeException(nameof(rawCount));
            if (startLine < 0) throw new ArgumentOutOfRangeException(nameof(startLine));
            DngLayout l;
            try { l = DngLayout.Parse(header); }
            catch (FormatException ex)
            {
                throw new ChdkCaptureException(CaptureFailure.BadDngHeader, "The DNG header the camera sent cannot be read: " + ex.Message, ex);
            }
            if (l.ThumbnailOffset < header.Length)
                throw new ChdkCaptureException(CaptureFailure.BadDngHeader, $"The DNG header puts the thumbnail at {l.ThumbnailOffset}, inside the {header.Length}-byte header.");
            if (l.RawOffset < l.ThumbnailOffset + l.ThumbnailLength)
                throw new ChdkCaptureException(CaptureFailure.BadDngHeader, $"The DNG header puts the raw strip at {l.RawOffset}, before the end of the thumbnail ({l.ThumbnailOffset} + {l.ThumbnailLength}).");

            long before = (long)l.Width * startLine * l.BitsPerSample / 8;
            long after = l.RawLength - before - rawCount;
            if (after < 0)
            {
                warning?.Invoke($"The raw data ({rawCount} bytes from line {startLine}) is longer than the DNG strip ({l.RawLength} bytes); it is written as received.");
                after = 0;
            }
            else if (after > 0 && !subImage)
            {
                warning?.Invoke($"The camera sent {rawCount} bytes of raw data; the DNG header describes {l.RawLength}. The rest is padded with 0xFF.");
            }

            SwapBytePairs(raw, 0, rawCount);
            var thumb = BuildThumbnail(l, raw, rawCount, before, warning);

            long written = 0;
            output.Write(header, 0, header.Length);
            written += header.Length;
            written += Fill(output, 0x00, l.ThumbnailOffset - written);
            output.Write(thumb, 0, thumb.Length);
            written += thumb.Length;
            written += Fill(output, 0x00, l.RawOffset - written);
            written += Fill(output, 0xFF, before);
            output.Write(raw, 0, rawCount);
            written += rawCount;
            written += Fill(output, 0xFF, after);
            return written;
        }

        private static long Fill(Stream s, byte value, long count)
        {
            if (count <= 0) return 0;
            var buf = new byte[(int)Math.Min(count, 64 * 1024)];
            if (value != 0) for (int i = 0; i < buf.Length; i++) buf[i] = value;
            long left = count;
            while (left > 0)
            {
                int n = (int)Math.Min(left, buf.Length);
                s.Write(buf, 0, n);
                left -= n;
            }
            return count;
        }

        /// <summary>
        /// An RGB thumbnail of IFD 0's size (128×96 from CHDK) from the swapped raw strip: each thumbnail pixel
        /// takes the 2×2 CFA cell at the matching place of the active area (red, the mean of the greens, blue;
        /// the mean of the four as grey without a 2×2 CFA pattern), scaled from black level..white level to
        /// 0..255 with a square-root curve. Rows outside the received range read as all-ones (the 0xFF padding).
        /// If the thumbnail is not 8-bit RGB, or the raw is not 8 to 16 bits, or anything fails, the result is
        /// all zeros (and a warning).
        /// </summary>
        /// <param name="layout">The parsed header.</param>
        /// <param name="swapped">Raw data already byte-pair-swapped.</param>
        /// <param name="count">Bytes of <paramref name="swapped"/> holding data.</param>
        /// <param name="stripOffset">Where that data starts in the full strip (the padding before it).</param>
        /// <param name="warning">Receives the reason when the thumbnail is left black.</param>
        public static byte[] BuildThumbnail(DngLayout layout, byte[] swapped, int count, long stripOffset, Action<string> warning = null)
        {
            if (layout == null) throw new ArgumentNullException(nameof(layout));
            long len = layout.ThumbnailLength;
            if (len > 64L * 1024 * 1024) throw new ChdkCaptureException(CaptureFailure.BadDngHeader, $"The DNG header asks for a {len}-byte thumbnail.");
            var thumb = new byte[len];
            int tw = layout.ThumbnailWidth, th = layout.ThumbnailHeight;
            if (layout.ThumbnailSamples != 3 || layout.ThumbnailBits != 8 || (long)tw * th * 3 != len)
            {
                warning?.Invoke($"The DNG thumbnail is not 8-bit RGB of {tw}×{th} ({layout.ThumbnailSamples} samples of {layout.ThumbnailBits} bits, {len} bytes); it is left black.");
                return thumb;
            }
            int bpp = layout.BitsPerSample;
            if (bpp < 8 || bpp > 16)
            {
                warning?.Invoke($"The raw data has {bpp} bits per sample; only 8 to 16 can be read for the thumbnail, which is left black.");
                return thumb;
            }
            try
            {
                var px = new PixelReader(swapped, count, stripOffset, layout.RowBytes, bpp);
                int aw = layout.ActiveRight - layout.ActiveLeft, ah = layout.ActiveBottom - layout.ActiveTop;
                if (aw < 2 || ah < 2 || tw == 0 || th == 0) return thumb;
                double range = Math.Max(1, layout.WhiteLevel - layout.BlackLevel);
                var cfa = layout.CfaPattern;
                int o = 0;
                for (int ty = 0; ty < th; ty++)
                {
                    int y = Cell(layout.ActiveTop, ah, ty, th);
                    for (int tx = 0; tx < tw; tx++)
                    {
                        int x = Cell(layout.ActiveLeft, aw, tx, tw);
                        int v00 = px.Sample(x, y), v01 = px.Sample(x + 1, y), v10 = px.Sample(x, y + 1), v11 = px.Sample(x + 1, y + 1);
                        double r, g, b;
                        if (cfa != null)
                        {
                            double[] sum = new double[3];
                            int[] n = new int[3];
                            Add(sum, n, cfa[0], v00);
                            Add(sum, n, cfa[1], v01);
                            Add(sum, n, cfa[2], v10);
                            Add(sum, n, cfa[3], v11);
                            r = n[0] > 0 ? sum[0] / n[0] : 0;
                            g = n[1] > 0 ? sum[1] / n[1] : 0;
                            b = n[2] > 0 ? sum[2] / n[2] : 0;
                        }
                        else
                        {
                            r = g = b = (v00 + v01 + v10 + v11) / 4.0;
                        }
                        thumb[o++] = Tone(r, layout.BlackLevel, range);
                        thumb[o++] = Tone(g, layout.BlackLevel, range);
                        thumb[o++] = Tone(b, layout.BlackLevel, range);
                    }
                }
            }
            catch (Exception ex) when (ex is IndexOutOfRangeException || ex is ArgumentException || ex is OverflowException)
            {
                Array.Clear(thumb, 0, thumb.Length);
                warning?.Invoke("The DNG thumbnail could not be made (" + ex.Message + "); it is left black.");
            }
            return thumb;
        }

        /// <summary>The even-aligned (relative to <paramref name="start"/>) first coordinate of the 2×2 cell for
        /// thumbnail position <paramref name="t"/> of <paramref name="tn"/> over <paramref name="n"/> pixels.</summary>
        private static int Cell(int start, int n, int t, int tn)
        {
            long c = ((2L * t + 1) * n) / (2L * tn);
            c &= ~1L;
            if (c + 1 >= n) c = (n - 2) & ~1;
            return start + (int)c;
        }

        private static void Add(double[] sum, int[] n, byte color, int v)
        {
            if (color > 2) return;
            sum[color] += v;
            n[color]++;
        }

        private static byte Tone(double v, int black, double range)
        {
            double lin = (v - black) / range;
            if (lin <= 0) return 0;
            if (lin >= 1) return 255;
            return (byte)Math.Round(255.0 * Math.Sqrt(lin));
        }

        /// <summary>Reads MSB-first packed samples from the strip; bytes outside the received data are 0xFF.</summary>
        private sealed class PixelReader
        {
            private readonly byte[] _d;
            private readonly int _count;
            private readonly long _start;
            private readonly long _rowBits;
            private readonly int _bpp;
            private readonly int _mask;

            public PixelReader(byte[] data, int count, long start, long rowBytes, int bpp)
            {
                _d = data;
                _count = count;
                _start = start;
                _rowBits = rowBytes * 8;
                _bpp = bpp;
                _mask = (1 << bpp) - 1;
            }

            private int Byte(long stripIndex)
            {
                long i = stripIndex - _start;
                return i >= 0 && i < _count ? _d[i] : 0xFF;
            }

            public int Sample(int x, int y)
            {
                long bit = y * _rowBits + (long)x * _bpp;
                long at = bit >> 3;
                int shift = 24 - (int)(bit & 7) - _bpp;
                int word = Byte(at) << 16 | Byte(at + 1) << 8 | Byte(at + 2);
                return (word >> shift) & _mask;
            }
        }
    }
}
