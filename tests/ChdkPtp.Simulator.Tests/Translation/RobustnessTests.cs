using System;
using System.Diagnostics;
using System.Linq;
using System.Text;
using ChdkPtp.Simulator.Lua;
using ChdkPtp.Simulator.Lua.Translation;

namespace ChdkPtp.Simulator.Tests.Translation
{
    /// <summary>Hostile input, fuzzing against the real Lua 5.4 compiler, number parsing parity, speed.</summary>
    public sealed class RobustnessTests : IDisposable
    {
        private readonly Lua54Runner _lua = new Lua54Runner();

        public void Dispose() => _lua.Dispose();

        private static string Repeat(string s, int n) => new StringBuilder(s.Length * n).Insert(0, s, n).ToString();

        [Theory]
        [InlineData("return ", "(", "1", ")")]
        [InlineData("x = ", "{", "", "}")]
        [InlineData("x = ", "- ", "1", "")]
        [InlineData("x = ", "not ", "1", "")]
        [InlineData("", "do ", "", " end")]
        [InlineData("x = ", "function() return ", "1", " end")]
        [InlineData("x = ", "a .. ", "a", "")]
        [InlineData("x = ", "2 ^ ", "2", "")]
        [InlineData("x = ", "f(", "1", ")")]
        [InlineData("x = ", "t[", "1", "]")]
        [InlineData("", "if x then ", "", " end")]
        [InlineData("", "while x do ", "", " end")]
        public void Deep_nesting_fails_cleanly(string head, string open, string middle, string close)
        {
            string code = head + Repeat(open, 10000) + middle + Repeat(close, 10000);
            var ex = Assert.Throws<LuaSyntaxException>(() => Lua51Translator.Translate(code));
            Assert.Equal("chunk has too many syntax levels", ex.Reason);
            Assert.Null(ex.Near);
            Assert.Equal(":1: chunk has too many syntax levels", ex.Message);
        }

        [Fact]
        public void Moderate_nesting_within_5_1_limits_translates_and_runs()
        {
            string code = "return " + Repeat("(", 90) + "1 + 1" + Repeat(")", 90);
            Assert.Equal(2L, _lua.Run1(code));
            code = "return " + Repeat("{", 60) + Repeat("}", 60);
            Assert.Equal("<table>", _lua.Run1(code));
        }

        [Fact]
        public void Long_left_associative_chain_does_not_recurse_in_the_translator()
        {
            // 5.1 parses a + a + ... iteratively, and so does the translator (no stack overflow, linear time).
            string code = "local a = 1 return a" + Repeat(" + a", 20000);
            string output = Lua51Translator.Translate(code);
            Assert.Contains("__chdk_add(", output);
            // Lua 5.4 cannot compile calls nested that deep (documented limitation); it must fail cleanly.
            _lua.RunRaw(output, "=", out string err);
            Assert.NotNull(err);
            // Chains of moderate length work.
            Assert.Equal(101L, _lua.Run1("local a = 1 return a" + Repeat(" + a", 100)));
        }

        [Theory]
        [InlineData("x = '")]
        [InlineData("x = \"abc")]
        [InlineData("x = [[")]
        [InlineData("x = [==[ ]=]")]
        [InlineData("--[[")]
        [InlineData("--[=[ ]]")]
        [InlineData("x = '\\")]
        [InlineData("x = '\\9999'")]
        [InlineData("x = 0x")]
        [InlineData("function")]
        [InlineData("local function")]
        [InlineData("for")]
        [InlineData("x = {")]
        [InlineData("x = y[")]
        [InlineData("x = y:")]
        [InlineData("(")]
        [InlineData("\0")]
        [InlineData("\uFFFF")]
        [InlineData("x = \"\uD800")]
        public void Truncated_or_garbage_input_throws_syntax_errors(string code)
        {
            Assert.Throws<LuaSyntaxException>(() => Lua51Translator.Translate(code));
        }

        private static readonly string[] Vocabulary =
        {
            "local", "x", "y", "f", "t", "=", "==", "~=", "<", "1", "0x10", "7", "+", "-", "*", "/", "%", "^", "..",
            "(", ")", "{", "}", "[", "]", ",", ";", ".", ":", "function", "end", "if", "then", "else", "return",
            "while", "do", "for", "in", "not", "and", "or", "#", "...", "'s'", "\"\\q\"", "[[l]]", "nil", "true",
            "\n", "\n", "goto", "break", "repeat", "until", "-- c\n",
        };

        [Fact]
        public void Fuzz_random_tokens_never_crash_and_accepted_ones_compile_in_lua_5_4()
        {
            var rnd = new Random(4242);
            for (int n = 0; n < 20000; n++)
            {
                int len = rnd.Next(1, 14);
                var sb = new StringBuilder();
                for (int i = 0; i < len; i++) sb.Append(Vocabulary[rnd.Next(Vocabulary.Length)]).Append(' ');
                CheckCompiles(sb.ToString());
            }
        }

        [Fact]
        public void Fuzz_generated_programs_compile_in_lua_5_4()
        {
            var gen = new ProgramGenerator(new Random(2024));
            int accepted = 0;
            for (int n = 0; n < 3000; n++)
            {
                if (CheckCompiles(gen.Chunk())) accepted++;
            }
            Assert.True(accepted > 1200, "generator produced too few valid programs: " + accepted);
        }

        /// <summary>Translates; if 5.1 accepts the code, Lua 5.4 must compile the translation.</summary>
        private bool CheckCompiles(string code)
        {
            string output;
            try
            {
                output = Lua51Translator.Translate(code);
            }
            catch (LuaSyntaxException ex)
            {
                Assert.Matches(@"^:\d+: ", ex.Message);
                return false;
            }
            // Compile only (running random code could loop): wrap it in a function that is never called.
            _lua.RunRaw("return function(...) " + output + "\nend", "=", out string err);
            Assert.True(err == null, $"5.1 source accepted but 5.4 rejects the translation.\nsource: {code}\noutput: {output}\nerror: {err}");
            return true;
        }

        /// <summary>Random programs from a Lua 5.1 grammar subset (mostly valid).</summary>
        private sealed class ProgramGenerator
        {
            private readonly Random _r;
            private int _depth;

            public ProgramGenerator(Random r) => _r = r;

            private string Pick(params string[] s) => s[_r.Next(s.Length)];

            private string Sep() => Pick(" ", " ", "\n", "\n  ", " -- c\n", " --[[x\n]] ");

            public string Chunk()
            {
                _depth = 0;
                return Block(_r.Next(1, 6), false);
            }

            private string Block(int n, bool inLoop)
            {
                var sb = new StringBuilder();
                for (int i = 0; i < n; i++) sb.Append(Stat(inLoop)).Append(Sep());
                if (_r.Next(4) == 0) sb.Append("return ").Append(Exp());
                else if (inLoop && _r.Next(6) == 0) sb.Append("break");
                return sb.ToString();
            }

            private string Stat(bool inLoop)
            {
                if (_depth > 3) return "x = " + Exp();
                _depth++;
                string s;
                switch (_r.Next(16))
                {
                    case 0: s = "local " + Pick("a", "b", "goto", "_ENV") + " = " + Exp(); break;
                    case 1: s = Pick("x", "t.x", "t[1]", "t.goto", "goto") + " = " + Exp(); break;
                    case 2: s = "f(" + Exp() + ", " + Exp() + ")"; break;
                    case 3: s = Pick("t:m", "t:goto", "t.u:v") + "(" + Exp() + ")"; break;
                    case 4: s = "if " + Exp() + " then " + Block(2, inLoop) + " elseif " + Exp() + " then " + Block(1, inLoop) + " else " + Block(1, inLoop) + " end"; break;
                    case 5: s = "while " + Exp() + " do " + Block(2, true) + " end"; break;
                    case 6: s = "for i = " + Exp() + ", " + Exp() + Pick("", ", " + Exp()) + " do " + Block(2, true) + " end"; break;
                    case 7: s = "for k, v in pairs(" + Exp() + ") do " + Block(1, true) + " end"; break;
                    case 8: s = "repeat " + Block(2, true) + " until " + Exp(); break;
                    case 9: s = "do " + Block(2, inLoop) + " end"; break;
                    case 10: s = "local function g(a, ...) " + Block(2, false) + " end"; break;
                    case 11: s = "function " + Pick("t.a:b", "t.goto", "t:goto", "h", "t.goto.c") + "(x) " + Block(1, false) + " end"; break;
                    case 12: s = "(" + Exp() + ")(" + Exp() + ")"; break;
                    case 13: s = "x, t.y = " + Exp() + ", " + Exp(); break;
                    case 14: s = "f" + Pick("'s'", "{}", "[[l]]", "{1, 2}") + Pick("", ":m()", "()"); break;
                    default: s = "local p, q = " + Exp() + Sep() + "(f)(" + Exp() + ")"; break;
                }
                _depth--;
                return s;
            }

            private string Exp()
            {
                if (_depth > 5 || _r.Next(3) == 0)
                {
                    return Pick("1", "0", "0xFFFFFFFF", "2147483648", "'s'", "\"\\q\\x\"", "[[\nl]]", "nil", "true",
                        "x", "...", "{}", "t.x", "t[1]", "#t", "goto", "t.goto", "_ENV", "'\\\n'");
                }
                _depth++;
                string e;
                switch (_r.Next(9))
                {
                    case 0:
                    case 1:
                    case 2:
                        e = Exp() + Sep() + Pick("+", "-", "*", "/", "%", "^", "..", "==", "~=", "<", "<=", ">", ">=", "and", "or") + Sep() + Exp();
                        break;
                    case 3: e = Pick("- ", "not ", "#", "- - ") + Exp(); break;
                    case 4: e = "(" + Exp() + ")"; break;
                    case 5: e = Pick("f", "t:m", "t.goto", "t:goto", "(f)") + "(" + Exp() + ")"; break;
                    case 6: e = "{ " + Exp() + ", x = " + Exp() + ", [" + Exp() + "] = " + Exp() + "; goto = 1, " + Exp() + "}"; break;
                    case 7: e = "function(a, ...) return " + Exp() + " end"; break;
                    default: e = "t[ " + Exp() + " ]." + Pick("x", "goto", "_ENV"); break;
                }
                _depth--;
                return e;
            }
        }

        [Fact]
        public void Fuzz_mutated_program_never_throws_anything_but_syntax_errors()
        {
            string baseCode = SampleLibrary;
            var rnd = new Random(99);
            const string junk = "()[]{}=.,;:'\"\\-+*/^%#~<>\n\r\t [[]]--x0e";
            for (int n = 0; n < 600; n++)
            {
                var sb = new StringBuilder(baseCode);
                int edits = rnd.Next(1, 4);
                for (int e = 0; e < edits; e++)
                {
                    int pos = rnd.Next(sb.Length);
                    if (rnd.Next(2) == 0) sb.Remove(pos, Math.Min(rnd.Next(1, 5), sb.Length - pos));
                    else sb.Insert(pos, junk[rnd.Next(junk.Length)]);
                }
                string code = sb.ToString();
                try
                {
                    string output = Lua51Translator.Translate(code);
                    _lua.RunRaw("return function(...) " + output + "\nend", "=", out string err);
                    Assert.True(err == null, $"5.4 rejects a translation: {err}\n{output}");
                }
                catch (LuaSyntaxException)
                {
                }
            }
        }

        [Fact]
        public void Number_conversion_in_csharp_and_in_the_prelude_agree()
        {
            string[] fixedCases =
            {
                "0", "10", " 10 ", "\t-5\n", "+7", "-0", "007", "2147483647", "2147483648", "-2147483648",
                "-2147483649", "99999999999999999999", "0x10", "0X1f", "-0x10", " 0xFFFFFFFF ", "0x100000000",
                "0x00000000000000001", "-0x1FFFFFFFFF", "0x", "0x ", "x10", "1x", "00x1", "0xg", "1.5", "1e3", ".5",
                "5.", "", " ", "+", "-", "--1", "1 2", "12abc", "1\u00002", "0x1\u0000zz", "\u000b3\f", "3\r",
            };
            var rnd = new Random(7);
            const string alphabet = " \t0123456789xXabfAF+-.e\u0000";
            var cases = fixedCases.Concat(Enumerable.Range(0, 400).Select(_ =>
                new string(Enumerable.Range(0, rnd.Next(0, 12)).Select(__ => alphabet[rnd.Next(alphabet.Length)]).ToArray())))
                .ToArray();

            var lua = new StringBuilder("local r = {}\n");
            foreach (string c in cases)
            {
                lua.Append("r[#r + 1] = tostring(__chdk_str2number(string.char(")
                   .Append(string.Join(",", c.Select(ch => ((int)ch).ToString())))
                   .Append(")))\n");
            }
            lua.Append("return table.concat(r, '|')");
            object[] res = _lua.RunRaw(lua.ToString(), "=t", out string err);
            Assert.Null(err);
            string[] fromLua = ((string)res[0]).Split('|');
            Assert.Equal(cases.Length, fromLua.Length);
            for (int i = 0; i < cases.Length; i++)
            {
                string expected = ChdkNumber.TryParse(cases[i], 0, cases[i].Length, out int v) ? v.ToString() : "nil";
                Assert.True(expected == fromLua[i], $"case {i} \"{Escape(cases[i])}\": C# {expected}, Lua {fromLua[i]}");
            }
        }

        [Theory]
        [InlineData("10", 10)]
        [InlineData(" -5 ", -5)]
        [InlineData("0xFFFFFFFF", -1)]
        [InlineData("-0x10", -16)]
        [InlineData("0x123456789", -1)]
        [InlineData("3000000000", int.MaxValue)]
        [InlineData("-3000000000", int.MinValue)]
        [InlineData("2147483647", int.MaxValue)]
        [InlineData("-2147483648", int.MinValue)]
        [InlineData("0x7fffffff", int.MaxValue)]
        [InlineData("5\u0000junk", 5)]
        public void ChdkNumber_parses(string s, int expected)
        {
            Assert.True(ChdkNumber.TryParse(s, 0, s.Length, out int v));
            Assert.Equal(expected, v);
        }

        [Theory]
        [InlineData("1.5")]
        [InlineData("1e5")]
        [InlineData("")]
        [InlineData("0x")]
        [InlineData("12x5")]
        [InlineData("- 5")]
        [InlineData("5 5")]
        [InlineData("abc")]
        public void ChdkNumber_rejects(string s)
        {
            Assert.False(ChdkNumber.TryParse(s, 0, s.Length, out _));
        }

        [Fact]
        public void Translating_20_kb_of_library_code_is_fast()
        {
            string code = Library(20 * 1024);
            Assert.True(code.Length >= 20 * 1024);
            string output = Lua51Translator.Translate(code);           // warm-up (JIT)
            _lua.RunRaw("return function(...) " + output + "\nend", "=", out string err);
            Assert.Null(err);

            long best = long.MaxValue;
            for (int i = 0; i < 7; i++)
            {
                var sw = Stopwatch.StartNew();
                Lua51Translator.Translate(code);
                sw.Stop();
                best = Math.Min(best, sw.ElapsedTicks);
            }
            double ms = best * 1000.0 / Stopwatch.Frequency;
            Assert.True(ms < 50, $"20 KB took {ms:F2} ms");
        }

        [Fact]
        public void Translation_time_grows_linearly()
        {
            string small = Library(40 * 1024), large = Library(640 * 1024);
            Lua51Translator.Translate(small);
            double tSmall = Time(small), tLarge = Time(large);
            // 16x the input: allow generous noise but catch quadratic behaviour (which would be ~256x).
            Assert.True(tLarge < tSmall * 60 + 20, $"40 KB: {tSmall:F2} ms, 640 KB: {tLarge:F2} ms");
        }

        [Fact]
        public void Library_code_runs_with_chdk_semantics()
        {
            object[] r = _lua.Run(SampleLibrary + "\nreturn lib.avg({1, 2, 4}), lib.hex(255), lib.clamp(-7 / 2, -2, 5), lib.join({1, 'a', 3})");
            Assert.Equal(new object[] { 2L, "0x000000ff", -2L, "1,a,3" }, r);
        }

        private static double Time(string code)
        {
            long best = long.MaxValue;
            for (int i = 0; i < 3; i++)
            {
                var sw = Stopwatch.StartNew();
                Lua51Translator.Translate(code);
                best = Math.Min(best, sw.ElapsedTicks);
            }
            return best * 1000.0 / Stopwatch.Frequency;
        }

        private static string Escape(string s) =>
            string.Concat(s.Select(c => c < 32 ? "\\" + (int)c : c.ToString()));

        private static string Library(int minLength)
        {
            var sb = new StringBuilder();
            for (int i = 0; sb.Length < minLength; i++)
                sb.Append(SampleLibrary.Replace("lib", "lib" + i)).Append('\n');
            return sb.ToString();
        }

        // chdkptp-style camera-side library code (written for this test).
        private const string SampleLibrary = @"--[[
sample library, in the style of camera-side helpers
]]
local lib = {}
lib.version = '1.2'
lib.flags = { verbose = false, max = 0x7FFFFFFF, mask = 0xFFFF0000; [1] = 'one' }

function lib.avg(t)
	local sum = 0
	for i = 1, #t do
		sum = sum + t[i]
	end
	if #t == 0 then return 0 end
	return sum / #t
end

function lib.hex(v)
	return string.format('0x%08x', v)
end

function lib.clamp(v, lo, hi)
	if v < lo then
		return lo
	elseif v > hi then
		return hi
	end
	return v
end

function lib.join(t, sep)
	local parts = {}
	for i, v in ipairs(t) do
		parts[#parts + 1] = tostring(v)
	end
	return table.concat(parts, sep or ',')
end

lib.serialize = function(v, opts, depth)
	local vt = type(v)
	depth = depth or 1
	if vt == 'number' or vt == 'boolean' or vt == 'nil' then
		return tostring(v)
	elseif vt == 'string' then
		return string.format('%q', v)
	elseif vt == 'table' then
		if depth > 10 then error('serialize: max depth', 2) end
		local r = {'{'}
		for k, v1 in pairs(v) do
			if type(k) == 'string' and string.match(k, '^[_%a][%a%d_]*$') then
				table.insert(r, k)
			else
				table.insert(r, '[' .. lib.serialize(k, opts, depth + 1) .. ']')
			end
			table.insert(r, '=' .. lib.serialize(v1, opts, depth + 1) .. ',')
		end
		r[#r + 1] = '}'
		return table.concat(r)
	end
	error('unsupported type ' .. vt)
end

local function bits(n, count)
	local t = {}
	for i = 0, (count or 32) - 1 do
		t[i] = n % 2
		n = n / 2
	end
	return t
end
lib.bits = bits

function lib:method(a, b, ...)
	local extra = select('#', ...)
	return self.version, a * b - extra ^ 2, -a % 7
end
";
    }
}
