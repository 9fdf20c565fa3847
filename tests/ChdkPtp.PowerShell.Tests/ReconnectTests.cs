using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;

namespace ChdkPtp.PowerShell.Tests
{
    /// <summary>Reconnection against an in-process simulator whose cable is pulled and plugged back.</summary>
    public class ReconnectTests : IDisposable
    {
        private readonly PsHost _h = new PsHost();
        private readonly string _card;

        public ReconnectTests()
        {
            _card = (string)_h.Run("$s = Connect-ChdkCamera -Simulator; $s.SimulatorRoot").AssertClean().Values.Single();
            var folder = Path.Combine(_card, "DCIM", "100CANON");
            Directory.CreateDirectory(folder);
            for (int i = 1; i <= 4; i++) File.WriteAllBytes(Path.Combine(folder, $"IMG_000{i}.JPG"), Enumerable.Range(0, 300_000 + i).Select(b => (byte)(b * i)).ToArray());
        }

        public void Dispose() => _h.Dispose();

        private object Prop(string name) => _h.Run("$s." + name).Values.Single();

        [Fact]
        public void WithoutAutoReconnectALostLinkEndsTheCommandAndConnectSessionReconnectsInPlace()
        {
            var r = _h.Run("$s.Simulator.Unplug(); Invoke-ChdkLua 'return 1'");
            Assert.StartsWith("ChdkConnectionLost,", r.ErrorIds);
            Assert.Equal(false, Prop("IsConnected"));
            r = _h.Run("Get-ChdkItem A/");
            Assert.StartsWith("ChdkSessionClosed,", r.ErrorIds);

            r = _h.Run("$s.Simulator.PlugIn(); $again = Connect-ChdkCamera -Session $s -ReconnectTimeout 10; [object]::ReferenceEquals($again, $s); Invoke-ChdkLua 'return 6*7'").AssertClean();
            Assert.Equal(new object[] { true, 42L }, r.Values.Select(v => v is int i ? (long)i : v).ToArray());
            Assert.Equal(1, Prop("ReconnectCount"));
            Assert.IsType<DateTime>(Prop("LastReconnectAt"));
        }

        [Fact]
        public void ADownloadCarriesOnAcrossAnUnplugWithAutoReconnect()
        {
            _h.Run("Connect-ChdkCamera -Session $s -AutoReconnect -ReconnectTimeout 20 | Out-Null").AssertClean();
            // The cable is pulled as the second file comes down the pipeline, and plugged back 1 s later.
            var r = _h.Run("Get-ChdkItem A/DCIM/100CANON | ForEach-Object { if ($_.Name -eq 'IMG_0002.JPG') { $s.Simulator.UnplugFor([TimeSpan]::FromSeconds(1)) }; $_ } | Receive-ChdkFile -Destination got -PassThru");
            r.AssertClean();
            Assert.Equal(4, r.Output.Count);
            foreach (var f in Directory.GetFiles(Path.Combine(_card, "DCIM", "100CANON")))
                Assert.Equal(File.ReadAllBytes(f), File.ReadAllBytes(Path.Combine(_h.WorkDir, "got", Path.GetFileName(f))));
            Assert.Contains(r.Warnings, w => w.Message.Contains("Lost the camera during the download of A/DCIM/100CANON/IMG_0002.JPG"));
            Assert.Contains(r.Warnings, w => w.Message.Contains("reconnected to Canon PowerShot SX160 IS"));
            Assert.Equal(2, Prop("ReconnectCount")); // the -Session reconnect above, and this one
            Assert.Empty(Directory.GetFiles(Path.Combine(_h.WorkDir, "got"), "*.chdkpart", SearchOption.AllDirectories));
        }

        [Fact]
        public void AnOperationThatIsNotSafeToRepeatFailsWithChdkNotRetriedAndTheSessionWorksAfterwards()
        {
            var r = _h.Run("Connect-ChdkCamera -Simulator -SimulatorRoot ./b -AutoReconnect -ReconnectTimeout 20 | Out-Null; $b = Get-ChdkCamera -Default; $b.Simulator.UnplugFor([TimeSpan]::FromSeconds(0.5)); Invoke-ChdkLua 'return 1' -Session $b");
            Assert.StartsWith("ChdkNotRetried,", r.ErrorIds);
            Assert.Contains("was not repeated", r.Errors[0].ToString());
            Assert.Equal("ChdkReconnectException", r.Errors[0].Exception.GetType().Name);
            r = _h.Run("Invoke-ChdkLua 'return 2' -Session $b; $b.IsConnected").AssertClean();
            Assert.Equal(new object[] { 2, true }, r.Values);
        }

        [Fact]
        public void AFailedSessionIsReconnectedBeforeTheNextCommand()
        {
            var r = _h.Run("$c = Connect-ChdkCamera -Simulator -SimulatorRoot ./c -AutoReconnect -ReconnectTimeout 1; $c.Simulator.Unplug(); Invoke-ChdkLua 'return 1' -Session $c; $c.IsConnected");
            Assert.StartsWith("ChdkReconnectFailed,", r.ErrorIds); // the camera stayed away longer than -ReconnectTimeout
            Assert.Equal(false, r.Values.Last());
            r = _h.Run("$c.Simulator.PlugIn(); Get-ChdkItem A/ -Session $c");
            Assert.Contains(r.Warnings, w => w.Message.Contains("lost its camera earlier"));
            r.AssertClean();
            Assert.NotEmpty(r.Output);
        }

        [Fact]
        public void ADifferentCameraIsRefusedAndTheSessionStaysDisconnected()
        {
            var r = _h.Run("$s.Simulator.Unplug(); $s.Simulator.Camera.Options.SerialNumber = 'ANOTHER0001'; $s.Simulator.PlugIn(); Connect-ChdkCamera -Session $s -ReconnectTimeout 5");
            var record = Assert.Single(r.Errors);
            Assert.StartsWith("ChdkDifferentCamera,", record.FullyQualifiedErrorId);
            Assert.Contains("ANOTHER0001", record.ToString());
            Assert.Equal(false, Prop("IsConnected"));
        }

        [Fact]
        public void ACameraThatDoesNotComeBackIsReportedAfterTheTimeout()
        {
            var sw = Stopwatch.StartNew();
            var r = _h.Run("$s.Simulator.Unplug(); Connect-ChdkCamera -Session $s -ReconnectTimeout 1.5");
            var record = Assert.Single(r.Errors);
            Assert.StartsWith("ChdkReconnectFailed,", record.FullyQualifiedErrorId);
            Assert.Contains("did not come back within 1.5 s", record.ToString());
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30));
        }

        [Fact]
        public void ADisconnectedSessionCannotBeReconnected()
        {
            var r = _h.Run("Disconnect-ChdkCamera $s; Connect-ChdkCamera -Session $s");
            Assert.StartsWith("ChdkSessionClosed,", r.ErrorIds);
        }

        [Fact]
        public void StopEndsAReconnectWaitWithinASecond()
        {
            var (ps, pending) = _h.Begin("$s.Simulator.Unplug(); Connect-ChdkCamera -Session $s -ReconnectTimeout 120");
            System.Threading.Thread.Sleep(800);
            var sw = Stopwatch.StartNew();
            ps.Stop();
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1.5), sw.Elapsed.ToString());
            Assert.True(pending.IsCompleted);
            ps.Dispose();
        }

        [Fact]
        public void ATimelapseWithAutoReconnectGoesOnAfterTheCameraComesBack()
        {
            _h.Run("Set-ChdkCameraMode Record; Connect-ChdkCamera -Session $s -AutoReconnect -ReconnectTimeout 20 | Out-Null").AssertClean();
            var r = _h.Run("Start-ChdkTimelapse -Interval 0.5 -Count 8 -Destination './t/{Sequence}{Extension}' -StatePath ./t.state | ForEach-Object { if ($_.Sequence -eq 2) { $s.Simulator.UnplugFor([TimeSpan]::FromSeconds(0.5)) }; $_ }");
            Assert.Null(r.Terminating);
            Assert.Contains(r.Warnings, w => w.Message.Contains("the series goes on"));
            // The shot the camera was lost in failed (and is counted missed); the series went on after the reconnect.
            Assert.InRange(r.Output.Count, 3, 7);
            Assert.Contains(r.Output, o => (int)o.Properties["Sequence"].Value > 2);
            var state = File.ReadAllText(Path.Combine(_h.WorkDir, "t.state"));
            Assert.Contains("next=8", state);
        }
    }
}
