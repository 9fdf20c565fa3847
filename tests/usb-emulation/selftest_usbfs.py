#!/usr/bin/python3
"""A raw usbdevfs client (no libusb) that checks the emulation keeps the kernel's rules, run under emulate.py:

    emulate.py [--mode busy|denied] -- /usr/bin/python3 selftest_usbfs.py [normal|busy|denied]

Prints one 'PASS name' or 'FAIL name: why' line per check; exits 0 only if every check passed. The camera
behind the node is the simulator, so bulk checks run real PTP transactions (GetDeviceInfo).
"""

import ctypes
import errno
import os
import select
import socket
import struct
import sys
import time

libc = ctypes.CDLL(None, use_errno=True)
libc.ioctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p]
libc.ioctl.restype = ctypes.c_int


def _ioc(d, nr, size):
    return (d << 30) | (size << 16) | (ord("U") << 8) | nr


CONTROL = _ioc(3, 0, 24)
GETDRIVER = _ioc(1, 8, 260)
SUBMITURB = _ioc(2, 10, 56)
DISCARDURB = _ioc(0, 11, 0)
REAPURBNDELAY = _ioc(1, 13, 8)
CLAIMINTERFACE = _ioc(2, 15, 4)
RELEASEINTERFACE = _ioc(2, 16, 4)
GET_CAPABILITIES = _ioc(2, 26, 4)
UNKNOWN = _ioc(0, 99, 0)

TYPE_INTERRUPT, TYPE_CONTROL, TYPE_BULK = 1, 2, 3
SHORT_NOT_OK, BULK_CONTINUATION, ZERO_PACKET = 0x01, 0x04, 0x40


class Urb(ctypes.Structure):
    _fields_ = [("type", ctypes.c_ubyte), ("endpoint", ctypes.c_ubyte), ("status", ctypes.c_int),
                ("flags", ctypes.c_uint), ("buffer", ctypes.c_void_p), ("buffer_length", ctypes.c_int),
                ("actual_length", ctypes.c_int), ("start_frame", ctypes.c_int),
                ("number_of_packets", ctypes.c_int), ("error_count", ctypes.c_int),
                ("signr", ctypes.c_uint), ("usercontext", ctypes.c_void_p)]


class CtrlTransfer(ctypes.Structure):
    _fields_ = [("bRequestType", ctypes.c_ubyte), ("bRequest", ctypes.c_ubyte), ("wValue", ctypes.c_ushort),
                ("wIndex", ctypes.c_ushort), ("wLength", ctypes.c_ushort), ("timeout", ctypes.c_uint),
                ("data", ctypes.c_void_p)]


assert ctypes.sizeof(Urb) == 56 and ctypes.sizeof(CtrlTransfer) == 24

results = []


def check(name, condition, why=""):
    results.append(condition)
    print(("PASS %s" % name) if condition else ("FAIL %s: %s" % (name, why)), flush=True)
    return condition


def ioctl(fd, request, arg=None):
    r = libc.ioctl(fd, request, arg)
    return r, (ctypes.get_errno() if r < 0 else 0)


class Client:
    def __init__(self, node):
        self.fd = os.open(node, os.O_RDWR)
        self.keep = {}

    def close(self):
        os.close(self.fd)

    def submit(self, urb_type, ep, length, flags=0, data=b""):
        buf = ctypes.create_string_buffer(max(length, 1))
        if data:
            ctypes.memmove(buf, data, len(data))
        urb = Urb(type=urb_type, endpoint=ep, flags=flags, buffer=ctypes.addressof(buf), buffer_length=length)
        r, e = ioctl(self.fd, SUBMITURB, ctypes.byref(urb))
        if r == 0:
            self.keep[ctypes.addressof(urb)] = (urb, buf)
        return (urb, buf) if r == 0 else e

    def reap(self, timeout=5.0):
        """Waits (poll POLLOUT, as libusb) and reaps one URB: (urb, bytes) or an errno."""
        p = select.poll()
        p.register(self.fd, select.POLLOUT)
        p.poll(int(timeout * 1000))
        ptr = ctypes.c_void_p()
        r, e = ioctl(self.fd, REAPURBNDELAY, ctypes.byref(ptr))
        if r < 0:
            return e
        urb, buf = self.keep.pop(ptr.value)
        return urb, buf.raw[:urb.actual_length]

    def reap_all(self, n):
        got = {}
        for _ in range(n):
            r = self.reap()
            if isinstance(r, int):
                return got, r
            got[ctypes.addressof(r[0])] = r
        return got, 0

    def control(self, rtype, request, value, index, length, data=b""):
        buf = ctypes.create_string_buffer(max(length, 1))
        if data:
            ctypes.memmove(buf, data, len(data))
        c = CtrlTransfer(rtype, request, value, index, length, 1000, ctypes.addressof(buf))
        r, e = ioctl(self.fd, CONTROL, ctypes.byref(c))
        return (r, buf.raw[:max(r, 0)]) if r >= 0 else (-1, e)


def command(code, tid, *params):
    return struct.pack("<IHHI", 12 + 4 * len(params), 1, code, tid) + b"".join(struct.pack("<I", p) for p in params)


def control_socket(cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(os.environ["CHDK_UMOCK_CONTROL"])
    s.sendall((cmd + "\n").encode())
    reply = s.makefile().readline().strip()
    s.close()
    return reply


def read_response(c):
    """Reads IN packets until a RESPONSE container; returns its code."""
    for _ in range(64):
        r = c.submit(TYPE_BULK, 0x81, 65536)
        got = c.reap()
        if isinstance(got, int):
            return None
        data = got[1]
        if len(data) >= 12 and struct.unpack_from("<IH", data) == (12, 3):
            return struct.unpack_from("<H", data, 6)[0]
    return None


def node_of(status):
    return [w.split("=", 1)[1] for w in status.split() if w.startswith("node=")][0]


def main(mode):
    node = node_of(control_socket("status"))
    if mode == "denied":
        try:
            os.open(node, os.O_RDWR)
            check("denied: open fails with EACCES", False, "open succeeded")
        except OSError as ex:
            check("denied: open fails with EACCES", ex.errno == errno.EACCES, "errno %d" % ex.errno)
        return
    c = Client(node)
    iface = ctypes.c_uint(0)
    if mode == "busy":
        r, e = ioctl(c.fd, CLAIMINTERFACE, ctypes.byref(iface))
        check("busy: CLAIMINTERFACE fails with EBUSY", r < 0 and e == errno.EBUSY, "r=%d errno=%d" % (r, e))
        drv = ctypes.create_string_buffer(260)
        r, e = ioctl(c.fd, GETDRIVER, drv)
        check("busy: GETDRIVER names usbfs", r == 0 and drv.raw[4:9] == b"usbfs", "r=%d errno=%d" % (r, e))
        got = c.submit(TYPE_BULK, 0x81, 512)
        check("busy: using an endpoint fails with EBUSY", got == errno.EBUSY, "got %r" % (got,))
        return

    caps = ctypes.c_uint(0)
    r, e = ioctl(c.fd, GET_CAPABILITIES, ctypes.byref(caps))
    check("GET_CAPABILITIES: zero packet, bulk continuation, reap after disconnect",
          r == 0 and caps.value & 0x13 == 0x13, "r=%d caps=%#x" % (r, caps.value))
    drv = ctypes.create_string_buffer(260)
    r, e = ioctl(c.fd, GETDRIVER, drv)
    check("GETDRIVER: no kernel driver (ENODATA)", r < 0 and e == errno.ENODATA, "r=%d errno=%d" % (r, e))
    r, e = ioctl(c.fd, CLAIMINTERFACE, ctypes.byref(iface))
    check("CLAIMINTERFACE 0", r == 0, "errno %d" % e)
    bad = ctypes.c_uint(1)
    r, e = ioctl(c.fd, CLAIMINTERFACE, ctypes.byref(bad))
    check("CLAIMINTERFACE 1: no such interface (ENOENT)", r < 0 and e == errno.ENOENT, "r=%d errno=%d" % (r, e))

    ptr = ctypes.c_void_p()
    r, e = ioctl(c.fd, REAPURBNDELAY, ctypes.byref(ptr))
    check("REAPURBNDELAY with nothing done: EAGAIN", r < 0 and e == errno.EAGAIN, "r=%d errno=%d" % (r, e))
    p = select.poll()
    p.register(c.fd, select.POLLOUT)
    check("poll: not writable while nothing can be reaped", p.poll(0) == [], "poll said %r" % p.poll(0))
    r, e = ioctl(c.fd, UNKNOWN)
    check("unknown ioctl: ENOTTY", r < 0 and e == errno.ENOTTY, "r=%d errno=%d" % (r, e))
    got = c.submit(TYPE_BULK, 0x05, 512)
    check("SUBMITURB to a missing endpoint: ENOENT", got == errno.ENOENT, "got %r" % (got,))
    got = c.submit(TYPE_INTERRUPT, 0x81, 512)
    check("interrupt URB on a bulk endpoint: EINVAL", got == errno.EINVAL, "got %r" % (got,))

    # control requests
    r, d = c.control(0x80, 6, 0x0100, 0, 18)
    check("GET_DESCRIPTOR(DEVICE): Canon 04a9", r == 18 and struct.unpack_from("<HH", d, 8)[0] == 0x04A9, "r=%r" % r)
    r, d = c.control(0x80, 6, 0x0303, 0x0409, 255)
    serial = d[2:].decode("utf-16-le") if r > 2 else ""
    with open("/sys/bus/usb/devices/1-1/serial") as f:
        sys_serial = f.read().strip()
    check("string descriptor 3 is the sysfs serial", r > 2 and serial == sys_serial, "%r vs %r" % (serial, sys_serial))
    r, d = c.control(0xA1, 0x67, 0, 0, 4)
    check("PTP Get Device Status: 04 00 01 20", r == 4 and d == b"\x04\x00\x01\x20", "r=%r d=%r" % (r, d))
    r, d = c.control(0xC0, 0x01, 0, 0, 4)
    check("vendor request stalls (EPIPE)", r == -1 and d == errno.EPIPE, "r=%r d=%r" % (r, d))
    setup = struct.pack("<BBHHH", 0x80, 6, 0x0200, 0, 255)
    got = c.submit(TYPE_CONTROL, 0x00, 8 + 255, data=setup)
    rep = c.reap() if not isinstance(got, int) else got
    check("control URB: configuration descriptor, 39 bytes",
          not isinstance(rep, int) and rep[0].status == 0 and rep[0].actual_length == 39
          and rep[1][8:10] == b"\x09\x02", "got %r" % (rep if isinstance(rep, int) else (rep[0].status, rep[0].actual_length),))

    # a PTP transaction: OUT command, IN data (one URB, completes on the short packet), IN response
    urb_in = c.submit(TYPE_BULK, 0x81, 16384)
    urb_out = c.submit(TYPE_BULK, 0x02, 12, data=command(0x1001, 1))
    done, err = c.reap_all(2)
    ok = len(done) == 2 and all(u.status == 0 for u, _ in done.values())
    info = done.get(ctypes.addressof(urb_in[0])) if ok else None
    total = struct.unpack_from("<I", info[1])[0] if info else -1
    check("GetDeviceInfo: OUT URB done, data container in one IN URB ending on a short packet",
          ok and info[0].actual_length == total and total % 512 != 0 and total < 16384,
          "done=%d err=%d total=%d" % (len(done), err, total))
    check("GetDeviceInfo: response OK", read_response(c) == 0x2001)

    # SHORT_NOT_OK + continuation: the short packet ends the transfer with EREMOTEIO, the rest are unlinked
    u1 = c.submit(TYPE_BULK, 0x81, 16384, SHORT_NOT_OK)
    u2 = c.submit(TYPE_BULK, 0x81, 16384, SHORT_NOT_OK | BULK_CONTINUATION)
    u3 = c.submit(TYPE_BULK, 0x81, 16384, BULK_CONTINUATION)
    c.submit(TYPE_BULK, 0x02, 12, data=command(0x1001, 2))
    done, err = c.reap_all(4)
    st = {k: done[ctypes.addressof(u[0])][0].status for k, u in (("u1", u1), ("u2", u2), ("u3", u3))
          if ctypes.addressof(u[0]) in done}
    check("short packet in a SHORT_NOT_OK URB: -EREMOTEIO, continuation URBs unlinked (-ECONNRESET)",
          st == {"u1": -errno.EREMOTEIO, "u2": -errno.ECONNRESET, "u3": -errno.ECONNRESET}, "statuses %r" % st)
    got = c.submit(TYPE_BULK, 0x81, 16384, BULK_CONTINUATION)
    check("continuation URB after the error: EREMOTEIO", got == errno.EREMOTEIO, "got %r" % (got,))
    check("a new transfer after it gets the response", read_response(c) == 0x2001)

    # babble: a packet larger than the URB's room
    u = c.submit(TYPE_BULK, 0x81, 100)
    c.submit(TYPE_BULK, 0x02, 12, data=command(0x1001, 3))
    done, err = c.reap_all(2)
    b = done.get(ctypes.addressof(u[0]))
    check("packet larger than the URB: -EOVERFLOW with the bytes that fit",
          b is not None and b[0].status == -errno.EOVERFLOW and b[0].actual_length == 100,
          "got %r" % ((b[0].status, b[0].actual_length) if b else err,))
    check("after babble the response still comes", read_response(c) == 0x2001)

    # OUT with ZERO_PACKET: 512 bytes + zero-length packet; the camera must get both (it answers the command)
    cmd = command(0x1001, 4)
    u = c.submit(TYPE_BULK, 0x02, 12, ZERO_PACKET, cmd)
    r = c.reap()
    check("OUT URB with ZERO_PACKET and a short length is one packet", not isinstance(r, int) and r[0].status == 0)
    d = c.submit(TYPE_BULK, 0x81, 16384)
    r = c.reap()
    check("...and the camera answered it", not isinstance(r, int) and r[0].status == 0 and r[0].actual_length > 12)
    check("...response OK", read_response(c) == 0x2001)

    # discard
    u = c.submit(TYPE_INTERRUPT, 0x83, 8)
    r, e = ioctl(c.fd, DISCARDURB, ctypes.byref(u[0]))
    rep = c.reap()
    check("DISCARDURB of a pending interrupt URB: reaped with -ECONNRESET",
          r == 0 and not isinstance(rep, int) and rep[0].status == -errno.ECONNRESET, "r=%d rep=%r" % (r, rep))
    bogus = Urb()
    r, e = ioctl(c.fd, DISCARDURB, ctypes.byref(bogus))
    check("DISCARDURB of a URB that is not pending: EINVAL", r < 0 and e == errno.EINVAL, "r=%d errno=%d" % (r, e))

    # a second open file cannot claim what the first holds
    c2 = Client(node)
    r, e = ioctl(c2.fd, CLAIMINTERFACE, ctypes.byref(iface))
    check("second open: CLAIMINTERFACE fails with EBUSY", r < 0 and e == errno.EBUSY, "r=%d errno=%d" % (r, e))
    c2.close()

    # unplug with a URB pending
    pending = c.submit(TYPE_BULK, 0x81, 512)
    reply = control_socket("unplug")
    rep = c.reap()
    check("unplug: the pending URB is reaped with -ESHUTDOWN",
          not isinstance(rep, int) and rep[0].status == -errno.ESHUTDOWN, "reply %r rep %r" % (reply, rep))
    ptr = ctypes.c_void_p()
    r, e = ioctl(c.fd, REAPURBNDELAY, ctypes.byref(ptr))
    check("unplug: then REAPURBNDELAY fails with ENODEV", r < 0 and e == errno.ENODEV, "r=%d errno=%d" % (r, e))
    got = c.submit(TYPE_BULK, 0x81, 512)
    check("unplug: SUBMITURB fails with ENODEV", got == errno.ENODEV, "got %r" % (got,))
    try:
        os.open(node, os.O_RDWR)
        check("unplug: the node is gone (ENOENT)", False, "open succeeded")
    except OSError as ex:
        check("unplug: the node is gone (ENOENT)", ex.errno == errno.ENOENT, "errno %d" % ex.errno)
    c.close()
    reply = control_socket("plug")
    new_node = node_of(reply)
    check("plug: a new address", new_node != node and new_node.startswith("/dev/bus/usb/001/"), reply)
    c = Client(new_node)
    r, e = ioctl(c.fd, CLAIMINTERFACE, ctypes.byref(iface))
    check("plug: the new device can be claimed", r == 0, "errno %d" % e)
    c.submit(TYPE_BULK, 0x81, 16384)
    c.submit(TYPE_BULK, 0x02, 12, data=command(0x1001, 1))
    done, err = c.reap_all(2)
    check("plug: the camera answers again", len(done) == 2 and all(u.status == 0 for u, _ in done.values()),
          "done=%d err=%d" % (len(done), err))
    check("plug: response OK", read_response(c) == 0x2001)
    c.close()


if __name__ == "__main__":
    try:
        main(sys.argv[1] if len(sys.argv) > 1 else "normal")
    except Exception as ex:
        import traceback
        traceback.print_exc()
        check("no exception", False, repr(ex))
    print("%d checks, %d failed" % (len(results), results.count(False)))
    sys.exit(0 if results and all(results) else 1)
