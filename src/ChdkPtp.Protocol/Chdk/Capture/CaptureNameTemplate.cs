using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ChdkPtp.Protocol.Chdk.Capture
{
    /// <summary>
    /// File names for captured files: a template of literal text and <c>{Token}</c> or <c>{Token:format}</c>
    /// placeholders, expanded by a pure function into a relative path (folders separated by <c>/</c> or
    /// <c>\</c>).
    /// </summary>
    /// <remarks>
    /// <para>Tokens (names are case-insensitive; the format after <c>:</c> is a .NET format string, invariant
    /// culture):</para>
    /// <list type="table">
    /// <listheader><term>Token</term><description>Value (default format)</description></listheader>
    /// <item><term><c>{ImageNumber}</c></term><description>the camera's image number, the <c>nnnn</c> of
    /// <c>IMG_nnnn</c> (<c>0000</c>)</description></item>
    /// <item><term><c>{Sequence}</c></term><description>the run's shot sequence number, which the caller can
    /// carry on from run to run (<c>0000</c>)</description></item>
    /// <item><term><c>{Shot}</c></term><description>1 for the first shot of this run, 2 for the next
    /// (<c>0</c>)</description></item>
    /// <item><term><c>{Format}</c></term><description><c>JPG</c>, <c>RAW</c>, <c>DNG_HDR</c>, <c>CR2</c> or
    /// <c>DNG</c></description></item>
    /// <item><term><c>{Extension}</c></term><description>the extension with its dot: <c>.jpg</c>,
    /// <c>.raw</c>, <c>.dng_hdr</c>, <c>.cr2</c>, <c>.dng</c></description></item>
    /// <item><term><c>{Prefix}</c></term><description><c>IMG</c></description></item>
    /// <item><term><c>{BaseName}</c></term><description><c>IMG_nnnn</c></description></item>
    /// <item><term><c>{Serial}</c></term><description>the camera's serial number (PTP DeviceInfo)</description></item>
    /// <item><term><c>{Model}</c></term><description>the camera's model name</description></item>
    /// <item><term><c>{Date}</c></term><description>local date of the shot on this computer
    /// (<c>yyyyMMdd</c>); any date/time format, e.g. <c>{Date:yyyy-MM-dd_HHmmss}</c></description></item>
    /// <item><term><c>{Time}</c></term><description>local time of the shot (<c>HHmmss</c>); any date/time
    /// format, e.g. <c>{Time:HHmmss.fff}</c></description></item>
    /// </list>
    /// <para><c>{{</c> and <c>}}</c> stand for literal braces. A <c>/</c> or <c>\</c> in the text or in a
    /// token's value separates folders, so <c>{Date:yyyy/MM/dd}/{BaseName}{Extension}</c> files shots by day.</para>
    /// <para>Why this syntax and not chdkptp's <c>${imgnum}</c>: in PowerShell a <c>$</c> inside a double-quoted
    /// string is expanded as a variable (<c>"${imgnum}.jpg"</c> silently becomes <c>.jpg</c>), while braces are
    /// inert in both quoting styles; and the <c>:format</c> part is the .NET format string PowerShell users
    /// already know from <c>-f</c> and <c>ToString()</c>.</para>
    /// <para>Every expansion must be a safe relative path: no empty, <c>.</c> or <c>..</c> component, not
    /// rooted, and every component a portable file name (no control characters, none of <c>&lt;&gt;:"|?*</c>,
    /// no trailing dot or space, no Windows device name, at most 255 characters). The same rules apply on
    /// every OS. Anything else is a <see cref="CaptureTemplateException"/>.</para>
    /// </remarks>
    public sealed class CaptureNameTemplate
    {
        /// <summary>The template a plain destination folder uses: <c>IMG_{ImageNumber:0000}{Extension}</c> → <c>IMG_0123.jpg</c>.</summary>
        public const string DefaultTemplate = "IMG_{ImageNumber:0000}{Extension}";

        private static readonly string[] s_tokens =
        {
            "ImageNumber", "Sequence", "Shot", "Format", "Extension", "Prefix", "BaseName", "Serial", "Model", "Date", "Time",
        };

        private readonly Segment[] _segments;

        private CaptureNameTemplate(string text, Segment[] segments)
        {
            Text = text;
            _segments = segments;
        }

        public string Text { get; }

        /// <summary>The tokens the template uses (canonical spelling), in order of first use.</summary>
        public IReadOnlyList<string> Tokens
        {
            get
            {
                var r = new List<string>();
                foreach (var s in _segments)
                    if (s.Token != null && !r.Contains(s.Token)) r.Add(s.Token);
                return r;
            }
        }

        /// <summary>True when the text has a placeholder (an unescaped <c>{</c>), i.e. is meant as a template.</summary>
        public static bool IsTemplate(string text)
        {
            if (string.IsNullOrEmpty(text)) return false;
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] != '{') continue;
                if (i + 1 < text.Length && text[i + 1] == '{') { i++; continue; }
                return true;
            }
            return false;
        }

        /// <summary>
        /// Parses and checks a template: syntax, token names, formats, and a trial expansion for every file
        /// format (so a literal <c>..</c> or <c>:</c> is found before any shot).
        /// </summary>
        /// <exception cref="CaptureTemplateException">Malformed, unknown token, bad format, or unsafe result.</exception>
        public static CaptureNameTemplate Parse(string template)
        {
            if (template == null) throw new ArgumentNullException(nameof(template));
            var segments = ParseSegments(template);
            var t = new CaptureNameTemplate(template, segments);
            var sample = new DateTime(2024, 12, 31, 23, 59, 58, 999, DateTimeKind.Local);
            foreach (CaptureFileFormat f in Enum.GetValues(typeof(CaptureFileFormat)))
                t.Expand(new CaptureFileInfo(f, 9999, 1, 1, sample, "0123456789ABCDEF0123456789ABCDEF", "Canon PowerShot"));
            return t;
        }

        /// <summary>The relative path for <paramref name="file"/> (components joined with <c>/</c>).</summary>
        /// <exception cref="CaptureTemplateException">The result is not a safe relative path.</exception>
        public string Expand(CaptureFileInfo file) => string.Join("/", ExpandComponents(file));

        /// <summary>One-shot form of <see cref="Parse"/> + <see cref="Expand"/>.</summary>
        public static string Expand(string template, CaptureFileInfo file) => Parse(template).Expand(file);

        /// <summary>The path components for <paramref name="file"/>.</summary>
        public string[] ExpandComponents(CaptureFileInfo file)
        {
            if (file == null) throw new ArgumentNullException(nameof(file));
            var sb = new StringBuilder();
            foreach (var s in _segments)
            {
                if (s.Token == null) { sb.Append(s.Literal); continue; }
                sb.Append(Value(s, file));
            }
            return Check(sb.ToString());
        }

        /// <summary>True when two different formats of the same shot always get different names (the template
        /// uses <c>{Extension}</c> or <c>{Format}</c>).</summary>
        public bool SeparatesFormats
        {
            get
            {
                foreach (var s in _segments)
                    if (s.Token == "Extension" || s.Token == "Format") return true;
                return false;
            }
        }

        /// <summary>True when two shots always get different names (the template uses <c>{ImageNumber}</c>,
        /// <c>{BaseName}</c>, <c>{Sequence}</c> or <c>{Shot}</c>; times are not counted, two shots can share a second).</summary>
        public bool SeparatesShots
        {
            get
            {
                foreach (var s in _segments)
                    if (s.Token == "ImageNumber" || s.Token == "BaseName" || s.Token == "Sequence" || s.Token == "Shot") return true;
                return false;
            }
        }

        /// <summary>True when the template has any token that changes from shot to shot (those of
        /// <see cref="SeparatesShots"/>, <c>{Date}</c> and <c>{Time}</c>).</summary>
        public bool VariesPerShot
        {
            get
            {
                if (SeparatesShots) return true;
                foreach (var s in _segments)
                    if (s.Token == "Date" || s.Token == "Time") return true;
                return false;
            }
        }

        public override string ToString() => Text;

        private string Value(Segment s, CaptureFileInfo f)
        {
            try
            {
                switch (s.Token)
                {
                    case "ImageNumber": return f.ImageNumber.ToString(s.Format ?? "0000", CultureInfo.InvariantCulture);
                    case "Sequence": return f.Sequence.ToString(s.Format ?? "0000", CultureInfo.InvariantCulture);
                    case "Shot": return f.Shot.ToString(s.Format ?? "0", CultureInfo.InvariantCulture);
                    case "Format": return CaptureFormatInfo.Name(f.Format);
                    case "Extension": return f.Extension;
                    case "Prefix": return "IMG";
                    case "BaseName": return "IMG_" + f.ImageNumber.ToString("0000", CultureInfo.InvariantCulture);
                    case "Serial": return f.CameraSerial;
                    case "Model": return f.CameraModel;
                    case "Date": return f.ShotTime.ToString(s.Format ?? "yyyyMMdd", CultureInfo.InvariantCulture);
                    case "Time": return f.ShotTime.ToString(s.Format ?? "HHmmss", CultureInfo.InvariantCulture);
                    default: throw new InvalidOperationException("unknown token " + s.Token);
                }
            }
            catch (FormatException ex)
            {
                throw new CaptureTemplateException($"The name template '{Text}' has the format '{s.Format}' for {{{s.Token}}}, which .NET rejects: {ex.Message}", Text);
            }
        }

        private string[] Check(string path)
        {
            if (path.Length == 0) throw new CaptureTemplateException($"The name template '{Text}' gives an empty name.", Text);
            if (path[0] == '/' || path[0] == '\\')
                throw new CaptureTemplateException($"The name template '{Text}' gives '{Printable(path)}', an absolute path; names must stay inside the destination folder.", Text);
            var parts = path.Split('/', '\\');
            foreach (var p in parts)
            {
                string why = WhyUnsafe(p);
                if (why != null)
                    throw new CaptureTemplateException($"The name template '{Text}' gives '{Printable(path)}', which is refused: {why}.", Text);
            }
            return parts;
        }

        /// <summary>Null when <paramref name="name"/> is a safe, portable path component; otherwise why not
        /// (<see cref="IO.LocalFile.WhyUnsafeName"/>, with an empty component named as the template makes it).</summary>
        public static string WhyUnsafe(string name) =>
            string.IsNullOrEmpty(name)
                ? "it has an empty folder or file name (two separators in a row, or one at the end)"
                : IO.LocalFile.WhyUnsafeName(name);

        private static Segment[] ParseSegments(string t)
        {
            var list = new List<Segment>();
            var lit = new StringBuilder();
            int i = 0;
            while (i < t.Length)
            {
                char c = t[i];
                if (c == '{')
                {
                    if (i + 1 < t.Length && t[i + 1] == '{') { lit.Append('{'); i += 2; continue; }
                    int end = t.IndexOf('}', i + 1);
                    if (end < 0) throw new CaptureTemplateException($"The name template '{t}' has a '{{' at position {i + 1} without its '}}' (write '{{{{' for a literal brace).", t);
                    string inner = t.Substring(i + 1, end - i - 1);
                    if (inner.IndexOf('{') >= 0) throw new CaptureTemplateException($"The name template '{t}' has a '{{' inside a placeholder at position {i + 1}.", t);
                    int colon = inner.IndexOf(':');
                    string name = (colon < 0 ? inner : inner.Substring(0, colon)).Trim();
                    string format = colon < 0 ? null : inner.Substring(colon + 1);
                    string canonical = null;
                    foreach (var k in s_tokens)
                        if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase)) canonical = k;
                    if (canonical == null)
                        throw new CaptureTemplateException($"The name template '{t}' has the unknown placeholder {{{inner}}}. Known: {{{string.Join("}, {", s_tokens)}}}.", t);
                    bool formattable = canonical == "ImageNumber" || canonical == "Sequence" || canonical == "Shot" || canonical == "Date" || canonical == "Time";
                    if (format != null && !formattable)
                        throw new CaptureTemplateException($"The name template '{t}' gives {{{canonical}}} a format, but only ImageNumber, Sequence, Shot, Date and Time take one.", t);
                    if (format != null && format.Length == 0)
                        throw new CaptureTemplateException($"The name template '{t}' has an empty format after {{{canonical}:.", t);
                    if (lit.Length > 0) { list.Add(new Segment(lit.ToString(), null, null)); lit.Clear(); }
                    list.Add(new Segment(null, canonical, format));
                    i = end + 1;
                    continue;
                }
                if (c == '}')
                {
                    if (i + 1 < t.Length && t[i + 1] == '}') { lit.Append('}'); i += 2; continue; }
                    throw new CaptureTemplateException($"The name template '{t}' has a '}}' at position {i + 1} without its '{{' (write '}}}}' for a literal brace).", t);
                }
                lit.Append(c);
                i++;
            }
            if (lit.Length > 0) list.Add(new Segment(lit.ToString(), null, null));
            return list.ToArray();
        }

        private static string Printable(string s)
        {
            var b = new StringBuilder(s.Length);
            foreach (char c in s) b.Append(c < 0x20 || c == 0x7F ? $"\\x{(int)c:X2}" : c.ToString());
            return b.ToString();
        }

        private sealed class Segment
        {
            public Segment(string literal, string token, string format)
            {
                Literal = literal;
                Token = token;
                Format = format;
            }

            public string Literal { get; }
            public string Token { get; }
            public string Format { get; }
        }
    }
}
