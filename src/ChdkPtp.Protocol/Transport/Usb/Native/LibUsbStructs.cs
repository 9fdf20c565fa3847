using System;
using System.Runtime.InteropServices;

namespace ChdkPtp.Protocol.Transport.Usb.Native
{
    // Structures of libusb.h (1.0.26), laid out as the C compiler lays them out: natural alignment,
    // pointers and ints as on the platform. Tests pin every offset against the header's layout.

    /// <summary>struct libusb_device_descriptor (18 bytes, no padding).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct LibUsbDeviceDescriptor
    {
        public byte bLength;
        public byte bDescriptorType;
        public ushort bcdUSB;
        public byte bDeviceClass;
        public byte bDeviceSubClass;
        public byte bDeviceProtocol;
        public byte bMaxPacketSize0;
        public ushort idVendor;
        public ushort idProduct;
        public ushort bcdDevice;
        public byte iManufacturer;
        public byte iProduct;
        public byte iSerialNumber;
        public byte bNumConfigurations;
    }

    /// <summary>struct libusb_endpoint_descriptor.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct LibUsbEndpointDescriptor
    {
        public byte bLength;
        public byte bDescriptorType;
        public byte bEndpointAddress;
        public byte bmAttributes;
        public ushort wMaxPacketSize;
        public byte bInterval;
        public byte bRefresh;
        public byte bSynchAddress;
        public IntPtr extra;
        public int extra_length;
    }

    /// <summary>struct libusb_interface_descriptor (one altsetting).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct LibUsbInterfaceDescriptor
    {
        public byte bLength;
        public byte bDescriptorType;
        public byte bInterfaceNumber;
        public byte bAlternateSetting;
        public byte bNumEndpoints;
        public byte bInterfaceClass;
        public byte bInterfaceSubClass;
        public byte bInterfaceProtocol;
        public byte iInterface;
        /// <summary>const struct libusb_endpoint_descriptor * (bNumEndpoints of them).</summary>
        public IntPtr endpoint;
        public IntPtr extra;
        public int extra_length;
    }

    /// <summary>struct libusb_interface: the altsettings of one interface.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct LibUsbInterface
    {
        /// <summary>const struct libusb_interface_descriptor * (num_altsetting of them).</summary>
        public IntPtr altsetting;
        public int num_altsetting;
    }

    /// <summary>struct libusb_config_descriptor.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct LibUsbConfigDescriptor
    {
        public byte bLength;
        public byte bDescriptorType;
        public ushort wTotalLength;
        public byte bNumInterfaces;
        public byte bConfigurationValue;
        public byte iConfiguration;
        public byte bmAttributes;
        public byte MaxPower;
        /// <summary>const struct libusb_interface * (bNumInterfaces of them).</summary>
        public IntPtr @interface;
        public IntPtr extra;
        public int extra_length;
    }

    /// <summary>struct libusb_version, as returned by libusb_get_version().</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct LibUsbVersion
    {
        public ushort major;
        public ushort minor;
        public ushort micro;
        public ushort nano;
        public IntPtr rc;
        public IntPtr describe;
    }

    /// <summary>
    /// struct libusb_transfer without its trailing iso_packet_desc[] (we allocate with 0 iso packets
    /// through libusb_alloc_transfer, which also owns the private part in front of it).
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct LibUsbTransfer
    {
        public IntPtr dev_handle;
        public byte flags;
        public byte endpoint;
        public byte type;
        public uint timeout;
        public int status;
        public int length;
        public int actual_length;
        public IntPtr callback;
        public IntPtr user_data;
        public IntPtr buffer;
        public int num_iso_packets;
    }

    /// <summary>Constants of libusb.h.</summary>
    internal static class LibUsbConst
    {
        // enum libusb_error
        public const int Success = 0;
        public const int ErrorIo = -1;
        public const int ErrorInvalidParam = -2;
        public const int ErrorAccess = -3;
        public const int ErrorNoDevice = -4;
        public const int ErrorNotFound = -5;
        public const int ErrorBusy = -6;
        public const int ErrorTimeout = -7;
        public const int ErrorOverflow = -8;
        public const int ErrorPipe = -9;
        public const int ErrorInterrupted = -10;
        public const int ErrorNoMem = -11;
        public const int ErrorNotSupported = -12;
        public const int ErrorOther = -99;

        // enum libusb_transfer_status
        public const int TransferCompleted = 0;
        public const int TransferError = 1;
        public const int TransferTimedOut = 2;
        public const int TransferCancelled = 3;
        public const int TransferStall = 4;
        public const int TransferNoDevice = 5;
        public const int TransferOverflow = 6;

        // enum libusb_transfer_type
        public const byte TypeControl = 0;
        public const byte TypeBulk = 2;
        public const byte TypeInterrupt = 3;

        // descriptor types, classes, endpoint bits
        public const byte DescriptorInterface = 4;
        public const byte DescriptorEndpoint = 5;
        public const byte ClassStillImage = 6;
        public const byte EndpointDirIn = 0x80;
        public const byte TransferTypeMask = 0x03;
        public const int ControlSetupSize = 8;

        /// <summary>The libusb_error value as its C name, e.g. LIBUSB_ERROR_BUSY.</summary>
        public static string ErrorName(int code)
        {
            switch (code)
            {
                case Success: return "LIBUSB_SUCCESS";
                case ErrorIo: return "LIBUSB_ERROR_IO";
                case ErrorInvalidParam: return "LIBUSB_ERROR_INVALID_PARAM";
                case ErrorAccess: return "LIBUSB_ERROR_ACCESS";
                case ErrorNoDevice: return "LIBUSB_ERROR_NO_DEVICE";
                case ErrorNotFound: return "LIBUSB_ERROR_NOT_FOUND";
                case ErrorBusy: return "LIBUSB_ERROR_BUSY";
                case ErrorTimeout: return "LIBUSB_ERROR_TIMEOUT";
                case ErrorOverflow: return "LIBUSB_ERROR_OVERFLOW";
                case ErrorPipe: return "LIBUSB_ERROR_PIPE";
                case ErrorInterrupted: return "LIBUSB_ERROR_INTERRUPTED";
                case ErrorNoMem: return "LIBUSB_ERROR_NO_MEM";
                case ErrorNotSupported: return "LIBUSB_ERROR_NOT_SUPPORTED";
                case ErrorOther: return "LIBUSB_ERROR_OTHER";
                default: return "LIBUSB_ERROR_" + code;
            }
        }

        /// <summary>The libusb_transfer_status value as its C name.</summary>
        public static string TransferStatusName(int status)
        {
            switch (status)
            {
                case TransferCompleted: return "LIBUSB_TRANSFER_COMPLETED";
                case TransferError: return "LIBUSB_TRANSFER_ERROR";
                case TransferTimedOut: return "LIBUSB_TRANSFER_TIMED_OUT";
                case TransferCancelled: return "LIBUSB_TRANSFER_CANCELLED";
                case TransferStall: return "LIBUSB_TRANSFER_STALL";
                case TransferNoDevice: return "LIBUSB_TRANSFER_NO_DEVICE";
                case TransferOverflow: return "LIBUSB_TRANSFER_OVERFLOW";
                default: return "LIBUSB_TRANSFER_" + status;
            }
        }

        /// <summary>The libusb_error a transfer status stands for (what libusb's synchronous API returns).</summary>
        public static int ErrorOfStatus(int status)
        {
            switch (status)
            {
                case TransferCompleted: return Success;
                case TransferTimedOut: return ErrorTimeout;
                case TransferStall: return ErrorPipe;
                case TransferNoDevice: return ErrorNoDevice;
                case TransferOverflow: return ErrorOverflow;
                case TransferCancelled: return ErrorInterrupted;
                default: return ErrorIo;
            }
        }
    }
}
