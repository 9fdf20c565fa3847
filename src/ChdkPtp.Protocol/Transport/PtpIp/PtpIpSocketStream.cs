using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Transport.PtpIp
{
    /// <summary>
    /// The byte stream under a <see cref="PtpIpChannel"/>: one TCP connection in practice, anything in tests.
    /// Reads return what has arrived (never assume a whole packet); writes send every byte or throw.
    /// </summary>
    public interface IPtpIpStream
    {
        /// <summary>Reads at least one byte into <paramref name="buffer"/>; returns 0 when the peer closed the connection.</summary>
        int Read(byte[] buffer, int offset, int count, CancellationToken cancel);

        /// <summary>Writes all <paramref name="count"/> bytes.</summary>
        void Write(byte[] buffer, int offset, int count, CancellationToken cancel);
    }

    /// <summary>
    /// A TCP socket as an <see cref="IPtpIpStream"/>: non-blocking, every wait sliced (so a cancel takes effect
    /// within <see cref="SliceMs"/>) and bounded by <see cref="ReadTimeoutMs"/> / <see cref="WriteTimeoutMs"/>.
    /// TCP_NODELAY and keep-alive are set, as the PTP/IP specification asks (PTPIP.md §1.1). Socket errors become
    /// <see cref="PtpTransportException"/>s that name the peer; a timeout is a <see cref="PtpTimeoutException"/>.
    /// </summary>
    public sealed class PtpIpSocketStream : IPtpIpStream, IDisposable
    {
        private readonly Socket _socket;
        private int _disposed;

        /// <param name="socket">A connected socket; owned from now on.</param>
        /// <param name="peer">Shown in messages, e.g. "camera 192.168.1.5:15740".</param>
        public PtpIpSocketStream(Socket socket, string peer)
        {
            _socket = socket ?? throw new ArgumentNullException(nameof(socket));
            Peer = peer ?? socket.RemoteEndPoint?.ToString() ?? "the peer";
            Configure(socket);
            _socket.Blocking = false;
        }

        /// <summary>TCP_NODELAY and keep-alive, on both sides of every PTP/IP connection.</summary>
        public static void Configure(Socket socket)
        {
            socket.NoDelay = true;
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        }

        public Socket Socket => _socket;

        public string Peer { get; }

        /// <summary>Longest wait for incoming bytes, in milliseconds; negative waits for ever (still cancellable).</summary>
        public int ReadTimeoutMs { get; set; } = 5000;

        /// <summary>Longest wait for room to send, in milliseconds; negative waits for ever (still cancellable).</summary>
        public int WriteTimeoutMs { get; set; } = 5000;

        /// <summary>How often a wait looks at its cancellation token.</summary>
        public int SliceMs { get; set; } = 200;

        /// <summary>What the timeout message says is being waited for (set by the owner, e.g. "the response").</summary>
        public string WaitingFor { get; set; }

        public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

        public int Read(byte[] buffer, int offset, int count, CancellationToken cancel)
        {
            if (count <= 0) return 0;
            long deadline = Deadline(ReadTimeoutMs);
            while (true)
            {
                cancel.ThrowIfCancellationRequested();
                SocketError err;
                int n;
                try { n = _socket.Receive(buffer, offset, count, SocketFlags.None, out err); }
                catch (ObjectDisposedException) { throw Closed(); }
                if (err == SocketError.Success) return n;
                if (err != SocketError.WouldBlock && err != SocketError.Interrupted) throw Failure(err, "reading from");
                Wait(SelectMode.SelectRead, deadline, ReadTimeoutMs, cancel);
            }
        }

        public void Write(byte[] buffer, int offset, int count, CancellationToken cancel)
        {
            long deadline = Deadline(WriteTimeoutMs);
            while (count > 0)
            {
                cancel.ThrowIfCancellationRequested();
                SocketError err;
                int n;
                try { n = _socket.Send(buffer, offset, count, SocketFlags.None, out err); }
                catch (ObjectDisposedException) { throw Closed(); }
                if (err == SocketError.Success)
                {
                    offset += n;
                    count -= n;
                    if (n > 0) deadline = Deadline(WriteTimeoutMs); // progress: the peer is reading
                    continue;
                }
                if (err != SocketError.WouldBlock && err != SocketError.Interrupted) throw Failure(err, "sending to");
                Wait(SelectMode.SelectWrite, deadline, WriteTimeoutMs, cancel);
            }
        }

        private static long Deadline(int timeoutMs) =>
            timeoutMs < 0 ? long.MaxValue : MonotonicClock.Now + timeoutMs;

        private void Wait(SelectMode mode, long deadline, int timeoutMs, CancellationToken cancel)
        {
            int slice = Math.Max(1, SliceMs);
            if (deadline != long.MaxValue)
            {
                long left = deadline - MonotonicClock.Now;
                if (left <= 0)
                {
                    string what = WaitingFor ?? (mode == SelectMode.SelectRead ? "data" : "room to send");
                    throw new PtpTimeoutException(mode == SelectMode.SelectRead
                        ? $"No answer from {Peer} within {timeoutMs} ms while waiting for {what}."
                        : $"{Peer} took nothing for {timeoutMs} ms: it stopped reading.");
                }
                slice = (int)Math.Min(slice, left);
            }
            try { _socket.Poll(slice * 1000, mode); }
            catch (ObjectDisposedException) { throw Closed(); }
            catch (SocketException ex) { throw Failure(ex.SocketErrorCode, "waiting for"); }
            cancel.ThrowIfCancellationRequested();
        }

        private PtpTransportException Closed() => new PtpTransportException($"The connection to {Peer} is closed.");

        private PtpTransportException Failure(SocketError err, string doing)
        {
            if (IsDisposed) return Closed();
            switch (err)
            {
                case SocketError.ConnectionReset:
                case SocketError.ConnectionAborted:
                case SocketError.Shutdown:
                    return new PtpTransportException($"{Peer} closed the connection (reset while {doing} it): the camera was switched off, left the network, or the simulator was stopped.",
                        new SocketException((int)err));
                case SocketError.TimedOut:
                case SocketError.HostUnreachable:
                case SocketError.NetworkUnreachable:
                case SocketError.NetworkDown:
                    return new PtpTransportException($"The network path to {Peer} failed ({err}) while {doing} it: is the camera still on the network?", new SocketException((int)err));
                default:
                    return new PtpTransportException($"Socket error {err} while {doing} {Peer}.", new SocketException((int)err));
            }
        }

        /// <summary>Closes the connection (sending FIN); pending and later calls fail with a <see cref="PtpTransportException"/>.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
            _socket.Dispose();
        }
    }

    internal static class MonotonicClock
    {
        /// <summary>A monotonic millisecond clock (Environment.TickCount64 is not in netstandard2.0).</summary>
        private static readonly System.Diagnostics.Stopwatch Clock = System.Diagnostics.Stopwatch.StartNew();

        public static long Now => Clock.ElapsedMilliseconds;
    }
}
