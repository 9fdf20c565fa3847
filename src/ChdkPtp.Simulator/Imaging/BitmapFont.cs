using System;
using System.Collections.Generic;

namespace ChdkPtp.Simulator.Imaging
{
    /// <summary>
    /// A small 5×7 pixel font (digits, capital letters and a little punctuation) for burning text into
    /// synthetic pictures. Each glyph cell is 6×8 (one column and one row of spacing); text is scaled by an
    /// integer factor. Lower-case letters draw as capitals; characters without a glyph draw as blanks.
    /// </summary>
    public static class BitmapFont
    {
        public const int GlyphWidth = 5;
        public const int GlyphHeight = 7;
        public const int CellWidth = 6;
        public const int CellHeight = 8;

        private static readonly Dictionary<char, byte[]> s_glyphs = Build();

        /// <summary>Width in pixels of <paramref name="text"/> at <paramref name="scale"/> (no trailing spacing column).</summary>
        public static int MeasureWidth(string text, int scale) =>
            string.IsNullOrEmpty(text) ? 0 : (text.Length * CellWidth - 1) * scale;

        /// <summary>Whether <paramref name="c"/> has a glyph (after upper-casing).</summary>
        public static bool HasGlyph(char c) => s_glyphs.ContainsKey(char.ToUpperInvariant(c));

        /// <summary>
        /// Draws <paramref name="text"/> with its top-left corner at (x, y). Only the glyphs' set pixels are drawn
        /// (draw a background first for a box). Clipped to the image.
        /// </summary>
        public static void Draw(RgbImage image, int x, int y, string text, int scale, byte r, byte g, byte b)
        {
            if (image == null) throw new ArgumentNullException(nameof(image));
            Draw(x, y, text, scale, (fx, fy, fw, fh) => image.Fill(fx, fy, fw, fh, r, g, b));
        }

        /// <summary>
        /// Draws <paramref name="text"/> with its top-left corner at (x, y) on any surface: <paramref name="fill"/> is called
        /// with (x, y, width, height) for each set glyph pixel, a square of <paramref name="scale"/> pixels (no clipping).
        /// </summary>
        public static void Draw(int x, int y, string text, int scale, Action<int, int, int, int> fill)
        {
            if (fill == null) throw new ArgumentNullException(nameof(fill));
            if (string.IsNullOrEmpty(text)) return;
            if (scale < 1) scale = 1;
            for (int i = 0; i < text.Length; i++)
            {
                if (!s_glyphs.TryGetValue(char.ToUpperInvariant(text[i]), out var rows)) continue;
                int cx = x + i * CellWidth * scale;
                for (int row = 0; row < GlyphHeight; row++)
                {
                    byte bits = rows[row];
                    for (int col = 0; col < GlyphWidth; col++)
                    {
                        if ((bits & (0x10 >> col)) == 0) continue;
                        fill(cx + col * scale, y + row * scale, scale, scale);
                    }
                }
            }
        }

        // Each glyph: seven rows of five pixels, '#' set.
        private static Dictionary<char, byte[]> Build()
        {
            var d = new Dictionary<char, byte[]>();
            void G(char c, params string[] rows)
            {
                if (rows.Length != GlyphHeight) throw new InvalidOperationException("glyph " + c);
                var b = new byte[GlyphHeight];
                for (int r = 0; r < GlyphHeight; r++)
                {
                    if (rows[r].Length != GlyphWidth) throw new InvalidOperationException("glyph " + c);
                    for (int col = 0; col < GlyphWidth; col++)
                        if (rows[r][col] == '#') b[r] |= (byte)(0x10 >> col);
                }
                d[c] = b;
            }

            G('0', ".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###.");
            G('1', "..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###.");
            G('2', ".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####");
            G('3', "####.", "....#", "....#", ".###.", "....#", "....#", "####.");
            G('4', "...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#.");
            G('5', "#####", "#....", "####.", "....#", "....#", "#...#", ".###.");
            G('6', "..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###.");
            G('7', "#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#...");
            G('8', ".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###.");
            G('9', ".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##..");

            G('A', ".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#");
            G('B', "####.", "#...#", "#...#", "####.", "#...#", "#...#", "####.");
            G('C', ".###.", "#...#", "#....", "#....", "#....", "#...#", ".###.");
            G('D', "###..", "#..#.", "#...#", "#...#", "#...#", "#..#.", "###..");
            G('E', "#####", "#....", "#....", "####.", "#....", "#....", "#####");
            G('F', "#####", "#....", "#....", "####.", "#....", "#....", "#....");
            G('G', ".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####");
            G('H', "#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#");
            G('I', ".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###.");
            G('J', "..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##..");
            G('K', "#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#");
            G('L', "#....", "#....", "#....", "#....", "#....", "#....", "#####");
            G('M', "#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#");
            G('N', "#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#");
            G('O', ".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###.");
            G('P', "####.", "#...#", "#...#", "####.", "#....", "#....", "#....");
            G('Q', ".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#");
            G('R', "####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#");
            G('S', ".####", "#....", "#....", ".###.", "....#", "....#", "####.");
            G('T', "#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#..");
            G('U', "#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###.");
            G('V', "#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#..");
            G('W', "#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#.");
            G('X', "#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#");
            G('Y', "#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#..");
            G('Z', "#####", "....#", "...#.", "..#..", ".#...", "#....", "#####");

            G(' ', ".....", ".....", ".....", ".....", ".....", ".....", ".....");
            G(':', ".....", "..#..", "..#..", ".....", "..#..", "..#..", ".....");
            G('.', ".....", ".....", ".....", ".....", ".....", ".##..", ".##..");
            G(',', ".....", ".....", ".....", ".....", ".##..", "..#..", ".#...");
            G('-', ".....", ".....", ".....", "#####", ".....", ".....", ".....");
            G('+', ".....", "..#..", "..#..", "#####", "..#..", "..#..", ".....");
            G('=', ".....", ".....", "#####", ".....", "#####", ".....", ".....");
            G('/', "....#", "....#", "...#.", "..#..", ".#...", "#....", "#....");
            G('_', ".....", ".....", ".....", ".....", ".....", ".....", "#####");
            G('#', ".#.#.", ".#.#.", "#####", ".#.#.", "#####", ".#.#.", ".#.#.");
            G('%', "##..#", "##..#", "...#.", "..#..", ".#...", "#..##", "#..##");
            G('(', "...#.", "..#..", ".#...", ".#...", ".#...", "..#..", "...#.");
            G(')', ".#...", "..#..", "...#.", "...#.", "...#.", "..#..", ".#...");
            return d;
        }
    }
}
