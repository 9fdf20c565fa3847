using System;

namespace ChdkPtp.Simulator.Tests.Translation
{
    /// <summary>CHDK integer semantics, executed in a real Lua 5.4 state.</summary>
    public sealed class ArithmeticTests : IDisposable
    {
        private readonly Lua54Runner _lua = new Lua54Runner();

        public void Dispose() => _lua.Dispose();

        [Theory]
        [InlineData("return 7/2", 3L)]
        [InlineData("return -7/2", -3L)]
        [InlineData("return 7/-2", -3L)]
        [InlineData("return -7/-2", 3L)]
        [InlineData("return -8/2", -4L)]
        [InlineData("return 1/2", 0L)]
        [InlineData("return -1/2", 0L)]
        [InlineData("return 0x7FFFFFFF + 1", -2147483648L)]
        [InlineData("return -2147483647 - 2", 2147483647L)]
        [InlineData("return 65536 * 65536", 0L)]
        [InlineData("return 65536 * 32768", -2147483648L)]
        [InlineData("return 0xFFFFFFFF", -1L)]
        [InlineData("return 0x80000000", -2147483648L)]
        [InlineData("return -0x80000000", -2147483648L)]
        [InlineData("return 0x1FFFFFFFF", -1L)]
        [InlineData("return 3000000000", 2147483647L)]
        [InlineData("return -2147483648", -2147483647L)]
        [InlineData("return 2147483647", 2147483647L)]
        [InlineData("return 010", 10L)]
        [InlineData("return 2^10", 1024L)]
        [InlineData("return 2^30", 1073741824L)]
        [InlineData("return 2^31", -2147483648L)]
        [InlineData("return 2^32", 0L)]
        [InlineData("return 3^21", 1870418611L)]
        [InlineData("return 2^-1", 0L)]
        [InlineData("return 0^0", 1L)]
        [InlineData("return 5^0", 1L)]
        [InlineData("return (-2)^3", -8L)]
        [InlineData("return -7 % 3", -1L)]
        [InlineData("return 7 % -3", 1L)]
        [InlineData("return -7 % -3", -1L)]
        [InlineData("return 7 % 3", 1L)]
        [InlineData("return 1/0", 2147483647L)]
        [InlineData("return -1/0", -2147483648L)]
        [InlineData("return 0/0", 0L)]
        [InlineData("return 5%0", 0L)]
        [InlineData("return -2147483648/-1", 2147483647L)]
        [InlineData("local m = 0x80000000 return m/-1", -2147483648L)]
        [InlineData("local m = 0x80000000 return m%-1", 0L)]
        [InlineData("local m = 0x80000000 return -m", -2147483648L)]
        [InlineData("local x = 5 return -x", -5L)]
        [InlineData("return - - 5", 5L)]
        [InlineData("return \"10\"+1", 11L)]
        [InlineData("return \" 0x10 \" * 2", 32L)]
        [InlineData("return \"-5\" - \"3\"", -8L)]
        [InlineData("return \"9\" / 2", 4L)]
        [InlineData("return -\"4\"", -4L)]
        [InlineData("return \"99999999999\" + 0", 2147483647L)]
        [InlineData("return \"0xFFFFFFFF\" + 0", -1L)]
        [InlineData("return 1+2*3^2", 19L)]
        [InlineData("return -2^2", -4L)]
        [InlineData("return 2^3^2", 512L)]
        [InlineData("return 10-2-3", 5L)]
        [InlineData("return 100/10/5", 2L)]
        [InlineData("return 2*3%4", 2L)]
        [InlineData("return #\"abc\" + 1", 4L)]
        [InlineData("return -#\"abc\"", -3L)]
        public void Computes_like_chdk(string code, long expected)
        {
            object r = _lua.Run1(code);
            Assert.IsType<long>(r);
            Assert.Equal(expected, (long)r);
        }

        [Theory]
        [InlineData("return 7/2")]
        [InlineData("return 2^40")]
        [InlineData("return \"10\"/3")]
        [InlineData("return -\"1\"")]
        [InlineData("return 5 % 3")]
        [InlineData("return 9 - 1")]
        [InlineData("return 9 * 3")]
        [InlineData("return 0x7FFFFFFF + 0x7FFFFFFF")]
        public void Results_are_lua_integers(string code)
        {
            string mathType = (string)_lua.Run1("local v = (function() " + code + " end)() return math.type(v)");
            Assert.Equal("integer", mathType);
        }

        [Fact]
        public void String_format_d_of_a_quotient_works()
        {
            Assert.Equal("3", _lua.Run1("return string.format('%d', 7/2)"));
            Assert.Equal("-3", _lua.Run1("return string.format('%d', -7/2)"));
        }

        [Fact]
        public void Concatenation_of_numbers_gives_decimal_strings()
        {
            Assert.Equal("10", _lua.Run1("return 10 .. \"\""));
            Assert.Equal(true, _lua.Run1("return 10 .. \"\" == \"10\""));
            Assert.Equal("3", _lua.Run1("return (7/2) .. ''"));
            Assert.Equal("15", _lua.Run1("return 1 .. 2 + 3"));
            Assert.Equal("-1", _lua.Run1("return 0xFFFFFFFF .. ''"));
        }

        [Fact]
        public void Non_numeric_strings_are_arithmetic_errors()
        {
            Assert.Equal(":1: attempt to perform arithmetic on a string value", _lua.RunError("return \"1.5\" + 1"));
            Assert.Equal(":1: attempt to perform arithmetic on a string value", _lua.RunError("return 1 + \"abc\""));
            Assert.Equal(":1: attempt to perform arithmetic on a string value", _lua.RunError("return -\"1e3\""));
            Assert.Equal(":1: attempt to perform arithmetic on a string value", _lua.RunError("return \"\" * 2"));
        }

        [Fact]
        public void Arithmetic_on_nil_reports_the_callers_line()
        {
            Assert.Equal(":3: attempt to perform arithmetic on a nil value",
                _lua.RunError("local a = nil\n\nlocal b = a + 1\nreturn b"));
            Assert.Equal(":2: attempt to perform arithmetic on a boolean value",
                _lua.RunError("local x = 1\nreturn x * true"));
            Assert.Equal(":1: attempt to perform arithmetic on a table value",
                _lua.RunError("return -{}"));
            // The first operand is blamed when it is the bad one, as in 5.1.
            Assert.Equal(":1: attempt to perform arithmetic on a nil value", _lua.RunError("return nil / {}"));
        }

        [Fact]
        public void Errors_in_returned_arithmetic_are_not_lost_to_tail_calls()
        {
            string err = _lua.RunError("local function f(a)\n  return a + 1\nend\n\nreturn f(nil)");
            Assert.Equal(":2: attempt to perform arithmetic on a nil value", err);
            err = _lua.RunError("local function f(a)\n  return -a\nend\nreturn f({})");
            Assert.Equal(":2: attempt to perform arithmetic on a table value", err);
        }

        [Fact]
        public void Table_metamethods_still_work()
        {
            const string setup = @"
local mt = {}
mt.__add = function(a, b) return 'add' end
mt.__sub = function(a, b) return 'sub' end
mt.__mul = function(a, b) return 'mul' end
mt.__div = function(a, b) return 'div' end
mt.__mod = function(a, b) return 'mod' end
mt.__pow = function(a, b) return 'pow' end
mt.__unm = function(a) return 'unm' end
local t = setmetatable({}, mt)
";
            object[] r = _lua.Run(setup + "return t + 1, 1 + t, t - 1, t * t, t / 2, t % 2, 2 ^ t, -t, '5' + t");
            Assert.Equal(new object[] { "add", "add", "sub", "mul", "div", "mod", "pow", "unm", "add" }, r);
        }

        [Fact]
        public void Metamethod_receives_original_operands_in_order()
        {
            object[] r = _lua.Run(@"
local mt = { __add = function(a, b) return type(a) .. ':' .. type(b) end,
             __unm = function(a, b) return rawequal(a, b) end }
local t = setmetatable({}, mt)
return t + '7', '7' + t, -t");
            Assert.Equal(new object[] { "table:string", "string:table", true }, r);
        }

        [Fact]
        public void Table_without_metamethod_is_an_error()
        {
            Assert.Equal(":1: attempt to perform arithmetic on a table value",
                _lua.RunError("local t = setmetatable({}, {__index = {}}) return t + 1"));
        }

        [Fact]
        public void Numeric_for_accepts_numeric_strings_like_5_1()
        {
            Assert.Equal(6L, _lua.Run1("local s = 0 for i = '1', '3' do s = s + i end return s"));
            Assert.Equal(":1: 'for' initial value must be a number",
                _lua.RunError("for i = 'x', 3 do end"));
            Assert.Equal(":2: 'for' limit must be a number",
                _lua.RunError("local n\nfor i = 1, n do end"));
            Assert.Equal(":1: 'for' step must be a number",
                _lua.RunError("for i = 1, 2, {} do end"));
            Assert.Equal(3L, _lua.Run1("local n = 0 for i = 1, ' 0x3 ' do n = i end return n"));
            Assert.Equal(9L, _lua.Run1("local s = 0 for i = 1, 5, 2 do s = s + i end return s"));
            Assert.Equal("integer", _lua.Run1("local n = 4 local t for i = n/2, n do t = math.type(i) end return t"));
        }

        [Fact]
        public void Helpers_do_not_depend_on_the_chunk_environment()
        {
            // 5.1 scripts may run code under setfenv(f, {}); the translated chunk must still find its helpers.
            string translated = ChdkPtp.Simulator.Lua.Lua51Translator.Translate(
                "local x = 5\nlocal f = function(n) return n ^ 2 end\nfor i = '1', 2 do x = x + i end\nreturn x * 2 + -x, 7 / 2 % 2, f(3)");
            Assert.Contains("(\"\").__chdk_mul", translated);
            object[] r = _lua.RunRaw("local f = assert(load([==[" + translated + "]==], '=', 't', {}))\nreturn f()", "=", out string err);
            Assert.Null(err);
            Assert.Equal(new object[] { 8L, 1L, 9L }, r);
        }

        [Fact]
        public void Random_int32_operations_match_a_csharp_reference()
        {
            var rnd = new Random(12345);
            int[] specials = { 0, 1, -1, 2, -2, 7, -7, int.MaxValue, int.MinValue, int.MaxValue - 1, int.MinValue + 1, 65536 };
            var sb = new System.Text.StringBuilder("return ");
            var expected = new System.Collections.Generic.List<object>();
            for (int i = 0; i < 150; i++)
            {
                int a = i < 144 ? specials[i / 12] : rnd.Next(int.MinValue, int.MaxValue);
                int b = i < 144 ? specials[i % 12] : rnd.Next(int.MinValue, int.MaxValue);
                if (i >= 144 && rnd.Next(3) == 0) b = rnd.Next(-40, 40);
                string la = Literal(a), lb = Literal(b);
                if (i > 0) sb.Append(',');
                sb.Append($"{la}+{lb},{la}-{lb},{la}*{lb},{la}/{lb},{la}%{lb},{la}^({lb}%40)");
                expected.Add((long)unchecked(a + b));
                expected.Add((long)unchecked(a - b));
                expected.Add((long)unchecked(a * b));
                expected.Add((long)CDiv(a, b));
                expected.Add((long)CMod(a, b));
                expected.Add((long)IPow(a, b % 40));
            }
            // Too many results for one call frame? Split into chunks of 180 values.
            string[] parts = sb.ToString().Substring(7).Split(',');
            var actual = new System.Collections.Generic.List<object>();
            for (int k = 0; k < parts.Length; k += 180)
            {
                int n = Math.Min(180, parts.Length - k);
                actual.AddRange(_lua.Run("return " + string.Join(",", parts, k, n)));
            }
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
                Assert.True(Equals(expected[i], actual[i]), $"#{i} ({parts[i]}): expected {expected[i]}, got {actual[i]}");
        }

        // The literal must denote the value in CHDK: hex for negatives (decimal negation of 2147483648 saturates).
        private static string Literal(int v) => v < 0 ? "0x" + ((uint)v).ToString("X8") : v.ToString();

        private static int CDiv(int a, int b)
        {
            if (b == 0) return a > 0 ? int.MaxValue : a < 0 ? int.MinValue : 0;
            if (a == int.MinValue && b == -1) return int.MinValue;
            return a / b;   // C# truncates like C
        }

        private static int CMod(int a, int b)
        {
            if (b == 0 || b == -1) return 0;
            return a % b;   // sign of the dividend, like C
        }

        private static int IPow(int a, int b)
        {
            if (b < 0) return 0;
            int r = 1;
            for (int i = 0; i < b; i++) r = unchecked(r * a);
            return r;
        }
    }
}
