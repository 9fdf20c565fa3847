"""The emulated camera as libusb sees it on Linux: a sysfs USB device, a /dev/bus/usb node, and the usbdevfs
ioctls answered as the kernel's drivers/usb/core/devio.c does, with the bulk pipes bridged to the simulator.

libusb (linux_usbfs.c) talks to a device through ioctls on its node: SUBMITURB queues an asynchronous
transfer (a URB whose buffer lives in the client process), REAPURBNDELAY takes back a completed one, and
poll(POLLOUT) on the node says that one is ready. umockdev's preload forwards every ioctl on the node to
the handler here (UMockdev.IoctlBase "handle-ioctl"), which reads and writes the client's memory through
UMockdev.IoctlData. The node itself is a FIFO: the handler keeps it full (not writable) while no URB can
be reaped and empty (writable) when one can, so the client's poll() wakes up exactly as on usbfs.

USB semantics kept here, as a host controller and devio.c give them:
  * bulk IN: packets from the camera fill the oldest URB; it completes when full or on a short (or
    zero-length) packet; a short completion of a URB flagged SHORT_NOT_OK is -EREMOTEIO; a packet that
    does not fit is babble (-EOVERFLOW). After an error, the fd's following BULK_CONTINUATION URBs on the
    endpoint are unlinked (-ECONNRESET) and further continuation submits fail with EREMOTEIO until a URB
    without the flag starts a new transfer.
  * bulk OUT: a URB of N bytes is ceil(N/512) packets, the last short unless N % 512 == 0; ZERO_PACKET adds
    a zero-length packet after a whole number of packets; the URB completes once the camera has taken it.
  * control: standard requests from the descriptors, PTP class requests 0x66 (Device Reset, forwarded to
    the simulator) and 0x67 (Get Device Status: OK); anything else stalls (-EPIPE).
  * interrupt IN (events): stays pending until discarded (CHDK sends no events).
  * unplug: pending URBs complete with -ESHUTDOWN and stay reapable (CAP_REAP_AFTER_DISCONNECT); every
    other ioctl fails with ENODEV.
"""

import collections
import errno
import fcntl
import os
import stat
import struct
import threading
import traceback

import usbdesc

# ---------------------------------------------------------------------------------------------------------
# ioctl numbers (linux/usbdevice_fs.h, x86-64/aarch64 layout: pointers are 8 bytes)

_IOC_NONE, _IOC_WRITE, _IOC_READ = 0, 1, 2


def _ioc(direction, nr, size):
    return (direction << 30) | (size << 16) | (ord("U") << 8) | nr


USBDEVFS = {
    "CONTROL": _ioc(_IOC_READ | _IOC_WRITE, 0, 24),
    "BULK": _ioc(_IOC_READ | _IOC_WRITE, 2, 24),
    "RESETEP": _ioc(_IOC_READ, 3, 4),
    "SETINTERFACE": _ioc(_IOC_READ, 4, 8),
    "SETCONFIGURATION": _ioc(_IOC_READ, 5, 4),
    "GETDRIVER": _ioc(_IOC_WRITE, 8, 260),
    "SUBMITURB": _ioc(_IOC_READ, 10, 56),
    "DISCARDURB": _ioc(_IOC_NONE, 11, 0),
    "REAPURB": _ioc(_IOC_WRITE, 12, 8),
    "REAPURBNDELAY": _ioc(_IOC_WRITE, 13, 8),
    "DISCSIGNAL": _ioc(_IOC_READ, 14, 16),
    "CLAIMINTERFACE": _ioc(_IOC_READ, 15, 4),
    "RELEASEINTERFACE": _ioc(_IOC_READ, 16, 4),
    "CONNECTINFO": _ioc(_IOC_WRITE, 17, 8),
    "IOCTL": _ioc(_IOC_READ | _IOC_WRITE, 18, 16),
    "HUB_PORTINFO": _ioc(_IOC_READ, 19, 128),
    "RESET": _ioc(_IOC_NONE, 20, 0),
    "CLEAR_HALT": _ioc(_IOC_READ, 21, 4),
    "DISCONNECT": _ioc(_IOC_NONE, 22, 0),
    "CONNECT": _ioc(_IOC_NONE, 23, 0),
    "CLAIM_PORT": _ioc(_IOC_READ, 24, 4),
    "RELEASE_PORT": _ioc(_IOC_READ, 25, 4),
    "GET_CAPABILITIES": _ioc(_IOC_READ, 26, 4),
    "DISCONNECT_CLAIM": _ioc(_IOC_READ, 27, 264),
    "ALLOC_STREAMS": _ioc(_IOC_READ, 28, 8),
    "FREE_STREAMS": _ioc(_IOC_READ, 29, 8),
    "DROP_PRIVILEGES": _ioc(_IOC_WRITE, 30, 4),
    "GET_SPEED": _ioc(_IOC_NONE, 31, 0),
    "FORBID_SUSPEND": _ioc(_IOC_NONE, 33, 0),
    "ALLOW_SUSPEND": _ioc(_IOC_NONE, 34, 0),
    "WAIT_FOR_RESUME": _ioc(_IOC_NONE, 35, 0),
}
IOCTL_NAMES = {v: k for k, v in USBDEVFS.items()}
CONNINFO_EX_NR = 32  # _IOC(_IOC_READ, 'U', 32, len): the size varies

URB_TYPE_ISO, URB_TYPE_INTERRUPT, URB_TYPE_CONTROL, URB_TYPE_BULK = 0, 1, 2, 3
URB_SHORT_NOT_OK, URB_ISO_ASAP, URB_BULK_CONTINUATION = 0x01, 0x02, 0x04
URB_NO_FSBR, URB_ZERO_PACKET, URB_NO_INTERRUPT = 0x20, 0x40, 0x80

CAP_ZERO_PACKET, CAP_BULK_CONTINUATION, CAP_NO_PACKET_SIZE_LIM = 0x01, 0x02, 0x04
CAP_BULK_SCATTER_GATHER, CAP_REAP_AFTER_DISCONNECT = 0x08, 0x10
CAP_CONNINFO_EX, CAP_SUSPEND = 0x80, 0x100

USB_SPEED_HIGH = 3
URB_STRUCT_SIZE = 56          # struct usbdevfs_urb without iso descriptors
URB_BUFFER_OFFSET = 16        # void *buffer
CTRL_DATA_OFFSET = 16         # struct usbdevfs_ctrltransfer: void *data
PACKET = usbdesc.PACKET_SIZE
MAX_IN_REQUEST = 1024 * 1024  # the most bulk IN bytes asked of the bridge at once

# PTP still image class requests (PIMA 15740 USB annex)
PTP_CANCEL, PTP_GET_EXTENDED_EVENT_DATA, PTP_DEVICE_RESET, PTP_GET_DEVICE_STATUS = 0x64, 0x65, 0x66, 0x67


class Stats:
    """What the emulation saw, for the summary file and the tests."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ioctls = collections.Counter()
        self.unknown_ioctls = collections.Counter()
        self.control_requests = collections.Counter()
        self.urbs = collections.Counter()
        self.bytes_out = 0
        self.bytes_in = 0
        self.zlp_out = 0
        self.zlp_in = 0
        self.short_in = 0
        self.max_urb = 0
        self.opens = 0
        self.plugs = 0
        self.unplugs = 0
        self.errors = []

    def count(self, counter, key, n=1):
        with self.lock:
            counter[key] += n

    def as_dict(self):
        with self.lock:
            return {
                "ioctls": dict(self.ioctls),
                "unknown_ioctls": dict(self.unknown_ioctls),
                "control_requests": dict(self.control_requests),
                "urbs": dict(self.urbs),
                "bytes_out": self.bytes_out, "bytes_in": self.bytes_in,
                "zlp_out": self.zlp_out, "zlp_in": self.zlp_in, "short_in": self.short_in,
                "max_urb": self.max_urb, "opens": self.opens,
                "plugs": self.plugs, "unplugs": self.unplugs,
                "errors": list(self.errors),
            }


class Urb:
    __slots__ = ("fd", "data", "buf", "addr", "type", "ep", "flags", "length", "got", "status",
                 "actual", "continuation", "setup", "done")

    def __init__(self, fd, data, buf, raw):
        self.fd = fd
        self.data = data        # UMockdev.IoctlData of the struct (kept for the reap)
        self.buf = buf          # UMockdev.IoctlData of the buffer, or None
        self.addr = data.client_addr
        self.type, self.ep = raw[0], raw[1]
        self.flags = struct.unpack_from("<I", raw, 8)[0]
        self.length = struct.unpack_from("<i", raw, 24)[0]
        self.got = bytearray()
        self.status = 0
        self.actual = 0
        self.continuation = bool(self.flags & URB_BULK_CONTINUATION)
        self.setup = None
        self.done = False

    def describe(self):
        return "urb %#x type %d ep %#04x len %d flags %#x" % (self.addr, self.type, self.ep, self.length, self.flags)


class OpenFile:
    """One open() of the node (one IoctlClient): its URBs, as devio.c's struct usb_dev_state."""

    def __init__(self, client, number):
        self.client = client
        self.number = number
        self.pending = []                  # submission order, as ps->async_pending
        self.completed = collections.deque()
        self.disabled_bulk = set()         # endpoints whose continuation URBs are refused
        self.waiting_reap = None           # a blocking REAPURB waiting for a completion
        self.closed = False


class Device:
    """One plug-in of the camera at bus/devnum: sysfs entries, node, ioctl handler, bridge connection."""

    def __init__(self, testbed, harness_log, stats, busnum, devnum, ident, bridge, mode="normal",
                 scatter_gather=False, usbfs_memory_mb=16, parent_syspath=None, port=1):
        self.testbed = testbed
        self.log = harness_log
        self.stats = stats
        self.busnum = busnum
        self.devnum = devnum
        self.ident = ident
        self.bridge = bridge
        self.mode = mode
        self.caps = (CAP_ZERO_PACKET | CAP_BULK_CONTINUATION | CAP_NO_PACKET_SIZE_LIM
                     | CAP_REAP_AFTER_DISCONNECT | CAP_CONNINFO_EX)
        if scatter_gather:
            self.caps |= CAP_BULK_SCATTER_GATHER
        self.usbfs_memory = usbfs_memory_mb * 1024 * 1024
        self.parent_syspath = parent_syspath
        self.port = port
        self.node = "/dev/bus/usb/%03d/%03d" % (busnum, devnum)
        self.syspath = None
        self.lock = threading.RLock()
        self.files = {}                     # IoctlClient -> OpenFile
        self.opened = 0
        self.claimed_by = None              # OpenFile holding interface 0
        self.gone = False
        self.in_urbs = collections.deque()  # bulk IN URBs waiting for packets, oldest first
        self.in_packets = collections.deque()
        self.in_requested = False
        self.out_frames = collections.deque()  # (urb, is_last_frame) per frame sent, in order
        self.int_urbs = []
        self.pending_bytes = 0
        self.reset_done = threading.Event()
        self.ready_fd = None
        self.ready = None
        self.handler = None
        self._post = None
        self.unplug_after_in = None         # (bytes, callback): pull the cable once the camera sent that much

    # ---------------------------------------------------------------------------------------------------
    # plug / unplug

    def plug(self):
        tb = self.testbed
        name = "%d-%d" % (self.busnum, self.port)
        minor = (self.busnum - 1) * 128 + (self.devnum - 1)
        ident = self.ident
        attrs = {
            "busnum": "%d" % self.busnum, "devnum": "%d" % self.devnum, "devpath": "%d" % self.port,
            "dev": "189:%d" % minor, "speed": "480", "version": " 2.00",
            "idVendor": "%04x" % ident.vendor_id, "idProduct": "%04x" % ident.product_id,
            "bcdDevice": "%04x" % ident.bcd_device, "bDeviceClass": "00", "bDeviceSubClass": "00",
            "bDeviceProtocol": "00", "bMaxPacketSize0": "64", "bNumConfigurations": "1",
            "bConfigurationValue": "%d" % usbdesc.CONFIGURATION_VALUE, "bNumInterfaces": " 1",
            "bmAttributes": "c0", "bMaxPower": "2mA", "configuration": "",
            "manufacturer": ident.manufacturer, "product": ident.product, "serial": ident.serial,
            "authorized": "1", "avoid_reset_quirk": "0", "maxchild": "0", "quirks": "0x0",
            "removable": "removable", "urbnum": "0", "ltm_capable": "no",
        }
        props = {
            "DEVNAME": self.node, "DEVTYPE": "usb_device", "DRIVER": "usb",
            "PRODUCT": "%x/%x/%x" % (ident.vendor_id, ident.product_id, ident.bcd_device),
            "TYPE": "0/0/0", "BUSNUM": "%03d" % self.busnum, "DEVNUM": "%03d" % self.devnum,
            "MAJOR": "189", "MINOR": "%d" % minor,
            "ID_VENDOR": "Canon_Inc.", "ID_VENDOR_ENC": "Canon\\x20Inc.", "ID_VENDOR_ID": "%04x" % ident.vendor_id,
            "ID_MODEL": "Canon_Digital_Camera", "ID_MODEL_ENC": "Canon\\x20Digital\\x20Camera",
            "ID_MODEL_ID": "%04x" % ident.product_id, "ID_REVISION": "%04x" % ident.bcd_device,
            "ID_SERIAL": "Canon_Inc._Canon_Digital_Camera_%s" % ident.serial, "ID_SERIAL_SHORT": ident.serial,
            "ID_BUS": "usb", "ID_USB_INTERFACES": ":060101:", "ID_GPHOTO2": "1", "GPHOTO2_DRIVER": "PTP",
        }
        # sysfs text attributes end with a newline, as the kernel's do (libusb warns otherwise)
        devpath = "%s/%s" % (self.parent_syspath, name)
        tb.add_from_string(usbdesc.umockdev_record(
            devpath, "usb", {k: v + "\n" for k, v in attrs.items()}, props,
            {"descriptors": usbdesc.sysfs_descriptors(ident)}))
        self.syspath = "/sys" + devpath
        # the interface, as the kernel lists it under the device
        self.intf_syspath = "/sys%s/%s:1.0" % (devpath, name)
        tb.add_from_string(usbdesc.umockdev_record(
            devpath + "/%s:1.0" % name, "usb",
            {"bInterfaceNumber": "00\n", "bAlternateSetting": " 0\n", "bNumEndpoints": "03\n",
             "bInterfaceClass": "06\n", "bInterfaceSubClass": "01\n", "bInterfaceProtocol": "01\n",
             "supports_autosuspend": "1\n"},
            {"DEVTYPE": "usb_interface", "INTERFACE": "6/1/1", "PRODUCT": props["PRODUCT"], "TYPE": "0/0/0",
             "MODALIAS": "usb:v%04Xp%04Xd%04Xdc00dsc00dp00ic06isc01ip01in00"
                         % (ident.vendor_id, ident.product_id, ident.bcd_device)}))
        intf = self.intf_syspath

        node_file = self.testbed.get_root_dir() + self.node
        os.makedirs(os.path.dirname(node_file), exist_ok=True)
        if os.path.lexists(node_file):
            os.unlink(node_file)
        os.mkfifo(node_file, 0o664)
        self.ready_fd = os.open(node_file, os.O_RDWR | os.O_NONBLOCK)
        try:
            fcntl.fcntl(self.ready_fd, 1031, 4096)  # F_SETPIPE_SZ: one page is enough
        except OSError:
            pass
        self._set_ready(False)
        self.set_mode(self.mode)

        from gi.repository import UMockdev
        self.handler = UMockdev.IoctlBase()
        self.handler.connect("handle-ioctl", self._on_ioctl)
        self.handler.connect("handle-read", self._on_read)
        self.handler.connect("handle-write", self._on_write)
        self.handler.connect("client-connected", self._on_client)
        if not tb.attach_ioctl(self.node, self.handler):
            raise RuntimeError("umockdev refused the ioctl handler for %s" % self.node)

        self.bridge.on_in = self._bridge_in
        self.bridge.on_out_ack = self._bridge_out_ack
        self.bridge.on_reset = self.reset_done.set
        self.bridge.on_closed = self._bridge_closed
        self.bridge.start()
        with self.stats.lock:
            self.stats.plugs += 1
        tb.uevent(self.syspath, "add")
        tb.uevent(intf, "add")
        self.log("plugged %s at %s (%s), serial %s" % (name, self.node, self.syspath, ident.serial))

    def set_mode(self, mode):
        if mode not in ("normal", "busy", "denied"):
            raise ValueError("mode must be normal, busy or denied")
        self.mode = mode
        node_file = self.testbed.get_root_dir() + self.node
        if os.path.exists(node_file):
            os.chmod(node_file, 0 if mode == "denied" else 0o664)

    def disconnect(self):
        """The electrical part of an unplug: URBs in flight die with -ESHUTDOWN (and stay reapable), every
        other ioctl fails with ENODEV from now on. Returns False if it was already gone."""
        with self.lock:
            if self.gone:
                return False
            self.gone = True
            for f in list(self.files.values()):
                for urb in list(f.pending):
                    self._finish(urb, -errno.ESHUTDOWN)
            self.in_urbs.clear()
            self.in_packets.clear()
            self.out_frames.clear()
            self.int_urbs = []
            self.claimed_by = None
            self._update_ready()
            return True

    def unplug(self):
        """The cable is pulled: URBs die with -ESHUTDOWN, the node and sysfs entries go, 'remove' uevents."""
        with self.lock:
            if self.syspath is None:
                return
        self.disconnect()
        self.bridge.close()
        with self.stats.lock:
            self.stats.unplugs += 1
        tb = self.testbed
        node_file = tb.get_root_dir() + self.node
        try:
            os.unlink(node_file)
        except FileNotFoundError:
            pass
        tb.uevent(self.intf_syspath, "remove")
        tb.uevent(self.syspath, "remove")
        tb.remove_device(self.intf_syspath)
        tb.remove_device(self.syspath)
        self.syspath = None
        self.log("unplugged %s" % self.node)

    def shutdown(self):
        """The harness is ending: drop the bridge without calling it an unplug."""
        with self.lock:
            self.gone = True
        self.bridge.close()
        self.close()

    def close(self):
        if self.ready_fd is not None:
            os.close(self.ready_fd)
            self.ready_fd = None

    # ---------------------------------------------------------------------------------------------------
    # readiness: the FIFO node is writable (POLLOUT) exactly when an open file has a URB to reap

    def _set_ready(self, ready):
        if self.ready == ready or self.ready_fd is None:
            return
        self.ready = ready
        try:
            if ready:
                while os.read(self.ready_fd, 65536):
                    pass
            else:
                while os.write(self.ready_fd, b"\0" * 4096):
                    pass
        except BlockingIOError:
            pass

    def _update_ready(self):
        self._set_ready(any(f.completed for f in self.files.values() if not f.closed))

    # ---------------------------------------------------------------------------------------------------
    # umockdev callbacks (on umockdev's ioctl thread)

    def _on_client(self, handler, client):
        with self.lock:
            self.opened += 1
            f = OpenFile(client, self.opened)
            self.files[client] = f
        with self.stats.lock:
            self.stats.opens += 1
        self.log("open #%d of %s" % (f.number, self.node))

    def sweep_closed(self):
        """Notices files the client closed (umockdev does not signal it): as the kernel on close(), kills
        their URBs and releases their interface. Called before each ioctl and periodically by the harness."""
        closed = []
        with self.lock:
            for client, f in list(self.files.items()):
                if client.get_connected():
                    continue
                del self.files[client]
                f.closed = True
                for urb in list(f.pending):
                    self._unlink_pending(urb)
                if self.claimed_by is f:
                    self.claimed_by = None
                closed.append(f.number)
            if closed:
                self._update_ready()
        for n in closed:
            self.log("close #%d of %s" % (n, self.node))

    def _on_read(self, handler, client):
        self._loud("read() on %s: usbfs reads are not emulated (libusb reads sysfs 'descriptors')" % self.node)
        client.complete(-1, errno.EINVAL)
        return True

    def _on_write(self, handler, client):
        self._loud("write() on %s is not supported by usbfs" % self.node)
        client.complete(-1, errno.EINVAL)
        return True

    def _on_ioctl(self, handler, client):
        request = client.get_request()
        name = IOCTL_NAMES.get(request)
        if name is None and (request >> 8) & 0xFF == ord("U") and request & 0xFF == CONNINFO_EX_NR:
            name = "CONNINFO_EX"
        self.stats.count(self.stats.ioctls, name or "%#x" % request)
        post = []
        self.sweep_closed()
        try:
            with self.lock:
                f = self.files.get(client)
                if f is None:  # connected before we were told: register now
                    self.opened += 1
                    f = self.files[client] = OpenFile(client, self.opened)
                self._post = post
                try:
                    result = self._dispatch(f, client, request, name)
                finally:
                    self._post = None
            # work that waits for the bridge runs without the lock (the bridge's reader thread needs it)
            for action in post:
                action()
        except Exception as ex:  # a bug here must not hang the client
            self._loud("ioctl %s failed in the emulation: %s\n%s" % (name, ex, traceback.format_exc()))
            result = (-1, errno.EIO)
        if result is not None:
            client.complete(result[0], result[1])
        return True

    def _loud(self, text):
        self.log("WARNING: " + text, always=True)
        with self.stats.lock:
            self.stats.errors.append(text.splitlines()[0])

    def _dispatch(self, f, client, request, name):
        arg = client.get_arg()
        if name in ("REAPURB", "REAPURBNDELAY"):
            return self._reap(f, client, arg, wait=(name == "REAPURB"))
        if name is None:
            self.stats.count(self.stats.unknown_ioctls, "%#x" % request)
            self._loud("unknown ioctl %#x on %s (type %r nr %d size %d): ENOTTY" % (
                request, self.node, chr((request >> 8) & 0xFF), request & 0xFF, (request >> 16) & 0x3FFF))
            return -1, errno.ENOTTY
        if self.gone:
            return -1, errno.ENODEV
        method = getattr(self, "_ioctl_" + name.lower(), None)
        if method is None:
            self.stats.count(self.stats.unknown_ioctls, name)
            self._loud("usbdevfs ioctl %s (%#x) is not emulated: ENOTTY" % (name, request))
            return -1, errno.ENOTTY
        return method(f, client, arg)

    # ---------------------------------------------------------------------------------------------------
    # simple ioctls

    @staticmethod
    def _u32_arg(arg):
        d = arg.resolve(0, 4)
        if d is None:
            return None, None
        return d, struct.unpack("<I", bytes(d.retrieve()))[0]

    def _ioctl_get_capabilities(self, f, client, arg):
        d = arg.resolve(0, 4)
        if d is None:
            return -1, errno.EFAULT
        d.update(0, struct.pack("<I", self.caps))
        return 0, 0

    def _ioctl_get_speed(self, f, client, arg):
        return USB_SPEED_HIGH, 0

    def _ioctl_connectinfo(self, f, client, arg):
        d = arg.resolve(0, 8)
        if d is None:
            return -1, errno.EFAULT
        d.update(0, struct.pack("<IB3x", self.devnum, 0))
        return 0, 0

    def _ioctl_conninfo_ex(self, f, client, arg):
        size = (client.get_request() >> 16) & 0x3FFF
        info = struct.pack("<IIIIB7s", 24, self.busnum, self.devnum, USB_SPEED_HIGH, 1,
                           bytes([self.port]) + bytes(6))
        d = arg.resolve(0, size)
        if d is None:
            return -1, errno.EFAULT
        d.update(0, info[:size])
        return 0, 0

    def _ioctl_getdriver(self, f, client, arg):
        d = arg.resolve(0, 260)
        if d is None:
            return -1, errno.EFAULT
        interface = struct.unpack_from("<I", bytes(d.retrieve()))[0]
        if interface != usbdesc.INTERFACE_NUMBER:
            return -1, errno.EINVAL
        if self.mode == "busy" or self.claimed_by is not None:
            d.update(4, b"usbfs\0")  # another program holds it through usbfs
            return 0, 0
        return -1, errno.ENODATA     # no kernel driver bound (none is for a PTP camera)

    def _claim(self, f, interface):
        if interface != usbdesc.INTERFACE_NUMBER:
            return -1, errno.ENOENT
        if self.mode == "busy" or (self.claimed_by is not None and self.claimed_by is not f):
            return -1, errno.EBUSY
        self.claimed_by = f
        return 0, 0

    def _ioctl_claiminterface(self, f, client, arg):
        d, interface = self._u32_arg(arg)
        if d is None:
            return -1, errno.EFAULT
        return self._claim(f, interface)

    def _ioctl_disconnect_claim(self, f, client, arg):
        d = arg.resolve(0, 264)
        if d is None:
            return -1, errno.EFAULT
        raw = bytes(d.retrieve())
        interface, flags = struct.unpack_from("<II", raw)
        driver = raw[8:].split(b"\0", 1)[0]
        bound = b"usbfs" if (self.mode == "busy" or self.claimed_by not in (None, f)) else None
        if bound is not None:
            # USBDEVFS_DISCONNECT_CLAIM_IF_DRIVER = 1, _EXCEPT_DRIVER = 2: usbfs itself is never disconnected
            return -1, errno.EBUSY
        return self._claim(f, interface)

    def _ioctl_releaseinterface(self, f, client, arg):
        d, interface = self._u32_arg(arg)
        if d is None:
            return -1, errno.EFAULT
        if interface != usbdesc.INTERFACE_NUMBER or self.claimed_by is not f:
            return -1, errno.EINVAL
        self.claimed_by = None
        return 0, 0

    def _ioctl_ioctl(self, f, client, arg):
        d = arg.resolve(0, 16)
        if d is None:
            return -1, errno.EFAULT
        ifno, code = struct.unpack_from("<iI", bytes(d.retrieve()))
        if ifno != usbdesc.INTERFACE_NUMBER:
            return -1, errno.EINVAL
        if code == USBDEVFS["DISCONNECT"]:
            if self.mode == "busy" or self.claimed_by is not None:
                return -1, errno.EINVAL  # usbfs is bound: not a kernel driver to disconnect
            return -1, errno.ENODATA     # nothing bound
        if code == USBDEVFS["CONNECT"]:
            return 0, 0
        self._loud("USBDEVFS_IOCTL with code %#x is not emulated" % code)
        return -1, errno.ENOTTY

    def _ioctl_setconfiguration(self, f, client, arg):
        d, value = self._u32_arg(arg)
        if d is None:
            return -1, errno.EFAULT
        value = struct.unpack("<i", struct.pack("<I", value))[0]
        if value not in (-1, 0, usbdesc.CONFIGURATION_VALUE):
            return -1, errno.EINVAL
        if self.claimed_by is not None and self.claimed_by is not f:
            return -1, errno.EBUSY
        return 0, 0

    def _ioctl_setinterface(self, f, client, arg):
        d = arg.resolve(0, 8)
        if d is None:
            return -1, errno.EFAULT
        interface, alt = struct.unpack("<II", bytes(d.retrieve()))
        if interface != usbdesc.INTERFACE_NUMBER or alt != 0:
            return -1, errno.EINVAL
        return 0, 0

    def _ioctl_clear_halt(self, f, client, arg):
        d, ep = self._u32_arg(arg)
        if d is None:
            return -1, errno.EFAULT
        if ep & 0xFF not in usbdesc.ENDPOINTS:
            return -1, errno.ENOENT
        self.stats.count(self.stats.control_requests, "CLEAR_HALT %#04x" % (ep & 0xFF))
        return 0, 0

    def _ioctl_resetep(self, f, client, arg):
        return self._ioctl_clear_halt(f, client, arg)

    def _ioctl_reset(self, f, client, arg):
        # A port reset: the camera's USB function starts over, claims are dropped (libusb claims again)
        for g in self.files.values():
            for urb in list(g.pending):
                self._unlink_pending(urb, -errno.ECONNRESET)
        self.claimed_by = None
        self.in_packets.clear()
        self._device_reset("USBDEVFS_RESET")
        return 0, 0

    def _ioctl_drop_privileges(self, f, client, arg):
        return 0, 0

    def _ioctl_forbid_suspend(self, f, client, arg):
        return 0, 0

    def _ioctl_allow_suspend(self, f, client, arg):
        return 0, 0

    def _ioctl_wait_for_resume(self, f, client, arg):
        return 0, 0

    def _ioctl_discsignal(self, f, client, arg):
        return 0, 0

    # ---------------------------------------------------------------------------------------------------
    # control requests

    def _control(self, setup, data_out):
        """Runs one control request. Returns (negative errno or 0, data for an IN request)."""
        rtype, request, value, index, length = struct.unpack("<BBHHH", setup)
        kind = (rtype >> 5) & 3
        recipient = rtype & 0x1F
        key = "%02x:%02x" % (rtype, request)
        self.stats.count(self.stats.control_requests, key)
        if kind == 0:  # standard
            if request == 0x00:   # GET_STATUS
                return 0, (b"\x01\x00" if recipient == 0 else b"\x00\x00")[:length]
            if request in (0x01, 0x03):  # CLEAR_FEATURE, SET_FEATURE
                return 0, b""
            if request == 0x06:   # GET_DESCRIPTOR
                dtype, dindex = value >> 8, value & 0xFF
                desc = None
                if dtype == 1:
                    desc = usbdesc.device_descriptor(self.ident)
                elif dtype == 2 and dindex == 0:
                    desc = usbdesc.configuration_descriptor()
                elif dtype == 3:
                    desc = usbdesc.string_descriptor(self.ident, dindex, index)
                elif dtype == 6:
                    desc = usbdesc.device_qualifier()
                if desc is None:
                    return -errno.EPIPE, b""
                return 0, desc[:length]
            if request == 0x08:   # GET_CONFIGURATION
                return 0, bytes([usbdesc.CONFIGURATION_VALUE])[:length]
            if request == 0x09:   # SET_CONFIGURATION
                return (0 if value in (0, usbdesc.CONFIGURATION_VALUE) else -errno.EPIPE), b""
            if request == 0x0A:   # GET_INTERFACE
                return 0, b"\x00"[:length]
            if request == 0x0B:   # SET_INTERFACE
                return (0 if value == 0 and index == 0 else -errno.EPIPE), b""
        elif kind == 1 and recipient == 1 and (index & 0xFF) == usbdesc.INTERFACE_NUMBER:  # PTP class
            if request == PTP_GET_DEVICE_STATUS and rtype & 0x80:
                return 0, struct.pack("<HH", 4, 0x2001)[:length]
            if request == PTP_DEVICE_RESET and not rtype & 0x80:
                self._device_reset("class request 0x66")
                return 0, b""
            if request == PTP_CANCEL and not rtype & 0x80:
                self.log("PTP cancel request %s (not forwarded: the simulator has no cancel)" % bytes(data_out).hex())
                return 0, b""
        self._loud("control request %s wValue %#06x wIndex %#06x wLength %d stalls" % (key, value, index, length))
        return -errno.EPIPE, b""

    def _device_reset(self, why):
        """Resets the simulator's PTP function; waits for it after the ioctl's lock is released."""
        self.log("device reset (%s)" % why)
        self.reset_done.clear()
        self.bridge.reset()

        def wait():
            if not self.reset_done.wait(10):
                self._loud("the simulator did not confirm the device reset")
        self._post.append(wait)

    def _ioctl_control(self, f, client, arg):
        d = arg.resolve(0, 24)
        if d is None:
            return -1, errno.EFAULT
        raw = bytes(d.retrieve())
        setup = raw[:8]
        rtype = raw[0]
        length = struct.unpack_from("<H", raw, 6)[0]
        data_out = b""
        buf = None
        if length > 0:
            buf = d.resolve(CTRL_DATA_OFFSET, length)
            if buf is None:
                return -1, errno.EFAULT
            if not rtype & 0x80:
                data_out = bytes(buf.retrieve())
        status, data_in = self._control(setup, data_out)
        if status < 0:
            return -1, -status
        if rtype & 0x80:
            if data_in:
                buf.update(0, data_in)
            return len(data_in), 0
        return length, 0

    # ---------------------------------------------------------------------------------------------------
    # URBs

    def _ioctl_submiturb(self, f, client, arg):
        data = arg.resolve(0, URB_STRUCT_SIZE)
        if data is None:
            return -1, errno.EFAULT
        raw = bytes(data.retrieve())
        urb_type, ep = raw[0], raw[1]
        length = struct.unpack_from("<i", raw, 24)[0]
        flags = struct.unpack_from("<I", raw, 8)[0]
        self.stats.count(self.stats.urbs, "submit type %d ep %#04x" % (urb_type, ep))
        if length < 0:
            return -1, errno.EINVAL
        if urb_type == URB_TYPE_CONTROL:
            if ep & 0x7F != 0 or length < 8:
                return -1, errno.EINVAL
        else:
            spec = usbdesc.ENDPOINTS.get(ep)
            if spec is None:
                return -1, errno.ENOENT
            xfer = spec[0]
            if urb_type == URB_TYPE_BULK and xfer == usbdesc.XFER_INTERRUPT:
                urb_type = URB_TYPE_INTERRUPT  # devio.c allows single-shot interrupt transfers as bulk
            if (urb_type == URB_TYPE_BULK and xfer != usbdesc.XFER_BULK) or \
               (urb_type == URB_TYPE_INTERRUPT and xfer != usbdesc.XFER_INTERRUPT) or \
               urb_type not in (URB_TYPE_BULK, URB_TYPE_INTERRUPT):
                return -1, errno.EINVAL
            # using an endpoint claims its interface (devio.c checkintf), or fails if another program has it
            if self.claimed_by is not f:
                r = self._claim(f, usbdesc.INTERFACE_NUMBER)
                if r[0] < 0:
                    return r
                self.log("open #%d used an endpoint without claiming the interface first" % f.number)
        if self.pending_bytes + length > self.usbfs_memory:
            self._loud("URB of %d bytes exceeds usbfs_memory_mb (%d MiB in flight): ENOMEM"
                       % (length, self.usbfs_memory >> 20))
            return -1, errno.ENOMEM
        buf = None
        if length > 0:
            buf = data.resolve(URB_BUFFER_OFFSET, length)
            if buf is None:
                return -1, errno.EFAULT
        urb = Urb(f, data, buf, raw)
        urb.type = urb_type
        with self.stats.lock:
            self.stats.max_urb = max(self.stats.max_urb, length)
            if urb.continuation:
                self.stats.urbs["continuation"] += 1

        if urb_type == URB_TYPE_BULK:
            if urb.continuation:
                if ep in f.disabled_bulk:
                    self.stats.count(self.stats.urbs, "continuation refused (EREMOTEIO)")
                    return -1, errno.EREMOTEIO
            else:
                f.disabled_bulk.discard(ep)
        f.pending.append(urb)
        self.pending_bytes += length

        if urb_type == URB_TYPE_CONTROL:
            setup = bytes(buf.retrieve()[:8])
            wlength = struct.unpack_from("<H", setup, 6)[0]
            if wlength > length - 8:
                f.pending.remove(urb)
                self.pending_bytes -= length
                return -1, errno.EINVAL
            data_out = b"" if setup[0] & 0x80 else bytes(buf.retrieve()[8:8 + wlength])
            status, data_in = self._control(setup, data_out)
            if setup[0] & 0x80:
                urb.got = bytearray(data_in)
                urb.actual = len(data_in)
            else:
                urb.actual = wlength if status == 0 else 0
            self._finish(urb, status)
        elif urb_type == URB_TYPE_INTERRUPT:
            self.int_urbs.append(urb)   # no events from CHDK: waits until discarded
        elif ep & 0x80:
            self.in_urbs.append(urb)
            self._pump_in()
        else:
            payload = bytes(buf.retrieve()) if buf is not None else b""
            frames = [payload]
            if flags & URB_ZERO_PACKET and length > 0 and length % PACKET == 0:
                frames.append(b"")
            with self.stats.lock:
                self.stats.bytes_out += length
                self.stats.zlp_out += sum(1 for fr in frames if not fr)
            for i, frame in enumerate(frames):
                self.out_frames.append((urb, i == len(frames) - 1))
                self.bridge.send_out(frame)
        return 0, 0

    def _finish(self, urb, status):
        """Gives a URB back to its file: it becomes reapable."""
        if urb.done:
            return
        urb.done = True
        urb.status = status
        if urb.type != URB_TYPE_CONTROL and urb.ep & 0x80:
            urb.actual = len(urb.got)
        f = urb.fd
        if urb in f.pending:
            f.pending.remove(urb)
        self.pending_bytes -= urb.length
        if f.closed:
            return
        f.completed.append(urb)
        # devio.c async_completed: an error on a bulk URB unlinks the transfer's continuation URBs
        if status < 0 and urb.type == URB_TYPE_BULK and status not in (-errno.ECONNRESET, -errno.ENOENT):
            self._cancel_bulk(f, urb.ep)
        if f.waiting_reap is not None:
            client, arg = f.waiting_reap
            f.waiting_reap = None
            result = self._reap(f, client, arg, wait=False)
            client.complete(result[0], result[1])
        self._update_ready()

    def _cancel_bulk(self, f, ep):
        new_transfer_queued = False
        for urb in list(f.pending):
            if urb.ep != ep or urb.type != URB_TYPE_BULK:
                continue
            if not urb.continuation:
                new_transfer_queued = True
                break
            self._unlink_pending(urb)
        if not new_transfer_queued:
            f.disabled_bulk.add(ep)

    def _unlink_pending(self, urb, status=-errno.ECONNRESET):
        if urb in self.in_urbs:
            self.in_urbs.remove(urb)
        if urb in self.int_urbs:
            self.int_urbs.remove(urb)
        self._finish(urb, status)

    def _ioctl_discardurb(self, f, client, arg):
        addr = struct.unpack("<Q", bytes(arg.retrieve())[:8])[0]
        for urb in f.pending:
            if urb.addr == addr:
                self.stats.count(self.stats.urbs, "discarded ep %#04x" % urb.ep)
                self._unlink_pending(urb)
                return 0, 0
        return -1, errno.EINVAL

    def _reap(self, f, client, arg, wait):
        if not f.completed:
            if self.gone or f.closed:
                return -1, errno.ENODEV
            if wait:
                f.waiting_reap = (client, arg)
                return None  # completed later, when a URB is given back
            return -1, errno.EAGAIN
        urb = f.completed.popleft()
        self._update_ready()
        urb.data.update(4, struct.pack("<i", urb.status))
        urb.data.update(28, struct.pack("<ii", urb.actual, 0))
        urb.data.update(40, struct.pack("<i", 0))
        if urb.got:
            offset = 8 if urb.type == URB_TYPE_CONTROL else 0
            urb.buf.update(offset, bytes(urb.got))
        slot = arg.resolve(0, 8)
        if slot is None:
            return -1, errno.EFAULT
        slot.set_ptr(0, urb.data)
        self.stats.count(self.stats.urbs, "reaped status %d" % urb.status)
        return 0, 0

    # ---------------------------------------------------------------------------------------------------
    # bulk pipes <-> bridge (bridge reader thread)

    def _pump_in(self):
        """Feeds queued packets from the camera into the oldest IN URB; asks the bridge for more."""
        while self.in_urbs and self.in_packets:
            urb = self.in_urbs[0]
            packet = self.in_packets.popleft()
            room = urb.length - len(urb.got)
            if len(packet) > room:
                urb.got += packet[:room]
                self.in_urbs.popleft()
                self._loud("babble: a %d-byte packet for a URB with %d bytes of room (-EOVERFLOW)" % (len(packet), room))
                self._finish(urb, -errno.EOVERFLOW)
                continue
            urb.got += packet
            short = len(packet) < PACKET
            if short or len(urb.got) == urb.length:
                self.in_urbs.popleft()
                status = 0
                if short and len(urb.got) < urb.length and urb.flags & URB_SHORT_NOT_OK:
                    status = -errno.EREMOTEIO
                    self.stats.count(self.stats.urbs, "short with SHORT_NOT_OK (EREMOTEIO)")
                self._finish(urb, status)
        if self.in_urbs and not self.in_packets and not self.in_requested and not self.bridge.closed:
            # ask for as much as the queued URBs can take: the bridge answers at the end of the camera's
            # transfer (a short packet) anyway, and what the URBs cannot take waits here for the next ones
            room = sum(max(u.length - len(u.got), 1) for u in self.in_urbs)
            n = min(MAX_IN_REQUEST, (room + PACKET - 1) // PACKET * PACKET)
            self.in_requested = True
            self.bridge.request_in(n)

    def _bridge_in(self, data):
        with self.lock:
            self.in_requested = False
            if self.gone:
                return
            if self.unplug_after_in is not None:
                limit, pull = self.unplug_after_in
                sent = self.stats.bytes_in
                if sent + len(data) >= limit:
                    # deliver exactly up to the limit (whole packets), then the cable goes at once: the rest never
                    # arrives and URBs still waiting die; the node, sysfs and uevents follow on another thread
                    keep = max(0, (limit - sent) // PACKET * PACKET)
                    self.unplug_after_in = None
                    self.log("unplug after %d bytes IN" % limit)
                    with self.stats.lock:
                        self.stats.bytes_in += keep
                    for i in range(0, keep, PACKET):
                        self.in_packets.append(data[i:i + PACKET])
                    self._pump_in()
                    self.disconnect()
                    threading.Thread(target=pull, name="umock-pull", daemon=True).start()
                    return
            n = len(data)
            with self.stats.lock:
                self.stats.bytes_in += n
                if n == 0:
                    self.stats.zlp_in += 1
                elif n % PACKET:
                    self.stats.short_in += 1
            if n == 0:
                self.in_packets.append(b"")
            else:
                for i in range(0, n, PACKET):
                    self.in_packets.append(data[i:i + PACKET])
            self._pump_in()

    def _bridge_out_ack(self, length):
        with self.lock:
            if not self.out_frames:
                return
            urb, last = self.out_frames.popleft()
            if last and not urb.done:
                urb.actual = urb.length
                self._finish(urb, 0)

    def _bridge_closed(self):
        with self.lock:
            if self.gone:
                return
        self._loud("the simulator bridge closed the connection: the camera is gone")
        with self.lock:
            for f in list(self.files.values()):
                for urb in list(f.pending):
                    self._unlink_pending(urb, -errno.EPROTO)
