using System;
using System.IO;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Files;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport;

namespace ChdkPtp.Simulator.Tests.Files
{
    /// <summary>A simulated camera, a client on a transport that counts CHDK sub-commands, and its file system.</summary>
    internal sealed class FileTestCamera : IDisposable
    {
        public FileTestCamera()
        {
            Sim = new InProcessSimulator();
            Counter = new CountingTransport(Sim.CreateTransport());
            Client = ChdkClient.Connect(Counter);
            Files = new ChdkFileSystem(Client);
        }

        public InProcessSimulator Sim { get; }
        public CountingTransport Counter { get; }
        public ChdkClient Client { get; }
        public ChdkFileSystem Files { get; }
        public string Root => Sim.Camera.CardRoot;

        /// <summary>Host path of a camera path below A/.</summary>
        public string Host(string cameraPath) =>
            Path.Combine(Root, CameraPath.Normalize(cameraPath).Substring(2).Replace('/', Path.DirectorySeparatorChar));

        /// <summary>Creates a host file with the given bytes (or <paramref name="length"/> pseudo-random bytes) and modification time.</summary>
        public string MakeFile(string cameraPath, int length, DateTime? utc = null, int seed = 1)
        {
            var host = Host(cameraPath);
            Directory.CreateDirectory(Path.GetDirectoryName(host));
            File.WriteAllBytes(host, Bytes(length, seed));
            if (utc.HasValue) File.SetLastWriteTimeUtc(host, utc.Value);
            return host;
        }

        public string MakeDir(string cameraPath)
        {
            var host = Host(cameraPath);
            Directory.CreateDirectory(host);
            return host;
        }

        /// <summary>The seconds the card reports for a host file's time.</summary>
        public long CameraSeconds(string hostPath) =>
            Sim.Camera.Card.ToCameraTime(Directory.Exists(hostPath) ? Directory.GetLastWriteTimeUtc(hostPath) : File.GetLastWriteTimeUtc(hostPath));

        public static byte[] Bytes(int length, int seed)
        {
            var b = new byte[length];
            new Random(seed).NextBytes(b);
            return b;
        }

        /// <summary>A script that checks the session still works: a trivial round trip.</summary>
        public void AssertSessionWorks()
        {
            var r = ChdkPtp.Protocol.Chdk.Scripting.ScriptRunner.Run(Client, "return 6 * 7", null, new ChdkPtp.Protocol.Chdk.Scripting.ScriptRunOptions { Timeout = TimeSpan.FromSeconds(10) }, CancellationToken.None);
            Assert.Equal(42, r.Returns[0]);
        }

        public void Dispose() => Client.Dispose();
    }

    /// <summary>Counts CHDK sub-commands as they go out; everything else passes through.</summary>
    internal sealed class CountingTransport : IPtpTransport
    {
        private readonly IPtpTransport _inner;
        private readonly int[] _counts = new int[32];

        public CountingTransport(IPtpTransport inner) { _inner = inner; }

        public int Count(ChdkCommand command) => Volatile.Read(ref _counts[(int)command]);

        public string Description => _inner.Description;

        public void SendCommand(PtpCommand command, bool hasDataOut, CancellationToken cancel)
        {
            if (command.Code == PtpOperation.Chdk && command.Parameters.Length > 0 && command.Parameter(0) < 32)
                Interlocked.Increment(ref _counts[command.Parameter(0)]);
            _inner.SendCommand(command, hasDataOut, cancel);
        }

        public void SendData(ushort code, uint transactionId, IPtpDataSource source, CancellationToken cancel) =>
            _inner.SendData(code, transactionId, source, cancel);

        public PtpResponse? ReceiveDataOrResponse(ushort code, uint transactionId, IPtpDataSink sink, CancellationToken cancel) =>
            _inner.ReceiveDataOrResponse(code, transactionId, sink, cancel);

        public PtpResponse ReceiveResponse(CancellationToken cancel) => _inner.ReceiveResponse(cancel);

        public void Dispose() => _inner.Dispose();
    }

    /// <summary>Progress that runs its callback synchronously (Progress&lt;T&gt; posts to a context).</summary>
    internal sealed class SyncProgress : IProgress<long>
    {
        private readonly Action<long> _action;
        public SyncProgress(Action<long> action) { _action = action; }
        public void Report(long value) => _action(value);
    }
}
