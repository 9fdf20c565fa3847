using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using ChdkPtp.Protocol.Chdk.Scripting;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Chdk.Capture
{
    /// <summary>
    /// Remote capture ("remote shoot"): the camera shoots and sends each picture over USB instead of writing it
    /// to the card (PROTOCOL.md §5). <see cref="Shoot"/> sets the camera up (<see cref="CaptureScripts.Init"/>),
    /// starts the shooting script, receives every shot's data as it becomes available, writes each file through
    /// an <see cref="ICaptureDestination"/> and yields it the moment it is complete, and always cleans up.
    /// </summary>
    /// <remarks>
    /// <para>Per shot the host polls ScriptStatus and RemoteCaptureIsReady with chdkptp's back-off (4 ms doubling
    /// to 250 ms by default), reading the script's messages in between; each available data type is fetched in
    /// chdkptp's order (JPEG, raw, DNG header, CR2) with RemoteCaptureGetData until its last chunk, every chunk
    /// written at the offset the camera gives. DNG is assembled from header and raw by
    /// <see cref="DngAssembler"/>.</para>
    /// <para>Clean-up runs whatever happens (the run completes, fails, is cancelled, or the enumeration is
    /// abandoned): a <c>stop</c> message to the shooting script if it still runs, a short wait while its
    /// messages are drained, then <see cref="CaptureScripts.Cleanup"/> (killing the shooting script if it has
    /// not ended), under a token of its own limited by <see cref="RemoteCaptureOptions.CleanupTimeout"/>. It never
    /// throws: a failure there is a warning.</para>
    /// <para>Not thread-safe; one run at a time per camera. The camera's data phases are never cut short by
    /// cancellation (that would fault the session): cancellation is checked between transactions.</para>
    /// </remarks>
    public sealed class RemoteCaptureSession
    {
        /// <summary>Most chunks accepted for one file before the camera is considered broken.</summary>
        public const int MaxChunksPerFile = 1000;

        /// <summary>Largest single chunk accepted (512 MiB).</summary>
        public const long MaxChunkBytes = 512L * 1024 * 1024;

        private static readonly byte[] s_stop = Encoding.ASCII.GetBytes("stop");

        public RemoteCaptureSession(ChdkClient client)
        {
            Client = client ?? throw new ArgumentNullException(nameof(client));
        }

        public ChdkClient Client { get; }

        /// <summary>Warnings (empty chunks, clean-up failures, messages of other scripts...), on the enumerating thread.</summary>
        public Action<string> Warning { get; set; }

        /// <summary>Progress reports, on the enumerating thread (use a synchronous IProgress).</summary>
        public IProgress<RemoteCaptureProgress> Progress { get; set; }

        /// <summary>
        /// Shoots <see cref="RemoteCaptureOptions.Count"/> pictures and yields each file as soon as it is saved.
        /// Options are checked (and the protocol version required) when this is called; the camera is touched only
        /// when the enumeration starts.
        /// </summary>
        /// <exception cref="ArgumentException">Contradicting options; a <see cref="FolderCaptureDestination"/> whose
        /// names would collide (<see cref="CaptureTemplateException"/>).</exception>
        /// <exception cref="ChdkVersionException">The camera's CHDK is older than PTP 2.5 (2.9 for CR2).</exception>
        /// <remarks>
        /// During the enumeration: <see cref="ChdkCaptureException"/> (not in record mode, unsupported format with
        /// <see cref="ChdkCaptureException.Unsupported"/>, init refused, cancelled by the camera, unexpected type,
        /// settings the camera cannot apply, bad DNG header), <see cref="ChdkScriptRunningException"/> (another script
        /// runs and <see cref="RemoteCaptureOptions.KillRunningScript"/> is off), <see cref="ChdkScriptException"/>
        /// (the shooting script failed otherwise), <see cref="ChdkTimeoutException"/> (no data for a shot within the
        /// shot timeout), <see cref="IOException"/> from the destination, <see cref="OperationCanceledException"/>,
        /// and the transport's <see cref="PtpException"/>s. Files yielded before an error are complete.
        /// </remarks>
        public IEnumerable<CapturedFile> Shoot(RemoteCaptureOptions options, ICaptureDestination destination, CancellationToken cancel = default)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            if (destination == null) throw new ArgumentNullException(nameof(destination));
            var o = options.Clone();
            o.Validate();
            Client.Require(ChdkClient.MinorRemoteCapture, "Remote capture");
            if ((o.Formats & RemoteCaptureFormats.CanonRaw) != 0) Client.Require(ChdkClient.MinorCanonRaw, "Canon raw (CR2) remote capture");
            if (destination is FolderCaptureDestination folder) folder.CheckNames(o.Formats, o.Count);
            return Run(new RunState(o), destination, cancel);
        }

        // ---------------------------------------------------------------------------------------------------
        // the run

        private sealed class RunState
        {
            public RunState(RemoteCaptureOptions o)
            {
                Options = o;
                Wire = CaptureFormatInfo.WireTypes(o.Formats);
                AssembleDng = (o.Formats & RemoteCaptureFormats.Dng) != 0;
                ShotTimeout = o.EffectiveShotTimeout;
            }

            public readonly RemoteCaptureOptions Options;
            public readonly CaptureTypes Wire;
            public readonly bool AssembleDng;
            public readonly TimeSpan ShotTimeout;
            public bool NeedsCleanup;
            public bool InitInterrupted;
            public int? SavedCanonFormat;
            public uint ScriptId;
            public bool ScriptStarted;
            public bool ScriptRunning;
            public bool ScriptEnded;
            public int? ScriptShots;
            public bool EndedEarly;
            /// <summary>A shot's data has started and not all of it was received: the camera holds the shot for us.</summary>
            public bool ShotInProgress;
            public byte[] DngHeader;
            public int Shot;
            public long TotalBytes;
            public int FilesSaved;
            public readonly ChunkBuffer Buffer = new ChunkBuffer(MaxChunkBytes);
        }

        private IEnumerable<CapturedFile> Run(RunState run, ICaptureDestination destination, CancellationToken cancel)
        {
            var o = run.Options;
            cancel.ThrowIfCancellationRequested();
            try
            {
                Report(run, RemoteCaptureStage.Starting, null, null, 0);
                Initialize(run, cancel);
                run.ScriptId = ScriptRunner.Start(Client, CaptureScripts.RemoteShootScript, new object[] { ShootArguments(o) }, false, Warning);
                run.ScriptStarted = true;
                run.ScriptRunning = true;
                for (int shot = 1; shot <= o.Count; shot++)
                {
                    run.Shot = shot;
                    foreach (var file in ReceiveShot(run, shot, destination, cancel))
                        yield return file;
                    if (run.EndedEarly) break;
                }
                WaitForScriptEnd(run, cancel);
            }
            finally
            {
                Cleanup(run);
            }
        }

        private void Initialize(RunState run, CancellationToken cancel)
        {
            var o = run.Options;
            int cameraTimeout = o.CameraTimeout.HasValue ? (int)Math.Ceiling(o.CameraTimeout.Value.TotalMilliseconds) : 0;
            var args = new object[] { (int)run.Wire, o.StartLine, o.LineCount, cameraTimeout, o.Mode == RemoteShootMode.Continuous };
            var ro = new ScriptRunOptions { Timeout = o.SetupTimeout, KillRunning = o.KillRunningScript, Warning = Warning };
            run.NeedsCleanup = true;
            run.InitInterrupted = true;
            IReadOnlyList<object> r;
            try
            {
                r = ScriptRunner.Run(Client, CaptureScripts.Init, args, ro, cancel).Returns;
            }
            catch (ChdkScriptRunningException)
            {
                // Nothing of ours runs or was set up; another script is left alone.
                run.NeedsCleanup = false;
                run.InitInterrupted = false;
                throw;
            }
            catch (ChdkScriptException ex)
            {
                run.InitInterrupted = false;
                throw CaptureErrors.Translate(ex);
            }
            run.InitInterrupted = false;
            if (r.Count >= 1 && r[0] is bool ok && ok)
            {
                run.SavedCanonFormat = r.Count >= 2 && r[1] is int saved ? saved : (int?)null;
                return;
            }
            run.NeedsCleanup = false; // the set-up script undoes its own changes when it fails
            throw CaptureErrors.FromInit(r, run.Wire, o.StartLine, o.LineCount);
        }

        private static IDictionary<string, object> ShootArguments(RemoteCaptureOptions o)
        {
            var settings = o.Settings == null || o.Settings.IsEmpty ? null : o.Settings.ToLuaTable();
            TimeSpan expTimeout = o.ExposureCountTimeout ?? Max(TimeSpan.FromSeconds(15), Capture.ShotTimeout.For(o.Settings?.Shutter));
            var t = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["count"] = o.Count,
                ["interval"] = (int)Math.Round(o.Interval.TotalMilliseconds),
                ["mode"] = (int)o.Mode,
                ["dummy"] = o.FileDummy,
                ["exptimeout"] = (int)Math.Min(int.MaxValue, Math.Ceiling(expTimeout.TotalMilliseconds)),
                ["halftimeout"] = 5000,
            };
            if (settings != null) t["exp"] = settings;
            return t;
        }

        private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

        /// <summary>Waits for shot <paramref name="shot"/>'s data and yields its files.</summary>
        private IEnumerable<CapturedFile> ReceiveShot(RunState run, int shot, ICaptureDestination destination, CancellationToken cancel)
        {
            var o = run.Options;
            var pending = run.Wire;
            int? imageNumber = null;
            DateTime shotTime = default;
            var clock = Stopwatch.StartNew();
            var delay = o.InitialPollInterval;
            Report(run, RemoteCaptureStage.WaitingForShot, null, null, 0);
            while (pending != CaptureTypes.None)
            {
                cancel.ThrowIfCancellationRequested();
                PollScript(run);
                var (status, number) = Client.RemoteCaptureIsReady();
                if ((status & ChdkConstants.CaptureNotSet) != 0)
                    throw new ChdkCaptureException(CaptureFailure.CancelledByCamera,
                        "Remote capture was cancelled by the camera (timeout?)" + Where(shot, o.Count, imageNumber) + ".") { ImageNumber = imageNumber };
                if (status != 0)
                {
                    if (imageNumber == null)
                    {
                        imageNumber = (int)number;
                        shotTime = DateTime.Now;
                        run.ShotInProgress = true;
                    }
                    var available = (CaptureTypes)status;
                    const CaptureTypes known = CaptureTypes.Jpeg | CaptureTypes.Raw | CaptureTypes.DngHeader | CaptureTypes.CanonRaw;
                    if ((available & ~known) != 0 || (available & ~pending) != 0)
                        throw new ChdkCaptureException(CaptureFailure.UnexpectedType,
                            $"The camera offered {CaptureFormatInfo.Describe(available)} (0x{status:X}){Where(shot, o.Count, imageNumber)}, which was not expected: " +
                            $"asked for {CaptureFormatInfo.Describe(run.Wire)}, still waiting for {CaptureFormatInfo.Describe(pending)}.") { ImageNumber = imageNumber };
                    foreach (var type in CaptureFormatInfo.HandlingOrder)
                    {
                        if ((available & type) == 0) continue;
                        var file = Handle(run, type, shot, imageNumber.Value, shotTime, destination, cancel);
                        pending &= ~type;
                        if (pending == CaptureTypes.None) run.ShotInProgress = false;
                        if (file != null) yield return file;
                    }
                    clock.Restart();
                    delay = o.InitialPollInterval;
                    if (pending != CaptureTypes.None) Report(run, RemoteCaptureStage.WaitingForShot, imageNumber, null, 0);
                    continue;
                }
                if (imageNumber == null && run.ScriptEnded && run.ScriptShots.HasValue && shot > run.ScriptShots.Value)
                {
                    run.EndedEarly = true;
                    Warning?.Invoke($"The camera took {run.ScriptShots.Value} of the {o.Count} shots asked for.");
                    yield break;
                }
                if (clock.Elapsed >= run.ShotTimeout)
                    throw new ChdkTimeoutException(imageNumber == null
                        ? $"Shot {shot} of {o.Count} sent no data within {run.ShotTimeout.TotalSeconds:0.###} s."
                        : $"Image {imageNumber} (shot {shot} of {o.Count}) still lacked its {CaptureFormatInfo.Describe(pending)} after {run.ShotTimeout.TotalSeconds:0.###} s.");
                var sleep = delay;
                var left = run.ShotTimeout - clock.Elapsed;
                if (left < sleep) sleep = left < TimeSpan.Zero ? TimeSpan.Zero : left;
                if (cancel.WaitHandle.WaitOne(sleep)) cancel.ThrowIfCancellationRequested();
                var next = TimeSpan.FromTicks(delay.Ticks * 2);
                delay = next > o.MaxPollInterval ? o.MaxPollInterval : next;
            }
        }

        private static string Where(int shot, int count, int? imageNumber) =>
            imageNumber.HasValue ? $" during image {imageNumber.Value} (shot {shot} of {count})" : $" while waiting for shot {shot} of {count}";

        /// <summary>Receives one data type; returns the completed file, or null when it was kept for the DNG.</summary>
        private CapturedFile Handle(RunState run, CaptureTypes type, int shot, int imageNumber, DateTime shotTime, ICaptureDestination destination, CancellationToken cancel)
        {
            var o = run.Options;
            if (run.AssembleDng && type == CaptureTypes.DngHeader)
            {
                var ms = new MemoryStream();
                ReceiveChunks(run, type, CaptureFileFormat.DngHeader, imageNumber, ms, cancel);
                run.DngHeader = ms.ToArray();
                return null;
            }
            if (run.AssembleDng && type == CaptureTypes.Raw)
            {
                if (run.DngHeader == null)
                    throw new ChdkCaptureException(CaptureFailure.UnexpectedType, $"The camera sent the raw data of image {imageNumber} before its DNG header.") { ImageNumber = imageNumber };
                var ms = new MemoryStream();
                ReceiveChunks(run, type, CaptureFileFormat.Dng, imageNumber, ms, cancel);
                var header = run.DngHeader;
                run.DngHeader = null;
                var info = NewInfo(CaptureFileFormat.Dng, imageNumber, shot, shotTime, o);
                using (var target = destination.Create(info))
                {
                    long length = DngAssembler.Write(target.Stream, header, ms.GetBuffer(), (int)ms.Length, o.StartLine, o.StartLine != 0 || o.LineCount != 0, Warning);
                    target.Stream.Flush();
                    cancel.ThrowIfCancellationRequested();
                    return Saved(run, info, target.Commit(), length);
                }
            }
            var format = Format(type);
            var fileInfo = NewInfo(format, imageNumber, shot, shotTime, o);
            using (var target = destination.Create(fileInfo))
            {
                var writer = ReceiveChunks(run, type, format, imageNumber, target.Stream, cancel);
                target.Stream.Flush();
                return Saved(run, fileInfo, target.Commit(), writer.Length);
            }
        }

        private CapturedFile Saved(RunState run, CaptureFileInfo info, string path, long length)
        {
            run.FilesSaved++;
            var file = new CapturedFile(info, path, length);
            Report(run, RemoteCaptureStage.Saved, info.ImageNumber, info.Format, length);
            return file;
        }

        private CaptureFileInfo NewInfo(CaptureFileFormat format, int imageNumber, int shot, DateTime shotTime, RemoteCaptureOptions o) =>
            new CaptureFileInfo(format, imageNumber, unchecked(o.StartSequence + shot - 1), shot, shotTime, Client.DeviceInfo?.SerialNumber, Client.DeviceInfo?.Model);

        private static CaptureFileFormat Format(CaptureTypes type)
        {
            switch (type)
            {
                case CaptureTypes.Jpeg: return CaptureFileFormat.Jpeg;
                case CaptureTypes.Raw: return CaptureFileFormat.Raw;
                case CaptureTypes.DngHeader: return CaptureFileFormat.DngHeader;
                case CaptureTypes.CanonRaw: return CaptureFileFormat.CanonRaw;
                default: throw new ArgumentOutOfRangeException(nameof(type));
            }
        }

        /// <summary>RemoteCaptureGetData until the last chunk, each written where the camera says.</summary>
        private CaptureChunkWriter ReceiveChunks(RunState run, CaptureTypes type, CaptureFileFormat format, int imageNumber, Stream target, CancellationToken cancel)
        {
            var writer = new CaptureChunkWriter(target);
            var buf = run.Buffer;
            for (int n = 1; ; n++)
            {
                cancel.ThrowIfCancellationRequested();
                if (n > MaxChunksPerFile)
                    throw new PtpProtocolException($"The camera sent more than {MaxChunksPerFile} chunks for the {CaptureFormatInfo.Describe(type)} of image {imageNumber}.");
                buf.Reset();
                RemoteCaptureChunk chunk;
                try
                {
                    chunk = Client.RemoteCaptureGetData(type, buf);
                }
                catch (PtpResponseException ex) when (ex.ResponseCode == PtpResponseCode.GeneralError)
                {
                    throw new ChdkCaptureException(CaptureFailure.CancelledByCamera,
                        $"Remote capture was cancelled by the camera (timeout?) while the {CaptureFormatInfo.Describe(type)} of image {imageNumber} was being received.", ex) { ImageNumber = imageNumber };
                }
                if (buf.Overflow)
                    throw new PtpProtocolException($"The camera announced a chunk of {buf.Announced} bytes for the {CaptureFormatInfo.Describe(type)} of image {imageNumber}, more than the {MaxChunkBytes} accepted.");
                if (chunk.Length < 0 || chunk.Length > buf.Count)
                    throw new PtpProtocolException($"The camera said a chunk of the {CaptureFormatInfo.Describe(type)} of image {imageNumber} has {chunk.Length} bytes, but its data phase had {buf.Count}.");
                if (chunk.Length == 0)
                    Warning?.Invoke($"The camera sent an empty chunk for the {CaptureFormatInfo.Describe(type)} of image {imageNumber}; it is ignored.");
                else
                    writer.Write(chunk.Offset, buf.Data, chunk.Length);
                run.TotalBytes += chunk.Length;
                Report(run, RemoteCaptureStage.Receiving, imageNumber, format, writer.BytesWritten);
                if (!chunk.More) return writer;
            }
        }

        // ---------------------------------------------------------------------------------------------------
        // the shooting script

        private void PollScript(RunState run)
        {
            if (!run.ScriptRunning) return;
            var status = Client.GetScriptStatus();
            while ((status & ScriptStatus.MessagesQueued) != 0)
            {
                var m = Client.ReadScriptMessage();
                if (m == null) break;
                Route(run, m);
                status = Client.GetScriptStatus();
            }
            if ((status & ScriptStatus.Running) == 0)
            {
                run.ScriptRunning = false;
                run.ScriptEnded = true;
            }
        }

        private void Route(RunState run, ChdkScriptMessage m)
        {
            if (m.ScriptId != run.ScriptId)
            {
                Warning?.Invoke($"Dropped a {m.Type} message from script {m.ScriptId} during remote capture.");
                return;
            }
            switch (m.Type)
            {
                case ScriptMessageType.Error:
                    run.ScriptRunning = false;
                    run.ScriptEnded = true;
                    throw CaptureErrors.FromErrorMessage(m, run.ScriptId);
                case ScriptMessageType.Return:
                    if (ScriptRunner.DecodeValue(m, Warning) is int shots && !run.ScriptShots.HasValue) run.ScriptShots = shots;
                    break;
                case ScriptMessageType.User:
                    Warning?.Invoke("The shooting script sent: " + ScriptRunner.DecodeValue(m, Warning));
                    break;
            }
        }

        private void WaitForScriptEnd(RunState run, CancellationToken cancel)
        {
            var clock = Stopwatch.StartNew();
            var delay = TimeSpan.FromMilliseconds(10);
            while (run.ScriptRunning)
            {
                cancel.ThrowIfCancellationRequested();
                PollScript(run);
                if (!run.ScriptRunning) break;
                if (clock.Elapsed >= run.Options.ScriptEndTimeout)
                {
                    Warning?.Invoke($"The shooting script had not ended {run.Options.ScriptEndTimeout.TotalSeconds:0.###} s after the last shot; it is stopped.");
                    return;
                }
                if (cancel.WaitHandle.WaitOne(delay)) cancel.ThrowIfCancellationRequested();
                if (delay < TimeSpan.FromMilliseconds(100)) delay = TimeSpan.FromTicks(delay.Ticks * 2);
            }
        }

        private void Cleanup(RunState run)
        {
            var o = run.Options;
            if (!run.NeedsCleanup && !run.ScriptRunning) return;
            try { Report(run, RemoteCaptureStage.CleaningUp, null, null, 0); }
            catch (Exception ex) when (!(ex is OutOfMemoryException)) { /* a failing progress sink must not stop the clean-up */ }
            using (var cts = new CancellationTokenSource(o.CleanupTimeout))
            {
                var token = cts.Token;
                bool mayRun = run.ScriptRunning || run.InitInterrupted;
                try
                {
                    if (run.ScriptStarted && run.ScriptRunning)
                    {
                        var answer = Client.WriteScriptMessage(s_stop, run.ScriptId);
                        if (answer == WriteScriptMessageStatus.NotRunning || answer == WriteScriptMessageStatus.BadId) mayRun = false;
                        // In the middle of a shot the script sits in shoot() until the camera has handed over the data,
                        // so it cannot see the message: do not wait for it, the clean-up kills it and aborts the shot.
                        var wait = run.ShotInProgress ? TimeSpan.Zero : o.StopWait;
                        var clock = Stopwatch.StartNew();
                        while (mayRun && clock.Elapsed < wait && !token.IsCancellationRequested)
                        {
                            var st = Client.GetScriptStatus();
                            if ((st & ScriptStatus.MessagesQueued) != 0)
                            {
                                var m = Client.ReadScriptMessage();
                                if (m != null && m.ScriptId == run.ScriptId && m.Type == ScriptMessageType.Error)
                                {
                                    var text = CaptureErrors.FromErrorMessage(m, run.ScriptId).Message;
                                    Warning?.Invoke("While stopping, the shooting script reported: " + text);
                                }
                                continue;
                            }
                            if ((st & ScriptStatus.Running) == 0) mayRun = false;
                            else token.WaitHandle.WaitOne(20);
                        }
                        run.ScriptRunning = mayRun;
                    }
                    if (run.NeedsCleanup)
                    {
                        var ro = new ScriptRunOptions { Timeout = o.CleanupTimeout, KillRunning = mayRun, Warning = Warning };
                        ScriptRunner.Run(Client, CaptureScripts.Cleanup, new object[] { run.SavedCanonFormat, run.ShotInProgress }, ro, token);
                        run.NeedsCleanup = false;
                    }
                    else if (mayRun)
                    {
                        ScriptRunner.Kill(Client, true, o.CleanupTimeout, token);
                    }
                    run.ScriptRunning = false;
                }
                catch (Exception ex) when (ex is PtpException || ex is OperationCanceledException || ex is ObjectDisposedException || ex is InvalidOperationException || ex is IOException)
                {
                    Warning?.Invoke("Remote capture could not be cleaned up on the camera (" + ex.Message + "). The camera may still be set up for remote capture: reconnect, or run init_usb_capture(0) on it.");
                }
            }
        }

        private void Report(RunState run, RemoteCaptureStage stage, int? imageNumber, CaptureFileFormat? format, long fileBytes)
        {
            Progress?.Report(new RemoteCaptureProgress(stage, run.Shot, run.Options.Count, imageNumber, format, fileBytes, run.TotalBytes, run.FilesSaved));
        }

        /// <summary>Collects one chunk's data phase. Never throws into the transport: an oversized announcement
        /// switches it to discarding and sets <see cref="Overflow"/>.</summary>
        private sealed class ChunkBuffer : IPtpDataSink
        {
            private readonly long _limit;

            public ChunkBuffer(long limit) { _limit = limit; }

            public byte[] Data { get; private set; } = new byte[64 * 1024];
            public int Count { get; private set; }
            public long Announced { get; private set; }
            public bool Overflow { get; private set; }

            public void Reset()
            {
                Count = 0;
                Announced = 0;
                Overflow = false;
            }

            public void Begin(long length)
            {
                Announced = length;
                if (length > _limit || length < 0)
                {
                    Overflow = true;
                    return;
                }
                if (length > Data.Length) Data = new byte[length];
            }

            public void Write(ReadOnlySpan<byte> chunk)
            {
                if (Overflow) return;
                if ((long)Count + chunk.Length > Data.Length)
                {
                    long want = Math.Max((long)Count + chunk.Length, Math.Min(_limit, (long)Data.Length * 2));
                    if (want > _limit) { Overflow = true; return; }
                    var bigger = new byte[want];
                    Buffer.BlockCopy(Data, 0, bigger, 0, Count);
                    Data = bigger;
                }
                chunk.CopyTo(Data.AsSpan(Count));
                Count += chunk.Length;
            }
        }
    }
}
