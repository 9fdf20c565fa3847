using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using ChdkPtp.Protocol.Transport.Usb;

namespace ChdkPtp.Protocol.Diagnostics
{
    /// <summary>
    /// Checks what USB cameras need on this machine: libusb, the cameras libusb sees, access to their device
    /// nodes, programs that hold them or grab cameras as they are plugged in (gvfs, ptpcamerad), CHDK on each
    /// camera, and the udev rules. Each check says what it found and how to fix it.
    /// </summary>
    public sealed class UsbEnvironment
    {
        /// <summary>Desktop services that take cameras as they are plugged in, per OS, with how to stop them.</summary>
        private static readonly (string Process, string Os, string Fix)[] CameraGrabbers =
        {
            ("gvfs-gphoto2-volume-monitor", "Linux", "It claims PTP cameras as they are plugged in (GNOME). Before connecting: gio mount -u gphoto2://* ; to stop it for this login: systemctl --user stop gvfs-gphoto2-volume-monitor ; for good: systemctl --user mask gvfs-gphoto2-volume-monitor."),
            ("gvfsd-gphoto2", "Linux", "It has a camera mounted (GNOME). Unmount it: gio mount -u gphoto2://*"),
            ("kiod5", "Linux", "KDE's Solid/KIO camera support may open cameras when they are plugged in; close the device notifier's camera action, or unmount the camera in the file manager."),
            ("ptpcamerad", "MacOS", "macOS claims cameras for Photos and Image Capture: run killall ptpcamerad right before connecting (it restarts on the next plug-in)."),
            ("PTPCamera", "MacOS", "Older macOS releases claim cameras with PTPCamera: quit Image Capture and Photos, then killall PTPCamera."),
        };

        /// <summary>Which OS this runs on, as the checks name it ("Linux", "MacOS", "Windows").</summary>
        public string Os { get; set; } = UsbErrors.CurrentOs.ToString();

        /// <summary>Open a short session with each camera to read its model and CHDK version (default true).</summary>
        public bool Probe { get; set; } = true;

        /// <summary>Cameras this process already has open: not probed (they would be busy), reported as in use.</summary>
        public Func<UsbCameraInfo, string> HeldBySession { get; set; }

        /// <summary>Names of running processes (a seam for tests).</summary>
        public Func<IEnumerable<string>> RunningProcesses { get; set; } = DefaultProcesses;

        /// <summary>Folders searched for udev rules that cover Canon cameras (a seam for tests).</summary>
        public string[] UdevRuleFolders { get; set; } = { "/etc/udev/rules.d", "/run/udev/rules.d", "/lib/udev/rules.d", "/usr/lib/udev/rules.d" };

        public IEnumerable<EnvironmentCheck> Run(CancellationToken cancel)
        {
            var lib = LibUsb.Probe();
            if (!lib.Available)
            {
                yield return new EnvironmentCheck("LibUsb", EnvironmentCheckStatus.Fail, null, lib.Error?.Message ?? "libusb-1.0 could not be loaded.", UsbErrors.InstallAdvice(UsbErrors.CurrentOs));
                foreach (var c in DesktopServices()) yield return c;
                yield break;
            }
            yield return new EnvironmentCheck("LibUsb", EnvironmentCheckStatus.Pass, lib.LibraryPath, $"libusb {lib.Version} loaded from {lib.LibraryPath}.");

            IReadOnlyList<UsbCameraInfo> canon, all;
            Exception listError = null;
            try
            {
                canon = UsbCameras.List(UsbCameras.CanonVendorId);
                all = UsbCameras.List(null);
            }
            catch (Exception ex) when (ex is Ptp.PtpException)
            {
                canon = all = Array.Empty<UsbCameraInfo>();
                listError = ex;
            }
            if (listError != null)
                yield return new EnvironmentCheck("Cameras", EnvironmentCheckStatus.Fail, null, "libusb could not list USB devices: " + listError.Message, "On Linux, check that /dev/bus/usb exists (in a container, pass the USB bus through).");
            else if (canon.Count == 0)
            {
                int others = all.Count;
                yield return new EnvironmentCheck("Cameras", EnvironmentCheckStatus.Warning, null,
                    "No Canon camera is visible on USB" + (others > 0 ? $" ({others} other Still Image device(s): {string.Join(", ", all.Select(d => d.ToString()))})." : "."),
                    "Connect the camera by USB and switch it on (in playback mode, with CHDK loaded). A camera in a USB hub that lacks power, or a charge-only cable, is not seen.");
            }
            else
                yield return new EnvironmentCheck("Cameras", EnvironmentCheckStatus.Pass, null, $"{canon.Count} Canon camera(s): {string.Join(", ", canon.Select(d => d.ToString()))}.");

            bool denied = false;
            foreach (var camera in canon)
            {
                cancel.ThrowIfCancellationRequested();
                // A camera this process may not open: the rules are needed, whoever runs it (root without
                // CAP_DAC_OVERRIDE, as in some containers, is refused too).
                foreach (var c in CheckCamera(camera, cancel, () => denied = true)) yield return c;
            }
            foreach (var c in DesktopServices()) yield return c;
            foreach (var c in UdevRules(denied)) yield return c;
        }

        /// <param name="onDenied">Called when the camera may not be opened for lack of permission.</param>
        private IEnumerable<EnvironmentCheck> CheckCamera(UsbCameraInfo camera, CancellationToken cancel, Action onDenied)
        {
            string where = camera.Location;
            if (Os == "Linux")
            {
                var access = NodeAccess(camera.DeviceNode);
                if (access == PermissionDenied) onDenied();
                yield return access == null
                    ? new EnvironmentCheck("Permissions", EnvironmentCheckStatus.Pass, where, $"{camera.DeviceNode} can be opened for reading and writing.")
                    : new EnvironmentCheck("Permissions", EnvironmentCheckStatus.Fail, where, $"{camera.DeviceNode}: {access}", UsbErrors.AccessAdvice(UsbErrors.CurrentOs, camera));
                var holders = UsbDeviceHolders.Find(camera);
                if (holders.Count > 0)
                    yield return new EnvironmentCheck("DeviceHolder", EnvironmentCheckStatus.Warning, where,
                        $"{camera.DeviceNode} is open in {string.Join(", ", holders.Select(h => h.ToString()))}.",
                        UsbErrors.BusyAdvice(UsbErrors.CurrentOs, camera, holders));
            }
            string session = HeldBySession?.Invoke(camera);
            if (session != null)
            {
                yield return new EnvironmentCheck("Chdk", EnvironmentCheckStatus.Pass, where, $"In use by {session} in this process.");
                yield break;
            }
            if (!Probe) yield break;
            var probe = UsbCameras.Probe(camera, cancel);
            if (probe.Succeeded)
            {
                yield return probe.ChdkVersion != null
                    ? new EnvironmentCheck("Chdk", EnvironmentCheckStatus.Pass, where, $"{probe.Model}: CHDK PTP protocol {probe.ChdkVersion}" + (string.IsNullOrEmpty(probe.SerialNumber) ? "." : $", serial {probe.SerialNumber}."))
                    : new EnvironmentCheck("Chdk", EnvironmentCheckStatus.Warning, where, $"{probe.Model} answers PTP but not CHDK (operation 0x9999).",
                        "Load CHDK on the camera (a CHDK SD card, locked for autoboot, or Firm Update in the camera's menu), then connect again.");
                yield break;
            }
            var kind = probe.ErrorKind;
            if (kind == UsbErrorKind.AccessDenied) onDenied();
            string fix = kind == UsbErrorKind.AccessDenied ? UsbErrors.AccessAdvice(UsbErrors.CurrentOs, camera)
                : kind == UsbErrorKind.Busy ? UsbErrors.BusyAdvice(UsbErrors.CurrentOs, camera, UsbDeviceHolders.Find(camera))
                : Os == "Windows" && probe.Error is UsbTransportException u && u.LibUsbError == Transport.Usb.Native.LibUsbConst.ErrorNotSupported
                    ? "The camera has no libusb-compatible driver: bind it to WinUSB with Zadig (https://zadig.akeo.ie), then replug it."
                : "Switch the camera off and on, check the cable and hub, and try again.";
            yield return new EnvironmentCheck(Os == "Windows" && kind == UsbErrorKind.Other ? "Driver" : "Chdk", EnvironmentCheckStatus.Fail, where,
                $"The camera could not be opened: {probe.Error.Message}", fix);
        }

        private const string PermissionDenied = "permission denied.";

        /// <summary>Null when <paramref name="node"/> opens for reading and writing (opening a usbfs node claims nothing), else why not.</summary>
        internal static string NodeAccess(string node)
        {
            try
            {
                using (new FileStream(node, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite)) return null;
            }
            catch (UnauthorizedAccessException) { return PermissionDenied; }
            catch (FileNotFoundException) { return "the device node does not exist (the camera was unplugged?)."; }
            catch (DirectoryNotFoundException) { return "the device node does not exist (is /dev/bus/usb mounted?)."; }
            catch (IOException ex) { return ex.Message; }
        }

        private IEnumerable<EnvironmentCheck> DesktopServices()
        {
            HashSet<string> running;
            try { running = new HashSet<string>(RunningProcesses(), StringComparer.Ordinal); }
            catch (Exception) { yield break; }
            bool any = false;
            foreach (var (name, os, fix) in CameraGrabbers)
            {
                if (os != Os || !running.Contains(name)) continue;
                any = true;
                yield return new EnvironmentCheck("DesktopService", EnvironmentCheckStatus.Warning, name, $"{name} is running.", fix);
            }
            if (!any && (Os == "Linux" || Os == "MacOS"))
                yield return new EnvironmentCheck("DesktopService", EnvironmentCheckStatus.Pass, null, "No desktop service that grabs cameras is running (" + string.Join(", ", CameraGrabbers.Where(g => g.Os == Os).Select(g => g.Process)) + ").");
        }

        /// <param name="denied">A camera could not be opened for lack of permission.</param>
        private IEnumerable<EnvironmentCheck> UdevRules(bool denied)
        {
            if (Os != "Linux") yield break;
            var found = new List<string>();
            foreach (var folder in UdevRuleFolders)
            {
                string[] files;
                try { files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.rules") : Array.Empty<string>(); }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { continue; }
                foreach (var f in files)
                {
                    try
                    {
                        if (File.ReadLines(f).Any(l => !l.TrimStart().StartsWith("#", StringComparison.Ordinal) && l.IndexOf("04a9", StringComparison.OrdinalIgnoreCase) >= 0))
                            found.Add(f);
                    }
                    catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { }
                }
            }
            const string install = "sudo cp " + UsbErrors.UdevRulesFile + " /etc/udev/rules.d/ && sudo udevadm control --reload-rules && sudo udevadm trigger (from the module folder), then replug the camera.";
            bool notNeeded = IsRoot() && !denied;
            yield return found.Count > 0
                ? new EnvironmentCheck("UdevRules", EnvironmentCheckStatus.Pass, found[0], $"udev rules for Canon devices (04a9): {string.Join(", ", found)}.")
                : new EnvironmentCheck("UdevRules", notNeeded ? EnvironmentCheckStatus.Info : EnvironmentCheckStatus.Warning, null,
                    "No udev rule mentions Canon's vendor id 04a9" + (notNeeded ? " (this process runs as root, so it is not needed here)."
                        : denied ? "; a camera here could not be opened for lack of permission (see the Permissions check)."
                        : "; without one, only root may open cameras unless the desktop grants access."),
                    install);
        }

        private static bool IsRoot()
        {
            try { return Environment.UserName == "root"; }
            catch (Exception) { return false; }
        }

        private static IEnumerable<string> DefaultProcesses()
        {
            foreach (var p in Process.GetProcesses())
            {
                string name = null;
                try { name = p.ProcessName; }
                catch (Exception) { }
                finally { p.Dispose(); }
                if (name != null) yield return name;
            }
        }
    }
}
