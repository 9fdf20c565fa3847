using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport.Usb.Native;

namespace ChdkPtp.Protocol.Transport.Usb
{
    /// <summary>The host OS, for advice in messages (a parameter so tests can check every variant).</summary>
    internal enum UsbHostOs { Linux, MacOS, Windows, Other }

    /// <summary>Turns libusb errors into exceptions whose messages say what to do.</summary>
    internal static class UsbErrors
    {
        public static UsbHostOs CurrentOs =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? UsbHostOs.Linux
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? UsbHostOs.MacOS
            : RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? UsbHostOs.Windows
            : UsbHostOs.Other;

        public const string UdevRulesFile = "udev/60-chdkptp.rules";

        /// <summary>The kind of a libusb_error code.</summary>
        public static UsbErrorKind KindOf(int libUsbError)
        {
            switch (libUsbError)
            {
                case LibUsbConst.ErrorAccess: return UsbErrorKind.AccessDenied;
                case LibUsbConst.ErrorBusy: return UsbErrorKind.Busy;
                case LibUsbConst.ErrorNoDevice: return UsbErrorKind.NoDevice;
                case LibUsbConst.ErrorTimeout: return UsbErrorKind.Timeout;
                case LibUsbConst.ErrorPipe: return UsbErrorKind.Stall;
                case LibUsbConst.ErrorIo:
                case LibUsbConst.ErrorOverflow: return UsbErrorKind.Io;
                default: return UsbErrorKind.Other;
            }
        }

        /// <summary>How to install libusb on <paramref name="os"/>.</summary>
        public static string InstallAdvice(UsbHostOs os)
        {
            switch (os)
            {
                case UsbHostOs.Linux:
                    return "Install it with the package manager: Debian, Ubuntu, Raspberry Pi OS: sudo apt install libusb-1.0-0; " +
                           "Fedora: sudo dnf install libusb1; Arch: sudo pacman -S libusb.";
                case UsbHostOs.MacOS:
                    return "Install it with Homebrew: brew install libusb (MacPorts: sudo port install libusb).";
                case UsbHostOs.Windows:
                    return "Download libusb from https://libusb.info, put libusb-1.0.dll (the build for this process's " +
                           "architecture) next to ChdkPtp.dll, and bind the camera to the WinUSB driver with Zadig (https://zadig.akeo.ie).";
                default:
                    return "Install libusb 1.0 (https://libusb.info) with this system's package manager.";
            }
        }

        /// <summary>The NotInstalled error. <paramref name="tried"/> lists what was tried and why it failed.</summary>
        public static UsbTransportException NotInstalled(UsbHostOs os, string tried)
        {
            var msg = "libusb-1.0 could not be loaded; it is needed to talk to cameras over USB. " + InstallAdvice(os) +
                      (string.IsNullOrEmpty(tried) ? string.Empty : Environment.NewLine + "Tried:" + tried);
            return new UsbTransportException(UsbErrorKind.NotInstalled, msg);
        }

        /// <summary>
        /// The exception for libusb error <paramref name="code"/> returned by <paramref name="operation"/>
        /// (e.g. "claiming interface 0") on <paramref name="camera"/>. Timeouts become
        /// <see cref="PtpTimeoutException"/>. <paramref name="holders"/> is asked only for Busy.
        /// </summary>
        public static PtpTransportException From(int code, string operation, UsbCameraInfo camera, int timeoutMs, UsbHostOs os,
                                                 Func<IReadOnlyList<UsbDeviceHolder>> holders = null, string errorText = null)
        {
            var kind = KindOf(code);
            string loc = camera?.Location ?? "usb";
            string name = LibUsbConst.ErrorName(code) + (string.IsNullOrEmpty(errorText) ? string.Empty : " (" + errorText + ")");
            switch (kind)
            {
                case UsbErrorKind.Timeout:
                    return new PtpTimeoutException($"The camera at {loc} did not complete {operation} within {timeoutMs} ms.");
                case UsbErrorKind.AccessDenied:
                    return new UsbTransportException(kind, $"No permission to use the camera at {loc} ({name} while {operation}). " + AccessAdvice(os, camera), code, camera?.Location);
                case UsbErrorKind.Busy:
                {
                    var list = Others(holders);
                    var e = new UsbTransportException(kind, $"The camera at {loc} is in use by another program or driver ({name} while {operation}). " + BusyAdvice(os, camera, list), code, camera?.Location);
                    e.Holders = list;
                    return e;
                }
                case UsbErrorKind.NoDevice:
                    return new UsbTransportException(kind, $"The camera at {loc} is gone ({name} while {operation}): the camera was unplugged or switched off.", code, camera?.Location);
                case UsbErrorKind.Stall:
                    return new UsbTransportException(kind, $"The camera at {loc} stalled the pipe while {operation} ({name}); the halt was cleared but the operation is lost: reconnect to go on.", code, camera?.Location);
                case UsbErrorKind.Io:
                    return new UsbTransportException(kind, $"USB I/O error with the camera at {loc} while {operation} ({name}). Check the cable, the hub and the camera's battery, then reconnect.", code, camera?.Location);
                default:
                    string advice = code == LibUsbConst.ErrorNotSupported && os == UsbHostOs.Windows
                        ? " The camera's driver is not one libusb can use: bind it to WinUSB with Zadig (https://zadig.akeo.ie)."
                        : string.Empty;
                    return new UsbTransportException(kind, $"USB failure with the camera at {loc} while {operation} ({name}).{advice}", code, camera?.Location);
            }
        }

        /// <summary>Holders other than this process (which has the node open itself once it opened the camera).</summary>
        private static IReadOnlyList<UsbDeviceHolder> Others(Func<IReadOnlyList<UsbDeviceHolder>> holders)
        {
            if (holders == null) return Array.Empty<UsbDeviceHolder>();
            IReadOnlyList<UsbDeviceHolder> all;
            try { all = holders(); }
            catch (Exception) { return Array.Empty<UsbDeviceHolder>(); }
            int self;
            using (var p = Process.GetCurrentProcess()) self = p.Id;
            return all.Where(h => h.Pid != self).ToArray();
        }

        public static string AccessAdvice(UsbHostOs os, UsbCameraInfo camera)
        {
            switch (os)
            {
                case UsbHostOs.Linux:
                    return $"Your user may not open {camera?.DeviceNode ?? "/dev/bus/usb/..."}. Install the udev rules that come with ChdkPtp: " +
                           $"sudo cp {UdevRulesFile} /etc/udev/rules.d/ && sudo udevadm control --reload && sudo udevadm trigger, " +
                           "then unplug and replug the camera (or run as root).";
                case UsbHostOs.MacOS:
                    return "Another program may have the camera open for exclusive access: macOS's ptpcamerad claims cameras when they are plugged in " +
                           "(run killall ptpcamerad, and quit Photos and Image Capture), or a gphoto2, chdkptp or other ChdkPtp process holds it.";
                case UsbHostOs.Windows:
                    return "Another program may be using the camera (a photo importer, another ChdkPtp or chdkptp), or the camera is not bound to WinUSB: " +
                           "bind it with Zadig (https://zadig.akeo.ie).";
                default:
                    return "Check the device's permissions, or run as an administrator.";
            }
        }

        public static string BusyAdvice(UsbHostOs os, UsbCameraInfo camera, IReadOnlyList<UsbDeviceHolder> holders)
        {
            string who = holders != null && holders.Count > 0
                ? $"Holding {camera?.DeviceNode ?? "the device"}: {string.Join(", ", holders.Select(h => h.ToString()))}. "
                : string.Empty;
            switch (os)
            {
                case UsbHostOs.Linux:
                    return who + "Close that program. On desktops the GNOME gvfs gphoto2 volume monitor (gvfs-gphoto2-volume-monitor) takes cameras " +
                           "as they are plugged in: run gio mount -u gphoto2://* (or stop gvfs-gphoto2-volume-monitor); " +
                           "also look for gphoto2, chdkptp or another ChdkPtp process.";
                case UsbHostOs.MacOS:
                    return who + "macOS's ptpcamerad (PTPCamera on older releases) claims cameras when they are plugged in: run killall ptpcamerad " +
                           "(and quit Photos and Image Capture); also look for gphoto2, chdkptp or another ChdkPtp process.";
                case UsbHostOs.Windows:
                    return who + "Close the other program (a photo importer, another ChdkPtp or chdkptp process).";
                default:
                    return who + "Close the other program (gphoto2, chdkptp or another ChdkPtp process).";
            }
        }
    }
}
