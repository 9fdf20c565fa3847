using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Connection;
using ChdkPtp.Simulator;

namespace ChdkPtp
{
    /// <summary>Connects to an in-process virtual camera over its (simulated) USB cable; fails while the cable is pulled.</summary>
    internal sealed class SimulatorConnector : ICameraConnector
    {
        private readonly InProcessSimulator _simulator;

        public SimulatorConnector(InProcessSimulator simulator) { _simulator = simulator; }

        public string Description => "simulator";

        public CameraConnection Connect(CancellationToken cancel)
        {
            var client = ChdkClient.Connect(_simulator.CreateTransport(ownsSimulator: false), cancel);
            return new CameraConnection(client, CameraIdentity.Of(client.DeviceInfo, _simulator.Camera.Options.ProductId), "simulator");
        }
    }
}
