using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Transport.PtpIp
{
    /// <summary>
    /// The host side of PTP over TCP (PTP/IP, CIPA DC-005; PTPIP.md). <see cref="Connect"/> opens the command and the
    /// event connection and does the Init handshake; the transport is then ready for <see cref="PtpSession.Open"/>.
    /// Data-out goes as gphoto2 sends it (StartData, 64 KiB Data packets, the last piece inside EndData; StartData(0)
    /// and an empty EndData for no bytes; DataPhaseInfo 2). Data-in accepts every pattern cameras and simulators use
    /// (any mix of Data and EndData, payload in EndData or an empty EndData, a missing EndData, a response instead of
    /// a data phase); more bytes than StartData announced is a <see cref="PtpProtocolException"/>. A background thread
    /// reads the event connection: it answers ProbeRequest and keeps the events it sees (<see cref="TryTakeEvent"/>).
    /// Every wait is sliced, so a cancel takes effect within a fraction of a second; a cancel in the middle of a
    /// phase leaves the link out of step, and <see cref="PtpSession"/> marks the session faulted, as on USB.
    /// </summary>
    public sealed class PtpIpTransport : IPtpTransport
    {
        private const int MaxQueuedEvents = 256;

        private readonly PtpIpSocketStream _cmdStream;
        private readonly PtpIpChannel _cmd;
        private readonly PtpIpSocketStream _evtStream;
        private readonly PtpIpChannel _evt;
        private readonly object _evtWrite = new object();
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly ConcurrentQueue<PtpIpEvent> _events = new ConcurrentQueue<PtpIpEvent>();
        private readonly Thread _eventThread;
        private bool _trailingEndDataAllowed;
        private int _disposed;
        private int _probes;
        private volatile bool _eventOpen = true;

        private PtpIpTransport(string host, int port, IPEndPoint remote, PtpIpSocketStream cmdStream, PtpIpChannel cmd,
            PtpIpSocketStream evtStream, PtpIpChannel evt, PtpIpInitInfo responder)
        {
            Host = host;
            Port = port;
            RemoteEndPoint = remote;
            _cmdStream = cmdStream;
            _cmd = cmd;
            _evtStream = evtStream;
            _evt = evt;
            Responder = responder;
            Description = "ptpip:" + FormatEndpoint(host, port);
            _evtStream.ReadTimeoutMs = -1; // events come when they come
            _eventThread = new Thread(EventLoop) { IsBackground = true, Name = "chdk-ptpip-events" };
            _eventThread.Start();
        }

        /// <summary>"ptpip:host:port".</summary>
        public string Description { get; }

        /// <summary>The host name or address given to <see cref="Connect"/>.</summary>
        public string Host { get; }

        public int Port { get; }

        /// <summary>The address the command connection reached.</summary>
        public IPEndPoint RemoteEndPoint { get; }

        /// <summary>The camera's InitCommandAck: connection number, GUID, friendly name, protocol version.</summary>
        public PtpIpInitInfo Responder { get; }

        /// <summary>False once the camera closed the event connection (or it failed).</summary>
        public bool EventConnectionOpen => _eventOpen;

        /// <summary>Why the event connection ended, when it ended with an error.</summary>
        public Exception EventConnectionError { get; private set; }

        /// <summary>ProbeRequests from the camera answered so far.</summary>
        public int ProbesAnswered => Volatile.Read(ref _probes);

        /// <summary>Takes the oldest event the camera sent (the last 256 are kept).</summary>
        public bool TryTakeEvent(out PtpIpEvent e) => _events.TryDequeue(out e);

        /// <summary>
        /// Connects to a PTP/IP camera (or <c>Start-ChdkSimulator</c>): resolves <paramref name="host"/> (a name, an
        /// IPv4 or IPv6 address), opens the command connection, InitCommandRequest/Ack, then the event connection,
        /// InitEventRequest/Ack. No PTP session is open yet: hand the transport to <see cref="PtpSession"/> or
        /// <see cref="Chdk.ChdkClient.Connect"/>.
        /// </summary>
        /// <exception cref="PtpIpInitFailedException">The camera refused (rejected, busy).</exception>
        /// <exception cref="PtpTimeoutException">No answer within the connect timeout or the read timeout.</exception>
        /// <exception cref="PtpTransportException">The name did not resolve, the connection was refused or reset.</exception>
        /// <exception cref="PtpProtocolException">The peer does not speak PTP/IP.</exception>
        public static PtpIpTransport Connect(string host, int port = PtpIpPackets.DefaultPort, PtpIpOptions options = null, CancellationToken cancel = default)
        {
            if (string.IsNullOrWhiteSpace(host)) throw new ArgumentException("A host name or address is required.", nameof(host));
            if (port < 1 || port > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "A TCP port is 1 to 65535.");
            options = (options ?? new PtpIpOptions()).Clone();
            int eventPort = options.EventPort ?? port;
            if (eventPort < 1 || eventPort > 65535) throw new ArgumentOutOfRangeException(nameof(options), eventPort, "The event port is 1 to 65535.");
            host = host.Trim();
            string ep = FormatEndpoint(host, port);
            int timeoutMs = ToMs(options.Timeout);
            var guid = options.InitiatorGuid ?? PtpIpOptions.MachineGuid();
            var name = options.FriendlyName ?? PtpIpOptions.MachineFriendlyName();

            var addresses = Resolve(host, options.ConnectTimeout, cancel);
            var (cmdSocket, address) = ConnectAny(addresses, port, ep, options.ConnectTimeout, cancel);
            PtpIpSocketStream cmdStream = null, evtStream = null;
            PtpIpChannel cmd = null, evt = null;
            try
            {
                cmdStream = new PtpIpSocketStream(cmdSocket, "the camera at " + ep) { ReadTimeoutMs = timeoutMs, WriteTimeoutMs = timeoutMs };
                cmd = new PtpIpChannel(cmdStream);
                cmdStream.WaitingFor = "InitCommandAck";
                cmd.SendInit(null, guid, name, PtpIpPackets.ProtocolVersion1, cancel);
                var h = Handshake(cmd, ep, cancel, "InitCommandAck");
                PtpIpInitInfo ack;
                switch (h.Type)
                {
                    case PtpIpPacketType.InitCommandAck:
                        ack = PtpIpPackets.ParseInitCommandAck(cmd.ReadSmallPayload(h, cancel));
                        break;
                    case PtpIpPacketType.InitFail:
                        throw new PtpIpInitFailedException(ep, (PtpIpInitFailReason)PtpIpPackets.ParseUInt32Payload(cmd.ReadSmallPayload(h, cancel), h.Type), false);
                    default:
                        throw new PtpProtocolException($"{ep} answered InitCommandRequest with {h}, not InitCommandAck: is it a PTP/IP camera?");
                }

                var evtEp = FormatEndpoint(host, eventPort);
                var (evtSocket, _) = ConnectAny(new[] { address }, eventPort, evtEp, options.ConnectTimeout, cancel);
                evtStream = new PtpIpSocketStream(evtSocket, "the camera at " + evtEp + " (events)") { ReadTimeoutMs = timeoutMs, WriteTimeoutMs = timeoutMs };
                evt = new PtpIpChannel(evtStream, PtpIpPackets.MaxControlPacket * 4);
                evtStream.WaitingFor = "InitEventAck";
                evt.SendUInt32Packet(PtpIpPacketType.InitEventRequest, ack.ConnectionNumber, cancel);
                h = Handshake(evt, evtEp, cancel, "InitEventAck");
                switch (h.Type)
                {
                    case PtpIpPacketType.InitEventAck:
                        break;
                    case PtpIpPacketType.InitFail:
                        throw new PtpIpInitFailedException(ep, (PtpIpInitFailReason)PtpIpPackets.ParseUInt32Payload(evt.ReadSmallPayload(h, cancel), h.Type), true);
                    default:
                        throw new PtpProtocolException($"{ep} answered InitEventRequest with {h}, not InitEventAck.");
                }
                cmdStream.WaitingFor = null;
                evtStream.WaitingFor = null;
                return new PtpIpTransport(host, port, new IPEndPoint(address, port), cmdStream, cmd, evtStream, evt, ack);
            }
            catch
            {
                evt?.Dispose();
                evtStream?.Dispose();
                cmd?.Dispose();
                if (cmdStream != null) cmdStream.Dispose(); else cmdSocket.Dispose();
                throw;
            }
        }

        private static PtpIpPacketHeader Handshake(PtpIpChannel channel, string ep, CancellationToken cancel, string expected)
        {
            try
            {
                if (!channel.TryReadHeader(out var h, cancel))
                    throw new PtpTransportException($"{ep} accepted the TCP connection but closed it instead of sending {expected}: it is not a PTP/IP responder, or it refuses this computer.");
                return h;
            }
            catch (PtpTimeoutException)
            {
                throw new PtpTimeoutException($"{ep} accepted the TCP connection but sent no {expected}: is it a PTP/IP camera (port {PtpIpPackets.DefaultPort})?");
            }
        }

        // ---------------------------------------------------------------------------------------------------
        // IPtpTransport

        public void SendCommand(PtpCommand command, bool hasDataOut, CancellationToken cancel)
        {
            _trailingEndDataAllowed = false;
            _pendingResponse = null;
            _cmdStream.WaitingFor = $"the answer to {PtpNames.Operation(command.Code)}";
            _cmd.SendOperationRequest(hasDataOut ? PtpIpDataPhase.DataOut : PtpIpDataPhase.NoDataOrDataIn, command.Code, command.TransactionId, command.Parameters, cancel);
        }

        /// <summary>StartData(total), Data packets of 64 KiB while more than 64 KiB remain, the rest inside EndData.</summary>
        public void SendData(ushort code, uint transactionId, IPtpDataSource source, CancellationToken cancel)
        {
            if (source == null) throw new ArgumentNullException(nameof(source));
            long left = source.Length;
            if (left < 0) throw new ArgumentException("The data source has a negative length.", nameof(source));
            _cmd.SendStartData(transactionId, (ulong)left, cancel);
            while (left > PtpIpPackets.DataChunkSize)
            {
                _cmd.SendDataPacket(PtpIpPacketType.Data, transactionId, source, PtpIpPackets.DataChunkSize, cancel);
                left -= PtpIpPackets.DataChunkSize;
            }
            _cmd.SendDataPacket(PtpIpPacketType.EndData, transactionId, source, left, cancel);
        }

        public PtpResponse? ReceiveDataOrResponse(ushort code, uint transactionId, IPtpDataSink sink, CancellationToken cancel)
        {
            var h = _cmd.ReadHeader(cancel);
            switch (h.Type)
            {
                case PtpIpPacketType.OperationResponse:
                    return PtpIpPackets.ParseOperationResponse(_cmd.ReadSmallPayload(h, cancel));
                case PtpIpPacketType.StartData:
                    break;
                default:
                    throw new PtpProtocolException($"Expected StartData or OperationResponse for {PtpNames.Operation(code)}, got {h}.");
            }
            PtpIpPackets.ParseStartData(_cmd.ReadSmallPayload(h, cancel), out _, out ulong total);
            if (total == ulong.MaxValue)
                throw new PtpProtocolException("The camera announced a data phase of unknown length (0xFFFFFFFFFFFFFFFF), which is not supported.");
            if (total > long.MaxValue) throw new PtpProtocolException($"The camera announced a data phase of {total} bytes.");
            sink.Begin((long)total);
            long received = 0;
            while (true)
            {
                if (received == (long)total && total > 0)
                {
                    // Everything arrived in Data packets: an empty EndData may follow, or the response at once.
                    _trailingEndDataAllowed = true;
                    return null;
                }
                h = _cmd.ReadHeader(cancel);
                if (h.Type == PtpIpPacketType.OperationResponse)
                {
                    if (received == 0 && total == 0)
                    {
                        // StartData(0) and no EndData: the data phase is complete; this is its response.
                        _pendingResponse = PtpIpPackets.ParseOperationResponse(_cmd.ReadSmallPayload(h, cancel));
                        return null;
                    }
                    throw new PtpProtocolException($"The camera sent the response after {received} of the {total} data bytes it announced.");
                }
                if (!h.CarriesData)
                    throw new PtpProtocolException($"Expected Data or EndData ({received} of {total} bytes received), got {h}.");
                _cmd.ReadDataTransactionId(h, cancel);
                long n = h.PayloadLength - 4;
                if (received + n > (long)total)
                    throw new PtpProtocolException($"The camera sent more data than the {total} bytes it announced ({received + n} by now): its lengths lie.");
                _cmd.ReadPayload(n, sink, cancel);
                received += n;
                if (h.Type == PtpIpPacketType.EndData)
                {
                    if (received < (long)total)
                        throw new PtpProtocolException($"The data phase ended (EndData) after {received} of the {total} bytes announced.");
                    return null;
                }
            }
        }

        private PtpResponse? _pendingResponse;

        public PtpResponse ReceiveResponse(CancellationToken cancel)
        {
            if (_pendingResponse.HasValue)
            {
                var r = _pendingResponse.Value;
                _pendingResponse = null;
                return r;
            }
            while (true)
            {
                var h = _cmd.ReadHeader(cancel);
                if (h.Type == PtpIpPacketType.OperationResponse)
                {
                    _trailingEndDataAllowed = false;
                    return PtpIpPackets.ParseOperationResponse(_cmd.ReadSmallPayload(h, cancel));
                }
                if (h.Type == PtpIpPacketType.EndData && _trailingEndDataAllowed)
                {
                    _cmd.ReadDataTransactionId(h, cancel);
                    if (h.PayloadLength > 4)
                        throw new PtpProtocolException($"The camera sent {h.PayloadLength - 4} bytes more than the data phase it announced.");
                    _trailingEndDataAllowed = false;
                    continue;
                }
                throw new PtpProtocolException($"Expected an OperationResponse, got {h}.");
            }
        }

        // ---------------------------------------------------------------------------------------------------
        // event connection

        private void EventLoop()
        {
            var token = _stop.Token;
            try
            {
                while (!token.IsCancellationRequested)
                {
                    if (!_evt.TryReadHeader(out var h, token)) break;
                    switch (h.Type)
                    {
                        case PtpIpPacketType.ProbeRequest:
                            // Counted before the answer goes out, so that a camera that has read the answer sees it counted.
                            Interlocked.Increment(ref _probes);
                            lock (_evtWrite) _evt.SendEmptyPacket(PtpIpPacketType.ProbeResponse, token);
                            break;
                        case PtpIpPacketType.Event:
                            _events.Enqueue(PtpIpPackets.ParseEvent(_evt.ReadSmallPayload(h, token)));
                            while (_events.Count > MaxQueuedEvents && _events.TryDequeue(out _)) { }
                            break;
                        default:
                            // Anything else here is dropped, as gphoto2 does.
                            if (h.CarriesData) _evt.ReadPayload(h.PayloadLength, null, token);
                            else _evt.ReadSmallPayload(h, token);
                            break;
                    }
                }
            }
            catch (OperationCanceledException) { }
            catch (PtpException ex) { if (!token.IsCancellationRequested) EventConnectionError = ex; }
            catch (ObjectDisposedException) { }
            _eventOpen = false;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            _stop.Cancel();
            _cmdStream.Dispose();
            _evtStream.Dispose();
            if (Thread.CurrentThread != _eventThread) _eventThread.Join(2000);
            _cmd.Dispose();
            _evt.Dispose();
            _stop.Dispose();
        }

        // ---------------------------------------------------------------------------------------------------
        // connecting

        /// <summary>"host:port", with IPv6 literals in brackets.</summary>
        public static string FormatEndpoint(string host, int port)
        {
            if (host.IndexOf(':') >= 0 && !host.StartsWith("[", StringComparison.Ordinal)) return $"[{host}]:{port}";
            return $"{host}:{port}";
        }

        private static int ToMs(TimeSpan t) => t < TimeSpan.Zero ? -1 : (int)Math.Min(int.MaxValue, t.TotalMilliseconds);

        /// <summary>The IPv4 and IPv6 addresses <paramref name="host"/> (a name, or an address literal, IPv6 in
        /// brackets or not) stands for, as <see cref="Connect"/> resolves it.</summary>
        /// <exception cref="PtpTimeoutException">The name did not resolve within <paramref name="timeout"/>.</exception>
        /// <exception cref="PtpTransportException">The name does not resolve.</exception>
        public static IPAddress[] ResolveHost(string host, TimeSpan timeout, CancellationToken cancel = default)
        {
            if (string.IsNullOrWhiteSpace(host)) throw new ArgumentException("A host name or address is required.", nameof(host));
            return Resolve(host.Trim(), timeout, cancel);
        }

        private static IPAddress[] Resolve(string host, TimeSpan timeout, CancellationToken cancel)
        {
            var literal = host.StartsWith("[", StringComparison.Ordinal) && host.EndsWith("]", StringComparison.Ordinal) ? host.Substring(1, host.Length - 2) : host;
            if (IPAddress.TryParse(literal, out var ip)) return new[] { ip };
            Task<IPAddress[]> lookup;
            try { lookup = Dns.GetHostAddressesAsync(host); }
            catch (SocketException ex) { throw NotResolved(host, ex); }
            catch (ArgumentException ex) { throw new PtpTransportException($"'{host}' is not a valid host name.", ex); }
            WaitSliced(lookup, timeout, cancel, () => new PtpTimeoutException($"The host name '{host}' did not resolve within {timeout.TotalSeconds:0.#} s: check the name and the network, or give the camera's IP address."));
            IPAddress[] found;
            try { found = lookup.GetAwaiter().GetResult(); }
            catch (SocketException ex) { throw NotResolved(host, ex); }
            catch (ArgumentException ex) { throw new PtpTransportException($"'{host}' is not a valid host name.", ex); }
            found = found.Where(a => a.AddressFamily == AddressFamily.InterNetwork || a.AddressFamily == AddressFamily.InterNetworkV6).ToArray();
            if (found.Length == 0) throw new PtpTransportException($"The host name '{host}' has no IPv4 or IPv6 address.");
            return found;
        }

        private static PtpTransportException NotResolved(string host, SocketException ex) =>
            new PtpTransportException($"The host name '{host}' cannot be resolved ({ex.SocketErrorCode}): check the spelling, or give the camera's IP address.", ex);

        private static (Socket, IPAddress) ConnectAny(IPAddress[] addresses, int port, string ep, TimeSpan timeout, CancellationToken cancel)
        {
            Exception last = null;
            foreach (var a in addresses)
            {
                cancel.ThrowIfCancellationRequested();
                var s = new Socket(a.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    PtpIpSocketStream.Configure(s);
                    var task = s.ConnectAsync(a, port);
                    WaitSliced(task, timeout, cancel, () => new PtpTimeoutException(
                        $"No answer from {ep} within {timeout.TotalSeconds:0.#} s. Is the camera's Wi-Fi on, and is it on this computer's network? (For the simulator: is Start-ChdkSimulator running, listening on an address this computer reaches?)"));
                    task.GetAwaiter().GetResult();
                    return (s, a);
                }
                catch (SocketException ex)
                {
                    s.Dispose();
                    last = ConnectFailure(ex, ep, a, port);
                }
                catch (PtpTimeoutException ex)
                {
                    s.Dispose();
                    last = ex;
                }
                catch
                {
                    s.Dispose();
                    throw;
                }
            }
            throw last ?? new PtpTransportException($"{ep} has no address to connect to.");
        }

        private static Exception ConnectFailure(SocketException ex, string ep, IPAddress a, int port)
        {
            string at = ep.StartsWith(a.ToString(), StringComparison.Ordinal) || ep.StartsWith("[" + a, StringComparison.Ordinal) ? ep : $"{ep} ({a})";
            switch (ex.SocketErrorCode)
            {
                case SocketError.ConnectionRefused:
                    return new PtpTransportException(
                        $"Nothing accepts PTP/IP connections at {at} (connection refused). Is the camera's Wi-Fi on and waiting for a computer, and is the port right (PTP/IP uses {PtpIpPackets.DefaultPort})? For the simulator: is Start-ChdkSimulator running on port {port}?", ex);
                case SocketError.TimedOut:
                    return new PtpTimeoutException($"No answer from {at}: the connection timed out. Is the camera's Wi-Fi on and on this computer's network?");
                case SocketError.HostUnreachable:
                case SocketError.NetworkUnreachable:
                case SocketError.NetworkDown:
                    return new PtpTransportException($"{at} cannot be reached ({ex.SocketErrorCode}): is this computer on the camera's network?", ex);
                case SocketError.ConnectionReset:
                case SocketError.ConnectionAborted:
                    return new PtpTransportException($"{at} reset the connection while it was being opened: is the camera busy with another computer?", ex);
                case SocketError.AddressNotAvailable:
                case SocketError.AddressFamilyNotSupported:
                    return new PtpTransportException($"{at} cannot be used from this computer ({ex.SocketErrorCode}).", ex);
                default:
                    return new PtpTransportException($"Could not connect to {at}: {ex.SocketErrorCode} ({ex.Message}).", ex);
            }
        }

        private static void WaitSliced(Task task, TimeSpan timeout, CancellationToken cancel, Func<Exception> onTimeout)
        {
            long deadline = timeout < TimeSpan.Zero ? long.MaxValue : MonotonicClock.Now + (long)timeout.TotalMilliseconds;
            while (!task.IsCompleted)
            {
                cancel.ThrowIfCancellationRequested();
                long left = deadline - MonotonicClock.Now;
                if (left <= 0)
                {
                    task.ContinueWith(t => { var _ = t.Exception; }, TaskContinuationOptions.OnlyOnFaulted);
                    throw onTimeout();
                }
                try { task.Wait((int)Math.Min(200, left)); }
                catch (AggregateException) { return; } // completed with an error: the caller's GetResult throws it
            }
        }
    }
}
