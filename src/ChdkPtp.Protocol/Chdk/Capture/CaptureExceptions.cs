using System;
using System.IO;

namespace ChdkPtp.Protocol.Chdk.Capture
{
    /// <summary>Why a shooting run failed (<see cref="ChdkCaptureException.Reason"/>).</summary>
    public enum CaptureFailure
    {
        /// <summary>Anything else the camera script reported.</summary>
        Other = 0,
        /// <summary>The camera is in playback mode; shooting needs record mode.</summary>
        NotInRecordMode,
        /// <summary>This CHDK build has no remote capture (no <c>init_usb_capture</c>).</summary>
        RemoteCaptureNotSupported,
        /// <summary>The camera cannot capture some of the requested data types (<see cref="ChdkCaptureException.Unsupported"/>).</summary>
        UnsupportedFormat,
        /// <summary><c>init_usb_capture</c> refused (line range, Canon image format, drive mode, raw impossible...).</summary>
        InitFailed,
        /// <summary>The Canon image format (JPEG / CR2 / both) could not be switched.</summary>
        CanonImageFormat,
        /// <summary>Continuous mode needs the camera's drive mode set to continuous.</summary>
        NotContinuousDrive,
        /// <summary>The camera cancelled remote capture (its per-type timeout ran out, or a wrong request reset it).</summary>
        CancelledByCamera,
        /// <summary>The camera offered a data type that was not requested.</summary>
        UnexpectedType,
        /// <summary>A setting could not be applied (no focus override in this mode, no market ISO support...).</summary>
        Settings,
        /// <summary>The shot failed on the camera (half press never got ready, no new exposure).</summary>
        ShotFailed,
        /// <summary>The DNG header the camera sent could not be read.</summary>
        BadDngHeader,
    }

    /// <summary>A shooting run failed for a reason the camera or the protocol reported.</summary>
    public class ChdkCaptureException : ChdkException
    {
        public ChdkCaptureException(CaptureFailure reason, string message, Exception inner = null)
            : base(message, inner)
        {
            Reason = reason;
        }

        public CaptureFailure Reason { get; }

        /// <summary>For <see cref="CaptureFailure.UnsupportedFormat"/>: the requested types the camera lacks.</summary>
        public CaptureTypes Unsupported { get; internal set; }

        /// <summary>For <see cref="CaptureFailure.UnsupportedFormat"/>: what the camera supports (<c>get_usb_capture_support()</c>).</summary>
        public CaptureTypes Supported { get; internal set; }

        /// <summary>The image number concerned, when known.</summary>
        public int? ImageNumber { get; internal set; }
    }

    /// <summary>A capture file's local name is taken and the destination does not overwrite.</summary>
    public class CaptureFileExistsException : IOException
    {
        public CaptureFileExistsException(string path)
            : base($"'{path}' already exists; nothing was overwritten. Choose another destination or name template, or allow overwriting.")
        {
            Path = path;
        }

        public string Path { get; }
    }

    /// <summary>A name template is malformed, or expands to a name that is not a safe relative path.</summary>
    public class CaptureTemplateException : ArgumentException
    {
        public CaptureTemplateException(string message, string template) : base(message, "template")
        {
            Template = template;
        }

        public string Template { get; }
    }
}
