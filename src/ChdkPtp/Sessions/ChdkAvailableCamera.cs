using System;
using ChdkPtp.Protocol.Transport.Usb;

namespace ChdkPtp
{
    /// <summary>A camera on USB, as Get-ChdkCamera -ListAvailable lists it. Bus and Address bind to
    /// Connect-ChdkCamera's parameters, so a listed camera can be piped in to connect to it.</summary>
    public sealed class ChdkAvailableCamera
    {
        internal ChdkAvailableCamera(UsbCameraInfo device, UsbProbeResult probe, ChdkSession session)
        {
            Device = device;
            if (session != null)
            {
                Model = session.Model;
                SerialNumber = session.SerialNumber;
                ProtocolVersion = session.ProtocolVersion;
                SessionId = session.Id;
                Status = "Connected";
                return;
            }
            if (probe == null)
            {
                Status = "NotProbed";
                return;
            }
            Model = probe.Model;
            SerialNumber = probe.SerialNumber;
            ProtocolVersion = probe.ChdkVersion;
            if (probe.Succeeded) Status = probe.ChdkVersion != null ? "Available" : "NoChdk";
            else
            {
                Status = probe.ErrorKind == UsbErrorKind.Busy ? "Busy"
                    : probe.ErrorKind == UsbErrorKind.AccessDenied ? "AccessDenied"
                    : "Error";
                Error = probe.Error.Message;
            }
        }

        /// <summary>"USB".</summary>
        public string Transport => "USB";

        /// <summary>"usb:BBB/DDD", as sessions show it.</summary>
        public string Location => Device.Location;

        public int Bus => Device.Bus;

        /// <summary>The device address on its bus; changes when the camera is plugged in again.</summary>
        public int Address => Device.Address;

        /// <summary>The physical port ("1-1.2"): stays the same when the camera is plugged back into the same socket.</summary>
        public string PortPath => Device.PortPath;

        public ushort VendorId => Device.VendorId;

        /// <summary>The USB product id, which identifies the camera model (CHDK's platform id).</summary>
        public ushort ProductId => Device.ProductId;

        /// <summary>From the camera's PTP device information; null when it could not be read.</summary>
        public string Model { get; }

        public string SerialNumber { get; }

        /// <summary>The CHDK PTP protocol version; null without CHDK or when not read.</summary>
        public Version ProtocolVersion { get; }

        /// <summary>Available (CHDK, free), Connected (a session of this process has it), NoChdk, Busy (another program
        /// holds it), AccessDenied (no permission: see the udev rules), Error, or NotProbed (-NoProbe).</summary>
        public string Status { get; }

        /// <summary>The id of the session that has the camera, when Status is Connected.</summary>
        public int? SessionId { get; }

        /// <summary>Why the camera could not be read, with what to do about it.</summary>
        public string Error { get; }

        /// <summary>The device as the USB layer describes it.</summary>
        public UsbCameraInfo Device { get; }

        public override string ToString() => $"{Location} {VendorId:x4}:{ProductId:x4} {Model} {Status}";
    }
}
