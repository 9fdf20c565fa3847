using System;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Simulator.LiveView;

namespace ChdkPtp.Simulator.Tests.LiveView
{
    /// <summary>A simulated camera (record mode unless told), a connected client and a clock the test moves.</summary>
    internal sealed class LiveViewCamera : IDisposable
    {
        public static readonly DateTime T0 = new DateTime(2025, 6, 1, 12, 0, 0, 250);

        public LiveViewCamera(SimulatorOptions options = null, bool record = true)
        {
            options ??= new SimulatorOptions();
            options.StartInRecordMode = record;
            Sim = new InProcessSimulator(options);
            Source.Tick = () => TickMs;
            Source.Clock = () => Now;
            Client = ChdkClient.Connect(Sim.CreateTransport());
        }

        public InProcessSimulator Sim { get; }
        public ChdkClient Client { get; }
        public VirtualCamera Camera => Sim.Camera;
        public LiveViewSource Source => Sim.Camera.LiveView;

        /// <summary>Camera uptime the frame numbers come from.</summary>
        public int TickMs { get; set; } = 1000;

        /// <summary>The clock drawn into frames and the overlay.</summary>
        public DateTime Now { get; set; } = T0;

        /// <summary>Moves both clocks.</summary>
        public void Advance(int ms)
        {
            TickMs += ms;
            Now = Now.AddMilliseconds(ms);
        }

        public LvFrame Fetch(LiveViewFlags flags) => LvFrame.Parse(Client.GetDisplayData(flags));

        /// <summary>The transaction without the client's version gate: response and payload (null without a data phase).</summary>
        public (PtpResponse Response, byte[] Payload) Raw(uint flags)
        {
            var sink = new MemoryDataSink();
            var r = Client.Session.ExecuteRaw(PtpOperation.Chdk, new[] { (uint)ChdkCommand.GetDisplayData, flags }, null, sink, out bool gotData);
            return (r, gotData ? sink.ToArray() : null);
        }

        public void Dispose()
        {
            Client.Dispose(); // closes the transport, which shuts the simulator down
        }
    }
}
