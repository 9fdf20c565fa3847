using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace ChdkPtp.Protocol.Transport.Usb
{
    /// <summary>A process that has a device node open (see <see cref="UsbDeviceHolders"/>).</summary>
    public sealed class UsbDeviceHolder
    {
        public UsbDeviceHolder(int pid, string name)
        {
            Pid = pid;
            Name = name ?? string.Empty;
        }

        /// <summary>Process id.</summary>
        public int Pid { get; }

        /// <summary>The program's name (the base name of its first command-line word, else /proc/PID/comm).</summary>
        public string Name { get; }

        public void Deconstruct(out int pid, out string name)
        {
            pid = Pid;
            name = Name;
        }

        public override string ToString() => $"{Name} (pid {Pid})";
    }

    /// <summary>
    /// Finds the processes that hold a camera's usbfs node open, to name the culprit when the camera
    /// is busy. Linux only (it reads the /proc/PID/fd links); elsewhere the list is empty. Processes
    /// of other users are visible only to root.
    /// </summary>
    public static class UsbDeviceHolders
    {
        /// <summary>Processes (this one included) with <see cref="UsbCameraInfo.DeviceNode"/> open.</summary>
        public static IReadOnlyList<UsbDeviceHolder> Find(UsbCameraInfo camera)
        {
            if (camera == null) throw new ArgumentNullException(nameof(camera));
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return Array.Empty<UsbDeviceHolder>();
            return Find(camera.DeviceNode, "/proc");
        }

        /// <summary>Processes under <paramref name="procRoot"/> with a descriptor open on <paramref name="path"/>.</summary>
        internal static IReadOnlyList<UsbDeviceHolder> Find(string path, string procRoot)
        {
            var found = new List<UsbDeviceHolder>();
            string[] pids;
            try { pids = Directory.GetDirectories(procRoot); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return found; }
            var buffer = new byte[4096];
            foreach (var dir in pids)
            {
                if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
                string[] fds;
                try { fds = Directory.GetFileSystemEntries(Path.Combine(dir, "fd")); }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { continue; }
                foreach (var fd in fds)
                {
                    var target = ReadLink(fd, buffer);
                    if (target != null && string.Equals(target, path, StringComparison.Ordinal))
                    {
                        found.Add(new UsbDeviceHolder(pid, ProcessName(dir)));
                        break;
                    }
                }
            }
            return found;
        }

        private static string ProcessName(string procDir)
        {
            try
            {
                var cmd = File.ReadAllBytes(Path.Combine(procDir, "cmdline"));
                int end = Array.IndexOf(cmd, (byte)0);
                if (end < 0) end = cmd.Length;
                if (end > 0)
                {
                    var first = Encoding.UTF8.GetString(cmd, 0, end);
                    var name = first.Substring(first.LastIndexOf('/') + 1);
                    if (name.Length > 0) return name;
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
            try { return File.ReadAllText(Path.Combine(procDir, "comm")).Trim(); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return string.Empty; }
        }

        private static string ReadLink(string path, byte[] buffer)
        {
            try
            {
                long n = LibC.readlink(path, buffer, (IntPtr)buffer.Length).ToInt64();
                return n <= 0 || n >= buffer.Length ? null : Encoding.UTF8.GetString(buffer, 0, (int)n);
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                return null;
            }
        }

        private static class LibC
        {
            [DllImport("libc", SetLastError = true)]
            public static extern IntPtr readlink([MarshalAs(UnmanagedType.LPStr)] string path, byte[] buffer, IntPtr size);
        }
    }
}
