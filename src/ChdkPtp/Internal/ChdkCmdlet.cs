using System;
using System.Management.Automation;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Connection;
using ChdkPtp.Protocol.Chdk.Scripting;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Internal
{
    /// <summary>
    /// Base of every ChdkPtp cmdlet: cancellation tied to Ctrl+C (StopProcessing), and one place that
    /// turns the library's exceptions into ErrorRecords with stable ids and categories.
    /// </summary>
    public abstract class ChdkCmdlet : PSCmdlet
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
        protected CancellationToken CancelToken => _stop.Token;

        /// <summary><see cref="CancelToken"/> for helpers outside the cmdlet class.</summary>
        internal CancellationToken StopToken => _stop.Token;

        protected override void StopProcessing() => _stop.Cancel();

        /// <summary>Writes a non-terminating error for <paramref name="ex"/>.</summary>
        protected void WriteChdkError(Exception ex, object target) => WriteError(ErrorFor(ex, target));

        /// <summary>Stops the command with the error record for <paramref name="ex"/>.</summary>
        protected void ThrowChdkError(Exception ex, object target) => ThrowTerminatingError(ErrorFor(ex, target));

        /// <summary>A local path resolved through PowerShell's provider (relative to the current location, no
        /// wildcards), as a full file-system path.</summary>
        /// <exception cref="ArgumentException">The path is on another provider (variable:, env:...).</exception>
        internal string ResolveFileSystemPath(string path)
        {
            var resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
            if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
                throw new ArgumentException($"'{path}' is not a file-system path (provider {provider.Name}).");
            return System.IO.Path.GetFullPath(resolved);
        }

        /// <summary>A destination that may end in a name template: the part up to the last separator before the
        /// first '{' is the folder ("." when there is none), the rest the template (null without a '{').</summary>
        internal static (string Folder, string Template) SplitTemplate(string destination)
        {
            int brace = destination.IndexOf('{');
            if (brace < 0) return (destination, null);
            int sep = destination.LastIndexOfAny(new[] { '/', '\\' }, brace);
            return (sep < 0 ? "." : destination.Substring(0, sep + 1), destination.Substring(sep + 1));
        }

        /// <summary>If the failure was a stop, throw PipelineStoppedException; otherwise nothing.</summary>
        protected void ThrowIfStopping()
        {
            if (_stop.IsCancellationRequested) throw new PipelineStoppedException();
        }

        /// <summary>The stable error id, category and message for a library exception.</summary>
        public static ErrorRecord ErrorFor(Exception ex, object target)
        {
            string id;
            ErrorCategory category;
            switch (ex)
            {
                case ChdkSessionClosedException _: id = "ChdkSessionClosed"; category = ErrorCategory.ConnectionError; break;
                case ChdkSessionBusyException _: id = "ChdkSessionBusy"; category = ErrorCategory.ResourceBusy; break;
                case ChdkNotDetectedException _: id = "ChdkNotDetected"; category = ErrorCategory.DeviceError; break;
                case ChdkVersionException _: id = "ChdkVersionTooOld"; category = ErrorCategory.NotImplemented; break;
                case ChdkScriptRunningException _: id = "ChdkScriptRunning"; category = ErrorCategory.ResourceBusy; break;
                case ChdkScriptException s:
                    id = s.Kind == ScriptErrorType.Compile ? "ChdkLuaCompileError" : "ChdkLuaRuntimeError";
                    category = s.Kind == ScriptErrorType.Compile ? ErrorCategory.ParserError : ErrorCategory.InvalidResult;
                    break;
                case ChdkTimeoutException _: id = "ChdkTimeout"; category = ErrorCategory.OperationTimeout; break;
                case PtpTimeoutException _: id = "ChdkTimeout"; category = ErrorCategory.OperationTimeout; break;
                case ChdkMessageException m:
                    category = m.Status == WriteScriptMessageStatus.QueueFull ? ErrorCategory.LimitsExceeded : ErrorCategory.InvalidOperation;
                    id = m.Status == WriteScriptMessageStatus.NotRunning ? "ChdkScriptNotRunning"
                       : m.Status == WriteScriptMessageStatus.QueueFull ? "ChdkMessageQueueFull"
                       : m.Status == WriteScriptMessageStatus.BadId ? "ChdkBadScriptId" : "ChdkMessageRefused";
                    break;
                case LuaSerializationException _: id = "ChdkInvalidArgument"; category = ErrorCategory.InvalidArgument; break;
                case PtpResponseException _: id = "ChdkCameraError"; category = ErrorCategory.DeviceError; break;
                case PtpProtocolException _: id = "ChdkProtocolError"; category = ErrorCategory.ProtocolError; break;
                case Protocol.Chdk.Connection.ChdkReconnectException rc:
                    id = rc.Reason == Protocol.Chdk.Connection.ReconnectFailure.DifferentCamera ? "ChdkDifferentCamera"
                       : rc.Reason == Protocol.Chdk.Connection.ReconnectFailure.NotRetried ? "ChdkNotRetried" : "ChdkReconnectFailed";
                    category = rc.Reason == Protocol.Chdk.Connection.ReconnectFailure.DifferentCamera ? ErrorCategory.SecurityError : ErrorCategory.ConnectionError;
                    break;
                case Protocol.Transport.Usb.UsbTransportException u when u.Kind == Protocol.Transport.Usb.UsbErrorKind.NotInstalled:
                    id = "ChdkLibUsbNotInstalled"; category = ErrorCategory.NotInstalled; break;
                case Protocol.Transport.Usb.UsbTransportException u when u.Kind == Protocol.Transport.Usb.UsbErrorKind.Busy:
                    id = "ChdkDeviceBusy"; category = ErrorCategory.ResourceBusy; break;
                case Protocol.Transport.Usb.UsbTransportException u when u.Kind == Protocol.Transport.Usb.UsbErrorKind.AccessDenied:
                    id = "ChdkAccessDenied"; category = ErrorCategory.PermissionDenied; break;
                case PtpTransportException _: id = "ChdkConnectionLost"; category = ErrorCategory.ConnectionError; break;
                case Protocol.Chdk.Files.ChdkFileNotFoundException _: id = "ChdkFileNotFound"; category = ErrorCategory.ObjectNotFound; break;
                case Protocol.Chdk.Files.ChdkFileSystemException _: id = "ChdkCameraFileError"; category = ErrorCategory.WriteError; break;
                case Protocol.Chdk.Capture.ChdkCaptureException c:
                    switch (c.Reason)
                    {
                        case Protocol.Chdk.Capture.CaptureFailure.NotInRecordMode: id = "ChdkNotInRecordMode"; category = ErrorCategory.InvalidOperation; break;
                        case Protocol.Chdk.Capture.CaptureFailure.UnsupportedFormat:
                        case Protocol.Chdk.Capture.CaptureFailure.RemoteCaptureNotSupported: id = "ChdkUnsupportedFormat"; category = ErrorCategory.NotImplemented; break;
                        case Protocol.Chdk.Capture.CaptureFailure.Settings: id = "ChdkInvalidArgument"; category = ErrorCategory.InvalidArgument; break;
                        default: id = "ChdkCaptureFailed"; category = ErrorCategory.InvalidResult; break;
                    }
                    break;
                case Protocol.Chdk.Capture.CaptureFileExistsException _: id = "ChdkFileExists"; category = ErrorCategory.ResourceExists; break;
                case Protocol.Chdk.LiveView.LiveViewFormatException _: id = "ChdkLiveViewFormat"; category = ErrorCategory.InvalidData; break;
                case UnsafeNameException _: id = "ChdkUnsafeName"; category = ErrorCategory.SecurityError; break;
                case ChdkException _: id = "ChdkError"; category = ErrorCategory.NotSpecified; break;
                case ArgumentException _: id = "ChdkInvalidArgument"; category = ErrorCategory.InvalidArgument; break;
                case System.IO.FileNotFoundException _: id = "ChdkFileNotFound"; category = ErrorCategory.ObjectNotFound; break;
                case System.IO.DirectoryNotFoundException _: id = "ChdkFileNotFound"; category = ErrorCategory.ObjectNotFound; break;
                case UnauthorizedAccessException _: id = "ChdkAccessDenied"; category = ErrorCategory.PermissionDenied; break;
                case System.IO.IOException _: id = "ChdkIOError"; category = ErrorCategory.WriteError; break;
                default: id = "ChdkError"; category = ErrorCategory.NotSpecified; break;
            }
            return new ErrorRecord(ex, id, category, target);
        }
    }

    /// <summary>Base of cmdlets that talk to a camera: -Session, falling back to the default session.</summary>
    public abstract class ChdkSessionCmdlet : ChdkCmdlet
    {
        /// <summary>The session to use; default: the session most recently connected.</summary>
        [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        public ChdkSession Session { get; set; }

        /// <summary>A failure of one item of a batch (a file): a non-terminating error, unless the link or the session
        /// is gone, which stops the command (every further item would fail the same way).</summary>
        protected void WriteItemError(PtpException ex, object target, ChdkSession session)
        {
            if (ex is PtpTransportException || ex is ChdkSessionClosedException || !session.IsConnected)
                ThrowChdkError(ex, target);
            WriteChdkError(ex, target);
        }

        /// <summary>
        /// Runs one camera operation holding the session. With the session's -AutoReconnect policy, a session whose
        /// link failed earlier is reconnected first, and a link that fails during <paramref name="operation"/> is
        /// reconnected and the operation run again when <paramref name="safeToRepeat"/> (reads, listings,
        /// downloads); otherwise the reconnected session stays usable and the operation fails with ChdkNotRetried.
        /// Without a policy this is <c>using (session.Acquire(...)) return operation(session.Client);</c>.
        /// </summary>
        /// <param name="what">The operation in words, for messages ("the download of A/DCIM/IMG_0001.JPG").</param>
        internal T Use<T>(ChdkSession session, string what, bool safeToRepeat, Func<ChdkClient, T> operation)
        {
            var policy = session.AutoReconnect;
            using (session.Acquire(CancelToken, allowFailed: policy != null))
            {
                int reconnects = 0;
                if (!session.IsConnected) ReconnectHeld(session, policy, what, null, ref reconnects);
                while (true)
                {
                    try { return operation(session.Client); }
                    catch (PtpTransportException ex) when (policy != null && !(ex is ChdkReconnectException) && !session.IsClosed
                        && !session.IsConnected && !CancelToken.IsCancellationRequested)
                    {
                        ReconnectHeld(session, policy, what, ex, ref reconnects);
                        if (!safeToRepeat)
                        {
                            throw NotRetried(what, ex);
                        }
                        WriteVerbose($"Repeating {what} after the reconnect.");
                    }
                }
            }
        }

        /// <summary>
        /// Takes the session for an operation that is not safe to repeat and too involved for <see cref="Use{T}"/>
        /// (a shot, an upload, a script): with -AutoReconnect a session whose link failed earlier is reconnected
        /// first; a failure during the operation is the caller's to report (the next command reconnects).
        /// </summary>
        internal IDisposable Hold(ChdkSession session)
        {
            var policy = session.AutoReconnect;
            var held = session.Acquire(CancelToken, allowFailed: policy != null);
            try
            {
                int reconnects = 0;
                if (!session.IsConnected) ReconnectHeld(session, policy, "the next operation", null, ref reconnects);
                return held;
            }
            catch
            {
                held.Dispose();
                throw;
            }
        }

        /// <summary>
        /// For an operation run under <see cref="Hold"/> that failed: with -AutoReconnect and a lost link, reconnects the
        /// session now (so the next command finds it working) and returns a ChdkNotRetried error that says the
        /// operation was not repeated; or the reconnect's own failure. Otherwise returns <paramref name="failure"/>.
        /// </summary>
        internal PtpException Recover(ChdkSession session, PtpException failure, string what)
        {
            var policy = session.AutoReconnect;
            if (policy == null || !(failure is PtpTransportException) || failure is ChdkReconnectException
                || session.IsClosed || session.IsConnected || CancelToken.IsCancellationRequested)
                return failure;
            try
            {
                int reconnects = 0;
                using (session.IsHeldByCurrentThread ? null : session.Acquire(CancelToken, allowFailed: true))
                    ReconnectHeld(session, policy, what, failure, ref reconnects);
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (PtpException reconnectFailed) { return reconnectFailed; }
            return NotRetried(what, failure);
        }

        private static ChdkReconnectException NotRetried(string what, Exception cause) =>
            new ChdkReconnectException(ReconnectFailure.NotRetried,
                $"The camera was lost during {what} ({cause.Message}). The session is connected again, but {what} was not repeated, because doing it twice may not be safe. Check the camera and run it again if needed.", cause);

        /// <summary>As <see cref="Use{T}"/> for an operation without a result.</summary>
        internal void Use(ChdkSession session, string what, bool safeToRepeat, Action<ChdkClient> operation) =>
            Use(session, what, safeToRepeat, c => { operation(c); return true; });

        private void ReconnectHeld(ChdkSession session, ReconnectPolicy policy, string what, Exception cause, ref int reconnects)
        {
            if (++reconnects > policy.MaxReconnectsPerOperation)
            {
                throw new ChdkReconnectException(ReconnectFailure.DidNotReturn,
                    $"The camera was lost again during {what}: {cause?.Message} It was reconnected {policy.MaxReconnectsPerOperation} time(s) for this operation (-MaxReconnects); giving up.", cause);
            }
            WriteWarning(cause == null
                ? $"Session {session.Id} ({session.Model}) lost its camera earlier; reconnecting (waiting up to {policy.Timeout.TotalSeconds:0.#} s)."
                : $"Lost the camera during {what}: {cause.Message} Waiting up to {policy.Timeout.TotalSeconds:0.#} s for it to come back.");
            session.Reconnect(policy, WriteVerbose, CancelToken);
            WriteWarning($"Session {session.Id} reconnected to {session.Identity} at {session.Location}.");
        }

        /// <summary>The session this record works on, or a terminating ChdkNoSession error.</summary>
        protected ChdkSession ResolveSession()
        {
            var s = Session ?? SessionRegistry.Default;
            if (s == null)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException("No CHDK camera is connected. Run Connect-ChdkCamera first (Connect-ChdkCamera -Simulator gives a virtual camera)."),
                    "ChdkNoSession", ErrorCategory.ConnectionError, null));
            }
            if (!s.IsConnected && (s.AutoReconnect == null || s.IsClosed))
                ThrowTerminatingError(ErrorFor(new ChdkSessionClosedException(s), s));
            return s;
        }
    }
}
