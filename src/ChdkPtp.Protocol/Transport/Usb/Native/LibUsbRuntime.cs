using System;
using System.Collections.Generic;

namespace ChdkPtp.Protocol.Transport.Usb.Native
{
    /// <summary>
    /// The loaded library and one libusb context for the whole process (every enumeration and open
    /// camera shares it; libusb is thread-safe on one context). Created on first use; a failed load
    /// is not remembered, so installing libusb while the process runs is picked up on the next call.
    /// The context lives as long as the process.
    /// </summary>
    internal sealed class LibUsbRuntime
    {
        private static readonly object Gate = new object();
        private static LibUsbRuntime _shared;

        private LibUsbRuntime(LibUsbApi api, IntPtr context)
        {
            Api = api;
            Context = context;
        }

        public LibUsbApi Api { get; }

        public IntPtr Context { get; }

        /// <exception cref="UsbTransportException">NotInstalled, or Other when libusb_init fails.</exception>
        public static LibUsbRuntime Shared
        {
            get
            {
                lock (Gate)
                {
                    return _shared ?? (_shared = Create(LibUsbApi.DefaultCandidates()));
                }
            }
        }

        /// <summary>Loads from <paramref name="candidates"/> and initialises a context.</summary>
        public static LibUsbRuntime Create(IReadOnlyList<string> candidates)
        {
            var api = LibUsbApi.Load(candidates);
            int r = api.Init(out IntPtr ctx);
            if (r != 0)
                throw new UsbTransportException(UsbErrorKind.Other,
                    $"libusb_init failed ({api.ErrorName(r)}: {api.StrError(r)}); libusb {api.Version} at {api.LibraryPath} cannot reach the USB devices of this system.", r);
            return new LibUsbRuntime(api, ctx);
        }

        /// <summary>Releases a context made by <see cref="Create"/> (never the shared one).</summary>
        public void Exit()
        {
            if (ReferenceEquals(this, _shared)) return;
            Api.Exit(Context);
        }
    }
}
