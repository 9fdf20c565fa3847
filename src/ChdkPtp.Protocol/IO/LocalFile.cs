using System;
using System.IO;

namespace ChdkPtp.Protocol.IO
{
    /// <summary>Local files: portable names, and files written under a temporary name and put in place when complete.</summary>
    public static class LocalFile
    {
        // Not allowed in a file name on some system: path separators, drive and stream markers, wildcards, quotes.
        private const string InvalidChars = "/\\<>:\"|?*";

        private static readonly string[] s_devices =
        {
            "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
            "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³",
            "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
        };

        /// <summary>
        /// Null when <paramref name="name"/> can be one component of a local path on every system, otherwise why not:
        /// empty, <c>.</c> or <c>..</c>, a control character or one of <c>/ \ &lt; &gt; : " | ? *</c>, a trailing dot or
        /// space (Windows drops them), over 255 characters, or a Windows device name with any extension. The same rules
        /// on every OS, so a name that works on Linux cannot mean something else on Windows.
        /// </summary>
        public static string WhyUnsafeName(string name)
        {
            if (string.IsNullOrEmpty(name)) return "the name is empty";
            if (name == "." || name == "..") return "a '" + name + "' component would leave the destination folder";
            foreach (char c in name)
            {
                if (c < 0x20 || c == 0x7F) return "a name contains a control character";
                if (InvalidChars.IndexOf(c) >= 0) return $"a name contains '{c}', which is not allowed in file names on every system (a path separator, a drive or stream marker, or a wildcard)";
            }
            if (name.EndsWith(".", StringComparison.Ordinal) || name.EndsWith(" ", StringComparison.Ordinal))
                return "a name ends with a dot or a space, which Windows drops (it would name another file)";
            if (name.Length > 255) return "a name is longer than 255 characters";
            int dot = name.IndexOf('.');
            string stem = (dot < 0 ? name : name.Substring(0, dot)).TrimEnd(' ');
            foreach (var d in s_devices)
                if (string.Equals(stem, d, StringComparison.OrdinalIgnoreCase)) return $"'{stem}' is a device name on Windows";
            return null;
        }

        /// <summary>
        /// Gives the completed <paramref name="temp"/> its final name: replaces an existing
        /// <paramref name="final"/> in one step (File.Replace, a rename on Unix), or moves when there is none (which
        /// fails if a file appeared meanwhile). Either way the final name never holds a partial file.
        /// </summary>
        public static void MoveIntoPlace(string temp, string final)
        {
            if (File.Exists(final)) File.Replace(temp, final, null, true);
            else File.Move(temp, final);
        }
    }
}
