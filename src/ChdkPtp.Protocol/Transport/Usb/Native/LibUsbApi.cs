using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace ChdkPtp.Protocol.Transport.Usb.Native
{
    /// <summary>
    /// The libusb-1.0 functions this library uses, bound at run time from the first candidate
    /// library that loads (see <see cref="DefaultCandidates"/>). Every argument is blittable, so a
    /// call marshals nothing. LIBUSB_CALL is WINAPI on Windows (stdcall on x86) and the C convention
    /// elsewhere, which is what <see cref="CallingConvention.Winapi"/> means on each platform.
    /// </summary>
    internal sealed unsafe class LibUsbApi
    {
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate int InitFn(out IntPtr ctx);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate void ExitFn(IntPtr ctx);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate IntPtr GetDeviceListFn(IntPtr ctx, out IntPtr list);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate void FreeDeviceListFn(IntPtr list, int unrefDevices);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate int GetDeviceDescriptorFn(IntPtr dev, out LibUsbDeviceDescriptor desc);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate int GetActiveConfigDescriptorFn(IntPtr dev, out IntPtr config);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate int GetConfigDescriptorFn(IntPtr dev, byte index, out IntPtr config);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate void FreeConfigDescriptorFn(IntPtr config);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate byte GetByteFn(IntPtr dev);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate int GetPortNumbersFn(IntPtr dev, byte* ports, int length);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate int OpenFn(IntPtr dev, out IntPtr handle);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate void CloseFn(IntPtr handle);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate int GetStringDescriptorAsciiFn(IntPtr handle, byte index, byte* data, int length);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate int GetConfigurationFn(IntPtr handle, out int config);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate int HandleIntFn(IntPtr handle, int value);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate int SetAltSettingFn(IntPtr handle, int iface, int alt);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate int ClearHaltFn(IntPtr handle, byte endpoint);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate int HandleFn(IntPtr handle);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate IntPtr AllocTransferFn(int isoPackets);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate void FreeTransferFn(IntPtr transfer);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate int TransferFn(IntPtr transfer);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate int HandleEventsCompletedFn(IntPtr ctx, int* completed);
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate IntPtr GetVersionFn();
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate IntPtr ErrorTextFn(int code);
        /// <summary>libusb_transfer_cb_fn.</summary>
        [UnmanagedFunctionPointer(CallingConvention.Winapi)] public delegate void TransferCallbackFn(IntPtr transfer);

        public InitFn Init;
        public ExitFn Exit;
        public GetDeviceListFn GetDeviceList;
        public FreeDeviceListFn FreeDeviceList;
        public GetDeviceDescriptorFn GetDeviceDescriptor;
        public GetActiveConfigDescriptorFn GetActiveConfigDescriptor;
        public GetConfigDescriptorFn GetConfigDescriptor;
        public FreeConfigDescriptorFn FreeConfigDescriptor;
        public GetByteFn GetBusNumber;
        public GetByteFn GetDeviceAddress;
        public GetPortNumbersFn GetPortNumbers;
        public OpenFn Open;
        public CloseFn Close;
        public GetStringDescriptorAsciiFn GetStringDescriptorAscii;
        public GetConfigurationFn GetConfiguration;
        public HandleIntFn SetConfiguration;
        public HandleIntFn KernelDriverActive;
        public HandleIntFn DetachKernelDriver;
        public HandleIntFn AttachKernelDriver;
        public HandleIntFn ClaimInterface;
        public HandleIntFn ReleaseInterface;
        public SetAltSettingFn SetInterfaceAltSetting;
        public ClearHaltFn ClearHalt;
        public HandleFn ResetDevice;
        public AllocTransferFn AllocTransfer;
        public FreeTransferFn FreeTransfer;
        public TransferFn SubmitTransfer;
        public TransferFn CancelTransfer;
        public HandleEventsCompletedFn HandleEventsCompleted;
        public GetVersionFn GetVersion;
        public ErrorTextFn ErrorNameFn;
        public ErrorTextFn StrErrorFn;

        private LibUsbApi() { }

        /// <summary>The file the library was loaded from (as the loader reports it).</summary>
        public string LibraryPath { get; private set; }

        /// <summary>The library's own version, e.g. "1.0.26.11724".</summary>
        public string Version { get; private set; }

        /// <summary>Names tried in order for this OS: the CHDKPTP_LIBUSB environment variable if set (alone),
        /// else the platform's usual names and places.</summary>
        public static IReadOnlyList<string> DefaultCandidates()
        {
            var env = Environment.GetEnvironmentVariable(EnvironmentOverride);
            if (!string.IsNullOrEmpty(env)) return new[] { env };
            var list = new List<string>();
            string here = null;
            try { here = Path.GetDirectoryName(typeof(LibUsbApi).Assembly.Location); } catch (Exception) { }
            if (NativeLibraryLoader.IsWindows)
            {
                if (!string.IsNullOrEmpty(here))
                {
                    list.Add(Path.Combine(here, "libusb-1.0.dll"));
                    list.Add(Path.Combine(here, ArchFolder(), "libusb-1.0.dll"));
                }
                list.Add("libusb-1.0.dll");
            }
            else if (NativeLibraryLoader.IsMacOS)
            {
                if (!string.IsNullOrEmpty(here)) list.Add(Path.Combine(here, "libusb-1.0.0.dylib"));
                list.Add("libusb-1.0.0.dylib");
                list.Add("/opt/homebrew/lib/libusb-1.0.0.dylib");
                list.Add("/usr/local/lib/libusb-1.0.0.dylib");
                list.Add("/opt/local/lib/libusb-1.0.0.dylib");
            }
            else
            {
                list.Add("libusb-1.0.so.0");
                list.Add("libusb-1.0.so");
            }
            return list;
        }

        /// <summary>An environment variable naming the libusb library to load instead of the usual ones.</summary>
        public const string EnvironmentOverride = "CHDKPTP_LIBUSB";

        private static string ArchFolder()
        {
            switch (RuntimeInformation.ProcessArchitecture)
            {
                case Architecture.X86: return "x86";
                case Architecture.Arm64: return "arm64";
                case Architecture.Arm: return "arm";
                default: return "x64";
            }
        }

        /// <summary>Loads the first candidate that opens and binds every function.</summary>
        /// <exception cref="UsbTransportException">Kind NotInstalled, with install advice for this OS.</exception>
        public static LibUsbApi Load(IReadOnlyList<string> candidates)
        {
            var tried = new StringBuilder();
            foreach (var name in candidates)
            {
                var lib = NativeLibraryLoader.Load(name, out string error);
                if (lib == IntPtr.Zero)
                {
                    tried.Append(Environment.NewLine).Append("  ").Append(name).Append(": ").Append(error);
                    continue;
                }
                var api = new LibUsbApi();
                var missing = api.Bind(lib);
                if (missing != null)
                {
                    tried.Append(Environment.NewLine).Append("  ").Append(name)
                         .Append(": loaded, but it has no ").Append(missing).Append(" (libusb 1.0.16 or later is needed)");
                    NativeLibraryLoader.Free(lib);
                    continue;
                }
                api.LibraryPath = NativeLibraryLoader.PathOf(lib, NativeLibraryLoader.Symbol(lib, "libusb_init")) ?? name;
                api.Version = api.ReadVersion();
                return api;
            }
            throw UsbErrors.NotInstalled(UsbErrors.CurrentOs, tried.ToString());
        }

        /// <summary>Binds every function; returns the name of the first missing one, or null.</summary>
        private string Bind(IntPtr lib)
        {
            string missing = null;
            T Get<T>(string name) where T : class
            {
                var p = NativeLibraryLoader.Symbol(lib, name);
                if (p == IntPtr.Zero) { missing = missing ?? name; return null; }
                return Marshal.GetDelegateForFunctionPointer(p, typeof(T)) as T;
            }
            Init = Get<InitFn>("libusb_init");
            Exit = Get<ExitFn>("libusb_exit");
            GetDeviceList = Get<GetDeviceListFn>("libusb_get_device_list");
            FreeDeviceList = Get<FreeDeviceListFn>("libusb_free_device_list");
            GetDeviceDescriptor = Get<GetDeviceDescriptorFn>("libusb_get_device_descriptor");
            GetActiveConfigDescriptor = Get<GetActiveConfigDescriptorFn>("libusb_get_active_config_descriptor");
            GetConfigDescriptor = Get<GetConfigDescriptorFn>("libusb_get_config_descriptor");
            FreeConfigDescriptor = Get<FreeConfigDescriptorFn>("libusb_free_config_descriptor");
            GetBusNumber = Get<GetByteFn>("libusb_get_bus_number");
            GetDeviceAddress = Get<GetByteFn>("libusb_get_device_address");
            GetPortNumbers = Get<GetPortNumbersFn>("libusb_get_port_numbers");
            Open = Get<OpenFn>("libusb_open");
            Close = Get<CloseFn>("libusb_close");
            GetStringDescriptorAscii = Get<GetStringDescriptorAsciiFn>("libusb_get_string_descriptor_ascii");
            GetConfiguration = Get<GetConfigurationFn>("libusb_get_configuration");
            SetConfiguration = Get<HandleIntFn>("libusb_set_configuration");
            KernelDriverActive = Get<HandleIntFn>("libusb_kernel_driver_active");
            DetachKernelDriver = Get<HandleIntFn>("libusb_detach_kernel_driver");
            AttachKernelDriver = Get<HandleIntFn>("libusb_attach_kernel_driver");
            ClaimInterface = Get<HandleIntFn>("libusb_claim_interface");
            ReleaseInterface = Get<HandleIntFn>("libusb_release_interface");
            SetInterfaceAltSetting = Get<SetAltSettingFn>("libusb_set_interface_alt_setting");
            ClearHalt = Get<ClearHaltFn>("libusb_clear_halt");
            ResetDevice = Get<HandleFn>("libusb_reset_device");
            AllocTransfer = Get<AllocTransferFn>("libusb_alloc_transfer");
            FreeTransfer = Get<FreeTransferFn>("libusb_free_transfer");
            SubmitTransfer = Get<TransferFn>("libusb_submit_transfer");
            CancelTransfer = Get<TransferFn>("libusb_cancel_transfer");
            HandleEventsCompleted = Get<HandleEventsCompletedFn>("libusb_handle_events_completed");
            GetVersion = Get<GetVersionFn>("libusb_get_version");
            ErrorNameFn = Get<ErrorTextFn>("libusb_error_name");
            StrErrorFn = Get<ErrorTextFn>("libusb_strerror");
            return missing;
        }

        private string ReadVersion()
        {
            var p = GetVersion();
            if (p == IntPtr.Zero) return null;
            var v = (LibUsbVersion*)p;
            return $"{v->major}.{v->minor}.{v->micro}.{v->nano}";
        }

        /// <summary>libusb_error_name: "LIBUSB_ERROR_BUSY" and so on.</summary>
        public string ErrorName(int code)
        {
            var p = ErrorNameFn(code);
            return p == IntPtr.Zero ? LibUsbConst.ErrorName(code) : Marshal.PtrToStringAnsi(p);
        }

        /// <summary>libusb_strerror: a short English description.</summary>
        public string StrError(int code)
        {
            var p = StrErrorFn(code);
            return p == IntPtr.Zero ? null : Marshal.PtrToStringAnsi(p);
        }
    }
}
