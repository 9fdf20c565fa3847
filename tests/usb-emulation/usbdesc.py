"""USB descriptors and sysfs/udev data of the emulated Canon camera (one PTP still-image interface).

Everything here is built from the USB 2.0 specification (chapter 9) and the Still Image Capture
Device class: a device descriptor, one configuration with one interface of class 6/1/1 and three
endpoints (bulk IN 0x81, bulk OUT 0x02, interrupt IN 0x83), and the string descriptors.
"""

import struct

CANON_VENDOR_ID = 0x04A9
PACKET_SIZE = 512           # wMaxPacketSize of the high-speed bulk endpoints
INTERRUPT_PACKET_SIZE = 8   # as Canon PowerShots report for their event endpoint
EP_BULK_IN = 0x81
EP_BULK_OUT = 0x02
EP_INTERRUPT_IN = 0x83
INTERFACE_NUMBER = 0
CONFIGURATION_VALUE = 1

# Endpoint transfer types (bmAttributes & 3)
XFER_CONTROL, XFER_ISO, XFER_BULK, XFER_INTERRUPT = 0, 1, 2, 3
ENDPOINTS = {
    EP_BULK_IN: (XFER_BULK, PACKET_SIZE),
    EP_BULK_OUT: (XFER_BULK, PACKET_SIZE),
    EP_INTERRUPT_IN: (XFER_INTERRUPT, INTERRUPT_PACKET_SIZE),
}


class Identity:
    """What the camera says about itself on USB (and, for the serial, in PTP DeviceInfo too)."""

    def __init__(self, product_id=0x325A, serial="", manufacturer="Canon Inc.",
                 product="Canon Digital Camera", bcd_device=0x0002):
        self.vendor_id = CANON_VENDOR_ID
        self.product_id = product_id
        self.serial = serial
        self.manufacturer = manufacturer
        self.product = product
        self.bcd_device = bcd_device

    def strings(self):
        """String descriptor index -> text (index 0 is the language id list)."""
        return {1: self.manufacturer, 2: self.product, 3: self.serial}


def device_descriptor(ident):
    return struct.pack("<BBHBBBBHHHBBBB",
                       18, 1,          # bLength, DEVICE
                       0x0200,         # bcdUSB 2.00
                       0, 0, 0,        # class/subclass/protocol: per interface
                       64,             # bMaxPacketSize0
                       ident.vendor_id, ident.product_id, ident.bcd_device,
                       1, 2, 3,        # iManufacturer, iProduct, iSerialNumber
                       1)              # bNumConfigurations


def _endpoint(address, xfer, size, interval):
    return struct.pack("<BBBBHB", 7, 5, address, xfer, size, interval)


def configuration_descriptor():
    """The whole configuration: configuration + interface + endpoint descriptors (wTotalLength bytes)."""
    interface = struct.pack("<BBBBBBBBB", 9, 4, INTERFACE_NUMBER, 0, 3,
                            6, 1, 1,   # Still Image Capture, PTP
                            0)
    endpoints = (_endpoint(EP_BULK_IN, XFER_BULK, PACKET_SIZE, 0)
                 + _endpoint(EP_BULK_OUT, XFER_BULK, PACKET_SIZE, 0)
                 + _endpoint(EP_INTERRUPT_IN, XFER_INTERRUPT, INTERRUPT_PACKET_SIZE, 9))
    total = 9 + len(interface) + len(endpoints)
    config = struct.pack("<BBHBBBBB", 9, 2, total, 1, CONFIGURATION_VALUE, 0,
                         0xC0,         # self-powered
                         1)            # bMaxPower: 2 mA
    return config + interface + endpoints


def device_qualifier():
    """What the device would be at full speed (high-speed devices answer GET_DESCRIPTOR(DEVICE_QUALIFIER))."""
    return struct.pack("<BBHBBBBBB", 10, 6, 0x0200, 0, 0, 0, 64, 1, 0)


def string_descriptor(ident, index, langid):
    if index == 0:
        return struct.pack("<BBH", 4, 3, 0x0409)
    text = ident.strings().get(index)
    if text is None:
        return None
    body = text.encode("utf-16-le")
    return struct.pack("<BB", 2 + len(body), 3) + body


def sysfs_descriptors(ident):
    """The sysfs 'descriptors' attribute: device descriptor then every configuration (bus endian)."""
    return device_descriptor(ident) + configuration_descriptor()


def root_hub_descriptors():
    dev = struct.pack("<BBHBBBBHHHBBBB", 18, 1, 0x0200, 9, 0, 1, 64, 0x1D6B, 0x0002, 0x0601, 3, 2, 1, 1)
    cfg = struct.pack("<BBHBBBBB", 9, 2, 25, 1, 1, 0, 0xE0, 0)
    itf = struct.pack("<BBBBBBBBB", 9, 4, 0, 0, 1, 9, 0, 0, 0)
    ep = struct.pack("<BBBBHB", 7, 5, 0x81, 3, 4, 12)
    return dev + cfg + itf + ep


def umockdev_record(devpath, subsystem, attributes, properties, binary=None):
    """A device in umockdev-record's text format (what Testbed.add_from_string reads): this is how a device is
    added under a parent that exists only in the testbed (add_device checks parents in the real /sys)."""
    def esc(v):
        return v.replace("\\", "\\\\").replace("\n", "\\n")
    lines = ["P: " + devpath, "E: SUBSYSTEM=" + subsystem]
    lines += ["E: %s=%s" % (k, v) for k, v in properties.items()]
    lines += ["A: %s=%s" % (k, esc(v)) for k, v in attributes.items()]
    lines += ["H: %s=%s" % (k, v.hex().upper()) for k, v in (binary or {}).items()]
    return "\n".join(lines) + "\n\n"
