using System;
using System.IO;
using ChdkPtp.Protocol.Chdk.LiveView;

namespace ChdkPtp
{
    /// <summary>Which picture of a live-view frame to make.</summary>
    public enum LiveViewImage
    {
        /// <summary>The live picture (the viewport), at its visible size.</summary>
        Viewport,
        /// <summary>The camera's overlay (menus, OSD), with transparency.</summary>
        Bitmap,
        /// <summary>The overlay drawn over the viewport.</summary>
        Composite,
    }

    /// <summary>
    /// One live-view frame, as Get-ChdkLiveView emits it: when it was taken, its number in the run, the parsed frame
    /// (sizes, types, margins, palette), and methods that give its pixels or save it as PNG.
    /// </summary>
    public sealed class ChdkLiveFrame
    {
        internal ChdkLiveFrame(LiveFrame frame, DateTime? timestamp, long sequence, ChdkSession session, string source)
        {
            Frame = frame ?? throw new ArgumentNullException(nameof(frame));
            Timestamp = timestamp;
            Sequence = sequence;
            Session = session;
            Source = source;
        }

        /// <summary>The parsed frame (protocol level): descriptors, palette, raw payload.</summary>
        public LiveFrame Frame { get; }

        /// <summary>When the frame arrived (local time of this computer); null for frames read from a recording,
        /// which keeps no times.</summary>
        public DateTime? Timestamp { get; }

        /// <summary>1 for the first frame of a Get-ChdkLiveView run (or of a recording), 2 for the next...</summary>
        public long Sequence { get; }

        /// <summary>The session the frame came from; null for frames read from a recording.</summary>
        public ChdkSession Session { get; }

        /// <summary>"camera", or the path of the .lvdump file the frame was read from.</summary>
        public string Source { get; }

        /// <summary>The live-view sub-protocol version (2.0 to 2.2).</summary>
        public string Version => Frame.Version;

        /// <summary>The camera screen's aspect ratio (4:3, 16:9, 3:2).</summary>
        public string AspectRatio => Frame.AspectRatioText;

        public LiveFramebuffer Viewport => Frame.Viewport;

        /// <summary>The overlay (bitmap) frame buffer.</summary>
        public LiveFramebuffer Bitmap => Frame.Bitmap;

        public int ViewportWidth => Frame.Viewport?.VisibleWidth ?? 0;
        public int ViewportHeight => Frame.Viewport?.VisibleHeight ?? 0;
        public int BitmapWidth => Frame.Bitmap?.VisibleWidth ?? 0;
        public int BitmapHeight => Frame.Bitmap?.VisibleHeight ?? 0;

        /// <summary>The raw GetDisplayData payload.</summary>
        public byte[] Payload => Frame.Payload;

        /// <summary>The picture as RGB (viewport) or RGBA (bitmap, composite) pixels.</summary>
        /// <param name="image">Which picture.</param>
        /// <param name="aspectCorrection">Halve the width (2:1 horizontal pixel aspect of CHDK's buffers).</param>
        public LiveImage GetImage(LiveViewImage image = LiveViewImage.Viewport, bool aspectCorrection = false)
        {
            switch (image)
            {
                case LiveViewImage.Bitmap: return Frame.GetBitmapImage(aspectCorrection);
                case LiveViewImage.Composite: return Frame.GetCompositeImage(aspectCorrection);
                default: return Frame.GetViewportImage(aspectCorrection);
            }
        }

        /// <summary>Saves the picture as a PNG file (a full path).</summary>
        public FileInfo SavePng(string path, LiveViewImage image = LiveViewImage.Viewport, bool aspectCorrection = false)
        {
            GetImage(image, aspectCorrection).SavePng(path);
            return new FileInfo(path);
        }

        public override string ToString() => $"Frame {Sequence} viewport {ViewportWidth}x{ViewportHeight}";
    }
}
