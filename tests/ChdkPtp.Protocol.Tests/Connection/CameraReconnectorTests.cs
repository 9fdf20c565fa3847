using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Connection;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Tests.Connection
{
    public class CameraReconnectorTests
    {
        private static readonly CameraIdentity Sx160 = new CameraIdentity("Canon PowerShot SX160 IS", "ABC123", 0x325A);

        /// <summary>Answers with a scripted sequence: an exception to throw, or an identity to connect as.</summary>
        private sealed class ScriptedConnector : ICameraConnector
        {
            private readonly Queue<object> _steps;
            public ScriptedConnector(params object[] steps) { _steps = new Queue<object>(steps); }
            public int Attempts { get; private set; }
            public string Description => "usb:1-1.2";
            public CameraConnection Connect(CancellationToken cancel)
            {
                Attempts++;
                var step = _steps.Count > 1 ? _steps.Dequeue() : _steps.Peek();
                if (step is Exception e) throw e;
                return new CameraConnection(null, (CameraIdentity)step, "usb:001/009");
            }
        }

        private static ReconnectPolicy Quick(double timeoutSeconds = 5) => new ReconnectPolicy
        {
            SettleDelay = TimeSpan.Zero,
            RetryInterval = TimeSpan.FromMilliseconds(10),
            Timeout = TimeSpan.FromSeconds(timeoutSeconds),
        };

        [Fact]
        public void WaitsUntilTheCameraAnswersThenAcceptsTheSameCamera()
        {
            var gone = new PtpTransportException("no device");
            var c = new ScriptedConnector(gone, gone, new PtpTimeoutException("still booting"), new CameraIdentity("Canon PowerShot SX160 IS", "abc123", 0x325A));
            var messages = new List<string>();
            var connection = CameraReconnector.Reconnect(c, Sx160, Quick(), messages.Add, CancellationToken.None);
            Assert.Equal(4, c.Attempts);
            Assert.Equal("usb:001/009", connection.Location);
            Assert.Equal(4, messages.Count); // three failed attempts and the success
            Assert.Contains("attempt 4", messages[3]);
        }

        [Theory]
        [InlineData("Canon PowerShot A720 IS", "ABC123", 0x325A, "model")]
        [InlineData("Canon PowerShot SX160 IS", "XYZ999", 0x325A, "serial number")]
        [InlineData("Canon PowerShot SX160 IS", "ABC123", 0x3260, "product id")]
        public void RefusesADifferentCameraAtOnce(string model, string serial, int pid, string difference)
        {
            var c = new ScriptedConnector(new CameraIdentity(model, serial, (ushort)pid));
            var ex = Assert.Throws<ChdkReconnectException>(() => CameraReconnector.Reconnect(c, Sx160, Quick(), null, CancellationToken.None));
            Assert.Equal(ReconnectFailure.DifferentCamera, ex.Reason);
            Assert.Contains(difference, ex.Message);
            Assert.Equal(1, c.Attempts); // waiting longer would not turn it into the right camera
        }

        [Fact]
        public void AProductIdUnknownOnOneSideIsNoDifference()
        {
            // PTP/IP carries no USB product id.
            Assert.Null(new CameraIdentity("M", "S", null).Difference(new CameraIdentity("M", "S", 0x1234)));
            Assert.NotNull(new CameraIdentity("M", "S", null).Difference(new CameraIdentity("M", "T", null)));
            Assert.Equal(new CameraIdentity("M", "s", 1), new CameraIdentity("M", "S", 1));
        }

        [Fact]
        public void GivesUpAfterTheTimeoutWithTheLastError()
        {
            var c = new ScriptedConnector(new PtpTransportException("LIBUSB_ERROR_NO_DEVICE"));
            var sw = Stopwatch.StartNew();
            var ex = Assert.Throws<ChdkReconnectException>(() => CameraReconnector.Reconnect(c, Sx160, Quick(0.3), null, CancellationToken.None));
            Assert.Equal(ReconnectFailure.DidNotReturn, ex.Reason);
            Assert.Contains("LIBUSB_ERROR_NO_DEVICE", ex.Message);
            Assert.True(c.Attempts >= 2);
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5));
        }

        [Fact]
        public void ACameraWithoutChdkYetIsWaitedFor()
        {
            var c = new ScriptedConnector(new ChdkNotDetectedException("Canon PowerShot SX160 IS"), Sx160);
            CameraReconnector.Reconnect(c, Sx160, Quick(), null, CancellationToken.None);
            Assert.Equal(2, c.Attempts);
        }

        [Fact]
        public void OtherFailuresAreNotSwallowed()
        {
            var c = new ScriptedConnector(new InvalidOperationException("bug"));
            Assert.Throws<InvalidOperationException>(() => CameraReconnector.Reconnect(c, Sx160, Quick(), null, CancellationToken.None));
        }

        [Fact]
        public void CancellationEndsTheWaitPromptly()
        {
            var c = new ScriptedConnector(new PtpTransportException("gone"));
            var policy = Quick(60);
            policy.SettleDelay = TimeSpan.FromSeconds(30);
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            var sw = Stopwatch.StartNew();
            Assert.ThrowsAny<OperationCanceledException>(() => CameraReconnector.Reconnect(c, Sx160, policy, null, cts.Token));
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), sw.Elapsed.ToString());
            Assert.Equal(0, c.Attempts);
        }
    }
}
