using System;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Simulator.Tests.Conformance
{
    /// <summary>A virtual camera on the in-process USB link with a raw PTP session to it.</summary>
    internal sealed class RawCamera : IDisposable
    {
        public RawCamera(SimulatorOptions options = null, bool open = true)
        {
            Sim = new InProcessSimulator(options);
            Session = new PtpSession(Sim.CreateTransport());
            if (open) Session.Open();
        }

        public InProcessSimulator Sim { get; }
        public PtpSession Session { get; }

        /// <summary>Runs a CHDK sub-command and reports the response and whether a data phase came.</summary>
        public (PtpResponse R, bool Data, byte[] Bytes) Chdk(uint sub, byte[] dataOut = null, bool dataIn = false, params uint[] args)
        {
            var p = new uint[1 + args.Length];
            p[0] = sub;
            Array.Copy(args, 0, p, 1, args.Length);
            var sink = dataIn ? new MemoryDataSink() : null;
            var r = Session.ExecuteRaw(0x9999, p, dataOut == null ? null : new BytesDataSource(dataOut), sink, out bool got);
            return (r, got, sink?.ToArray());
        }

        public void Dispose() => Session.Dispose();
    }
}
