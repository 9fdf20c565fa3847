using System;
using System.Collections.Generic;
using System.Text;

namespace ChdkPtp.Protocol.Chdk.Scripting
{
    /// <summary>
    /// Parses the text of one Lua value (what the camera library's serializer produces, and general
    /// Lua table-constructor syntax) into .NET objects. It never executes anything.
    /// </summary>
    /// <remarks>
    /// <para>Accepted syntax: <c>nil</c>, <c>true</c>, <c>false</c>; decimal integers with an optional
    /// leading <c>-</c> that fit Int32; hexadecimal integers <c>0x...</c> (wrapped to 32 bits, like
    /// CHDK); the parenthesised difference/sum of integers such as <c>(-2147483647-1)</c>; strings in
    /// double or single quotes with every Lua 5.1-5.4 escape (<c>\a \b \f \n \r \t \v \\ \" \'</c>,
    /// backslash-newline, <c>\ddd</c>, <c>\xXX</c>, <c>\z</c>, <c>\u{XXX}</c>); long strings
    /// <c>[[...]]</c>, <c>[==[...]==]</c>; table constructors with positional items, <c>[k]=v</c> and
    /// <c>name=v</c> fields, <c>,</c> or <c>;</c> separators and an optional trailing separator.
    /// Whitespace may surround tokens; comments and any other expression are rejected.</para>
    /// <para>Mapping: nil → null; booleans → <see cref="bool"/>; numbers → <see cref="int"/>; strings →
    /// <see cref="string"/> via <see cref="LuaText.Decode(ReadOnlySpan{byte})"/>; tables (after dropping
    /// entries whose value is nil): empty → a new <c>object[0]</c>; keys exactly 1..n → <c>object[]</c>
    /// in key order; all keys strings → <see cref="LuaRecord"/> in text order; otherwise
    /// <see cref="LuaTable"/> in text order. A key given twice is an error.</para>
    /// <para>Safety: time is linear in the input, recursion is bounded by <see cref="MaxDepth"/> nested
    /// tables, and every malformed input raises <see cref="LuaValueFormatException"/> with the byte
    /// position, never another exception.</para>
    /// </remarks>
    public static class LuaValueReader
    {
        /// <summary>The deepest nesting of tables accepted (the outermost table is level 1).</summary>
        public const int MaxDepth = 64;

        /// <summary>Parses one Lua value.</summary>
        /// <exception cref="LuaValueFormatException">The text is not an accepted Lua value.</exception>
        public static object Parse(ReadOnlySpan<byte> text)
        {
            var parser = new Parser(text);
            try
            {
                return parser.ParseDocument();
            }
            catch (LuaValueFormatException)
            {
                throw;
            }
            catch (Exception ex)
            {
                // Safety net for the contract "never another exception type"; not expected to happen.
                throw new LuaValueFormatException("internal parser error: " + ex.Message, parser.Position, ex);
            }
        }

        /// <summary>Parses one Lua value held in an array.</summary>
        public static object Parse(byte[] text)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            return Parse(new ReadOnlySpan<byte>(text));
        }

        /// <summary>
        /// Parses one Lua value from a .NET string, which is first encoded as UTF-8 (so string contents
        /// come back as the same text). Positions in errors are byte offsets in that UTF-8 form.
        /// </summary>
        public static object Parse(string text)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            byte[] bytes;
            try
            {
                bytes = LuaText.Encode(text);
            }
            catch (ArgumentException ex)
            {
                throw new LuaValueFormatException("the text contains an unpaired surrogate", 0, ex);
            }
            return Parse(new ReadOnlySpan<byte>(bytes));
        }

        private ref struct Parser
        {
            private readonly ReadOnlySpan<byte> _s;
            private int _p;
            private byte[] _buf;
            private int _len;

            public Parser(ReadOnlySpan<byte> s)
            {
                _s = s;
                _p = 0;
                _buf = null;
                _len = 0;
            }

            public int Position => _p;

            public object ParseDocument()
            {
                SkipWhitespace();
                if (_p >= _s.Length)
                    throw Error("expected a value, found the end of the input", _p);
                object v = ParseValue(0);
                SkipWhitespace();
                if (_p < _s.Length)
                    throw Error("unexpected " + Describe(_p) + " after the value", _p);
                return v;
            }

            // ---------------------------------------------------------------- values

            private object ParseValue(int depth)
            {
                if (_p >= _s.Length)
                    throw Error("expected a value, found the end of the input", _p);
                byte c = _s[_p];
                switch (c)
                {
                    case (byte)'{':
                        return ParseTable(depth + 1);
                    case (byte)'"':
                    case (byte)'\'':
                        return ParseQuoted();
                    case (byte)'[':
                        if (LongBracketLevel(_p) >= 0)
                            return ParseLongString();
                        throw Error("unexpected '[' where a value was expected", _p);
                    case (byte)'(':
                        return ParseParenthesised();
                    case (byte)'-':
                        return ParseNumber(true);
                }
                if (IsDigit(c))
                    return ParseNumber(true);
                if (IsNameStart(c))
                {
                    int start = _p;
                    string name = ReadName();
                    switch (name)
                    {
                        case "nil": return null;
                        case "true": return true;
                        case "false": return false;
                    }
                    throw Error("unexpected name '" + name + "' (only literals are accepted, not variables or expressions)", start);
                }
                throw Error("unexpected " + Describe(_p) + " where a value was expected", _p);
            }

            private object ParseTable(int depth)
            {
                int tableStart = _p;
                if (depth > MaxDepth)
                    throw Error("tables are nested more than " + MaxDepth + " levels deep", tableStart);
                _p++; // '{'
                var entries = new List<KeyValuePair<object, object>>();
                Dictionary<object, int> keys = null; // used once the table is large
                int nextIndex = 1;
                while (true)
                {
                    SkipWhitespace();
                    if (_p >= _s.Length)
                        throw Error("unfinished table (missing '}' for the '{' at byte " + tableStart + ")", _p);
                    if (_s[_p] == (byte)'}')
                    {
                        _p++;
                        break;
                    }

                    int fieldStart = _p;
                    object key;
                    object value;
                    byte c = _s[_p];
                    if (c == (byte)'[' && LongBracketLevel(_p) < 0)
                    {
                        _p++;
                        SkipWhitespace();
                        int keyStart = _p;
                        key = ParseValue(depth);
                        if (key == null)
                            throw Error("a table key is nil", keyStart);
                        SkipWhitespace();
                        Expect((byte)']', "']' after the table key");
                        SkipWhitespace();
                        Expect((byte)'=', "'=' after ']'");
                        SkipWhitespace();
                        value = ParseValue(depth);
                    }
                    else if (IsNameStart(c))
                    {
                        string name = ReadName();
                        if (name == "nil" || name == "true" || name == "false")
                        {
                            _p = fieldStart;
                            key = nextIndex++;
                            value = ParseValue(depth);
                        }
                        else
                        {
                            if (IsReservedWord(name))
                                throw Error("unexpected reserved word '" + name + "'", fieldStart);
                            SkipWhitespace();
                            if (_p >= _s.Length || _s[_p] != (byte)'=')
                                throw Error("unexpected name '" + name + "': a name must be followed by '=' (variables and expressions are not accepted)", fieldStart);
                            _p++;
                            SkipWhitespace();
                            key = name; // names are ASCII
                            value = ParseValue(depth);
                        }
                    }
                    else
                    {
                        key = nextIndex++;
                        value = ParseValue(depth);
                    }

                    AddEntry(entries, ref keys, key, value, fieldStart);

                    SkipWhitespace();
                    if (_p >= _s.Length)
                        throw Error("unfinished table (missing '}' for the '{' at byte " + tableStart + ")", _p);
                    byte sep = _s[_p];
                    if (sep == (byte)',' || sep == (byte)';')
                    {
                        _p++;
                        continue;
                    }
                    if (sep == (byte)'}')
                    {
                        _p++;
                        break;
                    }
                    throw Error("expected ',' or '}' in the table, found " + Describe(_p), _p);
                }
                return Classify(entries);
            }

            private void AddEntry(List<KeyValuePair<object, object>> entries, ref Dictionary<object, int> keys, object key, object value, int fieldStart)
            {
                const int LinearLimit = 8;
                bool duplicate = false;
                if (keys == null && entries.Count < LinearLimit)
                {
                    for (int i = 0; i < entries.Count; i++)
                    {
                        if (LuaKeyComparer.Instance.Equals(entries[i].Key, key))
                        {
                            duplicate = true;
                            break;
                        }
                    }
                }
                else
                {
                    if (keys == null)
                    {
                        keys = new Dictionary<object, int>(LuaKeyComparer.Instance);
                        for (int i = 0; i < entries.Count; i++)
                            keys[entries[i].Key] = i;
                    }
                    if (keys.ContainsKey(key)) duplicate = true;
                    else keys.Add(key, entries.Count);
                }
                if (duplicate)
                    throw Error("duplicate table key " + LuaTable.DescribeKey(key)
                                + (key is string ? " (or two keys that decode to the same text)" : ""), fieldStart);
                entries.Add(new KeyValuePair<object, object>(key, value));
            }

            private static object Classify(List<KeyValuePair<object, object>> entries)
            {
                int n = 0;
                bool allStrings = true;
                bool sequence = true;
                for (int i = 0; i < entries.Count; i++)
                    if (entries[i].Value != null) n++;
                if (n == 0)
                    return new object[0];
                for (int i = 0; i < entries.Count; i++)
                {
                    var e = entries[i];
                    if (e.Value == null) continue;
                    if (e.Key is int k)
                    {
                        allStrings = false;
                        if (k < 1 || k > n) sequence = false;
                    }
                    else
                    {
                        sequence = false;
                        if (!(e.Key is string)) allStrings = false;
                    }
                }
                if (sequence)
                {
                    // Keys are distinct integers in 1..n and there are n of them: a permutation.
                    var array = new object[n];
                    foreach (var e in entries)
                        if (e.Value != null) array[(int)e.Key - 1] = e.Value;
                    return array;
                }
                if (allStrings)
                {
                    var fields = new List<KeyValuePair<string, object>>(n);
                    foreach (var e in entries)
                        if (e.Value != null) fields.Add(new KeyValuePair<string, object>((string)e.Key, e.Value));
                    return new LuaRecord(fields);
                }
                var kept = new List<KeyValuePair<object, object>>(n);
                foreach (var e in entries)
                    if (e.Value != null) kept.Add(e);
                return new LuaTable(kept);
            }

            // ---------------------------------------------------------------- numbers

            private int ParseNumber(bool allowSign)
            {
                int start = _p;
                bool negative = false;
                if (_p < _s.Length && _s[_p] == (byte)'-')
                {
                    if (!allowSign)
                        throw Error("unexpected '-'", _p);
                    negative = true;
                    _p++;
                }
                if (_p >= _s.Length || !IsDigit(_s[_p]))
                    throw Error(negative ? "expected digits after '-'" : "expected a number", _p);

                int value;
                if (_s[_p] == (byte)'0' && _p + 1 < _s.Length && (_s[_p + 1] == (byte)'x' || _s[_p + 1] == (byte)'X'))
                {
                    _p += 2;
                    if (_p >= _s.Length || HexValue(_s[_p]) < 0)
                        throw Error("malformed number: no hexadecimal digits after '0x'", start);
                    uint acc = 0;
                    while (_p < _s.Length && HexValue(_s[_p]) >= 0)
                    {
                        acc = unchecked(acc * 16 + (uint)HexValue(_s[_p])); // wraps modulo 2^32 like CHDK
                        _p++;
                    }
                    value = unchecked((int)acc);
                    if (negative) value = unchecked(-value);
                }
                else
                {
                    long acc = 0;
                    while (_p < _s.Length && IsDigit(_s[_p]))
                    {
                        acc = acc * 10 + (_s[_p] - (byte)'0');
                        if (acc > 2147483648L)
                            throw Error("number out of range: CHDK Lua numbers are 32-bit integers", start);
                        _p++;
                    }
                    if (negative) acc = -acc;
                    if (acc > int.MaxValue)
                        throw Error("number out of range: CHDK Lua numbers are 32-bit integers", start);
                    value = (int)acc;
                }
                if (_p < _s.Length)
                {
                    byte c = _s[_p];
                    if (c == (byte)'.' || IsNameChar(c))
                        throw Error("malformed number (only integers are accepted: CHDK Lua numbers are 32-bit integers)", start);
                }
                return value;
            }

            /// <summary><c>( int ((+|-) int)* )</c>, as written for Int32.MinValue.</summary>
            private int ParseParenthesised()
            {
                int start = _p;
                _p++; // '('
                SkipWhitespace();
                long total = ParseNumber(true);
                while (true)
                {
                    SkipWhitespace();
                    if (_p >= _s.Length)
                        throw Error("unfinished parenthesised number", start);
                    byte c = _s[_p];
                    if (c == (byte)')')
                    {
                        _p++;
                        break;
                    }
                    if (c != (byte)'+' && c != (byte)'-')
                        throw Error("only integers added or subtracted are accepted in parentheses, found " + Describe(_p), _p);
                    _p++;
                    SkipWhitespace();
                    long operand = ParseNumber(false);
                    total = c == (byte)'+' ? total + operand : total - operand;
                    if (total < int.MinValue || total > int.MaxValue)
                        throw Error("number out of range: CHDK Lua numbers are 32-bit integers", start);
                }
                return (int)total;
            }

            // ---------------------------------------------------------------- strings

            private string ParseQuoted()
            {
                int start = _p;
                byte quote = _s[_p++];
                _len = 0;
                while (true)
                {
                    if (_p >= _s.Length)
                        throw Error("unfinished string (no closing quote)", start);
                    byte c = _s[_p];
                    if (c == quote)
                    {
                        _p++;
                        break;
                    }
                    if (c == (byte)'\n' || c == (byte)'\r')
                        throw Error("unfinished string (unescaped line break)", start);
                    if (c != (byte)'\\')
                    {
                        Append(c);
                        _p++;
                        continue;
                    }

                    int escStart = _p;
                    _p++;
                    if (_p >= _s.Length)
                        throw Error("unfinished string (input ends after '\\')", start);
                    byte e = _s[_p];
                    switch (e)
                    {
                        case (byte)'a': Append(7); _p++; break;
                        case (byte)'b': Append(8); _p++; break;
                        case (byte)'f': Append(12); _p++; break;
                        case (byte)'n': Append(10); _p++; break;
                        case (byte)'r': Append(13); _p++; break;
                        case (byte)'t': Append(9); _p++; break;
                        case (byte)'v': Append(11); _p++; break;
                        case (byte)'\\': Append((byte)'\\'); _p++; break;
                        case (byte)'"': Append((byte)'"'); _p++; break;
                        case (byte)'\'': Append((byte)'\''); _p++; break;
                        case (byte)'\n':
                        case (byte)'\r':
                            // backslash-newline (Lua 5.1 %q): a line break; \r\n and \n\r count as one
                            Append((byte)'\n');
                            _p++;
                            if (_p < _s.Length && (_s[_p] == (byte)'\n' || _s[_p] == (byte)'\r') && _s[_p] != e)
                                _p++;
                            break;
                        case (byte)'x':
                        {
                            _p++;
                            int h1 = _p < _s.Length ? HexValue(_s[_p]) : -1;
                            int h2 = _p + 1 < _s.Length ? HexValue(_s[_p + 1]) : -1;
                            if (h1 < 0 || h2 < 0)
                                throw Error("invalid escape: \\x needs two hexadecimal digits", escStart);
                            Append((byte)(h1 * 16 + h2));
                            _p += 2;
                            break;
                        }
                        case (byte)'z':
                            _p++;
                            while (_p < _s.Length && IsSpace(_s[_p])) _p++;
                            break;
                        case (byte)'u':
                            ParseUtf8Escape(escStart);
                            break;
                        default:
                            if (IsDigit(e))
                            {
                                int v = 0;
                                int digits = 0;
                                while (digits < 3 && _p < _s.Length && IsDigit(_s[_p]))
                                {
                                    v = v * 10 + (_s[_p] - (byte)'0');
                                    _p++;
                                    digits++;
                                }
                                if (v > 255)
                                    throw Error("invalid escape: decimal escape \\" + v + " is larger than 255", escStart);
                                Append((byte)v);
                                break;
                            }
                            throw Error("invalid escape sequence '\\" + DescribeByte(e) + "'", escStart);
                    }
                }
                return LuaText.Decode(new ReadOnlySpan<byte>(_buf ?? Array.Empty<byte>(), 0, _len));
            }

            private void ParseUtf8Escape(int escStart)
            {
                _p++; // 'u'
                if (_p >= _s.Length || _s[_p] != (byte)'{')
                    throw Error("invalid escape: expected '{' after \\u", escStart);
                _p++;
                if (_p >= _s.Length || HexValue(_s[_p]) < 0)
                    throw Error("invalid escape: \\u{ needs hexadecimal digits", escStart);
                long cp = 0;
                while (_p < _s.Length && HexValue(_s[_p]) >= 0)
                {
                    cp = cp * 16 + HexValue(_s[_p]);
                    if (cp > 0x7FFFFFFFL)
                        throw Error("invalid escape: \\u{...} value is larger than 7FFFFFFF", escStart);
                    _p++;
                }
                if (_p >= _s.Length || _s[_p] != (byte)'}')
                    throw Error("invalid escape: missing '}' after \\u{", escStart);
                _p++;
                // Lua's extended UTF-8 (up to 6 bytes, surrogates allowed): same bytes as luaO_utf8esc.
                uint x = (uint)cp;
                if (x < 0x80)
                {
                    Append((byte)x);
                    return;
                }
                Span<byte> tmp = stackalloc byte[8];
                int n = 0;
                uint mfb = 0x3f;
                do
                {
                    tmp[7 - n] = (byte)(0x80 | (x & 0x3f));
                    n++;
                    x >>= 6;
                    mfb >>= 1;
                } while (x > mfb);
                tmp[7 - n] = (byte)(((~mfb << 1) | x) & 0xFF);
                for (int i = 7 - n; i < 8; i++) Append(tmp[i]);
            }

            /// <summary>If a long bracket <c>[==[</c> opens at <paramref name="at"/>, its level; else -1.</summary>
            private int LongBracketLevel(int at)
            {
                if (at >= _s.Length || _s[at] != (byte)'[') return -1;
                int i = at + 1;
                int level = 0;
                while (i < _s.Length && _s[i] == (byte)'=')
                {
                    level++;
                    i++;
                }
                if (i < _s.Length && _s[i] == (byte)'[') return level;
                if (level > 0)
                    throw Error("invalid long string delimiter", at);
                return -1;
            }

            private string ParseLongString()
            {
                int start = _p;
                int level = LongBracketLevel(_p);
                _p += level + 2;
                _len = 0;
                // A line break right after the opening bracket is skipped.
                if (_p < _s.Length && (_s[_p] == (byte)'\n' || _s[_p] == (byte)'\r'))
                    SkipLineBreak();
                while (true)
                {
                    if (_p >= _s.Length)
                        throw Error("unfinished long string", start);
                    byte c = _s[_p];
                    if (c == (byte)']')
                    {
                        int i = _p + 1;
                        int eq = 0;
                        while (i < _s.Length && _s[i] == (byte)'=')
                        {
                            eq++;
                            i++;
                        }
                        if (eq == level && i < _s.Length && _s[i] == (byte)']')
                        {
                            _p = i + 1;
                            break;
                        }
                        // Not the closing bracket: keep ']' and the '='s; a following ']' may still close.
                        for (int k = _p; k < i; k++) Append(_s[k]);
                        _p = i;
                        continue;
                    }
                    if (c == (byte)'\n' || c == (byte)'\r')
                    {
                        Append((byte)'\n');
                        SkipLineBreak();
                        continue;
                    }
                    Append(c);
                    _p++;
                }
                return LuaText.Decode(new ReadOnlySpan<byte>(_buf ?? Array.Empty<byte>(), 0, _len));
            }

            private void SkipLineBreak()
            {
                byte first = _s[_p];
                _p++;
                if (_p < _s.Length && (_s[_p] == (byte)'\n' || _s[_p] == (byte)'\r') && _s[_p] != first)
                    _p++;
            }

            // ---------------------------------------------------------------- lexical helpers

            private void Append(byte b)
            {
                if (_buf == null)
                    _buf = new byte[64];
                else if (_len == _buf.Length)
                    Array.Resize(ref _buf, _buf.Length * 2);
                _buf[_len++] = b;
            }

            private string ReadName()
            {
                int start = _p;
                while (_p < _s.Length && IsNameChar(_s[_p])) _p++;
                var chars = new char[_p - start];
                for (int i = 0; i < chars.Length; i++) chars[i] = (char)_s[start + i];
                return new string(chars);
            }

            private void Expect(byte b, string what)
            {
                if (_p >= _s.Length)
                    throw Error("expected " + what + ", found the end of the input", _p);
                if (_s[_p] != b)
                    throw Error("expected " + what + ", found " + Describe(_p), _p);
                _p++;
            }

            private void SkipWhitespace()
            {
                while (_p < _s.Length && IsSpace(_s[_p])) _p++;
            }

            private string Describe(int at)
            {
                if (at >= _s.Length) return "the end of the input";
                return "'" + DescribeByte(_s[at]) + "'";
            }

            private static string DescribeByte(byte b)
            {
                if (b >= 0x21 && b <= 0x7E) return ((char)b).ToString();
                return "<0x" + b.ToString("X2") + ">";
            }

            private LuaValueFormatException Error(string reason, int position) => new LuaValueFormatException(reason, position);

            private static bool IsDigit(byte c) => c >= (byte)'0' && c <= (byte)'9';

            private static bool IsNameStart(byte c) => c == (byte)'_' || (c >= (byte)'a' && c <= (byte)'z') || (c >= (byte)'A' && c <= (byte)'Z');

            private static bool IsNameChar(byte c) => IsNameStart(c) || IsDigit(c);

            private static bool IsSpace(byte c) => c == (byte)' ' || (c >= 9 && c <= 13); // \t \n \v \f \r

            private static int HexValue(byte c)
            {
                if (c >= (byte)'0' && c <= (byte)'9') return c - '0';
                if (c >= (byte)'a' && c <= (byte)'f') return c - 'a' + 10;
                if (c >= (byte)'A' && c <= (byte)'F') return c - 'A' + 10;
                return -1;
            }

            private static bool IsReservedWord(string name)
            {
                switch (name)
                {
                    case "and": case "break": case "do": case "else": case "elseif": case "end":
                    case "false": case "for": case "function": case "goto": case "if": case "in":
                    case "local": case "nil": case "not": case "or": case "repeat": case "return":
                    case "then": case "true": case "until": case "while":
                        return true;
                    default:
                        return false;
                }
            }
        }
    }
}
