namespace ChdkPtp.Protocol.Chdk.LiveView
{
    /// <summary>
    /// A live-view payload (GetDisplayData) or an lvdump recording does not hold together: a truncated header, a
    /// descriptor or a palette that points past the end, a width larger than its buffer, an unknown sub-protocol
    /// version or frame-buffer type. Every check on the untrusted bytes raises this type and nothing else.
    /// </summary>
    public class LiveViewFormatException : ChdkException
    {
        public LiveViewFormatException(string message) : base(message) { }

        /// <summary>For a frame read from a recording: its zero-based index in the file.</summary>
        public long? FrameIndex { get; internal set; }

        /// <summary>For a frame read from a recording: the offset of its length field in the file.</summary>
        public long? FileOffset { get; internal set; }
    }
}
