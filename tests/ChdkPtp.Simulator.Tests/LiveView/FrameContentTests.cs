using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Simulator.Imaging;
using ChdkPtp.Simulator.LiveView;
using ChdkPtp.Simulator.Tests.Shooting;

namespace ChdkPtp.Simulator.Tests.LiveView
{
    /// <summary>What the frames show: the moving scene, the overlay, playback, and that the cheap path draws what a full render draws.</summary>
    public class FrameContentTests
    {
        private static string Stamp(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

        /// <summary>Scales a decoded pre-Digic 6 viewport (720x240 samples, tall pixels) back to the 640x480 scene it shows.</summary>
        private static RgbImage ToScene(RgbImage vp, int sceneWidth, int sceneHeight)
        {
            var s = new RgbImage(sceneWidth, sceneHeight);
            for (int y = 0; y < sceneHeight; y++)
                for (int x = 0; x < sceneWidth; x++)
                {
                    int i = ((y * vp.Height / sceneHeight) * vp.Width + (2 * x + 1) * vp.Width / (2 * sceneWidth)) * 3;
                    s.Set(x, y, vp.Pixels[i], vp.Pixels[i + 1], vp.Pixels[i + 2]);
                }
            return s;
        }

        /// <summary>Left edge of the marker (RGB 250, 200, 40) on a row through it, or -1.</summary>
        private static int MarkerX(RgbImage img, int row)
        {
            for (int x = 0; x < img.Width; x++)
            {
                int i = (row * img.Width + x) * 3;
                if (Math.Abs(img.Pixels[i] - 250) < 24 && Math.Abs(img.Pixels[i + 1] - 200) < 24 && Math.Abs(img.Pixels[i + 2] - 40) < 40) return x;
            }
            return -1;
        }

        [Fact]
        public void Digic6_LiveFrame_ShowsTheClockAndFrameNumber_AndTheMarkerMovesWithTime()
        {
            using var cam = new LiveViewCamera(new SimulatorOptions { Digic = 6 });
            var a = cam.Fetch(LiveViewFlags.Viewport).ViewportRgb(); // 640x480: the scene itself
            Assert.Equal(LiveViewSource.LiveLabel, ChartReader.ReadLine(a, 0, LiveViewSource.LiveLabel.Length));
            Assert.Equal(Stamp(cam.Now), ChartReader.ReadLine(a, 1, 23));
            Assert.Equal("FRAME 30", ChartReader.ReadLine(a, 2, 8)); // 1000 ms of uptime at 30 frames a second

            var (mx0, my, size) = SceneRenderer.MarkerRect(640, 480, cam.Now);
            int row = my + size / 2;
            Assert.InRange(MarkerX(a, row), mx0 - 1, mx0 + 1);

            cam.Advance(1000);
            var b = cam.Fetch(LiveViewFlags.Viewport).ViewportRgb();
            Assert.Equal(Stamp(cam.Now), ChartReader.ReadLine(b, 1, 23));
            Assert.Equal("FRAME 60", ChartReader.ReadLine(b, 2, 8));
            var (mx1, _, _) = SceneRenderer.MarkerRect(640, 480, cam.Now);
            Assert.True(mx1 - mx0 > 100, "a quarter of the way across in a second");
            Assert.InRange(MarkerX(b, row), mx1 - 1, mx1 + 1);
        }

        [Fact]
        public void PreDigic6_LiveFrame_IsTheSceneAtTallPixels()
        {
            using var cam = new LiveViewCamera();
            var vp = cam.Fetch(LiveViewFlags.Viewport).ViewportRgb();
            Assert.Equal((720, 240), (vp.Width, vp.Height));
            var scene = ToScene(vp, 640, 480);
            Assert.Equal(LiveViewSource.LiveLabel, ChartReader.ReadLine(scene, 0, LiveViewSource.LiveLabel.Length));
            Assert.Equal(Stamp(cam.Now), ChartReader.ReadLine(scene, 1, 23));

            var (mx, my, size) = SceneRenderer.MarkerRect(640, 480, cam.Now);
            int found = MarkerX(vp, (my + size / 2) / 2);
            // the first sample showing it, or the next group of four (an edge group's U/V mix marker and grid)
            Assert.InRange(found, mx * 9 / 8 - 1, mx * 9 / 8 + 4);
        }

        [Fact]
        public void Frames_ChangeAtTheFrameRate_AndRepeatInBetween()
        {
            using var cam = new LiveViewCamera(); // 30 frames a second
            var first = cam.Fetch(LiveViewFlags.Viewport);
            var a = first.Block(first.Vp);
            Assert.Equal(1, cam.Source.FramesRendered);
            cam.TickMs += 10; // same frame (30 -> 30.3)
            cam.Now = cam.Now.AddMilliseconds(10);
            var same = cam.Fetch(LiveViewFlags.Viewport);
            Assert.Equal(a, same.Block(same.Vp));
            Assert.Equal(1, cam.Source.FramesRendered);
            cam.Advance(30); // frame 31
            var next = cam.Fetch(LiveViewFlags.Viewport);
            Assert.NotEqual(a, next.Block(next.Vp));
            Assert.Equal(2, cam.Source.FramesRendered);
        }

        [Fact]
        public void FrameRateZero_MakesEveryRequestANewFrame()
        {
            using var cam = new LiveViewCamera(new SimulatorOptions { LiveViewFrameRate = 0 });
            var blocks = Enumerable.Range(0, 3).Select(_ => { var f = cam.Fetch(LiveViewFlags.Viewport); return f.Block(f.Vp); }).ToList();
            Assert.NotEqual(blocks[0], blocks[1]); // the frame number line differs, even with the clock stopped
            Assert.NotEqual(blocks[1], blocks[2]);
            Assert.Equal(3, cam.Source.FramesRendered);
        }

        [Fact]
        public void RealClock_FramesMove()
        {
            using var sim = new InProcessSimulator(new SimulatorOptions { StartInRecordMode = true });
            using var c = ChdkClient.Connect(sim.CreateTransport());
            var a = LvFrame.Parse(c.GetDisplayData(LiveViewFlags.Viewport));
            Thread.Sleep(80);
            var b = LvFrame.Parse(c.GetDisplayData(LiveViewFlags.Viewport));
            Assert.NotEqual(a.Block(a.Vp), b.Block(b.Vp));
        }

        [Fact]
        public void ViewportPadding_IsNotPartOfThePicture()
        {
            using var cam = new LiveViewCamera(new SimulatorOptions { Digic = 6 });
            var f = cam.Fetch(LiveViewFlags.Viewport);
            // columns 640..735 of each row: magenta fill a decoder must skip
            var wide = new LvDesc { Type = 2, BufferWidth = 736, VisibleWidth = 736, VisibleHeight = 480, DataStart = f.Vp.DataStart };
            var all = f.Yuv(wide);
            for (int y = 0; y < 480; y += 37)
            {
                int i = (y * 736 + 700) * 3;
                Assert.True(all.Pixels[i] > 200 && all.Pixels[i + 1] < 60 && all.Pixels[i + 2] > 200, $"row {y} padding is magenta");
            }
        }

        [Fact]
        public void PreDigic6_Overlay_IsPal8WithATransparentType3Palette()
        {
            using var cam = new LiveViewCamera();
            cam.Camera.State.SaveRaw = 1;
            var f = cam.Fetch((LiveViewFlags)0x0D);
            var pal = f.Palette();
            Assert.Equal(1024, pal.Length);
            var bm = f.Block(f.Bm);
            var alphas = new Dictionary<int, int>();
            int yellowNearClock = 0;
            for (int y = 0; y < 240; y++)
            {
                for (int x = 0; x < 720; x++)
                {
                    int index = bm[y * 960 + x];
                    Assert.NotEqual(0xD9, index); // the padding colour stays out of the picture
                    var (r, g, b, a) = LvFrame.Type3(pal, index);
                    alphas[a] = alphas.TryGetValue(a, out var n) ? n + 1 : 1;
                    if (a == 255 && r > 200 && g > 180 && b < 100 && x > 560 && y > 210) yellowNearClock++;
                }
                for (int x = 720; x < 960; x++) Assert.Equal(0xD9, bm[y * 960 + x]);
            }
            Assert.True(alphas[0] > 720 * 240 * 3 / 4, "mostly transparent");
            Assert.True(alphas.ContainsKey(128) && alphas.ContainsKey(171) && alphas.ContainsKey(255), "half and lightly see-through boxes, opaque text");
            Assert.True(yellowNearClock > 50, "CHDK's clock, yellow, bottom right");

            // the AF frame turns green on a half press; the overlay is redrawn only when something on it changes
            int frameIndex(LvFrame fr) => fr.Block(fr.Bm)[96 * 960 + 300];
            var white = LvFrame.Type3(pal, frameIndex(f));
            Assert.True(white.R == 255 && white.G == 255 && white.B == 255 && white.A == 255);
            cam.Camera.State.HalfPressed = true;
            var green = LvFrame.Type3(pal, frameIndex(cam.Fetch(LiveViewFlags.Bitmap)));
            Assert.True(green.G > 180 && green.R < 100 && green.A == 255);
            cam.Camera.State.HalfPressed = false;

            byte[] Overlay() { var fr = cam.Fetch(LiveViewFlags.Bitmap); return fr.Block(fr.Bm); }
            cam.Advance(100); // same second: same overlay
            Assert.Equal(bm, Overlay());
            cam.Advance(1000);
            Assert.NotEqual(bm, Overlay());
        }

        [Fact]
        public void Digic6_Overlay_IsYuv8BWithAnOpacityPlane()
        {
            using var cam = new LiveViewCamera(new SimulatorOptions { Digic = 6 });
            var f = cam.Fetch((LiveViewFlags)0x1F);
            var opacity = f.Block(f.Bmo);
            var seen = new HashSet<int>();
            for (int y = 0; y < 480; y++)
            {
                for (int x = 0; x < 720; x++)
                {
                    int o = opacity[y * 736 + x];
                    seen.Add(o);
                    // chdkptp's rule (no opacity plane) and the plane agree on what is transparent
                    Assert.Equal(o == 0 ? 0 : 255, f.Yuv8BAlphaRule(x, y));
                }
                for (int x = 720; x < 736; x++) Assert.Equal(255, opacity[y * 736 + x]); // padding: opaque magenta
            }
            Assert.Equal(new[] { 0, 128, 171, 255 }, seen.OrderBy(v => v).ToArray());
            var rgb = f.Yuv(f.Bm);
            int i = (192 * 720 + 300) * 3; // on the AF frame (screen 150,96 doubled)
            Assert.True(rgb.Pixels[i] > 230 && rgb.Pixels[i + 1] > 230 && rgb.Pixels[i + 2] > 230, "white AF frame");
        }

        [Theory]
        [InlineData(4)]
        [InlineData(6)]
        public void Playback_ShowsTheLastShot_StillAndNotTheLiveScene(int digic)
        {
            using var cam = new ShootingCamera(new SimulatorOptions { Digic = digic });
            var live = LvFrame.Parse(cam.Client.GetDisplayData(LiveViewFlags.Viewport));
            cam.Lua("shoot()");
            var shot = cam.Camera.Shooting.LastShot;
            cam.Lua("set_record(false)");
            for (int i = 0; i < 200 && cam.Camera.RecordMode; i++) Thread.Sleep(5); // the switch takes a moment, as on a camera
            Assert.False(cam.Camera.RecordMode);

            var a = LvFrame.Parse(cam.Client.GetDisplayData((LiveViewFlags)0x1D));
            Thread.Sleep(60);
            var b = LvFrame.Parse(cam.Client.GetDisplayData(LiveViewFlags.Viewport));
            Assert.Equal(a.Block(a.Vp), b.Block(b.Vp)); // a still picture
            var picture = a.ViewportRgb();
            var scene = digic >= 6 ? picture : ToScene(picture, 640, 480);
            Assert.Equal("IMG_0001", ChartReader.ReadLine(scene, 0, 8));
            Assert.Equal(Stamp(shot.Time), ChartReader.ReadLine(scene, 1, 23));
            var liveScene = digic >= 6 ? live.ViewportRgb() : ToScene(live.ViewportRgb(), 640, 480);
            Assert.Equal(LiveViewSource.LiveLabel, ChartReader.ReadLine(liveScene, 0, LiveViewSource.LiveLabel.Length));
        }

        [Fact]
        public void Playback_WithoutImages_IsBlackWithNoImageInTheOverlay()
        {
            using var cam = new LiveViewCamera(new SimulatorOptions { Digic = 6 }, record: false);
            var f = cam.Fetch((LiveViewFlags)0x1F);
            var vp = f.ViewportRgb();
            Assert.True(vp.Pixels.All(v => v == 0));
            var bm = f.Yuv(f.Bm);
            var opacity = f.Block(f.Bmo);
            int white = 0;
            for (int y = 200; y < 280; y++)
                for (int x = 200; x < 520; x++)
                    if (opacity[y * 736 + x] == 255 && bm.Pixels[(y * 720 + x) * 3] > 230) white++;
            Assert.True(white > 300, "NO IMAGE in the middle");
            cam.Advance(5000);
            Assert.Equal(f.Block(f.Vp), cam.Fetch(LiveViewFlags.Viewport).Block(f.Vp));
            Assert.Equal(1, cam.Source.FramesRendered);
        }

        public static IEnumerable<object[]> Geometries() => new[]
        {
            new object[] { LiveViewBufferType.Yuv8, 720, 720, 240, 640, 480 },
            new object[] { LiveViewBufferType.Yuv8, 720, 540, 240, 480, 480 },
            new object[] { LiveViewBufferType.Yuv8, 720, 720, 180, 640, 360 },
            new object[] { LiveViewBufferType.Yuv8B, 736, 640, 480, 640, 480 },
            new object[] { LiveViewBufferType.Yuv8B, 736, 720, 408, 720, 408 },
            new object[] { LiveViewBufferType.Yuv8B, 64, 64, 48, 64, 48 }, // text box over the marker
            new object[] { LiveViewBufferType.Yuv8B, 96, 96, 80, 96, 80 }, // a three-line box hides the marker, a two-line one does not
        };

        [Theory]
        [MemberData(nameof(Geometries))]
        public void LiveFrames_AreExactlyTheConvertedFullScene(LiveViewBufferType type, int bufferWidth, int w, int h, int sw, int sh)
        {
            var g = new FramebufferGeometry(type, bufferWidth, w, h);
            var cached = new ViewportRenderer(g, sw, sh, LiveViewSource.LiveLabel);
            var reference = new ViewportRenderer(g, sw, sh, LiveViewSource.LiveLabel);
            var t = new DateTime(2025, 3, 4, 5, 6, 7, 890);
            string[] infos = { "FRAME 1", "FRAME 123456789", "F", null, "FRAME 42", "FRAME 43", "FRAME 43", "FRAME 99" };
            int[] steps = { 0, 70, 1900, 13, 3999, 2500, 1, 0, 33, 33, 1000, 0 };
            var full = new byte[g.DataLength];
            for (int i = 0; i < steps.Length; i++)
            {
                t = t.AddMilliseconds(steps[i]);
                string info = infos[i % infos.Length];
                var fast = cached.RenderLive(t, info);
                var scene = SceneRenderer.Render(sw, sh, new SceneInfo { Label = LiveViewSource.LiveLabel, Time = t, Info = info });
                reference.Convert(scene, full);
                Assert.True(full.SequenceEqual(fast), $"frame {i} at {t:HH:mm:ss.fff}");
            }
        }
    }
}
