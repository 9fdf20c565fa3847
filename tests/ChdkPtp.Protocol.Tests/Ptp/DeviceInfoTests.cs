using System;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Tests.Ptp
{
    public class DeviceInfoTests
    {
        private static DeviceInfo Sample() => new DeviceInfo
        {
            VendorExtensionDescription = "microsoft.com: 1.0",
            OperationsSupported = new ushort[] { 0x1001, 0x1002, 0x9999 },
            EventsSupported = new ushort[] { 0x4001 },
            CaptureFormats = new ushort[] { 0x3801 },
            ImageFormats = new ushort[] { 0x3801, 0x3000 },
            Manufacturer = "Canon Inc.",
            Model = "Canon PowerShot SX60 HS",
            DeviceVersion = "1-14.0.1.0",
            SerialNumber = "0123456789ABCDEF0123456789ABCDEF",
        };

        [Fact]
        public void RoundTripsEveryField()
        {
            var d = DeviceInfo.Parse(Sample().ToBytes());
            Assert.Equal("Canon Inc.", d.Manufacturer);
            Assert.Equal("Canon PowerShot SX60 HS", d.Model);
            Assert.Equal("1-14.0.1.0", d.DeviceVersion);
            Assert.Equal("0123456789ABCDEF0123456789ABCDEF", d.SerialNumber);
            Assert.Equal("microsoft.com: 1.0", d.VendorExtensionDescription);
            Assert.True(d.SupportsOperation(0x9999));
            Assert.False(d.SupportsOperation(0x1003));
            Assert.Equal(new ushort[] { 0x3801, 0x3000 }, d.ImageFormats);
        }

        [Fact]
        public void PtpStringCountsTheTerminator()
        {
            var b = new PtpWriter().String("AB").ToArray();
            Assert.Equal(new byte[] { 3, (byte)'A', 0, (byte)'B', 0, 0, 0 }, b);
            Assert.Equal(new byte[] { 0 }, new PtpWriter().String("").ToArray());
        }

        [Fact]
        public void EveryTruncationIsAProtocolError()
        {
            var full = Sample().ToBytes();
            for (int n = 0; n < full.Length; n++)
            {
                var cut = new byte[n];
                Array.Copy(full, cut, n);
                Assert.Throws<PtpProtocolException>(() => DeviceInfo.Parse(cut));
            }
        }

        [Fact]
        public void ArrayCountThatCannotFitIsRejectedWithoutAllocating()
        {
            var b = new PtpWriter().UInt16(100).UInt32(6).UInt16(100).String("").UInt16(0).UInt32(0x7FFFFFFF).ToArray();
            var ex = Assert.Throws<PtpProtocolException>(() => DeviceInfo.Parse(b));
            Assert.Contains("claims", ex.Message);
        }

        [Fact]
        public void StringCountLongerThanDataIsRejected()
        {
            var b = new PtpWriter().UInt16(100).UInt32(6).UInt16(100).UInt8(200).UInt16('x').ToArray();
            Assert.Throws<PtpProtocolException>(() => DeviceInfo.Parse(b));
        }
    }
}
