using System;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Scripting;
using ChdkPtp.Protocol.Transport.Loopback;
using ChdkPtp.Simulator;

namespace ChdkPtp.Benchmarks
{
    public static class Program
    {
        // dotnet run -c Release --project tests/ChdkPtp.Benchmarks -- --filter '*'
        // dotnet run -c Release --project tests/ChdkPtp.Benchmarks -- --filter '*LiveView*'   (LiveViewBenchmarks.cs: decode, PNG)
        // dotnet run -c Release --project tests/ChdkPtp.Benchmarks -- --filter '*PtpIp*'      (PtpIpBenchmarks.cs: PTP/IP loopback vs in-process)
        // dotnet run -c Release --project tests/ChdkPtp.Benchmarks -- --peak-memory [MiB ...]   (see PeakMemory)
        // dotnet run -c Release --project tests/ChdkPtp.Benchmarks -- --dng-sample DIR [BPP ...]  (see DngSample)
        public static int Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "--peak-memory") return PeakMemory.Run(args[1..]);
            if (args.Length > 0 && args[0] == "--dng-sample") return DngSample.Run(args[1..]);
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
            return 0;
        }

        internal static string RepoRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "ChdkPtp.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
        }
    }

    /// <summary>
    /// PTP transactions through the in-process simulator. Baseline: one 16-byte packet to a device
    /// thread and one back over the same loopback pipes, the floor any transaction pays.
    /// </summary>
    [MemoryDiagnoser]
    public class TransactionBenchmarks
    {
        private InProcessSimulator _sim;
        private ChdkClient _client;
        private LoopbackUsbLink _echoLink;
        private Thread _echo;
        private readonly byte[] _packet = new byte[16];
        private readonly byte[] _buffer = new byte[512];

        [GlobalSetup]
        public void Setup()
        {
            _sim = new InProcessSimulator();
            _client = ChdkClient.Connect(_sim.CreateTransport());
            _echoLink = new LoopbackUsbLink();
            _echoLink.HostToDevice.TimeoutMs = -1;
            _echo = new Thread(() =>
            {
                var b = new byte[512];
                try
                {
                    while (true)
                    {
                        int n = _echoLink.Device.Read(b, default);
                        _echoLink.Device.Write(b.AsSpan(0, n), default);
                    }
                }
                catch (Exception) { }
            }) { IsBackground = true };
            _echo.Start();
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _client.Dispose();
            _echoLink.Close();
        }

        [Benchmark(Baseline = true, Description = "packet round trip (floor)")]
        public int PacketRoundTrip()
        {
            _echoLink.Host.Write(_packet, default);
            return _echoLink.Host.Read(_buffer, default);
        }

        [Benchmark(Description = "ScriptStatus transaction")]
        public ScriptStatus ScriptStatus() => _client.GetScriptStatus();

        [Benchmark(Description = "Lua 'return 1' (ScriptRunner)")]
        public object LuaReturnOne() => ScriptRunner.Run(_client, "return 1", Array.Empty<object>(), null, default).Returns[0];
    }

    /// <summary>Invoke-ChdkLua 'return 1' as a user runs it; baseline: a PowerShell pipeline that does no camera work.</summary>
    public class CmdletBenchmarks
    {
        private Runspace _runspace;

        [GlobalSetup]
        public void Setup()
        {
            var iss = InitialSessionState.CreateDefault2();
            iss.ImportPSModule(new[] { Path.Combine(Program.RepoRoot(), "ChdkPtp.psd1") });
            _runspace = RunspaceFactory.CreateRunspace(iss);
            _runspace.Open();
            Run("Connect-ChdkCamera -Simulator | Out-Null");
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            Run("Get-ChdkCamera | Disconnect-ChdkCamera");
            _runspace.Dispose();
        }

        private object Run(string script)
        {
            using var ps = PowerShell.Create();
            ps.Runspace = _runspace;
            var r = ps.AddScript(script).Invoke();
            if (ps.HadErrors) throw new InvalidOperationException(ps.Streams.Error[0].ToString());
            return r.Count > 0 ? r[0] : null;
        }

        [Benchmark(Baseline = true, Description = "pipeline '1 | ForEach-Object { $_ }'")]
        public object EmptyPipeline() => Run("1 | ForEach-Object { $_ }");

        [Benchmark(Description = "Invoke-ChdkLua 'return 1'")]
        public object InvokeLua() => Run("Invoke-ChdkLua 'return 1'");
    }

    /// <summary>Import-Module ChdkPtp: a runspace that imports the module against one that does not.</summary>
    [SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10, invocationCount: 1)]
    public class ImportBenchmarks
    {
        private static Runspace Open(bool import)
        {
            var iss = InitialSessionState.CreateDefault2();
            if (import) iss.ImportPSModule(new[] { Path.Combine(Program.RepoRoot(), "ChdkPtp.psd1") });
            var rs = RunspaceFactory.CreateRunspace(iss);
            rs.Open();
            return rs;
        }

        [Benchmark(Baseline = true, Description = "open runspace")]
        public void OpenRunspace() => Open(false).Dispose();

        [Benchmark(Description = "open runspace + Import-Module ChdkPtp")]
        public void OpenRunspaceWithModule() => Open(true).Dispose();
    }
}
