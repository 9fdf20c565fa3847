using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using ChdkPtp.Protocol.Chdk.LiveView;

namespace ChdkPtp.Protocol.Tests.LiveView
{
    public sealed class LiveFrameParseTests
    {
        [Theory]
        [InlineData(0, 28)]
        [InlineData(1, 28)]
        [InlineData(2, 32)]
        public void Each_sub_protocol_has_its_header_and_the_fields_come_through(int minor, int headerSize)
        {
            var rnd = new Random(minor);
            var b = FrameBuilder.PreDigic6(rnd, 64, 8, paletteType: minor == 0 ? 1 : 4);
            b.Minor = minor;
            b.Aspect = 1;
            b.Viewport.MarginLeft = 3; b.Viewport.MarginTop = 4; b.Viewport.MarginRight = -2; b.Viewport.MarginBottom = 6;
            b.Opacity = Fb.Random(rnd, 4, 64, 64, 8); // only a 2.2 header can point at it
            var payload = b.Build();
            var f = LiveFrame.Parse(payload);
            Assert.Same(payload, f.Payload);
            Assert.Equal((2, minor, "2." + minor, headerSize), (f.VersionMajor, f.VersionMinor, f.Version, f.HeaderSize));
            Assert.Equal(LiveViewAspectRatio.Aspect16x9, f.AspectRatio);
            Assert.Equal("16:9", f.AspectRatioText);
            Assert.Equal(minor == 0 ? 1 : 4, f.PaletteType);
            Assert.Equal(headerSize + 36 * (minor == 2 ? 3 : 2), f.PaletteDataStart);
            Assert.Equal(headerSize, f.Viewport.DescriptorOffset);
            Assert.Equal(headerSize + 36, f.Bitmap.DescriptorOffset);
            var vp = f.Viewport;
            Assert.Equal((LiveFramebufferType.Yuv8, 64, 64, 8, 96L, 768L), (vp.Type, vp.BufferWidth, vp.VisibleWidth, vp.VisibleHeight, vp.RowBytes, vp.DataLength));
            Assert.Equal((3, 4, -2, 6, 65L, 18L), (vp.MarginLeft, vp.MarginTop, vp.MarginRight, vp.MarginBottom, vp.ScreenWidth, vp.ScreenHeight));
            Assert.Equal(LiveFramebufferType.Pal8, f.Bitmap.Type);
            Assert.True(f.Bitmap.HasData);
            if (minor == 2) Assert.Equal(LiveFramebufferType.Opacity8, f.Opacity.Type);
            else Assert.Null(f.Opacity);
            Assert.Contains("viewport YUV8 64x8", f.ToString());
        }

        [Fact]
        public void Descriptors_and_data_are_found_through_the_offsets_wherever_they_are()
        {
            var rnd = new Random(11);
            foreach (var make in new Func<FrameBuilder>[] { () => FrameBuilder.PreDigic6(rnd, 48, 6, 5), () => FrameBuilder.Digic6(rnd, 48, 6) })
            {
                var b = make();
                var plain = LiveFrame.Parse(b.Build());
                b.Scramble = true;
                for (int seed = 0; seed < 5; seed++)
                {
                    b.Seed = seed;
                    var moved = LiveFrame.Parse(b.Build());
                    Assert.NotEqual(plain.Viewport.DescriptorOffset, moved.Viewport.DescriptorOffset);
                    Assert.Equal(plain.GetViewportImage().Pixels, moved.GetViewportImage().Pixels);
                    Assert.Equal(plain.GetBitmapImage().Pixels, moved.GetBitmapImage().Pixels);
                    Assert.Equal(plain.GetCompositeImage().Pixels, moved.GetCompositeImage().Pixels);
                    Assert.Equal(plain.GetPalette(), moved.GetPalette());
                    Assert.Equal(plain.GetOpacity(), moved.GetOpacity());
                }
            }
        }

        [Fact]
        public void Descriptors_without_data_are_kept_as_sent_and_not_checked()
        {
            var b = new FrameBuilder { Viewport = new Fb { Type = 0, BufferWidth = -5, VisibleWidth = int.MaxValue, VisibleHeight = 99999 } };
            var f = LiveFrame.Parse(b.Build());
            Assert.False(f.Viewport.HasData);
            Assert.Equal(int.MaxValue, f.Viewport.VisibleWidth);
            Assert.Equal(0, f.Viewport.DataLength);
            Assert.Null(f.GetViewportImage());
        }

        private static void Set(byte[] p, int at, int v) => BinaryPrimitives.WriteInt32LittleEndian(p.AsSpan(at), v);

        private static string Rejected(byte[] payload)
        {
            var ex = Assert.Throws<LiveViewFormatException>(() => LiveFrame.Parse(payload));
            Assert.False(LiveFrame.TryParse(payload, out var f, out var error));
            Assert.Null(f);
            Assert.Equal(ex.Message, error);
            return ex.Message;
        }

        private static byte[] Good(int minor = 2) => new FrameBuilder
        {
            Minor = minor,
            PaletteType = 3,
            Palette = new byte[1024],
            Viewport = Fb.Of(0, 16, 16, 4, new byte[96]),
            Bitmap = Fb.Of(1, 16, 16, 4, new byte[64]),
        }.Build();

        // header 32, vp desc 32..67, bm desc 68..103, palette 104..1127, vp data 1128..1223, bm data 1224..1287
        private const int Vp = 32, Bm = 68;

        [Fact]
        public void Truncated_and_foreign_headers_are_rejected()
        {
            Assert.Contains("too short", Rejected(new byte[0]));
            Assert.Contains("too short", Rejected(new byte[7]));
            var p = Good();
            Assert.Contains("shorter than the 32-byte header", Rejected(p.Take(31).ToArray()));
            Assert.Contains("shorter than the 28-byte header", Rejected(Good(1).Take(20).ToArray()));
            var v = (byte[])p.Clone(); Set(v, 0, 1);
            Assert.Contains("sub-protocol 1.2 is not supported", Rejected(v));
            v = (byte[])p.Clone(); Set(v, 4, 3);
            Assert.Contains("2.3 is not supported", Rejected(v));
            v = (byte[])p.Clone(); Set(v, 4, -1);
            Assert.Contains("not supported", Rejected(v));
            Assert.Throws<ArgumentNullException>(() => LiveFrame.Parse(null));
        }

        [Theory]
        [InlineData(20, 0, "viewport descriptor offset 0")]
        [InlineData(20, 10, "viewport descriptor offset 10")]          // inside the header
        [InlineData(20, -36, "viewport descriptor offset -36")]
        [InlineData(24, 1288 - 35, "bitmap descriptor offset 1253")]   // descriptor runs past the end
        [InlineData(24, int.MaxValue, "bitmap descriptor offset")]
        [InlineData(28, 1288, "opacity descriptor offset 1288")]
        [InlineData(16, 1288 - 1023, "palette")]                        // palette runs past the end
        [InlineData(16, -4, "palette")]
        [InlineData(Vp + 4, 1288, "viewport data start 1288 lies outside")]
        [InlineData(Vp + 4, -1, "viewport data start -1")]
        [InlineData(Vp + 4, 1200, "past the end")]                      // data runs past the end
        [InlineData(Vp + 8, 15, "visible width 16 is larger than its buffer width 15")]
        [InlineData(Vp + 8, 1 << 30, "past the end")]                   // huge buffer width
        [InlineData(Vp + 8, int.MinValue, "size of 16x4")]
        [InlineData(Vp + 12, 17, "visible width 17 is larger than its buffer width 16")]
        [InlineData(Vp + 12, 0, "size of 0x4")]
        [InlineData(Vp + 16, 100000, "past the end")]                   // huge height
        [InlineData(Vp + 16, -3, "size of 16x-3")]
        [InlineData(Vp, 7, "unknown frame-buffer type 7")]
        [InlineData(Vp, 4, "viewport descriptor has type OPACITY8")]
        [InlineData(Bm, 4, "bitmap descriptor has type OPACITY8")]
        [InlineData(Bm + 12, 1 << 20, "bitmap visible width 1048576 is larger")]
        public void A_lying_header_or_descriptor_is_a_format_error(int field, int value, string message)
        {
            var p = Good();
            Set(p, field, value);
            Assert.Contains(message, Rejected(p));
        }

        [Fact]
        public void A_visible_width_that_does_not_fit_whole_groups_in_the_row_is_rejected()
        {
            // YUV8: 18 pixels of buffer are 27 bytes a row, but 17 visible pixels need 5 groups of 6 = 30 bytes.
            var p = Good();
            Set(p, Vp + 8, 18);
            Set(p, Vp + 12, 17);
            Assert.Contains("visible width 17 needs 30 bytes per row, more than the 27 its buffer width 18 gives", Rejected(p));
        }

        [Fact]
        public void An_opacity_descriptor_of_another_type_is_rejected()
        {
            var b = FrameBuilder.Digic6(new Random(1), 8, 2);
            b.Opacity.Type = 2;
            b.Opacity.Data = new byte[32];
            Assert.Contains("opacity descriptor has type YUV8B", Rejected(b.Build()));
        }

        [Fact]
        public void Random_mutations_never_escape_as_anything_but_a_format_error()
        {
            var rnd = new Random(20261123);
            var seeds = new[]
            {
                FrameBuilder.PreDigic6(rnd, 32, 6, 3).Build(),
                FrameBuilder.PreDigic6(rnd, 24, 5, 1).Build(),
                FrameBuilder.Digic6(rnd, 20, 4).Build(),
                Withminor(FrameBuilder.PreDigic6(rnd, 16, 3, 4), 1).Build(),
                Withminor(FrameBuilder.PreDigic6(rnd, 12, 2, 2), 0).Build(),
            };
            int[] interesting = { 0, 1, -1, 2, 3, 4, 27, 28, 31, 32, 35, 36, 100, 255, 256, 1000, int.MaxValue, int.MinValue, 1 << 30, -(1 << 30) };
            int parsed = 0, rejected = 0;
            for (int iter = 0; iter < 4000; iter++)
            {
                var p = (byte[])seeds[iter % seeds.Length].Clone();
                int mutations = 1 + rnd.Next(4);
                for (int m = 0; m < mutations; m++)
                {
                    switch (rnd.Next(5))
                    {
                        case 0: // a header or descriptor field (the first 140 bytes hold them all)
                        {
                            int at = rnd.Next(Math.Min(p.Length, 140) / 4) * 4;
                            int v = rnd.Next(2) == 0 ? interesting[rnd.Next(interesting.Length)] : rnd.Next(-p.Length, 2 * p.Length);
                            if (rnd.Next(3) == 0) v = p.Length + rnd.Next(-40, 40);
                            Set(p, at, v);
                            break;
                        }
                        case 1:
                            p[rnd.Next(p.Length)] ^= (byte)(1 << rnd.Next(8));
                            break;
                        case 2:
                            p = p.Take(rnd.Next(p.Length)).ToArray();
                            break;
                        case 3:
                            p = p.Concat(new byte[rnd.Next(64)]).ToArray();
                            break;
                        default:
                            p[rnd.Next(p.Length)] = (byte)rnd.Next(256);
                            break;
                    }
                    if (p.Length < 8) break;
                }
                try
                {
                    var f = LiveFrame.Parse(p);
                    parsed++;
                    foreach (var half in new[] { false, true })
                    {
                        Touch(f.GetViewportImage(half));
                        Touch(f.GetViewportImage(half, LivePixelFormat.Rgba32));
                        Touch(f.GetBitmapImage(half));
                        Touch(f.GetBitmapImage(half, applyOpacity: false));
                        Touch(f.GetCompositeImage(half));
                    }
                    f.GetOpacity();
                    f.GetPalette();
                    Assert.Equal(1024, f.GetPaletteRgba().Length);
                    Assert.NotNull(f.ToString());
                }
                catch (LiveViewFormatException)
                {
                    rejected++;
                }
            }
            // both outcomes happen often, or the fuzzing proves nothing
            Assert.True(parsed > 400, $"{parsed} parsed");
            Assert.True(rejected > 400, $"{rejected} rejected");
        }

        private static FrameBuilder Withminor(FrameBuilder b, int minor)
        {
            b.Minor = minor;
            return b;
        }

        private static void Touch(LiveImage img)
        {
            if (img == null) return;
            Assert.Equal((long)img.Width * img.Height * img.BytesPerPixel, img.Pixels.Length);
            if (img.Width * img.Height <= 4096) img.WritePng(Stream.Null);
        }
    }
}
