using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace ChdkPtp.PowerShell.Tests
{
    /// <summary>
    /// Connect-ChdkCamera -HostName against a PTP/IP simulator (Start-ChdkSimulator) as a user runs it, and
    /// reconnection when the "camera" (the server) goes away and comes back: stopped and started again, or
    /// replaced by another camera on the same port.
    /// </summary>
    [Collection(SimulatorServerCollection.Name)]
    public class NetworkReconnectTests : IDisposable
    {
        private const string Serial = "00112233445566778899AABBCCDDEEFF";
        private readonly PsHost _h = new PsHost();
        private readonly object _server; // ChdkPtp.ChdkSimulatorServer (the module's type: reached by reflection)
        private readonly int _port;
        private readonly string _card;

        public NetworkReconnectTests()
        {
            var r = _h.Run($"$srv = Start-ChdkSimulator -Port 0 -SimulatorRoot ./card -SimulatorOptions @{{ SerialNumber = '{Serial}' }}; $srv; $srv.Port; $srv.SimulatorRoot").AssertClean();
            _server = r.Values[0];
            _port = (int)r.Values[1];
            _card = (string)r.Values[2];
            var folder = Path.Combine(_card, "DCIM", "100CANON");
            Directory.CreateDirectory(folder);
            for (int i = 1; i <= 4; i++) File.WriteAllBytes(Path.Combine(folder, $"IMG_000{i}.JPG"), Enumerable.Range(0, 200_000 + i).Select(b => (byte)(b * i + 1)).ToArray());
        }

        public void Dispose()
        {
            _h.Run("Get-ChdkCamera | Disconnect-ChdkCamera; Stop-ChdkSimulator -All");
            _h.Dispose();
        }

        private bool ServerRunning => (bool)_server.GetType().GetProperty("IsRunning").GetValue(_server);

        /// <summary>The PtpIpServer behind Start-ChdkSimulator's object: Stop() closes its connections, Start() puts it
        /// back on its port.</summary>
        private void Server(string method)
        {
            var ptpip = _server.GetType().GetProperty("Server").GetValue(_server);
            ptpip.GetType().GetMethod(method, Type.EmptyTypes).Invoke(ptpip, null);
        }

        /// <summary>Once the server is stopped (by the script, or here as soon as <paramref name="stopWhen"/> holds),
        /// starts it again <paramref name="downtime"/> later: the camera comes back while the command waits for it.</summary>
        private Task RestartAfterStop(TimeSpan downtime, Func<bool> stopWhen = null) => Task.Run(() =>
        {
            var clock = Stopwatch.StartNew();
            while (ServerRunning && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                if (stopWhen != null && stopWhen()) Server("Stop");
                else Thread.Sleep(1);
            }
            Assert.False(ServerRunning, "the server was never stopped");
            Thread.Sleep(downtime);
            Server("Start");
        });

        private void AssertSameFiles(string localFolder)
        {
            foreach (var f in Directory.GetFiles(Path.Combine(_card, "DCIM", "100CANON")))
                Assert.Equal(File.ReadAllBytes(f), File.ReadAllBytes(Path.Combine(_h.WorkDir, localFolder, Path.GetFileName(f))));
        }

        [Fact]
        public void Connect_by_host_and_port_is_a_PTP_IP_session_and_a_second_connect_under_any_name_is_refused()
        {
            var r = _h.Run(@"
                $s = Connect-ChdkCamera -HostName 127.0.0.1 -Port $srv.Port
                $s.GetType().Name; $s.Transport; $s.Location; $s.SerialNumber; $s.Model; $s.IsConnected; [string]$s.ProtocolVersion
                Invoke-ChdkLua 'return 6*7'
                @(Get-ChdkItem A/DCIM/100CANON).Count
                $srv.Connections").AssertClean();
            Assert.Equal(new object[] { "ChdkSession", "PTP/IP", $"ptpip:127.0.0.1:{_port}", Serial, "Canon PowerShot SX160 IS", true, "2.9", 42, 4, 2 }, r.Values); // command and event connections

            foreach (var host in new[] { "127.0.0.1", "localhost", "LOCALHOST" })
            {
                r = _h.Run($"Connect-ChdkCamera -HostName {host} -Port $srv.Port");
                Assert.Empty(r.Values);
                var e = Assert.Single(r.Errors);
                Assert.Equal("ChdkAlreadyConnected,ChdkPtp.Commands.ConnectChdkCameraCommand", e.FullyQualifiedErrorId);
                Assert.Equal(ErrorCategory.ResourceExists, e.CategoryInfo.Category);
                Assert.Contains($"{host}:{_port} is already connected as session", e.Exception.Message);
                Assert.Equal("ChdkSession", e.TargetObject.GetType().Name);
            }
            // The first session was not disturbed (a second connection would have taken the camera from it)
            r = _h.Run("Invoke-ChdkLua 'return 1'; $s.IsConnected; @(Get-ChdkCamera).Count; $srv.Connections").AssertClean();
            Assert.Equal(new object[] { 1, true, 1, 2 }, r.Values);

            // Once disconnected, the camera can be connected again under another name
            r = _h.Run("Disconnect-ChdkCamera $s; $t = Connect-ChdkCamera -HostName localhost -Port $srv.Port; $t.Location; $t.Id -ne $s.Id; @(Get-ChdkCamera).Count; Invoke-ChdkLua 'return 2'").AssertClean();
            Assert.Equal(new object[] { $"ptpip:localhost:{_port}", true, 1, 2 }, r.Values);
        }

        [Fact]
        public void A_port_nobody_listens_on_and_an_unknown_host_are_ChdkConnectFailed_at_once()
        {
            int free;
            var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            l.Start();
            free = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            var clock = Stopwatch.StartNew();
            var r = _h.Run($"Connect-ChdkCamera -HostName 127.0.0.1 -Port {free}");
            var elapsed = clock.Elapsed;
            Assert.Empty(r.Values);
            var e = Assert.Single(r.Errors);
            Assert.Equal("ChdkConnectFailed,ChdkPtp.Commands.ConnectChdkCameraCommand", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ConnectionError, e.CategoryInfo.Category);
            Assert.Contains($"127.0.0.1:{free}", e.Exception.Message);
            Assert.Contains("connection refused", e.Exception.Message);
            Assert.True(elapsed < TimeSpan.FromSeconds(5), $"a refused connection took {elapsed}"); // not the 5 s connect timeout

            r = _h.Run("Connect-ChdkCamera -HostName no-such-camera.invalid");
            e = Assert.Single(r.Errors);
            Assert.Equal("ChdkConnectFailed,ChdkPtp.Commands.ConnectChdkCameraCommand", e.FullyQualifiedErrorId);
            Assert.Contains("'no-such-camera.invalid' cannot be resolved", e.Exception.Message);

            r = _h.Run("Connect-ChdkCamera -HostName 127.0.0.1 -Port 0");
            Assert.Equal("ParameterArgumentValidationError,ChdkPtp.Commands.ConnectChdkCameraCommand", Assert.Single(r.Errors).FullyQualifiedErrorId);
            Assert.Equal(0, _h.Run("@(Get-ChdkCamera).Count").Values.Single());
        }

        [Fact]
        public void With_AutoReconnect_a_listing_and_downloads_carry_on_when_the_server_is_stopped_and_started_again()
        {
            _h.Run("$s = Connect-ChdkCamera -HostName 127.0.0.1 -Port $srv.Port -AutoReconnect -ReconnectTimeout 20").AssertClean();

            // The camera is gone when the listing starts and back a second later
            var back = RestartAfterStop(TimeSpan.FromSeconds(1));
            var r = _h.Run("$srv.Server.Stop(); Get-ChdkItem A/DCIM/100CANON | ForEach-Object Name");
            r.AssertClean();
            back.Wait();
            Assert.Equal(new object[] { "IMG_0001.JPG", "IMG_0002.JPG", "IMG_0003.JPG", "IMG_0004.JPG" }, r.Values);
            Assert.Contains(r.Warnings, w => w.Message.Contains("Lost the camera during the listing of A/DCIM/100CANON"));
            Assert.Equal(new object[] { 1, true, $"ptpip:127.0.0.1:{_port}" }, _h.Run("$s.ReconnectCount; $s.IsConnected; $s.Location").Values);

            // It goes away between two files of one Receive-ChdkFile
            back = RestartAfterStop(TimeSpan.FromSeconds(1));
            r = _h.Run("Get-ChdkItem A/DCIM/100CANON | ForEach-Object { if ($_.Name -eq 'IMG_0003.JPG') { $srv.Server.Stop() }; $_ } | Receive-ChdkFile -Destination got -PassThru | ForEach-Object Name");
            r.AssertClean();
            back.Wait();
            Assert.Equal(new object[] { "IMG_0001.JPG", "IMG_0002.JPG", "IMG_0003.JPG", "IMG_0004.JPG" }, r.Values);
            AssertSameFiles("got");
            Assert.Contains(r.Warnings, w => w.Message.Contains("Lost the camera during the download of A/DCIM/100CANON/IMG_0003.JPG"));

            // And in the middle of a download: it starts again from the first byte
            var big = Path.Combine(_card, "BIG.BIN");
            var data = new byte[96 * 1024 * 1024];
            new Random(3).NextBytes(data);
            File.WriteAllBytes(big, data);
            var dest = Path.Combine(_h.WorkDir, "big");
            Directory.CreateDirectory(dest);
            back = RestartAfterStop(TimeSpan.FromSeconds(1), () => Directory.GetFiles(dest, "*.chdkpart").Any(f => new FileInfo(f).Length > 0));
            r = _h.Run("Receive-ChdkFile A/BIG.BIN -Destination big/");
            r.AssertClean();
            back.Wait();
            Assert.True(data.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dest, "BIG.BIN"))), "BIG.BIN differs");
            Assert.Empty(Directory.GetFiles(dest, "*.chdkpart"));
            Assert.Contains(r.Warnings, w => w.Message.Contains("Lost the camera during the download of A/BIG.BIN"));
            Assert.Equal(new object[] { 3, true }, _h.Run("$s.ReconnectCount; $s.IsConnected").Values);
        }

        [Fact]
        public void Another_camera_on_the_same_port_is_ChdkDifferentCamera_and_the_session_stays_disconnected()
        {
            const string other = "FFEEDDCCBBAA99887766554433221100";
            _h.Run("$s = Connect-ChdkCamera -HostName 127.0.0.1 -Port $srv.Port -AutoReconnect -ReconnectTimeout 10").AssertClean();
            // The simulator is replaced, on the same port and card, by one with another serial number
            _h.Run($"Stop-ChdkSimulator -Port {_port}; $srv = Start-ChdkSimulator -Port {_port} -SimulatorRoot ./card -SimulatorOptions @{{ SerialNumber = '{other}' }}").AssertClean();
            var r = _h.Run("Get-ChdkItem A/DCIM/100CANON");
            Assert.Empty(r.Output);
            var e = Assert.Single(r.Errors);
            Assert.Equal("ChdkDifferentCamera,ChdkPtp.Commands.GetChdkItemCommand", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.SecurityError, e.CategoryInfo.Category);
            Assert.Contains($"the serial number is '{other}', not '{Serial}'", e.Exception.Message);
            Assert.Equal(new object[] { false, 0, Serial }, _h.Run("$s.IsConnected; $s.ReconnectCount; $s.Identity.SerialNumber").Values);

            // Asked by hand, the answer is the same
            r = _h.Run("Connect-ChdkCamera -Session $s -ReconnectTimeout 5");
            Assert.Equal("ChdkDifferentCamera,ChdkPtp.Commands.ConnectChdkCameraCommand", Assert.Single(r.Errors).FullyQualifiedErrorId);
            // As the error says, the new camera is connected with Connect-ChdkCamera (the old session has no link to it)
            r = _h.Run("$n = Connect-ChdkCamera -HostName 127.0.0.1 -Port $srv.Port; $n.SerialNumber; $n.Id -ne $s.Id; $s.IsConnected").AssertClean();
            Assert.Equal(new object[] { other, true, false }, r.Values);
        }

        [Fact]
        public void Without_AutoReconnect_a_restart_ends_the_command_and_Connect_Session_reconnects_in_place()
        {
            _h.Run("$s = Connect-ChdkCamera -HostName 127.0.0.1 -Port $srv.Port").AssertClean();
            var r = _h.Run("$srv.Server.Stop(); $srv.Server.Start(); Invoke-ChdkLua 'return 1'");
            Assert.StartsWith("ChdkConnectionLost,", r.ErrorIds);
            r = _h.Run("Get-ChdkItem A/");
            var e = Assert.Single(r.Errors);
            Assert.StartsWith("ChdkSessionClosed,", e.FullyQualifiedErrorId);
            Assert.Contains("Connect-ChdkCamera -Session", e.Exception.Message);

            // While the camera is away a reconnect gives up after -ReconnectTimeout
            r = _h.Run("$srv.Server.Stop(); Connect-ChdkCamera -Session $s -ReconnectTimeout 1");
            e = Assert.Single(r.Errors);
            Assert.StartsWith("ChdkReconnectFailed,", e.FullyQualifiedErrorId);
            Assert.Contains($"ptpip:127.0.0.1:{_port} did not come back within 1 s", e.Exception.Message);

            r = _h.Run("$srv.Server.Start(); $again = Connect-ChdkCamera -Session $s -ReconnectTimeout 10; [object]::ReferenceEquals($again, $s); $s.IsConnected; $s.ReconnectCount; $s.Location; Invoke-ChdkLua 'return 6*7'; @(Get-ChdkCamera).Count").AssertClean();
            Assert.Equal(new object[] { true, true, 1, $"ptpip:127.0.0.1:{_port}", 42, 1 }, r.Values);
        }
    }
}
