using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using ChdkPtp.Simulator.Imaging;

namespace ChdkPtp.Simulator.Tests.Shooting
{
    /// <summary>Shots written to the card, through the protocol client and the camera's Lua.</summary>
    public class ShootToCardTests
    {
        [Fact]
        public void Shoot_WritesNumberedJpegsThatDecodeAndDiffer()
        {
            using var cam = new ShootingCamera();
            var r = cam.Lua("local a = shoot() local n1 = get_exp_count() local b = shoot() return a, b, n1, get_exp_count(), get_image_dir()");
            Assert.Equal(new object[] { 0, 0, 1, 2, "A/DCIM/100CANON" }, r.ToArray());
            var first = File.ReadAllBytes(cam.Host("A/DCIM/100CANON/IMG_0001.JPG"));
            var second = File.ReadAllBytes(cam.Host("A/DCIM/100CANON/IMG_0002.JPG"));
            Assert.Equal(second, cam.Camera.Shooting.LastShot.Jpeg);
            var a = ChartReader.Decode(first);
            var b = ChartReader.Decode(second);
            Assert.Equal((640, 480), (a.Width, a.Height));
            Assert.Equal("IMG_0001", ChartReader.ReadLine(a, 0, 8));
            Assert.Equal("IMG_0002", ChartReader.ReadLine(b, 0, 8));
            // the time burnt in is the camera clock of the shot
            var expected = cam.Camera.Shooting.LastShot.Time.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
            Assert.Equal(expected, ChartReader.ReadLine(b, 1, 23));
            var t1 = DateTime.ParseExact(ChartReader.ReadLine(a, 1, 23), "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
            var t2 = DateTime.ParseExact(expected, "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
            Assert.InRange((t2 - t1).TotalMilliseconds, 1, 5000);
            Assert.Equal("1/30 F3.5 ISO 100", ChartReader.ReadLine(b, 2, 17));
            Assert.NotEqual(a.Pixels, b.Pixels);
            // an EXIF segment in front, as Canon's JPEGs have
            Assert.Equal("Exif", Encoding.ASCII.GetString(second, 6, 4));
            Assert.False(cam.Camera.Shooting.LastShot.Discarded);
        }

        [Fact]
        public void CanonRawCamera_WritesCr2AndJpegByImageFormat()
        {
            using var cam = new ShootingCamera(new SimulatorOptions { CanonRaw = true });
            Assert.Equal(new object[] { true, 15, true, 3 }, cam.Lua(
                "local ok = set_canon_image_format(3) shoot() return get_canon_raw_support(), get_usb_capture_support(), ok, get_canon_image_format()").ToArray());
            var cr2 = File.ReadAllBytes(cam.Host("A/DCIM/100CANON/IMG_0001.CR2"));
            Assert.Equal(new byte[] { (byte)'I', (byte)'I', 42, 0, 16, 0, 0, 0, (byte)'C', (byte)'R', 2, 0 }, cr2.Take(12));
            Assert.Equal(cam.Camera.Shooting.LastShot.Cr2, cr2);
            Assert.True(File.Exists(cam.Host("A/DCIM/100CANON/IMG_0001.JPG")));

            Assert.Equal(true, cam.Lua1("local ok = set_canon_image_format(2) shoot() return ok"));
            Assert.True(File.Exists(cam.Host("A/DCIM/100CANON/IMG_0002.CR2")));
            Assert.False(File.Exists(cam.Host("A/DCIM/100CANON/IMG_0002.JPG")));
            Assert.Equal(false, cam.Lua1("return set_canon_image_format(4)"));
        }

        [Fact]
        public void CameraWithoutCanonRaw_RefusesCr2()
        {
            using var cam = new ShootingCamera();
            Assert.Equal(new object[] { false, 7, false, 1 }, cam.Lua(
                "local ok = set_canon_image_format(3) return get_canon_raw_support(), get_usb_capture_support(), ok, get_canon_image_format()").ToArray());
            // protocol 2.8 knows no CRAW, even on a Canon-raw camera
            using var old = new ShootingCamera(new SimulatorOptions { CanonRaw = true, ProtocolMinor = 8 });
            Assert.Equal(7, old.Lua1("return get_usb_capture_support()"));
            using var custom = new ShootingCamera(new SimulatorOptions { UsbCaptureSupport = 6 });
            Assert.Equal(new object[] { 6, false }, custom.Lua("return get_usb_capture_support(), init_usb_capture(1)").ToArray());
        }

        [Fact]
        public void Exposure_IsRecorded_AndSetsBrightnessAndDuration()
        {
            using var cam = new ShootingCamera(new SimulatorOptions { ExposureTimeLimitMs = 300 });
            // 1/64 s, then 1/2 s (capped at 300 ms): five stops more light
            var fast = cam.Lua("set_tv96_direct(576) local t = get_tick_count() shoot() return get_tick_count() - t, get_tv96()");
            var fastJpeg = ChartReader.Decode(cam.Camera.Shooting.LastShot.Jpeg);
            var slow = cam.Lua("set_tv96_direct(96) local t = get_tick_count() shoot() return get_tick_count() - t, get_tv96()");
            var slowJpeg = ChartReader.Decode(cam.Camera.Shooting.LastShot.Jpeg);
            Assert.Equal(576, fast[1]);
            Assert.Equal(96, slow[1]);
            Assert.InRange((int)slow[0] - (int)fast[0], 250, 2000);
            Assert.Equal("1/2 F3.5 ISO 100", ChartReader.ReadLine(slowJpeg, 2, 16));
            // the grey ramp's left half: darker at 1/64 s than at 1/2 s
            double dark = ChartReader.Mean(fastJpeg, 0, 170, 320, 20), bright = ChartReader.Mean(slowJpeg, 0, 170, 320, 20);
            Assert.True(bright > dark + 60, $"1/2 s gives {bright:0}, 1/64 s gives {dark:0}");
            Assert.Equal(300, cam.Camera.Shooting.LastShot.Exposure.DurationMs);
            // ISO and aperture change it too, and show in the picture
            cam.Lua("set_tv96_direct(471) set_sv96(sv96_market_to_real(iso_to_sv96(400))) set_av96_direct(aperture_to_av96(5600)) shoot()");
            var e = cam.Camera.Shooting.LastShot.Exposure;
            Assert.Equal(400, e.IsoMarket);
            Assert.Equal("1/30 F5.6 ISO 400", ChartReader.ReadLine(ChartReader.Decode(cam.Camera.Shooting.LastShot.Jpeg), 2, 17));
        }

        [Fact]
        public void Playback_ShootFails_NoFile()
        {
            using var cam = new ShootingCamera(record: false);
            Assert.Equal(new object[] { 1, 0, false, 0 }, cam.Lua(
                "local r = shoot() press('shoot_half') sleep(60) local s = get_shooting() click('shoot_full') sleep(100) " +
                "return r, get_exp_count(), s, get_usb_capture_target()").ToArray());
            Assert.Empty(Directory.GetFiles(cam.Host("A/DCIM/100CANON")));
        }

        [Fact]
        public void QuickMode_FullOnlyPresses_TakeAShotEach()
        {
            using var cam = new ShootingCamera();
            // as rs -quick: hold half, press and release shoot_full_only per shot, waiting for get_exp_count to change
            var r = cam.Lua(@"
press('shoot_half')
local t0 = get_tick_count()
repeat sleep(10) until get_shooting() or get_tick_count() - t0 > 2000
local seen = {}
for i = 1, 3 do
  local last = get_exp_count()
  press('shoot_full_only')
  t0 = get_tick_count()
  repeat sleep(10) until get_exp_count() ~= last or get_tick_count() - t0 > 3000
  release('shoot_full_only')
  seen[#seen + 1] = get_exp_count()
end
release('shoot_half')
t0 = get_tick_count()
repeat sleep(10) until not get_shooting() or get_tick_count() - t0 > 3000
return table.concat(seen, ','), hook_shoot.count(), get_shooting()");
            Assert.Equal(new object[] { "1,2,3", 3, false }, r.ToArray());
            for (int i = 1; i <= 3; i++) Assert.True(File.Exists(cam.Host($"A/DCIM/100CANON/IMG_{i:D4}.JPG")));
        }

        [Fact]
        public void ContinuousDrive_ShootsWhileFullPressed_AndHookShootHoldsEachShot()
        {
            using var cam = new ShootingCamera();
            // as rs -cont -int: hook_shoot set, full press held, each shot released from the hook by the script
            var r = cam.Lua(@"
local p = require'propcase'
set_prop(p.DRIVE_MODE, 1)
hook_shoot.set(2000)
press('shoot_half')
local t0 = get_tick_count()
repeat sleep(10) until get_shooting() or get_tick_count() - t0 > 2000
press('shoot_full')
local counts = {}
for i = 1, 3 do
  t0 = get_tick_count()
  repeat sleep(5) until hook_shoot.is_ready() or get_tick_count() - t0 > 2000
  counts[#counts + 1] = tostring(hook_shoot.is_ready()) .. get_exp_count()
  if i == 3 then release('shoot_full') end
  local last = get_exp_count()
  hook_shoot.continue()
  t0 = get_tick_count()
  repeat sleep(5) until get_exp_count() ~= last or get_tick_count() - t0 > 2000
end
release('shoot_half')
t0 = get_tick_count()
repeat sleep(10) until not get_shooting() or get_tick_count() - t0 > 2000
return table.concat(counts, ','), get_exp_count(), hook_shoot.count(), hook_preshoot.count(), hook_raw.count()");
            Assert.Equal(new object[] { "true0,true1,true2", 3, 3, 3, 3 }, r.ToArray());
            Assert.False(File.Exists(cam.Host("A/DCIM/100CANON/IMG_0004.JPG")));
            // hook counts are per script
            Assert.Equal(0, cam.Lua1("return hook_shoot.count()"));
        }

        [Fact]
        public void ContinuousDrive_WithoutHooks_KeepsShootingUntilReleased()
        {
            using var cam = new ShootingCamera();
            var r = cam.Lua(@"
set_prop(require'propcase'.DRIVE_MODE, 1)
press('shoot_half')
local t0 = get_tick_count()
repeat sleep(10) until get_shooting() or get_tick_count() - t0 > 2000
press('shoot_full')
repeat sleep(5) until get_exp_count() >= 3 or get_tick_count() - t0 > 3000
release('shoot_full')
local at_release = get_exp_count()
release('shoot_half')
t0 = get_tick_count()
repeat sleep(10) until not get_shooting() or get_tick_count() - t0 > 3000
return at_release, get_exp_count()");
            Assert.True((int)r[0] >= 3);
            Assert.InRange((int)r[1], (int)r[0], (int)r[0] + 1); // at most the shot in progress finishes
        }

        [Fact]
        public void HookShoot_TimesOutWhenNotContinued()
        {
            using var cam = new ShootingCamera();
            var clock = Stopwatch.StartNew();
            var r = cam.Lua("hook_shoot.set(150) local t = get_tick_count() shoot() return get_tick_count() - t, get_exp_count()");
            Assert.InRange((int)r[0], 140, 3000);
            Assert.Equal(1, r[1]);
        }
    }
}
