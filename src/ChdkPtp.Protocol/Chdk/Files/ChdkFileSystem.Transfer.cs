using System;
using System.Buffers;
using System.IO;
using System.Runtime.ExceptionServices;
using System.Threading;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Chdk.Files
{
    public sealed partial class ChdkFileSystem
    {
        /// <summary>Largest file CHDK can transfer (FAT32 and the 32-bit size in DownloadFile's response).</summary>
        public const long MaxFileLength = uint.MaxValue - 4096;

        /// <summary>
        /// How long a cancelled transfer may go on moving the rest of its data phase (discarded on download, zeros
        /// on upload) to keep the session usable. A PTP data phase cannot be cut short; past this limit the
        /// transaction is abandoned instead, which leaves the session faulted (reconnect to go on), so that a
        /// stop never waits minutes for a large file on a slow link. When the rate of the first 0.2 s of that
        /// shows that the rest will not make it in time, the transaction is abandoned then, without waiting for
        /// the limit. Default 2 s; <see cref="TimeSpan.Zero"/> abandons at once.
        /// </summary>
        public TimeSpan CancelDiscardLimit { get; set; } = TimeSpan.FromSeconds(2);

        /// <summary>
        /// Streams a camera file into <paramref name="destination"/> (TempData + DownloadFile; constant memory)
        /// and returns its length. CHDK cannot download an empty file: when the transfer fails this method asks
        /// the camera (a Stat script) why, and returns 0 for an empty file without writing anything. Callers that
        /// have a listing should use the <see cref="CameraItem"/> overload, which needs no script at all.
        /// </summary>
        /// <exception cref="ChdkFileNotFoundException">No such file.</exception>
        /// <exception cref="ChdkFileSystemException">A folder, an unreadable file, or a size mismatch.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was set. The transfer is run to its
        /// end with the rest of the data discarded, so the session stays usable, unless that takes longer than
        /// <see cref="CancelDiscardLimit"/>: then the transaction is abandoned and the session is faulted. The
        /// destination holds a prefix of the file either way.</exception>
        /// <remarks>If <paramref name="destination"/> or <paramref name="progress"/> throws, the rest of the data is
        /// discarded the same way and that exception is rethrown afterwards. Progress reports the bytes written so
        /// far, once per received chunk (up to 1 MiB); throttle in the callback if needed.</remarks>
        public long Download(string path, Stream destination, IProgress<long> progress = null, CancellationToken cancel = default)
        {
            var p = CameraPath.Validate(path);
            if (p == CameraPath.Root) throw new ArgumentException("The root of the card is a folder.", nameof(path));
            return DownloadCore(p, null, destination, progress, cancel);
        }

        /// <summary>
        /// As <see cref="Download(string, Stream, IProgress{long}, CancellationToken)"/> for a listed file, without
        /// any script: a zero-length item returns 0 at once (no transaction, nothing written), and the camera's
        /// size must equal <see cref="CameraItem.Length"/> (a file that changed since it was listed is an error).
        /// </summary>
        public long Download(CameraItem item, Stream destination, IProgress<long> progress = null, CancellationToken cancel = default)
        {
            if (item == null) throw new ArgumentNullException(nameof(item));
            if (item.IsDirectory) throw new ArgumentException($"'{item.FullName}' is a folder.", nameof(item));
            var p = CameraPath.Validate(item.FullName, nameof(item));
            if (destination == null) throw new ArgumentNullException(nameof(destination));
            cancel.ThrowIfCancellationRequested();
            if (item.Length == 0) return 0;
            return DownloadCore(p, item.Length, destination, progress, cancel);
        }

        private long DownloadCore(string path, long? expected, Stream destination, IProgress<long> progress, CancellationToken cancel)
        {
            if (destination == null) throw new ArgumentNullException(nameof(destination));
            if (!destination.CanWrite) throw new ArgumentException("The destination stream is not writable.", nameof(destination));
            cancel.ThrowIfCancellationRequested();
            var sink = new DownloadSink(destination, progress, cancel, CancelDiscardLimit);
            long reported;
            try
            {
                // No token for the transport: cancelling mid-transaction would fault the session. The sink stops instead.
                reported = Client.DownloadFile(path, sink);
            }
            catch (PtpResponseException ex) when (ex.ResponseCode == PtpResponseCode.GeneralError)
            {
                sink.ThrowIfFailed();
                if (sink.Canceled) throw new OperationCanceledException(cancel);
                if (expected.HasValue)
                    throw new ChdkFileSystemException(path, $"The camera could not send '{path}' (it may have been removed since it was listed, or be unreadable).", null, null, ex);
                var st = Stat(path, cancel);
                if (st == null) throw new ChdkFileNotFoundException(path);
                if (st.IsDirectory) throw new ChdkFileSystemException(path, $"'{path}' is a folder, not a file.");
                if (st.Length == 0) return 0; // CHDK cannot send empty files; nothing was written
                throw new ChdkFileSystemException(path, $"The camera could not send '{path}' ({st.Length} bytes).", null, null, ex);
            }
            sink.Complete();
            sink.ThrowIfFailed();
            if (sink.Canceled) throw new OperationCanceledException(cancel);
            if (sink.Announced != reported || sink.Written != reported)
                throw new ChdkFileSystemException(path, $"The camera reported {reported} bytes for '{path}' but sent {sink.Written} (data phase announced {sink.Announced}).");
            if (expected.HasValue && expected.Value != reported)
                throw new ChdkFileSystemException(path, $"'{path}' was listed with {expected.Value} bytes but the camera sent {reported}: it changed since it was listed.");
            return reported;
        }

        /// <summary>Writes the data phase to the destination as it arrives. It does not throw into the transport (that
        /// would leave the pipes out of step): errors and cancellation switch it to discarding; the caller rethrows.
        /// The one exception: discarding after a cancellation for longer than the limit abandons the transaction.
        /// A 1-byte data phase is held back until the response says OK, because CHDK sends a 1-byte dummy before
        /// GeneralError.</summary>
        private sealed class DownloadSink : IPtpDataSink
        {
            private readonly Stream _stream;
            private readonly IProgress<long> _progress;
            private readonly CancellationToken _cancel;
            private byte[] _held;
            private bool _discard;
            private ExceptionDispatchInfo _error;
            private readonly CancelWindow _window;

            public DownloadSink(Stream stream, IProgress<long> progress, CancellationToken cancel, TimeSpan discardLimit)
            {
                _stream = stream;
                _progress = progress;
                _cancel = cancel;
                _window = new CancelWindow(cancel, discardLimit);
            }

            public long Announced { get; private set; } = -1;
            public long Written { get; private set; }
            public bool Canceled { get; private set; }

            public void Begin(long length) => Announced = length;

            /// <summary>Bytes of the data phase seen so far, written or discarded.</summary>
            private long _moved;

            public void Write(ReadOnlySpan<byte> chunk)
            {
                if (Canceled) _window.ThrowIfExpired(_moved, Announced);
                _moved += chunk.Length;
                if (_discard || chunk.Length == 0) return;
                if (_cancel.IsCancellationRequested)
                {
                    Canceled = true;
                    _window.Start(_moved);
                    _discard = true;
                    return;
                }
                if (Announced == 1 && Written == 0 && _held == null)
                {
                    _held = chunk.ToArray();
                    return;
                }
                Put(chunk);
            }

            /// <summary>The response was OK: write what was held back.</summary>
            public void Complete()
            {
                if (_held == null || _discard) return;
                if (_cancel.IsCancellationRequested) { Canceled = true; return; }
                var h = _held;
                _held = null;
                Put(h);
            }

            private void Put(ReadOnlySpan<byte> chunk)
            {
                var tmp = ArrayPool<byte>.Shared.Rent(chunk.Length);
                try
                {
                    chunk.CopyTo(tmp);
                    _stream.Write(tmp, 0, chunk.Length);
                    Written += chunk.Length;
                    _progress?.Report(Written);
                }
                catch (Exception ex)
                {
                    _error = ExceptionDispatchInfo.Capture(ex);
                    _discard = true;
                }
                finally { ArrayPool<byte>.Shared.Return(tmp); }
                if (_cancel.IsCancellationRequested)
                {
                    Canceled = true;
                    _window.Start(_moved);
                    _discard = true;
                }
            }

            public void ThrowIfFailed() => _error?.Throw();
        }

        /// <summary>
        /// Times the discarding after a cancellation and abandons the transaction past the limit, or as soon as the
        /// rate of the discarding (measured over <see cref="Probe"/>) shows that the rest cannot be moved within the
        /// limit: waiting for the limit would only delay the stop, and the session would be lost all the same.
        /// </summary>
        private sealed class CancelWindow
        {
            /// <summary>How long the discarding is measured before its rate is trusted.</summary>
            private static readonly TimeSpan Probe = TimeSpan.FromMilliseconds(200);

            private readonly CancellationToken _cancel;
            private readonly TimeSpan _limit;
            private System.Diagnostics.Stopwatch _clock;
            private long _startedAt;

            public CancelWindow(CancellationToken cancel, TimeSpan limit)
            {
                _cancel = cancel;
                _limit = limit;
            }

            /// <param name="done">Bytes of the data phase moved when the cancellation was seen.</param>
            public void Start(long done)
            {
                if (_clock != null) return;
                _startedAt = done;
                _clock = System.Diagnostics.Stopwatch.StartNew();
            }

            /// <param name="done">Bytes of the data phase moved so far.</param>
            /// <param name="total">Bytes in the data phase.</param>
            public void ThrowIfExpired(long done, long total)
            {
                if (_clock == null) return;
                var elapsed = _clock.Elapsed;
                bool expired = elapsed >= _limit;
                if (!expired && elapsed >= Probe && done > _startedAt)
                {
                    double perSecond = (done - _startedAt) / elapsed.TotalSeconds;
                    expired = (total - done) / perSecond > (_limit - elapsed).TotalSeconds;
                }
                if (expired)
                    throw new OperationCanceledException("The transfer was stopped and abandoned mid-transaction (the rest would have taken too long): the session must be reconnected.", _cancel);
            }
        }

        // ---------------------------------------------------------------------------------------
        // upload

        /// <summary>
        /// Streams <paramref name="length"/> bytes of <paramref name="source"/> to the camera file
        /// <paramref name="path"/> (UploadFile; replaces an existing file; the folder must exist). Progress
        /// reports bytes sent.
        /// </summary>
        /// <remarks>The data phase cannot be stopped once started. On cancellation, or if the source or
        /// <paramref name="progress"/> fails or the source ends early, the rest is sent as zeros, the incomplete
        /// camera file is removed (best effort, a script), and then OperationCanceledException or that error
        /// (IOException for a short source) is thrown. A cancellation whose zeros would take longer than
        /// <see cref="CancelDiscardLimit"/> abandons the transaction instead: the session is faulted and the
        /// camera may keep an incomplete file.</remarks>
        /// <exception cref="ChdkFileSystemException">The camera could not create the file (missing folder, bad name, card full...).</exception>
        public void Upload(Stream source, long length, string path, IProgress<long> progress = null, CancellationToken cancel = default)
        {
            if (source == null) throw new ArgumentNullException(nameof(source));
            if (!source.CanRead) throw new ArgumentException("The source stream is not readable.", nameof(source));
            if (length < 0 || length > MaxFileLength) throw new ArgumentOutOfRangeException(nameof(length), $"A camera file holds 0 to {MaxFileLength} bytes.");
            var p = CameraPath.Validate(path);
            if (p == CameraPath.Root) throw new ArgumentException("The root of the card is a folder.", nameof(path));
            cancel.ThrowIfCancellationRequested();
            var src = new UploadContent(source, length, progress, cancel, CancelDiscardLimit);
            try
            {
                Client.UploadFile(p, src); // no token: the data phase is completed (with zeros if need be)
            }
            catch (PtpResponseException ex) when (ex.ResponseCode == PtpResponseCode.GeneralError)
            {
                src.ThrowIfFailed();
                if (src.Canceled) throw new OperationCanceledException(cancel);
                throw new ChdkFileSystemException(p, $"The camera could not write '{p}' (missing folder, a folder of that name, an invalid name, or a full or locked card).", null, null, ex);
            }
            if (src.Failed || src.Canceled)
            {
                try { Remove(p); }
                catch (Exception ex) when (ex is PtpException)
                {
                    Warning?.Invoke($"The incomplete camera file '{p}' could not be removed: {ex.Message}");
                }
                src.ThrowIfFailed();
                throw new OperationCanceledException(cancel);
            }
        }

        private sealed class UploadContent : IPtpDataSource
        {
            private readonly Stream _stream;
            private readonly IProgress<long> _progress;
            private readonly CancellationToken _cancel;
            private long _done;
            private ExceptionDispatchInfo _error;
            private readonly CancelWindow _window;

            public UploadContent(Stream stream, long length, IProgress<long> progress, CancellationToken cancel, TimeSpan discardLimit)
            {
                _stream = stream;
                Length = length;
                _progress = progress;
                _cancel = cancel;
                _window = new CancelWindow(cancel, discardLimit);
            }

            public long Length { get; }
            public bool Canceled { get; private set; }
            public bool Failed => _error != null;

            public int Read(Span<byte> buffer)
            {
                long left = Length - _done;
                if (left <= 0) return 0;
                int want = (int)Math.Min(buffer.Length, left);
                if (!Canceled && _error == null && _cancel.IsCancellationRequested) { Canceled = true; _window.Start(_done); }
                if (Canceled) _window.ThrowIfExpired(_done, Length);
                if (Canceled || _error != null)
                {
                    buffer.Slice(0, want).Clear();
                    _done += want;
                    return want;
                }
                var tmp = ArrayPool<byte>.Shared.Rent(want);
                int n;
                try
                {
                    n = _stream.Read(tmp, 0, want);
                    if (n <= 0) throw new IOException($"The source ended after {_done} of the {Length} bytes announced.");
                    tmp.AsSpan(0, n).CopyTo(buffer);
                }
                catch (Exception ex)
                {
                    _error = ExceptionDispatchInfo.Capture(ex);
                    buffer.Slice(0, want).Clear();
                    _done += want;
                    return want;
                }
                finally { ArrayPool<byte>.Shared.Return(tmp); }
                _done += n;
                // A failing callback ends the upload as a failing source does (zeros, file removed, rethrown);
                // these n bytes are sent and counted once.
                try { _progress?.Report(_done); }
                catch (Exception ex) { _error = ExceptionDispatchInfo.Capture(ex); }
                return n;
            }

            public void ThrowIfFailed() => _error?.Throw();
        }
    }
}
