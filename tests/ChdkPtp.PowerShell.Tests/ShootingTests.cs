using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;

namespace ChdkPtp.PowerShell.Tests
{
    /// <summary>Save-ChdkRemoteCapture, Invoke-ChdkShoot and Start-ChdkTimelapse against the simulator.</summary>
    public class ShootingTests : IDisposable
    {
        private readonly PsHost _h = new PsHost();
        private readonly string _card;

        public ShootingTests()
        {
            _card = (string)_h.Run("$cam = Connect-ChdkCamera -Simulator; Set-ChdkCameraMode Record; $cam.SimulatorRoot").AssertClean().Values.Single();
        }

        public void Dispose() => _h.Dispose();

        private string Local(string relative) => Path.Combine(_h.WorkDir, relative);

        private static bool IsJpeg(byte[] b) => b.Length > 4 && b[0] == 0xFF && b[1] == 0xD8 && b[b.Length - 2] == 0xFF && b[b.Length - 1] == 0xD9;

        [Fact]
        public void RemoteCaptureSavesJpegsNamedByImageNumberAndEmitsEachFileWithItsShot()
        {
            var r = _h.Run("Save-ChdkRemoteCapture ./rc -Count 2").AssertClean();
            Assert.Equal(2, r.Output.Count);
            var first = r.Output[0];
            Assert.Equal(Local("rc/IMG_0001.jpg"), ((FileInfo)first.BaseObject).FullName);
            Assert.Equal(1, first.Properties["ImageNumber"].Value);
            Assert.Equal("Jpeg", first.Properties["Format"].Value.ToString());
            Assert.Equal(1, first.Properties["Sequence"].Value);
            Assert.IsType<DateTime>(first.Properties["ShotTime"].Value);
            Assert.Equal("ChdkPtp.ChdkSession", first.Properties["Session"].Value.GetType().FullName);
            var a = File.ReadAllBytes(Local("rc/IMG_0001.jpg"));
            var b = File.ReadAllBytes(Local("rc/IMG_0002.jpg"));
            Assert.True(IsJpeg(a) && IsJpeg(b));
            Assert.NotEqual(a, b); // every shot differs
            Assert.DoesNotContain(Directory.GetFiles(Path.Combine(_card, "DCIM"), "*", SearchOption.AllDirectories), f => new FileInfo(f).Length > 0);
            Assert.Empty(Directory.GetFiles(Local("rc"), "*.partial"));
        }

        [Fact]
        public void TemplatesFormatsAndExposureOptions()
        {
            var r = _h.Run("Save-ChdkRemoteCapture './t/{Format}_{Sequence:000}{Extension}' -Format Jpeg,Dng -Tv 1/100 -Av 4 -Iso 200 -StartSequence 7").AssertClean();
            Assert.Equal(new[] { "DNG_007.dng", "JPG_007.jpg" }, r.Output.Select(o => ((FileInfo)o.BaseObject).Name).OrderBy(n => n));
            var dng = File.ReadAllBytes(Local("t/DNG_007.dng"));
            Assert.True(dng[0] == (byte)'I' && dng[1] == (byte)'I' && dng[2] == 42, "a little-endian TIFF/DNG");
            // the camera applied the exposure before the shot (values stay set afterwards on the simulator)
            var tv = _h.Run("Invoke-ChdkLua 'return get_tv96()'").AssertClean().Values.Single();
            Assert.Equal((int)Math.Round(-96 * Math.Log2(0.01)), tv);
        }

        [Fact]
        public void BadRequestsGiveStableErrorsAndLeaveTheCameraClean()
        {
            Assert.StartsWith("ChdkInvalidArgument,", Assert.Single(_h.Run("Save-ChdkRemoteCapture ./x -Tv fast").Errors).FullyQualifiedErrorId);
            Assert.StartsWith("ChdkInvalidArgument,", Assert.Single(_h.Run("Save-ChdkRemoteCapture ./x -Format Raw,Dng").Errors).FullyQualifiedErrorId);
            Assert.StartsWith("ChdkInvalidArgument,", Assert.Single(_h.Run("Save-ChdkRemoteCapture './x/{Nope}'").Errors).FullyQualifiedErrorId);
            Assert.StartsWith("ChdkInvalidArgument,", Assert.Single(_h.Run("Save-ChdkRemoteCapture './x/{Format}/../../../y'").Errors).FullyQualifiedErrorId);
            Assert.StartsWith("ChdkUnsupportedFormat,", Assert.Single(_h.Run("Save-ChdkRemoteCapture ./x -Format CanonRaw").Errors).FullyQualifiedErrorId);
            _h.Run("Set-ChdkCameraMode Playback").AssertClean();
            Assert.StartsWith("ChdkNotInRecordMode,", Assert.Single(_h.Run("Save-ChdkRemoteCapture ./x").Errors).FullyQualifiedErrorId);
            _h.Run("Set-ChdkCameraMode Record").AssertClean();
            // an existing file is not overwritten without -Force
            _h.Run("Save-ChdkRemoteCapture './same/{Sequence}{Extension}'").AssertClean();
            var before = File.ReadAllBytes(Local("same/0001.jpg"));
            Assert.StartsWith("ChdkFileExists,", Assert.Single(_h.Run("Save-ChdkRemoteCapture './same/{Sequence}{Extension}'").Errors).FullyQualifiedErrorId);
            Assert.Equal(before, File.ReadAllBytes(Local("same/0001.jpg")));
            _h.Run("Save-ChdkRemoteCapture './same/{Sequence}{Extension}' -Force").AssertClean();
            Assert.NotEqual(before, File.ReadAllBytes(Local("same/0001.jpg")));
            // after all of it, remote capture is off and no script runs
            Assert.Equal(new object[] { 0, false }, _h.Run("Invoke-ChdkLua 'return get_usb_capture_target(), false'").AssertClean().Values);
        }

        [Fact]
        public void ALaterCommandThatWantsTheBusyCameraGetsAnErrorNotADeadlock()
        {
            var r = _h.Run("Save-ChdkRemoteCapture ./busy -Count 2 | ForEach-Object { Invoke-ChdkLua 'return 1' }");
            Assert.NotEmpty(r.Errors);
            Assert.All(r.Errors, e => Assert.StartsWith("ChdkSessionBusy,", e.FullyQualifiedErrorId));
            Assert.Equal(2, Directory.GetFiles(Local("busy")).Length);
        }

        [Fact]
        public void StopDuringRemoteCaptureCleansUpAndTheSessionGoesOn()
        {
            var (ps, pending) = _h.Begin("Save-ChdkRemoteCapture ./stop -Count 1000 -Interval 0.2");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!(Directory.Exists(Local("stop")) && Directory.GetFiles(Local("stop"), "*.jpg").Length >= 1) && clock.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(20);
            clock.Restart();
            ps.Stop();
            Assert.True(clock.ElapsedMilliseconds < 3000, $"Stop took {clock.ElapsedMilliseconds} ms");
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
            ps.Dispose();
            Assert.Empty(Directory.GetFiles(Local("stop"), "*.partial"));
            Assert.Equal(new object[] { 0 }, _h.Run("Invoke-ChdkLua 'return get_usb_capture_target()'").AssertClean().Values);
            _h.Run("Save-ChdkRemoteCapture ./after").AssertClean();
        }

        [Fact]
        public void ShootingToTheCardEmitsItemsThatReceiveChdkFileCanMoveOff()
        {
            var r = _h.Run("Invoke-ChdkShoot -Count 2 -Interval 0.2 | Receive-ChdkFile -Destination ./shots -Remove -PassThru").AssertClean();
            Assert.Equal(new[] { "IMG_0001.JPG", "IMG_0002.JPG" }, r.Output.Select(o => ((FileInfo)o.BaseObject).Name));
            Assert.True(IsJpeg(File.ReadAllBytes(Local("shots/IMG_0001.JPG"))));
            Assert.Empty(Directory.GetFiles(Path.Combine(_card, "DCIM"), "*.JPG", SearchOption.AllDirectories));
            var items = _h.Run("Invoke-ChdkShoot").AssertClean();
            Assert.Equal("A/DCIM/100CANON/IMG_0003.JPG", Assert.Single(items.Output).Properties["FullName"].Value);
        }

        [Fact]
        public void ATimelapseKeepsItsScheduleAndResumesFromItsStateFile()
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var r = _h.Run("Start-ChdkTimelapse -Interval 0.4 -Count 3 -Destination './tl/{Sequence:000}{Extension}' -StatePath ./tl.state").AssertClean();
            Assert.Equal(new[] { "001.jpg", "002.jpg", "003.jpg" }, r.Output.Select(o => ((FileInfo)o.BaseObject).Name));
            Assert.InRange(sw.Elapsed.TotalSeconds, 0.8, 10); // shots at 0, 0.4 and 0.8 s
            Assert.Contains("taken=3", File.ReadAllText(Local("tl.state")));
            // the same command again: the series is complete, nothing is shot
            Assert.Empty(_h.Run("Start-ChdkTimelapse -Interval 0.4 -Count 3 -Destination './tl/{Sequence:000}{Extension}' -StatePath ./tl.state").AssertClean().Output);
            // a different series with the same state file is refused
            Assert.StartsWith("ChdkTimelapseStateMismatch,", Assert.Single(_h.Run("Start-ChdkTimelapse -Interval 1 -Count 3 -Destination './tl/{Sequence:000}{Extension}' -StatePath ./tl.state").Errors).FullyQualifiedErrorId);
        }

        [Fact]
        public void AStoppedTimelapseResumesItsNumberingAndSkipsTheSlotsItMissed()
        {
            const string cmd = "Start-ChdkTimelapse -Interval 0.5 -Count 6 -Destination './r/{Sequence:000}{Extension}' -StatePath ./r.state";
            var (ps, pending) = _h.Begin(cmd);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!(Directory.Exists(Local("r")) && Directory.GetFiles(Local("r"), "*.jpg").Length >= 2) && clock.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(10);
            ps.Stop();
            ps.Dispose();
            int before = Directory.GetFiles(Local("r"), "*.jpg").Length;
            Thread.Sleep(1200); // a restart that comes late: some slots pass
            var r = _h.Run(cmd).AssertClean();
            var names = Directory.GetFiles(Local("r"), "*.jpg").Select(Path.GetFileName).OrderBy(n => n).ToArray();
            // numbering goes on after the last number taken (never a second file of one number: AssertClean above
            // saw no ChdkFileExists); the resumed run's files all come after the first run's; missed slots are warned about
            var resumed = r.Output.Select(o => (int)o.Properties["Sequence"].Value).ToArray();
            Assert.NotEmpty(resumed);
            Assert.True(resumed.Min() > before, $"{before} files before; resumed with {string.Join(",", resumed)}");
            Assert.True(names.Length < 6 && names.Length > before, $"{before} before, {names.Length} after");
            Assert.Contains(r.Warnings, w => w.Message.Contains("missed"));
            var state = File.ReadAllText(Local("r.state"));
            Assert.Contains("next=6", state);
        }

        [Fact]
        public void IntervalsTakeSecondsOrTimeSpansAndNonsenseIsRefused()
        {
            Assert.StartsWith("ChdkInvalidArgument,", Assert.Single(_h.Run("Start-ChdkTimelapse -Interval 0 -Count 1").Errors).FullyQualifiedErrorId);
            Assert.Contains("ParameterArgumentTransformationError", Assert.Single(_h.Run("Start-ChdkTimelapse -Interval soon -Count 1").Errors).FullyQualifiedErrorId);
            Assert.StartsWith("ChdkInvalidArgument,", Assert.Single(_h.Run("Start-ChdkTimelapse -Interval 1 -Until ([datetime]'2000-01-01')").Errors).FullyQualifiedErrorId);
            Assert.StartsWith("ChdkInvalidArgument,", Assert.Single(_h.Run("Invoke-ChdkShoot -Interval -1").Errors).FullyQualifiedErrorId);
            var r = _h.Run("Start-ChdkTimelapse -Interval '00:00:00.3' -Duration 0.5 -ToCard").AssertClean();
            Assert.Equal(2, r.Output.Count); // slots at 0 and 0.3 s; 0.6 s is past the end
        }

        [Fact]
        public void WhatIfStartsNoSeriesAndTheLastMissedSlotsAreCounted()
        {
            _h.Run("Start-ChdkTimelapse -Interval 0.3 -Count 3 -StatePath ./w.state -WhatIf").AssertClean();
            Assert.False(File.Exists(Local("w.state")), "-WhatIf wrote a state file");
            // a series whose remaining slots all passed while it was not running: they are warned about and counted
            File.WriteAllText(Local("old.state"), "chdkptp-timelapse 1\nstart=2026-01-01T00:00:00.0000000Z\ninterval=10000000\ncount=5\nuntil=\ndestination="
                + Path.Combine(_h.WorkDir, "old", "IMG_{ImageNumber:0000}{Extension}") + "\nnext=2\nsequence=3\ntaken=2\nmissed=0\nlast=\n");
            var r = _h.Run("Start-ChdkTimelapse -Interval 1 -Count 5 -Destination ./old -StatePath ./old.state").AssertClean();
            Assert.Empty(r.Output);
            Assert.Contains(r.Warnings, w => w.Message.Contains("last 3"));
            Assert.Contains("missed=3", File.ReadAllText(Local("old.state")));
        }

        [Fact]
        public void NamesThatWouldCollideAreRefusedBeforeAnyShot()
        {
            var r = _h.Run("Save-ChdkRemoteCapture './n/{Sequence}' -Format Jpeg,Dng -Force");
            Assert.StartsWith("ChdkInvalidArgument,", Assert.Single(r.Errors).FullyQualifiedErrorId);
            Assert.False(Directory.Exists(Local("n")));
            Assert.StartsWith("ChdkInvalidArgument,", Assert.Single(_h.Run("Save-ChdkRemoteCapture './n/x{Extension}' -Count 2").Errors).FullyQualifiedErrorId);
            // one name for every shot is allowed with -Force (a "latest picture")
            _h.Run("Save-ChdkRemoteCapture './n/latest{Extension}' -Count 2 -Force").AssertClean();
            Assert.Single(Directory.GetFiles(Local("n")));
        }

        [Fact]
        public void ARunningScriptIsNamedWithWhatToDo()
        {
            _h.Run("Invoke-ChdkLua 'sleep(5000)' -NoWait").AssertClean();
            var e = Assert.Single(_h.Run("Save-ChdkRemoteCapture ./s").Errors);
            Assert.StartsWith("ChdkScriptRunning,", e.FullyQualifiedErrorId);
            Assert.Contains("Stop-ChdkScript", e.ToString());
            _h.Run("Stop-ChdkScript").AssertClean();
        }

        [Fact]
        public void ALostCameraStopsTheSeriesWithItsStateSavedForARestart()
        {
            var r = _h.Run("Start-ChdkTimelapse -Interval 0.3 -Count 5 -Destination './u/{Sequence}{Extension}' -StatePath ./u.state | ForEach-Object { if ($_.Sequence -eq 2) { $cam.Simulator.Unplug() }; $_ }");
            Assert.Equal(2, r.Output.Count);
            // the failed shot's own error (how the loss shows depends on timing), then the stop
            Assert.Equal(2, r.Errors.Count);
            Assert.Matches("^(ChdkConnectionLost|ChdkSessionClosed|ChdkTimeout),", r.Errors[0].FullyQualifiedErrorId);
            Assert.StartsWith("ChdkSessionClosed,", r.Errors[1].FullyQualifiedErrorId);
            Assert.Contains("same -StatePath", r.Errors[1].ToString());
            var state = File.ReadAllText(Local("u.state"));
            Assert.Contains("taken=2", state);
            Assert.Contains("next=3", state);
        }
    }
}
