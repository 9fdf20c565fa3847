using System.Threading;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Transport.Usb
{
    /// <summary>
    /// The Still Image class requests on endpoint 0 that chdkptp uses (PROTOCOL.md §1.4), and stall
    /// recovery. Offered by <see cref="UsbCameraTransport"/>.
    /// </summary>
    public interface IUsbClassRequests
    {
        /// <summary>Device Reset: bmRequestType 0x21, bRequest 0x66, no data. Brings the camera's PTP responder back to its idle state.</summary>
        void DeviceReset(CancellationToken cancel = default);

        /// <summary>Get Device Status: bmRequestType 0xA1, bRequest 0x67, 4 bytes (u16 length, u16 code). 0x2001 means ready.</summary>
        UsbDeviceStatus GetDeviceStatus(CancellationToken cancel = default);

        /// <summary>Clears a halt (stall) on the bulk IN and bulk OUT endpoints.</summary>
        void ClearStall(CancellationToken cancel = default);
    }

    /// <summary>The answer to Get Device Status.</summary>
    public sealed class UsbDeviceStatus
    {
        public UsbDeviceStatus(ushort length, PtpResponseCode code)
        {
            Length = length;
            Code = code;
        }

        /// <summary>wLength as the camera reported it (4 when there are no endpoint parameters).</summary>
        public ushort Length { get; }

        /// <summary>The status code: OK (0x2001) when the camera is ready, DeviceBusy (0x2019) and so on.</summary>
        public PtpResponseCode Code { get; }

        /// <summary>The camera is ready (code 0x2001), which is what chdkptp's is_connected checks.</summary>
        public bool IsOk => Code == PtpResponseCode.OK;

        public override string ToString() => $"0x{(ushort)Code:X4} {PtpNames.Response(Code)}";
    }
}
