using System;

namespace ChdkPtp.Simulator.LiveView
{
    /// <summary>Frame buffer types of the live-view protocol (<c>enum lv_fb_type</c>, PROTOCOL.md §4.3).</summary>
    public enum LiveViewBufferType
    {
        /// <summary>Pre-Digic 6 live view: U Y0 V Y1 Y2 Y3 per four pixels, U and V signed.</summary>
        Yuv8 = 0,

        /// <summary>Pre-Digic 6 overlay: one palette index per pixel.</summary>
        Pal8 = 1,

        /// <summary>Digic 6/7 live view and overlay: U Y0 V Y1 per two pixels, U and V offset by 128.</summary>
        Yuv8B = 2,

        /// <summary>As <see cref="Yuv8B"/> with signed U and V (unused by CHDK).</summary>
        Yuv8C = 3,

        /// <summary>Digic 6/7 overlay alpha: one byte per pixel.</summary>
        Opacity8 = 4,
    }

    /// <summary>One <c>lv_framebuffer_desc</c>: what the camera reports for a frame buffer, and how many bytes it sends.</summary>
    public sealed class FramebufferGeometry
    {
        public FramebufferGeometry(LiveViewBufferType type, int bufferWidth, int visibleWidth, int visibleHeight,
                                   int marginLeft = 0, int marginTop = 0, int marginRight = 0, int marginBottom = 0)
        {
            Type = type;
            BufferWidth = bufferWidth;
            VisibleWidth = visibleWidth;
            VisibleHeight = visibleHeight;
            MarginLeft = marginLeft;
            MarginTop = marginTop;
            MarginRight = marginRight;
            MarginBottom = marginBottom;
        }

        public LiveViewBufferType Type { get; }

        /// <summary>Row stride in pixels (YUV: Y samples).</summary>
        public int BufferWidth { get; }

        public int VisibleWidth { get; }
        public int VisibleHeight { get; }
        public int MarginLeft { get; }
        public int MarginTop { get; }
        public int MarginRight { get; }
        public int MarginBottom { get; }

        /// <summary>Bytes per row: 12 bits per pixel for YUV8, 16 for YUV8B/C, 8 for PAL8 and OPACITY8.</summary>
        public int Stride
        {
            get
            {
                switch (Type)
                {
                    case LiveViewBufferType.Yuv8: return BufferWidth * 6 / 4;
                    case LiveViewBufferType.Yuv8B:
                    case LiveViewBufferType.Yuv8C: return BufferWidth * 2;
                    default: return BufferWidth;
                }
            }
        }

        /// <summary>Bytes the camera sends for this buffer: <c>stride × visible_height</c>, as live_view.c computes it.</summary>
        public int DataLength => Stride * VisibleHeight;

        internal string Key => $"{(int)Type}:{BufferWidth}:{VisibleWidth}x{VisibleHeight}";
    }

    /// <summary>
    /// What a simulated camera's live view looks like for one state (Digic generation, record or playback, the still
    /// aspect ratio): the sub-protocol version, the LCD aspect, the palette and the three frame buffers, with the
    /// square-pixel size the viewport's synthetic scene is drawn at. The figures follow real CHDK ports
    /// (docs in <see cref="For"/>).
    /// </summary>
    public sealed class LiveViewLayout
    {
        /// <summary><c>LV_ASPECT_4_3</c>, <c>LV_ASPECT_16_9</c>, <c>LV_ASPECT_3_2</c>.</summary>
        public const int Aspect4To3 = 0, Aspect16To9 = 1, Aspect3To2 = 2;

        /// <summary>Palette type 3: 256 entries of V U Y A (32-bit 0xAAYYUUVV), index 0 transparent, 2-bit alpha.</summary>
        public const int PaletteType3 = 3;

        private LiveViewLayout() { }

        /// <summary>2 (all CHDK live view is major 2).</summary>
        public int VersionMajor => 2;

        /// <summary>0 (CHDK PTP protocol 2.3), 1 (2.4 to 2.6) or 2 (2.7 and later).</summary>
        public int VersionMinor { get; private set; }

        /// <summary>28-byte header without <c>bmo_desc_start</c> (live view 2.0 and 2.1) or 32 bytes (2.2).</summary>
        public int HeaderSize => VersionMinor >= 2 ? 32 : 28;

        /// <summary>Digic 6/7 (CHDK's THUMB_FW build): YUV8B overlay, an opacity plane, no palette.</summary>
        public bool DigicSix { get; private set; }

        public bool RecordMode { get; private set; }

        /// <summary>The LCD's aspect (<c>lcd_aspect_ratio</c>).</summary>
        public int LcdAspect { get; private set; }

        /// <summary>vid_get_palette_type(): 3 before Digic 6, 0 (no palette) on Digic 6/7.</summary>
        public int PaletteType { get; private set; }

        /// <summary>vid_get_palette_size(): 1024 bytes for type 3, 0 without a palette.</summary>
        public int PaletteSize { get; private set; }

        public FramebufferGeometry Viewport { get; private set; }
        public FramebufferGeometry Bitmap { get; private set; }

        /// <summary>The opacity plane (Digic 6/7 only; null before).</summary>
        public FramebufferGeometry Opacity { get; private set; }

        /// <summary>Square-pixel size of the scene drawn into the viewport's visible area (before resampling to the
        /// buffer's pixel aspect).</summary>
        public int SceneWidth { get; private set; }

        public int SceneHeight { get; private set; }

        /// <summary>Offsets of the descriptors and the size of header plus descriptors.</summary>
        public int ViewportDescStart => HeaderSize;
        public int BitmapDescStart => HeaderSize + 36;
        public int OpacityDescStart => DigicSix ? HeaderSize + 72 : 0;
        public int DescriptorsEnd => HeaderSize + (DigicSix ? 108 : 72);

        /// <summary>
        /// The layout for a camera state.
        /// <para>Before Digic 6 (as the SX160 IS the simulator presents by default: <c>platform/sx160is</c>): a 4:3 LCD;
        /// viewport YUV8 in a 720-sample buffer, 720×240 (its pixels about 4:9 wide to high, chdkptp's 2:1); overlay PAL8
        /// 720×240 in a 960-byte buffer (CAM_BITMAP_WIDTH 960, CHDK's 360×240 screen doubled across by aspect
        /// correction); palette type 3 (1024 bytes). In record mode the still aspect ratio (propcase ASPECT_RATIO
        /// 0 4:3, 1 16:9, 2 3:2, 3 1:1, 4 4:5; the video mode is 16:9) narrows the visible viewport inside the 720×240
        /// screen: 720×180 with 30-row margins, 720×214 with 13, 540×240 with 90-sample margins, 432×240 with 144.
        /// Playback shows the full 720×240 screen.</para>
        /// <para>Digic 6/7 (as the G7 X: <c>platform/g7x</c>): a 3:2 LCD (LV_ASPECT_3_2); viewport YUV8B in a
        /// 736-pixel buffer on a 720×480 screen, square pixels: 4:3 stills 640×480 with 40-pixel margins left and
        /// right, 16:9 720×408 with 36-row margins, 3:2 720×480, 1:1 480×480 (120), 4:5 384×480 (168); overlay YUV8B
        /// 720×480 in a 736-pixel buffer with an OPACITY8 plane of the same size; no palette (type 0).</para>
        /// </summary>
        public static LiveViewLayout For(SimulatorOptions options, bool recordMode, int stillAspect, bool videoMode)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            var l = new LiveViewLayout { VersionMinor = LiveViewMinor(options.ProtocolMinor), RecordMode = recordMode };
            // Digic 6 needs live view 2.2 (the camera refuses to start otherwise; options changed on a running camera
            // fall back to the older layout rather than send what no sub-protocol version describes)
            l.DigicSix = options.Digic >= 6 && l.VersionMinor >= 2;
            int aspect = videoMode ? 1 : stillAspect;
            if (aspect < 0 || aspect > 4) aspect = 0;
            if (!recordMode) aspect = -1; // playback: the whole screen

            if (!l.DigicSix)
            {
                const int fullW = 720, fullH = 240;
                l.LcdAspect = Aspect4To3;
                l.PaletteType = PaletteType3;
                l.PaletteSize = 256 * 4;
                int w = fullW, h = fullH, left = 0, top = 0;
                switch (aspect)
                {
                    case 1: h = 180; top = 30; break;
                    case 2: h = 214; top = 13; break;
                    case 3: w = 540; left = 90; break;
                    case 4: w = 432; left = 144; break;
                }
                l.Viewport = new FramebufferGeometry(LiveViewBufferType.Yuv8, fullW, w, h, left, top, fullW - w - left, fullH - h - top);
                l.Bitmap = new FramebufferGeometry(LiveViewBufferType.Pal8, 960, 720, 240);
                // 720 samples span a 4:3 screen 240 rows high: a sample is 4/9 as wide as a row is high. The scene is
                // drawn twice as fine as the rows (two scene rows average into one) so its text survives resampling.
                l.SceneWidth = w * 8 / 9;
                l.SceneHeight = h * 2;
            }
            else
            {
                const int fullW = 720, fullH = 480, buffer = 736;
                l.LcdAspect = Aspect3To2;
                l.PaletteType = 0;
                l.PaletteSize = 0;
                int w = fullW, h = fullH, left = 0, top = 0;
                switch (aspect)
                {
                    case 0: w = 640; left = 40; break;
                    case 1: h = 408; top = 36; break;
                    case 3: w = 480; left = 120; break;
                    case 4: w = 384; left = 168; break;
                }
                l.Viewport = new FramebufferGeometry(LiveViewBufferType.Yuv8B, buffer, w, h, left, top, fullW - w - left, fullH - h - top);
                l.Bitmap = new FramebufferGeometry(LiveViewBufferType.Yuv8B, buffer, 720, 480);
                l.Opacity = new FramebufferGeometry(LiveViewBufferType.Opacity8, buffer, 720, 480);
                l.SceneWidth = w;
                l.SceneHeight = h;
            }
            return l;
        }

        /// <summary>Live-view sub-protocol minor for a CHDK PTP protocol minor: 2.3 released live view 2.0, 2.4 brought
        /// 2.1 (palette type 4), 2.7 brought 2.2 (Digic 6: YUV8B, opacity, <c>bmo_desc_start</c>).</summary>
        public static int LiveViewMinor(int protocolMinor) => protocolMinor >= 7 ? 2 : protocolMinor >= 4 ? 1 : 0;
    }
}
