using System;
using System.Collections.Generic;
using ChdkPtp.Simulator.Imaging;

namespace ChdkPtp.Simulator.LiveView
{
    /// <summary>
    /// Turns square-pixel scenes into a viewport frame buffer (YUV8 or YUV8B) of a given geometry: each buffer sample
    /// takes the nearest scene column and the average of the scene rows it covers; U and V are averaged over the samples
    /// that share them. Columns past the visible width are filled with bright magenta, which no decoder should show.
    /// <para>Live frames are cheap: the chart is drawn and converted once; each frame starts from that converted
    /// background and redraws and converts only the marker and the text box (the result is the same, byte for byte,
    /// as converting a full <see cref="SceneRenderer.Render(RgbImage, SceneInfo)"/>).</para>
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
        private RgbImage _work;     // the chart plus this frame's marker and text box
        private byte[] _background; // _chart converted
        private readonly List<Rect> _dirty = new List<Rect>(4);

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

        /// <summary>A live frame: the chart with the marker at <paramref name="time"/> and the text box (the live label,
        /// the time and <paramref name="info"/>), into <paramref name="dest"/>.</summary>
        public void RenderLive(DateTime time, string info, byte[] dest)
        {
            if (_background == null)
            {
                _chart = new RgbImage(SceneWidth, SceneHeight);
                SceneRenderer.RenderChart(_chart, _lut);
                SceneRenderer.DrawPatch(_chart, _label, _lut);
                _work = new RgbImage(SceneWidth, SceneHeight);
                Buffer.BlockCopy(_chart.Pixels, 0, _work.Pixels, 0, _chart.Pixels.Length);
                _background = new byte[_g.DataLength];
                Convert(_chart, _background);
            }
            Buffer.BlockCopy(_background, 0, dest, 0, _background.Length);

            // undo the last frame's drawing in the working scene
            foreach (var r in _dirty) Restore(r);
            _dirty.Clear();

            var (mx, my, msize) = SceneRenderer.MarkerRect(SceneWidth, SceneHeight, time);
            var marker = Rect.Clip(mx, my, msize, msize, SceneWidth, SceneHeight);
            SceneRenderer.DrawMarker(_work, time, _lut);
            _dirty.Add(marker);
            var (px, py, psize) = SceneRenderer.PatchRect(SceneWidth, SceneHeight);
            var patch = Rect.Clip(px, py, psize, psize, SceneWidth, SceneHeight);
            if (patch.Intersects(marker))
            {
                SceneRenderer.DrawPatch(_work, _label, _lut); // the patch lies over the marker, as in a full render
                _dirty.Add(patch);
            }
            var scene = new SceneInfo { Label = _label, Time = time, Info = info };
            var layout = SceneRenderer.Layout(SceneWidth, SceneHeight, scene);
            SceneRenderer.DrawTextBox(_work, scene);
            _dirty.Add(Rect.Clip(layout.BoxX, layout.BoxY, layout.BoxWidth, layout.BoxHeight, SceneWidth, SceneHeight));

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
                ConvertRegion(_work, dest, x0, x1, y0, y1);
            }
        }

        private void Restore(Rect r)
        {
            int w = SceneWidth;
            for (int y = r.Y0; y < r.Y1; y++)
                Buffer.BlockCopy(_chart.Pixels, (y * w + r.X0) * 3, _work.Pixels, (y * w + r.X0) * 3, (r.X1 - r.X0) * 3);
        }

        // Converts buffer samples [x0, x1) × rows [y0, y1) (x0, x1 on group boundaries) from the scene.
        private void ConvertRegion(RgbImage scene, byte[] dest, int x0, int x1, int y0, int y1)
        {
            var px = scene.Pixels;
            int sw = scene.Width, stride = _g.Stride, group = _group;
            bool yuv8 = _g.Type == LiveViewBufferType.Yuv8;
            int offset = _g.Type == LiveViewBufferType.Yuv8B ? 128 : 0;
            Span<int> ys = stackalloc int[4];
            for (int y = y0; y < y1; y++)
            {
                int r0 = _rowStart[y], n = _rowEnd[y] - r0, half = n / 2;
                int rowBytes = y * stride;
                for (int gx = x0; gx < x1; gx += group)
                {
                    int su = 0, sv = 0;
                    for (int k = 0; k < group; k++)
                    {
                        int i = (r0 * sw + _sourceColumn[gx + k]) * 3;
                        int r = 0, g = 0, b = 0;
                        for (int j = 0; j < n; j++, i += sw * 3)
                        {
                            r += px[i];
                            g += px[i + 1];
                            b += px[i + 2];
                        }
                        if (n > 1)
                        {
                            r = (r + half) / n;
                            g = (g + half) / n;
                            b = (b + half) / n;
                        }
                        ys[k] = Yuv.Y(r, g, b);
                        su += Yuv.U(r, g, b);
                        sv += Yuv.V(r, g, b);
                    }
                    int u = Average(su, group) + offset, v = Average(sv, group) + offset;
                    if (yuv8)
                    {
                        int o = rowBytes + gx / 4 * 6;
                        dest[o] = (byte)u;
                        dest[o + 1] = (byte)ys[0];
                        dest[o + 2] = (byte)v;
                        dest[o + 3] = (byte)ys[1];
                        dest[o + 4] = (byte)ys[2];
                        dest[o + 5] = (byte)ys[3];
                    }
                    else
                    {
                        int o = rowBytes + gx * 2;
                        dest[o] = (byte)u;
                        dest[o + 1] = (byte)ys[0];
                        dest[o + 2] = (byte)v;
                        dest[o + 3] = (byte)ys[1];
                    }
                }
            }
        }

        // rounded to nearest, halves away from zero, so that averages of signed values stay symmetric
        private static int Average(int sum, int n) => sum >= 0 ? (sum + n / 2) / n : -((-sum + n / 2) / n);

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

        private readonly struct Rect
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

            public bool Intersects(Rect o) => !IsEmpty && !o.IsEmpty && X0 < o.X1 && o.X0 < X1 && Y0 < o.Y1 && o.Y0 < Y1;
        }
    }
}
