using System.Linq;
using System.Text.RegularExpressions;

namespace ChdkPtp.UsbEmulation.Tests
{
    /// <summary>
    /// The emulation itself: tests/usb-emulation/selftest_usbfs.py is a raw usbdevfs client (no libusb) that checks
    /// the kernel's rules one by one (URB completion, SHORT_NOT_OK/continuation, babble, discard, unplug...), and
    /// the harness's own options and failure modes.
    /// </summary>
    public sealed class HarnessTests
    {
        private static string[] Checks(EmulationResult r, string verdict) =>
            Regex.Matches(r.Stdout, "^" + verdict + " (.*)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value.Trim()).ToArray();

        [Theory]
        [InlineData("normal", 35)]
        [InlineData("busy", 3)]
        [InlineData("denied", 1)]
        public void UsbfsSemantics_SelfTestPasses(string mode, int checks)
        {
            using var cam = new EmulatedCamera();
            var r = cam.Run($"/usr/bin/python3 \"$HARNESS/selftest_usbfs.py\" {mode}", true, "--mode", mode);
            var failed = Checks(r, "FAIL");
            Assert.True(failed.Length == 0, "failed: " + string.Join("\n", failed) + "\n" + r);
            Assert.Equal(checks, Checks(r, "PASS").Length);
            Assert.Equal(0, r.ExitCode);
        }

        [Fact]
        public void UnknownIoctl_IsReported_AndStrictFailsTheRun()
        {
            using var cam = new EmulatedCamera();
            const string script = "/usr/bin/python3 -c \"import fcntl, os\nfd = os.open('/dev/bus/usb/001/002', os.O_RDWR)\n" +
                                  "try:\n fcntl.ioctl(fd, 0x5563)\nexcept OSError as e:\n print('errno', e.errno)\"";
            var lax = cam.Run(script);
            Assert.Equal(0, lax.ExitCode);
            Assert.Contains("errno 25", lax.Stdout); // ENOTTY
            Assert.Equal(new[] { "0x5563" }, lax.UnknownIoctls);
            Assert.Contains("unknown ioctl 0x5563", lax.Stderr);

            var strict = cam.Run(script, true, "--strict");
            Assert.Equal(125, strict.ExitCode);
            Assert.Contains("--strict", strict.Stderr);
        }

        [Fact]
        public void ExitCode_IsTheCommands()
        {
            using var cam = new EmulatedCamera();
            Assert.Equal(7, cam.Run("exit 7").ExitCode);
            Assert.Equal(127, cam.Run("exec /nonexistent/program").ExitCode);
        }

        [Fact]
        public void Environment_PointsTheCommandAtTheTestbed()
        {
            using var cam = new EmulatedCamera();
            var r = cam.Run("echo \"preload=$LD_PRELOAD\"; test -n \"$UMOCKDEV_DIR\" && echo dir-set; " +
                            "test -S \"$CHDK_UMOCK_CONTROL\" && echo control-socket; kill -0 \"$CHDK_UMOCK_PID\" && echo pid-alive; " +
                            "cat /sys/bus/usb/devices/1-1/idVendor /sys/bus/usb/devices/1-1/idProduct /sys/bus/usb/devices/1-1/speed; " +
                            "ls /dev/bus/usb/001/");
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("libumockdev-preload.so.0", r.Stdout);
            Assert.Contains("dir-set", r.Stdout);
            Assert.Contains("control-socket", r.Stdout);
            Assert.Contains("pid-alive", r.Stdout);
            Assert.Matches(@"04a9\n325a\n480\n002\n", r.Stdout.Replace("\r", ""));
        }

        [Fact]
        public void ControlChannel_AnswersAndRefusesBadCommands()
        {
            using var cam = new EmulatedCamera();
            var r = cam.Run("python3 \"$UMOCKCTL\" status; python3 \"$UMOCKCTL\" frobnicate; echo \"bad exit $?\"; " +
                            "python3 \"$UMOCKCTL\" mode sideways; python3 \"$UMOCKCTL\" unplug; python3 \"$UMOCKCTL\" status; " +
                            "python3 \"$UMOCKCTL\" unplug; python3 \"$UMOCKCTL\" plug devnum=9; python3 \"$UMOCKCTL\" stats");
            Assert.Equal(0, r.ExitCode);
            Assert.Matches(@"plugged bus=1 dev=2 serial=[0-9A-F]{32} mode=normal node=/dev/bus/usb/001/002", r.Stdout);
            Assert.Contains("error unknown command 'frobnicate'", r.Stdout);
            Assert.Contains("bad exit 1", r.Stdout);
            Assert.Contains("error mode must be normal, busy or denied", r.Stdout);
            Assert.Contains("ok unplugged", r.Stdout);
            Assert.Contains("\nunplugged\n", r.Stdout.Replace("\r", ""));
            Assert.Contains("ok already unplugged", r.Stdout);
            Assert.Contains("ok plugged bus=1 dev=9", r.Stdout);
            Assert.Contains("\"plugs\": 2", r.Stdout);
        }

        [Fact]
        public void NoCommand_IsAUsageError()
        {
            Tools.Require();
            var psi = new System.Diagnostics.ProcessStartInfo(Tools.Python) { RedirectStandardError = true, RedirectStandardOutput = true };
            psi.ArgumentList.Add(System.IO.Path.Combine(Tools.HarnessDirectory, "emulate.py"));
            psi.ArgumentList.Add("--mode");
            psi.ArgumentList.Add("busy");
            using var p = System.Diagnostics.Process.Start(psi);
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.Equal(2, p.ExitCode);
            Assert.Contains("no command", err);
        }

        [Fact]
        public void MissingBridge_FailsTheHarnessWithItsOwnCode()
        {
            Tools.Require();
            var psi = new System.Diagnostics.ProcessStartInfo(Tools.Python) { RedirectStandardError = true, RedirectStandardOutput = true };
            psi.ArgumentList.Add(System.IO.Path.Combine(Tools.HarnessDirectory, "emulate.py"));
            psi.ArgumentList.Add("--bridge-socket");
            psi.ArgumentList.Add("/nonexistent/bridge.sock");
            psi.ArgumentList.Add("--");
            psi.ArgumentList.Add("true");
            using var p = System.Diagnostics.Process.Start(psi);
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.Equal(125, p.ExitCode);
            Assert.Contains("/nonexistent/bridge.sock does not exist", err);
        }
    }
}
