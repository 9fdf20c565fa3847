#!/usr/bin/python3
"""Talks to a running emulate.py through its control socket ($CHDK_UMOCK_CONTROL), for scripts under it.

    umockctl.py status                      plugged bus=1 dev=2 serial=... mode=normal node=/dev/bus/usb/001/002
    umockctl.py unplug | plug [serial=HEX] [devnum=N]
    umockctl.py replug [gap=SECONDS] [serial=HEX]
    umockctl.py unplug-after-in bytes=N [replug=no] [gap=SECONDS]
    umockctl.py mode normal|busy|denied
    umockctl.py stats                       JSON counters

Prints the harness's answer; exits 0 unless the answer is an error (1) or the harness cannot be reached (2).
Only the standard library: any python3 works.
"""

import os
import socket
import sys


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    path = os.environ.get("CHDK_UMOCK_CONTROL")
    if not path:
        sys.stderr.write("umockctl: CHDK_UMOCK_CONTROL is not set: run this under tests/usb-emulation/emulate.py\n")
        return 2
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        s.sendall((" ".join(argv) + "\n").encode())
        reply = s.makefile().readline().strip()
        s.close()
    except OSError as ex:
        sys.stderr.write("umockctl: cannot reach the harness at %s: %s\n" % (path, ex))
        return 2
    print(reply)
    return 1 if reply.startswith("error") or not reply else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
