using System;
using System.IO;
using System.Linq;
using System.Text;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Scripting;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Simulator.Tests.Conformance
{
    /// <summary>The client's version gates and script loop against cameras of several protocol versions.</summary>
    public class ClientTests
    {
        private static ChdkClient Connect(InProcessSimulator sim) => ChdkClient.Connect(sim.CreateTransport());

        [Fact]
        public void ConnectReadsDeviceInfoAndVersion()
        {
            using var sim = new InProcessSimulator();
            using var c = Connect(sim);
            Assert.Equal(new Version(2, 9), c.ProtocolVersion);
            Assert.Equal(sim.Camera.Options.SerialNumber, c.DeviceInfo.SerialNumber);
            Assert.True(c.Session.IsOpen);
        }

        [Theory]
        [InlineData(2, "Live view")]
        [InlineData(4, "Remote capture")]
        public void FeaturesAreGatedAsChdkptpGatesThem(int minor, string feature)
        {
            using var sim = new InProcessSimulator(new SimulatorOptions { ProtocolMinor = minor });
            using var c = Connect(sim);
            var ex = Assert.Throws<ChdkVersionException>(() =>
            {
                if (feature == "Live view") c.GetDisplayData(LiveViewFlags.Viewport);
                else c.RemoteCaptureIsReady();
            });
            Assert.Contains($"2.{minor}", ex.Message);
            Assert.Equal(feature, ex.Feature);
        }

        [Fact]
        public void PreFlagCamerasStillRunScriptsAndRefuseToClobberByDefault()
        {
            using var sim = new InProcessSimulator(new SimulatorOptions { ProtocolMinor = 5 });
            using var c = Connect(sim);
            Assert.Throws<ChdkVersionException>(() => c.ExecuteScript("return 1", ExecuteScriptFlags.Default));
            Assert.Equal(new object[] { 7 }, ScriptRunner.Run(c, "return 7", Array.Empty<object>(), null, default).Returns);
            ScriptRunner.Start(c, "sleep(3000)", Array.Empty<object>(), killRunning: false);
            Assert.Throws<ChdkScriptRunningException>(() => ScriptRunner.Start(c, "return 1", Array.Empty<object>(), killRunning: false));
            Assert.Equal(new object[] { 8 }, ScriptRunner.Run(c, "return 8", Array.Empty<object>(), new ScriptRunOptions { KillRunning = true }, default).Returns);
            Assert.Throws<ChdkVersionException>(() => c.GetMemory(0x1900, 4, buffered: true));
        }

        [Fact]
        public void CameraWithoutChdkIsDetected()
        {
            using var sim = new InProcessSimulator(new SimulatorOptions { ChdkInstalled = false });
            var ex = Assert.Throws<ChdkNotDetectedException>(() => Connect(sim));
            Assert.Contains("CHDK", ex.Message);
            // And the wire says so: no 0x9999 in DeviceInfo, OperationNotSupported if sent anyway.
            using var raw = new RawCamera(new SimulatorOptions { ChdkInstalled = false });
            Assert.DoesNotContain((ushort)0x9999, raw.Session.GetDeviceInfo().OperationsSupported);
            Assert.Equal(PtpResponseCode.OperationNotSupported, raw.Chdk(0).R.Code);
        }

        [Fact]
        public void ScriptRunnerRoutesMessagesAndCollectsReturns()
        {
            using var sim = new InProcessSimulator();
            using var c = Connect(sim);
            var user = new System.Collections.Generic.List<object>();
            var r = ScriptRunner.Run(c, "write_usb_msg('a') write_usb_msg({x=1}) return {1,2}, nil, 'z'", Array.Empty<object>(),
                new ScriptRunOptions { UserMessage = (m, v) => user.Add(v) }, default);
            Assert.Equal("a", user[0]);
            Assert.Equal(1, ((LuaRecord)user[1])["x"]);
            Assert.Equal(new object[] { 1, 2 }, (object[])r.Returns[0]);
            Assert.Null(r.Returns[1]);
            Assert.Equal("z", r.Returns[2]);
        }

        [Fact]
        public void MessagesOfAnotherScriptAreDroppedWithAWarning()
        {
            using var sim = new InProcessSimulator();
            using var c = Connect(sim);
            uint first = ScriptRunner.Start(c, "write_usb_msg('old') sleep(2000)", Array.Empty<object>(), false);
            System.Threading.Thread.Sleep(200);
            // Kill without flushing: the old message stays queued with the old id.
            c.ExecuteScript("return 5", ExecuteScriptFlags.None);
            var warnings = new System.Collections.Generic.List<string>();
            var r = ScriptRunner.Wait(c, first + 1, new ScriptRunOptions { Warning = warnings.Add }, default);
            Assert.Equal(new object[] { 5 }, r.Returns);
            Assert.Contains(warnings, w => w.Contains($"script {first}"));
        }

        [Fact]
        public void HostileUploadNamesAreRefusedAndWriteNothingOutsideTheCard()
        {
            using var sim = new InProcessSimulator();
            using var c = Connect(sim);
            var outside = Path.Combine(Path.GetDirectoryName(sim.Camera.CardRoot), "escaped-" + Guid.NewGuid().ToString("N"));
            foreach (var name in new[] { "A/../" + Path.GetFileName(outside), "/etc/x", "A/NUL", "A/a:b", "B/X.TXT" })
            {
                var ex = Assert.Throws<PtpResponseException>(() => c.UploadFile(name, new BytesDataSource(new byte[] { 1 })));
                Assert.Equal(PtpResponseCode.GeneralError, ex.ResponseCode);
            }
            Assert.False(File.Exists(outside));
            // A NUL ends the name, as CHDK copies name_len bytes and NUL-terminates.
            c.UploadFile("A/X\0../../Y", new BytesDataSource(new byte[] { 1 }));
            Assert.True(File.Exists(Path.Combine(sim.Camera.CardRoot, "X")));
            Assert.Equal(new object[] { 1 }, ScriptRunner.Run(c, "return 1", Array.Empty<object>(), null, default).Returns);
        }

        [Fact]
        public void LargeMemoryReadStreamsThroughTheFraming()
        {
            using var sim = new InProcessSimulator();
            using var c = Connect(sim);
            var data = Enumerable.Range(0, 3 * 1024 * 1024 + 5).Select(i => (byte)(i ^ (i >> 8))).ToArray();
            sim.Camera.Memory.Write(0x100000, data);
            Assert.Equal(data, c.GetMemory(0x100000, data.Length));
        }
    }
}
