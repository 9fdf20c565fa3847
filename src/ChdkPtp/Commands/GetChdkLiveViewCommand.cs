using System;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.LiveView;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Commands
{
    /// <summary>Get-ChdkLiveView: live-view frames from the camera, or from a .lvdump recording.</summary>
    [Cmdlet(VerbsCommon.Get, "ChdkLiveView", DefaultParameterSetName = CameraSet)]
    [OutputType(typeof(ChdkLiveFrame))]
    public sealed class GetChdkLiveViewCommand : ChdkSessionCmdlet
    {
        internal const string CameraSet = "Camera";
        internal const string FileSet = "LiteralPath";

        /// <summary>Number of frames (default 1 from a camera, all from a recording).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int Count { get; set; }

        /// <summary>Frames per second asked of the camera (default 10).</summary>
        [Parameter(ParameterSetName = CameraSet)]
        [ValidateRange(0.01, 1000.0)]
        public double FrameRate { get; set; } = 10;

        /// <summary>What each frame carries: Viewport, Bitmap, Palette, Opacity.</summary>
        [Parameter(ParameterSetName = CameraSet)]
        [ValidateNotNullOrEmpty]
        public LiveViewParts[] Include { get; set; } = { LiveViewParts.Viewport, LiveViewParts.Bitmap, LiveViewParts.Palette, LiveViewParts.Opacity };

        /// <summary>A .lvdump recording (chdkptp's format) to read frames from instead of a camera.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = FileSet)]
        [Alias("PSPath", "LP", "FullName")]
        [ValidateNotNullOrEmpty]
        public string LiteralPath { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == FileSet)
            {
                foreach (var frame in ReadRecording(this, LiteralPath, MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : (int?)null))
                    WriteObject(frame);
                return;
            }
            var session = ResolveSession();
            foreach (var frame in FromCamera(this, session, Flags(Include), MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : 1, null, FrameRate))
                WriteObject(frame);
        }

        internal static LiveViewFlags Flags(LiveViewParts[] parts)
        {
            var flags = LiveViewFlags.None;
            foreach (var p in parts) flags |= (LiveViewFlags)p;
            return flags;
        }

        /// <summary>Frames from the camera at <paramref name="frameRate"/>, for <paramref name="count"/> frames or
        /// <paramref name="duration"/>. The session is held only while a frame is fetched.</summary>
        internal static System.Collections.Generic.IEnumerable<ChdkLiveFrame> FromCamera(ChdkSessionCmdlet cmdlet, ChdkSession session, LiveViewFlags flags, int? count, TimeSpan? duration, double frameRate)
        {
            var cancel = cmdlet.StopToken;
            var period = TimeSpan.FromTicks((long)(TimeSpan.TicksPerSecond / frameRate));
            var clock = Stopwatch.StartNew();
            var due = TimeSpan.Zero;
            for (long n = 1; ; n++)
            {
                if (count.HasValue && n > count.Value) yield break;
                // -Duration is wall-clock time from the start.
                if (duration.HasValue && (due >= duration.Value || clock.Elapsed >= duration.Value)) yield break;
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.Zero && cancel.WaitHandle.WaitOne(wait)) throw new PipelineStoppedException();
                if (cancel.IsCancellationRequested) throw new PipelineStoppedException();
                // The next frame is one period on; after a stall (a slow camera, a slow consumer) the frames that
                // were due meanwhile are skipped rather than fetched back to back.
                due += period;
                if (due < clock.Elapsed) due = clock.Elapsed;
                LiveFrame frame;
                try
                {
                    long number = n;
                    frame = cmdlet.Use(session, "fetching a live-view frame", safeToRepeat: true, c =>
                    {
                        if (number == 1) WarnIfPlayback(cmdlet, c);
                        return LiveFrame.Fetch(c, flags);
                    });
                }
                catch (OperationCanceledException) { throw new PipelineStoppedException(); }
                catch (LiveViewFormatException ex)
                {
                    cmdlet.WriteError(ErrorFor(ex, session));
                    continue;
                }
                catch (PtpException ex)
                {
                    cmdlet.ThrowTerminatingError(ErrorFor(ex, session));
                    yield break;
                }
                yield return new ChdkLiveFrame(frame, DateTime.Now, n, session, "camera");
            }
        }

        /// <summary>In playback mode a camera sends its playback screen, not the live picture: say so once. Asking
        /// takes a small script; when a script runs or messages wait to be read, the question is skipped.</summary>
        private static void WarnIfPlayback(ChdkCmdlet cmdlet, ChdkClient client)
        {
            try
            {
                // Starting a script flushes the camera's message queues: leave a running script and its messages alone.
                if (client.GetScriptStatus() != ScriptStatus.None) return;
                var state = Protocol.Chdk.Shooting.CameraModes.Get(client, new Protocol.Chdk.Scripting.ScriptRunOptions { Timeout = TimeSpan.FromSeconds(5) }, cmdlet.StopToken);
                if (state.Mode == Protocol.Chdk.Shooting.CameraMode.Playback)
                    cmdlet.WriteWarning("The camera is in playback mode, so live view shows the playback screen (the last picture, or nothing), not the live picture. Run Set-ChdkCameraMode Record first to see what the lens sees.");
            }
            catch (PtpException) { }
        }

        /// <summary>Frames of a recording, streamed (one frame in memory at a time).</summary>
        internal static System.Collections.Generic.IEnumerable<ChdkLiveFrame> ReadRecording(PSCmdlet cmdlet, string literalPath, int? count)
        {
            string path = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(literalPath);
            LvdumpReader reader;
            try { reader = LvdumpReader.Open(path); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is LiveViewFormatException)
            {
                cmdlet.ThrowTerminatingError(ErrorFor(ex, literalPath));
                yield break;
            }
            using (reader)
            {
                for (long n = 1; !count.HasValue || n <= count.Value; n++)
                {
                    LiveFrame frame;
                    try { frame = reader.ReadFrame(); }
                    catch (LiveViewFormatException ex)
                    {
                        cmdlet.WriteError(ErrorFor(ex, path));
                        yield break;
                    }
                    catch (IOException ex)
                    {
                        cmdlet.WriteError(ErrorFor(ex, path));
                        yield break;
                    }
                    if (frame == null) yield break;
                    yield return new ChdkLiveFrame(frame, null, n, null, path);
                }
            }
        }
    }

    /// <summary>The parts a live-view frame carries (GetDisplayData flags).</summary>
    [Flags]
    public enum LiveViewParts
    {
        Viewport = 0x01,
        Bitmap = 0x04,
        Palette = 0x08,
        Opacity = 0x10,
    }
}
