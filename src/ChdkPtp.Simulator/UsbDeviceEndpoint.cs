using System;
using System.IO;
using System.Threading;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport.Usb;

namespace ChdkPtp.Simulator
{
    /// <summary>
    /// The simulated camera's USB function: reads command containers from the bulk OUT pipe with the
    /// same <see cref="UsbContainerChannel"/> framing the host uses, hands them to the
    /// <see cref="PtpResponder"/>, and writes data and response containers to the bulk IN pipe.
    /// Runs on its own thread, as the camera's PTP task does.
    /// </summary>
    public sealed class UsbDeviceEndpoint : IDisposable, IResponderLink
    {
        private readonly UsbContainerChannel _channel;
        private readonly PtpResponder _responder;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly Thread _thread;
        private readonly byte[] _small = new byte[64];
        private readonly object _gate = new object();
        private CancellationTokenSource _transaction; // the command being handled, until its response is sent

        public UsbDeviceEndpoint(IUsbBulkIo device, PtpResponder responder)
        {
            _channel = new UsbContainerChannel(device);
            _responder = responder ?? throw new ArgumentNullException(nameof(responder));
            _thread = new Thread(Run) { IsBackground = true, Name = "chdk-sim-ptp" };
            _thread.Start();
        }

        /// <summary>The last protocol error seen from the host (for tests and diagnostics).</summary>
        public Exception LastError { get; private set; }

        private void Run()
        {
            var cancel = _stop.Token;
            while (!cancel.IsCancellationRequested)
            {
                PtpCommand command;
                try
                {
                    var header = _channel.Receive(null, _small, out int n, cancel);
                    if (header.Type != PtpContainerType.Command || n % 4 != 0)
                    {
                        LastError = new PtpProtocolException($"Expected a COMMAND container, got {header}.");
                        continue; // a camera ignores what it cannot parse
                    }
                    var p = new uint[n / 4];
                    for (int i = 0; i < p.Length; i++) p[i] = BitConverter.ToUInt32(_small, 4 * i);
                    command = new PtpCommand(header.Code, header.TransactionId, p);
                }
                catch (PtpTimeoutException) { continue; }
                catch (OperationCanceledException) { return; }
                catch (PtpTransportException) { return; } // pipe closed: unplugged
                catch (PtpProtocolException ex) { LastError = ex; continue; }

                var transaction = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                lock (_gate) _transaction = transaction;
                try
                {
                    var response = _responder.Handle(command, this);
                    _channel.SendParameters(PtpContainerType.Response, (ushort)response.Code, response.TransactionId, response.Parameters, transaction.Token);
                }
                catch (OperationCanceledException) when (!cancel.IsCancellationRequested) { } // a Device Reset: no response
                catch (OperationCanceledException) { return; }
                catch (PtpTransportException) { return; }
                catch (Exception ex)
                {
                    // A fault inside the responder: answer as a camera with a general error.
                    LastError = ex;
                    if (transaction.IsCancellationRequested) continue;
                    try { _channel.SendParameters(PtpContainerType.Response, (ushort)PtpResponseCode.GeneralError, command.TransactionId, Array.Empty<uint>(), transaction.Token); }
                    catch (OperationCanceledException) when (!cancel.IsCancellationRequested) { }
                    catch (Exception) { return; }
                }
                finally
                {
                    lock (_gate) _transaction = null;
                    transaction.Dispose();
                }
            }
        }

        /// <summary>
        /// What the camera does on a Device Reset (class request 0x66) in the middle of a transaction: the data phase
        /// waiting for the host to read or write is abandoned at once and no response is sent. The caller then clears
        /// the pipes and ends the PTP session (<see cref="PtpResponder.DeviceReset"/>, which waits for the responder to
        /// let go). Nothing happens between transactions.
        /// </summary>
        public void AbortTransaction()
        {
            lock (_gate) _transaction?.Cancel();
        }

        /// <summary>The token of the transaction being handled (its data phase), or the endpoint's.</summary>
        private CancellationToken TransactionToken
        {
            get { lock (_gate) return _transaction?.Token ?? _stop.Token; }
        }

        byte[] IResponderLink.ReceiveData(PtpCommand command)
        {
            var sink = new MemoryDataSink(256L * 1024 * 1024);
            ((IResponderLink)this).ReceiveData(command, sink);
            return sink.ToArray();
        }

        void IResponderLink.ReceiveData(PtpCommand command, IPtpDataSink sink)
        {
            var header = _channel.Receive(h => h.Type == PtpContainerType.Data ? sink : null, _small, out _, TransactionToken);
            if (header.Type != PtpContainerType.Data)
                throw new PtpProtocolException($"Expected the host's DATA container, got {header}.");
        }

        void IResponderLink.SendData(PtpCommand command, ReadOnlySpan<byte> data) =>
            _channel.Send(PtpContainerType.Data, command.Code, command.TransactionId, data, TransactionToken);

        void IResponderLink.SendData(PtpCommand command, Stream data, long length) =>
            _channel.SendData(command.Code, command.TransactionId, new StreamDataSource(data, length), TransactionToken);

        public void Dispose()
        {
            _stop.Cancel();
            if (Thread.CurrentThread != _thread) _thread.Join(2000);
            _channel.Dispose();
        }
    }
}
