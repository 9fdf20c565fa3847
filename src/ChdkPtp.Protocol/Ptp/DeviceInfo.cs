using System;
using System.Collections.Generic;
using System.Linq;

namespace ChdkPtp.Protocol.Ptp
{
    /// <summary>The PTP DeviceInfo dataset (PROTOCOL.md §1.6).</summary>
    public sealed class DeviceInfo
    {
        public ushort StandardVersion { get; set; } = 100;
        public uint VendorExtensionId { get; set; } = 6;
        public ushort VendorExtensionVersion { get; set; } = 100;
        public string VendorExtensionDescription { get; set; } = string.Empty;
        public ushort FunctionalMode { get; set; }
        public IReadOnlyList<ushort> OperationsSupported { get; set; } = Array.Empty<ushort>();
        public IReadOnlyList<ushort> EventsSupported { get; set; } = Array.Empty<ushort>();
        public IReadOnlyList<ushort> DevicePropertiesSupported { get; set; } = Array.Empty<ushort>();
        public IReadOnlyList<ushort> CaptureFormats { get; set; } = Array.Empty<ushort>();
        public IReadOnlyList<ushort> ImageFormats { get; set; } = Array.Empty<ushort>();
        public string Manufacturer { get; set; } = string.Empty;
        public string Model { get; set; } = string.Empty;
        public string DeviceVersion { get; set; } = string.Empty;
        public string SerialNumber { get; set; } = string.Empty;

        public bool SupportsOperation(ushort code) => OperationsSupported.Contains(code);

        public static DeviceInfo Parse(ReadOnlySpan<byte> data)
        {
            var r = new PtpReader(data, "DeviceInfo");
            var info = new DeviceInfo
            {
                StandardVersion = r.ReadUInt16(nameof(StandardVersion)),
                VendorExtensionId = r.ReadUInt32(nameof(VendorExtensionId)),
                VendorExtensionVersion = r.ReadUInt16(nameof(VendorExtensionVersion)),
                VendorExtensionDescription = r.ReadString(nameof(VendorExtensionDescription)),
                FunctionalMode = r.ReadUInt16(nameof(FunctionalMode)),
            };
            info.OperationsSupported = r.ReadUInt16Array(nameof(OperationsSupported));
            info.EventsSupported = r.ReadUInt16Array(nameof(EventsSupported));
            info.DevicePropertiesSupported = r.ReadUInt16Array(nameof(DevicePropertiesSupported));
            info.CaptureFormats = r.ReadUInt16Array(nameof(CaptureFormats));
            info.ImageFormats = r.ReadUInt16Array(nameof(ImageFormats));
            info.Manufacturer = r.ReadString(nameof(Manufacturer));
            info.Model = r.ReadString(nameof(Model));
            info.DeviceVersion = r.ReadString(nameof(DeviceVersion));
            info.SerialNumber = r.ReadString(nameof(SerialNumber));
            return info;
        }

        public byte[] ToBytes() => new PtpWriter()
            .UInt16(StandardVersion).UInt32(VendorExtensionId).UInt16(VendorExtensionVersion)
            .String(VendorExtensionDescription).UInt16(FunctionalMode)
            .UInt16Array(OperationsSupported.ToArray()).UInt16Array(EventsSupported.ToArray())
            .UInt16Array(DevicePropertiesSupported.ToArray()).UInt16Array(CaptureFormats.ToArray())
            .UInt16Array(ImageFormats.ToArray())
            .String(Manufacturer).String(Model).String(DeviceVersion).String(SerialNumber)
            .ToArray();
    }
}
