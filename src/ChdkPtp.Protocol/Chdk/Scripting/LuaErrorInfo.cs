using System.Globalization;

namespace ChdkPtp.Protocol.Chdk.Scripting
{
    /// <summary>Whether a script failed while being compiled or while running.</summary>
    public enum LuaErrorKind
    {
        Compile,
        Runtime,
    }

    /// <summary>A script error message from the camera, taken apart (see <see cref="ChdkScriptComposer.ParseError"/>).</summary>
    public sealed class LuaErrorInfo
    {
        public LuaErrorInfo(LuaErrorKind kind, int? line, string message, string rawText, bool lineIsInComposedScript)
        {
            Kind = kind;
            Line = line;
            Message = message ?? string.Empty;
            RawText = rawText ?? string.Empty;
            LineIsInComposedScript = lineIsInComposedScript;
        }

        /// <summary>Compile or runtime error.</summary>
        public LuaErrorKind Kind { get; }

        /// <summary>
        /// The line from the message's leading <c>:N:</c>, or null if it has none (e.g. errors raised with
        /// <c>error(msg, 0)</c> or with a non-string value). A line in the user's code unless
        /// <see cref="LineIsInComposedScript"/> is true.
        /// </summary>
        public int? Line { get; }

        /// <summary>The message without the location.</summary>
        public string Message { get; }

        /// <summary>The error text exactly as the camera sent it.</summary>
        public string RawText { get; }

        /// <summary>
        /// True when the composed script (camera library plus call line) failed to compile, so that
        /// <see cref="Line"/> counts lines of the whole composed script rather than the user's code.
        /// </summary>
        public bool LineIsInComposedScript { get; }

        public override string ToString()
        {
            string kind = Kind == LuaErrorKind.Compile ? "compile error" : "runtime error";
            if (Line.HasValue)
                return kind + " at line " + Line.Value.ToString(CultureInfo.InvariantCulture)
                       + (LineIsInComposedScript ? " of the composed script" : "") + ": " + Message;
            return kind + ": " + Message;
        }
    }
}
