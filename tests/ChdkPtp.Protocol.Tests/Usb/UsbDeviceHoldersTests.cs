using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using ChdkPtp.Protocol.Transport.Usb;

namespace ChdkPtp.Protocol.Tests.Usb
{
    public class UsbDeviceHoldersTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "chdkptp-holders-" + Guid.NewGuid().ToString("N"));

        public UsbDeviceHoldersTests() { Directory.CreateDirectory(_dir); }

        public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

        private static int Self { get { using var p = Process.GetCurrentProcess(); return p.Id; } }

        [Fact]
        public void FindsThisProcessHoldingAFileOpen()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            var node = Path.Combine(_dir, "004");
            File.WriteAllText(node, "x");
            Assert.DoesNotContain(UsbDeviceHolders.Find(node, "/proc"), h => h.Pid == Self);
            using (File.OpenRead(node))
            {
                var found = UsbDeviceHolders.Find(node, "/proc");
                var me = Assert.Single(found, h => h.Pid == Self);
                Assert.False(string.IsNullOrEmpty(me.Name));
                var (pid, name) = me;
                Assert.Equal(Self, pid);
                Assert.Equal(me.Name, name);
            }
            Assert.DoesNotContain(UsbDeviceHolders.Find(node, "/proc"), h => h.Pid == Self);
        }

        [Fact]
        public void ReadsAProcTreeNamingProgramsByTheirCommandLine()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            var proc = Path.Combine(_dir, "proc");
            const string node = "/dev/bus/usb/001/004";
            void Process(string pid, string cmdline, string comm, params string[] targets)
            {
                var fd = Directory.CreateDirectory(Path.Combine(proc, pid, "fd")).FullName;
                if (cmdline != null) File.WriteAllText(Path.Combine(proc, pid, "cmdline"), cmdline);
                if (comm != null) File.WriteAllText(Path.Combine(proc, pid, "comm"), comm + "\n");
                for (int i = 0; i < targets.Length; i++) File.CreateSymbolicLink(Path.Combine(fd, i.ToString()), targets[i]);
            }
            Process("1200", "/usr/libexec/gvfs-gphoto2-volume-monitor\0", "gvfs-gphoto2-vo", "/dev/null", node);
            Process("1300", "gphoto2\0--list\0", "gphoto2", node, node);          // twice: listed once
            Process("1400", "", "kworker", node);                                // kernel thread style: comm
            Process("1500", "/usr/bin/other\0", "other", "/dev/bus/usb/001/0040", "/dev/bus/usb/001/005");
            Process("1600", null, null, node);                                   // nothing readable: empty name
            Directory.CreateDirectory(Path.Combine(proc, "self"));               // not a pid
            Directory.CreateDirectory(Path.Combine(proc, "1700"));               // no fd folder

            var found = UsbDeviceHolders.Find(node, proc).OrderBy(h => h.Pid).ToArray();
            Assert.Equal(new[] { 1200, 1300, 1400, 1600 }, found.Select(h => h.Pid));
            Assert.Equal("gvfs-gphoto2-volume-monitor", found[0].Name);
            Assert.Equal("gphoto2", found[1].Name);
            Assert.Equal("kworker", found[2].Name);
            Assert.Equal(string.Empty, found[3].Name);
            Assert.Equal("gvfs-gphoto2-volume-monitor (pid 1200)", found[0].ToString());
        }

        [Fact]
        public void AMissingProcTreeFindsNothing()
        {
            Assert.Empty(UsbDeviceHolders.Find("/dev/bus/usb/001/004", Path.Combine(_dir, "nope")));
        }

        [Fact]
        public void TheCameraOverloadLooksForItsNode()
        {
            Assert.Throws<ArgumentNullException>(() => UsbDeviceHolders.Find(null));
            // No such node on this machine: nobody holds it.
            Assert.Empty(UsbDeviceHolders.Find(new UsbCameraInfo(250, 127, "", 0x04A9, 1, 0, 0, 1)));
        }
    }
}
