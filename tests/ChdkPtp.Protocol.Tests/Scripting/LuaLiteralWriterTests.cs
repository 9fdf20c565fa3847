using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using System.Numerics;
using System.Text;
using ChdkPtp.Protocol.Chdk.Scripting;

namespace ChdkPtp.Protocol.Tests.Scripting
{
    public class LuaLiteralWriterTests
    {
        private enum Color { Red = 1, Blue = -7 }
        private enum Small : byte { Max = 255 }
        private enum Big : ulong { Wraps = 0xFFFFFFFF, TooBig = 0x100000000 }
        private enum Wide : long { Low = -3_000_000_000 }

        private static string W(object v) => LuaLiteralWriter.Write(v);

        private static LuaSerializationException Fails(object v) => Assert.Throws<LuaSerializationException>(() => LuaLiteralWriter.Write(v));

        [Fact]
        public void Nil_and_booleans()
        {
            Assert.Equal("nil", W(null));
            Assert.Equal("true", W(true));
            Assert.Equal("false", W(false));
        }

        public static IEnumerable<object[]> IntegerCases() => new[]
        {
            new object[] { 0, "0" },
            new object[] { -5, "-5" },
            new object[] { int.MaxValue, "2147483647" },
            new object[] { int.MinValue, "(-2147483647-1)" },
            new object[] { (sbyte)-128, "-128" },
            new object[] { (byte)255, "255" },
            new object[] { (short)-32768, "-32768" },
            new object[] { (ushort)65535, "65535" },
            new object[] { 7u, "7" },
            new object[] { 0xFFFFFFFFu, "-1" },
            new object[] { 0x80000000u, "(-2147483647-1)" },
            new object[] { 2147483648L, "(-2147483647-1)" },
            new object[] { 4294967295L, "-1" },
            new object[] { -2147483648L, "(-2147483647-1)" },
            new object[] { 12L, "12" },
            new object[] { 4294967294UL, "-2" },
            new object[] { new BigInteger(4294967295), "-1" },
            new object[] { Color.Blue, "-7" },
            new object[] { Small.Max, "255" },
            new object[] { Big.Wraps, "-1" },
            new object[] { 3.0, "3" },
            new object[] { -0.0, "0" },
            new object[] { 2147483647.0, "2147483647" },
            new object[] { -2147483648.0, "(-2147483647-1)" },
            new object[] { 16f, "16" },
            new object[] { 42m, "42" },
            new object[] { -42.000m, "-42" },
        };

        [Theory]
        [MemberData(nameof(IntegerCases))]
        public void Integers(object value, string expected)
        {
            Assert.Equal(expected, W(value));
        }

        public static IEnumerable<object[]> BadNumberCases() => new[]
        {
            new object[] { 4294967296L },
            new object[] { -2147483649L },
            new object[] { long.MaxValue },
            new object[] { long.MinValue },
            new object[] { ulong.MaxValue },
            new object[] { 4294967296UL },
            new object[] { BigInteger.Pow(2, 80) },
            new object[] { Big.TooBig },
            new object[] { Wide.Low },
            new object[] { 1.5 },
            new object[] { 2147483648.0 },
            new object[] { 4294967295.0 },   // floating point values do not wrap
            new object[] { double.NaN },
            new object[] { double.PositiveInfinity },
            new object[] { 0.1f },
            new object[] { 0.5m },
            new object[] { 3000000000m },
        };

        [Theory]
        [MemberData(nameof(BadNumberCases))]
        public void Numbers_that_chdk_cannot_hold_are_errors(object value)
        {
            var ex = Fails(value);
            Assert.Contains("32-bit integers", ex.Message);
            Assert.IsAssignableFrom<ArgumentException>(ex);
        }

        [Theory]
        [InlineData("", "\"\"")]
        [InlineData("abc", "\"abc\"")]
        [InlineData("say \"hi\"", "\"say \\034hi\\034\"")]
        [InlineData("back\\slash", "\"back\\092slash\"")]
        [InlineData("a\nb", "\"a\\010b\"")]
        [InlineData("\r\t\0", "\"\\013\\009\\000\"")]
        [InlineData("\u007F", "\"\\127\"")]
        [InlineData("\u00E9", "\"\\195\\169\"")]
        [InlineData("\U0001F4F7", "\"\\240\\159\\147\\183\"")]
        [InlineData("\u00001", "\"\\0001\"")]       // a digit after an escape is never absorbed
        [InlineData("' ~ ]] [[ --", "\"' ~ ]] [[ --\"")]
        public void Strings_escape_everything_but_printable_ascii(string value, string expected)
        {
            Assert.Equal(expected, W(value));
            Assert.Equal(value, LuaValueReader.Parse(W(value)));
        }

        [Fact]
        public void Chars_are_one_character_strings()
        {
            Assert.Equal("\"x\"", W('x'));
            Assert.Equal("\"\\226\\130\\172\"", W('\u20AC'));
            Fails('\uD800');
        }

        [Fact]
        public void Unpaired_surrogates_are_errors()
        {
            var ex = Fails(new object[] { "ok", "bad\uDC00" });
            Assert.Equal("[2]", ex.Path);
            Assert.Contains("surrogate", ex.Message);
        }

        [Fact]
        public void Byte_arrays_are_binary_strings()
        {
            Assert.Equal("\"\\000\\255A\\034\"", W(new byte[] { 0, 255, 65, 34 }));
            Assert.Equal("\"\"", W(new byte[0]));
            Assert.Equal("\"BC\"", W(new ArraySegment<byte>(new byte[] { 65, 66, 67, 68 }, 1, 2)));
            Assert.Equal("\"AB\"", W(new ReadOnlyMemory<byte>(new byte[] { 65, 66 })));
            var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
            string lit = W(all);
            Assert.All(lit, c => Assert.InRange(c, ' ', '~'));
            Assert.Equal(LuaText.Decode(all), LuaValueReader.Parse(lit));
        }

        [Fact]
        public void Hostile_strings_stay_inside_the_literal()
        {
            string[] attacks =
            {
                "\"); os.remove('A/DCIM') --",
                "]] .. os.execute('x') .. [[",
                "\\\"); error('pwned') --",
                "\n return 1 --",
                "\0\"\\",
            };
            foreach (string a in attacks)
            {
                string lit = W(a);
                Assert.StartsWith("\"", lit);
                Assert.EndsWith("\"", lit);
                // Inside the quotes there is no quote that is not escaped as \034.
                Assert.DoesNotContain("\"", lit.Substring(1, lit.Length - 2));
                Assert.All(lit, c => Assert.InRange(c, ' ', '~'));
                Assert.Equal(a, LuaValueReader.Parse(lit));
            }
        }

        [Fact]
        public void Dictionaries_use_bracketed_keys_in_enumeration_order()
        {
            var od = new OrderedDictionary { { "z", 1 }, { "a b", "x" }, { 3, true }, { (byte)4, false } };
            Assert.Equal("{[\"z\"]=1,[\"a b\"]=\"x\",[3]=true,[4]=false}", W(od));
            Assert.Equal("{}", W(new Dictionary<string, object>()));
            Assert.Equal("{[\"c\"]=\"v\"}", W(new Dictionary<char, string> { ['c'] = "v" }));
            Assert.Equal("{[1]=2}", W(new Dictionary<Color, int> { [Color.Red] = 2 }));
            Assert.Equal("{[-1]=1}", W(new Dictionary<uint, int> { [0xFFFFFFFF] = 1 }));
        }

        [Fact]
        public void Dictionary_entries_with_null_values_are_left_out()
        {
            var d = new OrderedDictionary { { "a", null }, { "b", 1 }, { "c", null } };
            Assert.Equal("{[\"b\"]=1}", W(d));
        }

        [Fact]
        public void Dictionary_keys_that_collide_in_lua_are_errors()
        {
            var ex = Fails(new Hashtable { { 1, "int" }, { 1L, "long" } });
            Assert.Contains("same Lua key", ex.Message);
            Fails(new Hashtable { { -1, "a" }, { 0xFFFFFFFFu, "b" } });
            Fails(new Hashtable { { "x", "a" }, { 'x', "b" } });
        }

        [Fact]
        public void Unsupported_dictionary_keys_are_errors()
        {
            Assert.Contains("key", Fails(new Hashtable { { true, 1 } }).Message);
            Assert.Contains("System.DateTime", Fails(new Hashtable { { DateTime.UnixEpoch, 1 } }).Message);
            Fails(new Hashtable { { 1.0, 1 } });
            Assert.Contains("32-bit", Fails(new Hashtable { { 5_000_000_000L, 1 } }).Message);
            Fails(new Dictionary<object, object> { [new object[] { 1 }] = 1 });
        }

        [Fact]
        public void Enumerables_are_positional_with_nil_in_place()
        {
            Assert.Equal("{1,nil,\"x\"}", W(new List<object> { 1, null, "x" }));
            Assert.Equal("{1,2,3}", W(new[] { 1, 2, 3 }));
            Assert.Equal("{}", W(new object[0]));
            Assert.Equal("{{1},{}}", W(new object[] { new[] { 1 }, new int[0] }));
            Assert.Equal("{2,4}", W(Enumerable.Range(1, 2).Select(i => i * 2)));
            Assert.Equal("{true,\"s\"}", W(new ArrayList { true, "s" }));
        }

        [Fact]
        public void Lua_records_and_tables_round_trip()
        {
            var rec = (LuaRecord)LuaValueReader.Parse("{b=1,a={x='y'}}");
            Assert.Equal("{[\"b\"]=1,[\"a\"]={[\"x\"]=\"y\"}}", W(rec));
            var t = (LuaTable)LuaValueReader.Parse("{[true]=1,[{1}]=2,[0]='z',w=false}");
            string lit = W(t);
            Assert.Equal("{[true]=1,[{1}]=2,[0]=\"z\",[\"w\"]=false}", lit);
            LuaAssert.DeepEqual(t, LuaValueReader.Parse(lit));
        }

        [Fact]
        public void Shared_references_that_are_not_cycles_are_written_twice()
        {
            var shared = new List<object> { 1 };
            Assert.Equal("{{1},{1}}", W(new object[] { shared, shared }));
        }

        [Fact]
        public void Reference_cycles_are_errors_with_a_path()
        {
            var list = new List<object> { 1, 2 };
            list.Add(new Dictionary<string, object> { ["self"] = list });
            var ex = Fails(list);
            Assert.Contains("cycle", ex.Message);
            Assert.Equal("[3].self", ex.Path);

            var h = new Hashtable();
            h["me"] = h;
            Assert.Equal("me", Fails(h).Path);
        }

        [Fact]
        public void Depth_is_limited()
        {
            object v = new object[0];
            for (int i = 1; i < LuaLiteralWriter.MaxDepth; i++) v = new[] { v };
            string lit = W(v); // exactly MaxDepth levels
            Assert.Equal(new string('{', LuaLiteralWriter.MaxDepth) + new string('}', LuaLiteralWriter.MaxDepth), lit);
            Assert.IsType<object[]>(LuaValueReader.Parse(lit));

            var ex = Fails(new[] { v });
            Assert.Contains("nested", ex.Message);
            Assert.Equal(string.Concat(Enumerable.Repeat("[1]", LuaLiteralWriter.MaxDepth)), ex.Path);
        }

        [Fact]
        public void Unsupported_types_are_errors_naming_type_and_path()
        {
            var value = new object[] { 1, 2, new Dictionary<string, object> { ["name"] = DateTime.UnixEpoch } };
            var ex = Fails(value);
            Assert.Equal("[3].name", ex.Path);
            Assert.Contains("System.DateTime", ex.Message);
            Assert.Contains("[3].name", ex.Message);

            Assert.Contains("System.Guid", Fails(Guid.Empty).Message);
            Assert.Contains("System.Object", Fails(new object()).Message);
            Assert.Contains("System.TimeSpan", Fails(TimeSpan.Zero).Message);
            Assert.Equal("", Fails(IntPtr.Zero).Path);

            var odd = new Dictionary<string, object> { ["a b"] = new object[] { Guid.Empty } };
            Assert.Equal("[\"a b\"][1]", Fails(odd).Path);
            var intKey = new Dictionary<int, object> { [7] = Guid.Empty };
            Assert.Equal("[7]", Fails(intKey).Path);
        }

        [Fact]
        public void Output_is_printable_ascii_and_parses_back()
        {
            var value = new OrderedDictionary
            {
                { "list", new object[] { 1, "two", new byte[] { 0, 200 }, null, 4 } },
                { "map", new Dictionary<int, object> { [2] = "b", [1] = "a" } },
                { "min", int.MinValue },
                { "text", "Zo\u00EB \u20AC\n" },
            };
            string lit = W(value);
            Assert.All(lit, c => Assert.InRange(c, ' ', '~'));
            var r = Assert.IsType<LuaRecord>(LuaValueReader.Parse(lit));
            var list = Assert.IsType<LuaTable>(r["list"]);       // the nil at [4] leaves a hole
            Assert.Equal(new object[] { 1, 2, 3, 5 }, list.Keys.ToArray());
            Assert.Equal(LuaText.Decode(new byte[] { 0, 200 }), list[3]);
            LuaAssert.DeepEqual(new object[] { "a", "b" }, r["map"]);
            Assert.Equal(int.MinValue, r["min"]);
            Assert.Equal("Zo\u00EB \u20AC\n", r["text"]);
        }

        [Fact]
        public void Write_to_string_builder_appends()
        {
            var sb = new StringBuilder("x=");
            LuaLiteralWriter.Write(sb, new[] { 1 });
            Assert.Equal("x={1}", sb.ToString());
        }
    }
}
