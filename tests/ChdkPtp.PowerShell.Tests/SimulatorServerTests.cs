using System;
using System.Linq;

namespace ChdkPtp.PowerShell.Tests
{
    /// <summary>Tests that start PTP/IP simulator servers: the registry is process-wide and Stop-ChdkSimulator -All stops
    /// every server, so these never run alongside other tests.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class SimulatorServerCollection
    {
        public const string Name = "SimulatorServers";
    }

    /// <summary>Start-ChdkSimulator / Stop-ChdkSimulator as a user runs them. Each test stops its own servers.</summary>
    [Collection(SimulatorServerCollection.Name)]
    public class SimulatorServerTests
    {
        private const string Connect = @"
            function Connect-Ptpip($server) {
                $t = [ChdkPtp.Protocol.Transport.PtpIp.PtpIpTransport]::Connect($server.HostName, $server.Port, $null, [Threading.CancellationToken]::None)
                [ChdkPtp.Protocol.Chdk.ChdkClient]::Connect($t, [Threading.CancellationToken]::None)
            }";

        [Fact]
        public void Start_on_port_0_returns_a_running_server_that_the_pipeline_stops()
        {
            using var h = new PsHost();
            var r = h.Run(@"
                $s = Start-ChdkSimulator -Port 0
                $s.IsRunning
                $s.Port -gt 0 -and $s.Port -ne 15740
                $s.HostName
                $s.Address
                [IO.Directory]::Exists($s.SimulatorRoot)
                $s.GetType().FullName
                $root = $s.SimulatorRoot
                $s | Stop-ChdkSimulator
                $s.IsRunning
                [IO.Directory]::Exists($root)").AssertClean();
            Assert.Equal(new object[] { true, true, "127.0.0.1", "127.0.0.1", true, "ChdkPtp.ChdkSimulatorServer", false, false }, r.Values);
        }

        [Fact]
        public void A_client_connects_over_PTP_IP_and_stopping_the_server_cuts_it_off()
        {
            using var h = new PsHost();
            var r = h.Run(Connect + @"
                $s = Start-ChdkSimulator -Port 0 -SimulatorRoot ./card -SimulatorOptions @{ SerialNumber = '0123456789ABCDEF0123456789ABCDEF'; Model = 'Canon PowerShot G7 X' }
                $c = Connect-Ptpip $s
                $c.DeviceInfo.SerialNumber
                $c.DeviceInfo.Model
                $c.GetVersion().ToString()
                $s.Connections
                $s.Client -eq [Environment]::MachineName
                Stop-ChdkSimulator -Port $s.Port
                try { $c.GetVersion() | Out-Null; 'still connected' } catch { $_.Exception.InnerException.GetType().Name }
                $c.Dispose()
                [IO.Directory]::Exists([IO.Path]::Combine($PWD.Path, 'card'))").AssertClean();
            Assert.Equal(new object[] { "0123456789ABCDEF0123456789ABCDEF", "Canon PowerShot G7 X", "2.9", 2, true, "PtpTransportException", true }, r.Values);
        }

        [Fact]
        public void Two_servers_run_side_by_side_and_All_stops_both()
        {
            using var h = new PsHost();
            var r = h.Run(Connect + @"
                $a = Start-ChdkSimulator -Port 0 -SimulatorRoot ./a
                $b = Start-ChdkSimulator -Port 0 -SimulatorRoot ./b -SimulatorOptions @{ SerialNumber = 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' }
                $a.Port -ne $b.Port
                $a.Id -ne $b.Id
                [IO.File]::WriteAllText([IO.Path]::Combine($a.SimulatorRoot, 'WHO.TXT'), 'a')
                $cb = Connect-Ptpip $b
                $cb.DeviceInfo.SerialNumber
                $cb.Dispose()
                ($a.IsRunning -and $b.IsRunning)
                [IO.File]::Exists([IO.Path]::Combine($b.SimulatorRoot, 'WHO.TXT'))
                Stop-ChdkSimulator -All
                $a.IsRunning
                $b.IsRunning").AssertClean();
            Assert.Equal(new object[] { true, true, "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", true, false, false, false }, r.Values);
        }

        [Fact]
        public void A_port_in_use_is_ChdkPortInUse_and_the_first_server_is_unharmed()
        {
            using var h = new PsHost();
            var r = h.Run(@"
                $a = Start-ChdkSimulator -Port 0
                Start-ChdkSimulator -Port $a.Port
                ");
            Assert.Empty(r.Values);
            var e = Assert.Single(r.Errors);
            Assert.Equal("ChdkPortInUse,ChdkPtp.Commands.StartChdkSimulatorCommand", e.FullyQualifiedErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.ResourceBusy, e.CategoryInfo.Category);
            Assert.Contains("in use", e.Exception.Message);
            var after = h.Run("$a.IsRunning; $a | Stop-ChdkSimulator; $a.IsRunning").AssertClean();
            Assert.Equal(new object[] { true, false }, after.Values);
        }

        [Theory]
        [InlineData("Start-ChdkSimulator -Port 65536", "ParameterArgumentValidationError,ChdkPtp.Commands.StartChdkSimulatorCommand")]
        [InlineData("Start-ChdkSimulator -Port -1", "ParameterArgumentValidationError,ChdkPtp.Commands.StartChdkSimulatorCommand")]
        [InlineData("Start-ChdkSimulator -Port 0 -ListenAddress 'camera.local'", "ChdkInvalidArgument,ChdkPtp.Commands.StartChdkSimulatorCommand")]
        [InlineData("Start-ChdkSimulator -Port 0 -ListenAddress ''", "ParameterArgumentValidationError,ChdkPtp.Commands.StartChdkSimulatorCommand")]
        [InlineData("Start-ChdkSimulator -Port 0 -ListenAddress 192.0.2.1", "ChdkListenFailed,ChdkPtp.Commands.StartChdkSimulatorCommand")]
        [InlineData("Start-ChdkSimulator -Port 0 -SimulatorOptions @{ NoSuchOption = 1 }", "ChdkInvalidArgument,ChdkPtp.Commands.StartChdkSimulatorCommand")]
        [InlineData("Start-ChdkSimulator -Port 0 -SimulatorOptions @{ JpegQuality = 'high' }", "ChdkInvalidArgument,ChdkPtp.Commands.StartChdkSimulatorCommand")]
        [InlineData("Start-ChdkSimulator -Port 0 -SimulatorOptions @{ JpegQuality = 0 }", "ChdkInvalidArgument,ChdkPtp.Commands.StartChdkSimulatorCommand")]
        [InlineData("Start-ChdkSimulator -Port 0 -SimulatorRoot variable:/x", "ChdkInvalidArgument,ChdkPtp.Commands.StartChdkSimulatorCommand")]
        [InlineData("Stop-ChdkSimulator -Port 0", "ParameterArgumentValidationError,ChdkPtp.Commands.StopChdkSimulatorCommand")]
        public void Bad_input_is_refused_with_a_stable_error_id_and_starts_nothing(string script, string id)
        {
            using var h = new PsHost();
            var before = h.Run("[ChdkPtp.SimulatorServerRegistry]::All.Count").Values.Single();
            var r = h.Run(script);
            Assert.Empty(r.Values);
            var e = Assert.Single(r.Errors);
            Assert.Equal(id, e.FullyQualifiedErrorId);
            Assert.Equal(before, h.Run("[ChdkPtp.SimulatorServerRegistry]::All.Count").Values.Single());
        }

        [Fact]
        public void Stop_by_port_without_a_server_is_a_non_terminating_ChdkSimulatorNotFound()
        {
            using var h = new PsHost();
            var r = h.Run(@"
                $a = Start-ChdkSimulator -Port 0
                $free = $a.Port
                $a | Stop-ChdkSimulator
                Stop-ChdkSimulator -Port $free, $free
                'went on'");
            Assert.Equal(new object[] { "went on" }, r.Values);
            Assert.Equal(2, r.Errors.Count);
            Assert.All(r.Errors, e => Assert.Equal("ChdkSimulatorNotFound,ChdkPtp.Commands.StopChdkSimulatorCommand", e.FullyQualifiedErrorId));
            // Stopping a stopped server again does nothing.
            h.Run("$a | Stop-ChdkSimulator").AssertClean();
        }

        [Fact]
        public void WhatIf_starts_and_stops_nothing()
        {
            using var h = new PsHost();
            var r = h.Run(@"
                $n = [ChdkPtp.SimulatorServerRegistry]::All.Count
                Start-ChdkSimulator -Port 0 -WhatIf
                [ChdkPtp.SimulatorServerRegistry]::All.Count -eq $n
                $s = Start-ChdkSimulator -Port 0
                $s | Stop-ChdkSimulator -WhatIf
                $s.IsRunning
                $s | Stop-ChdkSimulator").AssertClean();
            Assert.Equal(new object[] { true, true }, r.Values);
        }

        [Fact]
        public void Listening_on_every_interface_warns_and_clients_use_loopback()
        {
            using var h = new PsHost();
            var r = h.Run(Connect + @"
                $s = Start-ChdkSimulator -Port 0 -ListenAddress 0.0.0.0
                $s.Address
                $s.HostName
                $c = Connect-Ptpip $s
                $c.GetVersion().Major
                $c.Dispose()
                $s | Stop-ChdkSimulator").AssertClean();
            Assert.Equal(new object[] { "0.0.0.0", "127.0.0.1", 2 }, r.Values);
            var w = Assert.Single(r.Warnings);
            Assert.Contains("other computers on the network", w.Message);
        }

        [Fact]
        public void Removing_the_module_stops_its_servers_and_frees_the_port()
        {
            using var h = new PsHost();
            var r = h.Run("$s = Start-ChdkSimulator -Port 0; $s.Port").AssertClean();
            int port = Convert.ToInt32(r.Values.Single());
            h.Run("Remove-Module ChdkPtp").AssertClean();
            Assert.Equal(false, h.Run("$s.IsRunning").Values.Single());
            // The port is free again: a new server takes it.
            using var h2 = new PsHost();
            var again = h2.Run($"$t = Start-ChdkSimulator -Port {port}; $t.Port; $t | Stop-ChdkSimulator").AssertClean();
            Assert.Equal(port, Convert.ToInt32(again.Values.Single()));
        }

        [Fact]
        public void Connect_ChdkCamera_Simulator_options_still_work_through_the_shared_conversion()
        {
            using var h = new PsHost();
            var r = h.Run("$c = Connect-ChdkCamera -Simulator -SimulatorOptions @{ Model = 'Canon PowerShot G7 X'; Digic = 6 }; $c.Model; Connect-ChdkCamera -Simulator -SimulatorOptions @{ Bogus = 1 }");
            Assert.Equal("Canon PowerShot G7 X", r.Values.Single());
            Assert.Equal("ChdkInvalidArgument,ChdkPtp.Commands.ConnectChdkCameraCommand", Assert.Single(r.Errors).FullyQualifiedErrorId);
        }
    }
}
