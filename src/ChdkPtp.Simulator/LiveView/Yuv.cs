namespace ChdkPtp.Simulator.LiveView
{
    /// <summary>
    /// RGB to full-range BT.601 YUV in integers, the inverse of the conversion chdkptp applies (PROTOCOL.md §4.6:
    /// R = Y + 1.402 V, G = Y - 0.344 U - 0.714 V, B = Y + 1.772 U). U and V are signed, -128..127.
    /// </summary>
    internal static class Yuv
    {
        public static int Y(int r, int g, int b) => (77 * r + 150 * g + 29 * b + 128) >> 8;

        public static int U(int r, int g, int b) => Clamp((-43 * r - 85 * g + 128 * b + 128) >> 8);

        public static int V(int r, int g, int b) => Clamp((128 * r - 107 * g - 21 * b + 128) >> 8);

        private static int Clamp(int v) => v < -128 ? -128 : v > 127 ? 127 : v;
    }
}
