using System;
using System.Threading;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport;
using ChdkPtp.Protocol.Transport.Loopback;
using ChdkPtp.Protocol.Transport.Usb;

namespace ChdkPtp.Simulator
{
    /// <summary>
    /// A virtual CHDK camera plugged into an in-process USB link: the host side is an ordinary
    /// <see cref="UsbPtpTransport"/>, so every byte goes through the same container framing a real
    /// camera's pipes carry. The cable can be pulled and plugged back (<see cref="Unplug"/>,
    /// <see cref="PlugIn"/>, <see cref="UnplugFor"/>): the camera, its card and its settings stay, as
    /// they do when a real camera's cable is pulled; the PTP session and any running script end.
    /// </summary>
    public sealed class InProcessSimulator : IDisposable
    {
        private readonly object _gate = new object();
        private Cable _cable;
        private Timer _replug;
        private bool _disposed;

        public InProcessSimulator(SimulatorOptions options = null)
        {
            Camera = new VirtualCamera(options);
            Responder = new PtpResponder(Camera);
            _cable = new Cable(Responder);
        }

        public VirtualCamera Camera { get; }

        public PtpResponder Responder { get; }

        /// <summary>The current cable's pipes (null while unplugged).</summary>
        public LoopbackUsbLink Link { get { lock (_gate) return _cable?.Link; } }

        /// <summary>Whether the cable is plugged in.</summary>
        public bool IsPluggedIn { get { lock (_gate) return _cable != null; } }

        /// <summary>How many times the cable was plugged back in.</summary>
        public int PlugCount { get; private set; }

        /// <summary>The host's transport. Disposing it unplugs and shuts down the simulator.</summary>
        public IPtpTransport CreateTransport() => CreateTransport(ownsSimulator: true);

        /// <summary>The host's transport over the current cable. With <paramref name="ownsSimulator"/> false,
        /// disposing it only closes the host's handle (a session that reconnects keeps the camera); the next
        /// transport gets fresh pipes.</summary>
        /// <exception cref="PtpTransportException">The cable is unplugged.</exception>
        public IPtpTransport CreateTransport(bool ownsSimulator)
        {
            lock (_gate)
            {
                if (_disposed) throw new ObjectDisposedException(nameof(InProcessSimulator));
                if (_cable == null) throw new PtpTransportException("The simulated camera is unplugged.");
                return new UsbPtpTransport(_cable.Link.Host, "simulator", ownsSimulator ? (IDisposable)this : new HostHandle(this, _cable));
            }
        }

        /// <summary>Pulls the cable: both pipes close, pending reads fail, the camera's PTP session ends.</summary>
        public void Unplug()
        {
            Cable old;
            lock (_gate)
            {
                old = _cable;
                _cable = null;
            }
            old?.Dispose();
            Responder.DeviceReset(); // the camera notices the cable is gone: its PTP session ends (a running script goes on)
        }

        /// <summary>Plugs the cable back in (nothing happens when it is in).</summary>
        public void PlugIn()
        {
            lock (_gate)
            {
                if (_disposed || _cable != null) return;
                _cable = new Cable(Responder);
                PlugCount++;
            }
        }

        /// <summary>Pulls the cable now and plugs it back in after <paramref name="downtime"/>, as a hub that drops
        /// or a camera that restarts would.</summary>
        public void UnplugFor(TimeSpan downtime)
        {
            Unplug();
            lock (_gate)
            {
                _replug?.Dispose();
                _replug = new Timer(_ => PlugIn(), null, downtime, Timeout.InfiniteTimeSpan);
            }
        }

        /// <summary>The host closed its handle on <paramref name="cable"/> (the device stays plugged in): the pipes are
        /// renewed so that the next connection starts clean, and the camera's PTP session ends, as a USB reset on
        /// close does.</summary>
        private void Release(Cable cable)
        {
            lock (_gate)
            {
                if (_disposed || _cable != cable) return; // unplugged meanwhile: nothing to renew
                _cable = new Cable(Responder);
            }
            cable.Dispose();
            Responder.DeviceReset();
        }

        private sealed class HostHandle : IDisposable
        {
            private InProcessSimulator _simulator;
            private readonly Cable _cable;
            public HostHandle(InProcessSimulator simulator, Cable cable) { _simulator = simulator; _cable = cable; }
            public void Dispose() => Interlocked.Exchange(ref _simulator, null)?.Release(_cable);
        }

        public void Dispose()
        {
            Cable old;
            lock (_gate)
            {
                if (_disposed) return;
                _disposed = true;
                old = _cable;
                _cable = null;
                _replug?.Dispose();
            }
            old?.Dispose();
            Camera.Dispose();
        }

        /// <summary>One plugged-in cable: the pipes and the camera's end of them.</summary>
        private sealed class Cable : IDisposable
        {
            private int _disposed;

            public Cable(PtpResponder responder)
            {
                Link = new LoopbackUsbLink(512);
                Link.HostToDevice.TimeoutMs = 5000;
                Link.DeviceToHost.TimeoutMs = 5000;
                // The camera waits as long as it takes for the host to read its data (a slow destination stream
                // must not break a download); the host's writes time out as a USB bulk OUT transfer does, should
                // the camera stop reading.
                Link.HostToDevice.WriteTimeoutMs = 5000;
                Endpoint = new UsbDeviceEndpoint(Link.Device, responder);
            }

            public LoopbackUsbLink Link { get; }

            public UsbDeviceEndpoint Endpoint { get; }

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
                Link.Close();
                Endpoint.Dispose();
            }
        }
    }
}
