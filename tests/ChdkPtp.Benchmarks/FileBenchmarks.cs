using System;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Files;
using ChdkPtp.Protocol.Chdk.Scripting;
using ChdkPtp.Simulator;

namespace ChdkPtp.Benchmarks
{
    /// <summary>A simulator whose card is a fresh temporary folder, a client and its file system, as the file tests make them.</summary>
    internal sealed class FileBench : IDisposable
    {
        public FileBench()
        {
            Work = Path.Combine(Path.GetTempPath(), "chdkptp-bench-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(Work);
            Sim = new InProcessSimulator(new SimulatorOptions { Root = Path.Combine(Work, "card") });
            Client = ChdkClient.Connect(Sim.CreateTransport());
            Files = new ChdkFileSystem(Client);
        }

        /// <summary>Scratch folder; the card is its "card" subfolder. Deleted on dispose.</summary>
        public string Work { get; }
        public InProcessSimulator Sim { get; }
        public ChdkClient Client { get; }
        public ChdkFileSystem Files { get; }

        public string Card(string relative) => Path.Combine(Sim.Camera.CardRoot, relative.Replace('/', Path.DirectorySeparatorChar));

        public void Dispose()
        {
            Client.Dispose(); // disposes the simulator too
            Directory.Delete(Work, true);
        }
    }

    /// <summary>
    /// Download throughput of a 256 MiB file through the in-process simulator (TempData + DownloadFile, USB
    /// framing both ways, the camera's file read on its own thread), written to a file on disk. Baseline: a
    /// plain user-space copy of the same card file to another file on disk with a 1 MiB buffer. Both read a
    /// source that sits in the page cache (written in the setup, read by every iteration) and write into the
    /// page cache (the kernel writes back in the background), so neither waits for the disk; the ratio compares
    /// the per-byte work of the two programs. For reference: File.Copy (done inside the kernel, no user-space
    /// copies), and the download and the file read each to Stream.Null (no destination file: what the transfer
    /// path itself costs against reading the file).
    /// Monitoring job: every iteration is one 256 MiB operation; 2 warm-up and 10 measured iterations.
    /// </summary>
    [SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10)]
    [Config(typeof(ThroughputConfig))]
    public class DownloadBenchmarks
    {
        public const long Size = 256L * 1024 * 1024;
        private FileBench _bench;
        private string _source;
        private string _destination;
        private CameraItem _item;

        [GlobalSetup]
        public void Setup()
        {
            _bench = new FileBench();
            Directory.CreateDirectory(_bench.Card("DCIM/100CANON"));
            _source = _bench.Card("DCIM/100CANON/MVI_0001.MP4");
            var chunk = new byte[1024 * 1024];
            var rnd = new Random(256);
            using (var f = new FileStream(_source, FileMode.Create, FileAccess.Write, FileShare.None, 1))
            {
                for (long done = 0; done < Size; done += chunk.Length)
                {
                    rnd.NextBytes(chunk);
                    f.Write(chunk, 0, chunk.Length);
                }
            }
            _destination = Path.Combine(_bench.Work, "dest.bin");
            _item = _bench.Files.Stat("A/DCIM/100CANON/MVI_0001.MP4");
            if (_item.Length != Size) throw new InvalidOperationException("Setup: wrong size on the card.");
        }

        [GlobalCleanup]
        public void Cleanup() => _bench.Dispose();

        // Unbuffered FileStreams (bufferSize 1): every 1 MiB write goes straight to the kernel, as in the download.
        private FileStream Create() => new FileStream(_destination, FileMode.Create, FileAccess.Write, FileShare.None, 1);

        [Benchmark(Baseline = true, Description = "file copy 256 MiB (1 MiB buffer)")]
        public long FileCopy()
        {
            using var src = new FileStream(_source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            using var dst = Create();
            src.CopyTo(dst, 1024 * 1024);
            return dst.Length;
        }

        [Benchmark(Description = "File.Copy 256 MiB (kernel copy)")]
        public long KernelCopy()
        {
            File.Copy(_source, _destination, true);
            return Size;
        }

        [Benchmark(Description = "file read 256 MiB to Stream.Null")]
        public long FileRead()
        {
            using var src = new FileStream(_source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            src.CopyTo(Stream.Null, 1024 * 1024);
            return src.Position;
        }

        [Benchmark(Description = "Download 256 MiB to a file")]
        public long DownloadToFile()
        {
            using var dst = Create();
            return Check(_bench.Files.Download(_item, dst));
        }

        [Benchmark(Description = "Download 256 MiB to Stream.Null")]
        public long DownloadToNull() => Check(_bench.Files.Download(_item, Stream.Null));

        private static long Check(long n) => n == Size ? n : throw new InvalidOperationException($"Downloaded {n} bytes.");
    }

    /// <summary>
    /// Listing a folder of 10,000 files on the simulator's card (one Lua script that calls os.listdir and
    /// os.stat per entry, 50 entries per message, about 200 messages read by the client), fully enumerated.
    /// Baselines in the same run: the host enumerating the same folder with each file's length and time
    /// (readdir + stat, what the camera-side script asks of the card), and one <c>ScriptRunner.Run("return 1")</c>
    /// round trip (the fixed cost of any script). Time per 1,000 entries = the listing's mean / 10. Two more
    /// rows run the camera-side steps alone (stat, then stat + the serializer the listing's messages use) to
    /// show where the time goes.
    /// </summary>
    [SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10)]
    public class ListingBenchmarks
    {
        public const int Count = 10000;
        private FileBench _bench;
        private string _folder;

        [GlobalSetup]
        public void Setup()
        {
            _bench = new FileBench();
            _folder = _bench.Card("DCIM/100CANON");
            Directory.CreateDirectory(_folder);
            for (int i = 0; i < Count; i++)
                File.WriteAllBytes(Path.Combine(_folder, "IMG_" + i.ToString("D4") + ".JPG"), new byte[i % 97]);
        }

        [GlobalCleanup]
        public void Cleanup() => _bench.Dispose();

        [Benchmark(Baseline = true, Description = "host: enumerate 10,000 files with length and time")]
        public long HostEnumerate()
        {
            long sum = 0;
            int n = 0;
            foreach (var f in new DirectoryInfo(_folder).EnumerateFiles())
            {
                sum += f.Length + f.LastWriteTimeUtc.Ticks;
                n++;
            }
            return n == Count ? sum : throw new InvalidOperationException($"{n} files.");
        }

        [Benchmark(Description = "Lua 'return 1' (ScriptRunner)")]
        public object LuaReturnOne() => ScriptRunner.Run(_bench.Client, "return 1", Array.Empty<object>(), null, default).Returns[0];

        // Where the listing's time goes: the camera-side steps alone, as single scripts that return one number.
        // Polled every millisecond: ScriptRunner's default backoff (4 ms doubling to 250 ms) would round the
        // time of a script that runs for hundreds of ms up to the next poll.
        private static readonly ScriptRunOptions Long = new ScriptRunOptions
        {
            Timeout = TimeSpan.FromSeconds(60),
            InitialPollInterval = TimeSpan.FromMilliseconds(1),
            MaxPollInterval = TimeSpan.FromMilliseconds(1),
        };

        [Benchmark(Description = "camera side: os.listdir + os.stat of 10,000 (one script)")]
        public object CameraStat() => ScriptRunner.Run(_bench.Client,
            "local d = 'A/DCIM/100CANON' local t = os.listdir(d) local n = 0 " +
            "for i = 1, #t do n = n + os.stat(d .. '/' .. t[i]).size end return n", Array.Empty<object>(), Long, default).Returns[0];

        [Benchmark(Description = "camera side: the same + serializing 200 batches of 50 entries")]
        public object CameraStatSerialize() => ScriptRunner.Run(_bench.Client,
            "local d = 'A/DCIM/100CANON' local t = os.listdir(d) local n, b, nb = 0, {}, 0 " +
            "for i = 1, #t do local st = os.stat(d .. '/' .. t[i]) nb = nb + 1 b[nb] = {t[i], st.size, st.mtime, st.attrib, st.is_dir} " +
            "if nb == 50 then n = n + #" + CameraLibrary.SerializerName + "(b) b, nb = {}, 0 end end return n",
            Array.Empty<object>(), Long, default).Returns[0];

        [Benchmark(Description = "ChdkFileSystem.List of 10,000 files")]
        public long List()
        {
            long sum = 0;
            int n = 0;
            foreach (var item in _bench.Files.List("A/DCIM/100CANON"))
            {
                sum += item.Length;
                n++;
            }
            return n == Count ? sum : throw new InvalidOperationException($"{n} items.");
        }
    }
}

namespace ChdkPtp.Benchmarks
{
    using BenchmarkDotNet.Columns;
    using BenchmarkDotNet.Configs;
    using BenchmarkDotNet.Reports;
    using BenchmarkDotNet.Running;

    /// <summary>Adds MB/s (10^6 bytes per second of <see cref="DownloadBenchmarks.Size"/> bytes per operation) and
    /// the rate as a fraction of the baseline's rate (the inverse of BDN's time Ratio).</summary>
    public sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig()
        {
            AddColumn(new RateColumn(false), new RateColumn(true));
        }

        private sealed class RateColumn : IColumn
        {
            private readonly bool _relative;
            public RateColumn(bool relative) { _relative = relative; }
            public string Id => _relative ? "RateRatio" : "MBps";
            public string ColumnName => _relative ? "Rate ratio" : "MB/s";
            public bool AlwaysShow => true;
            public ColumnCategory Category => ColumnCategory.Custom;
            public int PriorityInCategory => _relative ? 1 : 0;
            public bool IsNumeric => true;
            public UnitType UnitType => UnitType.Dimensionless;
            public string Legend => _relative
                ? "Rate as a fraction of the baseline's rate in the same run (baseline mean / mean)"
                : "Megabytes (10^6) per second: operation size / mean";
            public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
            public bool IsAvailable(Summary summary) => true;
            public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

            public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
            {
                var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
                if (mean == null) return "?";
                if (!_relative) return (DownloadBenchmarks.Size / (mean.Value / 1e9) / 1e6).ToString("F0", System.Globalization.CultureInfo.InvariantCulture);
                var baseline = summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase));
                var bmean = baseline == null ? null : summary[baseline]?.ResultStatistics?.Mean;
                return bmean == null ? "?" : (bmean.Value / mean.Value).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }
}
