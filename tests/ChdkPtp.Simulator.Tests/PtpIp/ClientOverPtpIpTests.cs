using System;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Files;
using ChdkPtp.Protocol.Chdk.LiveView;
using ChdkPtp.Protocol.Chdk.Scripting;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport.PtpIp;
using ChdkPtp.Simulator.PtpIp;

namespace ChdkPtp.Simulator.Tests.PtpIp
{
    /// <summary>Our own initiator against the simulator over loopback TCP: the whole client stack on PTP/IP.</summary>
    public sealed class ClientOverPtpIpTests : IDisposable
    {
        private const long Size64 = 64L * 1024 * 1024 + 4321; // not a multiple of any packet or buffer size
        private readonly PtpIpServer _server;

        public ClientOverPtpIpTests()
        {
            _server = new PtpIpServer(new SimulatorOptions(), port: 0);
            _server.Start();
        }

        public void Dispose() => _server.Dispose();

        private ChdkClient Connect(PtpIpOptions options = null) =>
            ChdkClient.Connect(PtpIpTransport.Connect("127.0.0.1", _server.Port, options));

        private static object Run(ChdkClient c, string code) =>
            ScriptRunner.Run(c, code, Array.Empty<object>(), new ScriptRunOptions { Timeout = TimeSpan.FromSeconds(10) }, CancellationToken.None).Returns[0];

        [Fact]
        public void Connect_reads_DeviceInfo_and_the_CHDK_version_and_runs_scripts()
        {
            using var c = Connect();
            Assert.Equal(_server.Camera.Options.SerialNumber, c.DeviceInfo.SerialNumber);
            Assert.Equal(new Version(2, 9), c.ProtocolVersion);
            Assert.StartsWith("ptpip:127.0.0.1:", c.Session.Transport.Description);
            var t = (PtpIpTransport)c.Session.Transport;
            Assert.Equal(_server.FriendlyName, t.Responder.FriendlyName);
            Assert.Equal(Environment.MachineName, _server.Initiator.FriendlyName);
            Assert.Equal(42, Convert.ToInt32(Run(c, "return 6*7")));
            Assert.Equal("A/DCIM", Run(c, "return 'A/' .. 'DCIM'"));
            var ex = Assert.Throws<ChdkScriptException>(() => Run(c, "error('boom')"));
            Assert.Contains("boom", ex.Message);
            Assert.Equal(new Version(2, 9), c.GetVersion()); // the link is fine after a script error
        }

        [Fact]
        public void A_64_MiB_upload_and_download_are_byte_exact()
        {
            using var c = Connect();
            var files = new ChdkFileSystem(c);
            var data = new byte[Size64];
            new Random(64).NextBytes(data);
            files.Upload(new MemoryStream(data), data.Length, "A/BIG.BIN");
            var host = Path.Combine(_server.Camera.CardRoot, "BIG.BIN");
            Assert.Equal(SHA256.HashData(data), SHA256.HashData(File.ReadAllBytes(host)));

            using var back = new MemoryStream();
            Assert.Equal(Size64, files.Download("A/BIG.BIN", back));
            Assert.Equal(SHA256.HashData(data), SHA256.HashData(back.ToArray()));
            Assert.Equal(new Version(2, 9), c.GetVersion());
        }

        [Fact]
        public void Live_view_frames_arrive_whole()
        {
            using var c = Connect();
            for (int i = 0; i < 3; i++)
            {
                var payload = c.GetDisplayData(LiveViewFlags.Viewport | LiveViewFlags.Bitmap | LiveViewFlags.Palette);
                var frame = LiveFrame.Parse(payload);
                Assert.Equal(2, frame.VersionMajor);
                Assert.True(payload.Length > 100_000, $"frame of {payload.Length} bytes");
            }
        }

        [Fact]
        public void A_cancel_mid_download_takes_effect_within_a_second()
        {
            File.WriteAllBytes(Path.Combine(_server.Camera.CardRoot, "BIG.BIN"), new byte[Size64]);
            using var c = Connect();
            using var cts = new CancellationTokenSource();
            long received = 0;
            var sink = new SlowSink(n => { if (Interlocked.Add(ref received, n) > 4 * 1024 * 1024) cts.Cancel(); });
            var clock = Stopwatch.StartNew();
            TimeSpan atCancel = TimeSpan.Zero;
            cts.Token.Register(() => atCancel = clock.Elapsed);
            Assert.ThrowsAny<OperationCanceledException>(() => c.DownloadFile("A/BIG.BIN", sink, cts.Token));
            var stopped = clock.Elapsed - atCancel;
            Assert.True(stopped < TimeSpan.FromSeconds(1), $"the download stopped {stopped.TotalMilliseconds:0} ms after the cancel");
            Assert.True(Interlocked.Read(ref received) < Size64, "the transfer did not run to its end");
            Assert.True(c.Session.IsFaulted, "a cancel mid-phase faults the session, as on USB");
            // The server noticed the initiator leaving and is ready for the next one.
            c.Dispose();
            Assert.True(SpinWait.SpinUntil(() => _server.SessionsEnded == 1, 5000));
            using var again = Connect();
            Assert.Equal(new Version(2, 9), again.GetVersion());
        }

        [Fact]
        public void A_server_that_stops_mid_download_is_a_clear_transport_error()
        {
            File.WriteAllBytes(Path.Combine(_server.Camera.CardRoot, "BIG.BIN"), new byte[Size64]);
            using var c = Connect();
            long received = 0;
            var sink = new SlowSink(n =>
            {
                // The camera disappears while its data is still arriving (Stop does not wait for this reader).
                if (Interlocked.Add(ref received, n) > 2 * 1024 * 1024 && _server.IsRunning) _server.Stop();
            });
            var ex = Assert.ThrowsAny<PtpTransportException>(() => c.DownloadFile("A/BIG.BIN", sink));
            Assert.Contains($"127.0.0.1:{_server.Port}", ex.Message);
            Assert.True(c.Session.IsFaulted);
            Assert.True(Interlocked.Read(ref received) < Size64);

            // The camera "comes back" on the same port; a new connection works.
            _server.Start();
            using var again = Connect();
            Assert.Equal(new Version(2, 9), again.GetVersion());
        }

        [Fact]
        public void A_server_stopped_between_commands_fails_the_next_one_clearly_and_a_new_server_serves_the_same_card()
        {
            File.WriteAllText(Path.Combine(_server.Camera.CardRoot, "KEEP.TXT"), "kept");
            var c = Connect();
            int port = _server.Port;
            var root = _server.Camera.CardRoot;
            _server.Stop();
            var ex = Assert.ThrowsAny<PtpTransportException>(() => c.GetVersion());
            Assert.Contains($"127.0.0.1:{port}", ex.Message);
            c.Dispose();
            var refused = Assert.Throws<PtpTransportException>(() => Connect());
            Assert.Contains("Start-ChdkSimulator", refused.Message);

            using var other = new PtpIpServer(new SimulatorOptions { Root = root, SerialNumber = "0123456789ABCDEF0123456789ABCDEF" }, port: port);
            other.Start();
            using var c2 = ChdkClient.Connect(PtpIpTransport.Connect("127.0.0.1", port));
            Assert.Equal("0123456789ABCDEF0123456789ABCDEF", c2.DeviceInfo.SerialNumber);
            Assert.Equal("kept", Run(c2, "local f = io.open('A/KEEP.TXT', 'rb') local s = f:read('*a') f:close() return s"));
        }

        [Fact]
        public void A_second_initiator_takes_over_and_the_first_gets_a_transport_error()
        {
            using var first = Connect();
            using var second = Connect();
            Assert.Equal(new Version(2, 9), second.GetVersion());
            Assert.ThrowsAny<PtpTransportException>(() => first.GetVersion());
        }

        [Fact]
        public void The_server_listens_on_IPv6_and_clients_connect_by_name_and_literal()
        {
            using var v6 = new PtpIpServer(new SimulatorOptions(), System.Net.IPAddress.IPv6Loopback, port: 0);
            v6.Start();
            Assert.Equal(System.Net.IPAddress.IPv6Loopback, v6.Endpoint.Address);
            using (var c = ChdkClient.Connect(PtpIpTransport.Connect("::1", v6.Port)))
                Assert.Equal(new Version(2, 9), c.GetVersion());
            using (var c = ChdkClient.Connect(PtpIpTransport.Connect("[::1]", v6.Port)))
                Assert.Equal($"ptpip:[::1]:{v6.Port}", c.Session.Transport.Description);
            // "localhost" may resolve to ::1 and 127.0.0.1: whichever answers is used.
            using (var c = ChdkClient.Connect(PtpIpTransport.Connect("localhost", _server.Port)))
                Assert.Equal(new Version(2, 9), c.GetVersion());
        }

        /// <summary>A data sink that reports each chunk's size and keeps nothing.</summary>
        private sealed class SlowSink : IPtpDataSink
        {
            private readonly Action<int> _onChunk;
            public SlowSink(Action<int> onChunk) { _onChunk = onChunk; }
            public void Begin(long length) { }
            public void Write(ReadOnlySpan<byte> chunk) => _onChunk(chunk.Length);
        }
    }
}
