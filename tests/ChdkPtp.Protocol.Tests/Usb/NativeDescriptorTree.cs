using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using ChdkPtp.Protocol.Transport.Usb.Native;

namespace ChdkPtp.Protocol.Tests.Usb
{
    /// <summary>Builds a libusb_config_descriptor tree in native memory, as libusb hands one out.</summary>
    internal sealed class NativeDescriptorTree : IDisposable
    {
        private readonly List<IntPtr> _blocks = new List<IntPtr>();

        public sealed class Ep
        {
            public byte Address, Attributes;
            public ushort MaxPacket;
            public Ep(byte address, byte attributes, ushort maxPacket) { Address = address; Attributes = attributes; MaxPacket = maxPacket; }
        }

        public sealed class Alt
        {
            public byte Number, Setting, Class = 6, SubClass = 1, Protocol = 1;
            public Ep[] Endpoints = Array.Empty<Ep>();
            /// <summary>Declared endpoint count (defaults to Endpoints.Length).</summary>
            public int? NumEndpoints;
            /// <summary>Write a null endpoint pointer whatever the count.</summary>
            public bool NullEndpoints;
        }

        /// <summary>A PTP camera's usual endpoints: bulk IN 0x81, bulk OUT 0x02, interrupt IN 0x83.</summary>
        public static Ep[] PtpEndpoints(ushort mps = 512) => new[] { new Ep(0x81, 2, mps), new Ep(0x02, 2, mps), new Ep(0x83, 3, 8) };

        private IntPtr Alloc(int size)
        {
            var p = Marshal.AllocHGlobal(size);
            for (int i = 0; i < size; i++) Marshal.WriteByte(p, i, 0xCD); // poison: fields we forget are visible
            _blocks.Add(p);
            return p;
        }

        /// <summary>Interfaces, each a list of altsettings. A null list is an interface with a null altsetting pointer.</summary>
        public IntPtr Build(byte configValue, params Alt[][] interfaces) => Build(configValue, interfaces.Length, interfaces);

        public IntPtr Build(byte configValue, int declaredInterfaces, Alt[][] interfaces, bool nullInterfaceArray = false)
        {
            int isz = Marshal.SizeOf<LibUsbInterface>();
            IntPtr ifaceArray = IntPtr.Zero;
            if (!nullInterfaceArray)
            {
                ifaceArray = Alloc(Math.Max(1, interfaces.Length) * isz);
                for (int i = 0; i < interfaces.Length; i++)
                {
                    var alts = interfaces[i];
                    var iface = new LibUsbInterface { altsetting = alts == null ? IntPtr.Zero : BuildAlts(alts), num_altsetting = alts?.Length ?? 3 };
                    Marshal.StructureToPtr(iface, ifaceArray + i * isz, false);
                }
            }
            var cfg = new LibUsbConfigDescriptor
            {
                bLength = 9, bDescriptorType = 2, bNumInterfaces = (byte)declaredInterfaces, bConfigurationValue = configValue,
                @interface = ifaceArray,
            };
            var p = Alloc(Marshal.SizeOf<LibUsbConfigDescriptor>());
            Marshal.StructureToPtr(cfg, p, false);
            return p;
        }

        private IntPtr BuildAlts(Alt[] alts)
        {
            int asz = Marshal.SizeOf<LibUsbInterfaceDescriptor>();
            var arr = Alloc(Math.Max(1, alts.Length) * asz);
            for (int a = 0; a < alts.Length; a++)
            {
                var alt = alts[a];
                var d = new LibUsbInterfaceDescriptor
                {
                    bLength = 9, bDescriptorType = 4, bInterfaceNumber = alt.Number, bAlternateSetting = alt.Setting,
                    bNumEndpoints = (byte)(alt.NumEndpoints ?? alt.Endpoints.Length),
                    bInterfaceClass = alt.Class, bInterfaceSubClass = alt.SubClass, bInterfaceProtocol = alt.Protocol,
                    endpoint = alt.NullEndpoints ? IntPtr.Zero : BuildEndpoints(alt.Endpoints),
                };
                Marshal.StructureToPtr(d, arr + a * asz, false);
            }
            return arr;
        }

        private IntPtr BuildEndpoints(Ep[] eps)
        {
            int esz = Marshal.SizeOf<LibUsbEndpointDescriptor>();
            var arr = Alloc(Math.Max(1, eps.Length) * esz);
            for (int e = 0; e < eps.Length; e++)
            {
                var d = new LibUsbEndpointDescriptor { bLength = 7, bDescriptorType = 5, bEndpointAddress = eps[e].Address, bmAttributes = eps[e].Attributes, wMaxPacketSize = eps[e].MaxPacket };
                Marshal.StructureToPtr(d, arr + e * esz, false);
            }
            return arr;
        }

        public void Dispose()
        {
            foreach (var p in _blocks) Marshal.FreeHGlobal(p);
            _blocks.Clear();
        }
    }
}
