using System;
using System.IO;
using System.Runtime.InteropServices;
using ChdkPtp.Protocol.Transport.Usb;

namespace ChdkPtp.Protocol.Tests.Usb
{
    /// <summary>Against the libusb installed on this machine (libusb-1.0-0 is a test prerequisite on Linux).</summary>
    public class LibUsbProbeTests
    {
        [Fact]
        public void TheInstalledLibraryLoadsAndInitialises()
        {
            var s = LibUsb.Probe();
            Assert.True(s.Available, s.Error?.Message);
            Assert.Null(s.Error);
            Assert.Matches(@"^1\.\d+\.\d+\.\d+$", s.Version);
            Assert.False(string.IsNullOrEmpty(s.LibraryPath));
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                Assert.Contains("libusb-1.0.so", s.LibraryPath);
                Assert.True(File.Exists(s.LibraryPath), s.LibraryPath);
            }
            Assert.Contains(s.Version, s.ToString());
        }

        [Fact]
        public void ListingWorksWithNoCamerasAttached()
        {
            var canon = UsbCameras.List();
            var any = UsbCameras.List(null);
            Assert.NotNull(canon);
            Assert.NotNull(any);
            Assert.All(canon, c => Assert.Equal(0x04A9, c.VendorId));
            Assert.True(any.Count >= canon.Count);
        }

        [Fact]
        public void AMissingLibraryIsNotInstalledWithAdviceAndWhatWasTried()
        {
            var s = LibUsb.Probe(new[] { "libusb-bogus-chdkptp-test.so.0", "/nonexistent/libusb-1.0.so.0" });
            Assert.False(s.Available);
            Assert.Null(s.Version);
            Assert.Equal(UsbErrorKind.NotInstalled, s.Error.Kind);
            Assert.Contains("libusb-bogus-chdkptp-test.so.0", s.Error.Message);
            Assert.Contains("/nonexistent/libusb-1.0.so.0", s.Error.Message);
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
                Assert.Contains("sudo apt install libusb-1.0-0", s.Error.Message);
            Assert.Equal(s.Error.Message, s.ToString());
        }

        [Fact]
        public void ALibraryWithoutLibUsbFunctionsIsRefusedAndTheNextCandidateUsed()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            var bad = LibUsb.Probe(new[] { "libc.so.6" });
            Assert.False(bad.Available);
            Assert.Equal(UsbErrorKind.NotInstalled, bad.Error.Kind);
            Assert.Contains("has no libusb_init", bad.Error.Message);
            var good = LibUsb.Probe(new[] { "libc.so.6", "libusb-1.0.so.0" });
            Assert.True(good.Available, good.Error?.Message);
        }
    }
}
