using System.Linq;
using System.Threading;
using ChdkPtp.Protocol.Chdk.Connection;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Transport.Usb
{
    /// <summary>
    /// Connects to a USB camera and, after it went away, finds it again: a replugged camera gets a new address,
    /// so it is looked up on the same bus and port (then at the same address, then as the only device with the
    /// same vendor and product id); the session's identity check refuses a different camera on that port.
    /// </summary>
    public sealed class UsbCameraConnector : ICameraConnector
    {
        private readonly UsbOpenOptions _options;

        public UsbCameraConnector(UsbCameraInfo camera, UsbOpenOptions options = null)
        {
            Camera = camera ?? throw new System.ArgumentNullException(nameof(camera));
            _options = options;
        }

        /// <summary>The camera as last found.</summary>
        public UsbCameraInfo Camera { get; private set; }

        public string Description => string.IsNullOrEmpty(Camera.PortPath) ? Camera.Location : $"usb:{Camera.PortPath}";

        public CameraConnection Connect(CancellationToken cancel)
        {
            var now = Find(UsbCameras.List(Camera.VendorId));
            if (now == null)
                throw new UsbTransportException(UsbErrorKind.NoDevice, $"No camera with USB id {Camera.VendorId:x4}:{Camera.ProductId:x4} is on {Description}: it is unplugged or switched off.", location: Camera.Location);
            var client = UsbCameras.Connect(now, _options, cancel);
            Camera = now;
            return new CameraConnection(client, CameraIdentity.Of(client.DeviceInfo, now.ProductId), now.Location);
        }

        /// <summary>The device that is this camera now, among <paramref name="present"/>, or null.</summary>
        internal UsbCameraInfo Find(System.Collections.Generic.IReadOnlyList<UsbCameraInfo> present)
        {
            var c = Camera;
            if (!string.IsNullOrEmpty(c.PortPath))
            {
                var samePort = present.FirstOrDefault(d => d.Bus == c.Bus && d.PortPath == c.PortPath);
                if (samePort != null) return samePort;
            }
            var sameAddress = present.FirstOrDefault(d => d.Bus == c.Bus && d.Address == c.Address && d.ProductId == c.ProductId);
            if (sameAddress != null) return sameAddress;
            var sameModel = present.Where(d => d.VendorId == c.VendorId && d.ProductId == c.ProductId).ToList();
            return sameModel.Count == 1 ? sameModel[0] : null;
        }
    }
}
