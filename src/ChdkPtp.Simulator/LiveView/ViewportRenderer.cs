using System;
using System.Collections.Generic;
using ChdkPtp.Simulator.Imaging;

namespace ChdkPtp.Simulator.LiveView
{
    /// <summary>
    /// Turns square-pixel scenes into a viewport frame buffer (YUV8 or YUV8B) of a given geometry: each buffer sample
    /// takes the nearest scene column and the average of the scene rows it covers; U and V are averaged over the samples
    /// that share them. Columns past the visible width are filled with bright magenta, which no decoder should show.
    /// <para>Live frames are cheap: the chart is drawn and converted once; each frame then redraws and converts only
    /// what changed (the result is the same, byte for byte, as converting a full
    /// <see cref="SceneRenderer.Render(RgbImage, SceneInfo)"/>).</para>
    /// </summary>
    internal sealed class ViewportRenderer
    {
        private readonly FramebufferGeometry _g;
        private readonly int _group;          // samples sharing one U/V pair
        private readonly int[] _sourceColumn; // per visible sample
        private readonly int[] _rowStart, _rowEnd; // scene rows averaged into each buffer row
        private readonly string _label;
        private readonly byte[] _lut = SceneRenderer.GainTable(1.0);
        private RgbImage _chart;    // chart and patch: what every live frame starts from
        private RgbImage _work;     // the chart plus the current frame's marker and text box
        private byte[] _frame;      // _work converted
        private Rect _marker, _box; // where the current frame's marker and text box are
        private string[] _lines;    // and its text
        private readonly List<Rect> _dirty = new List<Rect>(8);

        public ViewportRenderer(FramebufferGeometry geometry, int sceneWidth, int sceneHeight, string liveLabel)
        {
            if (geometry.Type != LiveViewBufferType.Yuv8 && geometry.Type != LiveViewBufferType.Yuv8B && geometry.Type != LiveViewBufferType.Yuv8C)
                throw new ArgumentException("A viewport is YUV8, YUV8B or YUV8C.", nameof(geometry));
            _g = geometry;
            _group = geometry.Type == LiveViewBufferType.Yuv8 ? 4 : 2;
            if (geometry.VisibleWidth % _group != 0 || geometry.BufferWidth % _group != 0)
                throw new ArgumentException("The widths must be whole groups of pixels.", nameof(geometry));
            SceneWidth = sceneWidth;
            SceneHeight = sceneHeight;
            _label = liveLabel;
            int vw = geometry.VisibleWidth, vh = geometry.VisibleHeight;
            _sourceColumn = new int[vw];
            for (int x = 0; x < vw; x++) _sourceColumn[x] = Math.Min(sceneWidth - 1, (int)((2L * x + 1) * sceneWidth / (2L * vw)));
            _rowStart = new int[vh];
            _rowEnd = new int[vh];
            for (int y = 0; y < vh; y++)
            {
                int a = (int)((long)y * sceneHeight / vh), b = (int)((long)(y + 1) * sceneHeight / vh);
                if (b <= a) b = Math.Min(sceneHeight, a + 1);
                if (a >= sceneHeight) a = sceneHeight - 1;
                _rowStart[y] = a;
                _rowEnd[y] = b;
            }
        }

        public FramebufferGeometry Geometry => _g;
        public int SceneWidth { get; }
        public int SceneHeight { get; }

        /// <summary>Converts a whole scene of <see cref="SceneWidth"/>×<see cref="SceneHeight"/> into <paramref name="dest"/>
        /// (<see cref="FramebufferGeometry.DataLength"/> bytes), padding included.</summary>
        public void Convert(RgbImage scene, byte[] dest)
        {
            if (scene.Width != SceneWidth || scene.Height != SceneHeight) throw new ArgumentException("The scene has the wrong size.", nameof(scene));
            ConvertRegion(scene, dest, 0, _g.VisibleWidth, 0, _g.VisibleHeight);
            FillPadding(dest);
        }

        /// <summary>
        /// The next live frame: the chart with the marker at <paramref name="time"/> and the text box (the live label, the
        /// time and <paramref name="info"/>). Returns the renderer's own buffer (<see cref="FramebufferGeometry.DataLength"/>
        /// bytes), updated in place: only what changed since the previous frame is redrawn and converted (the marker's old
        /// and new squares, the characters that differ, or the whole text box when its size changes).
        /// </summary>
        public byte[] RenderLive(DateTime time, string info)
        {
            if (_frame == null)
            {
                _chart = new RgbImage(SceneWidth, SceneHeight);
                SceneRenderer.RenderChart(_chart, _lut);
                SceneRenderer.DrawPatch(_chart, _label, _lut);
                _work = new RgbImage(SceneWidth, SceneHeight);
                Buffer.BlockCopy(_chart.Pixels, 0, _work.Pixels, 0, _chart.Pixels.Length);
                _frame = new byte[_g.DataLength];
                Convert(_chart, _frame);
            }
            _dirty.Clear();

            var scene = new SceneInfo { Label = _label, Time = time, Info = info };
            var lines = scene.Lines;
            var layout = SceneRenderer.Layout(SceneWidth, SceneHeight, scene);
            var box = Rect.Clip(layout.BoxX, layout.BoxY, layout.BoxWidth, layout.BoxHeight, SceneWidth, SceneHeight);
            var (mx, my, msize) = SceneRenderer.MarkerRect(SceneWidth, SceneHeight, time);
            var marker = Rect.Clip(mx, my, msize, msize, SceneWidth, SceneHeight);
            var (px, py, psize) = SceneRenderer.PatchRect(SceneWidth, SceneHeight);
            var patch = Rect.Clip(px, py, psize, psize, SceneWidth, SceneHeight);

            bool first = _lines == null;
            bool markerMoved = first || !marker.Equals(_marker);
            bool boxChanged = first || !box.Equals(_box) || lines.Count != _lines.Length;

            // take away what moved or changed size (the chart, patch included, comes back there), then redraw in a full
            // render's order, marker, patch, text box, each element that changed or that lies on a pixel redrawn before it
            if (!first && markerMoved) _dirty.Add(_marker);
            if (!first && boxChanged) _dirty.Add(_box);
            foreach (var r in _dirty) Restore(r);
            if (markerMoved || Touches(marker))
            {
                SceneRenderer.DrawMarker(_work, time, _lut);
                _dirty.Add(marker);
                if (patch.Intersects(marker))
                {
                    SceneRenderer.DrawPatch(_work, _label, _lut);
                    _dirty.Add(patch);
                }
            }
            if (boxChanged || Touches(box))
            {
                SceneRenderer.DrawTextBox(_work, scene);
                _dirty.Add(box);
            }
            else
            {
                // the same box: redraw only the characters that differ
                for (int i = 0; i < lines.Count; i++)
                {
                    string a = _lines[i] ?? "", b = lines[i] ?? "";
                    int n = Math.Max(a.Length, b.Length), c0 = 0, c1 = n - 1;
                    while (c0 < n && Char(a, c0) == Char(b, c0)) c0++;
                    if (c0 == n) continue;
                    while (c1 > c0 && Char(a, c1) == Char(b, c1)) c1--;
                    int cell = BitmapFont.CellWidth * layout.Scale;
                    var (ox, oy) = layout.LineOrigins[i];
                    var r = Rect.Clip(ox + c0 * cell, oy, (c1 - c0 + 1) * cell, BitmapFont.CellHeight * layout.Scale, SceneWidth, SceneHeight);
                    _work.Fill(r.X0, r.Y0, r.X1 - r.X0, r.Y1 - r.Y0, 0, 0, 0);
                    if (c0 < b.Length)
                        BitmapFont.Draw(_work, ox + c0 * cell, oy, b.Substring(c0, Math.Min(b.Length, c1 + 1) - c0), layout.Scale, 255, 255, 255);
                    _dirty.Add(r);
                }
            }
            _marker = marker;
            _box = box;
            _lines = new string[lines.Count];
            for (int i = 0; i < lines.Count; i++) _lines[i] = lines[i];

            foreach (var r in _dirty)
            {
                if (r.IsEmpty) continue;
                // buffer samples and rows whose sources lie in the rectangle, widened to whole U/V groups
                int x0 = 0, x1 = _g.VisibleWidth;
                while (x0 < x1 && _sourceColumn[x0] < r.X0) x0++;
                while (x1 > x0 && _sourceColumn[x1 - 1] >= r.X1) x1--;
                if (x0 >= x1) continue;
                x0 -= x0 % _group;
                x1 = Math.Min(_g.VisibleWidth, (x1 + _group - 1) / _group * _group);
                int y0 = 0, y1 = _g.VisibleHeight;
                while (y0 < y1 && _rowEnd[y0] <= r.Y0) y0++;
                while (y1 > y0 && _rowStart[y1 - 1] >= r.Y1) y1--;
                if (y0 >= y1) continue;
                ConvertRegion(_work, _frame, x0, x1, y0, y1);
            }
            return _frame;
        }

        private static char Char(string s, int i) => i < s.Length ? s[i] : '\0';

        private bool Touches(Rect r)
        {
            foreach (var d in _dirty) if (d.Intersects(r)) return true;
            return false;
        }

        private void Restore(Rect r)
        {
            int w = SceneWidth;
            for (int y = r.Y0; y < r.Y1; y++)
                Buffer.BlockCopy(_chart.Pixels, (y * w + r.X0) * 3, _work.Pixels, (y * w + r.X0) * 3, (r.X1 - r.X0) * 3);
        }

        // Converts buffer samples [x0, x1) × rows [y0, y1) (x0, x1 on group boundaries) from the scene. Rows average one
        // or two scene rows (or more, for other geometries); U and V are the group's mean, rounded.
        private void ConvertRegion(RgbImage scene, byte[] dest, int x0, int x1, int y0, int y1)
        {
            var px = scene.Pixels;
            int sw = scene.Width, stride = _g.Stride, group = _group, shift = group == 4 ? 2 : 1;
            bool yuv8 = _g.Type == LiveViewBufferType.Yuv8;
            int offset = _g.Type == LiveViewBufferType.Yuv8B ? 128 : 0;
            var cols = _sourceColumn;
            int y0s = 0, y1s = 0, y2s = 0, y3s = 0;
            for (int y = y0; y < y1; y++)
            {
                int r0 = _rowStart[y], n = _rowEnd[y] - r0, half = n / 2;
                int rowA = r0 * sw * 3, rowStep = sw * 3;
                int rowBytes = y * stride;
                for (int gx = x0; gx < x1; gx += group)
                {
                    int su = 0, sv = 0;
                    for (int k = 0; k < group; k++)
                    {
                        int i = rowA + cols[gx + k] * 3;
                        int r, g, b;
                        if (n == 1)
                        {
                            r = px[i]; g = px[i + 1]; b = px[i + 2];
                        }
                        else if (n == 2)
                        {
                            int j = i + rowStep;
                            r = (px[i] + px[j] + 1) >> 1;
                            g = (px[i + 1] + px[j + 1] + 1) >> 1;
                            b = (px[i + 2] + px[j + 2] + 1) >> 1;
                        }
                        else
                        {
                            r = g = b = 0;
                            for (int j = 0; j < n; j++, i += rowStep)
                            {
                                r += px[i];
                                g += px[i + 1];
                                b += px[i + 2];
                            }
                            r = (r + half) / n;
                            g = (g + half) / n;
                            b = (b + half) / n;
                        }
                        int yv = (77 * r + 150 * g + 29 * b + 128) >> 8;
                        su += (-43 * r - 85 * g + 128 * b + 128) >> 8;
                        sv += (128 * r - 107 * g - 21 * b + 128) >> 8;
                        switch (k)
                        {
                            case 0: y0s = yv; break;
                            case 1: y1s = yv; break;
                            case 2: y2s = yv; break;
                            default: y3s = yv; break;
                        }
                    }
                    int u = Clamp((su + (group >> 1)) >> shift) + offset, v = Clamp((sv + (group >> 1)) >> shift) + offset;
                    if (yuv8)
                    {
                        int o = rowBytes + gx / 4 * 6;
                        dest[o] = (byte)u;
                        dest[o + 1] = (byte)y0s;
                        dest[o + 2] = (byte)v;
                        dest[o + 3] = (byte)y1s;
                        dest[o + 4] = (byte)y2s;
                        dest[o + 5] = (byte)y3s;
                    }
                    else
                    {
                        int o = rowBytes + gx * 2;
                        dest[o] = (byte)u;
                        dest[o + 1] = (byte)y0s;
                        dest[o + 2] = (byte)v;
                        dest[o + 3] = (byte)y1s;
                    }
                }
            }
        }

        private static int Clamp(int v) => v < -128 ? -128 : v > 127 ? 127 : v;

        /// <summary>Bright magenta (RGB 255, 0, 255) in the columns past the visible width.</summary>
        private void FillPadding(byte[] dest)
        {
            if (_g.BufferWidth == _g.VisibleWidth) return;
            int y = Yuv.Y(255, 0, 255), u = Yuv.U(255, 0, 255), v = Yuv.V(255, 0, 255);
            bool yuv8 = _g.Type == LiveViewBufferType.Yuv8;
            int offset = _g.Type == LiveViewBufferType.Yuv8B ? 128 : 0;
            for (int row = 0; row < _g.VisibleHeight; row++)
            {
                int o = row * _g.Stride + (yuv8 ? _g.VisibleWidth / 4 * 6 : _g.VisibleWidth * 2);
                int end = (row + 1) * _g.Stride;
                while (o < end)
                {
                    dest[o++] = (byte)(u + offset);
                    dest[o++] = (byte)y;
                    dest[o++] = (byte)(v + offset);
                    dest[o++] = (byte)y;
                    if (yuv8)
                    {
                        dest[o++] = (byte)y;
                        dest[o++] = (byte)y;
                    }
                }
            }
        }

        private readonly struct Rect : IEquatable<Rect>
        {
            public Rect(int x0, int y0, int x1, int y1)
            {
                X0 = x0;
                Y0 = y0;
                X1 = x1;
                Y1 = y1;
            }

            public int X0 { get; }
            public int Y0 { get; }
            public int X1 { get; }
            public int Y1 { get; }
            public bool IsEmpty => X1 <= X0 || Y1 <= Y0;

            public static Rect Clip(int x, int y, int w, int h, int width, int height) =>
                new Rect(Math.Max(0, x), Math.Max(0, y), Math.Min(width, x + w), Math.Min(height, y + h));

            public bool Equals(Rect o) => X0 == o.X0 && Y0 == o.Y0 && X1 == o.X1 && Y1 == o.Y1;

            public override bool Equals(object obj) => obj is Rect r && Equals(r);

            public override int GetHashCode() => X0 ^ (Y0 << 8) ^ (X1 << 16) ^ (Y1 << 24);

            public bool Intersects(Rect o) => !IsEmpty && !o.IsEmpty && X0 < o.X1 && o.X0 < X1 && Y0 < o.Y1 && o.Y0 < Y1;
        }
    }
}
