using System;
using System.Linq;
using ChdkPtp.Protocol.Chdk.LiveView;

namespace ChdkPtp.Protocol.Tests.LiveView
{
    public sealed class LiveViewDecoderTests
    {
        // Worked by hand from R = clip(((Y<<12) + V*5743 + 2048) >> 12), G = clip(((Y<<12) - U*1411 - V*2925 + 2048) >> 12),
        // B = clip(((Y<<12) + U*7258 + 2048) >> 12): e.g. Y=100 U=50 V=-30: R = 239358>>12 = 58, G = 428848>>12 = 104,
        // B = 774548>>12 = 189; Y=10 U=0 V=-20: R = -71852>>12 = -18 -> 0 (arithmetic shift rounds down).
        [Theory]
        [InlineData(128, 0, 0, 128, 128, 128)]
        [InlineData(0, 0, 127, 178, 0, 0)]
        [InlineData(255, -128, -128, 76, 255, 28)]
        [InlineData(100, 50, -30, 58, 104, 189)]
        [InlineData(10, 0, -20, 0, 24, 10)]
        [InlineData(16, -1, -1, 15, 17, 14)]
        public void The_integer_formula_gives_the_worked_values(int y, int u, int v, int r, int g, int b)
        {
            LiveViewDecoder.YuvToRgb(y, u, v, out var rr, out var gg, out var bb);
            Assert.Equal((r, g, b), (rr, gg, bb));
            Assert.Equal((r, g, b), Reference.Rgb(y, u, v));
        }

        [Fact]
        public void The_fast_decoder_equals_the_formula_for_every_yuv_triple()
        {
            // One YUV8B row per (Y pair): 65,536 groups, one per (U, V), Y0 = y and Y1 = 255 - y; 128 rows cover every Y.
            var data = new byte[65536 * 4 * 128];
            for (int y = 0; y < 128; y++)
                for (int uv = 0; uv < 65536; uv++)
                {
                    int o = (y * 65536 + uv) * 4;
                    data[o] = (byte)(uv >> 8); data[o + 1] = (byte)y; data[o + 2] = (byte)uv; data[o + 3] = (byte)(255 - y);
                }
            var rgb = new byte[131072 * 128 * 3];
            LiveViewDecoder.DecodeYuv(LiveFramebufferType.Yuv8B, data, 65536 * 4, 131072, 128, false, rgb, 3);
            for (int y = 0; y < 128; y++)
                for (int uv = 0; uv < 65536; uv++)
                    for (int k = 0; k < 2; k++)
                    {
                        int yy = k == 0 ? y : 255 - y, u = (uv >> 8) - 128, v = (uv & 255) - 128;
                        var e = Reference.Rgb(yy, u, v);
                        int o = ((y * 65536 + uv) * 2 + k) * 3;
                        if (e != (rgb[o], rgb[o + 1], rgb[o + 2])) Assert.Fail($"Y={yy} U={u} V={v}: {(rgb[o], rgb[o + 1], rgb[o + 2])} != {e}");
                    }
        }

        [Fact]
        public void Yuv8_group_of_four_pixels_shares_signed_chroma()
        {
            // U=50 (0x32) Y0=100 V=-30 (0xE2) Y1=10 Y2=128 Y3=255 in a row of 4 pixels.
            var frame = new FrameBuilder { Minor = 0, Viewport = Fb.Of(0, 4, 4, 1, new byte[] { 0x32, 100, 0xE2, 10, 128, 255 }) };
            var img = LiveFrame.Parse(frame.Build()).GetViewportImage();
            Assert.Equal((4, 1, LivePixelFormat.Rgb24), (img.Width, img.Height, img.Format));
            var expected = new[] { 100, 10, 128, 255 }.SelectMany(y => { var c = Reference.Rgb(y, 50, -30); return new[] { c.R, c.G, c.B }; }).Select(x => (byte)x).ToArray();
            Assert.Equal(expected, img.Pixels);
            Assert.Equal(new byte[] { 58, 104, 189 }, img.Pixels.Take(3).ToArray());
        }

        [Fact]
        public void Yuv8b_chroma_is_offset_by_128_and_yuv8c_chroma_is_signed()
        {
            // U=0xB2 -> 50, V=0x62 -> -30 in YUV8B; the same meaning in YUV8C is 0x32, 0xE2.
            var b = LiveFrame.Parse(new FrameBuilder { Viewport = Fb.Of(2, 2, 2, 1, new byte[] { 0xB2, 100, 0x62, 10 }) }.Build()).GetViewportImage();
            var c = LiveFrame.Parse(new FrameBuilder { Viewport = Fb.Of(3, 2, 2, 1, new byte[] { 0x32, 100, 0xE2, 10 }) }.Build()).GetViewportImage();
            Assert.Equal(new byte[] { 58, 104, 189 }, b.Pixels.Take(3).ToArray());
            Assert.Equal(b.Pixels, c.Pixels);
        }

        [Theory]
        [InlineData(0, 720, 720, 240)]
        [InlineData(0, 736, 720, 7)]     // padded rows
        [InlineData(0, 24, 22, 3)]       // last group partly visible
        [InlineData(0, 24, 21, 3)]
        [InlineData(2, 640, 640, 11)]
        [InlineData(2, 16, 15, 4)]
        [InlineData(3, 20, 18, 5)]
        [InlineData(3, 10, 9, 2)]
        public void Yuv_buffers_match_the_reference_pixel_for_pixel(int type, int bw, int vw, int vh)
        {
            var rnd = new Random(type * 1000 + vw);
            var fb = Fb.Random(rnd, type, bw, vw, vh);
            foreach (var minor in new[] { 0, 1, 2 })
            foreach (var scramble in new[] { false, true })
            {
                var frame = LiveFrame.Parse(new FrameBuilder { Minor = minor, Viewport = fb, Scramble = scramble, Seed = vw }.Build());
                foreach (var half in new[] { false, true })
                {
                    var rgb = frame.GetViewportImage(half);
                    Assert.Equal(Reference.OutWidth(vw, half), rgb.Width);
                    Assert.Equal(vh, rgb.Height);
                    Assert.Equal(Reference.Yuv(fb, half, 3), rgb.Pixels);
                    var rgba = frame.GetViewportImage(half, LivePixelFormat.Rgba32);
                    Assert.Equal(Reference.Yuv(fb, half, 4), rgba.Pixels);
                }
            }
        }

        [Fact]
        public void Half_width_keeps_y0_y1_of_each_yuv8_group_and_y0_of_each_yuv8b_group()
        {
            // Grey pixels (chroma 0) whose Y is their index: the output names which samples were kept.
            var yuv8 = new byte[] { 0, 0, 0, 1, 2, 3, 0, 4, 0, 5, 6, 7 };
            var img = LiveFrame.Parse(new FrameBuilder { Viewport = Fb.Of(0, 8, 8, 1, yuv8) }.Build()).GetViewportImage(halfWidth: true);
            Assert.Equal(new byte[] { 0, 1, 4, 5 }, Enumerable.Range(0, 4).Select(i => img.Pixels[i * 3]).ToArray());
            var yuv8b = new byte[] { 128, 0, 128, 1, 128, 2, 128, 3 };
            img = LiveFrame.Parse(new FrameBuilder { Viewport = Fb.Of(2, 4, 4, 1, yuv8b) }.Build()).GetViewportImage(halfWidth: true);
            Assert.Equal(new byte[] { 0, 2 }, Enumerable.Range(0, 2).Select(i => img.Pixels[i * 3]).ToArray());
        }

        private static byte[] RandomPalette(Random rnd, int type)
        {
            var p = new byte[LiveViewDecoder.PaletteEntries(type) * 4];
            rnd.NextBytes(p);
            return p;
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        [InlineData(4)]
        [InlineData(5)]
        public void Pal8_with_every_palette_type_matches_the_reference(int type)
        {
            var rnd = new Random(type);
            for (int round = 0; round < 20; round++)
            {
                var pal = RandomPalette(rnd, type);
                if (round == 0) for (int i = 0; i < pal.Length; i += 4) { pal[i + 1] = 200; pal[i + 2] = 200; } // force clamps of sums
                var fb = Fb.Random(rnd, 1, 40, 37, 6);
                fb.Data[0] = 0; // pixel value 0: transparent in types 3, 4, 5, grey in type 1
                var frame = LiveFrame.Parse(new FrameBuilder { PaletteType = type, Palette = pal, Bitmap = fb, Scramble = round % 2 == 1 }.Build());
                Assert.True(frame.HasPalette);
                Assert.Equal(pal, frame.GetPalette());
                foreach (var half in new[] { false, true })
                    Assert.Equal(Reference.Pal8(fb, type, pal, half), frame.GetBitmapImage(half).Pixels);
                var table = frame.GetPaletteRgba();
                for (int p = 0; p < 256; p++)
                {
                    var c = Reference.PaletteColor(type, pal, p);
                    Assert.Equal(new[] { c.R, c.G, c.B, c.A }.Select(x => (byte)x).ToArray(), table.Skip(p * 4).Take(4).ToArray());
                }
            }
        }

        [Fact]
        public void Palette_type_1_works_by_hand()
        {
            // entry 1: A=200 Y=100 U=50 V=-30; entry 2: A=100 Y=200 U=100 V=-120.
            var pal = new byte[64];
            pal[4] = 200; pal[5] = 100; pal[6] = 50; pal[7] = unchecked((byte)-30);
            pal[8] = 100; pal[9] = 200; pal[10] = 100; pal[11] = unchecked((byte)-120);
            var t = LiveViewDecoder.PaletteToRgba(1, pal);
            // pixel 0x01: i1=1, i2=0 -> A=(200+0)>>1=100, Y=100, U=50, V=-30 -> 58,104,189
            Assert.Equal(new byte[] { 58, 104, 189, 100 }, t.Skip(0x01 * 4).Take(4).ToArray());
            // pixel 0x10: i1=0 -> grey: U=V=0, Y=100 -> 100,100,100, A=100
            Assert.Equal(new byte[] { 100, 100, 100, 100 }, t.Skip(0x10 * 4).Take(4).ToArray());
            // pixel 0x21: A=(200+100)>>1=150, Y=min(255,300)=255, U=clamp(150)=127, V=clamp(-150)=-128
            var (r, g, b) = Reference.Rgb(255, 127, -128);
            Assert.Equal(new byte[] { (byte)r, (byte)g, (byte)b, 150 }, t.Skip(0x21 * 4).Take(4).ToArray());
        }

        [Fact]
        public void Palette_types_3_and_5_read_alpha_from_different_bits()
        {
            var pal = new byte[1024];
            // entry 7: V=0 U=0 Y=90 A=0x21: type 3 -> alpha2[0x21 & 3 = 1] = 171, type 5 -> alpha2[(0x21>>4)&3 = 2] = 214
            pal[28] = 0; pal[29] = 0; pal[30] = 90; pal[31] = 0x21;
            Assert.Equal(new byte[] { 90, 90, 90, 171 }, LiveViewDecoder.PaletteToRgba(3, pal).Skip(28).Take(4).ToArray());
            Assert.Equal(new byte[] { 90, 90, 90, 214 }, LiveViewDecoder.PaletteToRgba(5, pal).Skip(28).Take(4).ToArray());
            pal[0] = 50; pal[2] = 200; pal[3] = 3; // index 0 stays transparent black whatever it holds
            Assert.Equal(new byte[4], LiveViewDecoder.PaletteToRgba(3, pal).Take(4).ToArray());
        }

        [Fact]
        public void Without_a_palette_pal8_uses_chdkptps_default_type_1_palette()
        {
            var rnd = new Random(7);
            var fb = Fb.Random(rnd, 1, 16, 16, 16);
            for (int i = 0; i < 256; i++) fb.Data[i] = (byte)i;
            var frame = LiveFrame.Parse(new FrameBuilder { PaletteType = 0, Bitmap = fb }.Build());
            Assert.False(frame.HasPalette);
            Assert.Null(frame.GetPalette());
            var def = LiveViewDecoder.DefaultPalette.ToArray();
            Assert.Equal(64, def.Length);
            Assert.Equal(Reference.Pal8(fb, 1, def, false), frame.GetBitmapImage().Pixels);
            // by hand: pixel 0x00 -> entry 0 (all zero) twice: transparent black; 0x11 -> entry 1 (A=FF Y=E0 U=0 V=0) twice:
            // A=255, Y=min(255, 448)=255 -> white.
            var img = frame.GetBitmapImage();
            Assert.Equal(0x00000000u, img.GetPixel(0, 0));
            Assert.Equal(0xFFFFFFFFu, img.GetPixel(0x11 % 16, 0x11 / 16));
            // a palette type this module does not know, with an offset, falls back the same way
            var unknown = LiveFrame.Parse(new FrameBuilder { PaletteType = 9, Palette = new byte[64], Bitmap = fb }.Build());
            Assert.False(unknown.HasPalette);
            Assert.Equal(img.Pixels, unknown.GetBitmapImage().Pixels);
        }

        [Fact]
        public void Digic6_overlay_groups_of_black_neutral_chroma_are_transparent()
        {
            // four groups: the transparent word 0x00800080, then near misses that stay opaque
            var data = new byte[] { 0x80, 0, 0x80, 0, 0x80, 0, 0x80, 1, 0x81, 0, 0x80, 0, 0x80, 1, 0x80, 0 };
            var frame = LiveFrame.Parse(new FrameBuilder { Bitmap = Fb.Of(2, 8, 8, 1, data) }.Build());
            var img = frame.GetBitmapImage();
            Assert.Equal(LivePixelFormat.Rgba32, img.Format);
            Assert.Equal(new byte[] { 0, 0, 255, 255, 255, 255, 255, 255 }, Enumerable.Range(0, 8).Select(i => img.Pixels[i * 4 + 3]).ToArray());
            Assert.Equal(0x00000000u, img.GetPixel(0, 0));
            Assert.Equal(0xFF000000u, img.GetPixel(2, 0)); // Y0=0 neutral chroma: black, opaque
            // the viewport never gets the rule
            var vp = LiveFrame.Parse(new FrameBuilder { Viewport = Fb.Of(2, 8, 8, 1, data) }.Build()).GetViewportImage(format: LivePixelFormat.Rgba32);
            Assert.All(Enumerable.Range(0, 8), i => Assert.Equal(255, vp.Pixels[i * 4 + 3]));
        }

        [Fact]
        public void Digic6_overlay_matches_the_reference_with_and_without_the_opacity_plane()
        {
            var rnd = new Random(66);
            var b = FrameBuilder.Digic6(rnd, 64, 9);
            // make a third of the groups transparent black
            for (int i = 0; i + 4 <= b.Bitmap.Data.Length; i += 12) { b.Bitmap.Data[i] = 0x80; b.Bitmap.Data[i + 1] = 0; b.Bitmap.Data[i + 2] = 0x80; b.Bitmap.Data[i + 3] = 0; }
            var frame = LiveFrame.Parse(b.Build());
            Assert.NotNull(frame.Opacity);
            Assert.Equal(LiveFramebufferType.Opacity8, frame.Opacity.Type);
            foreach (var half in new[] { false, true })
            {
                var rule = Reference.Yuv(b.Bitmap, half, 4, overlay: true);
                Assert.Equal(rule, frame.GetBitmapImage(half, applyOpacity: false).Pixels);
                var withPlane = frame.GetBitmapImage(half).Pixels;
                int w = Reference.OutWidth(64, half);
                for (int y = 0; y < 9; y++)
                    for (int x = 0; x < w; x++)
                    {
                        int i = (y * w + x) * 4;
                        Assert.Equal(rule.Skip(i).Take(3), withPlane.Skip(i).Take(3));
                        Assert.Equal(b.Opacity.Data[y * 64 + Reference.SourceColumn(1, x, half)], withPlane[i + 3]);
                    }
            }
            Assert.Equal(b.Opacity.Data, frame.GetOpacity());
        }

        [Fact]
        public void An_opacity_plane_smaller_than_the_overlay_sets_alpha_where_it_covers()
        {
            var rnd = new Random(3);
            var b = FrameBuilder.Digic6(rnd, 8, 4);
            b.Opacity = Fb.Of(4, 6, 4, 2, Enumerable.Repeat((byte)77, 12).ToArray());
            var img = LiveFrame.Parse(b.Build()).GetBitmapImage();
            var rule = Reference.Yuv(b.Bitmap, false, 4, overlay: true);
            for (int y = 0; y < 4; y++)
                for (int x = 0; x < 8; x++)
                    Assert.Equal(x < 4 && y < 2 ? 77 : rule[(y * 8 + x) * 4 + 3], img.Pixels[(y * 8 + x) * 4 + 3]);
            Assert.Equal(8, LiveFrame.Parse(b.Build()).GetOpacity().Length); // visible 4x2 without the padding
        }

        [Fact]
        public void The_composite_puts_the_viewport_at_its_margins_and_blends_the_overlay_over_the_screen()
        {
            // viewport 4x2 grey Y=100 at margins left 2, top 1 on a 8x4 screen; overlay 4x2 PAL8 (type 3) fitted to the
            // screen: each overlay pixel covers 2x2 canvas pixels.
            var vp = Fb.Of(0, 4, 4, 2, new byte[] { 0, 100, 0, 100, 100, 100, 0, 100, 0, 100, 100, 100 });
            vp.MarginLeft = 2; vp.MarginTop = 1; vp.MarginRight = 2; vp.MarginBottom = 1;
            var pal = new byte[1024];
            pal[1 * 4 + 2] = 255; pal[1 * 4 + 3] = 3;   // 1: white, alpha2[3] = 255
            pal[2 * 4 + 2] = 0; pal[2 * 4 + 3] = 0;     // 2: black, alpha2[0] = 128
            var bm = Fb.Of(1, 4, 4, 2, new byte[] { 1, 0, 2, 0, 0, 0, 0, 2 });
            var frame = LiveFrame.Parse(new FrameBuilder { PaletteType = 3, Palette = pal, Viewport = vp, Bitmap = bm }.Build());
            var c = frame.GetCompositeImage();
            Assert.Equal((8, 4, LivePixelFormat.Rgb24), (c.Width, c.Height, c.Format));
            uint Grey(int v) => 0xFF000000u | (uint)(v << 16 | v << 8 | v);
            int half = (100 * 127 + 127) / 255; // black at alpha 128 over Y=100: (0*128 + 100*127 + 127)/255 = 50
            var expected = new[]
            {
                // row 0: overlay row 0 (1 0 2 0) over black margin
                new[] { Grey(255), Grey(255), Grey(0), Grey(0), Grey(0), Grey(0), Grey(0), Grey(0) },
                // row 1: viewport at x 2..5, overlay row 0
                new[] { Grey(255), Grey(255), Grey(100), Grey(100), Grey(half), Grey(half), Grey(0), Grey(0) },
                // row 2: viewport, overlay row 1 (0 0 0 2)
                new[] { Grey(0), Grey(0), Grey(100), Grey(100), Grey(100), Grey(100), Grey(0), Grey(0) },
                // row 3: margin, overlay row 1
                new[] { Grey(0), Grey(0), Grey(0), Grey(0), Grey(0), Grey(0), Grey(0), Grey(0) },
            };
            for (int y = 0; y < 4; y++)
                Assert.Equal(expected[y], Enumerable.Range(0, 8).Select(x => c.GetPixel(x, y)).ToArray());
            Assert.Equal(50, half);

            var ch = frame.GetCompositeImage(halfWidth: true);
            Assert.Equal((4, 4), (ch.Width, ch.Height));
            Assert.Equal(Grey(100), ch.GetPixel(1, 2)); // viewport (2 px wide now) at x 1..2
            Assert.Equal(Grey(100), ch.GetPixel(2, 2));
            Assert.Equal(Grey(0), ch.GetPixel(3, 2));
        }

        [Fact]
        public void A_composite_without_overlay_is_the_viewport_and_without_either_is_null()
        {
            var rnd = new Random(5);
            var vp = Fb.Random(rnd, 0, 16, 16, 4);
            var frame = LiveFrame.Parse(new FrameBuilder { Viewport = vp }.Build());
            Assert.Equal(frame.GetViewportImage().Pixels, frame.GetCompositeImage().Pixels);
            Assert.Null(frame.GetBitmapImage());
            var empty = LiveFrame.Parse(new FrameBuilder().Build());
            Assert.Null(empty.GetViewportImage());
            Assert.Null(empty.GetBitmapImage());
            Assert.Null(empty.GetCompositeImage());
            Assert.Null(empty.GetOpacity());
        }

        [Fact]
        public void Implausible_margins_are_not_believed_by_the_composite()
        {
            var rnd = new Random(5);
            var vp = Fb.Random(rnd, 0, 16, 16, 4);
            vp.MarginLeft = 1_000_000; vp.MarginRight = -5; vp.MarginTop = int.MaxValue; vp.MarginBottom = int.MinValue;
            var frame = LiveFrame.Parse(new FrameBuilder { Viewport = vp }.Build());
            var c = frame.GetCompositeImage();
            Assert.Equal((16, 4), (c.Width, c.Height));
        }
    }
}
