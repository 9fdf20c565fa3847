using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ChdkPtp.Protocol.Chdk.Capture;

namespace ChdkPtp.Protocol.Tests.Capture
{
    /// <summary>A little-endian DNG header as CHDK lays it out: IFD 0 = RGB thumbnail, SubIFD 0 = CFA raw.</summary>
    internal sealed class SyntheticDng
    {
        public int ThumbWidth = 4, ThumbHeight = 3;
        public int Width = 8, Height = 6, Bits = 12;
        public int Black = 0, White = 4095;
        public byte[] Cfa = { 0, 1, 1, 2 };
        public int GapBeforeThumb, GapBeforeRaw;
        public int[] ActiveArea; // top, left, bottom, right

        public int ThumbLength => ThumbWidth * ThumbHeight * 3;
        public int RowBytes => Width * Bits / 8;
        public int StripLength => RowBytes * Height;
        public int HeaderLength { get; private set; }
        public int ThumbOffset { get; private set; }
        public int RawOffset { get; private set; }

        private sealed class Entry
        {
            public ushort Tag, Type;
            public uint Count;
            public byte[] Data; // already little-endian
        }

        private static Entry Short(ushort tag, params int[] v) => new Entry { Tag = tag, Type = 3, Count = (uint)v.Length, Data = v.SelectMany(x => BitConverter.GetBytes((ushort)x)).ToArray() };
        private static Entry Long(ushort tag, params int[] v) => new Entry { Tag = tag, Type = 4, Count = (uint)v.Length, Data = v.SelectMany(x => BitConverter.GetBytes((uint)x)).ToArray() };
        private static Entry Bytes(ushort tag, params byte[] v) => new Entry { Tag = tag, Type = 1, Count = (uint)v.Length, Data = v };

        public byte[] Build()
        {
            // First pass with placeholder offsets to learn the sizes, second pass with the real ones.
            byte[] h = Layout(0, 0, 0);
            int headerLength = (h.Length + 3) & ~3;
            HeaderLength = headerLength;
            ThumbOffset = headerLength + GapBeforeThumb;
            RawOffset = ThumbOffset + ThumbLength + GapBeforeRaw;
            h = Layout(ThumbOffset, RawOffset, headerLength);
            return h;
        }

        private byte[] Layout(int thumbOffset, int rawOffset, int padTo)
        {
            var ifd0 = new List<Entry>
            {
                Long(254, 1), Long(256, ThumbWidth), Long(257, ThumbHeight), Short(258, 8, 8, 8), Short(259, 1), Short(262, 2),
                Long(273, thumbOffset), Short(277, 3), Long(278, ThumbHeight), Long(279, ThumbLength), Long(330, 0),
            };
            var sub = new List<Entry>
            {
                Long(254, 0), Long(256, Width), Long(257, Height), Short(258, Bits), Short(259, 1), Short(262, 32803),
                Long(273, rawOffset), Short(277, 1), Long(278, Height), Long(279, StripLength),
                Short(33421, 2, 2), Bytes(33422, Cfa), Long(50714, Black), Long(50717, White),
            };
            if (ActiveArea != null) sub.Add(Long(50829, ActiveArea));
            var buf = new List<byte>();
            buf.AddRange(new byte[] { (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0 });
            // IFD0 at 8, its out-of-line values right after it, then the SubIFD and its values.
            int ifd0At = 8;
            int ifd0Size = 2 + 12 * ifd0.Count + 4;
            int ifd0Extra = ifd0.Where(e => e.Data.Length > 4).Sum(e => e.Data.Length);
            int subAt = ifd0At + ifd0Size + ifd0Extra;
            ifd0[10] = Long(330, subAt);
            WriteIfd(buf, ifd0, ifd0At);
            WriteIfd(buf, sub, subAt);
            while (buf.Count < padTo) buf.Add(0);
            return buf.ToArray();
        }

        private static void WriteIfd(List<byte> buf, List<Entry> entries, int at)
        {
            if (buf.Count != at) throw new InvalidOperationException("layout");
            int extraAt = at + 2 + 12 * entries.Count + 4;
            var extra = new List<byte>();
            buf.AddRange(BitConverter.GetBytes((ushort)entries.Count));
            foreach (var e in entries)
            {
                buf.AddRange(BitConverter.GetBytes(e.Tag));
                buf.AddRange(BitConverter.GetBytes(e.Type));
                buf.AddRange(BitConverter.GetBytes(e.Count));
                if (e.Data.Length <= 4)
                {
                    var v = new byte[4];
                    Array.Copy(e.Data, v, e.Data.Length);
                    buf.AddRange(v);
                }
                else
                {
                    buf.AddRange(BitConverter.GetBytes((uint)(extraAt + extra.Count)));
                    extra.AddRange(e.Data);
                }
            }
            buf.AddRange(new byte[4]);
            buf.AddRange(extra);
        }

        /// <summary>Samples packed MSB first (the DNG strip order), for 12 bits.</summary>
        public static byte[] Pack12(int[] samples)
        {
            var r = new byte[samples.Length * 3 / 2];
            for (int i = 0, o = 0; i < samples.Length; i += 2, o += 3)
            {
                int a = samples[i], b = samples[i + 1];
                r[o] = (byte)(a >> 4);
                r[o + 1] = (byte)(((a & 0xF) << 4) | (b >> 8));
                r[o + 2] = (byte)b;
            }
            return r;
        }

        /// <summary>What the camera sends: the strip with every byte pair swapped.</summary>
        public static byte[] CameraOrder(byte[] strip)
        {
            var r = (byte[])strip.Clone();
            for (int i = 0; i + 1 < r.Length; i += 2) (r[i], r[i + 1]) = (r[i + 1], r[i]);
            return r;
        }
    }

    public sealed class DngAssemblerTests
    {
        private static byte[] Random(int n, int seed)
        {
            var b = new byte[n];
            new Random(seed).NextBytes(b);
            return b;
        }

        private static byte[] Swapped(byte[] data)
        {
            var r = (byte[])data.Clone();
            for (int i = 0; i + 1 < r.Length; i += 2) { var t = r[i]; r[i] = r[i + 1]; r[i + 1] = t; }
            return r;
        }

        [Fact]
        public void Byte_pairs_are_swapped_and_an_odd_last_byte_stays()
        {
            var d = new byte[] { 1, 2, 3, 4, 5 };
            DngAssembler.SwapBytePairs(d, 0, 5);
            Assert.Equal(new byte[] { 2, 1, 4, 3, 5 }, d);
            var e = new byte[] { 9, 1, 2, 3, 4, 9 };
            DngAssembler.SwapBytePairs(e, 1, 4);
            Assert.Equal(new byte[] { 9, 2, 1, 4, 3, 9 }, e);
        }

        [Fact]
        public void The_header_is_read_from_its_tiff_ifds()
        {
            var dng = new SyntheticDng { ActiveArea = new[] { 0, 2, 6, 8 }, Black = 128 };
            var l = DngLayout.Parse(dng.Build());
            Assert.Equal((4, 3, 3, 8), (l.ThumbnailWidth, l.ThumbnailHeight, l.ThumbnailSamples, l.ThumbnailBits));
            Assert.Equal(dng.ThumbOffset, l.ThumbnailOffset);
            Assert.Equal(36L, l.ThumbnailLength);
            Assert.Equal((8, 6, 12), (l.Width, l.Height, l.BitsPerSample));
            Assert.Equal(dng.RawOffset, l.RawOffset);
            Assert.Equal(72L, l.RawLength);
            Assert.Equal(12L, l.RowBytes);
            Assert.Equal(new byte[] { 0, 1, 1, 2 }, l.CfaPattern);
            Assert.Equal((0, 2, 6, 8), (l.ActiveTop, l.ActiveLeft, l.ActiveBottom, l.ActiveRight));
            Assert.Equal((128, 4095), (l.BlackLevel, l.WhiteLevel));
        }

        [Fact]
        public void A_full_image_is_header_then_thumbnail_then_every_byte_pair_swapped()
        {
            var dng = new SyntheticDng();
            var header = dng.Build();
            var raw = Random(dng.StripLength, 1);
            var expectedStrip = Swapped(raw);
            var output = new MemoryStream();
            var warnings = new List<string>();
            long n = DngAssembler.Write(output, header, (byte[])raw.Clone(), raw.Length, 0, false, warnings.Add);
            var file = output.ToArray();

            Assert.Empty(warnings);
            Assert.Equal(file.Length, n);
            Assert.Equal(dng.RawOffset + dng.StripLength, file.Length);
            Assert.Equal(header, file.Take(header.Length));
            var thumb = DngAssembler.BuildThumbnail(DngLayout.Parse(header), expectedStrip, expectedStrip.Length, 0);
            Assert.Equal(thumb, file.Skip(dng.ThumbOffset).Take(dng.ThumbLength));
            Assert.Equal(expectedStrip, file.Skip(dng.RawOffset));
        }

        [Fact]
        public void A_line_range_is_padded_with_ff_before_and_after_at_width_times_start_times_bits_over_8()
        {
            var dng = new SyntheticDng();
            var header = dng.Build();
            int start = 2, lines = 3;
            var raw = Random(dng.RowBytes * lines, 2);
            var output = new MemoryStream();
            var warnings = new List<string>();
            DngAssembler.Write(output, header, (byte[])raw.Clone(), raw.Length, start, true, warnings.Add);
            var file = output.ToArray();

            Assert.Empty(warnings);
            Assert.Equal(dng.RawOffset + dng.StripLength, file.Length);
            var strip = file.Skip(dng.RawOffset).ToArray();
            int before = dng.Width * start * dng.Bits / 8;
            Assert.Equal(24, before);
            var expected = Enumerable.Repeat((byte)0xFF, before).Concat(Swapped(raw)).Concat(Enumerable.Repeat((byte)0xFF, dng.StripLength - before - raw.Length)).ToArray();
            Assert.Equal(expected, strip);
            Assert.Equal(header, file.Take(header.Length));
        }

        [Fact]
        public void Gaps_the_header_leaves_before_the_thumbnail_and_the_strip_are_zero()
        {
            var dng = new SyntheticDng { GapBeforeThumb = 8, GapBeforeRaw = 4 };
            var header = dng.Build();
            var raw = Random(dng.StripLength, 3);
            var output = new MemoryStream();
            DngAssembler.Write(output, header, (byte[])raw.Clone(), raw.Length, 0, false);
            var file = output.ToArray();
            Assert.Equal(new byte[8], file.Skip(header.Length).Take(8));
            Assert.Equal(new byte[4], file.Skip(dng.ThumbOffset + dng.ThumbLength).Take(4));
            Assert.Equal(Swapped(raw), file.Skip(dng.RawOffset));
        }

        [Fact]
        public void Short_raw_without_a_line_range_is_padded_with_a_warning_and_long_raw_is_kept()
        {
            var dng = new SyntheticDng();
            var header = dng.Build();
            var warnings = new List<string>();
            var output = new MemoryStream();
            DngAssembler.Write(output, header, new byte[60], 60, 0, false, warnings.Add);
            Assert.Single(warnings);
            Assert.Equal(dng.RawOffset + dng.StripLength, output.Length);
            Assert.Equal(Enumerable.Repeat((byte)0xFF, 12), output.ToArray().Skip(dng.RawOffset + 60));

            warnings.Clear();
            output = new MemoryStream();
            DngAssembler.Write(output, header, new byte[80], 80, 0, false, warnings.Add);
            Assert.Single(warnings);
            Assert.Equal(dng.RawOffset + 80, output.Length);
        }

        private static byte Tone(double v, double black, double white)
        {
            double lin = (v - black) / (white - black);
            if (lin <= 0) return 0;
            if (lin >= 1) return 255;
            return (byte)Math.Round(255 * Math.Sqrt(lin));
        }

        [Fact]
        public void The_thumbnail_takes_each_2x2_cfa_cell_as_red_mean_green_blue_on_a_square_root_curve()
        {
            var dng = new SyntheticDng { Black = 100, White = 4000 };
            var header = dng.Build();
            // 8×6 sensor, 4×3 thumbnail: thumbnail pixel (tx, ty) is the cell at (2tx, 2ty). RGGB.
            var samples = new int[dng.Width * dng.Height];
            var rnd = new Random(5);
            for (int i = 0; i < samples.Length; i++) samples[i] = rnd.Next(0, 4096);
            var strip = SyntheticDng.Pack12(samples);
            var output = new MemoryStream();
            DngAssembler.Write(output, header, SyntheticDng.CameraOrder(strip), strip.Length, 0, false);
            var thumb = output.ToArray().Skip(dng.ThumbOffset).Take(dng.ThumbLength).ToArray();
            for (int ty = 0; ty < 3; ty++)
                for (int tx = 0; tx < 4; tx++)
                {
                    int x = 2 * tx, y = 2 * ty;
                    int r = samples[y * 8 + x], g1 = samples[y * 8 + x + 1], g2 = samples[(y + 1) * 8 + x], b = samples[(y + 1) * 8 + x + 1];
                    int o = (ty * 4 + tx) * 3;
                    Assert.Equal(Tone(r, 100, 4000), thumb[o]);
                    Assert.Equal(Tone((g1 + g2) / 2.0, 100, 4000), thumb[o + 1]);
                    Assert.Equal(Tone(b, 100, 4000), thumb[o + 2]);
                }
            // saturated and black cells give 255 and 0
            Assert.Equal(255, Tone(4095, 100, 4000));
            Assert.Equal(0, Tone(50, 100, 4000));
        }

        [Fact]
        public void Thumbnail_rows_outside_a_line_range_read_as_the_ff_padding()
        {
            var dng = new SyntheticDng();
            var header = dng.Build();
            // rows 2..3 received, all zero; the other rows are padding (all ones = white)
            var raw = new byte[dng.RowBytes * 2];
            var output = new MemoryStream();
            DngAssembler.Write(output, header, raw, raw.Length, 2, true);
            var thumb = output.ToArray().Skip(dng.ThumbOffset).Take(dng.ThumbLength).ToArray();
            Assert.All(thumb.Take(12), b => Assert.Equal(255, b));           // thumbnail row 0 ← sensor rows 0-1
            Assert.All(thumb.Skip(12).Take(12), b => Assert.Equal(0, b));    // row 1 ← rows 2-3
            Assert.All(thumb.Skip(24), b => Assert.Equal(255, b));           // row 2 ← rows 4-5
        }

        [Fact]
        public void A_thumbnail_that_cannot_be_made_is_black_with_a_warning()
        {
            var dng = new SyntheticDng { Bits = 20, White = (1 << 20) - 1 };
            var header = dng.Build();
            var warnings = new List<string>();
            var output = new MemoryStream();
            DngAssembler.Write(output, header, Random(dng.StripLength, 9), dng.StripLength, 0, false, warnings.Add);
            Assert.Equal(new byte[dng.ThumbLength], output.ToArray().Skip(dng.ThumbOffset).Take(dng.ThumbLength));
            Assert.Contains(warnings, w => w.Contains("left black"));
        }

        [Fact]
        public void Chdks_128x96_thumbnail_size_comes_from_the_header()
        {
            var dng = new SyntheticDng { ThumbWidth = 128, ThumbHeight = 96, Width = 256, Height = 192 };
            var header = dng.Build();
            var output = new MemoryStream();
            DngAssembler.Write(output, header, Random(dng.StripLength, 4), dng.StripLength, 0, false);
            Assert.Equal(36864, dng.ThumbLength);
            Assert.Equal(dng.RawOffset + dng.StripLength, output.Length);
        }

        [Fact]
        public void An_unreadable_or_overlapping_header_is_a_capture_error()
        {
            var e1 = Assert.Throws<ChdkCaptureException>(() => DngAssembler.Write(new MemoryStream(), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, new byte[4], 4, 0, false));
            Assert.Equal(CaptureFailure.BadDngHeader, e1.Reason);
            var dng = new SyntheticDng();
            var header = dng.Build();
            // claim a shorter thumbnail offset than the header is long
            var bad = header.Concat(new byte[16]).ToArray();
            var e2 = Assert.Throws<ChdkCaptureException>(() => DngAssembler.Write(new MemoryStream(), bad, new byte[72], 72, 0, false));
            Assert.Equal(CaptureFailure.BadDngHeader, e2.Reason);
            Assert.Throws<ChdkCaptureException>(() => DngAssembler.Write(new MemoryStream(), header.Take(40).ToArray(), new byte[72], 72, 0, false));
        }
    }
}
