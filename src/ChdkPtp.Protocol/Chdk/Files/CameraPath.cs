using System;
using System.Collections.Generic;
using System.Text;

namespace ChdkPtp.Protocol.Chdk.Files
{
    /// <summary>
    /// Camera paths: FAT paths rooted at <c>A/</c> with <c>/</c> separators, e.g. <c>A/DCIM/100CANON/IMG_0001.JPG</c>.
    /// </summary>
    /// <remarks>
    /// Wildcards: <c>*</c> (any run of characters), <c>?</c> (one character), <c>[abc]</c>, <c>[a-z]</c>,
    /// <c>[!abc]</c> or <c>[^abc]</c> (one character of / not of the set), and a backtick escapes the next
    /// character (as in PowerShell). Matching ignores the case of ASCII letters only, as CHDK's
    /// <c>string.upper</c> does on the camera; other characters must match exactly.
    /// </remarks>
    public static class CameraPath
    {
        /// <summary>The root of the card.</summary>
        public const string Root = "A/";

        /// <summary>
        /// The canonical form: <c>\</c> becomes <c>/</c>; <c>A/</c> is prepended unless the path starts with
        /// <c>A/</c> or <c>a/</c> (or is just <c>A</c>), as chdkptp's make_camera_path does; runs of slashes
        /// become one; no trailing slash, except the root <c>A/</c>. An empty path is the root.
        /// Nothing else is checked: see <see cref="Validate"/>.
        /// </summary>
        public static string Normalize(string path)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            var p = path.Replace('\\', '/');
            string rest;
            if (p.Length >= 1 && (p[0] == 'A' || p[0] == 'a') && (p.Length == 1 || p[1] == '/'))
                rest = p.Length > 2 ? p.Substring(2) : string.Empty;
            else
                rest = p;
            var sb = new StringBuilder(rest.Length + 2);
            sb.Append(Root);
            bool slash = true;
            foreach (char c in rest)
            {
                if (c == '/')
                {
                    if (slash) continue;
                    slash = true;
                    sb.Append('/');
                }
                else
                {
                    slash = false;
                    sb.Append(c);
                }
            }
            if (sb.Length > Root.Length && sb[sb.Length - 1] == '/') sb.Length--;
            return sb.ToString();
        }

        /// <summary>True for the root, in any form <see cref="Normalize"/> accepts.</summary>
        public static bool IsRoot(string path) => Normalize(path) == Root;

        /// <summary>
        /// Normalises <paramref name="path"/> and refuses <c>.</c> and <c>..</c> components, NULs and other
        /// control characters with an <see cref="ArgumentException"/>. Returns the normalised path.
        /// </summary>
        public static string Validate(string path, string parameterName = "path")
        {
            var n = Normalize(path);
            foreach (var part in Components(n))
                if (!IsSafeName(part))
                    throw new ArgumentException($"The camera path '{path}' has the component '{Printable(part)}', which is not allowed (empty, '.', '..' or a control character).", parameterName);
            return n;
        }

        /// <summary>
        /// True if <paramref name="name"/> can only name an entry of its folder: not empty, not <c>.</c> or
        /// <c>..</c>, no <c>/</c>, <c>\</c>, NUL or other control character. (Local file-system rules such as
        /// device names or <c>:</c> are the caller's business.)
        /// </summary>
        public static bool IsSafeName(string name)
        {
            if (string.IsNullOrEmpty(name) || name == "." || name == "..") return false;
            foreach (char c in name)
                if (c == '/' || c == '\\' || c < 0x20 || c == 0x7F) return false;
            return true;
        }

        /// <summary>The components after <c>A/</c> of a normalised path.</summary>
        public static string[] Components(string path)
        {
            var n = Normalize(path);
            return n.Length == Root.Length ? Array.Empty<string>() : n.Substring(Root.Length).Split('/');
        }

        /// <summary>Joins and normalises: <c>Combine("A/DCIM", "100CANON")</c> is <c>A/DCIM/100CANON</c>;
        /// <paramref name="relative"/> may hold several components.</summary>
        public static string Combine(string directory, string relative)
        {
            if (relative == null) throw new ArgumentNullException(nameof(relative));
            var d = Normalize(directory);
            var r = relative.Replace('\\', '/').Trim('/');
            if (r.Length == 0) return d;
            return Normalize(d == Root ? Root + r : d + "/" + r);
        }

        /// <summary>Joins a folder path and an entry name exactly as given (no normalisation of the name).</summary>
        internal static string Join(string directory, string name) =>
            directory.EndsWith("/", StringComparison.Ordinal) ? directory + name : directory + "/" + name;

        /// <summary>The last component (empty for the root).</summary>
        public static string GetFileName(string path)
        {
            var n = Normalize(path);
            if (n == Root) return string.Empty;
            return n.Substring(n.LastIndexOf('/') + 1);
        }

        /// <summary>The containing folder (<c>A/</c> for items in the root), or null for the root itself.</summary>
        public static string GetDirectoryName(string path)
        {
            var n = Normalize(path);
            if (n == Root) return null;
            int i = n.LastIndexOf('/');
            return i == 1 ? Root : n.Substring(0, i);
        }

        /// <summary>
        /// True if a file name is a valid 8.3 short name: 1 to 8 characters, optionally a dot and 1 to 3 more;
        /// letters, digits and <c>! # $ % &amp; ' ( ) - @ ^ _ ` { } ~</c> only (no spaces, no second dot, no
        /// non-ASCII). Letters of either case are accepted (FAT folds them). Names that fail work on the card
        /// through long-name entries but cause trouble on many cameras.
        /// </summary>
        public static bool IsEightDotThree(string name)
        {
            if (string.IsNullOrEmpty(name)) return false;
            int dot = name.IndexOf('.');
            string stem = dot < 0 ? name : name.Substring(0, dot);
            string ext = dot < 0 ? string.Empty : name.Substring(dot + 1);
            if (stem.Length < 1 || stem.Length > 8) return false;
            if (dot >= 0 && (ext.Length < 1 || ext.Length > 3)) return false;
            return IsShortChars(stem) && IsShortChars(ext);
        }

        private static bool IsShortChars(string s)
        {
            foreach (char c in s)
            {
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) continue;
                if ("!#$%&'()-@^_`{}~".IndexOf(c) >= 0) continue;
                return false;
            }
            return true;
        }

        // ---------------------------------------------------------------------------------------
        // wildcards

        /// <summary>True if <paramref name="text"/> has an unescaped <c>*</c>, <c>?</c> or <c>[</c>.</summary>
        public static bool HasWildcard(string text)
        {
            if (text == null) return false;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '`') { i++; continue; }
                if (c == '*' || c == '?' || c == '[') return true;
            }
            return false;
        }

        /// <summary>Escapes the wildcard characters (and backticks) of a literal path with backticks, so
        /// that <see cref="ChdkFileSystem.List"/> matches exactly that name.</summary>
        public static string Escape(string text)
        {
            if (text == null) return null;
            var sb = new StringBuilder(text.Length + 4);
            foreach (char c in text)
            {
                if (c == '`' || c == '*' || c == '?' || c == '[' || c == ']') sb.Append('`');
                sb.Append(c);
            }
            return sb.ToString();
        }

        /// <summary>Removes the backtick escapes of a component without wildcards.</summary>
        public static string Unescape(string text)
        {
            if (text == null || text.IndexOf('`') < 0) return text;
            var sb = new StringBuilder(text.Length);
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == '`' && i + 1 < text.Length) i++;
                sb.Append(text[i]);
            }
            return sb.ToString();
        }

        /// <summary>A path without wildcards, with the backtick escapes of every component removed
        /// (<c>A/DCIM/A`[1`].JPG</c> → <c>A/DCIM/A[1].JPG</c>); <c>\</c> is taken as <c>/</c>.</summary>
        public static string UnescapePath(string path) =>
            string.Join("/", Array.ConvertAll((path ?? string.Empty).Replace('\\', '/').Split('/'), Unescape));

        /// <summary>Whether <paramref name="name"/> matches the wildcard <paramref name="pattern"/> (whole name,
        /// ASCII letters case-insensitive).</summary>
        /// <exception cref="ArgumentException">The pattern is malformed (an unclosed <c>[</c>).</exception>
        public static bool IsMatch(string name, string pattern)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            var tokens = Parse(pattern);
            return MatchAt(tokens, 0, name, 0);
        }

        private static bool MatchAt(List<Token> tokens, int ti, string s, int si)
        {
            while (ti < tokens.Count)
            {
                var t = tokens[ti];
                if (t.Kind == TokenKind.Star)
                {
                    // collapse runs of stars, then try every split
                    while (ti < tokens.Count && tokens[ti].Kind == TokenKind.Star) ti++;
                    if (ti == tokens.Count) return true;
                    for (int k = si; k <= s.Length; k++)
                        if (MatchAt(tokens, ti, s, k)) return true;
                    return false;
                }
                if (si >= s.Length) return false;
                if (!t.Matches(s[si])) return false;
                ti++;
                si++;
            }
            return si == s.Length;
        }

        /// <summary>
        /// The Lua 5.1 pattern (as bytes, anchored) that matches a name upper-cased with CHDK's
        /// <c>string.upper</c> exactly when <see cref="IsMatch"/> matches it. Names are taken as UTF-8:
        /// <c>?</c> matches one UTF-8 sequence. Non-ASCII characters inside <c>[...]</c> are not supported.
        /// </summary>
        /// <exception cref="ArgumentException">The pattern is malformed or has non-ASCII in a set.</exception>
        public static byte[] ToLuaPattern(string pattern)
        {
            var tokens = Parse(pattern);
            var o = new List<byte> { (byte)'^' };
            foreach (var t in tokens)
            {
                switch (t.Kind)
                {
                    case TokenKind.Star:
                        o.Add((byte)'.'); o.Add((byte)'*');
                        break;
                    case TokenKind.Any:
                        // one UTF-8 sequence: a byte that is not a continuation byte, then any continuation bytes
                        o.AddRange(new byte[] { (byte)'[', (byte)'^', 0x80, (byte)'-', 0xBF, (byte)']', (byte)'[', 0x80, (byte)'-', 0xBF, (byte)']', (byte)'*' });
                        break;
                    case TokenKind.Literal:
                        AppendLiteral(o, t.Char);
                        break;
                    case TokenKind.Set:
                        o.Add((byte)'[');
                        if (t.Negated) o.Add((byte)'^');
                        foreach (char c in t.SetChars)
                        {
                            if (c > 0x7E || c < 0x20) throw new ArgumentException($"The wildcard '{pattern}' has a character outside printable ASCII inside [...]; that is not supported on the camera.", nameof(pattern));
                            char u = AsciiUpper(c);
                            if (IsAsciiAlnum(u)) o.Add((byte)u);
                            else { o.Add((byte)'%'); o.Add((byte)u); }
                        }
                        if (t.Negated)
                        {
                            // a negated set matches one whole UTF-8 sequence: never a lone continuation byte
                            o.AddRange(new byte[] { 0x80, (byte)'-', 0xBF, (byte)']', (byte)'[', 0x80, (byte)'-', 0xBF, (byte)']', (byte)'*' });
                        }
                        else o.Add((byte)']');
                        break;
                }
            }
            o.Add((byte)'$');
            return o.ToArray();
        }

        private static void AppendLiteral(List<byte> o, char c)
        {
            if (c < 0x80)
            {
                char u = AsciiUpper(c);
                if (!IsAsciiAlnum(u) && u >= 0x20) o.Add((byte)'%');
                o.Add((byte)u);
                return;
            }
            o.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
        }

        internal static char AsciiUpper(char c) => c >= 'a' && c <= 'z' ? (char)(c - 32) : c;

        private static bool IsAsciiAlnum(char c) => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

        private enum TokenKind { Literal, Any, Star, Set }

        private sealed class Token
        {
            public TokenKind Kind;
            public char Char;
            public bool Negated;
            public string SetChars; // upper-cased ASCII letters; ranges expanded

            public bool Matches(char c)
            {
                switch (Kind)
                {
                    case TokenKind.Any: return true;
                    case TokenKind.Literal: return AsciiUpper(c) == AsciiUpper(Char);
                    case TokenKind.Set:
                        bool inSet = false;
                        char u = AsciiUpper(c);
                        foreach (char x in SetChars)
                            if (AsciiUpper(x) == u) { inSet = true; break; }
                        return inSet != Negated;
                    default: return false;
                }
            }
        }

        private static List<Token> Parse(string pattern)
        {
            if (pattern == null) throw new ArgumentNullException(nameof(pattern));
            var tokens = new List<Token>();
            for (int i = 0; i < pattern.Length; i++)
            {
                char c = pattern[i];
                if (c == '`' && i + 1 < pattern.Length)
                {
                    tokens.Add(new Token { Kind = TokenKind.Literal, Char = pattern[++i] });
                }
                else if (c == '*') tokens.Add(new Token { Kind = TokenKind.Star });
                else if (c == '?') tokens.Add(new Token { Kind = TokenKind.Any });
                else if (c == '[')
                {
                    int j = i + 1;
                    bool neg = false;
                    if (j < pattern.Length && (pattern[j] == '!' || pattern[j] == '^')) { neg = true; j++; }
                    var set = new StringBuilder();
                    bool first = true;
                    bool closed = false;
                    for (; j < pattern.Length; j++)
                    {
                        char d = pattern[j];
                        if (d == ']' && !first) { closed = true; break; }
                        first = false;
                        if (d == '`' && j + 1 < pattern.Length) d = pattern[++j];
                        if (j + 2 < pattern.Length && pattern[j + 1] == '-' && pattern[j + 2] != ']')
                        {
                            char hi = pattern[j + 2];
                            if (hi == '`' && j + 3 < pattern.Length) { hi = pattern[j + 3]; j++; }
                            if (hi < d) throw new ArgumentException($"The wildcard '{pattern}' has the reversed range {d}-{hi}.", nameof(pattern));
                            if (hi - d > 256) throw new ArgumentException($"The wildcard '{pattern}' has a range that is too wide.", nameof(pattern));
                            for (char x = d; x <= hi; x++)
                            {
                                set.Append(x);
                                if (x == char.MaxValue) break;
                            }
                            j += 2;
                        }
                        else set.Append(d);
                    }
                    if (!closed) throw new ArgumentException($"The wildcard '{pattern}' has a '[' without its ']'.", nameof(pattern));
                    tokens.Add(new Token { Kind = TokenKind.Set, Negated = neg, SetChars = set.ToString() });
                    i = j;
                }
                else tokens.Add(new Token { Kind = TokenKind.Literal, Char = c });
            }
            return tokens;
        }

        internal static string Printable(string s)
        {
            var sb = new StringBuilder();
            foreach (char c in s)
                if (c < 0x20 || c == 0x7F) sb.Append("\\x").Append(((int)c).ToString("X2")); else sb.Append(c);
            return sb.ToString();
        }
    }
}
