using System;
using ChdkPtp.Protocol.Transport.Usb;
using static ChdkPtp.Protocol.Tests.Usb.NativeDescriptorTree;

namespace ChdkPtp.Protocol.Tests.Usb
{
    public class UsbDescriptorTests
    {
        [Fact]
        public void ACanonCameraHasItsStillImageInterfaceFirst()
        {
            using var tree = new NativeDescriptorTree();
            var cfg = UsbDescriptors.ReadConfig(tree.Build(1, new[] { new Alt { Number = 0, Endpoints = PtpEndpoints() } }));
            Assert.Equal(1, cfg.ConfigurationValue);
            var alt = UsbDescriptors.FindStillImage(cfg);
            Assert.NotNull(alt);
            Assert.Equal(0, alt.InterfaceNumber);
            var ep = UsbDescriptors.FindEndpoints(alt, out var problem);
            Assert.Null(problem);
            Assert.Equal(0x81, ep.BulkIn);
            Assert.Equal(0x02, ep.BulkOut);
            Assert.Equal(0x83, ep.InterruptIn);
            Assert.Equal(512, ep.MaxPacketSize);
        }

        [Fact]
        public void AStillImageInterfaceAfterOthersIsFound()
        {
            using var tree = new NativeDescriptorTree();
            var p = tree.Build(2,
                new[] { new Alt { Number = 0, Class = 0xFF, Endpoints = PtpEndpoints() } },            // vendor specific
                new[] { new Alt { Number = 1, Class = 8, Endpoints = PtpEndpoints() } },               // mass storage
                new[] { new Alt { Number = 2, Class = 6, Endpoints = new[] { new Ep(0x84, 2, 64), new Ep(0x05, 2, 64) } } });
            var alt = UsbDescriptors.FindStillImage(UsbDescriptors.ReadConfig(p));
            Assert.Equal(2, alt.InterfaceNumber);
            var ep = UsbDescriptors.FindEndpoints(alt, out _);
            Assert.Equal(0x84, ep.BulkIn);
            Assert.Equal(0x05, ep.BulkOut);
            Assert.Equal(0, ep.InterruptIn);
            Assert.Equal(64, ep.MaxPacketSize);
        }

        [Fact]
        public void AStillImageAltSettingOtherThanZeroIsFound()
        {
            using var tree = new NativeDescriptorTree();
            var p = tree.Build(1, new[]
            {
                new Alt { Number = 0, Setting = 0, Class = 0xFF },
                new Alt { Number = 0, Setting = 1, Class = 6, Endpoints = PtpEndpoints() },
            });
            var alt = UsbDescriptors.FindStillImage(UsbDescriptors.ReadConfig(p));
            Assert.Equal(0, alt.InterfaceNumber);
            Assert.Equal(1, alt.AlternateSetting);
        }

        [Fact]
        public void EndpointOrderDoesNotMatterAndOnlyTheFirstOfEachKindCounts()
        {
            using var tree = new NativeDescriptorTree();
            var p = tree.Build(1, new[] { new Alt { Endpoints = new[]
            {
                new Ep(0x83, 3, 8), new Ep(0x02, 2, 512), new Ep(0x81, 2, 512), new Ep(0x04, 2, 512), new Ep(0x85, 2, 512),
            } } });
            var ep = UsbDescriptors.FindEndpoints(UsbDescriptors.FindStillImage(UsbDescriptors.ReadConfig(p)), out _);
            Assert.Equal(0x81, ep.BulkIn);
            Assert.Equal(0x02, ep.BulkOut);
            Assert.Equal(0x83, ep.InterruptIn);
        }

        [Fact]
        public void NoStillImageInterfaceMeansNoCamera()
        {
            using var tree = new NativeDescriptorTree();
            var p = tree.Build(1, new[] { new Alt { Class = 8, Endpoints = PtpEndpoints() } }, new[] { new Alt { Number = 1, Class = 3 } });
            Assert.Null(UsbDescriptors.FindStillImage(UsbDescriptors.ReadConfig(p)));
        }

        [Theory]
        [InlineData(0x81, 0x83, "no bulk OUT")]   // bulk IN and interrupt IN only
        [InlineData(0x02, 0x83, "no bulk IN")]    // bulk OUT only
        public void AMissingBulkEndpointIsNamed(int bulk, int interrupt, string expected)
        {
            using var tree = new NativeDescriptorTree();
            var p = tree.Build(1, new[] { new Alt { Endpoints = new[] { new Ep((byte)bulk, 2, 512), new Ep((byte)interrupt, 3, 8) } } });
            var ep = UsbDescriptors.FindEndpoints(UsbDescriptors.FindStillImage(UsbDescriptors.ReadConfig(p)), out var problem);
            Assert.Null(ep);
            Assert.Contains(expected, problem);
        }

        [Fact]
        public void AnInterruptOutEndpointIsNotTheEventEndpointAndIsoEndpointsAreNotBulk()
        {
            using var tree = new NativeDescriptorTree();
            var p = tree.Build(1, new[] { new Alt { Endpoints = new[] { new Ep(0x03, 3, 8), new Ep(0x86, 1, 512), new Ep(0x81, 2, 512), new Ep(0x02, 2, 512) } } });
            var ep = UsbDescriptors.FindEndpoints(UsbDescriptors.FindStillImage(UsbDescriptors.ReadConfig(p)), out _);
            Assert.Equal(0, ep.InterruptIn);
            Assert.Equal(0x81, ep.BulkIn);
        }

        [Theory]
        [InlineData(512, 512)]
        [InlineData(64, 64)]
        [InlineData(1024, 1024)]      // SuperSpeed
        [InlineData(0, 512)]          // chdkptp's fallback
        [InlineData(0x1200, 512)]     // bits 11-12 (extra transactions) are not part of the size
        public void PacketSizeComesFromTheBulkInEndpoint(int declared, int expected)
        {
            using var tree = new NativeDescriptorTree();
            var p = tree.Build(1, new[] { new Alt { Endpoints = new[] { new Ep(0x02, 2, 64), new Ep(0x81, 2, (ushort)declared) } } });
            var ep = UsbDescriptors.FindEndpoints(UsbDescriptors.FindStillImage(UsbDescriptors.ReadConfig(p)), out _);
            Assert.Equal(expected, ep.MaxPacketSize);
        }

        [Theory]
        [InlineData(100)]
        [InlineData(8)]
        [InlineData(0x7FF)]
        public void APacketSizeNoBulkPipeCanHaveIsRefused(int declared)
        {
            using var tree = new NativeDescriptorTree();
            var p = tree.Build(1, new[] { new Alt { Endpoints = new[] { new Ep(0x81, 2, (ushort)declared), new Ep(0x02, 2, 512) } } });
            Assert.Null(UsbDescriptors.FindEndpoints(UsbDescriptors.FindStillImage(UsbDescriptors.ReadConfig(p)), out var problem));
            Assert.Contains("packet size", problem);
        }

        [Fact]
        public void NullArraysWithCountsAreReadAsEmptyNotDereferenced()
        {
            using var tree = new NativeDescriptorTree();
            // An interface array pointer of null with two interfaces declared.
            var none = UsbDescriptors.ReadConfig(tree.Build(1, 2, new Alt[0][], nullInterfaceArray: true));
            Assert.Empty(none.AltSettings);
            // An interface whose altsetting pointer is null (with 3 altsettings declared), then a good one.
            var p = tree.Build(1, null, new[] { new Alt { Number = 1, Endpoints = PtpEndpoints() } });
            var cfg = UsbDescriptors.ReadConfig(p);
            Assert.Single(cfg.AltSettings);
            Assert.Equal(1, UsbDescriptors.FindStillImage(cfg).InterfaceNumber);
            // Endpoints declared, pointer null: the interface has no endpoints, so it is unusable.
            var q = tree.Build(1, new[] { new Alt { NumEndpoints = 3, NullEndpoints = true } });
            var alt = UsbDescriptors.FindStillImage(UsbDescriptors.ReadConfig(q));
            Assert.Empty(alt.Endpoints);
            Assert.Null(UsbDescriptors.FindEndpoints(alt, out var problem));
            Assert.Contains("no bulk IN", problem);
        }

        [Fact]
        public void ANullConfigurationIsAnArgumentError()
        {
            Assert.Throws<ArgumentNullException>(() => UsbDescriptors.ReadConfig(IntPtr.Zero));
        }

        [Fact]
        public void FindLocatesTheInterfaceAndAltSettingAskedFor()
        {
            using var tree = new NativeDescriptorTree();
            var cfg = UsbDescriptors.ReadConfig(tree.Build(1,
                new[] { new Alt { Number = 0, Setting = 0 }, new Alt { Number = 0, Setting = 1, Class = 0xFF } },
                new[] { new Alt { Number = 1, Setting = 0, Class = 0xFF } }));
            Assert.Equal(0xFF, UsbDescriptors.Find(cfg, 0, 1).Class);
            Assert.Equal(1, UsbDescriptors.Find(cfg, 1, 0).InterfaceNumber);
            Assert.Null(UsbDescriptors.Find(cfg, 2, 0));
            Assert.Null(UsbDescriptors.Find(cfg, 1, 1));
        }
    }

    public class UsbCameraInfoTests
    {
        [Fact]
        public void LocationAndNodeArePaddedToThreeDigits()
        {
            var c = new UsbCameraInfo(1, 4, "1-1.2", 0x04A9, 0x325A, 0, 0, 1);
            Assert.Equal("usb:001/004", c.Location);
            Assert.Equal("/dev/bus/usb/001/004", c.DeviceNode);
            Assert.Equal("usb:001/004 04A9:325A port 1-1.2", c.ToString());
            var big = new UsbCameraInfo(12, 127, null, 1, 2, 0, 0, 1);
            Assert.Equal("usb:012/127", big.Location);
            Assert.Equal(string.Empty, big.PortPath);
        }

        [Fact]
        public void PortPathIsBusDashPortsJoinedByDots()
        {
            Assert.Equal("1-1.2", UsbCameraInfo.FormatPortPath(1, new byte[] { 1, 2 }));
            Assert.Equal("3-4", UsbCameraInfo.FormatPortPath(3, new byte[] { 4 }));
            Assert.Equal("2-1.4.3.1.2.7.5", UsbCameraInfo.FormatPortPath(2, new byte[] { 1, 4, 3, 1, 2, 7, 5 }));
            Assert.Equal(string.Empty, UsbCameraInfo.FormatPortPath(1, ReadOnlySpan<byte>.Empty));
        }

        [Fact]
        public void EqualityIsTheSamePluggedInDevice()
        {
            var a = new UsbCameraInfo(1, 4, "1-1", 0x04A9, 0x325A, 0, 0, 1);
            Assert.Equal(a, new UsbCameraInfo(1, 4, "1-2", 0x04A9, 0x325A, 0, 0, 1));
            Assert.NotEqual(a, new UsbCameraInfo(1, 5, "1-1", 0x04A9, 0x325A, 0, 0, 1));
            Assert.NotEqual(a, new UsbCameraInfo(1, 4, "1-1", 0x04A9, 0x3260, 0, 0, 1));
            Assert.False(a.Equals(null));
        }
    }
}
