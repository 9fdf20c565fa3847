using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace ChdkPtp.Protocol.Chdk.Scripting
{
    /// <summary>
    /// Writes .NET values as Lua 5.1 literals that CHDK's Lua (32-bit integer numbers) evaluates to the
    /// same value. The output contains only printable ASCII, strings are fully escaped, and nothing but
    /// literals and table constructors is ever produced, so no value can inject code.
    /// </summary>
    /// <remarks>
    /// <list type="table">
    /// <listheader><term>.NET value</term><description>Lua literal</description></listheader>
    /// <item><term>null</term><description><c>nil</c></description></item>
    /// <item><term>bool</term><description><c>true</c> / <c>false</c></description></item>
    /// <item><term>sbyte, byte, short, ushort, int, uint, long, ulong, BigInteger, enums</term><description>
    /// a decimal integer. Values in Int32 range are written as they are; values above Int32.MaxValue up
    /// to UInt32.MaxValue wrap to the negative number with the same 32 bits (0xFFFFFFFF is -1), as
    /// chdkptp does; anything else is an error. Int32.MinValue is written <c>(-2147483647-1)</c>
    /// because CHDK's lexer would saturate the literal 2147483648.</description></item>
    /// <item><term>float, double, decimal</term><description>only an integral value in Int32 range
    /// (CHDK Lua numbers are 32-bit integers); otherwise an error.</description></item>
    /// <item><term>string, char</term><description>a double-quoted string of the UTF-8 bytes:
    /// printable ASCII other than <c>"</c> and <c>\</c> as is, every other byte as a 3-digit
    /// <c>\ddd</c> escape. An unpaired surrogate is an error.</description></item>
    /// <item><term>byte[], ArraySegment&lt;byte&gt;, (ReadOnly)Memory&lt;byte&gt;</term><description>a
    /// string of exactly those bytes.</description></item>
    /// <item><term><see cref="LuaRecord"/>, <see cref="LuaTable"/>, IDictionary</term><description>
    /// <c>{[k]=v,...}</c> in enumeration order. IDictionary keys must be strings, chars or integral
    /// (enums included); entries whose value is null are left out (a nil value is no entry in Lua);
    /// two keys that become the same Lua key (1 and 1L) are an error. <see cref="LuaTable"/> keys may
    /// also be booleans and tables.</description></item>
    /// <item><term>any other IEnumerable</term><description><c>{v1,v2,...}</c>; a null item is
    /// written <c>nil</c> in its place.</description></item>
    /// </list>
    /// <para>Tables nest at most <see cref="MaxDepth"/> deep; a reference cycle is an error. Anything
    /// else (DateTime, Guid, arbitrary objects) is an error naming the type. All errors are
    /// <see cref="LuaSerializationException"/> naming the path of the offending element, e.g.
    /// <c>[3].name</c> (positions in lists count from 1, as Lua keys do).</para>
    /// </remarks>
    public static class LuaLiteralWriter
    {
        /// <summary>The deepest nesting of tables accepted (the outermost table is level 1).</summary>
        public const int MaxDepth = 64;

        /// <summary>The literal for Int32.MinValue.</summary>
        internal const string IntMinLiteral = "(-2147483647-1)";

        /// <summary>Writes <paramref name="value"/> as a Lua literal.</summary>
        /// <exception cref="LuaSerializationException">The value, or an element of it, cannot be written.</exception>
        public static string Write(object value)
        {
            var sb = new StringBuilder();
            Write(sb, value);
            return sb.ToString();
        }

        /// <summary>Appends <paramref name="value"/> as a Lua literal to <paramref name="output"/>.</summary>
        /// <exception cref="LuaSerializationException">The value, or an element of it, cannot be written;
        /// <paramref name="output"/> may then hold part of the literal.</exception>
        public static void Write(StringBuilder output, object value)
        {
            Write(output, value, null);
        }

        internal static void Write(StringBuilder output, object value, string rootName)
        {
            if (output == null) throw new ArgumentNullException(nameof(output));
            new Context(output, rootName).WriteValue(value, 0);
        }

        /// <summary>Writes a .NET string as a Lua string literal (UTF-8 bytes, escaped).</summary>
        /// <exception cref="LuaSerializationException">The string has an unpaired surrogate.</exception>
        public static void WriteString(StringBuilder output, string value)
        {
            if (output == null) throw new ArgumentNullException(nameof(output));
            if (value == null) throw new ArgumentNullException(nameof(value));
            new Context(output, null).WriteText(value);
        }

        /// <summary>For ToString of decoded tables: the literal, or null if it cannot be written.</summary>
        internal static string TryWriteForDisplay(object value)
        {
            try
            {
                return Write(value);
            }
            catch (LuaSerializationException)
            {
                return null;
            }
        }

        /// <summary>Appends the escaped string literal of raw bytes.</summary>
        internal static void AppendBytesLiteral(StringBuilder sb, ReadOnlySpan<byte> bytes)
        {
            sb.Append('"');
            for (int i = 0; i < bytes.Length; i++)
            {
                byte b = bytes[i];
                if (b >= 0x20 && b <= 0x7E && b != (byte)'"' && b != (byte)'\\')
                {
                    sb.Append((char)b);
                }
                else
                {
                    sb.Append('\\');
                    sb.Append((char)('0' + b / 100));
                    sb.Append((char)('0' + b / 10 % 10));
                    sb.Append((char)('0' + b % 10));
                }
            }
            sb.Append('"');
        }

        internal static void AppendInt(StringBuilder sb, int v)
        {
            if (v == int.MinValue) sb.Append(IntMinLiteral);
            else sb.Append(v.ToString(CultureInfo.InvariantCulture));
        }

        private sealed class Context
        {
            private readonly StringBuilder _sb;
            private readonly string _rootName;
            private readonly List<object> _path = new List<object>();
            private readonly HashSet<object> _active = new HashSet<object>(ReferenceComparer.Instance);

            public Context(StringBuilder sb, string rootName)
            {
                _sb = sb;
                _rootName = rootName;
            }

            public void WriteValue(object value, int depth)
            {
                switch (value)
                {
                    case null:
                        _sb.Append("nil");
                        return;
                    case bool b:
                        _sb.Append(b ? "true" : "false");
                        return;
                    case string s:
                        WriteText(s);
                        return;
                    case char c:
                        WriteText(c.ToString());
                        return;
                    case byte[] bytes:
                        AppendBytesLiteral(_sb, bytes);
                        return;
                    case ArraySegment<byte> seg:
                        AppendBytesLiteral(_sb, seg.Array == null ? default(ReadOnlySpan<byte>) : new ReadOnlySpan<byte>(seg.Array, seg.Offset, seg.Count));
                        return;
                    case ReadOnlyMemory<byte> rom:
                        AppendBytesLiteral(_sb, rom.Span);
                        return;
                    case Memory<byte> mem:
                        AppendBytesLiteral(_sb, mem.Span);
                        return;
                    case LuaRecord record:
                        WriteRecord(record, depth);
                        return;
                    case LuaTable table:
                        WriteLuaTable(table, depth);
                        return;
                    case IDictionary dict:
                        WriteDictionary(dict, depth);
                        return;
                }

                if (TryGetInteger(value, out int n, out string numberError))
                {
                    AppendInt(_sb, n);
                    return;
                }
                if (numberError != null)
                    throw Fail(numberError);

                if (value is IEnumerable seq)
                {
                    WriteSequence(seq, depth);
                    return;
                }

                throw Fail("unsupported type " + value.GetType().FullName
                           + " (accepted: null, bool, integers, integral floating-point numbers, strings, chars, byte arrays, dictionaries, LuaRecord, LuaTable, and other enumerables)");
            }

            public void WriteText(string s)
            {
                byte[] bytes;
                try
                {
                    bytes = LuaText.Encode(s);
                }
                catch (ArgumentException ex)
                {
                    throw Fail("the string contains an unpaired surrogate and has no UTF-8 form", ex);
                }
                AppendBytesLiteral(_sb, bytes);
            }

            private void Enter(object table, int depth)
            {
                if (depth + 1 > MaxDepth)
                    throw Fail("tables are nested more than " + MaxDepth + " levels deep");
                if (!_active.Add(table))
                    throw Fail("reference cycle: the value contains itself");
            }

            private void Leave(object table) => _active.Remove(table);

            private void WriteSequence(IEnumerable seq, int depth)
            {
                Enter(seq, depth);
                _sb.Append('{');
                int index = 0;
                foreach (object item in seq)
                {
                    if (index > 0) _sb.Append(',');
                    index++;
                    _path.Add(index);
                    WriteValue(item, depth + 1);
                    _path.RemoveAt(_path.Count - 1);
                }
                _sb.Append('}');
                Leave(seq);
            }

            private void WriteRecord(LuaRecord record, int depth)
            {
                Enter(record, depth);
                _sb.Append('{');
                bool first = true;
                foreach (var field in record.Fields)
                {
                    if (!first) _sb.Append(',');
                    first = false;
                    _path.Add(field.Key);
                    _sb.Append('[');
                    WriteText(field.Key);
                    _sb.Append("]=");
                    WriteValue(field.Value, depth + 1);
                    _path.RemoveAt(_path.Count - 1);
                }
                _sb.Append('}');
                Leave(record);
            }

            private void WriteLuaTable(LuaTable table, int depth)
            {
                Enter(table, depth);
                _sb.Append('{');
                bool first = true;
                foreach (var entry in table.Entries)
                {
                    if (!first) _sb.Append(',');
                    first = false;
                    _path.Add(new KeyStep(entry.Key));
                    _sb.Append('[');
                    if (entry.Key is IEnumerable && !(entry.Key is string) || entry.Key is bool)
                        WriteValue(entry.Key, depth + 1);
                    else
                        WriteKey(entry.Key, null);
                    _sb.Append("]=");
                    WriteValue(entry.Value, depth + 1);
                    _path.RemoveAt(_path.Count - 1);
                }
                _sb.Append('}');
                Leave(table);
            }

            private void WriteDictionary(IDictionary dict, int depth)
            {
                Enter(dict, depth);
                _sb.Append('{');
                bool first = true;
                var seen = new HashSet<object>();
                IDictionaryEnumerator entries = dict.GetEnumerator();
                while (entries.MoveNext())
                {
                    object key = entries.Key;
                    object value = entries.Value;
                    if (value == null)
                        continue;
                    _path.Add(new KeyStep(key));
                    if (!first) _sb.Append(',');
                    first = false;
                    _sb.Append('[');
                    WriteKey(key, seen);
                    _sb.Append("]=");
                    WriteValue(value, depth + 1);
                    _path.RemoveAt(_path.Count - 1);
                }
                _sb.Append('}');
                Leave(dict);
            }

            /// <summary>Writes a string or integral key; records it in <paramref name="seen"/> to catch keys that collide in Lua.</summary>
            private void WriteKey(object key, HashSet<object> seen)
            {
                object luaKey;
                switch (key)
                {
                    case null:
                        throw Fail("a table key is null");
                    case string s:
                        luaKey = s;
                        break;
                    case char c:
                        luaKey = c.ToString();
                        break;
                    default:
                        if (TryGetInteger(key, out int n, out string error) && !(key is float || key is double || key is decimal))
                        {
                            luaKey = n;
                            break;
                        }
                        if (error != null && !(key is float || key is double || key is decimal))
                            throw Fail("key " + error);
                        throw Fail("unsupported key type " + key.GetType().FullName + " (keys must be strings or integers)");
                }
                if (seen != null && !seen.Add(luaKey))
                    throw Fail("two keys become the same Lua key " + (luaKey is string ? "\"" + luaKey + "\"" : luaKey.ToString()));
                if (luaKey is string text) WriteText(text);
                else AppendInt(_sb, (int)luaKey);
            }

            /// <summary>
            /// True with the 32-bit value if <paramref name="value"/> is a number CHDK can hold; false with
            /// an error if it is a number that cannot be written; false with no error if it is not a number.
            /// </summary>
            private static bool TryGetInteger(object value, out int result, out string error)
            {
                result = 0;
                error = null;
                switch (value)
                {
                    case int i: result = i; return true;
                    case short s: result = s; return true;
                    case sbyte sb: result = sb; return true;
                    case byte b: result = b; return true;
                    case ushort us: result = us; return true;
                    case uint ui: result = unchecked((int)ui); return true;
                    case long l: return FromInt64(l, out result, out error);
                    case ulong ul:
                        if (ul <= uint.MaxValue) { result = unchecked((int)(uint)ul); return true; }
                        error = OutOfRange(ul.ToString(CultureInfo.InvariantCulture));
                        return false;
                    case BigInteger big:
                        if (big >= long.MinValue && big <= long.MaxValue) return FromInt64((long)big, out result, out error);
                        error = OutOfRange(big.ToString(CultureInfo.InvariantCulture));
                        return false;
                    case Enum e:
                        switch (Convert.GetTypeCode(e))
                        {
                            case TypeCode.Byte:
                            case TypeCode.UInt16:
                            case TypeCode.UInt32:
                            case TypeCode.UInt64:
                                ulong u = Convert.ToUInt64(e, CultureInfo.InvariantCulture);
                                if (u <= uint.MaxValue) { result = unchecked((int)(uint)u); return true; }
                                error = OutOfRange(u.ToString(CultureInfo.InvariantCulture));
                                return false;
                            default:
                                return FromInt64(Convert.ToInt64(e, CultureInfo.InvariantCulture), out result, out error);
                        }
                    case double d: return FromDouble(d, d.ToString("R", CultureInfo.InvariantCulture), out result, out error);
                    case float f: return FromDouble(f, f.ToString("R", CultureInfo.InvariantCulture), out result, out error);
                    case decimal m:
                        if (m == decimal.Truncate(m) && m >= int.MinValue && m <= int.MaxValue) { result = (int)m; return true; }
                        error = NotInteger(m.ToString(CultureInfo.InvariantCulture));
                        return false;
                    default:
                        return false;
                }
            }

            private static bool FromInt64(long l, out int result, out string error)
            {
                error = null;
                result = 0;
                if (l >= int.MinValue && l <= uint.MaxValue)
                {
                    result = unchecked((int)l);
                    return true;
                }
                error = OutOfRange(l.ToString(CultureInfo.InvariantCulture));
                return false;
            }

            private static bool FromDouble(double d, string text, out int result, out string error)
            {
                error = null;
                result = 0;
                if (!double.IsNaN(d) && !double.IsInfinity(d) && Math.Floor(d) == d && d >= int.MinValue && d <= int.MaxValue)
                {
                    result = (int)d;
                    return true;
                }
                error = NotInteger(text);
                return false;
            }

            private static string OutOfRange(string text) =>
                "integer " + text + " is out of range: CHDK Lua numbers are 32-bit integers (Int32, or UInt32 values that wrap to negative)";

            private static string NotInteger(string text) =>
                "the number " + text + " cannot be written: CHDK Lua numbers are 32-bit integers";

            private LuaSerializationException Fail(string reason, Exception inner = null) =>
                new LuaSerializationException(reason, FormatPath(), inner);

            private string FormatPath()
            {
                var sb = new StringBuilder();
                foreach (object step in _path)
                {
                    switch (step)
                    {
                        case int index:
                            sb.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
                            break;
                        case string name:
                            AppendName(sb, name);
                            break;
                        case KeyStep k:
                            if (k.Key is string ks) AppendName(sb, ks);
                            else sb.Append('[').Append(DescribeKeyForPath(k.Key)).Append(']');
                            break;
                    }
                }
                if (_rootName == null) return sb.ToString();
                return sb.Length == 0 ? _rootName : _rootName + ": " + sb;
            }

            private static void AppendName(StringBuilder sb, string name)
            {
                if (IsIdentifier(name))
                {
                    if (sb.Length > 0) sb.Append('.');
                    sb.Append(name);
                }
                else
                {
                    sb.Append("[\"");
                    foreach (char c in name)
                    {
                        if (c == '"' || c == '\\') sb.Append('\\').Append(c);
                        else if (c < 0x20 || c == 0x7F) sb.Append("\\").Append(((int)c).ToString(CultureInfo.InvariantCulture));
                        else sb.Append(c);
                    }
                    sb.Append("\"]");
                }
            }

            private static string DescribeKeyForPath(object key)
            {
                switch (key)
                {
                    case null: return "nil";
                    case bool b: return b ? "true" : "false";
                    case IFormattable f: return f.ToString(null, CultureInfo.InvariantCulture);
                    case LuaRecord _:
                    case LuaTable _:
                    case IEnumerable _: return "<table>";
                    default: return key.ToString();
                }
            }

            private static bool IsIdentifier(string s)
            {
                if (s.Length == 0) return false;
                char c0 = s[0];
                if (!(c0 == '_' || (c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z'))) return false;
                foreach (char c in s)
                    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
                return true;
            }
        }

        /// <summary>A dictionary key on the error path (distinguishes an integer key from a list position).</summary>
        private sealed class KeyStep
        {
            public KeyStep(object key) { Key = key; }
            public object Key { get; }
        }

        private sealed class ReferenceComparer : IEqualityComparer<object>
        {
            public static readonly ReferenceComparer Instance = new ReferenceComparer();
            public new bool Equals(object x, object y) => ReferenceEquals(x, y);
            public int GetHashCode(object obj) => RuntimeHelpers.GetHashCode(obj);
        }
    }
}
