using System;
using System.Collections.Generic;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Transport.Usb
{
    /// <summary>What went wrong with a USB camera, for error ids and advice.</summary>
    public enum UsbErrorKind
    {
        /// <summary>libusb-1.0 could not be loaded (missing, or too old).</summary>
        NotInstalled,
        /// <summary>No permission to open the device (LIBUSB_ERROR_ACCESS): udev rules, or root.</summary>
        AccessDenied,
        /// <summary>Another program or driver holds the camera (LIBUSB_ERROR_BUSY).</summary>
        Busy,
        /// <summary>The camera is gone: unplugged or switched off (LIBUSB_ERROR_NO_DEVICE).</summary>
        NoDevice,
        /// <summary>A transfer timed out (surfaces as <see cref="PtpTimeoutException"/>).</summary>
        Timeout,
        /// <summary>The camera stalled an endpoint (LIBUSB_ERROR_PIPE); the halt was cleared, the operation is lost.</summary>
        Stall,
        /// <summary>A USB I/O error (LIBUSB_ERROR_IO, LIBUSB_ERROR_OVERFLOW): cable, hub, power.</summary>
        Io,
        /// <summary>Anything else.</summary>
        Other,
    }

    /// <summary>
    /// A USB-level failure, with its <see cref="Kind"/> and a message that says what to do about it.
    /// Timeouts are raised as <see cref="PtpTimeoutException"/> instead.
    /// </summary>
    public class UsbTransportException : PtpTransportException
    {
        public UsbTransportException(UsbErrorKind kind, string message, int libUsbError = 0, string location = null, Exception inner = null)
            : base(message, inner)
        {
            Kind = kind;
            LibUsbError = libUsbError;
            Location = location;
        }

        /// <summary>The kind of failure.</summary>
        public UsbErrorKind Kind { get; }

        /// <summary>The libusb_error code (negative), or 0 when the failure did not come from a libusb call.</summary>
        public int LibUsbError { get; }

        /// <summary>The libusb_error name, e.g. "LIBUSB_ERROR_BUSY", or null.</summary>
        public string LibUsbErrorName => LibUsbError == 0 ? null : Native.LibUsbConst.ErrorName(LibUsbError);

        /// <summary>The camera's <see cref="UsbCameraInfo.Location"/>, or null.</summary>
        public string Location { get; }

        /// <summary>For <see cref="UsbErrorKind.Busy"/> on Linux: other processes that hold the device node.</summary>
        public IReadOnlyList<UsbDeviceHolder> Holders { get; internal set; } = Array.Empty<UsbDeviceHolder>();
    }
}
