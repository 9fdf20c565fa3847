using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Scripting;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport.Usb;
using Xunit.Abstractions;

namespace ChdkPtp.Protocol.Tests.Usb
{
    /// <summary>
    /// A test that needs the umockdev-emulated camera of tests/usb-emulation (run the tests under
    /// <c>tests/usb-emulation/emulate.py -- dotnet test ... --filter Category=UsbEmulation</c>); skipped otherwise.
    /// </summary>
    public sealed class EmulatedCameraFactAttribute : FactAttribute
    {
        public EmulatedCameraFactAttribute()
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CHDK_UMOCK_CONTROL")))
                Skip = "Needs the emulated USB camera: run under tests/usb-emulation/emulate.py.";
        }
    }

    /// <summary>The harness's control channel: one command line, one answer line.</summary>
    internal static class Umock
    {
        public static string Control(string command)
        {
            var path = Environment.GetEnvironmentVariable("CHDK_UMOCK_CONTROL");
            using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            s.Connect(new UnixDomainSocketEndPoint(path));
            using var stream = new NetworkStream(s);
            var w = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true };
            var r = new StreamReader(stream, Encoding.UTF8);
            w.Write(command + "\n");
            var answer = r.ReadLine();
            Assert.False(answer == null || answer.StartsWith("error"), $"umock control '{command}': {answer}");
            return answer;
        }

        /// <summary>"plugged bus=1 dev=2 serial=... mode=normal node=/dev/bus/usb/001/002".</summary>
        public static (int Bus, int Dev, string Serial, string Node) Status()
        {
            var s = Control("status");
            Assert.StartsWith("plugged", s);
            string Get(string key) => s.Split(' ').First(w => w.StartsWith(key + "=")).Substring(key.Length + 1);
            return (int.Parse(Get("bus")), int.Parse(Get("dev")), Get("serial"), Get("node"));
        }
    }

    /// <summary>The libusb transport against the emulated camera, end to end (sequential: one camera).</summary>
    [Trait("Category", "UsbEmulation")]
    [Collection("UsbEmulation")]
    public class UsbEmulatedCameraTests : IDisposable
    {
        private readonly ITestOutputHelper _out;

        public UsbEmulatedCameraTests(ITestOutputHelper output)
        {
            _out = output;
        }

        public void Dispose()
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CHDK_UMOCK_CONTROL"))) return;
            Umock.Control("mode normal");
            if (Umock.Control("status").StartsWith("unplugged")) Umock.Control("plug");
        }

        private static UsbCameraInfo TheCamera()
        {
            var st = Umock.Status();
            var list = UsbCameras.List();
            var cam = Assert.Single(list);
            Assert.Equal(st.Bus, cam.Bus);
            Assert.Equal(st.Dev, cam.Address);
            return cam;
        }

        [EmulatedCameraFact]
        public void ListsTheCameraWithItsInterfaceAndPort()
        {
            var st = Umock.Status();
            var cam = TheCamera();
            Assert.Equal(0x04A9, cam.VendorId);
            Assert.Equal(st.Node, cam.DeviceNode);
            Assert.Equal(0, cam.InterfaceNumber);
            Assert.Equal(0, cam.AlternateSetting);
            Assert.Equal(1, cam.ConfigurationValue);
            Assert.Equal($"{st.Bus}-1", cam.PortPath);
            Assert.Contains(UsbCameras.List(null), c => c.Equals(cam));
            Assert.Empty(UsbCameras.List(0x054C)); // Sony: none
            _out.WriteLine(cam.ToString());
        }

        [EmulatedCameraFact]
        public void ProbeReadsDeviceInfoTheChdkVersionAndTheUsbStrings()
        {
            var st = Umock.Status();
            var r = UsbCameras.Probe(TheCamera());
            Assert.True(r.Succeeded, r.Error?.ToString());
            Assert.Equal("Canon Inc.", r.Manufacturer);
            Assert.True(r.HasChdk);
            Assert.Equal(2, r.ChdkVersion.Major);
            Assert.Equal(st.Serial, r.SerialNumber, ignoreCase: true);
            Assert.False(string.IsNullOrEmpty(r.UsbProduct));
            _out.WriteLine($"{r} usb product '{r.UsbProduct}' serial '{r.UsbSerialNumber}'");
        }

        [EmulatedCameraFact]
        public void OpenFindsTheEndpointsAndAnswersTheClassRequests()
        {
            using var t = UsbCameras.Open(TheCamera());
            Assert.Equal(t.Camera.Location, t.Description);
            Assert.NotEqual(0, t.Endpoints.BulkIn & 0x80);
            Assert.Equal(0, t.Endpoints.BulkOut & 0x80);
            Assert.NotEqual(0, t.Endpoints.InterruptIn);
            Assert.Equal(512, t.Endpoints.MaxPacketSize);
            var s = t.GetDeviceStatus();
            Assert.True(s.IsOk, s.ToString());
            Assert.Equal(4, s.Length);
            t.DeviceReset();
            t.ClearStall();
            _out.WriteLine(t.Endpoints.ToString());
        }

        [EmulatedCameraFact]
        public void ConnectRunsVersionAScriptAndMovesFilesOfEverySizeThatNeedsAZeroLengthPacket()
        {
            using var client = UsbCameras.Connect(TheCamera());
            Assert.Equal(2, client.GetVersion().Major);
            var run = ScriptRunner.Run(client, "return 1+2, 'usb'", Array.Empty<object>(), null, default);
            Assert.Equal(new object[] { 3, "usb" }, run.Returns.ToArray());

            // Sizes where the DATA container (12 + payload) is a whole number of 512-byte packets, so the
            // sender must end it with a zero-length packet; and their neighbours. Upload payload = 4 + name + file.
            const string name = "A/USBZLP.BIN";
            int upHead = 4 + name.Length;
            var rnd = new Random(7);
            foreach (int n in new[] { 500, 499, 501, 1012, 512 * 2048 - 12, 512 * 2048 - 12 + 1, 3 * 1024 * 1024 + 500 })
            {
                foreach (int file in new[] { n, n - upHead })
                {
                    if (file <= 0) continue;
                    var data = new byte[file];
                    rnd.NextBytes(data);
                    client.UploadFile(name, new BytesDataSource(data));
                    var sink = new MemoryDataSink();
                    Assert.Equal(file, client.DownloadFile(name, sink));
                    Assert.True(data.AsSpan().SequenceEqual(sink.ToArray()), $"{file} bytes differ after a round trip");
                }
            }
        }

        [EmulatedCameraFact]
        public void A5MiBRoundTripIsByteExact()
        {
            using var client = UsbCameras.Connect(TheCamera());
            var data = new byte[5 * 1024 * 1024];
            new Random(5).NextBytes(data);
            var sw = Stopwatch.StartNew();
            client.UploadFile("A/BIG.BIN", new BytesDataSource(data));
            var up = sw.Elapsed;
            sw.Restart();
            var sink = new MemoryDataSink();
            Assert.Equal(data.Length, client.DownloadFile("A/BIG.BIN", sink));
            var down = sw.Elapsed;
            Assert.True(data.AsSpan().SequenceEqual(sink.ToArray()));

            // No allocation per packet or per transfer: 5 MiB is 10240 packets and 5 one-MiB transfers; what is
            // allocated is per transaction (parameter arrays, the response), a few hundred bytes.
            var discard = new DiscardSink();
            client.DownloadFile("A/BIG.BIN", discard); // warm up
            long before = GC.GetAllocatedBytesForCurrentThread();
            client.DownloadFile("A/BIG.BIN", discard);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(2L * data.Length, discard.Total);
            Assert.True(allocated < 16 * 1024, $"{allocated} bytes allocated for a 5 MiB download");
            _out.WriteLine($"{allocated} bytes allocated on the calling thread for a 5 MiB download");
            _out.WriteLine($"5 MiB up {up.TotalMilliseconds:F0} ms ({5 / up.TotalSeconds:F1} MiB/s), down {down.TotalMilliseconds:F0} ms ({5 / down.TotalSeconds:F1} MiB/s) through the emulation");
        }

        [EmulatedCameraFact]
        public void CancellingAReadThatWouldWaitLongEndsItAndTheTransportStillCloses()
        {
            using var t = UsbCameras.Open(TheCamera(), new UsbOpenOptions { TimeoutMs = 60000 });
            using var cts = new CancellationTokenSource();
            cts.CancelAfter(300);
            var sw = Stopwatch.StartNew();
            // No command was sent: the camera has nothing to say, so only the cancel can end this read.
            Assert.ThrowsAny<OperationCanceledException>(() => t.ReceiveResponse(cts.Token));
            _out.WriteLine($"cancelled after {sw.ElapsedMilliseconds} ms (requested at 300 ms)");
            // The link is still usable for class requests, and it closes cleanly.
            Assert.True(t.GetDeviceStatus().IsOk);
        }

        [EmulatedCameraFact]
        public void AReadThatGetsNothingTimesOutWithTheOperationAndTheTimeout()
        {
            using var t = UsbCameras.Open(TheCamera(), new UsbOpenOptions { TimeoutMs = 400 });
            var e = Assert.Throws<PtpTimeoutException>(() => t.ReceiveResponse(default));
            Assert.Contains("400 ms", e.Message);
            Assert.Contains("reading", e.Message);
            Assert.Contains(t.Camera.Location, e.Message);
        }

        [EmulatedCameraFact]
        public void DisposingFromAnotherThreadEndsABlockedRead()
        {
            var t = UsbCameras.Open(TheCamera(), new UsbOpenOptions { TimeoutMs = 60000 });
            var reader = Task.Run(() => t.ReceiveResponse(default));
            Thread.Sleep(300);
            t.Dispose();
            var e = Assert.ThrowsAny<Exception>(() => reader.GetAwaiter().GetResult());
            Assert.True(e is PtpTransportException, e.ToString());
            Assert.Contains("closed", e.Message);
        }

        [EmulatedCameraFact]
        public void ASecondOpenOfTheSameCameraIsBusy()
        {
            var cam = TheCamera();
            using var first = UsbCameras.Open(cam);
            var e = Assert.Throws<UsbTransportException>(() => UsbCameras.Open(cam));
            Assert.Equal(UsbErrorKind.Busy, e.Kind);
            _out.WriteLine(e.Message);
        }

        [EmulatedCameraFact]
        public void ACameraHeldByAnotherDriverIsBusyWithAdviceAndProbeReportsIt()
        {
            var cam = TheCamera();
            Umock.Control("mode busy");
            var e = Assert.Throws<UsbTransportException>(() => UsbCameras.Open(cam));
            Assert.Equal(UsbErrorKind.Busy, e.Kind);
            Assert.Contains("gio mount -u gphoto2://*", e.Message);
            var r = UsbCameras.Probe(cam);
            Assert.False(r.Succeeded);
            Assert.Equal(UsbErrorKind.Busy, r.ErrorKind);
            _out.WriteLine(e.Message);
            Umock.Control("mode normal");
            Assert.True(UsbCameras.Probe(cam).Succeeded);
        }

        [EmulatedCameraFact]
        public void UnpluggingMidSessionIsNoDeviceAndTheCameraIsFoundAgainOnItsPort()
        {
            var cam = TheCamera();
            var client = UsbCameras.Connect(cam);
            Umock.Control("unplug");
            var e = Assert.ThrowsAny<PtpTransportException>(() => client.GetVersion());
            _out.WriteLine(e.GetType().Name + ": " + e.Message);
            var u = Assert.IsType<UsbTransportException>(e);
            Assert.Equal(UsbErrorKind.NoDevice, u.Kind);
            Assert.Contains("unplugged or switched off", u.Message);
            client.Dispose();
            Assert.Empty(UsbCameras.List());
            var gone = Assert.Throws<UsbTransportException>(() => UsbCameras.Open(cam));
            Assert.Equal(UsbErrorKind.NoDevice, gone.Kind);

            Umock.Control("plug");
            var again = TheCamera();
            Assert.NotEqual(cam.Address, again.Address);
            Assert.Equal(cam.PortPath, again.PortPath);
            // The old info still reaches the camera: same port, vendor and product.
            using var c2 = UsbCameras.Connect(cam);
            Assert.Equal(again.Address, ((UsbCameraTransport)c2.Session.Transport).Camera.Address);
            Assert.Equal(2, c2.GetVersion().Major);
        }

        /// <summary>Calls an action on the first chunk, then counts.</summary>
        private sealed class TriggerSink : IPtpDataSink
        {
            private readonly Action _first;
            public long Total;
            public TriggerSink(Action first) { _first = first; }
            public void Begin(long length) { }
            public void Write(ReadOnlySpan<byte> chunk)
            {
                if (Total == 0) _first();
                Total += chunk.Length;
            }
        }

        private static void PutBigFile(ChdkClient client, string name, int size)
        {
            var data = new byte[size];
            new Random(size).NextBytes(data);
            client.UploadFile(name, new BytesDataSource(data));
        }

        [EmulatedCameraFact]
        public void CancellingADownloadMidDataPhaseEndsItAtOnce()
        {
            var cam = TheCamera();
            var client = UsbCameras.Connect(cam);
            try
            {
                PutBigFile(client, "A/CANCEL.BIN", 24 * 1024 * 1024);
                using var cts = new CancellationTokenSource();
                var sink = new TriggerSink(() => cts.Cancel());
                Assert.ThrowsAny<OperationCanceledException>(() => client.DownloadFile("A/CANCEL.BIN", sink, cts.Token));
                Assert.True(sink.Total < 24 * 1024 * 1024, $"{sink.Total} bytes arrived: the cancel did not stop the download");
                Assert.True(client.Session.IsFaulted);
                _out.WriteLine($"cancelled after {sink.Total} bytes");
            }
            finally
            {
                client.Dispose();
                // The camera still holds the rest of the file for a host that stopped reading. A real camera drops it
                // on the USB reset of the close (Linux default) or the connect retry's Device Reset, as the emulated one
                // does on the Device Reset; the cable is pulled all the same, to leave a clean camera for the other tests.
                Umock.Control("replug gap=0.2");
            }
        }

        [EmulatedCameraFact]
        public void UnpluggingDuringADownloadEndsItWithNoDevice()
        {
            var cam = TheCamera();
            using var client = UsbCameras.Connect(cam);
            PutBigFile(client, "A/UNPLUG.BIN", 24 * 1024 * 1024);
            var sink = new TriggerSink(() => Umock.Control("unplug"));
            var e = Assert.ThrowsAny<PtpTransportException>(() => client.DownloadFile("A/UNPLUG.BIN", sink));
            _out.WriteLine($"{e.GetType().Name} after {sink.Total} bytes: {e.Message}");
            var u = Assert.IsType<UsbTransportException>(e);
            Assert.Equal(UsbErrorKind.NoDevice, u.Kind);
            Assert.True(client.Session.IsFaulted);
        }

        [EmulatedCameraFact]
        public void ASessionLeftOpenIsRecoveredByTheResetRetry()
        {
            var cam = TheCamera();
            // A client that died without CloseSession and without a USB reset.
            var t = UsbCameras.Open(cam, new UsbOpenOptions { ResetOnClose = false });
            var s = new PtpSession(t);
            s.Open(1);
            t.Dispose();

            var noRetry = Assert.Throws<PtpResponseException>(() => UsbCameras.Connect(cam, new UsbOpenOptions { RetryWithReset = false, ResetOnClose = false }));
            Assert.Equal(PtpResponseCode.SessionAlreadyOpen, noRetry.ResponseCode);
            using var client = UsbCameras.Connect(cam);
            Assert.Equal(2, client.GetVersion().Major);
        }
    }

    internal sealed class DiscardSink : IPtpDataSink
    {
        public long Total;
        public void Begin(long length) { }
        public void Write(ReadOnlySpan<byte> chunk) => Total += chunk.Length;
    }

    [CollectionDefinition("UsbEmulation", DisableParallelization = true)]
    public class UsbEmulationCollection { }
}
