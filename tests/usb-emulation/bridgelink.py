"""Client of the simulator's USB bridge (tests/ChdkPtp.UsbBridge): the camera's bulk pipes on a Unix socket.

Frames both ways are [u8 kind][u32 little-endian length][payload]; see UsbBridgeServer.cs. A payload of N
bytes on 'O' (host -> camera) or 'i' (camera -> host) is ceil(N/512) packets, all full but the last; N = 0 is
one zero-length packet.
"""

import queue
import socket
import struct
import threading

PACKET = 512


class BridgeClosed(Exception):
    pass


class BridgeLink:
    """One plug-in of the camera: a connection to the bridge.

    Callbacks run on the reader thread: on_in(data) for bulk IN packets, on_out_ack(length) when the
    camera has taken an OUT URB, on_reset() when a Device Reset is done, on_closed() when the bridge
    went away."""

    def __init__(self, socket_path, serial="", timeout=15.0):
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.settimeout(timeout)
        self._sock.connect(socket_path)
        self._send_frame(b"H", ("serial=%s\n" % serial).encode())
        kind, payload = self._read_frame()
        if kind != b"h":
            raise BridgeClosed("the bridge answered the hello with %r" % kind)
        self.info = dict(line.split("=", 1) for line in payload.decode().splitlines() if "=" in line)
        self._sock.settimeout(None)
        self._queue = queue.Queue()
        self._closed = threading.Event()
        self.on_in = self.on_out_ack = self.on_reset = self.on_closed = None
        self._writer = threading.Thread(target=self._write_loop, name="bridge-writer", daemon=True)
        self._reader = threading.Thread(target=self._read_loop, name="bridge-reader", daemon=True)

    def start(self):
        self._writer.start()
        self._reader.start()

    @property
    def closed(self):
        return self._closed.is_set()

    # -- host -> camera (never blocks the caller: the writer thread does the socket I/O)

    def send_out(self, data):
        self._queue.put((b"O", bytes(data)))

    def request_in(self, nbytes):
        assert nbytes > 0 and nbytes % PACKET == 0
        self._queue.put((b"I", struct.pack("<I", nbytes)))

    def reset(self):
        self._queue.put((b"R", b""))

    def close(self):
        if self._closed.is_set():
            return
        self._closed.set()
        self._queue.put(None)
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()

    # -- plumbing

    def _send_frame(self, kind, payload):
        self._sock.sendall(kind + struct.pack("<I", len(payload)) + payload)

    def _recv_exact(self, n):
        chunks = []
        while n > 0:
            b = self._sock.recv(min(n, 1 << 20))
            if not b:
                raise BridgeClosed("the bridge closed the connection")
            chunks.append(b)
            n -= len(b)
        return b"".join(chunks)

    def _read_frame(self):
        header = self._recv_exact(5)
        kind, length = header[:1], struct.unpack("<I", header[1:])[0]
        return kind, self._recv_exact(length) if length else b""

    def _write_loop(self):
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    return
                self._send_frame(*item)
        except OSError:
            self._gone()

    def _read_loop(self):
        try:
            while True:
                kind, payload = self._read_frame()
                if kind == b"i":
                    self.on_in(payload)
                elif kind == b"o":
                    self.on_out_ack(struct.unpack("<I", payload)[0])
                elif kind == b"r":
                    self.on_reset()
                else:
                    raise BridgeClosed("unknown frame %r from the bridge" % kind)
        except (BridgeClosed, OSError):
            self._gone()

    def _gone(self):
        was_closed = self._closed.is_set()
        self.close()
        if not was_closed and self.on_closed:
            self.on_closed()
