using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;

namespace ChdkPtp.PowerShell.Tests
{
    /// <summary>Get-ChdkLiveView and Save-ChdkLiveView against the simulator's live frames.</summary>
    public class LiveViewTests : IDisposable
    {
        private readonly PsHost _h = new PsHost();

        public LiveViewTests() => _h.Run("$cam = Connect-ChdkCamera -Simulator; Set-ChdkCameraMode Record").AssertClean();

        public void Dispose() => _h.Dispose();

        private string Local(string relative) => Path.Combine(_h.WorkDir, relative);

        /// <summary>Width and height from a PNG's IHDR, after checking the signature.</summary>
        private static (int Width, int Height) PngSize(string path)
        {
            var b = File.ReadAllBytes(path);
            Assert.True(b.Length > 24 && b[0] == 0x89 && b[1] == (byte)'P' && b[2] == (byte)'N' && b[3] == (byte)'G', path + " is not a PNG");
            Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(b, 12, 4));
            return ((b[16] << 24) | (b[17] << 16) | (b[18] << 8) | b[19], (b[20] << 24) | (b[21] << 16) | (b[22] << 8) | b[23]);
        }

        [Fact]
        public void FramesAreObjectsWithTheirSizesAndPixels()
        {
            var r = _h.Run("Get-ChdkLiveView -Count 2 -FrameRate 20").AssertClean();
            Assert.Equal(2, r.Output.Count);
            var f = r.Output[0];
            Assert.Equal("ChdkPtp.ChdkLiveFrame", f.BaseObject.GetType().FullName);
            Assert.Equal(1L, f.Properties["Sequence"].Value);
            Assert.Equal(2L, r.Output[1].Properties["Sequence"].Value);
            Assert.IsType<DateTime>(f.Properties["Timestamp"].Value);
            int w = (int)f.Properties["ViewportWidth"].Value, h = (int)f.Properties["ViewportHeight"].Value;
            Assert.True(w > 0 && h > 0, $"viewport {w}x{h}");
            var px = _h.Run("$f = Get-ChdkLiveView; $i = $f.GetImage('Viewport', $false); '{0} {1} {2}' -f $i.Width, $i.Height, $i.Pixels.Length").AssertClean();
            Assert.Equal($"{w} {h} {w * h * 3}", px.Values.Single());
        }

        [Fact]
        public void FiftyPngsOfAMovingSceneAndAReplayThatGivesTheSameImages()
        {
            var r = _h.Run("Save-ChdkLiveView ./lv -Count 5 -FrameRate 50").AssertClean();
            Assert.Equal(5, r.Output.Count);
            var files = Enumerable.Range(1, 5).Select(i => Local($"lv/frame_{i:00000}.png")).ToArray();
            var size = PngSize(files[0]);
            Assert.All(files, f => Assert.Equal(size, PngSize(f)));
            Assert.NotEqual(File.ReadAllBytes(files[0]), File.ReadAllBytes(files[4])); // the scene moves
            // record, then replay into PNGs: the same pictures as saving straight from the frames
            _h.Run("Get-ChdkLiveView -Count 3 -FrameRate 50 | Save-ChdkLiveView ./rec.lvdump").AssertClean();
            _h.Run("Get-ChdkLiveView -LiteralPath ./rec.lvdump | Save-ChdkLiveView './a/{Sequence:000}'").AssertClean();
            _h.Run("Get-ChdkLiveView -LiteralPath ./rec.lvdump | ForEach-Object { $_.SavePng([IO.Path]::Combine($pwd.Path, ('b' + $_.Sequence + '.png'))) } | Out-Null").AssertClean();
            for (int i = 1; i <= 3; i++)
                Assert.Equal(File.ReadAllBytes(Local($"b{i}.png")), File.ReadAllBytes(Local($"a/{i:000}.png")));
            Assert.Equal(3, _h.Run("@(Get-ChdkLiveView -LiteralPath ./rec.lvdump).Count").AssertClean().Values.Single());
            Assert.Equal(2, _h.Run("@(Get-ChdkLiveView -LiteralPath ./rec.lvdump -Count 2).Count").AssertClean().Values.Single());
        }

        [Fact]
        public void OverlayCompositeAndAspectCorrection()
        {
            _h.Run("Save-ChdkLiveView ./o -Image Bitmap; Save-ChdkLiveView ./c -Image Composite; Save-ChdkLiveView ./h -AspectCorrection; Save-ChdkLiveView ./v").AssertClean();
            var v = PngSize(Local("v/frame_00001.png"));
            var hw = PngSize(Local("h/frame_00001.png"));
            Assert.Equal(v.Width / 2, hw.Width);
            Assert.Equal(v.Height, hw.Height);
            Assert.True(PngSize(Local("o/frame_00001.png")).Width > 0);
            Assert.True(PngSize(Local("c/frame_00001.png")).Width > 0);
        }

        [Fact]
        public void DurationAndStop()
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var r = _h.Run("Save-ChdkLiveView ./d -Duration 0.5 -FrameRate 10").AssertClean();
            Assert.InRange(r.Output.Count, 4, 6);
            var (ps, pending) = _h.Begin("Save-ChdkLiveView ./s.lvdump -Duration 600 -FrameRate 20");
            Thread.Sleep(500);
            clock.Restart();
            ps.Stop();
            Assert.True(clock.ElapsedMilliseconds < 1500, $"Stop took {clock.ElapsedMilliseconds} ms");
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
            ps.Dispose();
            // the recording keeps the frames written before the stop, and reads back
            var n = (int)_h.Run("@(Get-ChdkLiveView -LiteralPath ./s.lvdump).Count").AssertClean().Values.Single();
            Assert.InRange(n, 2, 20);
        }

        [Fact]
        public void BadInputGivesClearErrors()
        {
            File.WriteAllBytes(Local("junk.lvdump"), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17 });
            var junk = _h.Run("Get-ChdkLiveView -LiteralPath ./junk.lvdump");
            Assert.StartsWith("ChdkLiveViewFormat,", Assert.Single(junk.Errors).FullyQualifiedErrorId);
            Assert.StartsWith("ChdkFileNotFound,", Assert.Single(_h.Run("Get-ChdkLiveView -LiteralPath ./nope.lvdump").Errors).FullyQualifiedErrorId);
            Assert.StartsWith("ChdkInvalidArgument,", Assert.Single(_h.Run("Save-ChdkLiveView './x/{Nope}'").Errors).FullyQualifiedErrorId);
            Assert.StartsWith("ChdkInvalidArgument,", Assert.Single(_h.Run("Save-ChdkLiveView ./x -Duration 0").Errors).FullyQualifiedErrorId);
            _h.Run("Save-ChdkLiveView ./e").AssertClean();
            Assert.StartsWith("ChdkFileExists,", Assert.Single(_h.Run("Save-ChdkLiveView ./e").Errors).FullyQualifiedErrorId);
            _h.Run("Save-ChdkLiveView ./e -Force").AssertClean();
            Assert.StartsWith("ChdkFileExists,", Assert.Single(_h.Run("Save-ChdkLiveView './e/{Image}' -Count 2 -FrameRate 50").Errors).FullyQualifiedErrorId);
            Assert.Contains("ParameterArgumentTransformationError", Assert.Single(_h.Run("Save-ChdkLiveView ./x -Duration later").Errors).FullyQualifiedErrorId);
            Assert.Empty(Directory.GetFiles(_h.WorkDir, "*.partial", SearchOption.AllDirectories));
        }

        [Fact]
        public void ADigic6SimulatorSendsYuv8BWithAnOpacityPlaneAndBadOptionsAreRefused()
        {
            var r = _h.Run("$d6 = Connect-ChdkCamera -Simulator -SimulatorOptions @{ Digic = 6 }; Set-ChdkCameraMode Record -Session $d6; $f = Get-ChdkLiveView -Session $d6; $f.Viewport.Type, $f.Bitmap.Type, $f.Frame.Opacity.HasData, $f.GetImage('Composite', $false).Width").AssertClean();
            Assert.Equal("Yuv8B", r.Values[0].ToString());
            Assert.Equal("Yuv8B", r.Values[1].ToString());
            Assert.Equal(true, r.Values[2]);
            Assert.True((int)r.Values[3] > 0);
            var bad = _h.Run("Connect-ChdkCamera -Simulator -SimulatorOptions @{ Nope = 1 }");
            Assert.StartsWith("ChdkInvalidArgument,", Assert.Single(bad.Errors).FullyQualifiedErrorId);
            Assert.Contains("Digic", bad.Errors[0].Exception.Message);
            Assert.StartsWith("ChdkInvalidArgument,", Assert.Single(_h.Run("Connect-ChdkCamera -Simulator -SimulatorOptions @{ Digic = 'six' }").Errors).FullyQualifiedErrorId);
            Assert.Equal("2.5", _h.Run("$o = Connect-ChdkCamera -Simulator -SimulatorOptions @{ ProtocolMinor = 5 }; $o.ProtocolVersion.ToString()").AssertClean().Values.Single());
        }

        [Fact]
        public void InPlaybackModeTheUserIsToldWhyThereIsNoLivePicture()
        {
            Assert.DoesNotContain(_h.Run("Get-ChdkLiveView").AssertClean().Warnings, w => w.Message.Contains("playback mode"));
            _h.Run("Set-ChdkCameraMode Playback").AssertClean();
            var r = _h.Run("Get-ChdkLiveView -Count 2 -FrameRate 50").AssertClean();
            Assert.Single(r.Warnings, w => w.Message.Contains("playback mode"));
            Assert.Equal(2, r.Output.Count);
        }
    }
}
