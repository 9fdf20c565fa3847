using System;
using System.Collections.Generic;
using System.Globalization;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Simulator.Imaging;

namespace ChdkPtp.Simulator.LiveView
{
    /// <summary>
    /// The camera's display as GetDisplayData (sub-command 12) sends it, following CHDK's <c>live_view_get_data</c>
    /// (PROTOCOL.md §4): a header and descriptors every time, then only the blocks the flags ask for.
    /// <para>Record mode shows the live scene: the test chart with a marker crossing it every four seconds and a text
    /// box with "LIVE VIEW", the camera clock and the frame number, refreshed <see cref="SimulatorOptions.LiveViewFrameRate"/>
    /// times a second (a request between two refreshes gets the same picture, as on a camera). Playback shows the
    /// last shot's picture (the scene of its JPEG), still, or a black screen with "NO IMAGE" in the overlay; CHDK
    /// sends the playback buffer there, not the live one. The overlay (Canon's and CHDK's on-screen display) changes
    /// with the mode, the shooting state and the clock.</para>
    /// </summary>
    public sealed class LiveViewSource
    {
        /// <summary>The first text line of live frames.</summary>
        public const string LiveLabel = "LIVE VIEW";

        private readonly VirtualCamera _camera;
        private readonly object _gate = new object();
        private readonly Dictionary<string, ViewportRenderer> _renderers = new Dictionary<string, ViewportRenderer>();
        private readonly OsdRenderer _osd = new OsdRenderer();
        private byte[] _payload = new byte[256];

        // the viewport frame last produced (a live renderer's buffer or _playback), and what it showed
        private byte[] _frame;
        private byte[] _playback;
        private string _frameKey;
        private long _requests;
        private long _framesRendered;

        // the overlay last drawn
        private OsdState _osdState;
        private string _osdKey;
        private byte[] _bitmap, _opacity;

        internal LiveViewSource(VirtualCamera camera)
        {
            _camera = camera;
            Clock = camera.CameraClock;
            Tick = () => camera.TickCount;
        }

        /// <summary>The time drawn into live frames (the camera clock; tests replace it).</summary>
        internal Func<DateTime> Clock { get; set; }

        /// <summary>Milliseconds since the camera started, which number the live frames (tests replace it).</summary>
        internal Func<int> Tick { get; set; }

        /// <summary>How many distinct viewport pictures have been produced (live frames and playback pictures).</summary>
        public long FramesRendered { get { lock (_gate) return _framesRendered; } }

        /// <summary>The layout the camera has now (record or playback, the still aspect ratio).</summary>
        public LiveViewLayout CurrentLayout()
        {
            var st = _camera.State;
            int aspect = st.Props.TryGetValue(AspectRatioProp, out var a) ? a : 0;
            bool video = st.CaptureMode == Lua.ScriptCameraState.VideoCaptureMode;
            return LiveViewLayout.For(_camera.Options, _camera.RecordMode, aspect, video);
        }

        /// <summary>Propcase ASPECT_RATIO of the simulated propset.</summary>
        public const int AspectRatioProp = 300;

        /// <summary>One GetDisplayData payload for <paramref name="flags"/> (a copy).</summary>
        public byte[] GetDisplayData(LiveViewFlags flags)
        {
            lock (_gate)
            {
                int n = Build((uint)flags);
                var copy = new byte[n];
                Buffer.BlockCopy(_payload, 0, copy, 0, n);
                return copy;
            }
        }

        /// <summary>Builds the payload for the raw flags of a request in an internal buffer and hands it to
        /// <paramref name="send"/> (no copy); returns its length.</summary>
        internal int Send(uint flags, Action<byte[], int> send)
        {
            lock (_gate)
            {
                int n = Build(flags);
                send(_payload, n);
                return n;
            }
        }

        private int Build(uint flags)
        {
            var l = CurrentLayout();
            bool wantViewport = (flags & (uint)LiveViewFlags.Viewport) != 0;
            bool wantBitmap = (flags & (uint)LiveViewFlags.Bitmap) != 0;
            bool wantPalette = (flags & (uint)LiveViewFlags.Palette) != 0 && !l.DigicSix && l.PaletteSize > 0;
            bool wantOpacity = (flags & (uint)LiveViewFlags.BitmapOpacity) != 0 && l.DigicSix;

            // Offsets in live_view.c's order. Live view 2.2: palette, viewport, bitmap, opacity after the descriptors.
            // 2.0/2.1 (CHDK 1.1-1.4): the palette right after the descriptors too, then viewport and bitmap.
            int total = l.DescriptorsEnd;
            int paletteStart = 0, vpStart = 0, bmStart = 0, bmoStart = 0;
            if (wantPalette) { paletteStart = total; total += l.PaletteSize; }
            if (wantViewport) { vpStart = total; total += l.Viewport.DataLength; }
            if (wantBitmap) { bmStart = total; total += l.Bitmap.DataLength; }
            if (wantOpacity) { bmoStart = total; total += l.Opacity.DataLength; }
            if (_payload.Length < total) _payload = new byte[total];
            var p = _payload;

            // header
            int o = 0;
            Put(p, ref o, l.VersionMajor);
            Put(p, ref o, l.VersionMinor);
            Put(p, ref o, l.LcdAspect);
            // 2.2 reports the palette type only with the palette; 2.0/2.1 always reported vid_get_palette_type()
            Put(p, ref o, l.VersionMinor >= 2 ? (wantPalette ? l.PaletteType : 0) : l.PaletteType);
            Put(p, ref o, paletteStart);
            Put(p, ref o, l.ViewportDescStart);
            Put(p, ref o, l.BitmapDescStart);
            if (l.VersionMinor >= 2) Put(p, ref o, l.OpacityDescStart);
            PutDesc(p, ref o, l.Viewport, vpStart);
            PutDesc(p, ref o, l.Bitmap, bmStart);
            if (l.DigicSix) PutDesc(p, ref o, l.Opacity, bmoStart);

            if (wantPalette) Buffer.BlockCopy(OsdRenderer.Palette, 0, p, paletteStart, l.PaletteSize);
            if (wantViewport)
            {
                UpdateViewport(l);
                Buffer.BlockCopy(_frame, 0, p, vpStart, l.Viewport.DataLength);
            }
            if (wantBitmap || wantOpacity)
            {
                UpdateOverlay(l);
                if (wantBitmap) Buffer.BlockCopy(_bitmap, 0, p, bmStart, l.Bitmap.DataLength);
                if (wantOpacity) Buffer.BlockCopy(_opacity, 0, p, bmoStart, l.Opacity.DataLength);
            }
            return total;
        }

        private static void Put(byte[] p, ref int o, int v)
        {
            p[o] = (byte)v;
            p[o + 1] = (byte)(v >> 8);
            p[o + 2] = (byte)(v >> 16);
            p[o + 3] = (byte)(v >> 24);
            o += 4;
        }

        private static void PutDesc(byte[] p, ref int o, FramebufferGeometry g, int dataStart)
        {
            Put(p, ref o, (int)g.Type);
            Put(p, ref o, dataStart);
            Put(p, ref o, g.BufferWidth);
            Put(p, ref o, g.VisibleWidth);
            Put(p, ref o, g.VisibleHeight);
            Put(p, ref o, g.MarginLeft);
            Put(p, ref o, g.MarginTop);
            Put(p, ref o, g.MarginRight);
            Put(p, ref o, g.MarginBottom);
        }

        private ViewportRenderer Renderer(LiveViewLayout l)
        {
            string key = l.Viewport.Key + "/" + l.SceneWidth + "x" + l.SceneHeight;
            if (!_renderers.TryGetValue(key, out var r))
            {
                r = new ViewportRenderer(l.Viewport, l.SceneWidth, l.SceneHeight, LiveLabel);
                _renderers[key] = r;
            }
            return r;
        }

        private void UpdateViewport(LiveViewLayout l)
        {
            var r = Renderer(l);
            string key;
            _requests++;
            if (l.RecordMode)
            {
                int rate = _camera.Options.LiveViewFrameRate;
                long frame = rate > 0 ? (long)Tick() * rate / 1000 : _requests;
                key = "live/" + l.Viewport.Key + "/" + frame.ToString(CultureInfo.InvariantCulture);
                if (key == _frameKey) return;
                _frame = r.RenderLive(Clock(), "FRAME " + frame.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                var shot = _camera.Shooting.LastShot;
                key = "play/" + l.Viewport.Key + "/" + (shot?.ImageNumber ?? 0).ToString(CultureInfo.InvariantCulture);
                if (key == _frameKey) return;
                Ensure(ref _playback, l.Viewport.DataLength);
                var picture = new RgbImage(l.SceneWidth, l.SceneHeight); // black: Canon's "no image" screen
                if (shot != null)
                {
                    var scene = new SceneInfo
                    {
                        Label = "IMG_" + shot.ImageNumber.ToString("D4", CultureInfo.InvariantCulture),
                        Time = shot.Time,
                        Info = shot.Exposure?.Describe(),
                        Gain = shot.Exposure?.Gain ?? 1.0,
                    };
                    SceneRenderer.Render(picture, scene);
                }
                r.Convert(picture, _playback);
                _frame = _playback;
            }
            _frameKey = key;
            _framesRendered++;
        }

        private void UpdateOverlay(LiveViewLayout l)
        {
            var st = _camera.State;
            var shot = l.RecordMode ? null : _camera.Shooting.LastShot;
            var s = new OsdState
            {
                Record = l.RecordMode,
                CaptureMode = st.CaptureMode,
                HalfPressed = st.HalfPressed,
                Raw = st.SaveRaw != 0,
                Exposure = l.RecordMode ? Shooting.ShotExposure.From(st, 0).Describe() : shot?.Exposure?.Describe(),
                Clock = Clock().ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                ImageNumber = shot?.ImageNumber ?? 0,
            };
            string key = l.Bitmap.Key + "/" + (l.Opacity?.Key ?? "");
            if (s.Equals(_osdState) && key == _osdKey) return;
            _osd.Draw(s);
            Ensure(ref _bitmap, l.Bitmap.DataLength);
            if (l.DigicSix)
            {
                Ensure(ref _opacity, l.Opacity.DataLength);
                _osd.WriteYuv8B(l.Bitmap, _bitmap, l.Opacity, _opacity);
            }
            else
            {
                _osd.WritePal8(l.Bitmap, _bitmap);
            }
            _osdState = s;
            _osdKey = key;
        }

        private static void Ensure(ref byte[] buffer, int length)
        {
            if (buffer == null || buffer.Length < length) buffer = new byte[length];
        }
    }
}
