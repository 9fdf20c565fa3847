using System;
using System.Globalization;

namespace ChdkPtp.Protocol.Transport.Usb
{
    /// <summary>
    /// A USB device with a Still Image class interface (a PTP camera), as <see cref="UsbCameras.List"/>
    /// finds it. Pass it to <see cref="UsbCameras.Open"/>, <see cref="UsbCameras.Connect"/> or
    /// <see cref="UsbCameras.Probe(UsbCameraInfo, System.Threading.CancellationToken)"/>.
    /// </summary>
    public sealed class UsbCameraInfo : IEquatable<UsbCameraInfo>
    {
        /// <summary>Describes a camera; normally made by <see cref="UsbCameras.List"/>.</summary>
        public UsbCameraInfo(int bus, int address, string portPath, ushort vendorId, ushort productId,
                             byte interfaceNumber, byte alternateSetting, byte configurationValue)
        {
            Bus = bus;
            Address = address;
            PortPath = portPath ?? string.Empty;
            VendorId = vendorId;
            ProductId = productId;
            InterfaceNumber = interfaceNumber;
            AlternateSetting = alternateSetting;
            ConfigurationValue = configurationValue;
        }

        /// <summary>USB bus number (libusb_get_bus_number).</summary>
        public int Bus { get; }

        /// <summary>Device address on the bus (libusb_get_device_address). Changes when the camera is replugged or reset.</summary>
        public int Address { get; }

        /// <summary>
        /// The physical port, "bus-port[.port...]" as Linux sysfs names it (e.g. "1-1.2", from
        /// libusb_get_port_numbers): stable across replugs into the same port. Empty when unknown.
        /// </summary>
        public string PortPath { get; }

        /// <summary>idVendor (0x04A9 for Canon).</summary>
        public ushort VendorId { get; }

        /// <summary>idProduct (the camera model; CHDK calls it the platform id).</summary>
        public ushort ProductId { get; }

        /// <summary>bInterfaceNumber of the Still Image interface.</summary>
        public byte InterfaceNumber { get; }

        /// <summary>bAlternateSetting of the Still Image interface (0 on every known camera).</summary>
        public byte AlternateSetting { get; }

        /// <summary>bConfigurationValue of the configuration that holds the interface.</summary>
        public byte ConfigurationValue { get; }

        /// <summary>"usb:BBB/DDD", e.g. "usb:001/004" (the transport's Description).</summary>
        public string Location => "usb:" + Bus.ToString("D3", CultureInfo.InvariantCulture) + "/" + Address.ToString("D3", CultureInfo.InvariantCulture);

        /// <summary>The Linux usbfs node, "/dev/bus/usb/BBB/DDD" (meaningful on Linux only).</summary>
        public string DeviceNode => "/dev/bus/usb/" + Bus.ToString("D3", CultureInfo.InvariantCulture) + "/" + Address.ToString("D3", CultureInfo.InvariantCulture);

        /// <summary>"usb:001/004 04A9:325A port 1-1.2".</summary>
        public override string ToString() =>
            $"{Location} {VendorId:X4}:{ProductId:X4}" + (PortPath.Length > 0 ? " port " + PortPath : string.Empty);

        /// <summary>Same bus, address, vendor and product (the same plugged-in device).</summary>
        public bool Equals(UsbCameraInfo other) =>
            other != null && other.Bus == Bus && other.Address == Address && other.VendorId == VendorId && other.ProductId == ProductId;

        public override bool Equals(object obj) => Equals(obj as UsbCameraInfo);

        public override int GetHashCode() => (Bus << 24) ^ (Address << 16) ^ (VendorId << 4) ^ ProductId;

        /// <summary>Formats port numbers as "bus-p1.p2..."; empty when there are none.</summary>
        internal static string FormatPortPath(int bus, ReadOnlySpan<byte> ports)
        {
            if (ports.Length == 0) return string.Empty;
            var sb = new System.Text.StringBuilder();
            sb.Append(bus.ToString(CultureInfo.InvariantCulture)).Append('-');
            for (int i = 0; i < ports.Length; i++)
            {
                if (i > 0) sb.Append('.');
                sb.Append(ports[i].ToString(CultureInfo.InvariantCulture));
            }
            return sb.ToString();
        }
    }
}
