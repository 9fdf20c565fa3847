using System;
using System.IO;

namespace ChdkPtp.Internal
{
    /// <summary>
    /// Turns names a camera reported into local paths, refusing every name that could land outside the
    /// destination or mean something else than a plain file on some local file system. The rules are the same
    /// on every OS (a script that works on Linux must not write somewhere else on Windows), and a FAT card
    /// cannot hold any of the refused names legitimately, so nothing a real camera makes is lost.
    /// </summary>
    internal static class LocalNames
    {
        private const string Invalid = "<>:\"/\\|?*";

        private static readonly string[] s_devices =
        {
            "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
        };

        /// <summary>Null when <paramref name="name"/> is safe as one local path component; otherwise why not.</summary>
        public static string WhyUnsafe(string name)
        {
            if (string.IsNullOrEmpty(name)) return "the name is empty";
            if (name == "." || name == "..") return "the name is '" + name + "', which would leave the folder";
            foreach (char c in name)
            {
                if (c < 0x20 || c == 0x7F) return "the name contains a control character";
                if (Invalid.IndexOf(c) >= 0) return $"the name contains '{c}', which is not allowed in file names on every system (a path separator, a drive or stream marker, or a wildcard)";
            }
            if (name.EndsWith(".", StringComparison.Ordinal) || name.EndsWith(" ", StringComparison.Ordinal))
                return "the name ends with a dot or a space, which Windows drops (it would name another file)";
            if (name.Length > 255) return "the name is longer than 255 characters";
            int dot = name.IndexOf('.');
            string stem = (dot < 0 ? name : name.Substring(0, dot)).TrimEnd(' ');
            foreach (var d in s_devices)
                if (string.Equals(stem, d, StringComparison.OrdinalIgnoreCase))
                    return $"'{stem}' is a device name on Windows";
            return null;
        }

        /// <summary>
        /// <paramref name="root"/> joined with the camera-reported components, or an exception naming the bad
        /// component. The result is also checked to lie inside <paramref name="root"/> (belt and braces).
        /// </summary>
        /// <exception cref="UnsafeNameException">A component is unsafe.</exception>
        public static string Combine(string root, string[] components)
        {
            string path = root;
            foreach (var c in components)
            {
                var why = WhyUnsafe(c);
                if (why != null) throw new UnsafeNameException(c, why);
                path = Path.Combine(path, c);
            }
            var full = Path.GetFullPath(path);
            var rootFull = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;
            if (components.Length > 0 && !full.StartsWith(rootFull, StringComparison.Ordinal))
                throw new UnsafeNameException(string.Join("/", components), "the path would leave the destination folder");
            return full;
        }
    }
}

namespace ChdkPtp
{
    /// <summary>A camera-reported name that cannot be used locally (Receive-ChdkFile's ChdkUnsafeName error).</summary>
    public sealed class UnsafeNameException : Exception
    {
        public UnsafeNameException(string name, string reason)
            : base($"The camera name '{Printable(name)}' was refused: {reason}. Nothing was written for it.")
        {
            Name = name;
            Reason = reason;
        }

        /// <summary>The name as the camera reported it.</summary>
        public string Name { get; }

        public string Reason { get; }

        private static string Printable(string s)
        {
            var b = new System.Text.StringBuilder(s.Length);
            foreach (char c in s) b.Append(c < 0x20 || c == 0x7F ? $"\\x{(int)c:X2}" : c.ToString());
            return b.ToString();
        }
    }
}
