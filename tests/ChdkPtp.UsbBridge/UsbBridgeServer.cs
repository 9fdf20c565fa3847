using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using ChdkPtp.Protocol.Transport.Loopback;
using ChdkPtp.Simulator;

namespace ChdkPtp.UsbBridge
{
    /// <summary>
    /// Serves a simulated camera's USB function on a Unix socket, for the umockdev harness in
    /// tests/usb-emulation: each accepted connection is one plug-in of the camera (a fresh link and PTP
    /// responder over the same <see cref="VirtualCamera"/>); closing it is the unplug.
    /// <para>
    /// Framing, both ways: <c>[u8 kind][u32 little-endian length][payload]</c>. From the host side (the
    /// harness): <c>'H'</c> hello (payload <c>serial=...</c> lines, may be empty), <c>'O'</c> one bulk OUT
    /// URB's bytes (length 0: a zero-length packet), <c>'I'</c> a request for bulk IN packets (payload: u32
    /// byte count, a multiple of 512), <c>'R'</c> PTP Device Reset. From the bridge: <c>'h'</c> hello answer
    /// (<c>key=value</c> lines: serial, manufacturer, model, product_id), <c>'o'</c> the OUT URB was taken
    /// by the device (payload u32 length), <c>'i'</c> IN packets (one or two frames per request: a run of packets,
    /// then an empty frame when a zero-length packet ended the run), <c>'r'</c> reset done.
    /// </para>
    /// <para>
    /// Packet boundaries are exact: an <c>'O'</c> or <c>'i'</c> payload of N bytes is ⌈N/512⌉ packets of 512
    /// bytes except the last, which is short when N is not a multiple of 512; N = 0 is one zero-length
    /// packet. A run of full packets does not end a transfer; a short or zero-length packet does.
    /// </para>
    /// </summary>
    public sealed class UsbBridgeServer : IDisposable
    {
        public const int PacketSize = 512;
        public const int MaxFrame = 64 * 1024 * 1024;
        public const int MaxInRequest = 4 * 1024 * 1024;

        private readonly Socket _listener;
        private readonly Thread _acceptThread;
        private readonly TextWriter _log;
        private readonly object _gate = new object();
        private PluggedCamera _current;
        private int _plugs;
        private volatile bool _disposed;

        public UsbBridgeServer(SimulatorOptions options, string socketPath, TextWriter log = null)
        {
            Camera = new VirtualCamera(options);
            SocketPath = socketPath ?? throw new ArgumentNullException(nameof(socketPath));
            _log = log;
            if (File.Exists(socketPath)) File.Delete(socketPath);
            _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
            _listener.Listen(4);
            _acceptThread = new Thread(AcceptLoop) { IsBackground = true, Name = "usb-bridge-accept" };
            _acceptThread.Start();
        }

        public VirtualCamera Camera { get; }

        public string SocketPath { get; }

        /// <summary>How many times the camera has been plugged in (connections accepted).</summary>
        public int Plugs => Volatile.Read(ref _plugs);

        /// <summary>Bytes the host sent on bulk OUT and the camera sent on bulk IN, over all plug-ins.</summary>
        public long BytesOut => Interlocked.Read(ref _bytesOut);
        public long BytesIn => Interlocked.Read(ref _bytesIn);

        /// <summary>Zero-length packets seen in each direction, over all plug-ins.</summary>
        public int ZeroLengthOut => Volatile.Read(ref _zlpOut);
        public int ZeroLengthIn => Volatile.Read(ref _zlpIn);

        /// <summary>PTP Device Reset requests handled.</summary>
        public int Resets => Volatile.Read(ref _resets);

        private long _bytesOut, _bytesIn;
        private int _zlpOut, _zlpIn, _resets;

        private void Log(string message)
        {
            var log = _log;
            if (log == null) return;
            lock (log) log.WriteLine("usb-bridge: " + message);
        }

        private void AcceptLoop()
        {
            while (!_disposed)
            {
                Socket s;
                try { s = _listener.Accept(); }
                catch (Exception) when (_disposed) { return; }
                catch (SocketException ex) { Log("accept failed: " + ex.Message); return; }
                PluggedCamera previous;
                var plugged = new PluggedCamera(this, s);
                lock (_gate)
                {
                    previous = _current;
                    _current = plugged;
                }
                // A camera is plugged in once: a new connection unplugs the previous one.
                previous?.Dispose();
                int n = Interlocked.Increment(ref _plugs);
                Log($"plug-in #{n}");
                var t = new Thread(plugged.Run) { IsBackground = true, Name = "usb-bridge-conn" };
                t.Start();
            }
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            try { _listener.Close(); } catch (Exception) { }
            PluggedCamera current;
            lock (_gate) { current = _current; _current = null; }
            current?.Dispose();
            _acceptThread.Join(2000);
            try { File.Delete(SocketPath); } catch (Exception) { }
            Camera.Dispose();
        }

        /// <summary>One plug-in: a USB link and a PTP responder over the shared camera.</summary>
        private sealed class PluggedCamera : IDisposable
        {
            private readonly UsbBridgeServer _server;
            private readonly Socket _socket;
            private readonly NetworkStream _stream;
            private readonly object _sendGate = new object();
            private readonly object _lifetime = new object();
            private readonly CancellationTokenSource _cts = new CancellationTokenSource();
            private readonly BlockingCollection<byte[]> _out = new BlockingCollection<byte[]>();
            private readonly BlockingCollection<int> _in = new BlockingCollection<int>();
            private LoopbackUsbLink _link;
            private PtpResponder _responder;
            private UsbDeviceEndpoint _endpoint;
            private Thread _outThread, _inThread;
            private int _disposed;

            public PluggedCamera(UsbBridgeServer server, Socket socket)
            {
                _server = server;
                _socket = socket;
                _stream = new NetworkStream(socket, ownsSocket: false);
            }

            public void Run()
            {
                try
                {
                    var hello = ReadFrame(out byte kind);
                    if (hello == null) return;
                    if (kind != (byte)'H') { _server.Log($"expected hello, got '{(char)kind}'"); return; }
                    Hello(Encoding.UTF8.GetString(hello));

                    lock (_lifetime)
                    {
                        if (_disposed != 0) return; // unplugged before it was up
                        _link = new LoopbackUsbLink(PacketSize);
                        // The camera's PTP task waits for commands with short time slices (as UsbDeviceEndpoint
                        // expects); the host side waits as long as the host keeps its URBs queued, and is
                        // cancelled on unplug.
                        _link.HostToDevice.TimeoutMs = 1000;
                        _link.DeviceToHost.TimeoutMs = -1;
                        _link.HostToDevice.WriteTimeoutMs = -1;
                        _responder = new PtpResponder(_server.Camera);
                        _endpoint = new UsbDeviceEndpoint(_link.Device, _responder);
                        _outThread = new Thread(OutLoop) { IsBackground = true, Name = "usb-bridge-out" };
                        _inThread = new Thread(InLoop) { IsBackground = true, Name = "usb-bridge-in" };
                        _outThread.Start();
                        _inThread.Start();
                    }

                    while (true)
                    {
                        var payload = ReadFrame(out kind);
                        if (payload == null) break; // the harness closed: unplugged
                        switch ((char)kind)
                        {
                            case 'O':
                                _out.Add(payload);
                                break;
                            case 'I':
                                if (payload.Length != 4) throw new InvalidDataException("An IN request carries a u32 byte count.");
                                int n = (int)BinaryPrimitives.ReadUInt32LittleEndian(payload);
                                if (n <= 0 || n % PacketSize != 0 || n > MaxInRequest)
                                    throw new InvalidDataException($"IN request of {n} bytes: must be a positive multiple of {PacketSize} up to {MaxInRequest}.");
                                _in.Add(n);
                                break;
                            case 'R':
                                // As the camera does: a data phase in progress is abandoned, then the session ends
                                _endpoint.AbortTransaction();
                                _responder.DeviceReset();
                                _link.HostToDevice.Clear();
                                _link.DeviceToHost.Clear();
                                Interlocked.Increment(ref _server._resets);
                                Send((byte)'r', ReadOnlySpan<byte>.Empty);
                                break;
                            default:
                                throw new InvalidDataException($"Unknown frame kind 0x{kind:X2}.");
                        }
                    }
                }
                catch (Exception ex)
                {
                    // a thread of our own: nothing may escape it (a disposed connection fails its read, too)
                    if (Volatile.Read(ref _disposed) == 0) _server.Log("connection ended: " + ex.Message);
                }
                finally
                {
                    Dispose();
                }
            }

            private void Hello(string text)
            {
                foreach (var line in text.Split('\n'))
                {
                    int eq = line.IndexOf('=');
                    if (eq <= 0) continue;
                    var key = line.Substring(0, eq).Trim();
                    var value = line.Substring(eq + 1).Trim();
                    if (key == "serial" && value.Length > 0) _server.Camera.Options.SerialNumber = value;
                }
                var o = _server.Camera.Options;
                var reply = $"serial={o.SerialNumber}\nmanufacturer={o.Manufacturer}\nmodel={o.Model}\nproduct_id={o.ProductId:x4}\n";
                Send((byte)'h', Encoding.UTF8.GetBytes(reply));
                _server.Log($"hello: serial {o.SerialNumber}");
            }

            private void OutLoop()
            {
                var cancel = _cts.Token;
                try
                {
                    Span<byte> ack = stackalloc byte[4];
                    foreach (var data in _out.GetConsumingEnumerable(cancel))
                    {
                        _link.Host.Write(data, cancel);
                        Interlocked.Add(ref _server._bytesOut, data.Length);
                        if (data.Length == 0) Interlocked.Increment(ref _server._zlpOut);
                        BinaryPrimitives.WriteUInt32LittleEndian(ack, (uint)data.Length);
                        Send((byte)'o', ack);
                    }
                }
                catch (Exception ex) when (ex is OperationCanceledException || ex is ObjectDisposedException || ex is IOException || ex is SocketException || ex is Protocol.Ptp.PtpTransportException)
                {
                }
            }

            private void InLoop()
            {
                var cancel = _cts.Token;
                var buffer = ArrayPool<byte>.Shared.Rent(MaxInRequest);
                try
                {
                    foreach (int n in _in.GetConsumingEnumerable(cancel))
                    {
                        int got = _link.Host.Read(buffer.AsSpan(0, n), cancel);
                        Interlocked.Add(ref _server._bytesIn, got);
                        if (got > 0) Send((byte)'i', buffer.AsSpan(0, got));
                        // A read that ends early on a packet boundary was ended by a zero-length packet (the pipe
                        // consumes it with the data, as a host controller would): pass it on as a packet of its own.
                        if (got == 0 || (got < n && got % PacketSize == 0))
                        {
                            Interlocked.Increment(ref _server._zlpIn);
                            Send((byte)'i', ReadOnlySpan<byte>.Empty);
                        }
                    }
                }
                catch (Exception ex) when (ex is OperationCanceledException || ex is ObjectDisposedException || ex is IOException || ex is SocketException || ex is Protocol.Ptp.PtpTransportException)
                {
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }

            private void Send(byte kind, ReadOnlySpan<byte> payload)
            {
                Span<byte> header = stackalloc byte[5];
                header[0] = kind;
                BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(1), (uint)payload.Length);
                lock (_sendGate)
                {
                    _stream.Write(header);
                    if (payload.Length > 0) _stream.Write(payload);
                }
            }

            /// <summary>Reads one frame; null at a clean end of stream.</summary>
            private byte[] ReadFrame(out byte kind)
            {
                Span<byte> header = stackalloc byte[5];
                kind = 0;
                if (!ReadExactly(header, allowEof: true)) return null;
                kind = header[0];
                uint length = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(1));
                if (length > MaxFrame) throw new InvalidDataException($"Frame of {length} bytes is too large.");
                var payload = length == 0 ? Array.Empty<byte>() : new byte[length];
                ReadExactly(payload, allowEof: false);
                return payload;
            }

            private bool ReadExactly(Span<byte> buffer, bool allowEof)
            {
                int got = 0;
                while (got < buffer.Length)
                {
                    int n = _stream.Read(buffer.Slice(got));
                    if (n == 0)
                    {
                        if (got == 0 && allowEof) return false;
                        throw new EndOfStreamException("The harness closed the connection in the middle of a frame.");
                    }
                    got += n;
                }
                return true;
            }

            public void Dispose()
            {
                lock (_lifetime)
                {
                    if (_disposed != 0) return;
                    _disposed = 1;
                }
                _cts.Cancel();
                _out.CompleteAdding();
                _in.CompleteAdding();
                _link?.Close();
                try { _socket.Shutdown(SocketShutdown.Both); } catch (Exception) { }
                _socket.Close();
                if (Thread.CurrentThread != _outThread) _outThread?.Join(2000);
                if (Thread.CurrentThread != _inThread) _inThread?.Join(2000);
                _endpoint?.Dispose();
                _server.Log("unplugged");
            }
        }
    }
}
