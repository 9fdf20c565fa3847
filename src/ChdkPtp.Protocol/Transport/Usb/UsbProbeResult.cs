using System;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Transport.Usb
{
    /// <summary>
    /// What a short session with a camera found (see <see cref="UsbCameras.Probe(UsbCameraInfo, System.Threading.CancellationToken)"/>):
    /// its DeviceInfo and CHDK version, or the error that kept the probe from getting them.
    /// </summary>
    public sealed class UsbProbeResult
    {
        internal UsbProbeResult(UsbCameraInfo camera, DeviceInfo deviceInfo, Version chdkVersion, string usbProduct, string usbSerialNumber, Exception error)
        {
            Camera = camera;
            DeviceInfo = deviceInfo;
            ChdkVersion = chdkVersion;
            UsbProduct = usbProduct;
            UsbSerialNumber = usbSerialNumber;
            Error = error;
        }

        public UsbCameraInfo Camera { get; }

        /// <summary>The probe got DeviceInfo (<see cref="Error"/> is null).</summary>
        public bool Succeeded => Error == null;

        /// <summary>The PTP DeviceInfo, or null when the probe failed.</summary>
        public DeviceInfo DeviceInfo { get; }

        /// <summary>DeviceInfo's Manufacturer ("Canon Inc."), or null.</summary>
        public string Manufacturer => DeviceInfo?.Manufacturer;

        /// <summary>DeviceInfo's Model ("Canon PowerShot SX60 HS"), or null.</summary>
        public string Model => DeviceInfo?.Model;

        /// <summary>DeviceInfo's SerialNumber (empty on older models), or null.</summary>
        public string SerialNumber => DeviceInfo?.SerialNumber;

        /// <summary>DeviceInfo lists the CHDK operation 0x9999.</summary>
        public bool HasChdk => DeviceInfo != null && DeviceInfo.SupportsOperation(PtpOperation.Chdk);

        /// <summary>The CHDK PTP protocol version (e.g. 2.9), or null when there is no CHDK or it did not answer.</summary>
        public Version ChdkVersion { get; }

        /// <summary>The USB product string descriptor, or null.</summary>
        public string UsbProduct { get; }

        /// <summary>The USB serial number string descriptor, or null.</summary>
        public string UsbSerialNumber { get; }

        /// <summary>Why the probe failed (a <see cref="UsbTransportException"/> for Busy, AccessDenied, ...), or null.</summary>
        public Exception Error { get; }

        /// <summary>The kind of <see cref="Error"/> when it is a USB error (Timeout for a <see cref="PtpTimeoutException"/>), else null.</summary>
        public UsbErrorKind? ErrorKind =>
            Error is UsbTransportException u ? u.Kind
            : Error is PtpTimeoutException ? UsbErrorKind.Timeout
            : Error == null ? (UsbErrorKind?)null
            : UsbErrorKind.Other;

        public override string ToString() =>
            Succeeded ? $"{Camera.Location} {Model}" + (ChdkVersion != null ? $" CHDK {ChdkVersion}" : HasChdk ? " CHDK ?" : " (no CHDK)")
                      : $"{Camera.Location} {ErrorKind}: {Error.Message}";
    }
}
