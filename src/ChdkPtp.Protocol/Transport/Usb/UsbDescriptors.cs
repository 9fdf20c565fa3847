using System;
using System.Collections.Generic;
using ChdkPtp.Protocol.Transport.Usb.Native;

namespace ChdkPtp.Protocol.Transport.Usb
{
    /// <summary>The endpoints of a camera's Still Image interface, found from its descriptors.</summary>
    public sealed class UsbEndpoints
    {
        public UsbEndpoints(byte bulkIn, byte bulkOut, byte interruptIn, int maxPacketSize)
        {
            BulkIn = bulkIn;
            BulkOut = bulkOut;
            InterruptIn = interruptIn;
            MaxPacketSize = maxPacketSize;
        }

        /// <summary>Bulk IN endpoint address (e.g. 0x81).</summary>
        public byte BulkIn { get; }

        /// <summary>Bulk OUT endpoint address (e.g. 0x02).</summary>
        public byte BulkOut { get; }

        /// <summary>Interrupt IN (event) endpoint address, 0 when the interface has none.</summary>
        public byte InterruptIn { get; }

        /// <summary>wMaxPacketSize of the bulk IN endpoint (512 on high speed), used for the ZLP rule.</summary>
        public int MaxPacketSize { get; }

        public override string ToString() => $"bulk in 0x{BulkIn:X2}, bulk out 0x{BulkOut:X2}, interrupt in 0x{InterruptIn:X2}, {MaxPacketSize}-byte packets";
    }

    /// <summary>One endpoint descriptor, as much of it as we use.</summary>
    internal readonly struct UsbEndpointDesc
    {
        public UsbEndpointDesc(byte address, byte attributes, ushort maxPacketSize)
        {
            Address = address;
            Attributes = attributes;
            MaxPacketSize = maxPacketSize;
        }

        public byte Address { get; }
        public byte Attributes { get; }
        public ushort MaxPacketSize { get; }
        public bool IsIn => (Address & LibUsbConst.EndpointDirIn) != 0;
        public int TransferType => Attributes & LibUsbConst.TransferTypeMask;
    }

    /// <summary>One altsetting of one interface.</summary>
    internal sealed class UsbAltSettingDesc
    {
        public byte InterfaceNumber;
        public byte AlternateSetting;
        public byte Class;
        public byte SubClass;
        public byte Protocol;
        public UsbEndpointDesc[] Endpoints = Array.Empty<UsbEndpointDesc>();
    }

    /// <summary>A configuration: its value and every altsetting of every interface, in descriptor order.</summary>
    internal sealed class UsbConfigDesc
    {
        public byte ConfigurationValue;
        public List<UsbAltSettingDesc> AltSettings = new List<UsbAltSettingDesc>();
    }

    /// <summary>Reads libusb's parsed configuration descriptors and picks out the PTP interface.</summary>
    internal static unsafe class UsbDescriptors
    {
        /// <summary>
        /// Copies a libusb_config_descriptor tree into managed objects. Counts and pointers come from a
        /// device: a null array with a non-zero count is read as empty, never dereferenced.
        /// </summary>
        public static UsbConfigDesc ReadConfig(IntPtr configPtr)
        {
            if (configPtr == IntPtr.Zero) throw new ArgumentNullException(nameof(configPtr));
            var c = (LibUsbConfigDescriptor*)configPtr;
            var result = new UsbConfigDesc { ConfigurationValue = c->bConfigurationValue };
            if (c->@interface == IntPtr.Zero) return result;
            var ifaces = (LibUsbInterface*)c->@interface;
            for (int i = 0; i < c->bNumInterfaces; i++)
            {
                var iface = ifaces[i];
                if (iface.altsetting == IntPtr.Zero || iface.num_altsetting <= 0) continue;
                var alts = (LibUsbInterfaceDescriptor*)iface.altsetting;
                for (int a = 0; a < iface.num_altsetting; a++)
                {
                    var d = alts + a;
                    var alt = new UsbAltSettingDesc
                    {
                        InterfaceNumber = d->bInterfaceNumber,
                        AlternateSetting = d->bAlternateSetting,
                        Class = d->bInterfaceClass,
                        SubClass = d->bInterfaceSubClass,
                        Protocol = d->bInterfaceProtocol,
                    };
                    if (d->endpoint != IntPtr.Zero && d->bNumEndpoints > 0)
                    {
                        var eps = (LibUsbEndpointDescriptor*)d->endpoint;
                        alt.Endpoints = new UsbEndpointDesc[d->bNumEndpoints];
                        for (int e = 0; e < d->bNumEndpoints; e++)
                            alt.Endpoints[e] = new UsbEndpointDesc(eps[e].bEndpointAddress, eps[e].bmAttributes, eps[e].wMaxPacketSize);
                    }
                    result.AltSettings.Add(alt);
                }
            }
            return result;
        }

        /// <summary>The first altsetting (interfaces and altsettings in descriptor order) of the Still Image class (6), or null.</summary>
        public static UsbAltSettingDesc FindStillImage(UsbConfigDesc config)
        {
            foreach (var alt in config.AltSettings)
                if (alt.Class == LibUsbConst.ClassStillImage) return alt;
            return null;
        }

        /// <summary>The same interface and altsetting in <paramref name="config"/>, or null.</summary>
        public static UsbAltSettingDesc Find(UsbConfigDesc config, byte interfaceNumber, byte alternateSetting)
        {
            foreach (var alt in config.AltSettings)
                if (alt.InterfaceNumber == interfaceNumber && alt.AlternateSetting == alternateSetting) return alt;
            return null;
        }

        /// <summary>
        /// The bulk IN, bulk OUT and interrupt IN endpoints of <paramref name="alt"/> (the first of each),
        /// and the packet size: the bulk IN endpoint's wMaxPacketSize (low 11 bits), 512 if it is 0.
        /// Null when a bulk endpoint is missing, with the reason in <paramref name="problem"/>.
        /// </summary>
        public static UsbEndpoints FindEndpoints(UsbAltSettingDesc alt, out string problem)
        {
            byte bulkIn = 0, bulkOut = 0, intIn = 0;
            int mps = 0;
            foreach (var ep in alt.Endpoints)
            {
                if (ep.TransferType == 2)
                {
                    if (ep.IsIn && bulkIn == 0) { bulkIn = ep.Address; mps = ep.MaxPacketSize & 0x7FF; }
                    else if (!ep.IsIn && bulkOut == 0) bulkOut = ep.Address;
                }
                else if (ep.TransferType == 3 && ep.IsIn && intIn == 0) intIn = ep.Address;
            }
            if (bulkIn == 0 || bulkOut == 0)
            {
                problem = $"interface {alt.InterfaceNumber} (altsetting {alt.AlternateSetting}) has no bulk {(bulkIn == 0 ? "IN" : "OUT")} endpoint";
                return null;
            }
            if (mps == 0) mps = 512;
            if (mps < 16 || mps > 1024 || (UsbContainerChannel.TransferSize % mps) != 0)
            {
                problem = $"the bulk IN endpoint 0x{bulkIn:X2} declares a packet size of {mps} bytes; PTP framing here needs a power of two from 16 to 1024";
                return null;
            }
            problem = null;
            return new UsbEndpoints(bulkIn, bulkOut, intIn, mps);
        }
    }
}
