#!/bin/sh
# Runs a command with the emulated CHDK camera on USB (see README.md):
#
#   tests/usb-emulation/run-emulated.sh [emulate.py options] -- COMMAND [ARGS...]
#
# Finds a python3 with umockdev's GObject bindings (the system one), builds the simulator bridge
# (tests/ChdkPtp.UsbBridge) if it is not built yet, and runs emulate.py. The exit code is COMMAND's
# (125: the harness failed).
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
PY=
for candidate in /usr/bin/python3 python3; do
    if "$candidate" -c "import gi; gi.require_version('UMockdev', '1.0'); from gi.repository import UMockdev" 2>/dev/null; then
        PY=$candidate
        break
    fi
done
if [ -z "$PY" ]; then
    echo "run-emulated.sh: no python3 with umockdev's bindings. Install them with:" >&2
    echo "  sudo apt-get install -y --no-install-recommends umockdev gir1.2-umockdev-1.0 python3-gi libusb-1.0-0 gphoto2" >&2
    exit 125
fi
case " $* " in
    *" --bridge-socket "*|*" --bridge-dll "*) ;;
    *)
        if ! ls "$repo"/tests/ChdkPtp.UsbBridge/bin/*/net*/ChdkPtp.UsbBridge.dll >/dev/null 2>&1; then
            echo "run-emulated.sh: building tests/ChdkPtp.UsbBridge" >&2
            dotnet build "$repo/tests/ChdkPtp.UsbBridge" -nologo -v q >&2 || exit 125
        fi
        ;;
esac
exec "$PY" "$here/emulate.py" "$@"
