using System;
using System.Collections.Generic;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport;
using ChdkPtp.Protocol.Transport.Usb;

namespace ChdkPtp.Protocol.Tests.Usb
{
    /// <summary>A camera behind a fake USB transport; every step goes into a shared log.</summary>
    internal sealed class FakeUsbCamera : IPtpTransport, IUsbClassRequests
    {
        private readonly List<string> _log;
        private readonly int _n;
        private PtpCommand _current;

        public FakeUsbCamera(List<string> log, int n) { _log = log; _n = n; }

        /// <summary>What OpenSession does: null answers OK, else this throws or answers.</summary>
        public Func<PtpResponse> OnOpenSession;
        public bool Chdk = true;
        public bool StatusFails;
        public bool ResetFails;

        public string Description => "fake" + _n;

        public void SendCommand(PtpCommand command, bool hasDataOut, CancellationToken cancel)
        {
            cancel.ThrowIfCancellationRequested();
            _current = command;
            _log.Add($"{_n}:cmd {command.Code:X4} tid {command.TransactionId}");
        }

        public void SendData(ushort code, uint transactionId, IPtpDataSource source, CancellationToken cancel) => throw new NotSupportedException();

        public PtpResponse? ReceiveDataOrResponse(ushort code, uint transactionId, IPtpDataSink sink, CancellationToken cancel)
        {
            if (code != PtpOperation.GetDeviceInfo) throw new NotSupportedException();
            var info = new DeviceInfo
            {
                Manufacturer = "Canon Inc.", Model = "Canon PowerShot Fake", SerialNumber = "ABC",
                OperationsSupported = Chdk ? new ushort[] { 0x1001, 0x1002, 0x1003, 0x9999 } : new ushort[] { 0x1001, 0x1002, 0x1003 },
            }.ToBytes();
            sink.Begin(info.Length);
            sink.Write(info);
            return null;
        }

        public PtpResponse ReceiveResponse(CancellationToken cancel)
        {
            var c = _current;
            if (c.Code == PtpOperation.OpenSession && OnOpenSession != null) return OnOpenSession();
            if (c.Code == PtpOperation.Chdk) return new PtpResponse(PtpResponseCode.OK, c.TransactionId, new uint[] { 2, 9 });
            return new PtpResponse(PtpResponseCode.OK, c.TransactionId, Array.Empty<uint>());
        }

        public void DeviceReset(CancellationToken cancel = default)
        {
            _log.Add($"{_n}:reset 0x66");
            if (ResetFails) throw new UsbTransportException(UsbErrorKind.Stall, "refused");
        }

        public UsbDeviceStatus GetDeviceStatus(CancellationToken cancel = default)
        {
            _log.Add($"{_n}:status 0x67");
            if (StatusFails) throw new PtpTimeoutException("no status");
            return new UsbDeviceStatus(4, PtpResponseCode.OK);
        }

        public void ClearStall(CancellationToken cancel = default) => _log.Add($"{_n}:clear");

        public void Dispose() => _log.Add($"{_n}:close");
    }

    internal sealed class FakeOpener : IUsbCameraOpener
    {
        public readonly List<string> Log = new List<string>();
        public readonly List<FakeUsbCamera> Opened = new List<FakeUsbCamera>();
        public Action<FakeUsbCamera> Setup = _ => { };
        public Func<int, Exception> OpenFails = _ => null;
        public readonly List<UsbOpenOptions> Options = new List<UsbOpenOptions>();

        public IPtpTransport Open(UsbCameraInfo camera, UsbOpenOptions options, CancellationToken cancel)
        {
            Options.Add(options);
            int n = Opened.Count + 1;
            Log.Add($"{n}:open {camera.Location}");
            var e = OpenFails(n);
            if (e != null) { Opened.Add(null); throw e; }
            var cam = new FakeUsbCamera(Log, n);
            Setup(cam);
            Opened.Add(cam);
            return cam;
        }
    }

    public class UsbConnectorTests
    {
        private static readonly UsbCameraInfo Cam = new UsbCameraInfo(1, 4, "1-1", 0x04A9, 0x325A, 0, 0, 1);

        private static Func<PtpResponse> Answer(PtpResponseCode code) => () => new PtpResponse(code, 0, Array.Empty<uint>());

        [Fact]
        public void AGoodCameraConnectsAtTheFirstTry()
        {
            var o = new FakeOpener();
            using (var client = UsbConnector.Connect(o, Cam, null, default))
            {
                Assert.Equal(new Version(2, 9), client.ProtocolVersion);
                Assert.Equal("Canon PowerShot Fake", client.DeviceInfo.Model);
            }
            Assert.Equal(new[]
            {
                "1:open usb:001/004", "1:cmd 1002 tid 0", "1:cmd 1001 tid 1", "1:cmd 9999 tid 2",
                "1:cmd 1003 tid 3", "1:close",
            }, o.Log);
        }

        [Fact]
        public void AFailedOpenSessionIsRetriedAfterResetStatusAndReopen()
        {
            var o = new FakeOpener();
            o.Setup = c => { if (o.Opened.Count == 0) c.OnOpenSession = Answer(PtpResponseCode.SessionAlreadyOpen); };
            using (var client = UsbConnector.Connect(o, Cam, null, default))
                Assert.Equal(2, client.ProtocolMajor);
            Assert.Equal(new[]
            {
                "1:open usb:001/004", "1:cmd 1002 tid 0", "1:reset 0x66", "1:status 0x67", "1:close",
                "2:open usb:001/004", "2:cmd 1002 tid 0", "2:cmd 1001 tid 1", "2:cmd 9999 tid 2",
                "2:cmd 1003 tid 3", "2:close",
            }, o.Log);
        }

        [Fact]
        public void ALinkFailureOnOpenSessionIsRetriedTooAndFailingClassRequestsDoNotStopTheRetry()
        {
            var o = new FakeOpener();
            o.Setup = c =>
            {
                if (o.Opened.Count > 0) return;
                c.OnOpenSession = () => throw new PtpTimeoutException("no answer");
                c.ResetFails = true;
                c.StatusFails = true;
            };
            using var client = UsbConnector.Connect(o, Cam, null, default);
            Assert.Equal(new[] { "1:open usb:001/004", "1:cmd 1002 tid 0", "1:reset 0x66", "1:status 0x67", "1:close", "2:open usb:001/004" },
                o.Log.GetRange(0, 6));
        }

        [Fact]
        public void ASecondFailureSurfacesWithBothReasons()
        {
            var o = new FakeOpener();
            o.Setup = c =>
            {
                if (o.Opened.Count == 0) c.OnOpenSession = Answer(PtpResponseCode.SessionAlreadyOpen);
                else c.OnOpenSession = () => throw new PtpTimeoutException("The camera at usb:001/004 did not complete reading within 5000 ms.");
            };
            var e = Assert.Throws<UsbTransportException>(() => UsbConnector.Connect(o, Cam, null, default));
            Assert.Equal(UsbErrorKind.Timeout, e.Kind);
            Assert.IsType<PtpTimeoutException>(e.InnerException);
            Assert.Contains("usb:001/004", e.Message);
            Assert.Contains("even after a USB device reset", e.Message);
            Assert.Contains("SessionAlreadyOpen", e.Message);
            Assert.Contains("5000 ms", e.Message);
            Assert.Equal("2:close", o.Log[^1]);
            Assert.Equal(2, o.Log.FindAll(l => l.EndsWith(":close")).Count);
            Assert.Single(o.Log, l => l.Contains("reset"));
        }

        [Fact]
        public void ASecondUsbFailureKeepsItsKind()
        {
            var o = new FakeOpener();
            o.Setup = c => c.OnOpenSession = o.Opened.Count == 0
                ? Answer(PtpResponseCode.GeneralError)
                : () => throw new UsbTransportException(UsbErrorKind.NoDevice, "gone", -4, "usb:001/004");
            var e = Assert.Throws<UsbTransportException>(() => UsbConnector.Connect(o, Cam, null, default));
            Assert.Equal(UsbErrorKind.NoDevice, e.Kind);
            Assert.Equal(-4, e.LibUsbError);
        }

        [Fact]
        public void AReopenThatFailsSurfacesAsItIs()
        {
            var o = new FakeOpener();
            o.Setup = c => c.OnOpenSession = Answer(PtpResponseCode.GeneralError);
            var gone = new UsbTransportException(UsbErrorKind.NoDevice, "the camera was unplugged or switched off");
            o.OpenFails = n => n == 2 ? gone : null;
            var e = Assert.Throws<UsbTransportException>(() => UsbConnector.Connect(o, Cam, null, default));
            Assert.Same(gone, e);
            Assert.Equal(new[] { "1:open usb:001/004", "1:cmd 1002 tid 0", "1:reset 0x66", "1:status 0x67", "1:close", "2:open usb:001/004" }, o.Log);
        }

        [Fact]
        public void WithoutRetryTheFirstFailureSurfaces()
        {
            var o = new FakeOpener();
            o.Setup = c => c.OnOpenSession = Answer(PtpResponseCode.SessionAlreadyOpen);
            var e = Assert.Throws<PtpResponseException>(() => UsbConnector.Connect(o, Cam, new UsbOpenOptions { RetryWithReset = false }, default));
            Assert.Equal(PtpResponseCode.SessionAlreadyOpen, e.ResponseCode);
            Assert.Equal(new[] { "1:open usb:001/004", "1:cmd 1002 tid 0", "1:close" }, o.Log);
        }

        [Fact]
        public void CancellationIsNotRetried()
        {
            var o = new FakeOpener();
            using var cts = new CancellationTokenSource();
            o.Setup = c => c.OnOpenSession = () => { cts.Cancel(); cts.Token.ThrowIfCancellationRequested(); return default; };
            Assert.ThrowsAny<OperationCanceledException>(() => UsbConnector.Connect(o, Cam, null, cts.Token));
            Assert.Equal(new[] { "1:open usb:001/004", "1:cmd 1002 tid 0", "1:close" }, o.Log);
        }

        [Fact]
        public void ACameraWithoutChdkIsNotDetectedAndClosed()
        {
            var o = new FakeOpener { Setup = c => c.Chdk = false };
            Assert.Throws<ChdkNotDetectedException>(() => UsbConnector.Connect(o, Cam, null, default));
            Assert.Equal(new[] { "1:open usb:001/004", "1:cmd 1002 tid 0", "1:cmd 1001 tid 1", "1:cmd 1003 tid 2", "1:close" }, o.Log);
        }

        [Fact]
        public void ProbeReadsDeviceInfoAndTheChdkVersionAndClosesTheSession()
        {
            var o = new FakeOpener();
            var r = UsbConnector.Probe(o, Cam, null, default);
            Assert.True(r.Succeeded);
            Assert.Null(r.ErrorKind);
            Assert.Equal("Canon PowerShot Fake", r.Model);
            Assert.Equal("Canon Inc.", r.Manufacturer);
            Assert.Equal("ABC", r.SerialNumber);
            Assert.True(r.HasChdk);
            Assert.Equal(new Version(2, 9), r.ChdkVersion);
            Assert.Same(Cam, r.Camera);
            Assert.Equal(new[] { "1:open usb:001/004", "1:cmd 1002 tid 0", "1:cmd 1001 tid 1", "1:cmd 9999 tid 2", "1:cmd 1003 tid 3", "1:close" }, o.Log);
        }

        [Fact]
        public void ProbeNeverResetsTheCameraOnClose()
        {
            var o = new FakeOpener();
            UsbConnector.Probe(o, Cam, new UsbOpenOptions { ResetOnClose = true, TimeoutMs = 1234 }, default);
            UsbConnector.Probe(o, Cam, null, default); // the default resets on Linux
            Assert.All(o.Options, x => Assert.False(x.ResetOnClose));
            Assert.Equal(1234, o.Options[0].TimeoutMs);
        }

        [Fact]
        public void ProbeOfACameraWithoutChdkDoesNotAskForTheVersion()
        {
            var o = new FakeOpener { Setup = c => c.Chdk = false };
            var r = UsbConnector.Probe(o, Cam, null, default);
            Assert.True(r.Succeeded);
            Assert.False(r.HasChdk);
            Assert.Null(r.ChdkVersion);
            Assert.DoesNotContain(o.Log, l => l.Contains("9999"));
        }

        [Fact]
        public void ProbeCapturesErrorsInsteadOfThrowing()
        {
            var o = new FakeOpener();
            var busy = new UsbTransportException(UsbErrorKind.Busy, "in use by gvfs");
            o.OpenFails = _ => busy;
            var r = UsbConnector.Probe(o, Cam, null, default);
            Assert.False(r.Succeeded);
            Assert.Same(busy, r.Error);
            Assert.Equal(UsbErrorKind.Busy, r.ErrorKind);
            Assert.Null(r.Model);
            Assert.Contains("Busy", r.ToString());

            var t = new FakeOpener { Setup = c => c.OnOpenSession = () => throw new PtpTimeoutException("slow") };
            var rt = UsbConnector.Probe(t, Cam, new UsbOpenOptions { RetryWithReset = false }, default);
            Assert.Equal(UsbErrorKind.Timeout, rt.ErrorKind);
            Assert.Equal(new[] { "1:open usb:001/004", "1:cmd 1002 tid 0", "1:close" }, t.Log);
        }

        [Fact]
        public void ProbeDoesNotSwallowCancellation()
        {
            var o = new FakeOpener();
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            Assert.ThrowsAny<OperationCanceledException>(() => UsbConnector.Probe(o, Cam, null, cts.Token));
        }

        [Fact]
        public void ClientConnectOnAnOpenSessionContinuesTheSequence()
        {
            var log = new List<string>();
            var s = new PtpSession(new FakeUsbCamera(log, 1));
            s.Open();
            using (var client = ChdkClient.Connect(s))
                Assert.Same(s, client.Session);
            Assert.Equal(new[] { "1:cmd 1002 tid 0", "1:cmd 1001 tid 1", "1:cmd 9999 tid 2", "1:cmd 1003 tid 3", "1:close" }, log);
        }

        [Fact]
        public void ClientConnectRefusesASessionThatIsNotOpenAndDisposesIt()
        {
            var log = new List<string>();
            var s = new PtpSession(new FakeUsbCamera(log, 1));
            Assert.Throws<ArgumentException>(() => ChdkClient.Connect(s));
            Assert.Equal(new[] { "1:close" }, log);
            Assert.Throws<ArgumentNullException>(() => ChdkClient.Connect((PtpSession)null));
        }

        [Fact]
        public void UsbOpenOptionsRefuseANonPositiveTimeout()
        {
            Assert.Equal(5000, new UsbOpenOptions().TimeoutMs);
            Assert.Throws<ArgumentOutOfRangeException>(() => new UsbOpenOptions { TimeoutMs = 0 });
            Assert.Throws<ArgumentOutOfRangeException>(() => new UsbOpenOptions { TimeoutMs = -1 });
        }
    }
}
