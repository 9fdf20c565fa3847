using System;

namespace ChdkPtp.Simulator.Lua
{
    /// <summary>
    /// A Lua 5.1 compile error found by <see cref="Lua51Translator.Translate"/>. <see cref="Exception.Message"/> has
    /// the form CHDK's Lua produces for string chunks (empty chunk name): <c>:LINE: message near 'token'</c>,
    /// e.g. <c>:1: '=' expected near ']'</c>; some messages have no "near" part
    /// (<c>:3: chunk has too many syntax levels</c>).
    /// </summary>
    public sealed class LuaSyntaxException : Exception
    {
        public LuaSyntaxException(int line, string reason, string near)
            : base(Format(line, reason, near))
        {
            Line = line;
            Reason = reason;
            Near = near;
        }

        /// <summary>Source line (1-based) Lua reports for the error.</summary>
        public int Line { get; }

        /// <summary>The message without position and token, e.g. <c>unexpected symbol</c>.</summary>
        public string Reason { get; }

        /// <summary>The token text quoted after "near", or null when the message has none.</summary>
        public string Near { get; }

        private static string Format(int line, string reason, string near)
        {
            string s = ":" + line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ": " + reason;
            return near == null ? s : s + " near '" + near + "'";
        }
    }
}
