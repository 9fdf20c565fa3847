using System;
using System.Runtime.InteropServices;
using ChdkPtp.Protocol.Transport.Usb.Native;

namespace ChdkPtp.Protocol.Tests.Usb
{
    /// <summary>
    /// The structs must match libusb.h 1.0.26 as a C compiler lays it out (natural alignment). The
    /// expected offsets are written out from the header for LP64/LLP64 (8-byte pointers) and ILP32
    /// (4-byte pointers), not computed from our own declarations.
    /// </summary>
    public class LibUsbLayoutTests
    {
        private static readonly bool P64 = IntPtr.Size == 8;

        private static int Off<T>(string field) => (int)Marshal.OffsetOf<T>(field);

        [Fact]
        public void DeviceDescriptorIsTheEighteenWireBytes()
        {
            Assert.Equal(18, Marshal.SizeOf<LibUsbDeviceDescriptor>());
            Assert.Equal(0, Off<LibUsbDeviceDescriptor>("bLength"));
            Assert.Equal(2, Off<LibUsbDeviceDescriptor>("bcdUSB"));
            Assert.Equal(4, Off<LibUsbDeviceDescriptor>("bDeviceClass"));
            Assert.Equal(7, Off<LibUsbDeviceDescriptor>("bMaxPacketSize0"));
            Assert.Equal(8, Off<LibUsbDeviceDescriptor>("idVendor"));
            Assert.Equal(10, Off<LibUsbDeviceDescriptor>("idProduct"));
            Assert.Equal(12, Off<LibUsbDeviceDescriptor>("bcdDevice"));
            Assert.Equal(14, Off<LibUsbDeviceDescriptor>("iManufacturer"));
            Assert.Equal(15, Off<LibUsbDeviceDescriptor>("iProduct"));
            Assert.Equal(16, Off<LibUsbDeviceDescriptor>("iSerialNumber"));
            Assert.Equal(17, Off<LibUsbDeviceDescriptor>("bNumConfigurations"));
        }

        [Fact]
        public void EndpointDescriptor()
        {
            Assert.Equal(2, Off<LibUsbEndpointDescriptor>("bEndpointAddress"));
            Assert.Equal(3, Off<LibUsbEndpointDescriptor>("bmAttributes"));
            Assert.Equal(4, Off<LibUsbEndpointDescriptor>("wMaxPacketSize"));
            Assert.Equal(6, Off<LibUsbEndpointDescriptor>("bInterval"));
            Assert.Equal(8, Off<LibUsbEndpointDescriptor>("bSynchAddress"));
            Assert.Equal(P64 ? 16 : 12, Off<LibUsbEndpointDescriptor>("extra"));
            Assert.Equal(P64 ? 24 : 16, Off<LibUsbEndpointDescriptor>("extra_length"));
            Assert.Equal(P64 ? 32 : 20, Marshal.SizeOf<LibUsbEndpointDescriptor>());
        }

        [Fact]
        public void InterfaceDescriptor()
        {
            Assert.Equal(2, Off<LibUsbInterfaceDescriptor>("bInterfaceNumber"));
            Assert.Equal(3, Off<LibUsbInterfaceDescriptor>("bAlternateSetting"));
            Assert.Equal(4, Off<LibUsbInterfaceDescriptor>("bNumEndpoints"));
            Assert.Equal(5, Off<LibUsbInterfaceDescriptor>("bInterfaceClass"));
            Assert.Equal(6, Off<LibUsbInterfaceDescriptor>("bInterfaceSubClass"));
            Assert.Equal(7, Off<LibUsbInterfaceDescriptor>("bInterfaceProtocol"));
            Assert.Equal(8, Off<LibUsbInterfaceDescriptor>("iInterface"));
            Assert.Equal(P64 ? 16 : 12, Off<LibUsbInterfaceDescriptor>("endpoint"));
            Assert.Equal(P64 ? 24 : 16, Off<LibUsbInterfaceDescriptor>("extra"));
            Assert.Equal(P64 ? 32 : 20, Off<LibUsbInterfaceDescriptor>("extra_length"));
            Assert.Equal(P64 ? 40 : 24, Marshal.SizeOf<LibUsbInterfaceDescriptor>());
        }

        [Fact]
        public void Interface()
        {
            Assert.Equal(0, Off<LibUsbInterface>("altsetting"));
            Assert.Equal(P64 ? 8 : 4, Off<LibUsbInterface>("num_altsetting"));
            Assert.Equal(P64 ? 16 : 8, Marshal.SizeOf<LibUsbInterface>());
        }

        [Fact]
        public void ConfigDescriptor()
        {
            Assert.Equal(2, Off<LibUsbConfigDescriptor>("wTotalLength"));
            Assert.Equal(4, Off<LibUsbConfigDescriptor>("bNumInterfaces"));
            Assert.Equal(5, Off<LibUsbConfigDescriptor>("bConfigurationValue"));
            Assert.Equal(6, Off<LibUsbConfigDescriptor>("iConfiguration"));
            Assert.Equal(7, Off<LibUsbConfigDescriptor>("bmAttributes"));
            Assert.Equal(8, Off<LibUsbConfigDescriptor>("MaxPower"));
            Assert.Equal(P64 ? 16 : 12, Off<LibUsbConfigDescriptor>("interface"));
            Assert.Equal(P64 ? 24 : 16, Off<LibUsbConfigDescriptor>("extra"));
            Assert.Equal(P64 ? 32 : 20, Off<LibUsbConfigDescriptor>("extra_length"));
            Assert.Equal(P64 ? 40 : 24, Marshal.SizeOf<LibUsbConfigDescriptor>());
        }

        [Fact]
        public void Version()
        {
            Assert.Equal(0, Off<LibUsbVersion>("major"));
            Assert.Equal(2, Off<LibUsbVersion>("minor"));
            Assert.Equal(4, Off<LibUsbVersion>("micro"));
            Assert.Equal(6, Off<LibUsbVersion>("nano"));
            Assert.Equal(8, Off<LibUsbVersion>("rc"));
            Assert.Equal(P64 ? 16 : 12, Off<LibUsbVersion>("describe"));
        }

        [Fact]
        public void TransferUpToItsIsoPacketArray()
        {
            Assert.Equal(0, Off<LibUsbTransfer>("dev_handle"));
            int p = IntPtr.Size;
            Assert.Equal(p, Off<LibUsbTransfer>("flags"));
            Assert.Equal(p + 1, Off<LibUsbTransfer>("endpoint"));
            Assert.Equal(p + 2, Off<LibUsbTransfer>("type"));
            Assert.Equal(p + 4, Off<LibUsbTransfer>("timeout"));
            Assert.Equal(p + 8, Off<LibUsbTransfer>("status"));
            Assert.Equal(p + 12, Off<LibUsbTransfer>("length"));
            Assert.Equal(p + 16, Off<LibUsbTransfer>("actual_length"));
            Assert.Equal(P64 ? 32 : 24, Off<LibUsbTransfer>("callback"));
            Assert.Equal(P64 ? 40 : 28, Off<LibUsbTransfer>("user_data"));
            Assert.Equal(P64 ? 48 : 32, Off<LibUsbTransfer>("buffer"));
            Assert.Equal(P64 ? 56 : 36, Off<LibUsbTransfer>("num_iso_packets"));
        }
    }
}

namespace ChdkPtp.Protocol.Tests.Usb
{
    public class LibUsbManagedLayoutTests
    {
        private static int Managed<TS, TF>(ref TS s, ref TF f) =>
            (int)System.Runtime.CompilerServices.Unsafe.ByteOffset(
                ref System.Runtime.CompilerServices.Unsafe.As<TS, byte>(ref s),
                ref System.Runtime.CompilerServices.Unsafe.As<TF, byte>(ref f));

        // The runner writes the transfer through a pointer, so the managed layout must be the C one too.
        [Fact]
        public void TransferManagedOffsetsEqualTheMarshalledOnes()
        {
            var t = new LibUsbTransfer();
            Assert.Equal((int)Marshal.OffsetOf<LibUsbTransfer>("timeout"), Managed(ref t, ref t.timeout));
            Assert.Equal((int)Marshal.OffsetOf<LibUsbTransfer>("actual_length"), Managed(ref t, ref t.actual_length));
            Assert.Equal((int)Marshal.OffsetOf<LibUsbTransfer>("callback"), Managed(ref t, ref t.callback));
            Assert.Equal((int)Marshal.OffsetOf<LibUsbTransfer>("user_data"), Managed(ref t, ref t.user_data));
            Assert.Equal((int)Marshal.OffsetOf<LibUsbTransfer>("buffer"), Managed(ref t, ref t.buffer));
            Assert.Equal((int)Marshal.OffsetOf<LibUsbTransfer>("num_iso_packets"), Managed(ref t, ref t.num_iso_packets));
        }
    }
}
