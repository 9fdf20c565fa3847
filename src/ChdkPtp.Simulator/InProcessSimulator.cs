using System;
using ChdkPtp.Protocol.Transport;
using ChdkPtp.Protocol.Transport.Loopback;
using ChdkPtp.Protocol.Transport.Usb;

namespace ChdkPtp.Simulator
{
    /// <summary>
    /// A virtual CHDK camera plugged into an in-process USB link: the host side is an ordinary
    /// <see cref="UsbPtpTransport"/>, so every byte goes through the same container framing a real
    /// camera's pipes carry.
    /// </summary>
    public sealed class InProcessSimulator : IDisposable
    {
        private readonly LoopbackUsbLink _link;
        private readonly UsbDeviceEndpoint _endpoint;

        public InProcessSimulator(SimulatorOptions options = null)
        {
            Camera = new VirtualCamera(options);
            Responder = new PtpResponder(Camera);
            _link = new LoopbackUsbLink(512);
            _link.HostToDevice.TimeoutMs = 5000;
            _link.DeviceToHost.TimeoutMs = 5000;
            // The camera waits as long as it takes for the host to read its data (a slow destination stream
            // must not break a download); the host's writes time out as a USB bulk OUT transfer does, should
            // the camera stop reading.
            _link.HostToDevice.WriteTimeoutMs = 5000;
            _endpoint = new UsbDeviceEndpoint(_link.Device, Responder);
        }

        public VirtualCamera Camera { get; }

        public PtpResponder Responder { get; }

        public LoopbackUsbLink Link => _link;

        /// <summary>The host's transport. Disposing it unplugs and shuts down the simulator.</summary>
        public IPtpTransport CreateTransport() => new UsbPtpTransport(_link.Host, "simulator", this);

        /// <summary>Unplugs the cable: both pipes close, pending reads fail.</summary>
        public void Unplug() => _link.Close();

        public void Dispose()
        {
            _link.Close();
            _endpoint.Dispose();
            Camera.Dispose();
        }
    }
}
