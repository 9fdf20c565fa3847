using System;
using System.Diagnostics;
using System.Threading;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Chdk.Connection
{
    /// <summary>
    /// Reconnects to a camera that went away: waits <see cref="ReconnectPolicy.SettleDelay"/>, then tries the
    /// connector every <see cref="ReconnectPolicy.RetryInterval"/> until the camera answers or
    /// <see cref="ReconnectPolicy.Timeout"/> passes, and accepts the connection only when the camera is the
    /// same one (model, serial, product id). A different camera is refused at once: it is not the one the
    /// work was meant for, and waiting longer will not change that.
    /// </summary>
    public static class CameraReconnector
    {
        /// <param name="status">Told about each attempt (for verbose output); may be null.</param>
        public static CameraConnection Reconnect(ICameraConnector connector, CameraIdentity expected, ReconnectPolicy policy,
            Action<string> status, CancellationToken cancel)
        {
            if (connector == null) throw new ArgumentNullException(nameof(connector));
            policy = policy ?? new ReconnectPolicy();
            var clock = Stopwatch.StartNew();
            Wait(policy.SettleDelay, cancel);
            int attempt = 0;
            Exception last = null;
            while (true)
            {
                attempt++;
                cancel.ThrowIfCancellationRequested();
                try
                {
                    var c = connector.Connect(cancel);
                    string difference = expected?.Difference(c.Identity);
                    if (difference != null)
                    {
                        try { c.Client?.Dispose(); } catch (Exception) { }
                        throw new ChdkReconnectException(ReconnectFailure.DifferentCamera,
                            $"A different camera answered at {connector.Description}: {difference}. The session stays disconnected so that work meant for {expected} does not go to another camera; connect to the new camera with Connect-ChdkCamera.", null);
                    }
                    status?.Invoke($"Reconnected to {c.Identity} at {c.Location} (attempt {attempt}, after {clock.Elapsed.TotalSeconds:0.0} s).");
                    return c;
                }
                catch (PtpException ex) when (IsNotThereYet(ex))
                {
                    last = ex;
                    status?.Invoke($"Attempt {attempt} to reconnect to {connector.Description}: {ex.Message}");
                }
                var left = policy.Timeout - clock.Elapsed;
                if (left <= TimeSpan.Zero)
                    throw new ChdkReconnectException(ReconnectFailure.DidNotReturn,
                        $"The camera at {connector.Description} did not come back within {policy.Timeout.TotalSeconds:0.#} s ({attempt} attempts). Last error: {last?.Message}", last);
                Wait(policy.RetryInterval < left ? policy.RetryInterval : left, cancel);
            }
        }

        /// <summary>Failures that mean "not back yet" (worth another attempt): the link failed or timed out, or the
        /// camera answered but not properly yet (a camera that is still starting CHDK). A different camera is final.</summary>
        private static bool IsNotThereYet(PtpException ex) =>
            !(ex is ChdkReconnectException) && ex is PtpTransportException || ex is PtpProtocolException || ex is PtpResponseException || ex is ChdkNotDetectedException;

        private static void Wait(TimeSpan t, CancellationToken cancel)
        {
            if (t <= TimeSpan.Zero) return;
            if (cancel.WaitHandle.WaitOne(t)) cancel.ThrowIfCancellationRequested();
        }
    }

    public enum ReconnectFailure
    {
        /// <summary>The camera did not come back within the policy's timeout.</summary>
        DidNotReturn,
        /// <summary>A camera came back, but not the same one (model, serial or product id differ).</summary>
        DifferentCamera,
        /// <summary>The link came back, but the operation that failed is not safe to repeat and was not retried.</summary>
        NotRetried,
    }

    /// <summary>A lost camera could not be reconnected, or was reconnected but the failed operation was not repeated.</summary>
    public sealed class ChdkReconnectException : PtpTransportException
    {
        public ChdkReconnectException(ReconnectFailure reason, string message, Exception inner)
            : base(message, inner) { Reason = reason; }

        public ReconnectFailure Reason { get; }
    }
}
