using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ChdkPtp.Protocol.Chdk.Scripting;

namespace ChdkPtp.Protocol.Tests.Scripting
{
    public class LuaValueReaderTests
    {
        private static object P(string text) => LuaValueReader.Parse(Encoding.Latin1.GetBytes(text));
        private static object Pb(params byte[] bytes) => LuaValueReader.Parse(bytes);

        private static LuaValueFormatException Bad(string text) =>
            Assert.Throws<LuaValueFormatException>(() => LuaValueReader.Parse(Encoding.Latin1.GetBytes(text)));

        // ------------------------------------------------------------ scalars

        [Fact]
        public void Nil_true_false()
        {
            Assert.Null(P("nil"));
            Assert.Equal(true, P("true"));
            Assert.Equal(false, P("false"));
            Assert.Equal(true, P(" \t\r\n\v\ftrue\n"));
        }

        [Theory]
        [InlineData("0", 0)]
        [InlineData("42", 42)]
        [InlineData("-42", -42)]
        [InlineData("007", 7)]
        [InlineData("2147483647", int.MaxValue)]
        [InlineData("-2147483648", int.MinValue)]
        [InlineData("0x10", 16)]
        [InlineData("0XfF", 255)]
        [InlineData("0x7FFFFFFF", int.MaxValue)]
        [InlineData("0x80000000", int.MinValue)]
        [InlineData("0xFFFFFFFF", -1)]
        [InlineData("0x100000001", 1)]            // wraps modulo 2^32
        [InlineData("-0x1", -1)]
        [InlineData("-0x80000000", int.MinValue)]
        [InlineData("(-2147483647-1)", int.MinValue)]
        [InlineData("( -2147483647 - 1 )", int.MinValue)]
        [InlineData("(1+2-4)", -1)]
        [InlineData("(5)", 5)]
        public void Integers(string text, int expected)
        {
            Assert.Equal(expected, P(text));
        }

        [Theory]
        [InlineData("2147483648")]
        [InlineData("-2147483649")]
        [InlineData("99999999999999999999999999999999")]
        [InlineData("1.5")]
        [InlineData("1.0")]
        [InlineData("1e3")]
        [InlineData("0x")]
        [InlineData("0xG")]
        [InlineData("12abc")]
        [InlineData("-")]
        [InlineData("- 1")]
        [InlineData("--1")]
        [InlineData("(2147483647+1)")]
        [InlineData("(-2147483647-2)")]
        [InlineData("(1--1)")]
        [InlineData("(1*2)")]
        [InlineData("(1")]
        [InlineData("()")]
        [InlineData("((1))")]
        [InlineData(".5")]
        public void Bad_numbers(string text)
        {
            Bad(text);
        }

        [Fact]
        public void Number_error_reports_position_of_the_number()
        {
            var ex = Bad("{1, 2, 3000000000}");
            Assert.Equal(7, ex.Position);
            Assert.Contains("byte 7", ex.Message);
        }

        // ------------------------------------------------------------ strings

        [Theory]
        [InlineData("\"abc\"", "abc")]
        [InlineData("'abc'", "abc")]
        [InlineData("\"\"", "")]
        [InlineData("''", "")]
        [InlineData("\"it's\"", "it's")]
        [InlineData("'say \"hi\"'", "say \"hi\"")]
        [InlineData("\"tab\there\"", "tab\there")]    // raw tab is fine
        public void Quoted_strings(string text, string expected)
        {
            Assert.Equal(expected, P(text));
        }

        [Theory]
        [InlineData(@"\a", 7)]
        [InlineData(@"\b", 8)]
        [InlineData(@"\f", 12)]
        [InlineData(@"\n", 10)]
        [InlineData(@"\r", 13)]
        [InlineData(@"\t", 9)]
        [InlineData(@"\v", 11)]
        [InlineData(@"\\", 92)]
        [InlineData("\\\"", 34)]
        [InlineData(@"\'", 39)]
        [InlineData("\\\n", 10)]      // 5.1 %q newline
        [InlineData("\\\r", 10)]      // backslash-CR is a line break too
        [InlineData("\\\r\n", 10)]    // CRLF counts once
        [InlineData("\\\n\r", 10)]    // LFCR counts once
        [InlineData(@"\0", 0)]
        [InlineData(@"\00", 0)]
        [InlineData(@"\000", 0)]
        [InlineData(@"\9", 9)]
        [InlineData(@"\65", 65)]
        [InlineData(@"\065", 65)]
        [InlineData(@"\127", 127)]
        [InlineData(@"\255", 255)]
        [InlineData(@"\x41", 65)]
        [InlineData(@"\x7f", 127)]
        [InlineData(@"\xFF", 255)]
        [InlineData(@"\x00", 0)]
        [InlineData(@"\u{41}", 65)]
        [InlineData(@"\u{0000041}", 65)]
        public void Single_byte_escapes(string escape, int expectedByte)
        {
            string s = (string)P("\"" + escape + "\"");
            Assert.Equal(LuaText.Decode(new[] { (byte)expectedByte }), s);
        }

        [Fact]
        public void Decimal_escape_takes_at_most_three_digits()
        {
            Assert.Equal("A1", P(@"""\0651"""));
            Assert.Equal("\u00001", P(@"""\0001"""));
            Assert.Equal("\t9", P(@"""\0099"""));
        }

        [Fact]
        public void Escapes_with_and_without_following_text()
        {
            Assert.Equal("a\nb\"c\\d'e", P("'a\\nb\\\"c\\\\d\\'e'"));
            Assert.Equal("line1\nline2", P("\"line1\\\nline2\""));
        }

        [Fact]
        public void Z_escape_skips_whitespace_including_line_breaks()
        {
            Assert.Equal("ab", P("\"a\\z   \n\t  \r\n b\""));
            Assert.Equal("ab", P("\"a\\zb\""));
            Assert.Equal("a", P("\"a\\z\""));
        }

        [Theory]
        [InlineData(@"\u{E9}", new byte[] { 0xC3, 0xA9 })]
        [InlineData(@"\u{20AC}", new byte[] { 0xE2, 0x82, 0xAC })]
        [InlineData(@"\u{1F4F7}", new byte[] { 0xF0, 0x9F, 0x93, 0xB7 })]
        [InlineData(@"\u{7FF}", new byte[] { 0xDF, 0xBF })]
        [InlineData(@"\u{800}", new byte[] { 0xE0, 0xA0, 0x80 })]
        [InlineData(@"\u{FFFF}", new byte[] { 0xEF, 0xBF, 0xBF })]
        [InlineData(@"\u{10000}", new byte[] { 0xF0, 0x90, 0x80, 0x80 })]
        [InlineData(@"\u{D800}", new byte[] { 0xED, 0xA0, 0x80 })]                              // Lua encodes surrogates
        [InlineData(@"\u{110000}", new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
        [InlineData(@"\u{200000}", new byte[] { 0xF8, 0x88, 0x80, 0x80, 0x80 })]
        [InlineData(@"\u{7FFFFFFF}", new byte[] { 0xFD, 0xBF, 0xBF, 0xBF, 0xBF, 0xBF })]
        public void Unicode_escapes_produce_luas_bytes(string escape, byte[] expected)
        {
            Assert.Equal(LuaText.Decode(expected), P("\"" + escape + "\""));
        }

        [Theory]
        [InlineData(@"""\256""")]
        [InlineData(@"""\999""")]
        [InlineData(@"""\300""")]
        [InlineData(@"""\q""")]
        [InlineData(@"""\ """)]
        [InlineData(@"""\x""")]
        [InlineData(@"""\x4""")]
        [InlineData(@"""\xg0""")]
        [InlineData(@"""\u41""")]
        [InlineData(@"""\u{}""")]
        [InlineData(@"""\u{41""")]
        [InlineData(@"""\u{80000000}""")]
        [InlineData(@"""\u{FFFFFFFFFFFFFFFFFFFF}""")]
        [InlineData(@"""\u{x}""")]
        public void Bad_escapes(string text)
        {
            var ex = Bad(text);
            Assert.Equal(1, ex.Position); // the backslash
        }

        [Theory]
        [InlineData("\"abc")]
        [InlineData("'abc")]
        [InlineData("\"abc'")]
        [InlineData("\"abc\\")]
        [InlineData("\"abc\\\"")]
        [InlineData("\"a\nb\"")]
        [InlineData("\"a\rb\"")]
        [InlineData("\"\\\r\r\"")]     // second CR is a raw line break
        [InlineData("\"")]
        public void Unterminated_strings(string text)
        {
            var ex = Bad(text);
            Assert.Equal(0, ex.Position);
        }

        [Fact]
        public void Raw_bytes_inside_quotes_are_kept()
        {
            Assert.Equal("a\0b", Pb((byte)'"', (byte)'a', 0, (byte)'b', (byte)'"'));
            Assert.Equal("\u00E9", Pb((byte)'"', 0xC3, 0xA9, (byte)'"'));      // UTF-8
            Assert.Equal("\u00C3", Pb((byte)'"', 0xC3, (byte)'"'));            // invalid UTF-8 -> Latin-1
            Assert.Equal("\u00FF\u00FE", Pb((byte)'\'', 0xFF, 0xFE, (byte)'\''));
        }

        [Fact]
        public void Invalid_utf8_from_escapes_falls_back_to_latin1_for_the_whole_string()
        {
            // \195\169 is UTF-8 for é, but \233 (Latin-1 é) breaks UTF-8 for the whole string.
            Assert.Equal("\u00E9", P(@"""\195\169"""));
            Assert.Equal("\u00C3\u00A9\u00E9", P(@"""\195\169\233"""));
        }

        [Theory]
        [InlineData("[[abc]]", "abc")]
        [InlineData("[[]]", "")]
        [InlineData("[==[a]]b]=]c]==]", "a]]b]=]c")]
        [InlineData("[=[x]]=]", "x]")]
        [InlineData("[[\nfirst]]", "first")]
        [InlineData("[[\r\nfirst]]", "first")]
        [InlineData("[[\n\nsecond]]", "\nsecond")]
        [InlineData("[[a\r\nb\n\rc\rd]]", "a\nb\nc\nd")]
        [InlineData("[[no \\n escapes \"here\"]]", "no \\n escapes \"here\"")]
        [InlineData("[[a]]]", null)]
        public void Long_strings(string text, string expected)
        {
            if (expected == null)
            {
                Bad(text);
                return;
            }
            Assert.Equal(expected, P(text));
        }

        [Theory]
        [InlineData("[[abc")]
        [InlineData("[==[abc]=]")]
        [InlineData("[=abc]=]")]
        [InlineData("[")]
        [InlineData("[1]")]
        public void Bad_long_strings(string text)
        {
            Bad(text);
        }

        // ------------------------------------------------------------ tables

        [Fact]
        public void Empty_table_is_a_new_empty_array_each_time()
        {
            var a = Assert.IsType<object[]>(P("{}"));
            Assert.Empty(a);
            var pair = Assert.IsType<object[]>(P("{{},{}}"));
            Assert.NotSame(pair[0], pair[1]);
            Assert.IsType<object[]>(P("{ \n }"));
        }

        [Fact]
        public void Positional_items_make_an_array()
        {
            LuaAssert.DeepEqual(new object[] { 1, "two", true, false }, P("{1,'two',true,false}"));
        }

        [Fact]
        public void Integer_keys_1_to_n_in_any_order_make_an_array_ordered_by_key()
        {
            LuaAssert.DeepEqual(new object[] { "a", "b", "c" }, P("{[3]=\"c\",[1]=\"a\",[2]=\"b\"}"));
            LuaAssert.DeepEqual(new object[] { "a", "b" }, P("{[2]='b','a'}"));
        }

        [Fact]
        public void Nil_values_are_dropped_before_classifying()
        {
            LuaAssert.DeepEqual(new object[] { 1 }, P("{[1]=1,[2]=nil}"));
            LuaAssert.DeepEqual(new object[] { 1, 2 }, P("{1,2,nil}"));
            Assert.Empty(Assert.IsType<object[]>(P("{nil}")));
            Assert.Empty(Assert.IsType<object[]>(P("{a=nil,[5]=nil}")));
            var rec = Assert.IsType<LuaRecord>(P("{a=1,b=nil,c=3}"));
            Assert.Equal(new[] { "a", "c" }, rec.Keys);
        }

        [Fact]
        public void A_hole_makes_a_lua_table()
        {
            var t = Assert.IsType<LuaTable>(P("{1,nil,3}"));
            Assert.Equal(new object[] { 1, 3 }, t.Keys.ToArray());
            Assert.Equal(1, t[1]);
            Assert.Equal(3, t[3]);
            Assert.False(t.ContainsKey(2));
        }

        [Theory]
        [InlineData("{[2]=5}")]
        [InlineData("{[0]=1}")]
        [InlineData("{[-1]=1,[1]=2}")]
        [InlineData("{[1]=1,[3]=3}")]
        public void Integer_keys_that_are_not_1_to_n_make_a_lua_table(string text)
        {
            Assert.IsType<LuaTable>(P(text));
        }

        [Fact]
        public void String_keys_make_a_record_in_text_order()
        {
            var r = Assert.IsType<LuaRecord>(P("{zeta=1,[\"b c\"]=2,alpha='x',_u9=true}"));
            Assert.Equal(new[] { "zeta", "b c", "alpha", "_u9" }, r.Fields.Select(f => f.Key).ToArray());
            Assert.Equal(1, r["zeta"]);
            Assert.Equal(2, r["b c"]);
            Assert.Equal("x", r["alpha"]);
            Assert.Equal(true, r["_u9"]);
        }

        [Fact]
        public void String_keys_that_look_like_numbers_stay_strings()
        {
            var r = Assert.IsType<LuaRecord>(P("{[\"1\"]=1,[\"2\"]=2}"));
            Assert.Equal(new[] { "1", "2" }, r.Keys);
        }

        [Fact]
        public void Mixed_keys_make_a_lua_table_in_text_order()
        {
            var t = Assert.IsType<LuaTable>(P("{x=1, 10, [true]=false, [\"y\"]=2, [0]=3}"));
            Assert.Equal(new object[] { "x", 1, true, "y", 0 }, t.Keys.ToArray());
            Assert.Equal(10, t[1]);
            Assert.Equal(10, t[1L]);           // lookups accept other integral types
            Assert.Equal(false, t[true]);
            Assert.Equal(3, t[0]);
        }

        [Fact]
        public void Table_keys_are_allowed_and_distinct()
        {
            var t = Assert.IsType<LuaTable>(P("{[{}]=1,[{}]=2,[{1,2}]='list'}"));
            Assert.Equal(3, t.Count);
            Assert.IsType<object[]>(t.Entries[0].Key);
            LuaAssert.DeepEqual(new object[] { 1, 2 }, t.Entries[2].Key);
            Assert.Equal("list", t.Entries[2].Value);
        }

        [Fact]
        public void Separators_whitespace_and_trailing_separator()
        {
            LuaAssert.DeepEqual(new object[] { 1, 2, 3 }, P("{1;2,3;}"));
            LuaAssert.DeepEqual(new object[] { 1, 2 }, P(" {\n\t1 ,\r\n 2 ,\v\f} "));
            var r = Assert.IsType<LuaRecord>(P("{ [ 'a' ] = 1 ; b = 2 , }"));
            Assert.Equal(new[] { "a", "b" }, r.Keys);
        }

        [Fact]
        public void Long_string_as_item_and_as_key()
        {
            LuaAssert.DeepEqual(new object[] { "x" }, P("{[[x]]}"));
            var r = Assert.IsType<LuaRecord>(P("{[ [[k]] ]=1}"));
            Assert.Equal(1, r["k"]);
        }

        [Fact]
        public void Nested_tables()
        {
            var r = Assert.IsType<LuaRecord>(P("{list={1,{2,{3}}},rec={a={b={}}}}"));
            LuaAssert.DeepEqual(new object[] { 1, new object[] { 2, new object[] { 3 } } }, r["list"]);
            var inner = (LuaRecord)((LuaRecord)r["rec"])["a"];
            Assert.Empty((object[])inner["b"]);
        }

        [Fact]
        public void Serializer_style_output_parses()
        {
            var v = P("{[1]=\"A\",[2]=\"B\",[\"x\"]=1,[\"nested\"]={[\"k\"]=-5}}");
            var t = Assert.IsType<LuaTable>(v);
            Assert.Equal("A", t[1]);
            Assert.Equal(-5, ((LuaRecord)t["nested"])["k"]);
        }

        [Fact]
        public void Chdkptp_and_gphoto2_styles_parse()
        {
            var t = Assert.IsType<LuaTable>(P("{1,\"a\",{x=1},n=3,[0]=false,[\"a b\"]=2}"));
            Assert.Equal(6, t.Count);
            LuaAssert.DeepEqual(new object[] { "A", "B" }, P("{[1]=\"A\",[2]=\"B\",}"));
        }

        [Theory]
        [InlineData("{a=1,a=2}", 5)]
        [InlineData("{1,[1]=2}", 3)]
        [InlineData("{[\"a\"]=1,a=2}", 9)]
        [InlineData("{[0x1]=1,[1]=2}", 9)]
        [InlineData("{[true]=1,[true]=2}", 10)]
        [InlineData("{a=nil,a=1}", 7)]
        public void Duplicate_keys_are_rejected(string text, int position)
        {
            var ex = Bad(text);
            Assert.Equal(position, ex.Position);
            Assert.Contains("duplicate", ex.Message);
        }

        [Fact]
        public void Keys_whose_bytes_differ_but_decode_to_the_same_text_are_reported()
        {
            // "\195\169" is UTF-8 for é and "\233" is Latin-1 é: distinct Lua keys, same .NET string.
            var ex = Bad("{[\"\\195\\169\"]=1,[\"\\233\"]=2}");
            Assert.Contains("decode to the same text", ex.Message);
        }

        [Fact]
        public void Duplicate_keys_are_found_in_large_tables()
        {
            var sb = new StringBuilder("{");
            for (int i = 1; i <= 100; i++) sb.Append("k").Append(i).Append('=').Append(i).Append(',');
            string ok = sb.ToString() + "}";
            Assert.Equal(100, Assert.IsType<LuaRecord>(P(ok)).Count);
            Bad(sb + "k57=0}");
            var ints = new StringBuilder("{");
            for (int i = 1; i <= 100; i++) ints.Append(i).Append(',');
            Bad(ints + "[100]=0}");
            Assert.Equal(101, ((object[])P(ints + "[101]=0}")).Length);
        }

        [Theory]
        [InlineData("{end=1}")]
        [InlineData("{true=1}")]
        [InlineData("{nil=1}")]
        [InlineData("{function=1}")]
        [InlineData("{x}")]
        [InlineData("{x y=1}")]
        [InlineData("{[nil]=1}")]
        [InlineData("{[1]}")]
        [InlineData("{[1]=}")]
        [InlineData("{[1] 2}")]
        [InlineData("{a==1}")]
        [InlineData("{a=}")]
        [InlineData("{,}")]
        [InlineData("{;}")]
        [InlineData("{1,,2}")]
        [InlineData("{1 2}")]
        [InlineData("{1,2,,}")]
        [InlineData("{=1}")]
        [InlineData("{[1]=1 [2]=2}")]
        [InlineData("{a.b=1}")]
        [InlineData("{f()}")]
        [InlineData("{...}")]
        [InlineData("{#t}")]
        [InlineData("{1+1}")]
        [InlineData("{-x}")]
        [InlineData("{{}")]
        [InlineData("{}}")]
        public void Malformed_tables(string text)
        {
            Bad(text);
        }

        [Theory]
        [InlineData("{1,2")]
        [InlineData("{1,")]
        [InlineData("{[1]=")]
        [InlineData("{[1]")]
        [InlineData("{[")]
        [InlineData("{a")]
        [InlineData("{a=")]
        [InlineData("{")]
        [InlineData("{\"a")]
        [InlineData("{[[a")]
        public void Truncated_input(string text)
        {
            var ex = Bad(text);
            Assert.InRange(ex.Position, 0, text.Length);
        }

        // ------------------------------------------------------------ hostile and garbage input

        [Theory]
        [InlineData("")]
        [InlineData("   \n ")]
        [InlineData("}")]
        [InlineData("abc")]
        [InlineData("x=1")]
        [InlineData("1 2")]
        [InlineData("nil nil")]
        [InlineData("return 1")]
        [InlineData("function() end")]
        [InlineData("os.execute('rm -rf /')")]
        [InlineData("@")]
        [InlineData("#")]
        [InlineData("\0")]
        [InlineData("{} x")]
        [InlineData("1;")]
        [InlineData("1,")]
        [InlineData("--[[c]] 1")]
        [InlineData("1 -- comment")]
        [InlineData("\"a\" \"b\"")]
        [InlineData("\"a\"..\"b\"")]
        [InlineData("truex")]
        [InlineData("True")]
        [InlineData("NIL")]
        public void Garbage_is_rejected(string text)
        {
            Bad(text);
        }

        [Fact]
        public void Error_positions_point_at_the_problem()
        {
            Assert.Equal(5, Bad("{1,2,x}").Position);
            Assert.Equal(3, Bad("{} x").Position);
            Assert.Equal(0, Bad("").Position);
            Assert.Equal(3, Bad("{1 2}").Position);
            Assert.Equal(1, Bad("{\"abc").Position);
        }

        [Fact]
        public void Deep_nesting_is_limited_without_stack_overflow()
        {
            string deep = new string('{', 100000);
            var ex = Bad(deep);
            Assert.Equal(LuaValueReader.MaxDepth, ex.Position); // the 65th '{'
            Assert.Contains("nested", ex.Message);

            Bad(new string('{', 100000) + new string('}', 100000));
            Bad("{[" + new string('{', 100000));
        }

        [Fact]
        public void Nesting_up_to_the_limit_is_accepted()
        {
            int max = LuaValueReader.MaxDepth;
            object v = P(new string('{', max) + new string('}', max));
            for (int i = 1; i < max; i++)
                v = Assert.Single(Assert.IsType<object[]>(v));
            Assert.Empty(Assert.IsType<object[]>(v));
            Bad(new string('{', max + 1) + new string('}', max + 1));
            // Tables used as keys count as nesting too.
            Bad(new string('{', max) + "[{}]=1" + new string('}', max));
        }

        [Fact]
        public void Large_flat_inputs_parse()
        {
            // 200,000 integer keys that are all multiples of one prime, and a 1 MB string: must stay linear.
            var sb = new StringBuilder("{");
            for (int i = 0; i < 200000; i++) sb.Append('[').Append(i * 7919).Append("]=1,");
            sb.Append('}');
            Assert.Equal(200000, Assert.IsType<LuaTable>(P(sb.ToString())).Count);

            string big = new string('x', 1 << 20);
            Assert.Equal(big.Length, ((string)P("\"" + big + "\"")).Length);
            string brackets = string.Concat(Enumerable.Repeat("]=]==", 100000));
            Assert.Equal(brackets, P("[===[" + brackets + "]===]"));
        }

        [Fact]
        public void Random_bytes_only_ever_raise_format_exceptions()
        {
            var rnd = new Random(42);
            byte[] alphabet = Encoding.ASCII.GetBytes("{}[]=,;\"'\\ \n\r0123456789xXzuabfnrtv-()_.ntf" + "\u0001").Concat(new byte[] { 0, 0xFF, 0xC3, 0xA9 }).ToArray();
            for (int n = 0; n < 30000; n++)
            {
                var bytes = new byte[rnd.Next(0, 40)];
                for (int i = 0; i < bytes.Length; i++)
                    bytes[i] = rnd.Next(4) == 0 ? (byte)rnd.Next(256) : alphabet[rnd.Next(alphabet.Length)];
                AssertParsesOrFormatError(bytes);
            }
        }

        [Fact]
        public void Mutated_valid_inputs_only_ever_raise_format_exceptions()
        {
            var rnd = new Random(7);
            string[] seeds =
            {
                "{[1]=\"A\",[2]=\"B\",[\"x\"]={[\"y\"]=-5,[true]=false}}",
                "{1,'two',{a=1;b={[[long]]}},[\"\\u{41}\\x41\\065\\z  x\"]=nil}",
                "(-2147483647-1)",
                "\"a\\\nb\\0c\\255\"",
            };
            foreach (string seed in seeds)
            {
                byte[] orig = Encoding.ASCII.GetBytes(seed);
                AssertParsesOrFormatError(orig);
                for (int n = 0; n < 5000; n++)
                {
                    var bytes = orig.ToList();
                    int edits = rnd.Next(1, 4);
                    for (int e = 0; e < edits && bytes.Count > 0; e++)
                    {
                        int at = rnd.Next(bytes.Count);
                        switch (rnd.Next(3))
                        {
                            case 0: bytes.RemoveAt(at); break;
                            case 1: bytes.Insert(at, orig[rnd.Next(orig.Length)]); break;
                            default: bytes[at] = (byte)rnd.Next(256); break;
                        }
                    }
                    if (rnd.Next(4) == 0) bytes = bytes.Take(rnd.Next(bytes.Count + 1)).ToList(); // truncate
                    AssertParsesOrFormatError(bytes.ToArray());
                }
            }
        }

        private static void AssertParsesOrFormatError(byte[] bytes)
        {
            try
            {
                LuaValueReader.Parse(bytes);
            }
            catch (LuaValueFormatException ex)
            {
                Assert.DoesNotContain("internal", ex.Message);
                Assert.InRange(ex.Position, 0, bytes.Length);
            }
        }

        // ------------------------------------------------------------ API surface

        [Fact]
        public void Parse_string_overload_encodes_utf8()
        {
            Assert.Equal("\u00E9\U0001F4F7", LuaValueReader.Parse("\"\u00E9\U0001F4F7\""));
            Assert.Throws<LuaValueFormatException>(() => LuaValueReader.Parse("\"\uD800\""));
            Assert.Throws<ArgumentNullException>(() => LuaValueReader.Parse((string)null));
        }

        [Fact]
        public void Record_lookup_api()
        {
            var r = (LuaRecord)P("{a=1,b='x'}");
            Assert.True(r.ContainsKey("a"));
            Assert.False(r.ContainsKey("A"));
            Assert.True(r.TryGetValue("b", out object b));
            Assert.Equal("x", b);
            Assert.Throws<KeyNotFoundException>(() => r["zz"]);
            IDictionary d = r;
            Assert.Null(d["zz"]);
            Assert.Equal(1, d["a"]);
            Assert.True(d.IsReadOnly);
            Assert.Throws<NotSupportedException>(() => d["a"] = 2);
            Assert.Equal(new object[] { "a", "b" }, d.Keys.Cast<object>().ToArray());
            Assert.Equal("{[\"a\"]=1,[\"b\"]=\"x\"}", r.ToString());
        }

        [Fact]
        public void Table_lookup_api()
        {
            var t = (LuaTable)P("{[5]='five',x=true}");
            Assert.Equal("five", t[5]);
            Assert.Equal("five", t[(byte)5]);
            Assert.Equal(true, t["x"]);
            Assert.Throws<KeyNotFoundException>(() => t[6]);
            Assert.False(t.ContainsKey(5.0));   // numbers are integers: a double is not a key
            IDictionary d = t;
            Assert.Null(d[6]);
            Assert.Throws<NotSupportedException>(() => d.Clear());
        }

        [Fact]
        public void Record_and_table_constructors_reject_duplicates()
        {
            Assert.Throws<ArgumentException>(() => new LuaRecord(new[] { KV("a", 1), KV("a", 2) }));
            Assert.Throws<ArgumentException>(() => new LuaTable(new[] { new KeyValuePair<object, object>(1, 1), new KeyValuePair<object, object>(1L, 2) }));
            Assert.Throws<ArgumentException>(() => new LuaTable(new[] { new KeyValuePair<object, object>(null, 1) }));
        }

        private static KeyValuePair<string, object> KV(string k, object v) => new KeyValuePair<string, object>(k, v);
    }
}
