using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ChdkPtp.Protocol.Chdk.Scripting
{
    /// <summary>
    /// Builds the script text sent to the camera (camera library + a call of the user's code with
    /// arguments) and interprets the error messages that come back.
    /// </summary>
    public static class ChdkScriptComposer
    {
        /// <summary>
        /// Start of the runtime error the runner raises when the user's code does not compile; the
        /// compiler's message (<c>:N: message</c>) follows directly.
        /// </summary>
        public const string CompileErrorPrefix = "[chdkps compile error]";

        /// <summary>
        /// Most arguments <see cref="Compose"/> accepts. Every argument takes a register in the call on
        /// the camera, and Lua 5.1 has 250 per function.
        /// </summary>
        public const int MaxArguments = 200;

        /// <summary>
        /// The script to send: <see cref="CameraLibrary.Source"/>, a line break, and one line
        /// <c>return chdkps_run("&lt;user code&gt;", arg1, arg2, ...)</c>. The user's code receives the
        /// arguments as <c>...</c> (nils included, so <c>select('#', ...)</c> equals the count) and
        /// every value it returns becomes a RET message.
        /// </summary>
        /// <param name="userCode">Lua source; its line numbers are kept in error messages.</param>
        /// <param name="arguments">Values written with <see cref="LuaLiteralWriter"/>; null means none.</param>
        /// <exception cref="LuaSerializationException">An argument cannot be written (its path starts
        /// with <c>argument N</c>, counted from 1), or the code has an unpaired surrogate.</exception>
        /// <exception cref="ArgumentException">More than <see cref="MaxArguments"/> arguments.</exception>
        public static string Compose(string userCode, IReadOnlyList<object> arguments)
        {
            if (userCode == null) throw new ArgumentNullException(nameof(userCode));
            int count = arguments?.Count ?? 0;
            if (count > MaxArguments)
                throw new ArgumentException("At most " + MaxArguments + " script arguments can be passed; got " + count + ". Pass a list instead.", nameof(arguments));

            var sb = new StringBuilder(CameraLibrary.Source.Length + userCode.Length + 64);
            sb.Append(CameraLibrary.Source).Append('\n');
            sb.Append("return ").Append(CameraLibrary.RunnerName).Append('(');
            LuaLiteralWriter.Write(sb, userCode, "script code");
            for (int i = 0; i < count; i++)
            {
                sb.Append(',');
                LuaLiteralWriter.Write(sb, arguments[i], "argument " + (i + 1).ToString(CultureInfo.InvariantCulture));
            }
            sb.Append(')');
            return sb.ToString();
        }

        /// <summary>
        /// Takes apart the text of an ERR message (or of the message that follows a failed ExecuteScript)
        /// for a script built by <see cref="Compose"/>.
        /// </summary>
        /// <param name="text">The error text.</param>
        /// <param name="subtype">The ERR message's subtype.</param>
        /// <remarks>
        /// <list type="bullet">
        /// <item><description>Runtime error whose text starts with <see cref="CompileErrorPrefix"/>: the
        /// user's code did not compile; Kind = Compile, Line = line in the user's code.</description></item>
        /// <item><description>Other runtime error: Kind = Runtime; Line from a leading <c>:N:</c> (after
        /// optional white space), else null.</description></item>
        /// <item><description>Subtype Compile: the composed script itself did not compile (only
        /// possible if the arguments are too complex for the camera's compiler, or the library is
        /// broken); Kind = Compile, Line counts lines of the whole composed script
        /// (<see cref="LuaErrorInfo.LineIsInComposedScript"/>), and the message says so.</description></item>
        /// </list>
        /// </remarks>
        public static LuaErrorInfo ParseError(string text, ScriptErrorType subtype)
        {
            string raw = text ?? string.Empty;
            if (subtype == ScriptErrorType.Compile)
            {
                SplitLocation(raw, 0, out int? line, out string message);
                string where;
                if (line.HasValue && line.Value == CameraLibrary.LineCount + 1)
                    where = "in the line that passes the script and its arguments (line " + line.Value.ToString(CultureInfo.InvariantCulture)
                            + " of the composed script; arguments nested too deeply or too many items may exceed the camera's Lua compiler limits)";
                else if (line.HasValue)
                    where = "at line " + line.Value.ToString(CultureInfo.InvariantCulture) + " of the composed script, inside the "
                            + CameraLibrary.LineCount.ToString(CultureInfo.InvariantCulture) + "-line chdkps camera library";
                else
                    where = "(no line given)";
                return new LuaErrorInfo(LuaErrorKind.Compile, line,
                    "the composed script (chdkps camera library + call of the user's code) failed to compile " + where + ": " + message,
                    raw, true);
            }

            if (raw.StartsWith(CompileErrorPrefix, StringComparison.Ordinal))
            {
                SplitLocation(raw, CompileErrorPrefix.Length, out int? line, out string message);
                return new LuaErrorInfo(LuaErrorKind.Compile, line, message, raw, false);
            }

            SplitLocation(raw, 0, out int? runLine, out string runMessage);
            return new LuaErrorInfo(LuaErrorKind.Runtime, runLine, runMessage, raw, false);
        }

        /// <summary>Splits <c>[ws]:N: message</c> starting at <paramref name="start"/>.</summary>
        private static void SplitLocation(string text, int start, out int? line, out string message)
        {
            int i = start;
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i < text.Length && text[i] == ':')
            {
                int j = i + 1;
                while (j < text.Length && text[j] >= '0' && text[j] <= '9') j++;
                if (j > i + 1 && j < text.Length && text[j] == ':'
                    && int.TryParse(text.Substring(i + 1, j - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                {
                    line = n;
                    int k = j + 1;
                    if (k < text.Length && text[k] == ' ') k++;
                    message = text.Substring(k);
                    return;
                }
            }
            line = null;
            message = text.Substring(start).TrimStart();
        }
    }
}
