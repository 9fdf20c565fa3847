using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Files;
using ChdkPtp.Protocol.Transport.PtpIp;
using ChdkPtp.Simulator;
using ChdkPtp.Simulator.PtpIp;

namespace ChdkPtp.Benchmarks
{
    /// <summary>One card folder served two ways: the in-process USB link (the baseline) and PTP/IP on loopback.</summary>
    internal sealed class TwoLinks : IDisposable
    {
        public TwoLinks(long fileSize)
        {
            Work = Path.Combine(Path.GetTempPath(), "chdkptp-ipbench-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            var root = Path.Combine(Work, "card");
            Directory.CreateDirectory(Path.Combine(root, "DCIM", "100CANON"));
            if (fileSize > 0)
            {
                var chunk = new byte[1024 * 1024];
                var rnd = new Random(256);
                using var f = new FileStream(Path.Combine(root, "DCIM", "100CANON", "MVI_0001.MP4"), FileMode.Create, FileAccess.Write, FileShare.None, 1);
                for (long done = 0; done < fileSize; done += chunk.Length)
                {
                    rnd.NextBytes(chunk);
                    f.Write(chunk, 0, (int)Math.Min(chunk.Length, fileSize - done));
                }
            }
            var sim = new InProcessSimulator(new SimulatorOptions { Root = root });
            InProcess = ChdkClient.Connect(sim.CreateTransport());
            Server = new PtpIpServer(new SimulatorOptions { Root = root }, port: 0);
            Server.Start();
            PtpIp = ChdkClient.Connect(PtpIpTransport.Connect("127.0.0.1", Server.Port));
        }

        public string Work { get; }
        public ChdkClient InProcess { get; }
        public PtpIpServer Server { get; }
        public ChdkClient PtpIp { get; }

        public void Dispose()
        {
            InProcess.Dispose();
            PtpIp.Dispose();
            Server.Dispose();
            Directory.Delete(Work, true);
        }
    }

    /// <summary>
    /// Download throughput of a 256 MiB card file over PTP/IP on loopback (TCP, StartData + one EndData streamed from
    /// the file, the initiator's 1 MiB reads) against the same download over the in-process USB link (baseline), both
    /// to Stream.Null, in the same run. The rate ratio is PTP/IP's share of the in-process rate.
    /// Monitoring job: every iteration is one 256 MiB download; 2 warm-up and 10 measured iterations.
    /// </summary>
    [SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10)]
    [Config(typeof(ThroughputConfig))]
    public class PtpIpDownloadBenchmarks
    {
        private TwoLinks _links;
        private ChdkFileSystem _inProcess;
        private ChdkFileSystem _ptpip;
        private CameraItem _item;

        [GlobalSetup]
        public void Setup()
        {
            _links = new TwoLinks(DownloadBenchmarks.Size);
            _inProcess = new ChdkFileSystem(_links.InProcess);
            _ptpip = new ChdkFileSystem(_links.PtpIp);
            _item = _ptpip.Stat("A/DCIM/100CANON/MVI_0001.MP4");
            if (_item.Length != DownloadBenchmarks.Size) throw new InvalidOperationException("Setup: wrong size on the card.");
        }

        [GlobalCleanup]
        public void Cleanup() => _links.Dispose();

        [Benchmark(Baseline = true, Description = "download 256 MiB, in-process USB link")]
        public long InProcess() => _inProcess.Download(_item, Stream.Null);

        [Benchmark(Description = "download 256 MiB, PTP/IP on loopback")]
        public long PtpIp() => _ptpip.Download(_item, Stream.Null);
    }

    /// <summary>
    /// Transactions per second over PTP/IP on loopback against the in-process USB link (baseline), in the same run:
    /// the CHDK Version sub-command (command + response) and GetDisplayData (command, a ~260 KB data-in phase,
    /// response).
    /// </summary>
    [MemoryDiagnoser]
    [GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
    [CategoriesColumn]
    public class PtpIpTransactionBenchmarks
    {
        private TwoLinks _links;

        [GlobalSetup]
        public void Setup() => _links = new TwoLinks(0);

        [GlobalCleanup]
        public void Cleanup() => _links.Dispose();

        [Benchmark(Baseline = true, Description = "CHDK Version, in-process USB link")]
        [BenchmarkCategory("Version")]
        public Version VersionInProcess() => _links.InProcess.GetVersion();

        [Benchmark(Description = "CHDK Version, PTP/IP on loopback")]
        [BenchmarkCategory("Version")]
        public Version VersionPtpIp() => _links.PtpIp.GetVersion();

        [Benchmark(Baseline = true, Description = "GetDisplayData (viewport+overlay), in-process USB link")]
        [BenchmarkCategory("LiveView")]
        public int LiveViewInProcess() => _links.InProcess.GetDisplayData(LiveViewFlags.Viewport | LiveViewFlags.Bitmap | LiveViewFlags.Palette).Length;

        [Benchmark(Description = "GetDisplayData (viewport+overlay), PTP/IP on loopback")]
        [BenchmarkCategory("LiveView")]
        public int LiveViewPtpIp() => _links.PtpIp.GetDisplayData(LiveViewFlags.Viewport | LiveViewFlags.Bitmap | LiveViewFlags.Palette).Length;
    }
}
