using System;
using System.Collections.Generic;
using System.Diagnostics;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport.Usb;

namespace ChdkPtp.Protocol.Tests.Usb
{
    public class UsbErrorTests
    {
        private static readonly UsbCameraInfo Cam = new UsbCameraInfo(1, 4, "1-1.2", 0x04A9, 0x325A, 0, 0, 1);

        [Theory]
        [InlineData(-1, UsbErrorKind.Io)]
        [InlineData(-2, UsbErrorKind.Other)]
        [InlineData(-3, UsbErrorKind.AccessDenied)]
        [InlineData(-4, UsbErrorKind.NoDevice)]
        [InlineData(-5, UsbErrorKind.Other)]
        [InlineData(-6, UsbErrorKind.Busy)]
        [InlineData(-7, UsbErrorKind.Timeout)]
        [InlineData(-8, UsbErrorKind.Io)]
        [InlineData(-9, UsbErrorKind.Stall)]
        [InlineData(-10, UsbErrorKind.Other)]
        [InlineData(-11, UsbErrorKind.Other)]
        [InlineData(-12, UsbErrorKind.Other)]
        [InlineData(-99, UsbErrorKind.Other)]
        [InlineData(-1234, UsbErrorKind.Other)]
        public void EveryLibUsbErrorHasAKind(int code, UsbErrorKind kind)
        {
            Assert.Equal(kind, UsbErrors.KindOf(code));
            var e = UsbErrors.From(code, "claiming interface 0", Cam, 5000, UsbHostOs.Linux);
            if (kind == UsbErrorKind.Timeout)
            {
                Assert.IsType<PtpTimeoutException>(e);
            }
            else
            {
                var u = Assert.IsType<UsbTransportException>(e);
                Assert.Equal(kind, u.Kind);
                Assert.Equal(code, u.LibUsbError);
                Assert.Equal("usb:001/004", u.Location);
                Assert.StartsWith("LIBUSB_", u.LibUsbErrorName);
                Assert.Contains(u.LibUsbErrorName, u.Message);
                Assert.Contains("claiming interface 0", u.Message);
            }
            Assert.Contains("usb:001/004", e.Message);
        }

        [Fact]
        public void ATimeoutNamesTheOperationAndTheTimeout()
        {
            var e = Assert.IsType<PtpTimeoutException>(UsbErrors.From(-7, "reading from endpoint 0x81", Cam, 1234, UsbHostOs.Linux));
            Assert.Contains("reading from endpoint 0x81", e.Message);
            Assert.Contains("1234 ms", e.Message);
        }

        [Fact]
        public void AccessDeniedOnLinuxPointsToTheUdevRules()
        {
            var e = UsbErrors.From(-3, "opening the device", Cam, 5000, UsbHostOs.Linux);
            Assert.Contains("sudo cp udev/60-chdkptp.rules /etc/udev/rules.d/", e.Message);
            Assert.Contains("sudo udevadm control --reload && sudo udevadm trigger", e.Message);
            Assert.Contains("replug", e.Message);
            Assert.Contains("root", e.Message);
            Assert.Contains("/dev/bus/usb/001/004", e.Message);
        }

        [Fact]
        public void TheUdevRulesFileTheAdviceNamesShipsAndCoversCanonPtpCameras()
        {
            var dir = new System.IO.DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "ChdkPtp.sln"))) dir = dir.Parent;
            Assert.NotNull(dir);
            var rules = System.IO.File.ReadAllText(System.IO.Path.Combine(dir.FullName, UsbErrors.UdevRulesFile));
            Assert.Contains("ATTR{idVendor}==\"04a9\"", rules);
            Assert.Contains("ENV{ID_USB_INTERFACES}==\"*:060101:*\"", rules);
            Assert.Contains("TAG+=\"uaccess\"", rules);
            // The install line in the file is the one the message gives.
            Assert.Contains("sudo cp udev/60-chdkptp.rules /etc/udev/rules.d/ && sudo udevadm control --reload && sudo udevadm trigger", rules);
        }

        [Fact]
        public void AccessDeniedElsewhereGivesThatSystemsAdvice()
        {
            Assert.Contains("killall ptpcamerad", UsbErrors.From(-3, "claiming interface 0", Cam, 5000, UsbHostOs.MacOS).Message);
            Assert.Contains("Zadig", UsbErrors.From(-3, "opening the device", Cam, 5000, UsbHostOs.Windows).Message);
            Assert.DoesNotContain("udev", UsbErrors.From(-3, "opening the device", Cam, 5000, UsbHostOs.Windows).Message);
        }

        [Fact]
        public void BusyOnLinuxNamesTheHoldersButNotThisProcess()
        {
            int self;
            using (var p = Process.GetCurrentProcess()) self = p.Id;
            var holders = new List<UsbDeviceHolder> { new UsbDeviceHolder(self, "testhost"), new UsbDeviceHolder(4242, "gvfs-gphoto2-volume-monitor") };
            var e = Assert.IsType<UsbTransportException>(UsbErrors.From(-6, "claiming interface 0", Cam, 5000, UsbHostOs.Linux, () => holders));
            Assert.Equal(UsbErrorKind.Busy, e.Kind);
            Assert.Contains("gvfs-gphoto2-volume-monitor (pid 4242)", e.Message);
            Assert.DoesNotContain($"pid {self}", e.Message);
            Assert.Contains("gio mount -u gphoto2://*", e.Message);
            Assert.Contains("chdkptp", e.Message);
            var h = Assert.Single(e.Holders);
            Assert.Equal(4242, h.Pid);
        }

        [Fact]
        public void BusyWithoutKnownHoldersStillSaysWhatUsuallyHoldsCameras()
        {
            var e = Assert.IsType<UsbTransportException>(UsbErrors.From(-6, "claiming interface 0", Cam, 5000, UsbHostOs.Linux, () => throw new UnauthorizedAccessException()));
            Assert.Empty(e.Holders);
            Assert.Contains("gvfs-gphoto2-volume-monitor", e.Message);
            Assert.DoesNotContain("Holding", e.Message);
            Assert.Contains("killall ptpcamerad", UsbErrors.From(-6, "claiming interface 0", Cam, 5000, UsbHostOs.MacOS).Message);
            Assert.Contains("PTPCamera", UsbErrors.From(-6, "claiming interface 0", Cam, 5000, UsbHostOs.MacOS).Message);
        }

        [Fact]
        public void NoDeviceSaysUnpluggedOrSwitchedOff()
        {
            var e = UsbErrors.From(-4, "writing 16 bytes to endpoint 0x02", Cam, 5000, UsbHostOs.Linux);
            Assert.Contains("the camera was unplugged or switched off", e.Message);
        }

        [Fact]
        public void NotSupportedOnWindowsMeansTheDriverIsNotWinUsb()
        {
            Assert.Contains("Zadig", UsbErrors.From(-12, "opening the device", Cam, 5000, UsbHostOs.Windows).Message);
            Assert.DoesNotContain("Zadig", UsbErrors.From(-12, "opening the device", Cam, 5000, UsbHostOs.Linux).Message);
        }

        [Fact]
        public void UsbTransportExceptionIsAPtpTransportException()
        {
            // PtpSession and the cmdlets treat it as a link failure.
            Assert.IsAssignableFrom<PtpTransportException>(UsbErrors.From(-1, "x", Cam, 5000, UsbHostOs.Linux));
        }

        [Theory]
        [InlineData((int)UsbHostOs.Linux, "sudo apt install libusb-1.0-0")]
        [InlineData((int)UsbHostOs.Linux, "sudo dnf install libusb1")]
        [InlineData((int)UsbHostOs.MacOS, "brew install libusb")]
        [InlineData((int)UsbHostOs.Windows, "libusb-1.0.dll")]
        [InlineData((int)UsbHostOs.Windows, "Zadig")]
        [InlineData((int)UsbHostOs.Windows, "libusb.info")]
        public void NotInstalledSaysHowToInstallIt(int os, string advice)
        {
            var e = UsbErrors.NotInstalled((UsbHostOs)os, "\n  libusb-1.0.so.0: not found");
            Assert.Equal(UsbErrorKind.NotInstalled, e.Kind);
            Assert.Contains(advice, e.Message);
            Assert.Contains("libusb-1.0.so.0: not found", e.Message);
        }
    }
}
