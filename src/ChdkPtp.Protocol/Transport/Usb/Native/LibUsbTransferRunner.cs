using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace ChdkPtp.Protocol.Transport.Usb.Native
{
    /// <summary>The outcome of one transfer.</summary>
    internal readonly struct TransferOutcome
    {
        public TransferOutcome(int submitError, int status, int actualLength, bool cancelledByToken, bool aborted = false)
        {
            Aborted = aborted;
            SubmitError = submitError;
            Status = status;
            ActualLength = actualLength;
            CancelledByToken = cancelledByToken;
        }

        /// <summary>libusb_submit_transfer's error (the transfer never started), else 0.</summary>
        public int SubmitError { get; }

        /// <summary>libusb_transfer_status once completed.</summary>
        public int Status { get; }

        public int ActualLength { get; }

        /// <summary>The cancellation token asked for the cancel.</summary>
        public bool CancelledByToken { get; }

        /// <summary>The device is being closed: the transfer was refused or cancelled by <see cref="LibUsbTransferRunner.Abort"/>.</summary>
        public bool Aborted { get; }

        /// <summary>The libusb_error equivalent (0 on success).</summary>
        public int Error => SubmitError != 0 ? SubmitError : LibUsbConst.ErrorOfStatus(Status);
    }

    /// <summary>
    /// One reusable asynchronous libusb transfer: submit, then handle events until its callback
    /// marks it complete. The transfer carries the whole USB timeout; a cancellation token (or
    /// <see cref="Abort"/> from another thread) cancels it at once through libusb_cancel_transfer,
    /// and the call still waits for libusb to hand the transfer back, so the caller's buffer can be
    /// pinned only for the duration of <see cref="Run"/>. Allocates nothing per transfer apart from
    /// the token registration. One transfer at a time (a lock serialises callers).
    /// </summary>
    internal sealed unsafe class LibUsbTransferRunner : IDisposable
    {
        private static readonly LibUsbApi.TransferCallbackFn Callback = OnComplete;
        private static readonly IntPtr CallbackPointer = Marshal.GetFunctionPointerForDelegate(Callback);
        private static readonly Action<object> CancelFromToken = s => ((LibUsbTransferRunner)s).CancelInFlight(true);

        private readonly LibUsbApi _api;
        private readonly IntPtr _context;
        private readonly object _runLock = new object();
        private readonly object _flightLock = new object();
        private LibUsbTransfer* _transfer;
        private int* _done;
        private bool _inFlight;
        private bool _tokenCancelled;
        private bool _aborted;

        public LibUsbTransferRunner(LibUsbApi api, IntPtr context)
        {
            _api = api;
            _context = context;
            _transfer = (LibUsbTransfer*)api.AllocTransfer(0);
            if (_transfer == null) throw new OutOfMemoryException("libusb_alloc_transfer failed.");
            _done = (int*)Marshal.AllocHGlobal(sizeof(int));
            *_done = 1;
        }

        private static void OnComplete(IntPtr transfer)
        {
            var t = (LibUsbTransfer*)transfer;
            Volatile.Write(ref *(int*)t->user_data, 1);
        }

        /// <summary>
        /// Runs one transfer on <paramref name="handle"/>: <paramref name="type"/> is LIBUSB_TRANSFER_TYPE_*,
        /// <paramref name="buffer"/> must stay valid until this returns (it does not return before libusb
        /// has finished with the transfer). A zero <paramref name="timeoutMs"/> means no timeout.
        /// </summary>
        public TransferOutcome Run(IntPtr handle, byte endpoint, byte type, byte* buffer, int length, uint timeoutMs, CancellationToken cancel)
        {
            lock (_runLock)
            {
                cancel.ThrowIfCancellationRequested();
                if (_transfer == null) return new TransferOutcome(0, LibUsbConst.TransferCancelled, 0, false, true);
                var t = _transfer;
                t->dev_handle = handle;
                t->flags = 0;
                t->endpoint = endpoint;
                t->type = type;
                t->timeout = timeoutMs;
                t->status = 0;
                t->length = length;
                t->actual_length = 0;
                t->callback = CallbackPointer;
                t->user_data = (IntPtr)_done;
                t->buffer = (IntPtr)buffer;
                t->num_iso_packets = 0;

                lock (_flightLock)
                {
                    if (_aborted) return new TransferOutcome(0, LibUsbConst.TransferCancelled, 0, false, true);
                    *_done = 0;
                    _tokenCancelled = false;
                    int r = _api.SubmitTransfer((IntPtr)t);
                    if (r != 0)
                    {
                        *_done = 1;
                        return new TransferOutcome(r, 0, 0, false);
                    }
                    _inFlight = true;
                }

                int eventsError = 0;
                var registration = cancel.CanBeCanceled ? cancel.Register(CancelFromToken, this) : default;
                try
                {
                    while (Volatile.Read(ref *_done) == 0)
                    {
                        int e = _api.HandleEventsCompleted(_context, _done);
                        if (e < 0 && e != LibUsbConst.ErrorInterrupted)
                        {
                            // As libusb's own synchronous calls do: give up on the transfer, but keep handling
                            // events until libusb hands it back (the buffer is in use until then).
                            if (eventsError == 0)
                            {
                                eventsError = e;
                                CancelInFlight(false);
                            }
                            else Thread.Sleep(1);
                        }
                    }
                }
                finally
                {
                    registration.Dispose();
                    lock (_flightLock) _inFlight = false;
                }
                bool cancelled = t->status == LibUsbConst.TransferCancelled;
                if (cancelled && eventsError != 0 && !_tokenCancelled && !_aborted)
                    return new TransferOutcome(eventsError, t->status, t->actual_length, false);
                return new TransferOutcome(0, t->status, t->actual_length, _tokenCancelled && cancelled, _aborted && cancelled && !_tokenCancelled);
            }
        }

        private void CancelInFlight(bool byToken)
        {
            lock (_flightLock)
            {
                if (!_inFlight || _transfer == null) return;
                if (byToken) _tokenCancelled = true;
                _api.CancelTransfer((IntPtr)_transfer);
            }
        }

        /// <summary>Cancels the transfer in flight, if any, and refuses new ones (the device is closing).</summary>
        public void Abort()
        {
            lock (_flightLock)
            {
                _aborted = true;
                if (_inFlight && _transfer != null) _api.CancelTransfer((IntPtr)_transfer);
            }
        }

        /// <summary>Frees the transfer; waits for a running <see cref="Run"/> to return first.</summary>
        public void Dispose()
        {
            Abort();
            lock (_runLock)
            {
                if (_transfer == null) return;
                _api.FreeTransfer((IntPtr)_transfer);
                _transfer = null;
                Marshal.FreeHGlobal((IntPtr)_done);
                _done = null;
            }
        }
    }
}
