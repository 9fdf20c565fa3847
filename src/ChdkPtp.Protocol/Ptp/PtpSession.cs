using System;
using System.Threading;
using ChdkPtp.Protocol.Transport;

namespace ChdkPtp.Protocol.Ptp
{
    /// <summary>
    /// A PTP session over a transport: OpenSession(1) with transaction id 0, then ids 1, 2, 3, ...
    /// (PROTOCOL.md §1.7). One transaction at a time: every call holds the session's lock, so several
    /// threads (ThreadJob, ForEach-Object -Parallel) may share a session safely.
    /// </summary>
    public sealed class PtpSession : IDisposable
    {
        private readonly object _lock = new object();
        private uint _nextTransactionId;
        private bool _disposed;

        public PtpSession(IPtpTransport transport)
        {
            Transport = transport ?? throw new ArgumentNullException(nameof(transport));
        }

        public IPtpTransport Transport { get; }

        public uint SessionId { get; private set; }

        public bool IsOpen { get; private set; }

        /// <summary>The transaction id the next operation will use.</summary>
        public uint NextTransactionId { get { lock (_lock) return _nextTransactionId; } }

        /// <summary>The transport failed mid-transaction; the link is out of step and must be reconnected.</summary>
        public bool IsFaulted { get; private set; }

        /// <summary>Sends OpenSession with transaction id 0; afterwards ids count up from 1.</summary>
        public void Open(uint sessionId = 1, CancellationToken cancel = default)
        {
            lock (_lock)
            {
                _nextTransactionId = 0;
                RunLocked(PtpOperation.OpenSession, new[] { sessionId }, null, null, cancel);
                SessionId = sessionId;
                IsOpen = true;
            }
        }

        public void Close(CancellationToken cancel = default)
        {
            lock (_lock)
            {
                if (!IsOpen) return;
                IsOpen = false;
                RunLocked(PtpOperation.CloseSession, Array.Empty<uint>(), null, null, cancel);
            }
        }

        public DeviceInfo GetDeviceInfo(CancellationToken cancel = default)
        {
            var sink = new MemoryDataSink(1024 * 1024);
            Execute(PtpOperation.GetDeviceInfo, Array.Empty<uint>(), null, sink, cancel);
            return DeviceInfo.Parse(sink.ToArray());
        }

        /// <summary>
        /// Runs one transaction: command, optional data phase (out from <paramref name="dataOut"/> or in to
        /// <paramref name="dataIn"/>), response. A response other than OK throws <see cref="PtpResponseException"/>.
        /// </summary>
        public PtpResponse Execute(ushort code, uint[] parameters, IPtpDataSource dataOut, IPtpDataSink dataIn, CancellationToken cancel = default, string operationName = null)
        {
            var r = ExecuteRaw(code, parameters, dataOut, dataIn, out bool gotData, cancel);
            if (!r.IsOk) throw new PtpResponseException(code, r.Code, operationName);
            if (dataIn != null && !gotData)
                throw new PtpProtocolException($"The camera answered {operationName ?? PtpNames.Operation(code)} with OK but sent no data phase.");
            return r;
        }

        /// <summary>As <see cref="Execute"/>, but returns any response code instead of throwing;
        /// <paramref name="gotData"/> says whether the camera sent the expected data phase.</summary>
        public PtpResponse ExecuteRaw(ushort code, uint[] parameters, IPtpDataSource dataOut, IPtpDataSink dataIn, out bool gotData, CancellationToken cancel = default)
        {
            if (dataOut != null && dataIn != null) throw new ArgumentException("A transaction has at most one data phase.");
            lock (_lock)
            {
                if (_disposed) throw new PtpTransportException($"The session with the camera ({Transport.Description}) is closed.");
                if (!IsOpen && code != PtpOperation.OpenSession && code != PtpOperation.GetDeviceInfo)
                    throw new PtpException("The PTP session is not open.");
                return RunLocked(code, parameters, dataOut, dataIn, cancel, out gotData);
            }
        }

        private PtpResponse RunLocked(ushort code, uint[] parameters, IPtpDataSource dataOut, IPtpDataSink dataIn, CancellationToken cancel)
        {
            var r = RunLocked(code, parameters, dataOut, dataIn, cancel, out _);
            if (!r.IsOk) throw new PtpResponseException(code, r.Code);
            return r;
        }

        private PtpResponse RunLocked(ushort code, uint[] parameters, IPtpDataSource dataOut, IPtpDataSink dataIn, CancellationToken cancel, out bool gotData)
        {
            if (IsFaulted)
                throw new PtpTransportException($"The link to the camera ({Transport.Description}) failed during an earlier operation; reconnect.");
            cancel.ThrowIfCancellationRequested();
            uint tid = _nextTransactionId++;
            gotData = false;
            try
            {
                Transport.SendCommand(new PtpCommand(code, tid, parameters), dataOut != null, cancel);
                if (dataOut != null) Transport.SendData(code, tid, dataOut, cancel);
                if (dataIn != null)
                {
                    var early = Transport.ReceiveDataOrResponse(code, tid, dataIn, cancel);
                    if (early.HasValue) return early.Value;
                    gotData = true;
                }
                return Transport.ReceiveResponse(cancel);
            }
            catch (Exception)
            {
                // Whatever broke the transaction (the link, the bytes, a cancel, or a data source or sink
                // that threw), the pipes are now out of step with the camera: no further transaction can be trusted.
                IsFaulted = true;
                throw;
            }
        }

        public void Dispose()
        {
            lock (_lock)
            {
                if (_disposed) return;
                _disposed = true;
            }
            Transport.Dispose();
        }
    }
}
