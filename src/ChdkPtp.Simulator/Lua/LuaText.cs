using System;
using System.Text;

namespace ChdkPtp.Simulator.Lua
{
    /// <summary>
    /// Lua strings are bytes. These are the only conversions between them and .NET strings:
    /// <list type="bullet">
    /// <item>script code (a .NET string from the PTP layer) is taken as Latin-1 when every char is
    /// U+0000..U+00FF (so a data phase decoded with Latin-1 keeps every byte), else as UTF-8;</item>
    /// <item>names and console text from Lua are decoded as UTF-8 when they are valid UTF-8, else as Latin-1
    /// (never lossy); names going to Lua are encoded as UTF-8.</item>
    /// </list>
    /// </summary>
    internal static class LuaText
    {
        private static readonly Encoding s_utf8 = new UTF8Encoding(false, false);

        public static byte[] CodeBytes(string code)
        {
            if (code == null) return Array.Empty<byte>();
            foreach (var c in code)
                if (c > '\u00FF') return s_utf8.GetBytes(code);
            var bytes = new byte[code.Length];
            for (int i = 0; i < code.Length; i++) bytes[i] = (byte)code[i];
            return bytes;
        }

        public static string Latin1(byte[] bytes, int count = -1)
        {
            if (bytes == null) return null;
            if (count < 0 || count > bytes.Length) count = bytes.Length;
            var chars = new char[count];
            for (int i = 0; i < count; i++) chars[i] = (char)bytes[i];
            return new string(chars);
        }

        /// <summary>The protocol library's rule (UTF-8 when valid, else one char per byte), so the camera side
        /// and the client decode names and texts alike.</summary>
        public static string Decode(byte[] bytes) =>
            bytes == null ? null : Protocol.Chdk.Scripting.LuaText.Decode(bytes);

        public static byte[] Encode(string s) => s == null ? null : s_utf8.GetBytes(s);

        public static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s ?? "");

        /// <summary>The bytes up to the first NUL (CHDK passes error texts through strlen).</summary>
        public static byte[] UpToNul(byte[] bytes)
        {
            if (bytes == null) return Array.Empty<byte>();
            int n = Array.IndexOf(bytes, (byte)0);
            if (n < 0) return bytes;
            var r = new byte[n];
            Array.Copy(bytes, r, n);
            return r;
        }
    }
}
