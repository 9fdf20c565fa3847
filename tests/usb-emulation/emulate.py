#!/usr/bin/python3
"""Runs a command with an emulated Canon CHDK camera on USB: real libusb clients talk to the simulator.

    emulate.py [options] -- COMMAND [ARGS...]

The camera is a umockdev testbed device (sysfs + /dev/bus/usb node with usbdevfs ioctls, see usbfs.py)
whose bulk pipes go to the simulator through tests/ChdkPtp.UsbBridge. COMMAND runs with
LD_PRELOAD=libumockdev-preload.so.0 and UMOCKDEV_DIR set, plus:
    CHDK_UMOCK_CONTROL   Unix socket of the control channel (see README.md: status, unplug, plug, replug, mode)
    CHDK_UMOCK_PID       this harness's pid (SIGUSR1: replug, SIGUSR2: unplug or plug)
    CHDK_UMOCKCTL        path of umockctl.py, the control channel's command-line client
The exit code is COMMAND's (125 when the harness itself failed, 126/127 when COMMAND cannot run).
"""

import argparse
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

HARNESS_FAILED = 125
APT_HINT = ("sudo apt-get install -y --no-install-recommends umockdev gir1.2-umockdev-1.0 python3-gi "
            "libusb-1.0-0 gphoto2")


def _require_gi():
    try:
        import gi
        gi.require_version("UMockdev", "1.0")
        from gi.repository import UMockdev  # noqa: F401
        return UMockdev
    except (ImportError, ValueError) as ex:
        sys.stderr.write("umock: umockdev's Python bindings are missing (%s) in %s.\n"
                         "umock: install them with: %s\n"
                         "umock: (run this script with the system python, /usr/bin/python3)\n"
                         % (ex, sys.executable, APT_HINT))
        sys.exit(HARNESS_FAILED)


def _find_preload():
    for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib",
              "/usr/local/lib"):
        if os.path.exists(os.path.join(d, "libumockdev-preload.so.0")):
            return "libumockdev-preload.so.0"
    found = glob.glob("/usr/lib/*/libumockdev-preload.so.0")
    if found:
        return "libumockdev-preload.so.0"
    sys.stderr.write("umock: libumockdev-preload.so.0 not found; install it with: %s\n" % APT_HINT)
    sys.exit(HARNESS_FAILED)


def _default_bridge_dll():
    candidates = glob.glob(os.path.join(REPO, "tests", "ChdkPtp.UsbBridge", "bin", "*", "net*", "ChdkPtp.UsbBridge.dll"))
    if not candidates:
        return None
    return max(candidates, key=os.path.getmtime)


class Harness:
    def __init__(self, args):
        self.args = args
        self.log_file = open(args.log, "a", buffering=1) if args.log else None
        self.log_lock = threading.Lock()
        import usbfs
        import usbdesc
        self.usbfs, self.usbdesc = usbfs, usbdesc
        self.stats = usbfs.Stats()
        self.tmp = tempfile.mkdtemp(prefix="chdk-umock-")
        self.bridge_proc = None
        self.bridge_socket = args.bridge_socket
        self.plug_lock = threading.RLock()
        self.device = None
        self.old_devices = []
        self.next_devnum = args.devnum
        self.serial = args.serial or ""
        self.mode = args.mode
        self.testbed = None
        self.root_hub = None
        self.child = None
        self.control_path = os.path.join(self.tmp, "control")
        self.stopping = threading.Event()

    def log(self, text, always=False):
        line = "[umock %s] %s" % (time.strftime("%H:%M:%S"), text)
        with self.log_lock:
            if self.log_file:
                self.log_file.write(line + "\n")
            if always or self.args.verbose:
                sys.stderr.write(line + "\n")
                sys.stderr.flush()

    # -- bridge ---------------------------------------------------------------------------------------------

    def start_bridge(self):
        if self.bridge_socket:
            if not os.path.exists(self.bridge_socket):
                raise RuntimeError("--bridge-socket %s does not exist" % self.bridge_socket)
            return
        dll = self.args.bridge_dll or _default_bridge_dll()
        if not dll or not os.path.exists(dll):
            raise RuntimeError("the simulator bridge is not built: run 'dotnet build %s' (or pass --bridge-dll)"
                               % os.path.join(REPO, "tests", "ChdkPtp.UsbBridge"))
        self.bridge_socket = os.path.join(self.tmp, "bridge.sock")
        cmd = ["dotnet", dll, "--socket", self.bridge_socket, "--product-id", "%x" % self.args.product_id]
        if self.args.simulator_root:
            os.makedirs(self.args.simulator_root, exist_ok=True)
            cmd += ["--root", self.args.simulator_root]
        if self.serial:
            cmd += ["--serial", self.serial]
        if self.args.verbose:
            cmd.append("--verbose")
        self.log("starting bridge: %s" % " ".join(cmd))
        self.bridge_proc = subprocess.Popen(cmd, env=_clean_env(os.environ), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=None if self.args.verbose else subprocess.DEVNULL,
                                            text=True)
        line = self.bridge_proc.stdout.readline()
        if not line.startswith("READY"):
            self.bridge_proc.kill()
            raise RuntimeError("the simulator bridge did not start (said %r, exit code %s)"
                               % (line, self.bridge_proc.poll()))

    def stop_bridge(self):
        p = self.bridge_proc
        if p is None:
            return
        try:
            p.stdin.close()
        except OSError:
            pass
        p.terminate()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

    # -- testbed ----------------------------------------------------------------------------------------------

    def build_testbed(self):
        UMockdev = _require_gi()
        self.testbed = UMockdev.Testbed.new()
        tb = self.testbed
        rec = self.usbdesc.umockdev_record
        pci = "/devices/pci0000:00/0000:00:14.0"
        tb.add_from_string(rec(pci, "pci",
                               {"vendor": "0x8086\n", "device": "0xa36d\n", "class": "0x0c0330\n"},
                               {"DRIVER": "xhci_hcd", "PCI_CLASS": "C0330", "PCI_ID": "8086:A36D",
                                "PCI_SLOT_NAME": "0000:00:14.0"}))
        bus = self.args.bus
        hub = "%s/usb%d" % (pci, bus)
        tb.add_from_string(rec(
            hub, "usb",
            {"busnum": "%d\n" % bus, "devnum": "1\n", "devpath": "0\n", "dev": "189:%d\n" % ((bus - 1) * 128),
             "speed": "480\n", "idVendor": "1d6b\n", "idProduct": "0002\n", "bcdDevice": "0601\n",
             "bDeviceClass": "09\n", "bNumConfigurations": "1\n", "bConfigurationValue": "1\n",
             "bNumInterfaces": " 1\n", "maxchild": "4\n", "manufacturer": "Linux xhci-hcd\n",
             "product": "xHCI Host Controller\n", "serial": "0000:00:14.0\n", "authorized": "1\n",
             "version": " 2.00\n", "removable": "unknown\n"},
            {"DEVNAME": "/dev/bus/usb/%03d/001" % bus, "DEVTYPE": "usb_device", "DRIVER": "usb",
             "BUSNUM": "%03d" % bus, "DEVNUM": "001", "PRODUCT": "1d6b/2/601", "TYPE": "9/0/1",
             "ID_VENDOR_ID": "1d6b", "ID_MODEL_ID": "0002"},
            {"descriptors": self.usbdesc.root_hub_descriptors()}))
        self.root_hub = hub
        # the root hub's node is not created: nothing needs to open it, and umockdev's default ioctl
        # handler would abort a client that tried
        self.log("testbed %s" % tb.get_root_dir())

    # -- plug / unplug ----------------------------------------------------------------------------------------

    def plug(self, serial=None, devnum=None):
        from bridgelink import BridgeLink
        with self.plug_lock:
            if self.device is not None:
                return False
            if serial:
                self.serial = serial
            devnum = devnum or self.next_devnum
            if any(d.devnum == devnum for d in self.old_devices):
                self.testbed.detach_ioctl("/dev/bus/usb/%03d/%03d" % (self.args.bus, devnum))
                self.old_devices = [d for d in self.old_devices if d.devnum != devnum]
            link = BridgeLink(self.bridge_socket, self.serial)
            self.serial = link.info.get("serial", self.serial)
            ident = self.usbdesc.Identity(product_id=self.args.product_id, serial=self.serial)
            dev = self.usbfs.Device(self.testbed, self.log, self.stats, self.args.bus, devnum, ident, link,
                                    mode=self.mode, scatter_gather=self.args.scatter_gather,
                                    usbfs_memory_mb=self.args.usbfs_memory_mb, parent_syspath=self.root_hub,
                                    port=1)
            dev.plug()
            self.device = dev
            self.next_devnum = devnum + 1 if devnum < 127 else 2
            return True

    def unplug(self):
        with self.plug_lock:
            dev = self.device
            if dev is None:
                return False
            self.device = None
            dev.unplug()
            self.old_devices.append(dev)
            return True

    def replug(self, gap=None, serial=None):
        with self.plug_lock:
            self.unplug()
            time.sleep(self.args.replug_gap if gap is None else gap)
            self.plug(serial=serial)

    def arm_unplug_after_in(self, limit, replug=True, gap=None):
        def pull():
            if replug:
                self.replug(gap=gap, serial=self.args.replug_serial)
            else:
                self.unplug()
        with self.plug_lock:
            if self.device is None:
                raise RuntimeError("no camera is plugged in")
            with self.device.lock:
                self.device.unplug_after_in = (limit, pull)

    def status(self):
        with self.plug_lock:
            d = self.device
            if d is None:
                return "unplugged"
            return "plugged bus=%d dev=%d serial=%s mode=%s node=%s" % (d.busnum, d.devnum, d.ident.serial, d.mode, d.node)

    # -- control channel ---------------------------------------------------------------------------------------

    def serve_control(self):
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(self.control_path)
        srv.listen(4)
        self.control_server = srv

        def handle(conn):
            with conn, conn.makefile("rw", buffering=1) as f:
                for line in f:
                    try:
                        reply = self.control(line.strip())
                    except Exception as ex:
                        reply = "error %s" % ex
                        self.log("control %r failed: %s\n%s" % (line, ex, traceback.format_exc()), always=True)
                    f.write(reply + "\n")
                    f.flush()

        def loop():
            while not self.stopping.is_set():
                try:
                    conn, _ = srv.accept()
                except OSError:
                    return
                threading.Thread(target=handle, args=(conn,), daemon=True).start()

        threading.Thread(target=loop, name="umock-control", daemon=True).start()

        def sweep():
            while not self.stopping.wait(0.25):
                with self.plug_lock:
                    d = self.device
                if d is not None:
                    d.sweep_closed()
        threading.Thread(target=sweep, name="umock-sweep", daemon=True).start()

    def control(self, line):
        words = line.split()
        if not words:
            return "error empty command"
        cmd, opts = words[0], dict(w.split("=", 1) for w in words[1:] if "=" in w)
        self.log("control: %s" % line)
        if cmd == "status":
            return self.status()
        if cmd == "unplug":
            return "ok unplugged" if self.unplug() else "ok already unplugged"
        if cmd == "plug":
            self.plug(serial=opts.get("serial"), devnum=int(opts["devnum"]) if "devnum" in opts else None)
            return "ok " + self.status()
        if cmd == "replug":
            self.replug(gap=float(opts["gap"]) if "gap" in opts else None, serial=opts.get("serial"))
            return "ok " + self.status()
        if cmd == "unplug-after-in":
            # pull the cable once the camera has sent bytes=N on bulk IN (counted from the start of the run),
            # then plug it back after gap=SECONDS unless replug=no
            limit = int(opts["bytes"])
            replug = opts.get("replug", "yes") != "no"
            gap = float(opts["gap"]) if "gap" in opts else None
            self.arm_unplug_after_in(limit, replug, gap)
            return "ok armed bytes=%d replug=%s" % (limit, "yes" if replug else "no")
        if cmd == "mode":
            mode = words[1] if len(words) > 1 else ""
            if mode not in ("normal", "busy", "denied"):
                return "error mode must be normal, busy or denied"
            with self.plug_lock:
                self.mode = mode
                if self.device is not None:
                    self.device.set_mode(mode)
            return "ok mode=%s" % mode
        if cmd == "stats":
            return json.dumps(self.stats.as_dict(), sort_keys=True)
        return "error unknown command %r (status, unplug, plug, replug, unplug-after-in, mode, stats)" % cmd

    # -- command -----------------------------------------------------------------------------------------------

    def run_command(self, command):
        env = _clean_env(os.environ)
        preload = _find_preload()
        env["LD_PRELOAD"] = preload + (":" + env["LD_PRELOAD"] if env.get("LD_PRELOAD") else "")
        env["UMOCKDEV_DIR"] = self.testbed.get_root_dir()
        env["CHDK_UMOCK_CONTROL"] = self.control_path
        env["CHDK_UMOCK_PID"] = str(os.getpid())
        env["CHDK_UMOCKCTL"] = os.path.join(HERE, "umockctl.py")
        # umockdev's preload holds one lock across every trapped open(); the .NET runtime's debugger thread
        # opens a FIFO that blocks until a debugger comes, and the runtime then waits on that lock forever.
        env.setdefault("DOTNET_EnableDiagnostics_Debugger", "0")
        if self.args.libusb_debug:
            env["LIBUSB_DEBUG"] = str(self.args.libusb_debug)
        if self.mode == "denied" and os.geteuid() == 0 and not self.args.keep_dac_override:
            # root ignores file modes; without CAP_DAC_OVERRIDE the node's mode 000 gives EACCES as for a user
            setpriv = shutil.which("setpriv")
            if setpriv:
                command = [setpriv, "--inh-caps=-dac_override,-dac_read_search",
                           "--bounding-set=-dac_override,-dac_read_search", "--"] + command
            else:
                self.log("setpriv not found: as root, 'denied' mode cannot make open() fail", always=True)
        self.log("running: %s" % " ".join(command))
        try:
            self.child = subprocess.Popen(command, env=env)
        except FileNotFoundError:
            self.log("command not found: %s" % command[0], always=True)
            return 127
        except PermissionError:
            self.log("command not executable: %s" % command[0], always=True)
            return 126
        if self.args.unplug_after_in is not None:
            self.arm_unplug_after_in(self.args.unplug_after_in, replug=not self.args.stay_unplugged)
        if self.args.replug_after is not None:
            def timer():
                if not self.stopping.wait(self.args.replug_after):
                    self.log("replug after %.1f s" % self.args.replug_after)
                    self.replug(serial=self.args.replug_serial)
            threading.Thread(target=timer, name="umock-replug", daemon=True).start()
        while True:
            # wait in slices: a signal that lands on another thread (umockdev's, the bridge's) is only
            # acted on when the main thread runs Python code
            try:
                return self.child.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                continue
            except KeyboardInterrupt:
                continue

    def on_signal(self, signum, _frame):
        if signum in (signal.SIGINT, signal.SIGTERM):
            if self.child is not None and self.child.poll() is None:
                self.child.send_signal(signum)
            return
        if signum == signal.SIGUSR1:
            threading.Thread(target=self.replug, kwargs={"serial": self.args.replug_serial}, daemon=True).start()
        elif signum == signal.SIGUSR2:
            def toggle():
                with self.plug_lock:
                    if self.device is not None:
                        self.unplug()
                    else:
                        self.plug(serial=self.args.replug_serial)
            threading.Thread(target=toggle, daemon=True).start()

    def close(self):
        self.stopping.set()
        try:
            self.control_server.close()
        except AttributeError:
            pass
        with self.plug_lock:
            for d in ([self.device] if self.device else []) + self.old_devices:
                try:
                    d.shutdown()
                except Exception:
                    pass
        self.stop_bridge()
        root = self.testbed.get_root_dir() if self.testbed else None
        self.testbed = None
        if root:
            shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write_summary(self, exit_code):
        summary = self.stats.as_dict()
        summary["exit_code"] = exit_code
        summary["serial"] = self.serial
        unknown = sum(summary["unknown_ioctls"].values())
        self.log("summary: %d ioctls, %d bytes OUT (%d ZLP), %d bytes IN (%d ZLP), %d unknown ioctls, %d warnings"
                 % (sum(summary["ioctls"].values()), summary["bytes_out"], summary["zlp_out"], summary["bytes_in"],
                    summary["zlp_in"], unknown, len(summary["errors"])), always=unknown > 0 or self.args.verbose)
        if self.args.summary:
            with open(self.args.summary, "w") as f:
                json.dump(summary, f, indent=1, sort_keys=True)
        return unknown


def parse_args(argv):
    if "--" in argv:
        i = argv.index("--")
        opts, command = argv[:i], argv[i + 1:]
    else:
        opts, command = argv, []
    p = argparse.ArgumentParser(prog="emulate.py", description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("--simulator-root", help="folder that is the simulated camera's SD card (A/); default: a fresh temporary folder")
    p.add_argument("--bridge-socket", help="use an already running bridge on this Unix socket instead of starting one")
    p.add_argument("--bridge-dll", help="ChdkPtp.UsbBridge.dll to run (default: the newest build under tests/ChdkPtp.UsbBridge/bin)")
    p.add_argument("--serial", help="USB and PTP serial number (32 hex digits; default: the simulator's random one)")
    p.add_argument("--product-id", type=lambda s: int(s, 16), default=0x325A, help="USB idProduct in hex (default 325a, PowerShot SX160 IS)")
    p.add_argument("--bus", type=int, default=1, help="USB bus number (default 1)")
    p.add_argument("--devnum", type=int, default=2, help="first device address (default 2); each replug takes the next")
    p.add_argument("--mode", choices=("normal", "busy", "denied"), default="normal",
                   help="busy: CLAIMINTERFACE fails with EBUSY (another program has the camera); denied: open() fails with EACCES")
    p.add_argument("--keep-dac-override", action="store_true", help="in denied mode as root, do not drop CAP_DAC_OVERRIDE from the command")
    p.add_argument("--replug-after", type=float, help="unplug the camera this many seconds after the command starts, then plug it back")
    p.add_argument("--unplug-after-in", type=int, metavar="BYTES",
                   help="unplug the camera once it has sent BYTES on bulk IN (exactly: later packets never arrive), then plug it back")
    p.add_argument("--stay-unplugged", action="store_true", help="with --unplug-after-in: do not plug the camera back")
    p.add_argument("--replug-gap", type=float, default=1.0, help="seconds between unplug and plug on a replug (default 1)")
    p.add_argument("--replug-serial", help="serial number the camera has after a replug (default: unchanged)")
    p.add_argument("--scatter-gather", action="store_true",
                   help="advertise USBDEVFS_CAP_BULK_SCATTER_GATHER: libusb then submits one URB per transfer instead of 16 KiB URBs")
    p.add_argument("--usbfs-memory-mb", type=int, default=16, help="usbfs memory limit for URBs in flight (default 16, as the kernel)")
    p.add_argument("--summary", help="write JSON statistics (ioctls, URBs, bytes, ZLPs, unknown ioctls) to this file at exit")
    p.add_argument("--strict", action="store_true", help="exit 125 if the client used an ioctl the emulation does not know")
    p.add_argument("--log", help="append the harness log to this file")
    p.add_argument("--libusb-debug", type=int, help="set LIBUSB_DEBUG for the command (4: everything)")
    p.add_argument("-v", "--verbose", action="store_true", help="log to stderr")
    args = p.parse_args(opts)
    if not command:
        p.error("no command: emulate.py [options] -- COMMAND [ARGS...]")
    return args, command


def _reexec_under_preload():
    """umockdev's uevent sender resolves devices through libudev, which must see the testbed: the harness
    itself runs with the preload (as umockdev's own tests run under umockdev-wrapper)."""
    if os.environ.get("CHDK_UMOCK_HARNESS") == "1":
        return
    env = dict(os.environ)
    env["CHDK_UMOCK_HARNESS"] = "1"
    env.pop("UMOCKDEV_DIR", None)
    preload = _find_preload()
    env["LD_PRELOAD"] = preload + (":" + env["LD_PRELOAD"] if env.get("LD_PRELOAD") else "")
    os.execve(sys.executable, [sys.executable, os.path.abspath(__file__)] + sys.argv[1:], env)


def _clean_env(env):
    """The environment of programs the harness starts that must not see the testbed (the bridge)."""
    env = dict(env)
    env.pop("CHDK_UMOCK_HARNESS", None)
    env.pop("UMOCKDEV_DIR", None)
    preload = [p for p in env.get("LD_PRELOAD", "").split(":") if p and "libumockdev-preload" not in p]
    if preload:
        env["LD_PRELOAD"] = ":".join(preload)
    else:
        env.pop("LD_PRELOAD", None)
    return env


def main(argv):
    args, command = parse_args(argv)
    _require_gi()
    _reexec_under_preload()
    h = Harness(args)
    code = HARNESS_FAILED
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(s, h.on_signal)
    try:
        h.start_bridge()
        h.build_testbed()
        h.serve_control()
        h.plug()
        code = h.run_command(command)
    except Exception as ex:
        h.log("harness failed: %s\n%s" % (ex, traceback.format_exc()), always=True)
        code = HARNESS_FAILED
    finally:
        try:
            unknown = h.write_summary(code)
            if args.strict and unknown and code == 0:
                h.log("--strict: the client used %d unknown ioctls" % unknown, always=True)
                code = HARNESS_FAILED
        finally:
            h.close()
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
