using System;
using System.Text;

namespace ChdkPtp.Protocol.Chdk.Scripting
{
    /// <summary>
    /// Converts between Lua strings (byte strings with no encoding) and .NET strings.
    /// </summary>
    /// <remarks>
    /// <para>The rule, used everywhere a Lua string becomes a .NET string (script return values,
    /// messages, table fields):</para>
    /// <list type="bullet">
    /// <item><description>If the bytes are well-formed UTF-8 (no overlong forms, no encoded surrogates,
    /// nothing above U+10FFFF, no truncated sequence), they are decoded as UTF-8. Plain ASCII is a
    /// special case of this.</description></item>
    /// <item><description>Otherwise the whole string is decoded as Latin-1 (ISO-8859-1): one
    /// <see cref="char"/> per byte, with the char's value equal to the byte's. No byte is ever lost or
    /// replaced, so binary data survives: <c>(byte)s[i]</c> gives the bytes back.</description></item>
    /// </list>
    /// <para>The rule is per string, not per byte: a string that is not entirely valid UTF-8 is Latin-1
    /// from its first byte to its last.</para>
    /// <para>Going the other way, <see cref="Encode"/> always produces UTF-8. A string that was decoded
    /// as Latin-1 is therefore not turned back into the same bytes; pass a <see cref="byte"/> array
    /// where exact bytes matter.</para>
    /// </remarks>
    public static class LuaText
    {
        private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, true);

        /// <summary>
        /// Decodes a Lua string: UTF-8 if <paramref name="bytes"/> is well-formed UTF-8, otherwise
        /// Latin-1 (one char per byte, so nothing is lost).
        /// </summary>
        public static unsafe string Decode(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length == 0)
                return string.Empty;
            fixed (byte* p = bytes)
            {
                if (IsValidUtf8(bytes))
                    return StrictUtf8.GetString(p, bytes.Length);
                var s = new string('\0', bytes.Length);
                fixed (char* c = s)
                {
                    for (int i = 0; i < bytes.Length; i++)
                        c[i] = (char)p[i];
                }
                return s;
            }
        }

        /// <summary>Decodes a Lua string held in an array (see <see cref="Decode(ReadOnlySpan{byte})"/>).</summary>
        public static string Decode(byte[] bytes)
        {
            if (bytes == null) throw new ArgumentNullException(nameof(bytes));
            return Decode(new ReadOnlySpan<byte>(bytes));
        }

        /// <summary>
        /// Encodes a .NET string as the bytes of a Lua string: UTF-8, without a byte order mark.
        /// </summary>
        /// <exception cref="ArgumentException">The string contains an unpaired surrogate, which has no
        /// UTF-8 form.</exception>
        public static byte[] Encode(string text)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            try
            {
                return StrictUtf8.GetBytes(text);
            }
            catch (EncoderFallbackException ex)
            {
                throw new ArgumentException(
                    "The string contains an unpaired surrogate (at index " + ex.Index + ") and cannot be encoded as UTF-8.",
                    nameof(text), ex);
            }
        }

        /// <summary>True if <paramref name="bytes"/> is well-formed UTF-8 (RFC 3629).</summary>
        public static bool IsValidUtf8(ReadOnlySpan<byte> bytes)
        {
            int i = 0;
            int n = bytes.Length;
            while (i < n)
            {
                byte b = bytes[i];
                if (b < 0x80)
                {
                    i++;
                    continue;
                }
                int need;
                byte lo = 0x80, hi = 0xBF; // allowed range of the second byte
                if (b >= 0xC2 && b <= 0xDF) need = 1;
                else if (b == 0xE0) { need = 2; lo = 0xA0; }
                else if (b >= 0xE1 && b <= 0xEC) need = 2;
                else if (b == 0xED) { need = 2; hi = 0x9F; }
                else if (b >= 0xEE && b <= 0xEF) need = 2;
                else if (b == 0xF0) { need = 3; lo = 0x90; }
                else if (b >= 0xF1 && b <= 0xF3) need = 3;
                else if (b == 0xF4) { need = 3; hi = 0x8F; }
                else return false;
                if (i + need >= n) return false; // truncated sequence
                byte b1 = bytes[i + 1];
                if (b1 < lo || b1 > hi) return false;
                for (int k = 2; k <= need; k++)
                {
                    byte c = bytes[i + k];
                    if (c < 0x80 || c > 0xBF) return false;
                }
                i += need + 1;
            }
            return true;
        }
    }
}
