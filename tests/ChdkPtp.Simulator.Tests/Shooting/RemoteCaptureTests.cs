using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Simulator.Imaging;
using RC = ChdkPtp.Simulator.Shooting.RemoteCapture;

namespace ChdkPtp.Simulator.Tests.Shooting
{
    /// <summary>Remote capture over the protocol (PROTOCOL.md §5): the host loop against the camera's state machine.</summary>
    public class RemoteCaptureTests
    {
        private static string Dcim(ShootingCamera cam) => cam.Host("A/DCIM/100CANON");

        [Fact]
        public void Jpeg_InChunks_AppendOnly_NotWrittenToCard()
        {
            using var cam = new ShootingCamera();
            Assert.Equal(new object[] { true, 1 }, cam.Lua("return init_usb_capture(1), get_usb_capture_target()").ToArray());
            Assert.Equal((0u, 0u), cam.IsReady()); // initialised, nothing yet
            uint id = cam.Start("return shoot()");
            var got = cam.Fetch(RC.Jpg);
            Assert.Equal(new object[] { 0 }, cam.Wait(id).ToArray());
            Assert.Equal(1u, got.ImageNumber);
            var chunks = got.Of(RC.Jpg).ToList();
            Assert.Equal(3, chunks.Count);
            Assert.Equal(new[] { true, true, false }, chunks.Select(c => c.More));
            Assert.All(chunks, c => Assert.Equal(-1, c.Offset));
            var jpeg = got.File(RC.Jpg);
            Assert.Equal(cam.Camera.Shooting.LastShot.Jpeg, jpeg);
            Assert.Equal("IMG_0001", ChartReader.ReadLine(ChartReader.Decode(jpeg), 0, 8));
            // Canon's write was suppressed; remote capture stays on for the next shot
            Assert.Empty(Directory.GetFiles(Dcim(cam)));
            Assert.True(cam.Camera.Shooting.LastShot.Discarded);
            Assert.Equal((0u, 0u), cam.IsReady());
            Assert.Equal(new object[] { 1, 1 }, cam.Lua("return get_usb_capture_target(), get_exp_count()").ToArray());

            id = cam.Start("return shoot()");
            Assert.Equal(2u, cam.Fetch(RC.Jpg).ImageNumber);
            cam.Wait(id);
            // after init_usb_capture(0) shots go to the card again
            cam.Lua("init_usb_capture(0) shoot()");
            Assert.Equal(ChdkConstants.CaptureNotSet, cam.IsReady().Status);
            Assert.Equal(new[] { "IMG_0003.JPG" }, Directory.GetFiles(Dcim(cam)).Select(Path.GetFileName));
        }

        [Fact]
        public void AllTypes_OneAtATime_DngHeaderThenRawThenJpeg()
        {
            using var cam = new ShootingCamera();
            cam.Camera.ExposureCount = 41;
            cam.Lua("init_usb_capture(7)");
            uint id = cam.Start("shoot()");
            var got = cam.Fetch(RC.Jpg | RC.Raw | RC.DngHeader);
            cam.Wait(id);
            Assert.Equal(new[] { RC.DngHeader, RC.Raw, RC.Jpg }, got.Order);
            Assert.Equal(42u, got.ImageNumber);
            var g = SensorGeometry.FromOptions(cam.Camera.Options);
            var header = got.File(RC.DngHeader);
            var raw = got.File(RC.Raw);
            Assert.Single(got.Of(RC.DngHeader));
            Assert.Single(got.Of(RC.Raw));
            Assert.Equal(g.RawSize, raw.Length);
            Assert.Equal(cam.Camera.Shooting.LastShot.RawBuffer, raw);
            Assert.Equal(cam.Camera.Shooting.LastShot.DngHeader, header);
            // header ‖ thumbnail ‖ swapped raw is the DNG the header describes
            var t = new TiffReader(header);
            var (ifd0, _, _) = t.Ifd(t.FirstIfd);
            var (sub, _, _) = t.Ifd(TiffReader.Long(ifd0[0x014A]));
            Assert.Equal((uint)header.Length, TiffReader.Long(ifd0[0x0111]));
            Assert.Equal((uint)(header.Length + DngHeader.ThumbnailBytes), TiffReader.Long(sub[0x0111]));
            Assert.Equal((uint)raw.Length, TiffReader.Long(sub[0x0117]));
            Assert.Equal("Canon PowerShot SX160 IS", TiffReader.Ascii(ifd0[0x0110]));
            Assert.Equal("IMG_0042", ChartReader.ReadLine(ChartReader.Decode(got.File(RC.Jpg)), 0, 8));
            Assert.Empty(Directory.GetFiles(Dcim(cam)));
        }

        [Theory]
        [InlineData(10)]
        [InlineData(12)]
        [InlineData(14)]
        public void Raw_EachDepth_SizeAndPixelsAsChdkPacksThem(int bpp)
        {
            using var cam = new ShootingCamera(new SimulatorOptions { RawBitsPerPixel = bpp });
            cam.Lua("init_usb_capture(2)");
            uint id = cam.Start("shoot()");
            var raw = cam.Fetch(RC.Raw).File(RC.Raw);
            cam.Wait(id);
            var g = SensorGeometry.FromOptions(cam.Camera.Options);
            Assert.Equal(g.Height * g.Width * bpp / 8, raw.Length);
            var values = RawAndDngTests.DecodeLikeChdk(raw, g.Width, g.Height, bpp);
            Assert.Equal(cam.Camera.Shooting.LastShot.RawValues, values);
            // the white bar at the top left of the active area is near the white level, the masked border black
            int white = values[(g.ActiveTop + 20) * g.Width + g.ActiveLeft + 20];
            int black = values[(g.ActiveTop / 2) * g.Width + 4];
            Assert.InRange(white, g.WhiteLevel * 3 / 4, g.WhiteLevel);
            Assert.InRange(black, g.BlackLevel - 2, g.BlackLevel + 2);
            Assert.Empty(Directory.GetFiles(Dcim(cam))); // remote capture discards the JPEG even when it is not a target
        }

        [Fact]
        public void Raw_LineSubset_IsThoseRowsOfTheBuffer()
        {
            using var cam = new ShootingCamera();
            var g = SensorGeometry.FromOptions(cam.Camera.Options);
            cam.Lua("init_usb_capture(2, 100, 50)");
            uint id = cam.Start("shoot()");
            var raw = cam.Fetch(RC.Raw).File(RC.Raw);
            cam.Wait(id);
            Assert.Equal(50 * g.RowBytes, raw.Length);
            Assert.Equal(cam.Camera.Shooting.LastShot.RawBuffer.Skip(100 * g.RowBytes).Take(50 * g.RowBytes), raw);

            // numlines 0: to the end of the sensor
            cam.Lua($"init_usb_capture(2, {g.Height - 10})");
            id = cam.Start("shoot()");
            raw = cam.Fetch(RC.Raw).File(RC.Raw);
            cam.Wait(id);
            Assert.Equal(10 * g.RowBytes, raw.Length);
            Assert.Equal(cam.Camera.Shooting.LastShot.RawBuffer.Skip((g.Height - 10) * g.RowBytes), raw);
        }

        [Fact]
        public void MultipassSeek_ScanFirstThenHeaderAtZero_ReassemblesToTheJpeg()
        {
            using var cam = new ShootingCamera(new SimulatorOptions { FileWriteMode = FileWriteMode.MultipassSeek, FileChunkCount = 4 });
            cam.Lua("init_usb_capture(1)");
            uint id = cam.Start("shoot()");
            var got = cam.Fetch(RC.Jpg);
            cam.Wait(id);
            var jpeg = cam.Camera.Shooting.LastShot.Jpeg;
            var chunks = got.Of(RC.Jpg).ToList();
            int header = ImageFiles.JpegHeaderLength(jpeg);
            Assert.InRange(header, 100, jpeg.Length - 100);
            Assert.Equal(new long[] { header, -1, -1, 0 }, chunks.Select(c => c.Offset));
            Assert.Equal(new[] { true, true, true, false }, chunks.Select(c => c.More));
            Assert.Equal(jpeg, got.File(RC.Jpg));
            // a client that ignores the offsets gets a broken file
            Assert.NotEqual(jpeg, chunks.SelectMany(c => c.Data).ToArray());
        }

        [Fact]
        public void MultipassRewrite_HeaderRewrittenAtZero_ReassemblesToTheJpeg()
        {
            using var cam = new ShootingCamera(new SimulatorOptions { FileWriteMode = FileWriteMode.MultipassRewrite });
            cam.Lua("init_usb_capture(1)");
            uint id = cam.Start("shoot()");
            var got = cam.Fetch(RC.Jpg);
            cam.Wait(id);
            var jpeg = cam.Camera.Shooting.LastShot.Jpeg;
            var chunks = got.Of(RC.Jpg).ToList();
            Assert.Equal(new long[] { -1, -1, 0 }, chunks.Select(c => c.Offset));
            Assert.Equal(jpeg.Length, chunks[0].Data.Length + chunks[1].Data.Length);
            Assert.Equal(ImageFiles.JpegHeaderLength(jpeg), chunks[2].Data.Length);
            Assert.Equal(jpeg, got.File(RC.Jpg));
            Assert.NotEqual(jpeg, chunks.SelectMany(c => c.Data).ToArray());
        }

        [Fact]
        public void CanonRaw_Cr2ThenJpeg_BothCaptured()
        {
            using var cam = new ShootingCamera(new SimulatorOptions { CanonRaw = true, FileWriteMode = FileWriteMode.MultipassSeek });
            Assert.Equal(new object[] { true, true }, cam.Lua("return set_canon_image_format(3), init_usb_capture(9)").ToArray());
            uint id = cam.Start("shoot()");
            var got = cam.Fetch(RC.CanonRaw | RC.Jpg);
            cam.Wait(id);
            Assert.Equal(new[] { RC.CanonRaw, RC.Jpg }, got.Order);
            Assert.Equal(cam.Camera.Shooting.LastShot.Cr2, got.File(RC.CanonRaw));
            Assert.Equal(cam.Camera.Shooting.LastShot.Jpeg, got.File(RC.Jpg));
            Assert.Equal(0, got.Of(RC.CanonRaw).Last().Offset); // the CR2 header, rewritten at the start
            Assert.Empty(Directory.GetFiles(Dcim(cam)));
        }

        [Fact]
        public void GetData_TypeNotAvailable_ResetsCaptureWithGeneralError()
        {
            using var cam = new ShootingCamera();
            cam.Lua("init_usb_capture(7)");
            uint id = cam.Start("return shoot()");
            Assert.Equal((uint)RC.DngHeader, cam.WaitReady().Status);
            var bad = cam.GetDataRaw(RC.Jpg); // requested, but not the one available
            Assert.True(bad.GotData);
            Assert.Equal(new byte[] { 0 }, bad.Data);
            Assert.Equal(PtpResponseCode.GeneralError, bad.R.Code);
            Assert.Equal(new uint[] { 0, 0, 0xFFFFFFFF }, bad.R.Parameters);
            Assert.Equal((ChdkConstants.CaptureNotSet, 0u), cam.IsReady());
            // the shot finishes at once (no waiting for the host), its files discarded
            Assert.Equal(new object[] { 0 }, cam.Wait(id, 3000).ToArray());
            Assert.Equal(new object[] { 0, 1 }, cam.Lua("return get_usb_capture_target(), get_exp_count()").ToArray());
            Assert.Empty(Directory.GetFiles(Dcim(cam)));
            // and a session that goes on working
            Assert.Equal(PtpResponseCode.GeneralError, cam.GetDataRaw(RC.Jpg).R.Code);
            cam.Lua("shoot()");
            Assert.True(File.Exists(cam.Host("A/DCIM/100CANON/IMG_0002.JPG")));
        }

        [Fact]
        public void GetData_TypeNotRequested_ResetsCapture()
        {
            using var cam = new ShootingCamera();
            cam.Lua("init_usb_capture(1)");
            uint id = cam.Start("shoot()");
            Assert.Equal((uint)RC.Jpg, cam.WaitReady().Status);
            var bad = cam.GetDataRaw(RC.Raw);
            Assert.Equal(PtpResponseCode.GeneralError, bad.R.Code);
            Assert.Equal(new byte[] { 0 }, bad.Data);
            Assert.Equal(ChdkConstants.CaptureNotSet, cam.IsReady().Status);
            cam.Wait(id, 3000);
        }

        [Fact]
        public void GetData_SeveralBits_SendsTheAvailableTypeButAnswersGeneralError()
        {
            // remotecap_get_data_chunk selects requested & target & available, and remotecap_send_complete compares the
            // request with the available type: the chunk goes out, the response is GeneralError, capture stays on
            using var cam = new ShootingCamera();
            cam.Lua("init_usb_capture(3)");
            uint id = cam.Start("shoot()");
            Assert.Equal((uint)RC.Raw, cam.WaitReady().Status);
            var r = cam.GetDataRaw(RC.Raw | RC.Jpg);
            Assert.Equal(PtpResponseCode.GeneralError, r.R.Code);
            Assert.Equal(cam.Camera.Shooting.LastShot.RawBuffer.Length, r.Data.Length);
            Assert.Equal(new uint[] { (uint)r.Data.Length, 0, 0xFFFFFFFF }, r.R.Parameters);
            var got = cam.Fetch(RC.Jpg);
            Assert.Equal(cam.Camera.Shooting.LastShot.Jpeg, got.File(RC.Jpg));
            cam.Wait(id);
        }

        [Fact]
        public void Timeout_HostDoesNotFetch_CaptureCancelled()
        {
            using var cam = new ShootingCamera();
            cam.Lua("init_usb_capture(1) set_usb_capture_timeout(150)");
            var clock = Stopwatch.StartNew();
            var r = cam.Lua("local t = get_tick_count() local s = shoot() return s, get_tick_count() - t, get_usb_capture_target()");
            Assert.Equal(0, r[0]);
            Assert.InRange((int)r[1], 150, 3000);
            Assert.Equal(0, r[2]);
            Assert.Equal((ChdkConstants.CaptureNotSet, 0u), cam.IsReady());
            Assert.Equal(1, cam.Camera.RemoteCapture.Timeouts);
            Assert.Empty(Directory.GetFiles(Dcim(cam)));
        }

        [Fact]
        public void Timeout_InTheMiddleOfAFile_NextChunkFails()
        {
            using var cam = new ShootingCamera();
            cam.Lua("init_usb_capture(1) set_usb_capture_timeout(200)");
            uint id = cam.Start("shoot()");
            Assert.Equal((uint)RC.Jpg, cam.WaitReady().Status);
            var first = cam.GetDataRaw(RC.Jpg);
            Assert.Equal(PtpResponseCode.OK, first.R.Code);
            Assert.Equal(1u, first.R.Parameters[1]);
            Thread.Sleep(400);
            var late = cam.GetDataRaw(RC.Jpg);
            Assert.Equal(PtpResponseCode.GeneralError, late.R.Code);
            Assert.Equal(ChdkConstants.CaptureNotSet, cam.IsReady().Status);
            cam.Wait(id, 3000);
        }

        [Fact]
        public void Timeout_ZeroOrNegativeRestoresDefault_UnderTenMsTimesOutAtOnce()
        {
            using var cam = new ShootingCamera();
            Assert.Equal(30000, cam.Camera.RemoteCapture.TimeoutMs);
            cam.Lua("set_usb_capture_timeout(1234)");
            Assert.Equal(1230, cam.Camera.RemoteCapture.TimeoutMs);
            cam.Lua("set_usb_capture_timeout(-5)");
            Assert.Equal(30000, cam.Camera.RemoteCapture.TimeoutMs);
            cam.Lua("init_usb_capture(1) set_usb_capture_timeout(5)");
            Assert.Equal(0, cam.Lua1("shoot() return get_usb_capture_target()"));
            Assert.Equal(1, cam.Camera.RemoteCapture.Timeouts);
        }

        [Fact]
        public void InitUsbCapture_FailureRules()
        {
            using var cam = new ShootingCamera();
            var g = SensorGeometry.FromOptions(cam.Camera.Options);
            int rows = g.Height;
            // a failing call clears an earlier target
            Assert.Equal(new object[] { true, 7, false, 0 }, cam.Lua("local a = init_usb_capture(7) local t = get_usb_capture_target() return a, t, init_usb_capture(8), get_usb_capture_target()").ToArray());
            Assert.Equal(false, cam.Lua1("return init_usb_capture(16)"));
            Assert.Equal(false, cam.Lua1("return init_usb_capture(0x10000000)"));
            // line ranges
            Assert.Equal(false, cam.Lua1("return init_usb_capture(2, -1)"));
            Assert.Equal(false, cam.Lua1($"return init_usb_capture(2, {rows})"));
            Assert.Equal(false, cam.Lua1("return init_usb_capture(2, 0, -1)"));
            Assert.Equal(false, cam.Lua1($"return init_usb_capture(2, 10, {rows - 9})"));
            Assert.Equal(true, cam.Lua1($"return init_usb_capture(2, 10, {rows - 10})"));
            Assert.Equal(true, cam.Lua1($"return init_usb_capture(2, {rows - 1}, 1)"));
            Assert.Equal((rows - 1, 1), (cam.Camera.RemoteCapture.StartLine, cam.Camera.RemoteCapture.LineCount));
            Assert.Equal(true, cam.Lua1("return init_usb_capture(1, 0, 0)"));
            Assert.Equal(rows, cam.Camera.RemoteCapture.LineCount);
            // raw is impossible in video mode
            Assert.Equal(new object[] { true, false, true }, cam.Lua("local a = set_capture_mode(9) return a, init_usb_capture(2), init_usb_capture(1)").ToArray());
            Assert.Equal(new object[] { true, true }, cam.Lua("return set_capture_mode(2), init_usb_capture(6)").ToArray());
            Assert.Equal(true, cam.Lua1("return init_usb_capture(0)"));
            Assert.Equal(0, cam.Lua1("return get_usb_capture_target()"));
            Assert.Throws<ChdkScriptException>(() => cam.Lua("init_usb_capture()"));
        }

        [Fact]
        public void InitUsbCapture_PlaybackRefuses_EvenClearing()
        {
            using var cam = new ShootingCamera(record: false);
            Assert.Equal(new object[] { false, false, 0 }, cam.Lua("return init_usb_capture(1), init_usb_capture(0), get_usb_capture_target()").ToArray());
            Assert.Equal((ChdkConstants.CaptureNotSet, 0u), cam.IsReady());
            // switching to playback cancels an active capture
            cam.Camera.RecordMode = true;
            Assert.Equal(true, cam.Lua1("return init_usb_capture(1)"));
            Assert.Equal(true, cam.Lua1("switch_mode_usb(0) local t0 = get_tick_count() repeat sleep(10) until not get_mode() or get_tick_count() - t0 > 2000 return not get_mode()"));
            Assert.Equal(0, cam.Lua1("return get_usb_capture_target()"));
        }

        [Fact]
        public void InitUsbCapture_CanonRawCamera_TypesMustMatchTheImageFormat()
        {
            using var cam = new ShootingCamera(new SimulatorOptions { CanonRaw = true });
            Assert.Equal(new object[] { false, true }, cam.Lua("return init_usb_capture(8), init_usb_capture(1)").ToArray());
            Assert.Equal(new object[] { true, false, true, true }, cam.Lua("return set_canon_image_format(2), init_usb_capture(1), init_usb_capture(8), init_usb_capture(14)").ToArray());
            Assert.Equal(new object[] { true, true }, cam.Lua("return set_canon_image_format(3), init_usb_capture(15)").ToArray());
        }

        [Fact]
        public void InitUsbCapture_SeeklessMultipass_NeedsSingleDrive()
        {
            using var cam = new ShootingCamera(new SimulatorOptions { FileWriteMode = FileWriteMode.MultipassRewrite });
            Assert.Equal(new object[] { true, false, true, true }, cam.Lua(
                "local a = init_usb_capture(1) set_prop(require'propcase'.DRIVE_MODE, 1) return a, init_usb_capture(1), init_usb_capture(6), init_usb_capture(0)").ToArray());
            using var seek = new ShootingCamera(new SimulatorOptions { FileWriteMode = FileWriteMode.MultipassSeek });
            Assert.Equal(true, seek.Lua1("set_prop(require'propcase'.DRIVE_MODE, 1) return init_usb_capture(1)"));
        }

        [Fact]
        public void QuickShots_WithCapture_EachShotFetchedInTurn()
        {
            // rs -quick: the script keeps pressing shoot_full_only while the host fetches each shot
            using var cam = new ShootingCamera();
            cam.Lua("init_usb_capture(5)");
            uint id = cam.Start(@"
press('shoot_half')
local t0 = get_tick_count()
repeat sleep(10) until get_shooting() or get_tick_count() - t0 > 2000
for i = 1, 3 do
  local last = get_exp_count()
  press('shoot_full_only')
  t0 = get_tick_count()
  repeat sleep(10) until get_exp_count() ~= last or get_tick_count() - t0 > 5000
  release('shoot_full_only')
end
release('shoot_half')
return get_exp_count()");
            for (uint n = 1; n <= 3; n++)
            {
                var got = cam.Fetch(RC.Jpg | RC.DngHeader);
                Assert.Equal(n, got.ImageNumber);
                Assert.Equal($"IMG_{n:D4}", ChartReader.ReadLine(ChartReader.Decode(got.File(RC.Jpg)), 0, 8));
            }
            Assert.Equal(new object[] { 3 }, cam.Wait(id).ToArray());
            Assert.True(cam.Camera.Shooting.WaitIdle(3000));
            Assert.Equal((0u, 0u), cam.IsReady());
        }

        [Fact]
        public void ContinuousWithHook_WithCapture_ThreeShots()
        {
            // rs -cont -int: hook_shoot holds each shot, the host fetches in between
            using var cam = new ShootingCamera();
            cam.Lua("init_usb_capture(1) set_prop(require'propcase'.DRIVE_MODE, 1)");
            uint id = cam.Start(@"
hook_shoot.set(3000)
press('shoot_half')
local t0 = get_tick_count()
repeat sleep(10) until get_shooting() or get_tick_count() - t0 > 2000
press('shoot_full')
for i = 1, 3 do
  t0 = get_tick_count()
  repeat sleep(5) until hook_shoot.is_ready() or get_tick_count() - t0 > 5000
  if i == 3 then release('shoot_full') end
  local last = get_exp_count()
  hook_shoot.continue()
  t0 = get_tick_count()
  repeat sleep(5) until get_exp_count() ~= last or get_tick_count() - t0 > 5000
end
release('shoot_half')
return get_exp_count()");
            for (uint n = 1; n <= 3; n++) Assert.Equal(n, cam.Fetch(RC.Jpg).ImageNumber);
            Assert.Equal(new object[] { 3 }, cam.Wait(id).ToArray());
            Assert.True(cam.Camera.Shooting.WaitIdle(3000));
            Assert.Equal(3, cam.Camera.ExposureCount);
        }

        [Fact]
        public void OlderProtocol_NoRemoteCapture()
        {
            using var cam = new ShootingCamera(new SimulatorOptions { ProtocolMinor = 4 });
            Assert.Throws<ChdkVersionException>(() => cam.IsReady());
        }
    }
}
