using System.Threading;

namespace ChdkPtp.Protocol.Chdk.Connection
{
    /// <summary>
    /// Knows where a camera is and opens a new connection to it: the same USB port, the same host and port,
    /// the same simulator. A session keeps one so it can reconnect after the link failed.
    /// </summary>
    public interface ICameraConnector
    {
        /// <summary>Where the camera is, for messages: "usb:1-1.2", "ptpip:192.168.1.20:15740", "simulator".</summary>
        string Description { get; }

        /// <summary>
        /// Opens a new connection (OpenSession, DeviceInfo, CHDK Version). Throws a
        /// <see cref="Ptp.PtpTransportException"/> while the camera is not there (unplugged, asleep, not listening).
        /// </summary>
        CameraConnection Connect(CancellationToken cancel);
    }

    /// <summary>A connection a connector opened: the client and the identity of the camera behind it.</summary>
    public sealed class CameraConnection
    {
        public CameraConnection(ChdkClient client, CameraIdentity identity, string location)
        {
            Client = client;
            Identity = identity;
            Location = location;
        }

        public ChdkClient Client { get; }

        public CameraIdentity Identity { get; }

        /// <summary>Where this connection goes now, e.g. "usb:001/007" (a replugged USB camera gets a new address).</summary>
        public string Location { get; }
    }
}
