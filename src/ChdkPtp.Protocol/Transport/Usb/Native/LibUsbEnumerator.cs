using System;
using System.Collections.Generic;
using System.Threading;

namespace ChdkPtp.Protocol.Transport.Usb.Native
{
    /// <summary>Walks libusb's device list: finds Still Image devices, and finds one again to open it.</summary>
    internal static unsafe class LibUsbEnumerator
    {
        /// <summary>Every device with a Still Image interface, of <paramref name="vendorId"/> (null: any vendor).</summary>
        public static List<UsbCameraInfo> List(LibUsbRuntime rt, ushort? vendorId)
        {
            var found = new List<UsbCameraInfo>();
            ForEachDevice(rt, dev =>
            {
                var info = Describe(rt.Api, dev, vendorId);
                if (info != null) found.Add(info);
                return false;
            });
            return found;
        }

        /// <summary>
        /// Opens the camera: the device at the same bus and address with the same vendor and product, or,
        /// when it has moved (replugged, reset), the one on the same port with the same vendor and product.
        /// </summary>
        public static LibUsbCameraDevice Open(LibUsbRuntime rt, UsbCameraInfo camera, UsbOpenOptions options, CancellationToken cancel)
        {
            LibUsbCameraDevice opened = null;
            bool any = ForEachDevice(rt, dev =>
            {
                var api = rt.Api;
                if (api.GetBusNumber(dev) != camera.Bus || api.GetDeviceAddress(dev) != camera.Address) return false;
                var now = Describe(api, dev, camera.VendorId);
                if (now == null || now.ProductId != camera.ProductId) return false;
                opened = new LibUsbCameraDevice(rt, dev, now, options, cancel);
                return true;
            });
            if (!any && camera.PortPath.Length > 0)
            {
                ForEachDevice(rt, dev =>
                {
                    var api = rt.Api;
                    if (api.GetBusNumber(dev) != camera.Bus) return false;
                    var now = Describe(api, dev, camera.VendorId);
                    if (now == null || now.ProductId != camera.ProductId || now.PortPath != camera.PortPath) return false;
                    opened = new LibUsbCameraDevice(rt, dev, now, options, cancel);
                    return true;
                });
            }
            return opened ?? throw new UsbTransportException(UsbErrorKind.NoDevice,
                $"No camera {camera.VendorId:X4}:{camera.ProductId:X4} at {camera.Location}" +
                (camera.PortPath.Length > 0 ? $" or on port {camera.PortPath}" : string.Empty) +
                ": the camera was unplugged or switched off.", LibUsbConst.ErrorNoDevice, camera.Location);
        }

        /// <summary>Calls <paramref name="visit"/> for each device until it returns true; frees the list.</summary>
        private static bool ForEachDevice(LibUsbRuntime rt, Func<IntPtr, bool> visit)
        {
            var api = rt.Api;
            long n = api.GetDeviceList(rt.Context, out IntPtr list).ToInt64();
            if (n < 0)
                throw UsbErrors.From((int)n, "listing USB devices", null, 0, UsbErrors.CurrentOs, null, api.StrError((int)n));
            try
            {
                var devices = (IntPtr*)list;
                for (long i = 0; i < n; i++)
                    if (visit(devices[i])) return true;
                return false;
            }
            finally
            {
                api.FreeDeviceList(list, 1);
            }
        }

        /// <summary>The device as a camera, or null when it has no Still Image interface, is another vendor's, or cannot be read.</summary>
        internal static UsbCameraInfo Describe(LibUsbApi api, IntPtr dev, ushort? vendorId)
        {
            if (api.GetDeviceDescriptor(dev, out var dd) != 0) return null;
            if (vendorId.HasValue && dd.idVendor != vendorId.Value) return null;
            int r = api.GetActiveConfigDescriptor(dev, out IntPtr cfg);
            if (r != 0 && dd.bNumConfigurations > 0) r = api.GetConfigDescriptor(dev, 0, out cfg);
            if (r != 0 || cfg == IntPtr.Zero) return null;
            UsbAltSettingDesc alt;
            byte configValue;
            try
            {
                var c = UsbDescriptors.ReadConfig(cfg);
                alt = UsbDescriptors.FindStillImage(c);
                configValue = c.ConfigurationValue;
            }
            finally
            {
                api.FreeConfigDescriptor(cfg);
            }
            if (alt == null) return null;
            int bus = api.GetBusNumber(dev);
            int address = api.GetDeviceAddress(dev);
            byte* ports = stackalloc byte[8];
            int np = api.GetPortNumbers(dev, ports, 8);
            var portPath = UsbCameraInfo.FormatPortPath(bus, np > 0 ? new ReadOnlySpan<byte>(ports, np) : ReadOnlySpan<byte>.Empty);
            return new UsbCameraInfo(bus, address, portPath, dd.idVendor, dd.idProduct, alt.InterfaceNumber, alt.AlternateSetting, configValue);
        }
    }
}
