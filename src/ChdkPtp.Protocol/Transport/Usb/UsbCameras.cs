using System.Collections.Generic;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport.Usb.Native;

namespace ChdkPtp.Protocol.Transport.Usb
{
    /// <summary>
    /// Real cameras over USB (libusb-1.0): list them, open a transport, connect a <see cref="ChdkClient"/>,
    /// or probe one for a listing. Every call throws <see cref="UsbTransportException"/> with
    /// <see cref="UsbErrorKind.NotInstalled"/> when libusb is missing (see <see cref="LibUsb.Probe"/>).
    /// </summary>
    public static class UsbCameras
    {
        /// <summary>Canon's USB vendor id, the default filter (as chdkptp's connect).</summary>
        public const ushort CanonVendorId = 0x04A9;

        private sealed class LibUsbOpener : IUsbCameraOpener
        {
            public static readonly LibUsbOpener Instance = new LibUsbOpener();
            public IPtpTransport Open(UsbCameraInfo camera, UsbOpenOptions options, CancellationToken cancel) => UsbCameras.Open(camera, options, cancel);
        }

        /// <summary>
        /// Every USB device with a Still Image class (6) interface, checking every interface and altsetting of
        /// its active configuration (or its first, when none is active), made by <paramref name="vendorId"/>
        /// (default Canon; null for any vendor). Devices whose descriptors cannot be read are skipped.
        /// Opens nothing, so busy cameras are listed too.
        /// </summary>
        public static IReadOnlyList<UsbCameraInfo> List(ushort? vendorId = CanonVendorId) =>
            LibUsbEnumerator.List(LibUsbRuntime.Shared, vendorId);

        /// <summary>
        /// Opens the camera: finds it again (same bus and address, or the same port if it moved), detaches a
        /// kernel driver (Linux), selects its configuration if another is active, claims the interface, and finds
        /// the bulk and interrupt endpoints in the descriptors. The transport's Description is the camera's Location.
        /// </summary>
        /// <exception cref="UsbTransportException">NotInstalled, AccessDenied, Busy, NoDevice, ... with advice in the message.</exception>
        public static UsbCameraTransport Open(UsbCameraInfo camera, UsbOpenOptions options = null, CancellationToken cancel = default)
        {
            if (camera == null) throw new System.ArgumentNullException(nameof(camera));
            var device = LibUsbEnumerator.Open(LibUsbRuntime.Shared, camera, UsbOpenOptions.OrDefault(options), cancel);
            return new UsbCameraTransport(device);
        }

        /// <summary>
        /// Opens the camera and connects a CHDK client the way chdkptp does: OpenSession(1); if that fails, Device
        /// Reset (0x66), Get Device Status (0x67), close, reopen and OpenSession once more (unless
        /// <see cref="UsbOpenOptions.RetryWithReset"/> is off); then GetDeviceInfo and the CHDK version.
        /// </summary>
        /// <exception cref="UsbTransportException">The camera could not be opened, or no session even after the reset.</exception>
        /// <exception cref="ChdkNotDetectedException">The camera answers PTP but runs no CHDK.</exception>
        public static ChdkClient Connect(UsbCameraInfo camera, UsbOpenOptions options = null, CancellationToken cancel = default)
        {
            if (camera == null) throw new System.ArgumentNullException(nameof(camera));
            return UsbConnector.Connect(LibUsbOpener.Instance, camera, options, cancel);
        }

        /// <summary>
        /// A short session for a listing: open, OpenSession, the USB product and serial strings, GetDeviceInfo,
        /// the CHDK version when DeviceInfo lists 0x9999, CloseSession, release. Failures (Busy, AccessDenied,
        /// a camera that does not answer) are returned in <see cref="UsbProbeResult.Error"/>, not thrown;
        /// cancellation and a missing libusb are thrown. A probe never resets the device on close, whatever
        /// <see cref="UsbOpenOptions.ResetOnClose"/> says (a reset would move the camera to a new address).
        /// </summary>
        public static UsbProbeResult Probe(UsbCameraInfo camera, CancellationToken cancel = default) => Probe(camera, null, cancel);

        /// <inheritdoc cref="Probe(UsbCameraInfo, CancellationToken)"/>
        public static UsbProbeResult Probe(UsbCameraInfo camera, UsbOpenOptions options, CancellationToken cancel = default)
        {
            if (camera == null) throw new System.ArgumentNullException(nameof(camera));
            // A missing library is the environment's problem, not this camera's: let it through.
            _ = LibUsbRuntime.Shared;
            return UsbConnector.Probe(LibUsbOpener.Instance, camera, options, cancel);
        }
    }
}
