using System;
using System.Runtime.InteropServices;

namespace ChdkPtp.Protocol.Transport.Usb
{
    /// <summary>How <see cref="UsbCameras"/> opens and closes a camera.</summary>
    public sealed class UsbOpenOptions
    {
        private int _timeoutMs = DefaultTimeoutMs;

        /// <summary>chdkptp's USB_TIMEOUT.</summary>
        public const int DefaultTimeoutMs = 5000;

        /// <summary>
        /// The timeout of each USB transfer in milliseconds (default 5000, as chdkptp). A bulk read waits this
        /// long for the camera; cancellation takes effect at once regardless.
        /// </summary>
        public int TimeoutMs
        {
            get => _timeoutMs;
            set
            {
                if (value <= 0) throw new ArgumentOutOfRangeException(nameof(value), "The USB timeout must be at least 1 ms.");
                _timeoutMs = value;
            }
        }

        /// <summary>
        /// Reset the device (libusb_reset_device) when the transport is disposed, after releasing the interface.
        /// Default: true on Linux (chdkptp's default there), false elsewhere.
        /// </summary>
        public bool ResetOnClose { get; set; } = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

        /// <summary>On Linux, detach a kernel driver bound to the interface before claiming it, and reattach it on close. Default true.</summary>
        public bool DetachKernelDriver { get; set; } = true;

        /// <summary>
        /// When OpenSession fails, do what chdkptp does: Device Reset (0x66), Get Device Status (0x67),
        /// close, reopen and try once more. Default true.
        /// </summary>
        public bool RetryWithReset { get; set; } = true;

        internal static UsbOpenOptions OrDefault(UsbOpenOptions o) => o ?? new UsbOpenOptions();
    }
}
