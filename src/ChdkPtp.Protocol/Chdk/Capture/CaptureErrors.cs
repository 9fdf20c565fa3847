using System;
using System.Collections.Generic;
using ChdkPtp.Protocol.Chdk.Scripting;

namespace ChdkPtp.Protocol.Chdk.Capture
{
    /// <summary>Turns what the capture scripts report into exceptions.</summary>
    public static class CaptureErrors
    {
        /// <summary>
        /// The exception for a script error text: a <see cref="ChdkCaptureException"/> for the errors the
        /// capture scripts raise on purpose (<see cref="CaptureScripts.ErrorMarker"/>), else null.
        /// </summary>
        public static ChdkCaptureException FromMarkedText(string text, Exception inner = null)
        {
            if (text == null || !text.StartsWith(CaptureScripts.ErrorMarker, StringComparison.Ordinal)) return null;
            string rest = text.Substring(CaptureScripts.ErrorMarker.Length);
            int colon = rest.IndexOf(": ", StringComparison.Ordinal);
            string reason = colon < 0 ? string.Empty : rest.Substring(0, colon);
            string message = colon < 0 ? rest : rest.Substring(colon + 2);
            message = Sentence(message);
            switch (reason)
            {
                case "settings": return new ChdkCaptureException(CaptureFailure.Settings, message, inner);
                case "cancelled": return new ChdkCaptureException(CaptureFailure.CancelledByCamera, "Remote capture was cancelled by the camera (timeout?).", inner);
                case "shot": return new ChdkCaptureException(CaptureFailure.ShotFailed, message, inner);
                case "notrec": return NotRecord(inner);
                default: return new ChdkCaptureException(CaptureFailure.Other, message, inner);
            }
        }

        /// <summary>An ERR message of a capture script: marked errors as <see cref="ChdkCaptureException"/>,
        /// others as <see cref="ScriptRunner.ToException"/> gives them.</summary>
        public static Exception FromErrorMessage(ChdkScriptMessage m, uint scriptId)
        {
            var script = ScriptRunner.ToException(m, scriptId);
            return FromMarkedText(script.LuaMessage, script) ?? (Exception)script;
        }

        /// <summary>Rethrows a script failure of <see cref="ScriptRunner.Run"/> as a capture error when it is one.</summary>
        public static Exception Translate(ChdkScriptException ex) => FromMarkedText(ex.LuaMessage, ex) ?? (Exception)ex;

        internal static ChdkCaptureException NotRecord(Exception inner = null) =>
            new ChdkCaptureException(CaptureFailure.NotInRecordMode, "The camera is in playback mode; shooting needs record mode. Switch the camera to record mode first.", inner);

        /// <summary>The exception for a failed <see cref="CaptureScripts.Init"/> (its returns after <c>false</c>).</summary>
        public static ChdkCaptureException FromInit(IReadOnlyList<object> r, CaptureTypes wanted, int startLine, int lineCount)
        {
            string reason = r.Count >= 2 ? r[1] as string : null;
            int A(int i) => r.Count > i && r[i] is int v ? v : 0;
            switch (reason)
            {
                case "notrec":
                    return NotRecord();
                case "nocapture":
                    return new ChdkCaptureException(CaptureFailure.RemoteCaptureNotSupported, "This CHDK build has no remote capture (init_usb_capture is missing). Update CHDK on the camera.");
                case "unsupported":
                    {
                        var missing = (CaptureTypes)(uint)A(2);
                        var supported = (CaptureTypes)(uint)A(3);
                        return new ChdkCaptureException(CaptureFailure.UnsupportedFormat,
                            $"Unsupported format: the camera cannot capture {CaptureFormatInfo.Describe(missing)} over USB (it supports {CaptureFormatInfo.Describe(supported)}).")
                        {
                            Unsupported = missing,
                            Supported = supported,
                        };
                    }
                case "notcont":
                    return new ChdkCaptureException(CaptureFailure.NotContinuousDrive, $"Continuous shooting needs the camera's drive mode set to continuous (it is {A(2)}); set it in the camera's menu.");
                case "canonfmt":
                    return new ChdkCaptureException(CaptureFailure.CanonImageFormat, $"The camera's image format could not be switched to {CanonFormatName(A(2))} (it is {CanonFormatName(A(3))}).");
                case "initfailed":
                    {
                        string lines = startLine != 0 || lineCount != 0 ? $" Lines {startLine} to {(lineCount == 0 ? "the end" : (startLine + lineCount - 1).ToString())} may be outside the sensor." : string.Empty;
                        return new ChdkCaptureException(CaptureFailure.InitFailed,
                            $"The camera refused to start remote capture of {CaptureFormatInfo.Describe(wanted)} (init_usb_capture failed: raw may be impossible in this mode, or the drive mode or image format does not allow it).{lines}");
                    }
                default:
                    return new ChdkCaptureException(CaptureFailure.Other, "Remote capture could not be started: " + (reason ?? "the set-up script returned no reason") + ".");
            }
        }

        private static string CanonFormatName(int f)
        {
            switch (f)
            {
                case 1: return "JPEG";
                case 2: return "CR2";
                case 3: return "JPEG + CR2";
                default: return f.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        private static string Sentence(string s)
        {
            if (string.IsNullOrEmpty(s)) return "The camera script failed.";
            s = char.ToUpperInvariant(s[0]) + s.Substring(1);
            return s.EndsWith(".", StringComparison.Ordinal) ? s : s + ".";
        }
    }
}
