using System;
using System.Collections.Generic;
using System.Linq;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Simulator.Tests.LiveView
{
    /// <summary>GetDisplayData payloads against PROTOCOL.md §4: header, descriptors, which blocks each flag brings, versions.</summary>
    public class PayloadLayoutTests
    {
        private const uint Viewport = 0x01, Bitmap = 0x04, Palette = 0x08, Opacity = 0x10;

        [Fact]
        public void PreDigic6_FullRequest_IsTheSx160Layout()
        {
            using var cam = new LiveViewCamera();
            var (r, p) = cam.Raw(0x1D); // chdkptp lvdump's default
            Assert.Equal(PtpResponseCode.OK, r.Code);
            Assert.Equal((uint)p.Length, r.Parameter(0));
            var f = LvFrame.Parse(p);

            Assert.Equal((2, 2), (f.Major, f.Minor));
            Assert.Equal(0, f.Aspect);                       // LV_ASPECT_4_3
            Assert.Equal(3, f.PaletteType);
            Assert.Equal(104, f.PaletteStart);               // header 32 + two descriptors
            Assert.Equal((32, 68, 0), (f.VpDescStart, f.BmDescStart, f.BmoDescStart));

            Assert.Equal((0, 720, 720, 240), (f.Vp.Type, f.Vp.BufferWidth, f.Vp.VisibleWidth, f.Vp.VisibleHeight));
            Assert.Equal((0, 0, 0, 0), (f.Vp.MarginLeft, f.Vp.MarginTop, f.Vp.MarginRight, f.Vp.MarginBottom));
            Assert.Equal(104 + 1024, f.Vp.DataStart);
            Assert.Equal(720 * 240 * 6 / 4, f.Vp.DataLength);

            Assert.Equal((1, 960, 720, 240), (f.Bm.Type, f.Bm.BufferWidth, f.Bm.VisibleWidth, f.Bm.VisibleHeight));
            Assert.Equal((0, 0, 0, 0), (f.Bm.MarginLeft, f.Bm.MarginTop, f.Bm.MarginRight, f.Bm.MarginBottom));
            Assert.Equal(f.Vp.DataStart + f.Vp.DataLength, f.Bm.DataStart);
            Assert.Equal(f.Bm.DataStart + 960 * 240, p.Length);
            Assert.Equal(104 + 1024 + 259200 + 230400, p.Length);
        }

        [Fact]
        public void Digic6_FullRequest_HasThreeDescriptorsAndNoPalette()
        {
            using var cam = new LiveViewCamera(new SimulatorOptions { Digic = 6 });
            var (r, p) = cam.Raw(0x1F);
            Assert.Equal((uint)p.Length, r.Parameter(0));
            var f = LvFrame.Parse(p);

            Assert.Equal((2, 2), (f.Major, f.Minor));
            Assert.Equal(2, f.Aspect);                       // LV_ASPECT_3_2
            Assert.Equal((0, 0), (f.PaletteType, f.PaletteStart)); // no palette on Digic 6 even when asked
            Assert.Equal((32, 68, 104), (f.VpDescStart, f.BmDescStart, f.BmoDescStart));

            // 4:3 stills (the propcase's default) on a 720x480 3:2 screen: 640 wide, 40 either side
            Assert.Equal((2, 736, 640, 480), (f.Vp.Type, f.Vp.BufferWidth, f.Vp.VisibleWidth, f.Vp.VisibleHeight));
            Assert.Equal((40, 0, 40, 0), (f.Vp.MarginLeft, f.Vp.MarginTop, f.Vp.MarginRight, f.Vp.MarginBottom));
            Assert.Equal(140, f.Vp.DataStart);
            Assert.Equal(736 * 480 * 2, f.Vp.DataLength);

            Assert.Equal((2, 736, 720, 480), (f.Bm.Type, f.Bm.BufferWidth, f.Bm.VisibleWidth, f.Bm.VisibleHeight));
            Assert.Equal(f.Vp.DataStart + f.Vp.DataLength, f.Bm.DataStart);
            Assert.Equal(736 * 480 * 2, f.Bm.DataLength);

            Assert.Equal((4, 736, 720, 480), (f.Bmo.Type, f.Bmo.BufferWidth, f.Bmo.VisibleWidth, f.Bmo.VisibleHeight));
            Assert.Equal((0, 0, 0, 0), (f.Bmo.MarginLeft, f.Bmo.MarginTop, f.Bmo.MarginRight, f.Bmo.MarginBottom));
            Assert.Equal(f.Bm.DataStart + f.Bm.DataLength, f.Bmo.DataStart);
            Assert.Equal(f.Bmo.DataStart + 736 * 480, p.Length);
        }

        public static IEnumerable<object[]> Layouts() => new[] { new object[] { 4 }, new object[] { 6 } };

        [Theory]
        [MemberData(nameof(Layouts))]
        public void EveryFlagCombination_SendsExactlyTheRequestedBlocks(int digic)
        {
            using var cam = new LiveViewCamera(new SimulatorOptions { Digic = digic });
            bool d6 = digic >= 6;
            var full = LvFrame.Parse(cam.Raw(d6 ? 0x1Fu : 0x1Du).Payload);
            int descriptorsEnd = d6 ? 140 : 104;
            for (uint flags = 0; flags < 0x40; flags++) // 0x02 and 0x20 are not flags: ignored
            {
                var (r, p) = cam.Raw(flags);
                Assert.Equal(PtpResponseCode.OK, r.Code);
                Assert.NotNull(p); // a data phase always follows
                Assert.Equal((uint)p.Length, r.Parameter(0));
                var f = LvFrame.Parse(p);
                string at = $"digic {digic} flags 0x{flags:X2}";

                bool pal = (flags & Palette) != 0 && !d6, vp = (flags & Viewport) != 0, bm = (flags & Bitmap) != 0, bmo = (flags & Opacity) != 0 && d6;
                // descriptors are always filled in, whatever was asked
                Assert.True(SameDesc(full.Vp, f.Vp) && SameDesc(full.Bm, f.Bm) && (!d6 || SameDesc(full.Bmo, f.Bmo)), at);
                Assert.Equal(d6 ? 104 : 0, f.BmoDescStart);

                // blocks: palette, viewport, bitmap, opacity, one after the other from the end of the descriptors
                int next = descriptorsEnd;
                Assert.Equal(pal ? next : 0, f.PaletteStart);
                Assert.Equal(pal ? 3 : 0, f.PaletteType);
                if (pal) next += 1024;
                Assert.Equal(vp ? next : 0, f.Vp.DataStart);
                if (vp) next += f.Vp.DataLength;
                Assert.Equal(bm ? next : 0, f.Bm.DataStart);
                if (bm) next += f.Bm.DataLength;
                if (d6)
                {
                    Assert.Equal(bmo ? next : 0, f.Bmo.DataStart);
                    if (bmo) next += f.Bmo.DataLength;
                }
                Assert.Equal(next, p.Length);

                // the time stands still, so each block is the one of the full request
                if (pal) Assert.Equal(full.Palette(), f.Palette());
                if (vp) Assert.Equal(full.Block(full.Vp), f.Block(f.Vp));
                if (bm) Assert.Equal(full.Block(full.Bm), f.Block(f.Bm));
                if (bmo) Assert.Equal(full.Block(full.Bmo), f.Block(f.Bmo));
            }
        }

        private static bool SameDesc(LvDesc a, LvDesc b) =>
            a.Type == b.Type && a.BufferWidth == b.BufferWidth && a.VisibleWidth == b.VisibleWidth && a.VisibleHeight == b.VisibleHeight
            && a.MarginLeft == b.MarginLeft && a.MarginTop == b.MarginTop && a.MarginRight == b.MarginRight && a.MarginBottom == b.MarginBottom;

        [Theory]
        [InlineData(3, 0)]
        [InlineData(4, 1)]
        [InlineData(6, 1)]
        [InlineData(7, 2)]
        [InlineData(8, 2)]
        public void OlderProtocols_SendTheirLiveViewVersion(int protocolMinor, int lvMinor)
        {
            using var cam = new LiveViewCamera(new SimulatorOptions { ProtocolMinor = protocolMinor });
            var p = cam.Raw(0x1D).Payload;
            var f = LvFrame.Parse(p);
            Assert.Equal((2, lvMinor), (f.Major, f.Minor));
            int header = lvMinor >= 2 ? 32 : 28;
            Assert.Equal((header, header + 36), (f.VpDescStart, f.BmDescStart));
            Assert.Equal(header + 72, f.PaletteStart); // the palette follows the descriptors in every version
            Assert.Equal(header + 72 + 1024, f.Vp.DataStart);
            Assert.Equal(f.Vp.DataStart + f.Vp.DataLength, f.Bm.DataStart);
            Assert.Equal(f.Bm.DataStart + f.Bm.DataLength, p.Length);

            // without the palette: 2.0 and 2.1 still name the palette type, 2.2 reports 0
            var noPal = LvFrame.Parse(cam.Raw(Viewport | Bitmap | Opacity).Payload);
            Assert.Equal((lvMinor >= 2 ? 0 : 3, 0), (noPal.PaletteType, noPal.PaletteStart));
            Assert.Equal(header + 72, noPal.Vp.DataStart); // the opacity flag means nothing before Digic 6
            Assert.Null(noPal.Bmo);

            // the client reads the same bytes
            Assert.Equal(p.Length, cam.Client.GetDisplayData((LiveViewFlags)0x1D).Length);
        }

        [Fact]
        public void BeforeProtocol23_GetDisplayDataIsNotASubCommand()
        {
            using var cam = new LiveViewCamera(new SimulatorOptions { ProtocolMinor = 2 });
            var (r, p) = cam.Raw(0x1D);
            Assert.Equal(PtpResponseCode.ParameterNotSupported, r.Code);
            Assert.Null(p);
            Assert.Throws<ChdkVersionException>(() => cam.Client.GetDisplayData(LiveViewFlags.Viewport));
            Assert.Equal(0, cam.Source.FramesRendered);
        }

        [Fact]
        public void Digic6_NeedsProtocol27()
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new InProcessSimulator(new SimulatorOptions { Digic = 6, ProtocolMinor = 6 }));
            Assert.Contains("2.7", ex.Message);
            using var ok = new InProcessSimulator(new SimulatorOptions { Digic = 7, ProtocolMinor = 7 });
            Assert.True(ok.Camera.LiveView.CurrentLayout().DigicSix);
        }

        [Theory]
        [InlineData(4, 0, 720, 240, 0, 0)]
        [InlineData(4, 1, 720, 180, 0, 30)]
        [InlineData(4, 2, 720, 214, 0, 13)]
        [InlineData(4, 3, 540, 240, 90, 0)]
        [InlineData(4, 4, 432, 240, 144, 0)]
        [InlineData(6, 0, 640, 480, 40, 0)]
        [InlineData(6, 1, 720, 408, 0, 36)]
        [InlineData(6, 2, 720, 480, 0, 0)]
        [InlineData(6, 3, 480, 480, 120, 0)]
        [InlineData(6, 4, 384, 480, 168, 0)]
        public void StillAspectRatio_NarrowsTheViewportInsideTheScreen(int digic, int aspect, int w, int h, int left, int top)
        {
            using var cam = new LiveViewCamera(new SimulatorOptions { Digic = digic });
            cam.Camera.State.Props[300] = aspect; // propcase ASPECT_RATIO
            var f = cam.Fetch(LiveViewFlags.Viewport);
            int fullW = 720, fullH = digic >= 6 ? 480 : 240;
            Assert.Equal((w, h, left, top), (f.Vp.VisibleWidth, f.Vp.VisibleHeight, f.Vp.MarginLeft, f.Vp.MarginTop));
            Assert.Equal((fullW - w - left, fullH - h - top), (f.Vp.MarginRight, f.Vp.MarginBottom));
            Assert.Equal(digic >= 6 ? 736 : 720, f.Vp.BufferWidth);
            Assert.Equal(f.Vp.DataStart + f.Vp.DataLength, f.Payload.Length);

            // playback shows the whole screen whatever the still aspect
            cam.Camera.RecordMode = false;
            var play = cam.Fetch(LiveViewFlags.Viewport);
            Assert.Equal((fullW, fullH, 0, 0, 0, 0), (play.Vp.VisibleWidth, play.Vp.VisibleHeight, play.Vp.MarginLeft, play.Vp.MarginTop, play.Vp.MarginRight, play.Vp.MarginBottom));
        }

        [Fact]
        public void VideoMode_Is16To9()
        {
            using var cam = new LiveViewCamera();
            cam.Camera.State.CaptureMode = 9;
            var f = cam.Fetch(LiveViewFlags.Viewport);
            Assert.Equal((720, 180, 30, 30), (f.Vp.VisibleWidth, f.Vp.VisibleHeight, f.Vp.MarginTop, f.Vp.MarginBottom));
        }

        [Fact]
        public void HeaderOnly_IsTheSameInRecordAndPlayback_ApartFromTheViewport()
        {
            using var cam = new LiveViewCamera(record: false);
            var play = cam.Raw(0).Payload;
            Assert.Equal(104, play.Length);
            cam.Camera.RecordMode = true;
            Assert.Equal(play, cam.Raw(0).Payload); // 4:3: the same geometry
            Assert.Equal(0, cam.Source.FramesRendered); // nothing drawn for a header-only request
        }
    }
}
