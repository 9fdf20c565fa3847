using System.Collections.Generic;
using ChdkPtp.Protocol.Transport.Usb.Native;

namespace ChdkPtp.Protocol.Transport.Usb
{
    /// <summary>Whether libusb-1.0 can be used, for diagnostics (Test-ChdkEnvironment) and listings.</summary>
    public sealed class LibUsbStatus
    {
        internal LibUsbStatus(bool available, string version, string libraryPath, UsbTransportException error)
        {
            Available = available;
            Version = version;
            LibraryPath = libraryPath;
            Error = error;
        }

        /// <summary>The library loaded and libusb_init succeeded.</summary>
        public bool Available { get; }

        /// <summary>libusb's version, e.g. "1.0.26.11724" (major.minor.micro.nano), or null when it did not load.</summary>
        public string Version { get; }

        /// <summary>The file it was loaded from, e.g. "/lib/x86_64-linux-gnu/libusb-1.0.so.0", or null.</summary>
        public string LibraryPath { get; }

        /// <summary>Why it is not available (Kind NotInstalled, with install advice; or Other when libusb_init failed), or null.</summary>
        public UsbTransportException Error { get; }

        public override string ToString() => Available ? $"libusb {Version} ({LibraryPath})" : Error?.Message ?? "libusb is not available";
    }

    /// <summary>
    /// The native libusb-1.0 library. It is loaded on first use from the platform's usual places: Linux
    /// libusb-1.0.so.0 (then libusb-1.0.so); macOS libusb-1.0.0.dylib next to the module, on the search path,
    /// in /opt/homebrew/lib, /usr/local/lib, /opt/local/lib; Windows libusb-1.0.dll next to the module (or in
    /// its x64/x86/arm64 folder), then the DLL search path. The environment variable CHDKPTP_LIBUSB, if set,
    /// names the one file to load instead.
    /// </summary>
    public static class LibUsb
    {
        /// <summary>Loads and initialises libusb if it is not already; never throws.</summary>
        public static LibUsbStatus Probe()
        {
            try
            {
                var rt = LibUsbRuntime.Shared;
                return new LibUsbStatus(true, rt.Api.Version, rt.Api.LibraryPath, null);
            }
            catch (UsbTransportException e)
            {
                return new LibUsbStatus(false, null, null, e);
            }
        }

        /// <summary>As <see cref="Probe()"/> with other candidate names, in a context of its own (for tests).</summary>
        internal static LibUsbStatus Probe(IReadOnlyList<string> candidates)
        {
            LibUsbApi api;
            try { api = LibUsbApi.Load(candidates); }
            catch (UsbTransportException e) { return new LibUsbStatus(false, null, null, e); }
            try
            {
                var rt = LibUsbRuntime.Create(candidates);
                rt.Exit();
                return new LibUsbStatus(true, api.Version, api.LibraryPath, null);
            }
            catch (UsbTransportException e)
            {
                return new LibUsbStatus(false, api.Version, api.LibraryPath, e);
            }
        }
    }
}
