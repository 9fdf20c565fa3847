using System;
using System.Globalization;

namespace ChdkPtp.Protocol.Chdk.LiveView
{
    /// <summary>
    /// One frame-buffer descriptor of a live-view payload (lv_framebuffer_desc, 36 bytes): the viewport, the bitmap
    /// overlay or the Digic 6 opacity plane. The camera fills descriptors in even when it sends no pixels
    /// (<see cref="HasData"/> false); only the descriptors of buffers that carry data are checked against the
    /// payload, so the dimensions of an empty one are whatever the camera wrote.
    /// </summary>
    public sealed class LiveFramebuffer
    {
        /// <summary>Size of a descriptor in the payload.</summary>
        public const int DescriptorSize = 36;

        internal LiveFramebuffer(int descriptorOffset, int type, int dataStart, int bufferWidth, int visibleWidth, int visibleHeight,
            int marginLeft, int marginTop, int marginRight, int marginBottom)
        {
            DescriptorOffset = descriptorOffset;
            RawType = type;
            DataStart = dataStart;
            BufferWidth = bufferWidth;
            VisibleWidth = visibleWidth;
            VisibleHeight = visibleHeight;
            MarginLeft = marginLeft;
            MarginTop = marginTop;
            MarginRight = marginRight;
            MarginBottom = marginBottom;
        }

        /// <summary>Offset of this descriptor in the payload (the header's <c>*_desc_start</c>).</summary>
        public int DescriptorOffset { get; }

        /// <summary>The pixel encoding. A value outside the enum appears only in descriptors without data.</summary>
        public LiveFramebufferType Type => (LiveFramebufferType)RawType;

        /// <summary><c>fb_type</c> as sent.</summary>
        public int RawType { get; }

        /// <summary>Offset of the pixel data in the payload; 0 when the buffer was not requested or is not available.</summary>
        public int DataStart { get; }

        /// <summary>Whether the payload carries this buffer's pixels.</summary>
        public bool HasData => DataStart != 0;

        /// <summary>Row length in pixels (for YUV types: Y samples), padding included.</summary>
        public int BufferWidth { get; }

        /// <summary>Pixels per row that are shown; the rest of each row is padding.</summary>
        public int VisibleWidth { get; }

        /// <summary>Rows sent.</summary>
        public int VisibleHeight { get; }

        /// <summary>Where the visible area sits on the screen (display offsets, not buffer offsets).</summary>
        public int MarginLeft { get; }
        public int MarginTop { get; }
        /// <summary>Screen width minus visible width minus left margin; can be transiently negative.</summary>
        public int MarginRight { get; }
        public int MarginBottom { get; }

        /// <summary>The full screen's width in this buffer's pixels: left margin + visible width + right margin.</summary>
        public long ScreenWidth => (long)MarginLeft + VisibleWidth + MarginRight;

        /// <summary>The full screen's height in this buffer's rows: top margin + visible height + bottom margin.</summary>
        public long ScreenHeight => (long)MarginTop + VisibleHeight + MarginBottom;

        /// <summary>Bytes per row in the payload for this type (YUV8: width·12/8, YUV8B/C: width·2, PAL8/OPACITY8: width); -1 for an unknown type.</summary>
        /// <remarks>Computed from the descriptor as sent; meaningful for buffers that carry data (checked when the frame is parsed).</remarks>
        public long RowBytes => RowBytesOf(RawType, BufferWidth);

        /// <summary>Bytes of pixel data: <see cref="RowBytes"/> × <see cref="VisibleHeight"/>; 0 without data.</summary>
        public long DataLength => HasData ? RowBytes * VisibleHeight : 0;

        internal static long RowBytesOf(int type, long bufferWidth)
        {
            switch ((LiveFramebufferType)type)
            {
                case LiveFramebufferType.Yuv8: return bufferWidth * 12 / 8;
                case LiveFramebufferType.Yuv8B:
                case LiveFramebufferType.Yuv8C: return bufferWidth * 2;
                case LiveFramebufferType.Pal8:
                case LiveFramebufferType.Opacity8: return bufferWidth;
                default: return -1;
            }
        }

        /// <summary>Pixels per group of bytes that share chroma, and the group's size (YUV8: 4 in 6, YUV8B/C: 2 in 4, others 1 in 1).</summary>
        internal static (int Pixels, int Bytes) GroupOf(LiveFramebufferType type)
        {
            switch (type)
            {
                case LiveFramebufferType.Yuv8: return (4, 6);
                case LiveFramebufferType.Yuv8B:
                case LiveFramebufferType.Yuv8C: return (2, 4);
                default: return (1, 1);
            }
        }

        internal static string TypeName(int type)
        {
            switch ((LiveFramebufferType)type)
            {
                case LiveFramebufferType.Yuv8: return "YUV8";
                case LiveFramebufferType.Pal8: return "PAL8";
                case LiveFramebufferType.Yuv8B: return "YUV8B";
                case LiveFramebufferType.Yuv8C: return "YUV8C";
                case LiveFramebufferType.Opacity8: return "OPACITY8";
                default: return "type " + type.ToString(CultureInfo.InvariantCulture);
            }
        }

        public override string ToString() => string.Format(CultureInfo.InvariantCulture,
            "{0} {1}x{2} (buffer {3}){4}, margins {5},{6},{7},{8}", TypeName(RawType), VisibleWidth, VisibleHeight, BufferWidth,
            HasData ? " at " + DataStart.ToString(CultureInfo.InvariantCulture) : " no data", MarginLeft, MarginTop, MarginRight, MarginBottom);

        /// <summary>Checks a descriptor that carries data against the payload; throws <see cref="LiveViewFormatException"/>.</summary>
        internal void Validate(string name, int payloadLength)
        {
            if (!HasData) return;
            if (RawType < 0 || RawType > (int)LiveFramebufferType.Opacity8)
                throw new LiveViewFormatException($"The {name} descriptor (at {DescriptorOffset}) has unknown frame-buffer type {RawType}.");
            if (DataStart < 0 || DataStart >= payloadLength)
                throw new LiveViewFormatException($"The {name} data start {DataStart} lies outside the {payloadLength}-byte payload.");
            if (BufferWidth <= 0 || VisibleWidth <= 0 || VisibleHeight <= 0)
                throw new LiveViewFormatException($"The {name} has data but a size of {VisibleWidth}x{VisibleHeight} (buffer width {BufferWidth}).");
            if (VisibleWidth > BufferWidth)
                throw new LiveViewFormatException($"The {name} visible width {VisibleWidth} is larger than its buffer width {BufferWidth}.");
            var (groupPixels, groupBytes) = GroupOf(Type);
            long usedRowBytes = ((long)VisibleWidth + groupPixels - 1) / groupPixels * groupBytes;
            if (usedRowBytes > RowBytes)
                throw new LiveViewFormatException($"The {name} visible width {VisibleWidth} needs {usedRowBytes} bytes per row, more than the {RowBytes} its buffer width {BufferWidth} gives ({TypeName(RawType)}).");
            long end = DataStart + RowBytes * VisibleHeight;
            if (end > payloadLength)
                throw new LiveViewFormatException($"The {name} data ({TypeName(RawType)}, {BufferWidth}x{VisibleHeight} from offset {DataStart}) ends at byte {end}, past the end of the {payloadLength}-byte payload.");
        }
    }
}
