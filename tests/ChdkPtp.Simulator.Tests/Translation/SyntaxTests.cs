using System;
using ChdkPtp.Simulator.Lua;

namespace ChdkPtp.Simulator.Tests.Translation
{
    /// <summary>Grammar coverage (run in Lua 5.4) and Lua 5.1 compile errors.</summary>
    public sealed class SyntaxTests : IDisposable
    {
        private readonly Lua54Runner _lua = new Lua54Runner();

        public void Dispose() => _lua.Dispose();

        [Theory]
        [InlineData("local a, b = nil, false return not a == b", false)]
        [InlineData("local a, b = 1, false return not a == b", true)]
        [InlineData("return 1 < 2 == true", true)]
        [InlineData("return 1 == 1 == true", true)]
        [InlineData("return 'a' < 'b' == (2 > 1)", true)]
        [InlineData("return 2 >= 3 ~= (3 <= 2)", false)]
        [InlineData("return nil or false and 1", false)]
        [InlineData("return 1 and nil or 3", 3L)]
        [InlineData("return 1 + 1 == 2 and 2 * 2 == 4", true)]
        [InlineData("return 'x' .. 1 + 2 .. 'y'", "x3y")]
        [InlineData("return 2 ^ -1 == 0", true)]
        public void Operator_precedence(string code, object expected)
        {
            Assert.Equal(expected, _lua.Run1(code));
        }

        [Fact]
        public void Concatenation_is_right_associative()
        {
            object r = _lua.Run1(@"
local mt = {}
mt.__concat = function(x, y)
  local function n(v) if type(v) == 'table' then return v.n end return v end
  return '(' .. n(x) .. n(y) .. ')'
end
local A = setmetatable({n = 'A'}, mt)
local B = setmetatable({n = 'B'}, mt)
local C = setmetatable({n = 'C'}, mt)
return A .. B .. C");
            Assert.Equal("(A(BC))", r);
        }

        [Fact]
        public void Method_calls_and_call_forms()
        {
            object[] r = _lua.Run(@"
local obj = { v = 20 }
function obj:add(x) return self.v + x end
function obj.static(x) return x * 2 end
local s = 'abc'
local t = { f = function(tbl) return tbl[1] end }
return obj:add(22), obj.static(21), s:upper(), ('x'):rep(3), t.f{7}, #s, string.len'four', obj:add(1) + 1");
            Assert.Equal(new object[] { 42L, 42L, "ABC", "xxx", 7L, 3L, 4L, 22L }, r);
        }

        [Fact]
        public void Nested_functions_closures_and_varargs()
        {
            object[] r = _lua.Run(@"
local function counter()
  local n = 0
  return function(step) n = n + (step or 1) return n end
end
local c = counter()
c() c(5)
local function count(...) return select('#', ...) end
local function pass(...) return ... end
local function sum(...)
  local s = 0
  for _, v in ipairs({...}) do s = s + v end
  return s
end
local a, b = pass(1, 2)
return c(), count(nil, nil, nil), sum(1, 2, 3, 4), a, b, (pass(8, 9))");
            Assert.Equal(new object[] { 7L, 3L, 10L, 1L, 2L, 8L }, r);
        }

        [Fact]
        public void Table_constructors()
        {
            object[] r = _lua.Run(@"
local k = 'key'
local t = { 1, 2; x = 3, [4*2] = 5; 'six', [k] = -1, [k .. 2] = 0xFFFFFFFF, }
local e = {}
local n = { {1, {2}}, {} }
return #t, t[1], t[2], t[3], t.x, t[8], t.key, t.key2, #e, n[1][2][1]");
            Assert.Equal(new object[] { 3L, 1L, 2L, "six", 3L, 5L, -1L, -1L, 0L, 2L }, r);
        }

        [Fact]
        public void Statements()
        {
            object r = _lua.Run1(@"
local out = {}
local i = 0
while i < 3 do i = i + 1 end
out[#out + 1] = i
repeat i = i - 1 until i == 0
out[#out + 1] = i
for j = 10, 1, -3 do i = i + j end
out[#out + 1] = i
for k, v in pairs({a = 1}) do out[#out + 1] = k .. v end
if i > 100 then out[#out + 1] = 'big' elseif i > 10 then out[#out + 1] = 'mid' else out[#out + 1] = 'small' end
do local i = 'shadow' out[#out + 1] = i end
for j = 1, 10 do if j == 4 then break end i = j end
out[#out + 1] = i
local a, b, c = 1, 2
a, b = b, a
out[#out + 1] = tostring(a) .. tostring(b) .. tostring(c)
local t = {}
t.x, t['y'] = 1, 2
out[#out + 1] = t.x + t.y;
return table.concat(out, ',')");
            Assert.Equal("3,0,22,a1,mid,shadow,3,21nil,3", r);
        }

        [Fact]
        public void Statement_starting_with_paren_after_arithmetic_is_a_new_statement()
        {
            // Valid 5.1: the '(' line is its own statement. A naive translation would make 5.4 call the result.
            Assert.Equal(3L, _lua.Run1("local x = 1 + 2\n(function() y = x end)()\nreturn y"));
            Assert.Equal(-1L, _lua.Run1("local x = -1\n(function() y = x end)()\nreturn y"));
            Assert.Equal(5L, _lua.Run1("local x = 0xFFFFFFFF\n(function() y = 5 end)()\nreturn y"));
        }

        [Fact]
        public void Goto_and_ENV_are_ordinary_names_as_in_5_1()
        {
            object[] r = _lua.Run(@"
local goto = 5
local t = { goto = 1, _ENV = 2 }
t.goto = t.goto + goto
local o = { n = 21, sub = {} }
function o:goto(x) return self.n * x end
function o.sub.goto() end
_ENV = 'plain global'
return goto + 1, t.goto, t['goto'], t._ENV, o:goto(2), o.goto(o, 1), _ENV, type(_G)");
            Assert.Equal(new object[] { 6L, 6L, 6L, 2L, 42L, 21L, "plain global", "table" }, r);
        }

        [Fact]
        public void Goto_method_call_forms()
        {
            object[] r = _lua.Run(@"
local o = { }
function o:goto(...) return select('#', ...), ... end
local a = { o:goto() }
local b = { o:goto'x' }
local c = { o:goto{1} }
local d = { o:goto(1, 2) }
return a[1], b[1], b[2], c[1], d[1], d[3]");
            Assert.Equal(new object[] { 0L, 1L, "x", 1L, 2L, 2L }, r);
        }

        [Fact]
        public void Function_name_with_goto_field_and_method()
        {
            object r = _lua.Run1(@"
local a = { goto = { v = 4 } }
function a.goto:m(x) return self.v + x end
return a.goto:m(3)");
            Assert.Equal(7L, r);
        }

        [Fact]
        public void Function_name_with_goto_field_keeps_body_on_its_lines()
        {
            string err = _lua.RunError("local a = {}\nfunction a.goto(x)\n  return x + nil\nend\nreturn a.goto(1)");
            Assert.Equal(":3: attempt to perform arithmetic on a nil value", err);
        }

        // ---------------------------------------------------------------- compile errors

        [Theory]
        [InlineData("x = = 1", ":1: unexpected symbol near '='")]
        [InlineData("bogus]", ":1: '=' expected near ']'")]
        [InlineData("local 1 = 2", ":1: '<name>' expected near '1'")]
        [InlineData("if x then", ":1: 'end' expected near '<eof>'")]
        [InlineData("if x then\n\nfoo()", ":3: 'end' expected (to close 'if' at line 1) near '<eof>'")]
        [InlineData("f(", ":1: unexpected symbol near '<eof>'")]
        [InlineData("x = 1 + ", ":1: unexpected symbol near '<eof>'")]
        [InlineData("x = 1\n\n\ny = ", ":4: unexpected symbol near '<eof>'")]
        [InlineData("x = 1.5", ":1: malformed number near '1.5'")]
        [InlineData("x = 1e5", ":1: malformed number near '1e5'")]
        [InlineData("x = 3E-2", ":1: malformed number near '3E-2'")]
        [InlineData("x = .5", ":1: malformed number near '.5'")]
        [InlineData("x = 5.", ":1: malformed number near '5.'")]
        [InlineData("x = 1..2", ":1: malformed number near '1..2'")]
        [InlineData("x = 0x", ":1: malformed number near '0x'")]
        [InlineData("x = 0xG", ":1: malformed number near '0xG'")]
        [InlineData("x = 12x5", ":1: malformed number near '12x5'")]
        [InlineData("x = 3abc", ":1: malformed number near '3abc'")]
        [InlineData("return return", ":1: unexpected symbol near 'return'")]
        [InlineData("return 1 return", ":1: '<eof>' expected near 'return'")]
        [InlineData("do return end x = 1 return x y", ":1: '<eof>' expected near 'y'")]
        [InlineData("break", ":1: no loop to break near '<eof>'")]
        [InlineData("while true do end break", ":1: no loop to break near '<eof>'")]
        [InlineData("for i = 1, 2 do local f = function() break end end", ":1: no loop to break near 'end'")]
        [InlineData("function f() return ... end", ":1: cannot use '...' outside a vararg function near '...'")]
        [InlineData("f()\n(g)()", ":2: ambiguous syntax (function call x new statement) near '('")]
        [InlineData("local x = y\n(g)()", ":2: ambiguous syntax (function call x new statement) near '('")]
        [InlineData("for i do end", ":1: '=' or 'in' expected near 'do'")]
        [InlineData("for i = 1 do end", ":1: ',' expected near 'do'")]
        [InlineData("for i = 1, 2 end", ":1: 'do' expected near 'end'")]
        [InlineData("a.b:c = 1", ":1: function arguments expected near '='")]
        [InlineData("(a) = 1", ":1: syntax error near '='")]
        [InlineData("f() = 1", ":1: syntax error near '='")]
        [InlineData("a, f() = 1, 2", ":1: syntax error near '='")]
        [InlineData("x", ":1: '=' expected near '<eof>'")]
        [InlineData("x = a // b", ":1: unexpected symbol near '/'")]
        [InlineData("x = a & b", ":1: unexpected symbol near '&'")]
        [InlineData("x = ~1", ":1: unexpected symbol near '~'")]
        [InlineData("::label::", ":1: unexpected symbol near ':'")]
        [InlineData("goto continue", ":1: '=' expected near 'continue'")]
        [InlineData("local t = {1 2}", ":1: '}' expected near '2'")]
        [InlineData("local t = {\n1,\n2\n3}", ":4: '}' expected (to close '{' at line 1) near '3'")]
        [InlineData("f(1,)", ":1: unexpected symbol near ')'")]
        [InlineData("x = \u0001", ":1: unexpected symbol near 'char(1)'")]
        [InlineData("x = @", ":1: unexpected symbol near '@'")]
        [InlineData("function (a) end", ":1: '<name>' expected near '('")]
        [InlineData("function f(a,) end", ":1: <name> or '...' expected near ')'")]
        [InlineData("function f(a b) end", ":1: ')' expected near 'b'")]
        [InlineData("function f\n(a) return a", ":2: 'end' expected (to close 'function' at line 1) near '<eof>'")]
        [InlineData("local function f() end x", ":1: '=' expected near '<eof>'")]
        [InlineData("x = 'abc", ":1: unfinished string near '<eof>'")]
        [InlineData("x = \"abc\ny = 1", ":1: unfinished string near '\"abc'")]
        [InlineData("x = \"ab\\", ":1: unfinished string near '<eof>'")]
        [InlineData("x = [[abc\n\n", ":3: unfinished long string near '<eof>'")]
        [InlineData("x = 1 --[==[ abc\n]]", ":2: unfinished long comment near '<eof>'")]
        [InlineData("x = [=abc", ":1: invalid long string delimiter near '[='")]
        [InlineData("x = \"a\\300\"", ":1: escape sequence too large near '\"a'")]
        [InlineData("x = y \"abc\" 5", ":1: unexpected symbol near '5'")]
        [InlineData("x = y 'a\\tb' 5", ":1: unexpected symbol near '5'")]
        [InlineData("return \"x\":len()", ":1: '<eof>' expected near ':'")]
        [InlineData("repeat x = 1", ":1: 'until' expected near '<eof>'")]
        [InlineData("if x then else elseif y then end", ":1: 'end' expected near 'elseif'")]
        [InlineData(";", ":1: unexpected symbol near ';'")]
        [InlineData("x = 1;;", ":1: unexpected symbol near ';'")]
        [InlineData("return;;", ":1: '<eof>' expected near ';'")]
        public void Compile_errors_match_lua_5_1(string code, string expected)
        {
            var ex = Assert.Throws<LuaSyntaxException>(() => Lua51Translator.Translate(code));
            Assert.Equal(expected, ex.Message);
            int colon = expected.IndexOf(':', 1);
            Assert.Equal(int.Parse(expected.Substring(1, colon - 1)), ex.Line);
        }

        [Fact]
        public void Syntax_exception_exposes_parts()
        {
            var ex = Assert.Throws<LuaSyntaxException>(() => Lua51Translator.Translate("a = 1\nb = ) 2"));
            Assert.Equal(2, ex.Line);
            Assert.Equal("unexpected symbol", ex.Reason);
            Assert.Equal(")", ex.Near);
            Assert.Equal(":2: unexpected symbol near ')'", ex.Message);
        }

        [Fact]
        public void Null_source_is_rejected()
        {
            Assert.Throws<ArgumentNullException>(() => Lua51Translator.Translate(null));
        }

        [Theory]
        [InlineData("")]
        [InlineData("   \n\t ")]
        [InlineData("-- only a comment")]
        [InlineData("--[[ long\ncomment ]]")]
        public void Empty_chunks_translate_and_run(string code)
        {
            Assert.Empty(_lua.Run(code));
        }

        [Fact]
        public void Valid_5_1_tokens_that_look_odd()
        {
            object[] r = _lua.Run("local a = {[ [[x]] ] = 1}\nlocal b = 1 -- comment\n-2\nreturn a.x, b, - -3, 0x0F, 00012");
            Assert.Equal(new object[] { 1L, -1L, 3L, 15L, 12L }, r);
        }
    }
}
