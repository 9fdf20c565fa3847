using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Transport.Usb.Native
{
    /// <summary>
    /// An opened, claimed camera: bulk pipes (<see cref="IUsbBulkIo"/>) and class requests over
    /// libusb transfers. Each direction and endpoint 0 have their own reusable transfer; buffers are
    /// pinned for the duration of a transfer, never copied. Dispose releases the interface,
    /// optionally resets the device, reattaches a detached kernel driver, and closes the handle.
    /// </summary>
    internal sealed unsafe class LibUsbCameraDevice : IUsbBulkIo, IUsbClassRequests, IDisposable
    {
        private readonly LibUsbRuntime _rt;
        private readonly LibUsbApi _api;
        private readonly UsbOpenOptions _options;
        private IntPtr _handle;
        private readonly bool _claimed;
        private readonly bool _detached;
        private readonly LibUsbTransferRunner _in;
        private readonly LibUsbTransferRunner _out;
        private readonly LibUsbTransferRunner _control;
        private readonly byte* _controlBuffer;
        private const int ControlBufferSize = 64;
        private readonly byte _iProduct, _iSerial;
        private int _disposed;

        public UsbCameraInfo Camera { get; }
        public UsbEndpoints Endpoints { get; }
        public int MaxPacketSize => Endpoints.MaxPacketSize;

        /// <summary>Opens <paramref name="device"/> (a libusb_device from a live list) described by <paramref name="camera"/>.</summary>
        public LibUsbCameraDevice(LibUsbRuntime rt, IntPtr device, UsbCameraInfo camera, UsbOpenOptions options, CancellationToken cancel)
        {
            _rt = rt;
            _api = rt.Api;
            _options = options;
            Camera = camera;
            var os = UsbErrors.CurrentOs;
            byte iface = camera.InterfaceNumber;

            if (_api.GetDeviceDescriptor(device, out var dd) == 0)
            {
                _iProduct = dd.iProduct;
                _iSerial = dd.iSerialNumber;
            }
            var alt = ReadInterface(device, camera, dd.bNumConfigurations);
            Endpoints = UsbDescriptors.FindEndpoints(alt, out string problem)
                ?? throw new UsbTransportException(UsbErrorKind.Other, $"The camera at {camera.Location} is not usable: {problem}.", 0, camera.Location);

            int r = _api.Open(device, out _handle);
            if (r != 0) throw Error(r, "opening the device");
            try
            {
                cancel.ThrowIfCancellationRequested();
                if (options.DetachKernelDriver && os == UsbHostOs.Linux && _api.KernelDriverActive(_handle, iface) == 1)
                {
                    r = _api.DetachKernelDriver(_handle, iface);
                    if (r != 0 && r != LibUsbConst.ErrorNotFound) throw Error(r, $"detaching the kernel driver from interface {iface}");
                    _detached = r == 0;
                }
                r = _api.GetConfiguration(_handle, out int current);
                if (r != 0 || current != camera.ConfigurationValue)
                {
                    r = _api.SetConfiguration(_handle, camera.ConfigurationValue);
                    if (r != 0) throw Error(r, $"selecting configuration {camera.ConfigurationValue}");
                }
                r = _api.ClaimInterface(_handle, iface);
                if (r != 0) throw Error(r, $"claiming interface {iface}");
                _claimed = true;
                if (camera.AlternateSetting != 0)
                {
                    r = _api.SetInterfaceAltSetting(_handle, iface, camera.AlternateSetting);
                    if (r != 0) throw Error(r, $"selecting altsetting {camera.AlternateSetting} of interface {iface}");
                }
                _in = new LibUsbTransferRunner(_api, rt.Context);
                _out = new LibUsbTransferRunner(_api, rt.Context);
                _control = new LibUsbTransferRunner(_api, rt.Context);
                _controlBuffer = (byte*)Marshal.AllocHGlobal(ControlBufferSize);
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        private UsbAltSettingDesc ReadInterface(IntPtr device, UsbCameraInfo camera, int configurations)
        {
            // The active configuration when it is the camera's, else the one with the camera's value.
            for (int index = -1; index < Math.Max(configurations, 1); index++)
            {
                int r = index < 0 ? _api.GetActiveConfigDescriptor(device, out IntPtr cfg) : _api.GetConfigDescriptor(device, (byte)index, out cfg);
                if (r != 0) continue;
                try
                {
                    var c = UsbDescriptors.ReadConfig(cfg);
                    if (c.ConfigurationValue != camera.ConfigurationValue) continue;
                    var alt = UsbDescriptors.Find(c, camera.InterfaceNumber, camera.AlternateSetting);
                    if (alt != null) return alt;
                }
                finally { _api.FreeConfigDescriptor(cfg); }
            }
            throw new UsbTransportException(UsbErrorKind.NoDevice,
                $"The device at {camera.Location} no longer has interface {camera.InterfaceNumber} in configuration {camera.ConfigurationValue}: the camera was unplugged or switched off, or another device took its address.",
                0, camera.Location);
        }

        private PtpTransportException Error(int code, string operation) =>
            UsbErrors.From(code, operation, Camera, _options.TimeoutMs, UsbErrors.CurrentOs,
                UsbErrors.CurrentOs == UsbHostOs.Linux ? () => UsbDeviceHolders.Find(Camera) : (Func<IReadOnlyList<UsbDeviceHolder>>)null,
                SafeStrError(code));

        private string SafeStrError(int code)
        {
            try { return _api.StrError(code); }
            catch (Exception) { return null; }
        }

        private void ThrowIfDisposed()
        {
            if (Volatile.Read(ref _disposed) != 0)
                throw new PtpTransportException($"The USB link to the camera at {Camera.Location} is closed.");
        }

        public void Write(ReadOnlySpan<byte> data, CancellationToken cancel)
        {
            ThrowIfDisposed();
            byte zlp = 0;
            fixed (byte* p = data)
            {
                // A zero-length write is a real zero-length packet; libusb wants a buffer pointer all the same.
                byte* buffer = data.Length == 0 ? &zlp : p;
                var o = _out.Run(_handle, Endpoints.BulkOut, LibUsbConst.TypeBulk, buffer, data.Length, (uint)_options.TimeoutMs, cancel);
                Check(o, Endpoints.BulkOut, Op.Write, data.Length, cancel);
                if (o.ActualLength != data.Length)
                    throw new UsbTransportException(UsbErrorKind.Io,
                        $"The camera at {Camera.Location} took {o.ActualLength} of {data.Length} bytes written to endpoint 0x{Endpoints.BulkOut:X2}.", LibUsbConst.ErrorIo, Camera.Location);
            }
        }

        public int Read(Span<byte> buffer, CancellationToken cancel)
        {
            ThrowIfDisposed();
            fixed (byte* p = buffer)
            {
                var o = _in.Run(_handle, Endpoints.BulkIn, LibUsbConst.TypeBulk, p, buffer.Length, (uint)_options.TimeoutMs, cancel);
                Check(o, Endpoints.BulkIn, Op.Read, buffer.Length, cancel);
                return o.ActualLength;
            }
        }

        private enum Op { Write, Read, DeviceReset, GetDeviceStatus }

        /// <summary>The operation's words for a message (made only when something failed: no allocation per transfer).</summary>
        private static string Describe(Op op, byte endpoint, int length)
        {
            switch (op)
            {
                case Op.Write: return length == 0 ? $"sending a zero-length packet to endpoint 0x{endpoint:X2}" : $"writing {length} bytes to endpoint 0x{endpoint:X2}";
                case Op.Read: return $"reading up to {length} bytes from endpoint 0x{endpoint:X2}";
                case Op.DeviceReset: return "the Device Reset request (0x66)";
                default: return "the Get Device Status request (0x67)";
            }
        }

        private void Check(TransferOutcome o, byte endpoint, Op op, int length, CancellationToken cancel)
        {
            if (o.Error == 0) return;
            string operation = Describe(op, endpoint, length);
            if (o.CancelledByToken) throw new OperationCanceledException("The USB transfer was cancelled.", cancel);
            if (o.Aborted || (o.SubmitError == 0 && o.Status == LibUsbConst.TransferCancelled))
            {
                cancel.ThrowIfCancellationRequested();
                throw new PtpTransportException($"The USB link to the camera at {Camera.Location} was closed during {operation}.");
            }
            if (o.Error == LibUsbConst.ErrorPipe)
            {
                if (endpoint == 0)
                    throw new UsbTransportException(UsbErrorKind.Stall, $"The camera at {Camera.Location} refused {operation} (it stalled endpoint 0).", o.Error, Camera.Location);
                _api.ClearHalt(_handle, endpoint);
            }
            throw Error(o.Error, operation);
        }

        // ---- class requests (PROTOCOL.md §1.4) ----

        private int Control(byte requestType, byte request, ushort value, ushort index, int length, Op operation, CancellationToken cancel)
        {
            ThrowIfDisposed();
            var b = _controlBuffer;
            b[0] = requestType;
            b[1] = request;
            b[2] = (byte)value; b[3] = (byte)(value >> 8);
            b[4] = (byte)index; b[5] = (byte)(index >> 8);
            b[6] = (byte)length; b[7] = (byte)(length >> 8);
            var o = _control.Run(_handle, 0, LibUsbConst.TypeControl, b, LibUsbConst.ControlSetupSize + length, (uint)_options.TimeoutMs, cancel);
            Check(o, 0, operation, length, cancel);
            return o.ActualLength;
        }

        public void DeviceReset(CancellationToken cancel = default) =>
            Control(0x21, 0x66, 0, Camera.InterfaceNumber, 0, Op.DeviceReset, cancel);

        public UsbDeviceStatus GetDeviceStatus(CancellationToken cancel = default)
        {
            int n = Control(0xA1, 0x67, 0, Camera.InterfaceNumber, 4, Op.GetDeviceStatus, cancel);
            if (n < 4) throw new PtpProtocolException($"The camera answered Get Device Status with {n} bytes; it must send at least 4.");
            var d = _controlBuffer + LibUsbConst.ControlSetupSize;
            return new UsbDeviceStatus((ushort)(d[0] | d[1] << 8), (PtpResponseCode)(d[2] | d[3] << 8));
        }

        public void ClearStall(CancellationToken cancel = default)
        {
            ThrowIfDisposed();
            cancel.ThrowIfCancellationRequested();
            int r = _api.ClearHalt(_handle, Endpoints.BulkIn);
            if (r != 0) throw Error(r, $"clearing a halt on endpoint 0x{Endpoints.BulkIn:X2}");
            cancel.ThrowIfCancellationRequested();
            r = _api.ClearHalt(_handle, Endpoints.BulkOut);
            if (r != 0) throw Error(r, $"clearing a halt on endpoint 0x{Endpoints.BulkOut:X2}");
        }

        /// <summary>The product and serial number strings of the device descriptor (null when absent or unreadable).</summary>
        public (string Product, string Serial) ReadStrings()
        {
            ThrowIfDisposed();
            return (ReadString(_iProduct), ReadString(_iSerial));
        }

        private string ReadString(byte index)
        {
            if (index == 0) return null;
            byte* b = stackalloc byte[256];
            int n = _api.GetStringDescriptorAscii(_handle, index, b, 255);
            return n > 0 ? Marshal.PtrToStringAnsi((IntPtr)b, n) : null;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            // Stop transfers in flight (another thread may be blocked in a read), then wait for them.
            _in?.Abort();
            _out?.Abort();
            _control?.Abort();
            _in?.Dispose();
            _out?.Dispose();
            _control?.Dispose();
            if (_controlBuffer != null) Marshal.FreeHGlobal((IntPtr)_controlBuffer);
            if (_handle == IntPtr.Zero) return;
            if (_claimed) _api.ReleaseInterface(_handle, Camera.InterfaceNumber);
            if (_options.ResetOnClose && _claimed) _api.ResetDevice(_handle);
            if (_detached) _api.AttachKernelDriver(_handle, Camera.InterfaceNumber);
            _api.Close(_handle);
            _handle = IntPtr.Zero;
        }
    }
}
