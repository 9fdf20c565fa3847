using System;
using System.Linq;
using ChdkPtp.Simulator.Lua;

namespace ChdkPtp.Simulator.Tests.Translation
{
    /// <summary>Line numbers survive translation; string literals keep their 5.1 meaning.</summary>
    public sealed class LinesAndStringsTests : IDisposable
    {
        private readonly Lua54Runner _lua = new Lua54Runner();

        public void Dispose() => _lua.Dispose();

        [Fact]
        public void Long_string_with_bracket_lookalikes_keeps_content_and_lines()
        {
            const string code = "local s = [==[\na]]b]=]c\n[[x]]\n]==]\nerror('x')";
            Assert.Equal(":5: x", _lua.RunError(code));
            Assert.Equal("a]]b]=]c\n[[x]]\n", _lua.Run1(code.Replace("error('x')", "return s")));
        }

        [Theory]
        [InlineData("--[[ a\nb\nc ]] error('x')", 3)]
        [InlineData("--[==[ a\n]]\n]=]\n]==]\nerror('x')", 5)]
        [InlineData("-- short\n-- short\nerror('x')", 3)]
        [InlineData("local s = 'a\\\nb\\\nc'\nerror('x')", 4)]
        [InlineData("local s = [[\n\n]] error('x')", 3)]
        [InlineData("local a = 1\r\nlocal b = 2\r\nerror('x')", 3)]
        [InlineData("local a = 1\rlocal b = 2\rerror('x')", 3)]
        [InlineData("local a = 1\n\rlocal b = 2\n\rerror('x')", 3)]
        [InlineData("local a = 1\n\nlocal b = 2\r\rerror('x')", 5)]
        [InlineData("local t = {\n1 +\n2,\n-3\n}\nerror('x')", 6)]
        [InlineData("local function f(a,\nb)\nreturn a\n+ b\nend\nerror('x')", 6)]
        [InlineData("local x = - -\n-\n5\nerror('x')", 4)]
        public void Runtime_error_reports_the_source_line(string code, int line)
        {
            Assert.Equal(":" + line + ": x", _lua.RunError(code));
        }

        [Fact]
        public void Errors_inside_nested_functions_report_their_lines()
        {
            const string code = @"local function outer()
  local function inner(t)
    return t.x.y
  end
  return inner({})
end
local ok, err = pcall(outer)
local v = 10 / 3
if v ~= 3 then error('math') end
return err";
            string err = (string)_lua.Run1(code);
            Assert.StartsWith(":3: attempt to index", err);
        }

        [Fact]
        public void Every_line_keeps_its_line_in_the_output()
        {
            // A line-tagged program: each statement records the line debug.getinfo reports for it.
            var src = new System.Text.StringBuilder("local lines = {}\n");
            for (int i = 2; i <= 60; i++)
            {
                switch (i % 5)
                {
                    case 0: src.Append("lines[#lines + 1] = debug.getinfo(1, 'l').currentline * 1\n"); break;
                    case 1: src.Append("--[[ comment\nspanning ]] lines[#lines + 1] = debug.getinfo(1, 'l').currentline\n"); i++; break;
                    case 2: src.Append("local s" + i + " = [[\n]] .. 'x' lines[#lines + 1] = debug.getinfo(1, 'l').currentline\n"); i++; break;
                    case 3: src.Append("lines[#lines + 1] = -(-debug.getinfo(1, 'l').currentline) % 1000 -- c\n"); break;
                    default: src.Append("\n"); break;
                }
            }
            src.Append("return table.concat(lines, ',')");
            string code = src.ToString();
            string[] sourceLines = code.Split('\n');
            var expected = Enumerable.Range(1, sourceLines.Length)
                .Where(n => sourceLines[n - 1].Contains("lines[#lines + 1]"))
                .Select(n => n.ToString());
            Assert.Equal(string.Join(",", expected), _lua.Run1(code));
        }

        [Fact]
        public void Translated_output_has_no_more_lines_than_the_source()
        {
            const string code = "local a = 1 +\n2\n-- trailing\n-- comments\n";
            string output = Lua51Translator.Translate(code);
            Assert.True(output.Count(c => c == '\n') <= code.Count(c => c == '\n'), output);
            Assert.Equal(2, output.Count(c => c == '\n') + 1);
        }

        [Theory]
        [InlineData("return '\\q'", "q")]
        [InlineData("return \"\\x41\"", "x41")]
        [InlineData("return '\\z  b'", "z  b")]
        [InlineData("return '\\u{48}'", "u{48}")]
        [InlineData("return '\\?\\[\\%'", "?[%")]
        [InlineData("return 'a\\\\b'", "a\\b")]
        [InlineData("return \"\\\"'\\'\"", "\"''")]
        [InlineData("return '\\65\\066\\0677'", "ABC7")]
        [InlineData("return 'tab\\tnl\\nbell\\a'", "tab\tnl\nbell\a")]
        [InlineData("return '\\\\x41'", "\\x41")]
        [InlineData("return 'é\\é'", "éé")]
        [InlineData("return [[\\q\\x41]]", "\\q\\x41")]
        public void String_escapes_keep_their_5_1_meaning(string code, string expected)
        {
            Assert.Equal(expected, _lua.Run1(code));
        }

        [Fact]
        public void Escaped_newline_in_a_rewritten_string_keeps_the_line_count()
        {
            Assert.Equal(":4: x", _lua.RunError("local s = '\\q\\\n\\z'\nlocal t = s\nerror('x')"));
            Assert.Equal("q\nz", _lua.Run1("local s = '\\q\\\n\\z'\nreturn s"));
        }

        [Fact]
        public void String_with_escaped_crlf()
        {
            Assert.Equal("a\nb", _lua.Run1("return 'a\\\r\nb'"));
            Assert.Equal(":3: x", _lua.RunError("local s = 'a\\\r\nb'\r\nerror('x')"));
        }
    }
}
