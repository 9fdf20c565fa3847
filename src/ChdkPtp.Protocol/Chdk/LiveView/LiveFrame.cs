using System;
using System.Buffers.Binary;
using System.Globalization;

namespace ChdkPtp.Protocol.Chdk.LiveView
{
    /// <summary>
    /// One GetDisplayData payload of live-view sub-protocol 2.0, 2.1 or 2.2, parsed and checked: the header, the
    /// viewport (live image), bitmap (UI overlay) and, on Digic 6/7, opacity descriptors, and the palette. Every
    /// offset and size that carries data is checked against the payload when the frame is parsed, so the decoding
    /// methods never read outside it. Descriptors are found through the header's <c>*_desc_start</c> offsets.
    /// </summary>
    public sealed class LiveFrame
    {
        /// <summary>Header size of sub-protocol 2.0 and 2.1.</summary>
        public const int HeaderSize20 = 28;
        /// <summary>Header size of sub-protocol 2.2 (adds <c>bmo_desc_start</c>).</summary>
        public const int HeaderSize22 = 32;
        /// <summary>Newest sub-protocol minor version understood.</summary>
        public const int MaxMinorVersion = 2;

        private byte[] _paletteRgba;

        private LiveFrame(byte[] payload)
        {
            Payload = payload;
        }

        /// <summary>The payload as received (not copied: do not change it while the frame is in use).</summary>
        public byte[] Payload { get; }

        /// <summary>Payload size in bytes.</summary>
        public int Length => Payload.Length;

        /// <summary>Live-view sub-protocol version of the frame (<c>version_major</c>, always 2).</summary>
        public int VersionMajor { get; private set; }

        /// <summary><c>version_minor</c>: 0, 1 or 2.</summary>
        public int VersionMinor { get; private set; }

        /// <summary>"2.2" and so on.</summary>
        public string Version => VersionMajor.ToString(CultureInfo.InvariantCulture) + "." + VersionMinor.ToString(CultureInfo.InvariantCulture);

        /// <summary>Size of the header: 28 bytes (2.0, 2.1) or 32 (2.2).</summary>
        public int HeaderSize { get; private set; }

        /// <summary>The screen's shape (<c>lcd_aspect_ratio</c>); <see cref="RawAspectRatio"/> holds values outside the enum.</summary>
        public LiveViewAspectRatio AspectRatio => (LiveViewAspectRatio)RawAspectRatio;

        public int RawAspectRatio { get; private set; }

        /// <summary>"4:3", "16:9", "3:2", or the number for other values.</summary>
        public string AspectRatioText
        {
            get
            {
                switch (RawAspectRatio)
                {
                    case 0: return "4:3";
                    case 1: return "16:9";
                    case 2: return "3:2";
                    default: return RawAspectRatio.ToString(CultureInfo.InvariantCulture);
                }
            }
        }

        /// <summary><c>palette_type</c> (0..5; 0 when no palette was sent).</summary>
        public int PaletteType { get; private set; }

        /// <summary><c>palette_data_start</c>: offset of the palette in the payload, 0 without one.</summary>
        public int PaletteDataStart { get; private set; }

        /// <summary>Whether the payload carries a palette this module uses (a known type, a non-zero offset).</summary>
        public bool HasPalette => PaletteDataStart != 0 && LiveViewDecoder.PaletteEntries(PaletteType) > 0;

        /// <summary>The viewport (live image) descriptor. Always present; <see cref="LiveFramebuffer.HasData"/> says whether pixels came.</summary>
        public LiveFramebuffer Viewport { get; private set; }

        /// <summary>The bitmap (UI overlay) descriptor. Always present.</summary>
        public LiveFramebuffer Bitmap { get; private set; }

        /// <summary>The overlay's opacity plane (Digic 6/7, sub-protocol 2.2): null when the header has no <c>bmo_desc_start</c>.</summary>
        public LiveFramebuffer Opacity { get; private set; }

        /// <summary>
        /// Parses and checks a GetDisplayData payload. Throws <see cref="LiveViewFormatException"/> for anything that does
        /// not hold together (and <see cref="ArgumentNullException"/> for null); never reads outside the payload.
        /// </summary>
        public static LiveFrame Parse(byte[] payload)
        {
            if (payload == null) throw new ArgumentNullException(nameof(payload));
            var f = new LiveFrame(payload);
            f.ParseHeader();
            return f;
        }

        /// <summary>As <see cref="Parse"/>, returning false and the reason instead of throwing.</summary>
        public static bool TryParse(byte[] payload, out LiveFrame frame, out string error)
        {
            frame = null;
            error = null;
            if (payload == null) { error = "No payload."; return false; }
            try
            {
                frame = Parse(payload);
                return true;
            }
            catch (LiveViewFormatException ex)
            {
                error = ex.Message;
                return false;
            }
        }

        /// <summary>Fetches one frame from the camera (GetDisplayData with <paramref name="flags"/>) and parses it.</summary>
        public static LiveFrame Fetch(ChdkClient client, LiveViewFlags flags)
        {
            if (client == null) throw new ArgumentNullException(nameof(client));
            return Parse(client.GetDisplayData(flags));
        }

        private int I32(int offset) => BinaryPrimitives.ReadInt32LittleEndian(new ReadOnlySpan<byte>(Payload, offset, 4));

        private void ParseHeader()
        {
            int len = Payload.Length;
            if (len < 8)
                throw new LiveViewFormatException($"The live-view payload is {len} bytes long, too short for a header.");
            VersionMajor = I32(0);
            VersionMinor = I32(4);
            if (VersionMajor != 2 || VersionMinor < 0 || VersionMinor > MaxMinorVersion)
                throw new LiveViewFormatException($"Live-view sub-protocol {VersionMajor}.{VersionMinor} is not supported: this module reads 2.0 to 2.{MaxMinorVersion}.");
            HeaderSize = VersionMinor >= 2 ? HeaderSize22 : HeaderSize20;
            if (len < HeaderSize)
                throw new LiveViewFormatException($"The live-view payload is {len} bytes long, shorter than the {HeaderSize}-byte header of sub-protocol {Version}.");
            RawAspectRatio = I32(8);
            PaletteType = I32(12);
            PaletteDataStart = I32(16);
            Viewport = ReadDescriptor("viewport", I32(20));
            Bitmap = ReadDescriptor("bitmap", I32(24));
            int bmo = HeaderSize >= HeaderSize22 ? I32(28) : 0;
            Opacity = bmo != 0 ? ReadDescriptor("opacity", bmo) : null;

            if (HasPalette)
            {
                long end = (long)PaletteDataStart + LiveViewDecoder.PaletteEntries(PaletteType) * 4;
                if (PaletteDataStart < 0 || end > len)
                    throw new LiveViewFormatException($"The type {PaletteType} palette ({LiveViewDecoder.PaletteEntries(PaletteType) * 4} bytes from offset {PaletteDataStart}) lies outside the {len}-byte payload.");
            }
            Viewport.Validate("viewport", len);
            Bitmap.Validate("bitmap", len);
            Opacity?.Validate("opacity plane", len);
            if (Viewport.HasData && Viewport.Type == LiveFramebufferType.Opacity8)
                throw new LiveViewFormatException("The viewport descriptor has type OPACITY8, which only the opacity plane can have.");
            if (Bitmap.HasData && Bitmap.Type == LiveFramebufferType.Opacity8)
                throw new LiveViewFormatException("The bitmap descriptor has type OPACITY8, which only the opacity plane can have.");
            if (Opacity != null && Opacity.HasData && Opacity.Type != LiveFramebufferType.Opacity8)
                throw new LiveViewFormatException($"The opacity descriptor has type {LiveFramebuffer.TypeName(Opacity.RawType)}; OPACITY8 expected.");
        }

        private LiveFramebuffer ReadDescriptor(string name, int start)
        {
            int len = Payload.Length;
            if (start < HeaderSize || (long)start + LiveFramebuffer.DescriptorSize > len)
                throw new LiveViewFormatException($"The {name} descriptor offset {start} does not leave a {LiveFramebuffer.DescriptorSize}-byte descriptor between the {HeaderSize}-byte header and the end of the {len}-byte payload.");
            return new LiveFramebuffer(start, I32(start), I32(start + 4), I32(start + 8), I32(start + 12), I32(start + 16),
                I32(start + 20), I32(start + 24), I32(start + 28), I32(start + 32));
        }

        /// <summary>The palette bytes as sent (64 or 1024), or null when the frame has none.</summary>
        public byte[] GetPalette()
        {
            if (!HasPalette) return null;
            var p = new byte[LiveViewDecoder.PaletteEntries(PaletteType) * 4];
            Buffer.BlockCopy(Payload, PaletteDataStart, p, 0, p.Length);
            return p;
        }

        /// <summary>
        /// The colour of each PAL8 pixel value: 256 RGBA entries (1024 bytes) from the frame's palette, or from the
        /// default palette chdkptp uses when the frame has none (see <see cref="LiveViewDecoder.PaletteToRgba"/>).
        /// </summary>
        public byte[] GetPaletteRgba() => (byte[])PaletteTable().Clone();

        private byte[] PaletteTable()
        {
            if (_paletteRgba == null)
            {
                var raw = HasPalette
                    ? new ReadOnlySpan<byte>(Payload, PaletteDataStart, LiveViewDecoder.PaletteEntries(PaletteType) * 4)
                    : ReadOnlySpan<byte>.Empty;
                _paletteRgba = LiveViewDecoder.PaletteToRgba(HasPalette ? PaletteType : 0, raw);
            }
            return _paletteRgba;
        }

        /// <summary>The opacity plane's visible bytes (<see cref="LiveFramebuffer.VisibleWidth"/> × height, rows without padding), or null when not sent.</summary>
        public byte[] GetOpacity()
        {
            if (Opacity == null || !Opacity.HasData) return null;
            int w = Opacity.VisibleWidth, h = Opacity.VisibleHeight, stride = (int)Opacity.RowBytes;
            var r = new byte[(long)w * h];
            for (int y = 0; y < h; y++) Buffer.BlockCopy(Payload, Opacity.DataStart + y * stride, r, y * w, w);
            return r;
        }

        private ReadOnlySpan<byte> DataOf(LiveFramebuffer fb) => new ReadOnlySpan<byte>(Payload, fb.DataStart, Payload.Length - fb.DataStart);

        /// <summary>
        /// The live image at its visible width and height, exactly as decoded (RGB, or RGBA with alpha 255); with
        /// <paramref name="halfWidth"/> the 2:1 pixel-aspect correction (half the width, as chdkptp's skip).
        /// Null when the frame carries no viewport.
        /// </summary>
        public LiveImage GetViewportImage(bool halfWidth = false, LivePixelFormat format = LivePixelFormat.Rgb24)
        {
            if (!Viewport.HasData) return null;
            return Decode(Viewport, halfWidth, format, overlay: false);
        }

        /// <summary>
        /// The UI overlay as RGBA at its visible size: PAL8 through the palette (or chdkptp's default palette), YUV8B with
        /// the Digic 6 rule (groups of <c>80 00 80 00</c> transparent, the rest opaque), then, if
        /// <paramref name="applyOpacity"/> and the frame has one, the opacity plane as alpha. Null without an overlay.
        /// </summary>
        public LiveImage GetBitmapImage(bool halfWidth = false, bool applyOpacity = true)
        {
            if (!Bitmap.HasData) return null;
            var img = Decode(Bitmap, halfWidth, LivePixelFormat.Rgba32, overlay: true);
            if (applyOpacity && Opacity != null && Opacity.HasData)
                LiveViewDecoder.ApplyOpacity(DataOf(Opacity), (int)Opacity.RowBytes, Opacity.VisibleWidth, Opacity.VisibleHeight, halfWidth,
                    img.Pixels, img.Width, img.Height);
            return img;
        }

        private LiveImage Decode(LiveFramebuffer fb, bool halfWidth, LivePixelFormat format, bool overlay)
        {
            int w = LiveViewDecoder.OutputWidth(fb.VisibleWidth, halfWidth), h = fb.VisibleHeight;
            int bpp = (int)format;
            var px = new byte[(long)w * h * bpp];
            var src = DataOf(fb);
            int stride = (int)fb.RowBytes;
            switch (fb.Type)
            {
                case LiveFramebufferType.Pal8:
                    if (bpp == 4)
                        LiveViewDecoder.DecodePal8(src, stride, fb.VisibleWidth, h, halfWidth, PaletteTable(), px);
                    else
                    {
                        var rgba = new byte[(long)w * h * 4];
                        LiveViewDecoder.DecodePal8(src, stride, fb.VisibleWidth, h, halfWidth, PaletteTable(), rgba);
                        for (int i = 0, j = 0; i < rgba.Length; i += 4, j += 3) { px[j] = rgba[i]; px[j + 1] = rgba[i + 1]; px[j + 2] = rgba[i + 2]; }
                    }
                    break;
                default:
                    if (overlay && bpp == 4) LiveViewDecoder.DecodeYuvOverlay(fb.Type, src, stride, fb.VisibleWidth, h, halfWidth, px);
                    else LiveViewDecoder.DecodeYuv(fb.Type, src, stride, fb.VisibleWidth, h, halfWidth, px, bpp);
                    break;
            }
            return new LiveImage(w, h, format, px);
        }

        /// <summary>
        /// What the camera's screen shows (RGB): a canvas of the viewport's screen size (visible size plus margins;
        /// the visible size alone when the margins are implausible), black, with the live image at its margins and the
        /// overlay scaled to the whole screen (nearest pixel) and alpha-blended on top. With <paramref name="halfWidth"/>
        /// the canvas and the live image have half the width. Without a viewport the canvas is the overlay's screen.
        /// Null when the frame has neither.
        /// </summary>
        public LiveImage GetCompositeImage(bool halfWidth = false, bool applyOpacity = true)
        {
            var baseFb = Viewport.HasData ? Viewport : Bitmap.HasData ? Bitmap : null;
            if (baseFb == null) return null;
            var (sw, sh, x0, y0) = ScreenOf(baseFb);
            int cw = LiveViewDecoder.OutputWidth(sw, halfWidth), ch = sh;
            var canvas = new byte[(long)cw * ch * 3];
            if (Viewport.HasData)
            {
                var vp = GetViewportImage(halfWidth);
                int vx0 = halfWidth ? x0 / 2 : x0;
                int copyW = Math.Min(vp.Width, cw - vx0), copyH = Math.Min(vp.Height, ch - y0);
                for (int y = 0; y < copyH; y++)
                    Buffer.BlockCopy(vp.Pixels, y * vp.Width * 3, canvas, ((y0 + y) * cw + vx0) * 3, copyW * 3);
            }
            if (Bitmap.HasData)
            {
                var bm = GetBitmapImage(false, applyOpacity);
                var (bsw, bsh, bx0, by0) = ScreenOf(Bitmap);
                var cols = new int[cw];
                for (int cx = 0; cx < cw; cx++)
                {
                    long bx = (long)cx * bsw / cw - bx0;
                    cols[cx] = bx >= 0 && bx < bm.Width ? (int)bx : -1;
                }
                for (int cy = 0; cy < ch; cy++)
                {
                    long by = (long)cy * bsh / ch - by0;
                    if (by < 0 || by >= bm.Height) continue;
                    int srcRow = (int)by * bm.Width * 4, dstRow = cy * cw * 3;
                    for (int cx = 0; cx < cw; cx++)
                    {
                        int bx = cols[cx];
                        if (bx < 0) continue;
                        int s = srcRow + bx * 4, d = dstRow + cx * 3;
                        int a = bm.Pixels[s + 3];
                        if (a == 0) continue;
                        if (a == 255)
                        {
                            canvas[d] = bm.Pixels[s]; canvas[d + 1] = bm.Pixels[s + 1]; canvas[d + 2] = bm.Pixels[s + 2];
                            continue;
                        }
                        int na = 255 - a;
                        canvas[d] = (byte)((bm.Pixels[s] * a + canvas[d] * na + 127) / 255);
                        canvas[d + 1] = (byte)((bm.Pixels[s + 1] * a + canvas[d + 1] * na + 127) / 255);
                        canvas[d + 2] = (byte)((bm.Pixels[s + 2] * a + canvas[d + 2] * na + 127) / 255);
                    }
                }
            }
            return new LiveImage(cw, ch, LivePixelFormat.Rgb24, canvas);
        }

        /// <summary>
        /// A buffer's screen (visible size plus margins) and the visible area's position on it. Margins
        /// that give a screen smaller than the visible area or more than twice its size are not believed: then the screen
        /// is the visible area.
        /// </summary>
        private static (int Width, int Height, int X0, int Y0) ScreenOf(LiveFramebuffer fb)
        {
            long sw = fb.ScreenWidth, sh = fb.ScreenHeight;
            int vw = fb.VisibleWidth, vh = fb.VisibleHeight;
            if (sw < vw || sh < vh || sw > 2L * vw || sh > 2L * vh) return (vw, vh, 0, 0);
            int x0 = (int)Math.Max(0, Math.Min(fb.MarginLeft, sw - vw));
            int y0 = (int)Math.Max(0, Math.Min(fb.MarginTop, sh - vh));
            return ((int)sw, (int)sh, x0, y0);
        }

        public override string ToString() => string.Format(CultureInfo.InvariantCulture, "LiveFrame {0} {1} bytes, {2}, viewport {3}, bitmap {4}{5}",
            Version, Length, AspectRatioText, Viewport, Bitmap, Opacity != null ? ", opacity " + Opacity : "");
    }
}
