using System.IO;
using System.Linq;

namespace ChdkPtp.UsbEmulation.Tests
{
    /// <summary>
    /// gphoto2 (libgphoto2 2.5.x, whose USB port is libusb-1.0) against the simulator through the emulated kernel
    /// interface: an independent libusb client that must not be able to tell the virtual camera from a real one.
    /// </summary>
    public sealed class GphotoTests
    {
        private static void AssertClean(EmulationResult r)
        {
            Assert.True(r.UnknownIoctls.Count == 0, "ioctls the emulation does not know: " + string.Join(", ", r.UnknownIoctls) + "\n" + r);
            Assert.True(r.Warnings.Count == 0, "harness warnings: " + string.Join(" | ", r.Warnings) + "\n" + r);
        }

        [Fact]
        public void AutoDetect_ListsThePowerShotAtItsBusAndAddress()
        {
            using var cam = new EmulatedCamera();
            var r = cam.Run("gphoto2 --auto-detect");
            Assert.True(r.ExitCode == 0, r.ToString());
            // gphoto2 matched 04a9:325a in its own camera list, and found it at bus 1, address 2 (sysfs via libusb)
            Assert.Matches(@"Canon PowerShot SX160IS\s+usb:001,002", r.Stdout);
            Assert.Equal(1, r.Stdout.Split('\n').Count(l => l.Contains("usb:")));
            AssertClean(r);
        }

        [Fact]
        public void Summary_RunsChdkScriptsThroughLibusbUrbs()
        {
            using var cam = new EmulatedCamera();
            var r = cam.Run("gphoto2 --summary");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("CHDK 2.9 Status:", r.Stdout);
            Assert.Matches(@"Optical Temperature: -?\d+", r.Stdout);
            // It went through the kernel interface as libusb uses it, not a shortcut
            Assert.True(r.Ioctls("CLAIMINTERFACE") >= 1, r.ToString());
            Assert.True(r.Ioctls("SUBMITURB") > 20, r.ToString());
            Assert.True(r.Ioctls("REAPURBNDELAY") >= r.Ioctls("SUBMITURB"), r.ToString());
            Assert.True(r.Ioctls("RELEASEINTERFACE") >= 1, r.ToString());
            Assert.True(cam.Server.BytesOut > 1000 && cam.Server.BytesIn > 100, $"bridge saw {cam.Server.BytesOut} out, {cam.Server.BytesIn} in");
            AssertClean(r);
        }

        [Fact]
        public void WithoutTheChdkSetting_ItIsAPlainPtpCameraWithAnEmptyStorage()
        {
            // Without ptp2=chdk=on gphoto2 drives it as a plain Canon PTP camera. The simulator answers the standard
            // operations it lists (one SD storage, GetObjectHandles) but shows its files only through CHDK, so the
            // plain listing is empty, and the summary shows the storage: PTP answers, not transport errors.
            using var cam = new EmulatedCamera();
            cam.PutFile("DCIM/100CANON/IMG_0001.JPG", 1000, 1);
            var r = cam.Run("gphoto2 --list-files && gphoto2 --summary", chdk: false);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("There is no file in folder '/store_00010001'.", r.Stdout);
            Assert.DoesNotContain("IMG_0001.JPG", r.Stdout);
            Assert.Contains("Model: Canon PowerShot SX160 IS", r.Stdout);
            Assert.Contains("Storage Type: Removable RAM (memory card)", r.Stdout);
            AssertClean(r);
        }

        [Fact]
        public void ListFiles_ShowsTheCardsFoldersAndSizes()
        {
            using var cam = new EmulatedCamera();
            cam.PutFile("DCIM/100CANON/IMG_0001.JPG", 123456, 1);
            cam.PutFile("DCIM/101CANON/IMG_0100.JPG", 2000, 2);
            cam.PutFile("CHDK/SCRIPTS/TEST.LUA", 10, 3);
            var r = cam.Run("gphoto2 --list-files");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("There is 1 file in folder '/DCIM/100CANON'.", r.Stdout);
            Assert.Matches(@"#\d+\s+IMG_0001\.JPG\s+121 KB", r.Stdout);
            Assert.Matches(@"#\d+\s+IMG_0100\.JPG\s+2 KB", r.Stdout);
            Assert.Contains("There is 1 file in folder '/DCIM/101CANON'.", r.Stdout);
            Assert.Contains("IMG_0100.JPG", r.Stdout);
            Assert.Contains("TEST.LUA", r.Stdout);
            AssertClean(r);
        }

        /// <summary>
        /// Byte-exact downloads: a one-packet container, one that ends one byte short of a packet, one of exactly one
        /// packet (512 bytes: the camera must send a zero-length packet after it), multi-megabyte ones. Split: libusb
        /// cuts transfers into 16 KiB URBs flagged BULK_CONTINUATION/SHORT_NOT_OK (no scatter-gather); not split:
        /// one URB per transfer.
        /// </summary>
        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void GetAllFiles_IsByteExact(bool splitUrbs)
        {
            using var cam = new EmulatedCamera();
            var files = new (string Name, byte[] Data)[]
            {
                ("A_ONE.BIN", cam.PutFile("DCIM/100CANON/A_ONE.BIN", 1, 11)),
                ("B_SHORT.BIN", cam.PutFile("DCIM/100CANON/B_SHORT.BIN", 511 - 12, 12)),
                ("C_ZLP.BIN", cam.PutFile("DCIM/100CANON/C_ZLP.BIN", 512 - 12, 13)),
                ("D_ZLP2.BIN", cam.PutFile("DCIM/100CANON/D_ZLP2.BIN", 512 * 4096 - 12, 14)),
                ("IMG_0042.JPG", cam.PutFile("DCIM/100CANON/IMG_0042.JPG", 3 * 1024 * 1024 + 7, 15)),
            };
            var r = cam.Run("gphoto2 --get-all-files", true, splitUrbs ? new string[0] : new[] { "--scatter-gather" });
            Assert.True(r.ExitCode == 0, r.ToString());
            foreach (var (name, data) in files)
            {
                var got = Path.Combine(cam.WorkDir, name);
                Assert.True(File.Exists(got), $"{name} was not downloaded\n{r}");
                Assert.True(data.SequenceEqual(File.ReadAllBytes(got)), $"{name} differs from the card's");
            }
            // Two containers are whole packets: the camera ended each with a zero-length packet, and the host saw it
            Assert.True(cam.Server.ZeroLengthIn >= 2, $"camera sent {cam.Server.ZeroLengthIn} ZLPs");
            Assert.True(r.Number("zlp_in") >= 2, r.ToString());
            if (splitUrbs)
            {
                Assert.True(r.Urbs("continuation") > 100, "no BULK_CONTINUATION URBs: " + r);
                Assert.Equal(16384, r.Number("max_urb"));
            }
            else
            {
                Assert.Equal(0, r.Urbs("continuation"));
                Assert.True(r.Number("max_urb") > 16384, r.ToString());
            }
            AssertClean(r);
        }

        [Fact]
        public void CaptureImageAndDownload_GetsTheNewJpeg()
        {
            using var cam = new EmulatedCamera();
            var r = cam.Run("gphoto2 --capture-image-and-download --filename shot.jpg");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Matches(@"New file is in location /DCIM/1\d\dCANON/IMG_\d{4}\.JPG on the camera", r.Stdout);
            var jpeg = File.ReadAllBytes(Path.Combine(cam.WorkDir, "shot.jpg"));
            Assert.True(jpeg.Length > 1000, $"{jpeg.Length} bytes");
            Assert.Equal(new byte[] { 0xFF, 0xD8 }, jpeg.Take(2));
            Assert.Equal(new byte[] { 0xFF, 0xD9 }, jpeg.Skip(jpeg.Length - 2));
            AssertClean(r);
        }

        [Fact]
        public void Busy_ClaimFailsAsWhenAnotherProgramHoldsTheCamera()
        {
            using var cam = new EmulatedCamera();
            var r = cam.Run("gphoto2 --summary", true, "--mode", "busy");
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains("Could not claim the USB device", r.Output);
            Assert.Contains("Device or resource busy", r.Output);
            Assert.True(r.Ioctls("CLAIMINTERFACE") >= 1, r.ToString());
            Assert.Equal(0, r.Ioctls("SUBMITURB"));
            Assert.Equal(0L, cam.Server.BytesOut);
        }

        [Fact]
        public void Denied_OpenFailsWithAccessDenied()
        {
            using var cam = new EmulatedCamera();
            var r = cam.Run("gphoto2 --debug --debug-logfile=debug.txt --summary", true, "--mode", "denied");
            Assert.NotEqual(0, r.ExitCode);
            var log = File.ReadAllText(Path.Combine(cam.WorkDir, "debug.txt"));
            Assert.Contains("Access denied (insufficient permissions)", log);
            Assert.Equal(0, r.Ioctls("CLAIMINTERFACE")); // never opened
            Assert.Equal(1, cam.Server.Plugs); // plugged once, never talked to
            Assert.Equal(0L, cam.Server.BytesOut);
        }

        [Fact]
        public void Replug_ComesBackAtANewAddressWithANewSerial_AndWorks()
        {
            using var cam = new EmulatedCamera();
            const string serial = "0123456789ABCDEF0123456789ABCDEF";
            var r = cam.Run(
                "gphoto2 --auto-detect && gphoto2 --summary >/dev/null && " +
                $"python3 \"$UMOCKCTL\" replug gap=0.2 serial={serial} && " +
                "cat /sys/bus/usb/devices/1-1/serial && cat /sys/bus/usb/devices/1-1/devnum && " +
                "gphoto2 --auto-detect && gphoto2 --summary");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Matches(@"usb:001,002", r.Stdout);
            Assert.Contains("ok plugged bus=1 dev=3 serial=" + serial, r.Stdout);
            Assert.Matches(serial + @"\n3\n", r.Stdout.Replace("\r", ""));
            Assert.Matches(@"Canon PowerShot SX160IS\s+usb:001,003", r.Stdout);
            Assert.Contains("CHDK 2.9 Status:", r.Stdout);
            Assert.Equal(2, cam.Server.Plugs);
            Assert.Equal(serial, cam.Server.Camera.Options.SerialNumber);
            Assert.Equal(2, r.Number("plugs"));
            Assert.Equal(1, r.Number("unplugs"));
            AssertClean(r);
        }

        [Fact]
        public void UnplugDuringADownload_FailsTheTransfer_AndTheCameraWorksAfterTheReplug()
        {
            using var cam = new EmulatedCamera();
            var data = cam.PutFile("DCIM/100CANON/MVI_0001.MOV", 8 * 1024 * 1024, 21);
            // The cable is pulled after exactly 1 MiB of bulk IN; the camera comes back 0.3 s later.
            var r = cam.Run(
                "gphoto2 --get-file /DCIM/100CANON/MVI_0001.MOV; echo \"get-file exit $?\"; " +
                "sleep 1; python3 \"$UMOCKCTL\" status; gphoto2 --summary",
                true, "--unplug-after-in", (1024 * 1024).ToString(), "--replug-gap", "0.3");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("PTP I/O Error", r.Output);
            Assert.DoesNotContain("get-file exit 0", r.Stdout);
            var partial = Path.Combine(cam.WorkDir, "MVI_0001.MOV");
            Assert.False(File.Exists(partial) && new FileInfo(partial).Length == data.Length, "the download completed despite the unplug");
            // In-flight URBs died with -ESHUTDOWN, as the kernel gives them back on disconnect
            Assert.True(r.Urbs("reaped status -108") >= 1, r.ToString());
            Assert.Contains("plugged bus=1 dev=3", r.Stdout);
            Assert.Contains("CHDK 2.9 Status:", r.Stdout);
            Assert.Equal(2, cam.Server.Plugs);
            Assert.True(r.UnknownIoctls.Count == 0, r.ToString());
        }
    }
}
