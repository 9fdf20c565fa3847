using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using ChdkPtp.Protocol.Diagnostics;

namespace ChdkPtp.Protocol.Tests.Diagnostics
{
    /// <summary>
    /// Test-ChdkEnvironment's checks driven through UsbEnvironment's seams (the OS, the running processes, the udev
    /// rule folders): the machine's own cameras and libusb are whatever they are, so only the checks the seams decide
    /// are asserted.
    /// </summary>
    public sealed class UsbEnvironmentTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "chdk-env-" + Guid.NewGuid().ToString("N").Substring(0, 8));

        public UsbEnvironmentTests() => Directory.CreateDirectory(_dir);

        public void Dispose()
        {
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        [DllImport("libc", EntryPoint = "geteuid")]
        private static extern uint GetEuid();

        /// <summary>Whether file modes stop this process (root, with CAP_DAC_OVERRIDE, opens any file).</summary>
        private static bool IsRoot => RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? false : GetEuid() == 0;

        private UsbEnvironment Environment(string os, params string[] processes) => new UsbEnvironment
        {
            Os = os,
            Probe = false,
            RunningProcesses = () => processes,
            UdevRuleFolders = new[] { Path.Combine(_dir, "no-such-folder") },
        };

        private static List<EnvironmentCheck> Checks(UsbEnvironment e, string check) =>
            e.Run(CancellationToken.None).Where(c => c.Check == check).ToList();

        private string Rules(string name, string text)
        {
            var folder = Path.Combine(_dir, "rules-" + Guid.NewGuid().ToString("N").Substring(0, 6));
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, name), text);
            return folder;
        }

        [Theory]
        [InlineData("gvfs-gphoto2-volume-monitor", "gio mount -u gphoto2://*")]
        [InlineData("gvfsd-gphoto2", "gio mount -u gphoto2://*")]
        [InlineData("kiod5", "unmount the camera")]
        public void A_Linux_desktop_service_that_grabs_cameras_is_a_warning_with_a_fix(string process, string fix)
        {
            var c = Assert.Single(Checks(Environment("Linux", "bash", process, "dotnet"), "DesktopService"));
            Assert.Equal(EnvironmentCheckStatus.Warning, c.Status);
            Assert.Equal(process, c.Target);
            Assert.Contains(process + " is running", c.Detail);
            Assert.Contains(fix, c.Fix);
        }

        [Fact]
        public void Every_grabber_that_runs_is_reported_once()
        {
            var checks = Checks(Environment("Linux", "gvfsd-gphoto2", "gvfs-gphoto2-volume-monitor", "gvfsd-gphoto2"), "DesktopService");
            Assert.Equal(new[] { "gvfs-gphoto2-volume-monitor", "gvfsd-gphoto2" }, checks.Select(c => c.Target).OrderBy(t => t, StringComparer.Ordinal));
            Assert.All(checks, c => Assert.Equal(EnvironmentCheckStatus.Warning, c.Status));
            Assert.Contains("systemctl --user stop gvfs-gphoto2-volume-monitor", checks.Single(c => c.Target == "gvfs-gphoto2-volume-monitor").Fix);
        }

        [Fact]
        public void Ptpcamerad_is_a_warning_on_macOS_only()
        {
            var mac = Assert.Single(Checks(Environment("MacOS", "Finder", "ptpcamerad"), "DesktopService"));
            Assert.Equal(EnvironmentCheckStatus.Warning, mac.Status);
            Assert.Equal("ptpcamerad", mac.Target);
            Assert.Contains("killall ptpcamerad", mac.Fix);

            // The same process name elsewhere, and a Linux grabber on macOS, mean nothing
            var linux = Assert.Single(Checks(Environment("Linux", "ptpcamerad"), "DesktopService"));
            Assert.Equal(EnvironmentCheckStatus.Pass, linux.Status);
            var macWithGvfs = Assert.Single(Checks(Environment("MacOS", "gvfs-gphoto2-volume-monitor"), "DesktopService"));
            Assert.Equal(EnvironmentCheckStatus.Pass, macWithGvfs.Status);
            Assert.Contains("ptpcamerad", macWithGvfs.Detail);
            Assert.DoesNotContain("gvfs", macWithGvfs.Detail);
        }

        [Fact]
        public void No_grabber_is_a_pass_that_names_what_was_looked_for()
        {
            var c = Assert.Single(Checks(Environment("Linux", "bash", "sshd", "gvfsd", "gvfs-udisks2-volume-monitor"), "DesktopService"));
            Assert.Equal(EnvironmentCheckStatus.Pass, c.Status);
            Assert.Null(c.Fix);
            Assert.Contains("gvfs-gphoto2-volume-monitor", c.Detail);
            Assert.Contains("kiod5", c.Detail);
        }

        [Fact]
        public void Windows_has_no_desktop_service_or_udev_check_and_a_process_list_that_fails_is_no_check()
        {
            var windows = Environment("Windows", "gvfs-gphoto2-volume-monitor", "ptpcamerad").Run(CancellationToken.None).ToList();
            Assert.DoesNotContain(windows, c => c.Check == "DesktopService" || c.Check == "UdevRules");

            var e = Environment("Linux");
            e.RunningProcesses = () => throw new InvalidOperationException("no /proc");
            var checks = e.Run(CancellationToken.None).ToList();
            Assert.DoesNotContain(checks, c => c.Check == "DesktopService");
            Assert.Contains(checks, c => c.Check == "UdevRules"); // the checks after it still run
        }

        [Fact]
        public void A_udev_rule_for_Canon_is_a_pass_naming_the_file()
        {
            var folder = Rules("61-cameras.rules", "# my cameras\nSUBSYSTEM==\"usb\", ATTR{idVendor}==\"04A9\", MODE=\"0666\"\n");
            var e = Environment("Linux");
            e.UdevRuleFolders = new[] { Path.Combine(_dir, "missing"), folder };
            var c = Assert.Single(Checks(e, "UdevRules"));
            Assert.Equal(EnvironmentCheckStatus.Pass, c.Status);
            Assert.Equal(Path.Combine(folder, "61-cameras.rules"), c.Target);
            Assert.Contains("61-cameras.rules", c.Detail);
            Assert.Null(c.Fix);
        }

        [Fact]
        public void The_rules_file_shipped_with_the_module_passes()
        {
            var repo = new DirectoryInfo(AppContext.BaseDirectory);
            while (repo != null && !File.Exists(Path.Combine(repo.FullName, "ChdkPtp.sln"))) repo = repo.Parent;
            Assert.NotNull(repo);
            var e = Environment("Linux");
            e.UdevRuleFolders = new[] { Path.Combine(repo.FullName, "udev") };
            var c = Assert.Single(Checks(e, "UdevRules"));
            Assert.Equal(EnvironmentCheckStatus.Pass, c.Status);
            Assert.EndsWith("60-chdkptp.rules", c.Target);
        }

        [Theory]
        [InlineData("70-other.rules", "SUBSYSTEM==\"usb\", ATTR{idVendor}==\"04b0\", MODE=\"0666\"\n")] // Nikon
        [InlineData("70-commented.rules", "# ATTR{idVendor}==\"04a9\" was here\n   #04a9\n")]          // only in comments
        [InlineData("canon.txt", "ATTR{idVendor}==\"04a9\"\n")]                                          // not a .rules file
        public void Without_a_Canon_rule_the_check_says_how_to_install_one(string file, string text)
        {
            var e = Environment("Linux");
            e.UdevRuleFolders = new[] { Rules(file, text) };
            var c = Assert.Single(Checks(e, "UdevRules"));
            Assert.Null(c.Target);
            Assert.Contains("No udev rule mentions Canon's vendor id 04a9", c.Detail);
            Assert.Contains("udev/60-chdkptp.rules /etc/udev/rules.d/", c.Fix);
            // root opens any device node: there the rule is only information
            bool root = System.Environment.UserName == "root";
            Assert.Equal(root ? EnvironmentCheckStatus.Info : EnvironmentCheckStatus.Warning, c.Status);
            Assert.Equal(root, c.Detail.Contains("not needed here"));
        }

        [Fact]
        public void No_udev_check_outside_Linux()
        {
            var e = Environment("MacOS");
            e.UdevRuleFolders = new[] { Rules("60.rules", "ATTR{idVendor}==\"04a9\"\n") };
            Assert.Empty(Checks(e, "UdevRules"));
        }

        [Fact]
        public void NodeAccess_tells_a_missing_node_from_one_without_permission()
        {
            Assert.Contains("does not exist (the camera was unplugged?)", UsbEnvironment.NodeAccess(Path.Combine(_dir, "001")));
            Assert.Contains("is /dev/bus/usb mounted?", UsbEnvironment.NodeAccess(Path.Combine(_dir, "bus", "usb", "001", "002")));

            var node = Path.Combine(_dir, "002");
            File.WriteAllBytes(node, new byte[1]);
            Assert.Null(UsbEnvironment.NodeAccess(node));
            Assert.Equal(new byte[1], File.ReadAllBytes(node)); // opened, not truncated or written

            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return;
            File.SetUnixFileMode(node, UnixFileMode.None);
            var answer = UsbEnvironment.NodeAccess(node);
            if (IsRoot) Assert.Null(answer); // root (CAP_DAC_OVERRIDE) ignores file modes: nothing to fix
            else Assert.Equal("permission denied.", answer);
            File.SetUnixFileMode(node, UnixFileMode.UserRead); // read only is not enough either
            answer = UsbEnvironment.NodeAccess(node);
            if (IsRoot) Assert.Null(answer);
            else Assert.Equal("permission denied.", answer);
        }
    }
}
