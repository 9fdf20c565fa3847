using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Connection;

namespace ChdkPtp.Protocol.Transport.PtpIp
{
    /// <summary>Connects to a camera (or a simulator) over PTP/IP at a host and port; used again to reconnect.</summary>
    public sealed class PtpIpConnector : ICameraConnector
    {
        private readonly PtpIpOptions _options;

        public PtpIpConnector(string host, int port = PtpIpPackets.DefaultPort, PtpIpOptions options = null)
        {
            HostName = host;
            Port = port;
            _options = options;
        }

        public string HostName { get; }

        public int Port { get; }

        public string Description => $"ptpip:{HostName}:{Port}";

        public CameraConnection Connect(CancellationToken cancel)
        {
            var transport = PtpIpTransport.Connect(HostName, Port, _options, cancel);
            var client = ChdkClient.Connect(transport, cancel);
            return new CameraConnection(client, CameraIdentity.Of(client.DeviceInfo, null), Description);
        }
    }
}
