using System;
using System.Linq;

namespace ChdkPtp.PowerShell.Tests
{
    public class SessionTests
    {
        [Fact]
        public void ParallelRunspacesShareASessionSafely()
        {
            using var h = new PsHost();
            h.Runspace.SessionStateProxy.SetVariable("psd1", System.IO.Path.Combine(PsHost.RepoRoot, "ChdkPtp.psd1"));
            var r = h.Run(@"
                $cam = Connect-ChdkCamera -Simulator
                1..8 | ForEach-Object -ThrottleLimit 4 -Parallel {
                    Import-Module $using:psd1
                    $n = $_
                    Invoke-ChdkLua 'local n = ... write_usb_msg(n) sleep(20) return n * 10' -ArgumentList $n -Session $using:cam
                }");
            r.AssertClean();
            var values = r.Values.Select(Convert.ToInt32).OrderBy(x => x).ToArray();
            Assert.Equal(Enumerable.Range(1, 8).Select(x => x * 10).ToArray(), values);
        }

        [Fact]
        public void SecondSimulatorOnTheSameCardIsRefused()
        {
            using var h = new PsHost();
            var r = h.Run("$a = Connect-ChdkCamera -Simulator -SimulatorRoot ./card; Connect-ChdkCamera -Simulator -SimulatorRoot ./card");
            var e = Assert.Single(r.Errors);
            Assert.Equal("ChdkAlreadyConnected,ChdkPtp.Commands.ConnectChdkCameraCommand", e.FullyQualifiedErrorId);
            Assert.Equal(1, h.Run("@(Get-ChdkCamera).Count").Values.Single());
            Assert.True(System.IO.Directory.Exists(System.IO.Path.Combine(h.WorkDir, "card", "DCIM")) ||
                        System.IO.Directory.Exists(System.IO.Path.Combine(h.WorkDir, "card")));
        }

        [Fact]
        public void DefaultFollowsTheNewestOpenSessionAndSessionsPipe()
        {
            using var h = new PsHost();
            var res = h.Run(@"$a = Connect-ChdkCamera -Simulator; $b = Connect-ChdkCamera -Simulator
                (Get-ChdkCamera -Default).Id -eq $b.Id
                $b | Disconnect-ChdkCamera
                (Get-ChdkCamera -Default).Id -eq $a.Id
                $a | Invoke-ChdkLua -Code 'return 3'
                Get-ChdkCamera | Stop-ChdkScript -Confirm:$false
                Get-ChdkCamera -Id 999");
            Assert.Equal(new object[] { true, true, 3 }, res.Values);
            Assert.Equal("ChdkSessionNotFound,ChdkPtp.Commands.GetChdkCameraCommand", Assert.Single(res.Errors).FullyQualifiedErrorId);
        }

        [Fact]
        public void RemovingTheModuleClosesEverySessionAndDeletesTemporaryCards()
        {
            using var h = new PsHost();
            var root = (string)h.Run("$s = Connect-ChdkCamera -Simulator; $s.SimulatorRoot").AssertClean().Values.Single();
            Assert.True(System.IO.Directory.Exists(root));
            h.Run("Remove-Module ChdkPtp").AssertClean();
            Assert.Equal(false, h.Run("$s.IsConnected").Values.Single());
            Assert.False(System.IO.Directory.Exists(root));
        }

        [Fact]
        public void DisconnectWhatIfKeepsTheSession()
        {
            using var h = new PsHost();
            h.Run("$s = Connect-ChdkCamera -Simulator; $s | Disconnect-ChdkCamera -WhatIf").AssertClean();
            Assert.Equal(true, h.Run("$s.IsConnected").Values.Single());
        }

        [Fact]
        public void ConnectWithoutACameraOnUsbSaysWhereToLook()
        {
            // No camera is plugged into the test machine: the default (USB) connect finds none, or, where libusb is
            // missing, says how to install it.
            using var h = new PsHost();
            var r = h.Run("Connect-ChdkCamera");
            var e = Assert.Single(r.Errors);
            if (e.FullyQualifiedErrorId.StartsWith("ChdkLibUsbNotInstalled,"))
                Assert.Contains("install", e.Exception.Message);
            else
            {
                Assert.Equal("ChdkCameraNotFound,ChdkPtp.Commands.ConnectChdkCameraCommand", e.FullyQualifiedErrorId);
                Assert.Contains("Get-ChdkCamera -ListAvailable", e.Exception.Message);
                Assert.Contains("Test-ChdkEnvironment", e.Exception.Message);
            }
            Assert.Empty(h.Run("Get-ChdkCamera").Output);
        }

        [Fact]
        public void DisconnectFromAnotherRunspaceEndsARunningCommandWithAnError()
        {
            using var a = new PsHost();
            using var b = new PsHost();
            a.Run("$cam = Connect-ChdkCamera -Simulator").AssertClean();
            var (ps, pending) = a.Begin("Invoke-ChdkLua 'sleep(3000) return 1'; 'after'");
            System.Threading.Thread.Sleep(300);
            b.Run("Get-ChdkCamera | Disconnect-ChdkCamera").AssertClean();
            Assert.True(pending.AsyncWaitHandle.WaitOne(10000), "the command did not end");
            var output = ps.EndInvoke(pending);
            Assert.Equal("after", output.Last().BaseObject);
            var e = Assert.Single(ps.Streams.Error);
            Assert.Matches("^(ChdkConnectionLost|ChdkSessionClosed),", e.FullyQualifiedErrorId);
            ps.Dispose();
        }
    }
}
