using BenchmarkDotNet.Attributes;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Simulator;

namespace ChdkPtp.Benchmarks
{
    /// <summary>
    /// How fast the simulated camera produces live view (GetDisplayData), a new frame for every request
    /// (LiveViewFrameRate 0): the SX160 IS layout (Digic 4: 490,728 bytes with palette, viewport and overlay) and the
    /// G7 X layout (Digic 6: 1,766,540 bytes with viewport, overlay and opacity). Baseline: a header-only request
    /// (104 or 140 bytes), the transaction's floor.
    /// <code>dotnet run -c Release --project tests/ChdkPtp.Benchmarks -- --filter '*SimulatorLiveView*'</code>
    /// </summary>
    [MemoryDiagnoser]
    public class SimulatorLiveViewBenchmarks
    {
        private InProcessSimulator _sim;
        private ChdkClient _client;
        private LiveViewFlags _all;

        [Params(4, 6)]
        public int Digic { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            _sim = new InProcessSimulator(new SimulatorOptions { Digic = Digic, StartInRecordMode = true, LiveViewFrameRate = 0 });
            _client = ChdkClient.Connect(_sim.CreateTransport());
            _all = Digic >= 6 ? (LiveViewFlags)0x1F : (LiveViewFlags)0x1D;
            _client.GetDisplayData(_all); // the chart is drawn once, on the first frame
        }

        [GlobalCleanup]
        public void Cleanup() => _client.Dispose();

        [Benchmark(Baseline = true, Description = "GetDisplayData header only (ChdkClient)")]
        public int HeaderOnly() => _client.GetDisplayData(LiveViewFlags.None).Length;

        [Benchmark(Description = "GetDisplayData viewport, new frame (ChdkClient)")]
        public int Viewport() => _client.GetDisplayData(LiveViewFlags.Viewport).Length;

        [Benchmark(Description = "GetDisplayData all blocks, new frame (ChdkClient)")]
        public int All() => _client.GetDisplayData(_all).Length;

        [Benchmark(Description = "camera side only: new viewport frame and payload copy")]
        public int CameraSide() => _sim.Camera.LiveView.GetDisplayData(LiveViewFlags.Viewport).Length;
    }
}
