using System;
using System.Threading;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport.Usb.Native;

namespace ChdkPtp.Protocol.Transport.Usb
{
    /// <summary>
    /// A real camera over libusb: PTP containers framed by <see cref="UsbContainerChannel"/> (through
    /// <see cref="UsbPtpTransport"/>) on the camera's bulk pipes, plus the class requests. Made by
    /// <see cref="UsbCameras.Open"/>. Disposing it releases the interface, resets the device when
    /// <see cref="UsbOpenOptions.ResetOnClose"/>, reattaches a kernel driver it detached, and closes the
    /// handle; a transfer blocked on another thread is cancelled first.
    /// </summary>
    public sealed class UsbCameraTransport : IPtpTransport, IUsbClassRequests
    {
        private readonly LibUsbCameraDevice _device;
        private readonly UsbPtpTransport _inner;

        internal UsbCameraTransport(LibUsbCameraDevice device)
        {
            _device = device;
            _inner = new UsbPtpTransport(device, device.Camera.Location, device);
        }

        /// <summary>The camera as found when it was opened (if it had moved to a new address on the same port, the new one).</summary>
        public UsbCameraInfo Camera => _device.Camera;

        /// <summary>The endpoints found in the interface's descriptors.</summary>
        public UsbEndpoints Endpoints => _device.Endpoints;

        /// <summary>The camera's <see cref="UsbCameraInfo.Location"/>, e.g. "usb:001/004".</summary>
        public string Description => _inner.Description;

        // Calls are serialised by PtpSession already; the lock is for Dispose, which may come from another thread:
        // it must not hand the channel's pooled buffer back while a call is still using it.
        private readonly object _callLock = new object();
        private bool _closed;

        private void ThrowIfClosed()
        {
            if (_closed) throw new PtpTransportException($"The USB link to the camera at {Description} is closed.");
        }

        public void SendCommand(PtpCommand command, bool hasDataOut, CancellationToken cancel)
        {
            lock (_callLock)
            {
                ThrowIfClosed();
                _inner.SendCommand(command, hasDataOut, cancel);
            }
        }

        public void SendData(ushort code, uint transactionId, IPtpDataSource source, CancellationToken cancel)
        {
            lock (_callLock)
            {
                ThrowIfClosed();
                _inner.SendData(code, transactionId, source, cancel);
            }
        }

        public PtpResponse? ReceiveDataOrResponse(ushort code, uint transactionId, IPtpDataSink sink, CancellationToken cancel)
        {
            lock (_callLock)
            {
                ThrowIfClosed();
                return _inner.ReceiveDataOrResponse(code, transactionId, sink, cancel);
            }
        }

        public PtpResponse ReceiveResponse(CancellationToken cancel)
        {
            lock (_callLock)
            {
                ThrowIfClosed();
                return _inner.ReceiveResponse(cancel);
            }
        }

        /// <inheritdoc/>
        public void DeviceReset(CancellationToken cancel = default) => _device.DeviceReset(cancel);

        /// <inheritdoc/>
        public UsbDeviceStatus GetDeviceStatus(CancellationToken cancel = default) => _device.GetDeviceStatus(cancel);

        /// <inheritdoc/>
        public void ClearStall(CancellationToken cancel = default) => _device.ClearStall(cancel);

        /// <summary>The USB product and serial number strings (string descriptors); null where the device has none.</summary>
        public (string Product, string SerialNumber) ReadStrings() => _device.ReadStrings();

        public void Dispose()
        {
            // The device first: it cancels a transfer another thread may have in flight (that call then fails at
            // once) and waits for libusb to hand it back; then, once no call is inside the channel, the channel
            // returns its pooled buffer.
            _device.Dispose();
            lock (_callLock)
            {
                if (_closed) return;
                _closed = true;
                _inner.Dispose();
            }
        }
    }
}
