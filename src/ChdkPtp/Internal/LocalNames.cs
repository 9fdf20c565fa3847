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
                var why = Protocol.IO.LocalFile.WhyUnsafeName(c);
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
