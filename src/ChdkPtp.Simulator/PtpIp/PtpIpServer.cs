using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport.PtpIp;

namespace ChdkPtp.Simulator.PtpIp
{
    /// <summary>What a connection to the server turned out to be.</summary>
    public enum PtpIpConnectionKind
    {
        /// <summary>Accepted, its first packet not read yet.</summary>
        Pending,

        /// <summary>Command/data connection (first packet InitCommandRequest).</summary>
        Command,

        /// <summary>Event connection (first packet InitEventRequest).</summary>
        Event,
    }

    /// <summary>One open TCP connection of a <see cref="PtpIpServer"/>.</summary>
    public sealed class PtpIpConnectionInfo
    {
        internal PtpIpConnectionInfo(EndPoint remote, PtpIpConnectionKind kind, string initiatorName)
        {
            RemoteEndPoint = remote;
            Kind = kind;
            InitiatorName = initiatorName;
        }

        public EndPoint RemoteEndPoint { get; }
        public PtpIpConnectionKind Kind { get; }

        /// <summary>The friendly name the initiator sent (command connections), else null.</summary>
        public string InitiatorName { get; }

        public override string ToString() => $"{Kind} {RemoteEndPoint}";
    }

    /// <summary>The server could not listen on the address and port asked for.</summary>
    public sealed class SimulatorListenException : IOException
    {
        public SimulatorListenException(string message, IPAddress address, int port, SocketError error, Exception inner)
            : base(message, inner)
        {
            Address = address;
            Port = port;
            SocketError = error;
        }

        public IPAddress Address { get; }
        public int Port { get; }
        public SocketError SocketError { get; }

        /// <summary>Another program (or another simulator) listens on that port already.</summary>
        public bool PortInUse => SocketError == SocketError.AddressAlreadyInUse;
    }

    /// <summary>
    /// A PTP/IP responder for a <see cref="VirtualCamera"/> (PTPIP.md §5 is its checklist): listens on an address and
    /// port, tells each accepted connection apart by its first packet (InitCommandRequest = command connection,
    /// InitEventRequest = event connection), and runs one PTP/IP session at a time: a new InitCommandRequest drops the
    /// old session, and EOF on either connection ends the session (the PTP session closes, a running script is
    /// killed, message queues and temp data are cleared: gphoto2's CHDK mode never sends CloseSession). Commands go
    /// to the same <see cref="PtpResponder"/> the USB link uses; it decides which operations have a data-out phase
    /// (<see cref="PtpResponder.HasDataOut"/>), whatever DataPhaseInfo says. Data-out is accepted as gphoto2, chdkptp
    /// and camlib send it; data-in goes as StartData(exact length), one EndData with every byte (streamed from files,
    /// never held whole), Response. Nothing is sent on the event connection but answers to ProbeRequest.
    /// </summary>
    public sealed class PtpIpServer : IDisposable
    {
        /// <summary>The simulator's connection number (gphoto2 and chdkptp echo it; camlib always sends 1).</summary>
        public const uint ConnectionNumber = 1;

        private readonly object _gate = new object();
        private readonly bool _ownsCamera;
        private readonly List<Connection> _connections = new List<Connection>();
        private Socket _listener;
        private Thread _acceptThread;
        private CancellationTokenSource _stop;
        private ServerSession _session;
        private int _requestedPort;
        private int _sessionsStarted;
        private int _sessionsEnded;
        private int _disposed;

        /// <summary>A server with its own virtual camera, disposed with the server.</summary>
        public PtpIpServer(SimulatorOptions options = null, IPAddress address = null, int port = PtpIpPackets.DefaultPort)
            : this(new VirtualCamera(options), address, port, ownsCamera: true) { }

        /// <summary>A server for an existing camera (not disposed with the server).</summary>
        public PtpIpServer(VirtualCamera camera, IPAddress address = null, int port = PtpIpPackets.DefaultPort)
            : this(camera, address, port, ownsCamera: false) { }

        private PtpIpServer(VirtualCamera camera, IPAddress address, int port, bool ownsCamera)
        {
            if (port < 0 || port > 65535)
            {
                if (ownsCamera) camera?.Dispose();
                throw new ArgumentOutOfRangeException(nameof(port), port, "A TCP port is 0 (any free port) to 65535.");
            }
            Camera = camera ?? throw new ArgumentNullException(nameof(camera));
            _ownsCamera = ownsCamera;
            Responder = new PtpResponder(camera);
            Address = address ?? IPAddress.Loopback;
            _requestedPort = port;
            var model = camera.Options.Model ?? "CHDK camera";
            FriendlyName = model.Length > PtpIpPackets.MaxFriendlyNameChars ? model.Substring(0, PtpIpPackets.MaxFriendlyNameChars) : model;
            ResponderGuid = NameGuid("ChdkPtp.Simulator/" + camera.Options.SerialNumber);
        }

        public VirtualCamera Camera { get; }

        public PtpResponder Responder { get; }

        public IPAddress Address { get; }

        /// <summary>The port listened on once started (the free port picked for 0); before that, the port asked for.</summary>
        public int Port { get; private set; }

        public IPEndPoint Endpoint => new IPEndPoint(Address, Port == 0 ? _requestedPort : Port);

        /// <summary>The name sent in InitCommandAck (the camera model; at most 115 characters, as chdkptp needs).</summary>
        public string FriendlyName { get; }

        /// <summary>The GUID sent in InitCommandAck: derived from the camera's serial number.</summary>
        public Guid ResponderGuid { get; }

        public bool IsRunning { get { lock (_gate) return _listener != null; } }

        /// <summary>Milliseconds an accepted connection may take to send its first packet (default 10 s).</summary>
        public int FirstPacketTimeoutMs { get; set; } = 10000;

        /// <summary>Milliseconds the camera waits for each part of a host-to-camera data phase (default 10 s).</summary>
        public int DataTimeoutMs { get; set; } = 10000;

        /// <summary>Open TCP connections (command, event and not yet classified).</summary>
        public int ConnectionCount { get { lock (_gate) return _connections.Count; } }

        /// <summary>A snapshot of the open connections.</summary>
        public IReadOnlyList<PtpIpConnectionInfo> Connections
        {
            get
            {
                lock (_gate)
                {
                    var list = new List<PtpIpConnectionInfo>(_connections.Count);
                    foreach (var c in _connections) list.Add(new PtpIpConnectionInfo(c.Remote, c.Kind, c.InitiatorName));
                    return list;
                }
            }
        }

        /// <summary>An initiator holds the command connection.</summary>
        public bool SessionActive { get { lock (_gate) return _session != null && !_session.Closed; } }

        /// <summary>The current session has its event connection too.</summary>
        public bool EventConnected { get { lock (_gate) return _session != null && !_session.Closed && _session.Event != null; } }

        /// <summary>The current initiator's friendly name and GUID, or null.</summary>
        public PtpIpInitInfo Initiator { get { lock (_gate) return _session != null && !_session.Closed ? _session.Initiator : null; } }

        /// <summary>InitCommandRequests accepted since the server was created.</summary>
        public int SessionsStarted => Volatile.Read(ref _sessionsStarted);

        /// <summary>Sessions that have ended, the camera reset after each (the PTP session closed, scripts killed, queues cleared).</summary>
        public int SessionsEnded => Volatile.Read(ref _sessionsEnded);

        /// <summary>The last protocol or I/O error seen from an initiator (for tests and diagnostics).</summary>
        public Exception LastError { get; private set; }

        /// <summary>Starts listening (again, after <see cref="Stop"/>, on the same port).</summary>
        /// <exception cref="SimulatorListenException">The port is in use, or the address is not this machine's.</exception>
        public void Start()
        {
            lock (_gate)
            {
                if (Volatile.Read(ref _disposed) != 0) throw new ObjectDisposedException(nameof(PtpIpServer));
                if (_listener != null) return;
                int port = Port != 0 ? Port : _requestedPort;
                var listener = new Socket(Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    // SO_REUSEADDR lets a new server take a port whose old connections linger in TIME_WAIT. On Windows it
                    // would let two listeners share a port: there, exclusive use instead.
                    if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) listener.ExclusiveAddressUse = true;
                    else ReuseAddress.Enable(listener);
                    if (Address.AddressFamily == AddressFamily.InterNetworkV6 && Address.Equals(IPAddress.IPv6Any)) listener.DualMode = true;
                    listener.Bind(new IPEndPoint(Address, port));
                    listener.Listen(16);
                }
                catch (SocketException ex)
                {
                    listener.Dispose();
                    string ep = Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Address}]:{port}" : $"{Address}:{port}";
                    string msg;
                    switch (ex.SocketErrorCode)
                    {
                        case SocketError.AddressAlreadyInUse:
                            msg = $"Port {port} on {Address} is in use by another program or simulator: stop it, or choose another -Port (0 picks a free one).";
                            break;
                        case SocketError.AddressNotAvailable:
                            msg = $"{Address} is not an address of this computer: cannot listen on {ep}.";
                            break;
                        case SocketError.AccessDenied:
                            msg = $"Listening on {ep} is not allowed (ports below 1024 need administrator rights).";
                            break;
                        default:
                            msg = $"Cannot listen on {ep}: {ex.SocketErrorCode} ({ex.Message}).";
                            break;
                    }
                    throw new SimulatorListenException(msg, Address, port, ex.SocketErrorCode, ex);
                }
                Port = ((IPEndPoint)listener.LocalEndPoint).Port;
                _listener = listener;
                _stop = new CancellationTokenSource();
                _acceptThread = new Thread(() => AcceptLoop(listener, _stop.Token)) { IsBackground = true, Name = "chdk-sim-ptpip-accept" };
                _acceptThread.Start();
            }
        }

        /// <summary>Closes the listener and every connection (the camera "disappears"); <see cref="Start"/> brings it back
        /// on the same port. The camera and its card stay.</summary>
        public void Stop()
        {
            Thread accept;
            List<Connection> open;
            lock (_gate)
            {
                if (_listener == null) return;
                _stop.Cancel();
                try { _listener.Dispose(); } catch (ObjectDisposedException) { }
                _listener = null;
                accept = _acceptThread;
                _acceptThread = null;
                open = new List<Connection>(_connections);
            }
            foreach (var c in open) c.Close();
            if (accept != null && accept != Thread.CurrentThread) accept.Join(5000);
            foreach (var c in open) c.Join(5000);
            lock (_gate) _session = null;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            Stop();
            if (_ownsCamera) Camera.Dispose();
        }

        // ---------------------------------------------------------------------------------------------------

        private void AcceptLoop(Socket listener, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                Socket s;
                try
                {
                    if (!listener.Poll(200 * 1000, SelectMode.SelectRead)) continue;
                    s = listener.Accept();
                }
                catch (ObjectDisposedException) { return; }
                catch (SocketException ex)
                {
                    if (stop.IsCancellationRequested) return;
                    LastError = ex;
                    continue;
                }
                Connection c;
                try { c = new Connection(this, s, stop); }
                catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException)
                {
                    // Reset before it could be set up: nothing to serve.
                    LastError = ex;
                    s.Dispose();
                    continue;
                }
                lock (_gate)
                {
                    if (stop.IsCancellationRequested) { c.Close(); return; }
                    _connections.Add(c);
                }
                c.Start();
            }
        }

        private void Remove(Connection c)
        {
            lock (_gate) _connections.Remove(c);
        }

        private void Serve(Connection c)
        {
            try
            {
                c.Stream.ReadTimeoutMs = FirstPacketTimeoutMs;
                if (!c.Channel.TryReadHeader(out var h, c.Stop)) return;
                switch (h.Type)
                {
                    case PtpIpPacketType.InitCommandRequest:
                        ServeCommand(c, PtpIpPackets.ParseInitCommandRequest(c.Channel.ReadSmallPayload(h, c.Stop)));
                        break;
                    case PtpIpPacketType.InitEventRequest:
                        ServeEvent(c, PtpIpPackets.ParseUInt32Payload(c.Channel.ReadSmallPayload(h, c.Stop), h.Type));
                        break;
                    default:
                        throw new PtpProtocolException($"A connection from {c.Remote} began with {h}, not InitCommandRequest or InitEventRequest.");
                }
            }
            catch (OperationCanceledException) { }
            catch (PtpException ex) { if (!c.Stop.IsCancellationRequested) LastError = ex; }
            catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException || ex is SocketException) { LastError = ex; }
            finally
            {
                c.Close();
                Remove(c);
            }
        }

        private void ServeCommand(Connection c, PtpIpInitInfo initiator)
        {
            var session = new ServerSession(c, initiator);
            ServerSession old;
            lock (_gate)
            {
                old = _session;
                _session = session;
                c.Kind = PtpIpConnectionKind.Command;
                c.InitiatorName = initiator.FriendlyName;
            }
            Interlocked.Increment(ref _sessionsStarted);
            if (old != null)
            {
                // One initiator at a time: the newcomer wins (a simulator should not hold a crashed client's session).
                old.Close();
                old.Finished.Wait(5000);
            }
            try
            {
                c.Stream.ReadTimeoutMs = -1; // a host may sit idle between commands for as long as it likes
                c.Channel.SendInit(ConnectionNumber, ResponderGuid, FriendlyName, PtpIpPackets.ProtocolVersion1, c.Stop);
                var link = new CommandLink(this, c);
                while (!c.Stop.IsCancellationRequested && !session.Closed)
                {
                    if (!c.Channel.TryReadHeader(out var h, c.Stop)) break; // EOF: the initiator is gone
                    switch (h.Type)
                    {
                        case PtpIpPacketType.OperationRequest:
                            var command = PtpIpPackets.ParseOperationRequest(c.Channel.ReadSmallPayload(h, c.Stop), out _);
                            if (!Execute(c, link, command)) return;
                            break;
                        case PtpIpPacketType.Data:
                        case PtpIpPacketType.EndData:
                            // chdkptp's empty Data + EndData after a StartData(0) that already completed the phase.
                            c.Channel.ReadDataTransactionId(h, c.Stop);
                            c.Channel.ReadPayload(h.PayloadLength - 4, null, c.Stop);
                            break;
                        case PtpIpPacketType.ProbeRequest:
                            c.Channel.SendEmptyPacket(PtpIpPacketType.ProbeResponse, c.Stop);
                            break;
                        default:
                            // Cancel (nothing to cancel between transactions), a stray StartData(0), ProbeResponse, unknown.
                            c.Channel.ReadSmallPayload(h, c.Stop);
                            break;
                    }
                }
            }
            finally
            {
                EndSession(session);
                ResetCamera();
                Interlocked.Increment(ref _sessionsEnded);
                session.Finished.Set();
            }
        }

        /// <summary>Runs one command and sends its response; false when the connection cannot go on.</summary>
        private bool Execute(Connection c, CommandLink link, PtpCommand command)
        {
            PtpResponse response;
            try
            {
                response = Responder.Handle(command, link);
            }
            catch (OperationCanceledException) { return false; }
            catch (PtpTransportException ex) { if (!c.Stop.IsCancellationRequested) LastError = ex; return false; }
            catch (PtpProtocolException ex)
            {
                // The host's data phase was malformed: the stream is out of step, as a camera would be; hang up.
                LastError = ex;
                return false;
            }
            catch (Exception ex)
            {
                // A fault inside the responder: answer as a camera with a general error.
                LastError = ex;
                response = new PtpResponse(PtpResponseCode.GeneralError, command.TransactionId, Array.Empty<uint>());
            }
            c.Channel.SendResponse((ushort)response.Code, response.TransactionId, response.Parameters, c.Stop);
            return true;
        }

        private void ServeEvent(Connection c, uint connectionNumber)
        {
            ServerSession session;
            PtpIpInitFailReason? refuse = null;
            lock (_gate)
            {
                session = _session;
                if (session == null || session.Closed || connectionNumber != ConnectionNumber) refuse = PtpIpInitFailReason.Unspecified;
                else if (session.Event != null) refuse = PtpIpInitFailReason.Busy;
                else
                {
                    session.Event = c;
                    c.Kind = PtpIpConnectionKind.Event;
                }
            }
            if (refuse.HasValue)
            {
                LastError = new PtpProtocolException(session == null || session.Closed
                    ? $"InitEventRequest from {c.Remote} without a command connection: refused."
                    : connectionNumber != ConnectionNumber ? $"InitEventRequest from {c.Remote} for connection {connectionNumber}, not {ConnectionNumber}: refused."
                    : $"A second event connection from {c.Remote}: refused.");
                c.Channel.SendUInt32Packet(PtpIpPacketType.InitFail, (uint)refuse.Value, c.Stop);
                return;
            }
            try
            {
                c.Channel.SendEmptyPacket(PtpIpPacketType.InitEventAck, c.Stop);
                c.Stream.ReadTimeoutMs = -1;
                // Nothing is ever sent here unasked: chdkptp reads InitEventAck with one recv and never reads again.
                while (!c.Stop.IsCancellationRequested && !session.Closed)
                {
                    if (!c.Channel.TryReadHeader(out var h, c.Stop)) break;
                    if (h.CarriesData) { c.Channel.ReadPayload(h.PayloadLength, null, c.Stop); continue; }
                    c.Channel.ReadSmallPayload(h, c.Stop);
                    if (h.Type == PtpIpPacketType.ProbeRequest) c.Channel.SendEmptyPacket(PtpIpPacketType.ProbeResponse, c.Stop);
                }
            }
            finally
            {
                EndSession(session);
            }
        }

        /// <summary>Closes both connections of a session (idempotent). Its command thread then resets the camera.</summary>
        private void EndSession(ServerSession s)
        {
            lock (_gate)
            {
                if (_session == s) _session = null;
            }
            s.Close();
        }

        /// <summary>The PTP session ends with the PTP/IP session: as if the camera had been unplugged and plugged in again.</summary>
        private void ResetCamera()
        {
            Responder.EndSession();
            try { Camera.Scripts.Kill(); } catch (Exception ex) when (!(ex is OutOfMemoryException)) { LastError = ex; }
            Camera.CameraToHost.Clear();
            Camera.HostToCamera.Clear();
        }

        private static Guid NameGuid(string name)
        {
            byte[] hash;
            using (var sha = SHA1.Create()) hash = sha.ComputeHash(Encoding.UTF8.GetBytes(name));
            var g = new byte[16];
            Array.Copy(hash, g, 16);
            g[7] = (byte)((g[7] & 0x0F) | 0x50);
            g[8] = (byte)((g[8] & 0x3F) | 0x80);
            return new Guid(g);
        }

        // ---------------------------------------------------------------------------------------------------

        private sealed class ServerSession
        {
            private int _closed;

            public ServerSession(Connection command, PtpIpInitInfo initiator)
            {
                Command = command;
                Initiator = initiator;
            }

            public Connection Command { get; }
            public Connection Event { get; set; }
            public PtpIpInitInfo Initiator { get; }
            public ManualResetEventSlim Finished { get; } = new ManualResetEventSlim(false);
            public bool Closed => Volatile.Read(ref _closed) != 0;

            public void Close()
            {
                Interlocked.Exchange(ref _closed, 1);
                Command.Close();
                Event?.Close();
            }
        }

        private sealed class Connection
        {
            private readonly PtpIpServer _server;
            private readonly Thread _thread;
            private readonly CancellationTokenSource _stop;

            public Connection(PtpIpServer server, Socket socket, CancellationToken serverStop)
            {
                _server = server;
                Remote = socket.RemoteEndPoint;
                Stream = new PtpIpSocketStream(socket, "initiator " + Remote) { WriteTimeoutMs = -1 };
                Channel = new PtpIpChannel(Stream);
                _stop = CancellationTokenSource.CreateLinkedTokenSource(serverStop);
                Stop = _stop.Token;
                _thread = new Thread(Run) { IsBackground = true, Name = "chdk-sim-ptpip-conn" };
            }

            public EndPoint Remote { get; }
            public PtpIpSocketStream Stream { get; }
            public PtpIpChannel Channel { get; }
            public CancellationToken Stop { get; }
            public PtpIpConnectionKind Kind { get; set; }
            public string InitiatorName { get; set; }

            public void Start() => _thread.Start();

            private void Run()
            {
                try { _server.Serve(this); }
                finally { Channel.Dispose(); }
            }

            public void Close()
            {
                try { _stop.Cancel(); } catch (ObjectDisposedException) { }
                Stream.Dispose();
            }

            public void Join(int ms)
            {
                if (_thread.IsAlive && _thread != Thread.CurrentThread) _thread.Join(ms);
            }
        }

        /// <summary>The data phases of the command connection, for the responder.</summary>
        private sealed class CommandLink : IResponderLink
        {
            private readonly PtpIpServer _server;
            private readonly Connection _c;

            public CommandLink(PtpIpServer server, Connection c)
            {
                _server = server;
                _c = c;
            }

            byte[] IResponderLink.ReceiveData(PtpCommand command)
            {
                var sink = new MemoryDataSink(256L * 1024 * 1024);
                ((IResponderLink)this).ReceiveData(command, sink);
                return sink.ToArray();
            }

            /// <summary>StartData, then Data/EndData until an EndData (gphoto2: 64 KiB Data + EndData with the rest;
            /// chdkptp: one Data with transaction id 0 + an empty EndData; camlib: one EndData). StartData(0) completes
            /// the phase at once (gphoto2 sends nothing more; chdkptp's empty packets are swallowed later).</summary>
            void IResponderLink.ReceiveData(PtpCommand command, IPtpDataSink sink)
            {
                var ch = _c.Channel;
                _c.Stream.ReadTimeoutMs = _server.DataTimeoutMs;
                _c.Stream.WaitingFor = "the host's data phase";
                try
                {
                    var h = ch.ReadHeader(_c.Stop);
                    if (h.Type != PtpIpPacketType.StartData)
                        throw new PtpProtocolException($"Operation 0x{command.Code:X4} has a host-to-camera data phase, but the host sent {h} instead of StartData.");
                    PtpIpPackets.ParseStartData(ch.ReadSmallPayload(h, _c.Stop), out _, out ulong total);
                    if (total > int.MaxValue * 4L)
                        throw new PtpProtocolException($"A host data phase of {total} bytes (or of unknown length) is not accepted.");
                    sink.Begin((long)total);
                    if (total == 0) return;
                    long received = 0;
                    while (true)
                    {
                        h = ch.ReadHeader(_c.Stop);
                        if (!h.CarriesData)
                            throw new PtpProtocolException($"Expected Data or EndData ({received} of {total} bytes received), got {h}.");
                        ch.ReadDataTransactionId(h, _c.Stop); // not checked: chdkptp sends 0 in Data packets
                        long n = h.PayloadLength - 4;
                        if (received + n > (long)total)
                            throw new PtpProtocolException($"The host sent more than the {total} bytes its StartData announced.");
                        ch.ReadPayload(n, sink, _c.Stop);
                        received += n;
                        if (h.Type == PtpIpPacketType.EndData) break;
                    }
                    if (received < (long)total)
                        throw new PtpProtocolException($"The host's data phase ended after {received} of the {total} bytes announced.");
                }
                finally
                {
                    _c.Stream.ReadTimeoutMs = -1;
                    _c.Stream.WaitingFor = null;
                }
            }

            void IResponderLink.SendData(PtpCommand command, ReadOnlySpan<byte> data)
            {
                _c.Channel.SendStartData(command.TransactionId, (ulong)data.Length, _c.Stop);
                _c.Channel.SendDataPacket(PtpIpPacketType.EndData, command.TransactionId, data, _c.Stop);
            }

            void IResponderLink.SendData(PtpCommand command, Stream data, long length)
            {
                _c.Channel.SendStartData(command.TransactionId, (ulong)length, _c.Stop);
                _c.Channel.SendDataPacket(PtpIpPacketType.EndData, command.TransactionId, new StreamDataSource(data, length), length, _c.Stop);
            }
        }
    }

    /// <summary>
    /// SO_REUSEADDR alone. .NET's SocketOptionName.ReuseAddress also sets SO_REUSEPORT on Linux and macOS, which would
    /// let a second server listen on a port already in use; this sets only SO_REUSEADDR, so a restarted server can take
    /// its port back while old connections linger in TIME_WAIT, and a port in use is still an error.
    /// </summary>
    internal static class ReuseAddress
    {
        [DllImport("libc.so.6", EntryPoint = "setsockopt", SetLastError = true)]
        private static extern int SetSockOptLinux(int fd, int level, int name, ref int value, uint length);

        [DllImport("libSystem.dylib", EntryPoint = "setsockopt", SetLastError = true)]
        private static extern int SetSockOptMac(int fd, int level, int name, ref int value, uint length);

        public static void Enable(Socket socket)
        {
            int one = 1;
            try
            {
                int fd = (int)socket.Handle;
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) SetSockOptLinux(fd, 1, 2, ref one, 4);          // SOL_SOCKET, SO_REUSEADDR
                else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) SetSockOptMac(fd, 0xFFFF, 4, ref one, 4);     // SOL_SOCKET, SO_REUSEADDR
            }
            catch (DllNotFoundException) { }
            catch (EntryPointNotFoundException) { }
        }
    }
}
