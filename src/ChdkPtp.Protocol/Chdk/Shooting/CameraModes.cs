using System;
using System.Collections.Generic;
using System.Threading;
using ChdkPtp.Protocol.Chdk.Scripting;

namespace ChdkPtp.Protocol.Chdk.Shooting
{
    /// <summary>Record (shooting) or playback: the camera's two modes while USB is connected.</summary>
    public enum CameraMode
    {
        Playback = 0,
        Record = 1,
    }

    /// <summary>What <c>get_mode()</c> says: the mode, whether it is a video mode, and the capture mode number.</summary>
    public sealed class CameraModeState
    {
        public CameraModeState(CameraMode mode, bool isVideo, int captureMode)
        {
            Mode = mode;
            IsVideo = isVideo;
            CaptureMode = captureMode;
        }

        public CameraMode Mode { get; }

        public bool IsVideo { get; }

        /// <summary>CHDK's capture mode number (<c>bitand(mode, 255)</c>; 0 in playback).</summary>
        public int CaptureMode { get; }

        public override string ToString() => Mode + (IsVideo ? " (video)" : string.Empty);
    }

    /// <summary>Reads and switches the record/playback mode with small camera scripts.</summary>
    public static class CameraModes
    {
        // get_mode() → is_rec, is_video, mode. switch_mode_usb works while USB is connected (CHDK ≥ 1.1);
        // the switch takes a moment: poll get_mode() every 10 ms up to the timeout.
        private const string GetScript = @"
local rec, video, mode = get_mode()
return rec, video, bitand(mode, 255)";

        private const string SetScript = @"
local want, timeout = ...
local rec, video, mode = get_mode()
if rec == want then return true, rec, video, bitand(mode, 255), true end
if type(switch_mode_usb) ~= 'function' then return false, 'this CHDK build has no switch_mode_usb' end
switch_mode_usb(want and 1 or 0)
local t0 = get_tick_count()
while true do
  rec, video, mode = get_mode()
  if rec == want then return true, rec, video, bitand(mode, 255), false end
  if get_tick_count() - t0 >= timeout then return false, 'timeout' end
  sleep(10)
end";

        /// <summary>The current mode.</summary>
        public static CameraModeState Get(ChdkClient client, ScriptRunOptions options = null, CancellationToken cancel = default)
        {
            var r = ScriptRunner.Run(client, GetScript, Array.Empty<object>(), options ?? new ScriptRunOptions { Timeout = TimeSpan.FromSeconds(10) }, cancel).Returns;
            return FromReturns(r, 0);
        }

        /// <summary>
        /// Switches to <paramref name="mode"/> (switch_mode_usb) and waits until the camera reports it, at most
        /// <paramref name="timeout"/>. Returns the new state and whether the camera was already in that mode.
        /// </summary>
        /// <exception cref="ChdkTimeoutException">The camera did not reach the mode in time (lens blocked,
        /// a mode dial that forbids it, a camera that cannot switch over USB).</exception>
        /// <exception cref="ChdkException">The CHDK build cannot switch modes over USB.</exception>
        public static (CameraModeState State, bool Already) Set(ChdkClient client, CameraMode mode, TimeSpan timeout, ScriptRunOptions options = null, CancellationToken cancel = default)
        {
            if (timeout <= TimeSpan.Zero || timeout.TotalMilliseconds > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(timeout), "The timeout must be positive.");
            var o = options ?? new ScriptRunOptions();
            // The script ends by itself at its own timeout; the host allows a margin for the script to start and answer.
            if (o.Timeout == null) o.Timeout = timeout + TimeSpan.FromSeconds(10);
            var r = ScriptRunner.Run(client, SetScript, new object[] { mode == CameraMode.Record, (int)timeout.TotalMilliseconds }, o, cancel).Returns;
            if (r.Count >= 1 && r[0] is bool ok && ok)
                return (FromReturns(r, 1), r.Count >= 5 && r[4] is bool already && already);
            var why = r.Count >= 2 ? r[1] as string : null;
            if (why == "timeout")
                throw new ChdkTimeoutException($"The camera did not switch to {mode} mode within {timeout.TotalSeconds:0.###} s.");
            throw new ChdkException($"The camera could not switch to {mode} mode: {why ?? "no reason given"}.");
        }

        private static CameraModeState FromReturns(IReadOnlyList<object> r, int at)
        {
            if (r.Count < at + 3 || !(r[at] is bool rec) || !(r[at + 1] is bool video) || !(r[at + 2] is int capture))
                throw new Ptp.PtpProtocolException("get_mode() returned values of unexpected types.");
            return new CameraModeState(rec ? CameraMode.Record : CameraMode.Playback, video, capture);
        }
    }
}
