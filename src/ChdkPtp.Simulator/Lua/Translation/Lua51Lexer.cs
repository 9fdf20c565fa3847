using System.Text;

namespace ChdkPtp.Simulator.Lua.Translation
{
    /// <summary>Token codes. Single-character tokens use their character code; the rest start above 0xFFFF.</summary>
    internal static class Tk
    {
        public const int First = 0x10001;
        // Reserved words, in Lua 5.1's order (luaX_tokens).
        public const int And = First, Break = First + 1, Do = First + 2, Else = First + 3, ElseIf = First + 4,
            End = First + 5, False = First + 6, For = First + 7, Function = First + 8, If = First + 9,
            In = First + 10, Local = First + 11, Nil = First + 12, Not = First + 13, Or = First + 14,
            Repeat = First + 15, Return = First + 16, Then = First + 17, True = First + 18, Until = First + 19,
            While = First + 20;
        // Other multi-character tokens.
        public const int Concat = First + 21, Dots = First + 22, Eq = First + 23, Ge = First + 24, Le = First + 25,
            Ne = First + 26, Number = First + 27, Name = First + 28, String = First + 29, Eos = First + 30;

        private static readonly string[] Names =
        {
            "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "if", "in", "local", "nil",
            "not", "or", "repeat", "return", "then", "true", "until", "while",
            "..", "...", "==", ">=", "<=", "~=", "<number>", "<name>", "<string>", "<eof>",
        };

        /// <summary>Lua 5.1 <c>luaX_token2str</c>.</summary>
        public static string ToText(int token)
        {
            if (token >= First) return Names[token - First];
            char c = (char)token;
            return c < 32 || c == 127 ? "char(" + token + ")" : c.ToString();
        }

        public static int Keyword(string s)
        {
            switch (s)
            {
                case "and": return And;
                case "break": return Break;
                case "do": return Do;
                case "else": return Else;
                case "elseif": return ElseIf;
                case "end": return End;
                case "false": return False;
                case "for": return For;
                case "function": return Function;
                case "if": return If;
                case "in": return In;
                case "local": return Local;
                case "nil": return Nil;
                case "not": return Not;
                case "or": return Or;
                case "repeat": return Repeat;
                case "return": return Return;
                case "then": return Then;
                case "true": return True;
                case "until": return Until;
                case "while": return While;
                default: return Name;
            }
        }
    }

    internal struct Token
    {
        public int Type;
        /// <summary>Source span [Start, End).</summary>
        public int Start, End;
        /// <summary>Lines of the first and last character (they differ for multi-line strings).</summary>
        public int Line, EndLine;
        /// <summary>Number tokens: the int32 value.</summary>
        public int Value;
        /// <summary>Name tokens: the name.</summary>
        public string Text;
        /// <summary>String tokens: long bracket form.</summary>
        public bool IsLong;
        /// <summary>Short strings: contains an escape Lua 5.4 reads differently (e.g. <c>\q</c>, <c>\x</c>, <c>\z</c>).</summary>
        public bool NeedsRewrite;
    }

    /// <summary>
    /// Lua 5.1 lexer (behaviour of 5.1's <c>llex.c</c> as configured by CHDK: integer numbers, no
    /// LUA_COMPAT_LSTR). Written from the language manual and observed behaviour; it tracks line numbers exactly as
    /// 5.1 does ("\r\n", "\n\r", "\n" and "\r" each count as one line break).
    /// </summary>
    internal sealed class Lua51Lexer
    {
        private readonly string _src;
        private readonly int _len;
        private int _pos;
        private readonly StringBuilder _buf = new StringBuilder();

        public Lua51Lexer(string source)
        {
            _src = source;
            _len = source.Length;
            Line = 1;
        }

        /// <summary>Current line of the lexer (Lua's <c>ls->linenumber</c>): the line where the last token read ended.</summary>
        public int Line { get; private set; }

        public string Source => _src;

        public LuaSyntaxException Error(string reason, string near) => new LuaSyntaxException(Line, reason, near);

        public void Next(ref Token t)
        {
            t.Text = null;
            t.IsLong = false;
            t.NeedsRewrite = false;
            t.Value = 0;
            for (;;)
            {
                if (_pos >= _len)
                {
                    Set(ref t, Tk.Eos, _pos, _pos, Line);
                    return;
                }
                char c = _src[_pos];
                int start = _pos;
                int line = Line;
                switch (c)
                {
                    case '\n':
                    case '\r':
                        IncLine();
                        continue;
                    case '-':
                        if (_pos + 1 >= _len || _src[_pos + 1] != '-')
                        {
                            _pos++;
                            Set(ref t, '-', start, _pos, line);
                            return;
                        }
                        _pos += 2;                             // a comment
                        if (_pos < _len && _src[_pos] == '[')
                        {
                            int sep = SkipSep();
                            if (sep >= 0)
                            {
                                ReadLongString(sep, true);
                                continue;
                            }
                        }
                        while (_pos < _len && _src[_pos] != '\n' && _src[_pos] != '\r') _pos++;
                        continue;
                    case '[':
                    {
                        int sep = SkipSep();
                        if (sep >= 0)
                        {
                            ReadLongString(sep, false);
                            Set(ref t, Tk.String, start, _pos, line);
                            t.IsLong = true;
                            return;
                        }
                        if (sep == -1)
                        {
                            Set(ref t, '[', start, _pos, line);
                            return;
                        }
                        throw Error("invalid long string delimiter", _src.Substring(start, _pos - start));
                    }
                    case '=':
                        Two(ref t, '=', Tk.Eq, start, line);
                        return;
                    case '<':
                        Two(ref t, '<', Tk.Le, start, line);
                        return;
                    case '>':
                        Two(ref t, '>', Tk.Ge, start, line);
                        return;
                    case '~':
                        Two(ref t, '~', Tk.Ne, start, line);
                        return;
                    case '"':
                    case '\'':
                        t.NeedsRewrite = ReadString(c);
                        Set(ref t, Tk.String, start, _pos, line);
                        return;
                    case '.':
                        if (_pos + 1 < _len && _src[_pos + 1] == '.')
                        {
                            if (_pos + 2 < _len && _src[_pos + 2] == '.')
                            {
                                _pos += 3;
                                Set(ref t, Tk.Dots, start, _pos, line);
                                return;
                            }
                            _pos += 2;
                            Set(ref t, Tk.Concat, start, _pos, line);
                            return;
                        }
                        if (_pos + 1 < _len && ChdkNumber.IsDigit(_src[_pos + 1]))
                        {
                            ReadNumeral(ref t, start, line);
                            return;
                        }
                        _pos++;
                        Set(ref t, '.', start, _pos, line);
                        return;
                    default:
                        if (c == ' ' || c == '\t' || c == '\v' || c == '\f')
                        {
                            _pos++;
                            continue;
                        }
                        if (ChdkNumber.IsDigit(c))
                        {
                            ReadNumeral(ref t, start, line);
                            return;
                        }
                        if (IsAlpha(c) || c == '_')
                        {
                            do _pos++; while (_pos < _len && (IsAlnum(_src[_pos]) || _src[_pos] == '_'));
                            string word = _src.Substring(start, _pos - start);
                            int type = Tk.Keyword(word);
                            Set(ref t, type, start, _pos, line);
                            if (type == Tk.Name) t.Text = word;
                            return;
                        }
                        _pos++;                                // any other character is a token by itself
                        Set(ref t, c, start, _pos, line);
                        return;
                }
            }
        }

        /// <summary>Text Lua 5.1 shows after "near" for a token (<c>txtToken</c>).</summary>
        public string TokenText(in Token t)
        {
            switch (t.Type)
            {
                case Tk.Name:
                case Tk.Number:
                    return _src.Substring(t.Start, t.End - t.Start);
                case Tk.String:
                    return t.IsLong ? _src.Substring(t.Start, t.End - t.Start) : DecodeShortString(t.Start, t.End);
                default:
                    return Tk.ToText(t.Type);
            }
        }

        private void Set(ref Token t, int type, int start, int end, int line)
        {
            t.Type = type;
            t.Start = start;
            t.End = end;
            t.Line = line;
            t.EndLine = Line;
        }

        private void Two(ref Token t, char single, int twoType, int start, int line)
        {
            _pos++;
            if (_pos < _len && _src[_pos] == '=')
            {
                _pos++;
                Set(ref t, twoType, start, _pos, line);
            }
            else Set(ref t, single, start, _pos, line);
        }

        private void IncLine()
        {
            char old = _src[_pos++];
            if (_pos < _len && (_src[_pos] == '\n' || _src[_pos] == '\r') && _src[_pos] != old) _pos++;
            Line++;
        }

        /// <summary>At '[' or ']': skips it and following '='s. Returns the level if the same bracket follows, else -count-1.</summary>
        private int SkipSep()
        {
            char s = _src[_pos++];
            int count = 0;
            while (_pos < _len && _src[_pos] == '=')
            {
                _pos++;
                count++;
            }
            return _pos < _len && _src[_pos] == s ? count : -count - 1;
        }

        private void ReadLongString(int sep, bool comment)
        {
            _pos++;                                            // second '['
            if (_pos < _len && (_src[_pos] == '\n' || _src[_pos] == '\r')) IncLine();
            for (;;)
            {
                if (_pos >= _len) throw Error(comment ? "unfinished long comment" : "unfinished long string", "<eof>");
                char c = _src[_pos];
                if (c == ']')
                {
                    if (SkipSep() == sep)
                    {
                        _pos++;
                        return;
                    }
                }
                else if (c == '\n' || c == '\r') IncLine();
                else _pos++;
            }
        }

        /// <summary>Reads a quoted string; returns true if it holds an escape Lua 5.4 reads differently.</summary>
        private bool ReadString(char del)
        {
            bool rewrite = false;
            _buf.Clear();
            _buf.Append(del);
            _pos++;
            for (;;)
            {
                if (_pos >= _len) throw Error("unfinished string", "<eof>");
                char c = _src[_pos];
                if (c == del) break;
                switch (c)
                {
                    case '\n':
                    case '\r':
                        throw Error("unfinished string", _buf.ToString());
                    case '\\':
                    {
                        _pos++;
                        if (_pos >= _len) continue;            // reported as unfinished string above
                        char e = _src[_pos];
                        char v;
                        switch (e)
                        {
                            case 'a': v = '\a'; break;
                            case 'b': v = '\b'; break;
                            case 'f': v = '\f'; break;
                            case 'n': v = '\n'; break;
                            case 'r': v = '\r'; break;
                            case 't': v = '\t'; break;
                            case 'v': v = '\v'; break;
                            case '\n':
                            case '\r':
                                _buf.Append('\n');
                                IncLine();
                                continue;
                            default:
                                if (!ChdkNumber.IsDigit(e))
                                {
                                    // 5.1 keeps the character itself (\\ \" \' and any unknown escape such as \q);
                                    // 5.4 rejects unknown escapes and gives \x \z \u a new meaning.
                                    if (e != '\\' && e != '"' && e != '\'') rewrite = true;
                                    _buf.Append(e);
                                    _pos++;
                                    continue;
                                }
                                int n = 0, i = 0;
                                do
                                {
                                    n = 10 * n + (_src[_pos] - '0');
                                    _pos++;
                                } while (++i < 3 && _pos < _len && ChdkNumber.IsDigit(_src[_pos]));
                                if (n > 255) throw Error("escape sequence too large", _buf.ToString());
                                _buf.Append((char)n);
                                continue;
                        }
                        _buf.Append(v);
                        _pos++;
                        continue;
                    }
                    default:
                        _buf.Append(c);
                        _pos++;
                        continue;
                }
            }
            _pos++;                                            // closing delimiter
            return rewrite;
        }

        private void ReadNumeral(ref Token t, int start, int line)
        {
            do _pos++; while (_pos < _len && (ChdkNumber.IsDigit(_src[_pos]) || _src[_pos] == '.'));
            if (_pos < _len && (_src[_pos] == 'E' || _src[_pos] == 'e'))
            {
                _pos++;
                if (_pos < _len && (_src[_pos] == '+' || _src[_pos] == '-')) _pos++;
            }
            while (_pos < _len && (IsAlnum(_src[_pos]) || _src[_pos] == '_')) _pos++;
            if (!ChdkNumber.TryParse(_src, start, _pos, out int value))
                throw Error("malformed number", _src.Substring(start, _pos - start));
            Set(ref t, Tk.Number, start, _pos, line);
            t.Value = value;
        }

        /// <summary>The contents of a valid short string as 5.1's buffer holds them (delimiters included).</summary>
        private string DecodeShortString(int start, int end)
        {
            var sb = new StringBuilder(end - start);
            for (int i = start; i < end; i++)
            {
                char c = _src[i];
                if (c != '\\' || i + 1 >= end - 1)
                {
                    sb.Append(c);
                    continue;
                }
                char e = _src[++i];
                switch (e)
                {
                    case 'a': sb.Append('\a'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'v': sb.Append('\v'); break;
                    case '\n':
                    case '\r':
                        sb.Append('\n');
                        if (i + 1 < end && (_src[i + 1] == '\n' || _src[i + 1] == '\r') && _src[i + 1] != e) i++;
                        break;
                    default:
                        if (!ChdkNumber.IsDigit(e))
                        {
                            sb.Append(e);
                            break;
                        }
                        int n = e - '0', k = 1;
                        while (k < 3 && i + 1 < end && ChdkNumber.IsDigit(_src[i + 1]))
                        {
                            n = 10 * n + (_src[++i] - '0');
                            k++;
                        }
                        sb.Append((char)n);
                        break;
                }
            }
            return sb.ToString();
        }

        internal static bool IsAlpha(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

        internal static bool IsAlnum(char c) => IsAlpha(c) || ChdkNumber.IsDigit(c);
    }
}
