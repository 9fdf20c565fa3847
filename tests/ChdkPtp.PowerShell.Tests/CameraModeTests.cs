using System;
using System.Linq;
using System.Management.Automation;

namespace ChdkPtp.PowerShell.Tests
{
    /// <summary>Set-ChdkCameraMode against the simulator.</summary>
    public class CameraModeTests : IDisposable
    {
        private readonly PsHost _h = new PsHost();

        public CameraModeTests() => _h.Run("$cam = Connect-ChdkCamera -Simulator").AssertClean();

        public void Dispose() => _h.Dispose();

        [Fact]
        public void SwitchesBothWaysAndSaysWhenItWasAlreadyThere()
        {
            var rec = _h.Run("Set-ChdkCameraMode Record -PassThru").AssertClean();
            Assert.Equal("Record", Assert.Single(rec.Output).Properties["Mode"].Value.ToString());
            Assert.Equal(true, _h.Run("Invoke-ChdkLua 'return (get_mode())'").AssertClean().Values.Single());
            var again = _h.Run("Set-ChdkCameraMode Record -Verbose").AssertClean();
            Assert.Empty(again.Output);
            Assert.Contains(again.Verbose, v => v.Message.Contains("already in Record"));
            var play = _h.Run("Set-ChdkCameraMode -Mode Playback -Timeout '00:00:02' -PassThru").AssertClean();
            Assert.Equal("Playback", Assert.Single(play.Output).Properties["Mode"].Value.ToString());
            Assert.Equal(0, Assert.Single(play.Output).Properties["CaptureMode"].Value);
        }

        [Fact]
        public void TimeoutTakesSecondsOrATimeSpanAndACameraThatDoesNotSwitchTimesOut()
        {
            _h.Run("$cam.Simulator.Camera.Options.ScriptPrelude = 'switch_mode_usb = function() end'").AssertClean();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var r = _h.Run("Set-ChdkCameraMode Record -Timeout 0.3");
            Assert.Equal("ChdkTimeout,ChdkPtp.Commands.SetChdkCameraModeCommand", Assert.Single(r.Errors).FullyQualifiedErrorId);
            Assert.InRange(clock.ElapsedMilliseconds, 300, 5000);
            Assert.Contains("0.3 s", r.Errors[0].Exception.Message);
        }

        [Fact]
        public void BadInputIsRefused()
        {
            Assert.Equal("ChdkInvalidArgument,ChdkPtp.Commands.SetChdkCameraModeCommand", Assert.Single(_h.Run("Set-ChdkCameraMode Record -Timeout 0").Errors).FullyQualifiedErrorId);
            Assert.Contains("ParameterArgumentTransformationError", Assert.Single(_h.Run("Set-ChdkCameraMode Record -Timeout abc").Errors).FullyQualifiedErrorId);
            Assert.StartsWith("CannotConvertArgument", Assert.Single(_h.Run("Set-ChdkCameraMode Video").Errors).FullyQualifiedErrorId);
            _h.Run("Set-ChdkCameraMode Record -WhatIf").AssertClean();
            Assert.Equal(false, _h.Run("Invoke-ChdkLua 'return (get_mode())'").AssertClean().Values.Single());
        }

        [Fact]
        public void ARunningScriptIsNotKilledWithoutForce()
        {
            _h.Run("Invoke-ChdkLua 'sleep(5000)' -NoWait").AssertClean();
            Assert.Equal("ChdkScriptRunning,ChdkPtp.Commands.SetChdkCameraModeCommand", Assert.Single(_h.Run("Set-ChdkCameraMode Record").Errors).FullyQualifiedErrorId);
            _h.Run("Set-ChdkCameraMode Record -Force").AssertClean();
        }

        [Fact]
        public void StopEndsTheWait()
        {
            _h.Run("$cam.Simulator.Camera.Options.ScriptPrelude = 'switch_mode_usb = function() end'").AssertClean();
            var (ps, pending) = _h.Begin("Set-ChdkCameraMode Record -Timeout 30");
            System.Threading.Thread.Sleep(300);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            ps.Stop();
            Assert.True(clock.ElapsedMilliseconds < 1500, $"Stop took {clock.ElapsedMilliseconds} ms");
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
            ps.Dispose();
        }
    }
}
