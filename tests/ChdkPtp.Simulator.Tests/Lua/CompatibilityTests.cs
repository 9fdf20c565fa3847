using System;
using System.IO;
using System.Linq;
using System.Text;
using ChdkPtp.Protocol.Chdk;

namespace ChdkPtp.Simulator.Tests.Lua
{
    /// <summary>
    /// Lua 5.1 compatibility shims and the sandbox. None of these depend on CHDK's integer numbers
    /// (that is the translator's job): results are integers either way.
    /// </summary>
    public class CompatibilityTests
    {
        // ------------------------------------------------------------------ %q

        /// <summary>Lua 5.1's addquoted, written from its documented behaviour.</summary>
        private static byte[] Q51(byte[] s)
        {
            var o = new System.Collections.Generic.List<byte> { (byte)'"' };
            foreach (var b in s)
            {
                switch (b)
                {
                    case (byte)'"': case (byte)'\\': case (byte)'\n': o.Add((byte)'\\'); o.Add(b); break;
                    case (byte)'\r': o.AddRange(Encoding.ASCII.GetBytes("\\r")); break;
                    case 0: o.AddRange(Encoding.ASCII.GetBytes("\\000")); break;
                    default: o.Add(b); break;
                }
            }
            o.Add((byte)'"');
            return o.ToArray();
        }

        [Fact]
        public void FormatQ_Is51Output_ForEveryByte()
        {
            using var h = new ScriptHarness();
            var m = h.RunOne("local t = {} for i = 0, 255 do t[#t+1] = string.char(i) end return string.format('%q', table.concat(t))");
            Assert.Equal(Q51(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray()), m.Data);
        }

        [Fact]
        public void FormatQ_SpecialCharacters()
        {
            using var h = new ScriptHarness();
            Assert.Equal("\"a\\\"b\\\\c\\\nd\\re\\000f\"", h.RunString("return string.format('%q', 'a\"b\\\\c\\nd\\re\\0f')"));
            // 5.4 would write \9 for a tab and \r as \13: 5.1 leaves other control bytes raw
            Assert.Equal("\"\t\u0001\u007f\"", h.RunString("return ('%q'):format('\\t\\1\\127')"));
        }

        [Fact]
        public void FormatQ_MixedWithOtherDirectives_AndPercentEscapes()
        {
            using var h = new ScriptHarness();
            Assert.Equal("k=\"v\\\"\";5%  x", h.RunString("return string.format('%s=%q;%d%%%3s', 'k', 'v\"', 5, 'x')"));
            Assert.Equal("\"12\"", h.RunString("return string.format('%q', 12)"));
        }

        [Fact]
        public void Format_Errors_NameFormat_AndTheCallersLine()
        {
            using var h = new ScriptHarness();
            // (not a tail call: a tail call to a Lua-level wrapper loses the caller's line in 5.4)
            var m = Assert.Single(h.Run("\nlocal s = string.format('%q', nil)"));
            Assert.Equal(ScriptMessageType.Error, m.Type);
            Assert.Equal(":2: bad argument #2 to 'format' (string expected, got nil)", ScriptHarness.Latin1(m.Data));
            m = Assert.Single(h.Run("\n\nlocal s = string.format('%d', 'x')"));
            Assert.StartsWith(":3: bad argument #2 to 'format'", ScriptHarness.Latin1(m.Data));
        }

        [Fact]
        public void Format_WithoutQ_StillWorks()
        {
            using var h = new ScriptHarness();
            Assert.Equal("007|ab|ff", h.RunString("return string.format('%03d|%s|%x', 7, 'ab', 255)"));
            Assert.Equal("plain", h.RunString("return string.format('plain')"));
        }

        // ------------------------------------------------------------------ loadstring / load

        [Fact]
        public void Loadstring_CompilesAndRuns()
        {
            using var h = new ScriptHarness();
            Assert.Equal(5, h.RunInt("local f = loadstring('return 2 + 3') return f()"));
            Assert.Equal(9, h.RunInt("local f = loadstring('local a, b = ... return a * b') return f(3, 3)"));
        }

        [Fact]
        public void Loadstring_Errors_HaveEmptyChunkName()
        {
            using var h = new ScriptHarness();
            var err = h.RunString("local f, e = loadstring('x = = 1') return e");
            Assert.StartsWith(":1: ", err);
            Assert.DoesNotContain("[string", err);
            var m = Assert.Single(h.Run("local f = loadstring('\\n\\nerror(\"inside\")') f()"));
            Assert.Equal(":3: inside", ScriptHarness.Latin1(m.Data));
        }

        [Fact]
        public void Loadstring_ExplicitChunkNames()
        {
            using var h = new ScriptHarness();
            Assert.StartsWith("mine:1: ", h.RunString("local f, e = loadstring('x = = 1', '=mine') return e"));
            Assert.StartsWith("A/X.LUA:1: ", h.RunString("local f, e = loadstring('x = = 1', '@A/X.LUA') return e"));
            // a plain name is a "string" chunk: CHDK shows it empty
            Assert.StartsWith(":1: ", h.RunString("local f, e = loadstring('x = = 1', 'name') return e"));
        }

        [Fact]
        public void Loadstring_RefusesBinaryChunks_AndBadArguments()
        {
            using var h = new ScriptHarness();
            Assert.Contains("binary", h.RunString("local f, e = loadstring(string.dump(function() return 1 end)) return e"));
            var m = Assert.Single(h.Run("loadstring()"));
            Assert.Equal(":1: bad argument #1 to 'loadstring' (string expected, got no value)", ScriptHarness.Latin1(m.Data));
        }

        [Fact]
        public void Load_StringsReadersAndEnvironments()
        {
            using var h = new ScriptHarness();
            Assert.Equal(4, h.RunInt("return load('return 4')()"));
            Assert.Equal(6, h.RunInt("local parts = {'return ', '6'} local i = 0 return load(function() i = i + 1 return parts[i] end)()"));
            Assert.Equal(8, h.RunInt("return load('return y', 'c', 't', {y = 8})()"));
            Assert.StartsWith(":1: ", h.RunString("local f, e = load('x = = 1') return e"));
        }

        // ------------------------------------------------------------------ setfenv / getfenv

        [Fact]
        public void Setfenv_OnALoadedChunk()
        {
            using var h = new ScriptHarness();
            Assert.Equal(5, h.RunInt("local f = loadstring('return x') setfenv(f, {x = 5}) return f()"));
            Assert.Equal(7, h.RunInt("local f = loadstring('z = 7') local env = {} setfenv(f, env) f() return env.z + (z or 0)"));
            Assert.True(h.RunBool("local f = loadstring('return 1') local e = {} setfenv(f, e) return getfenv(f) == e"));
        }

        [Fact]
        public void Setfenv_DoesNotAffectOtherClosures()
        {
            using var h = new ScriptHarness();
            Assert.True(h.RunBool(
                "local function a() return marker end local function b() return marker end marker = 'g' " +
                "setfenv(a, {marker = 'e'}) return a() == 'e' and b() == 'g'"));
        }

        [Fact]
        public void Getfenv_Defaults()
        {
            using var h = new ScriptHarness();
            Assert.True(h.RunBool("return getfenv() == _G and getfenv(0) == _G and getfenv(1) == _G and getfenv(print) == _G"));
            Assert.Equal(3, h.RunInt("local function g() setfenv(1, {y = 3}) return y end return g()"));
        }

        [Fact]
        public void Setfenv_BadArguments()
        {
            using var h = new ScriptHarness();
            Assert.Equal(":1: bad argument #2 to 'setfenv' (table expected, got no value)",
                ScriptHarness.Latin1(Assert.Single(h.Run("setfenv(print)")).Data));
            Assert.Equal(":1: bad argument #1 to 'getfenv' (invalid level)",
                ScriptHarness.Latin1(Assert.Single(h.Run("getfenv(50)")).Data));
        }

        // ------------------------------------------------------------------ small 5.1 functions

        [Fact]
        public void Lua51Functions()
        {
            using var h = new ScriptHarness();
            Assert.Equal(3, h.RunInt("local a, b, c = unpack({1, 2, 3}) return c"));
            Assert.Equal(7, h.RunInt("return table.maxn({1, 2, nil, 4, [7] = 'x'})"));
            Assert.Equal(0, h.RunInt("return table.maxn({a = 1})"));
            Assert.Equal(3, h.RunInt("return table.getn({1, 2, 3})"));
            Assert.Equal(1, h.RunInt("return math.mod(7, 3)"));
            Assert.Equal(1024, h.RunInt("return math.pow(2, 10)"));
            Assert.Equal("a,b,c", h.RunString("local t = {} for w in string.gfind('a b c', '%a') do t[#t+1] = w end return table.concat(t, ',')"));
            Assert.Equal(2, h.RunInt("return math.log10(100)"));
            Assert.Equal("k", h.RunString("return table.foreach({k = 1}, function(k, v) return k end)"));
        }

        [Fact]
        public void Collectgarbage_Lua51Options()
        {
            using var h = new ScriptHarness();
            Assert.True(h.RunBool("return math.type(collectgarbage('count')) == 'integer' and collectgarbage('count') > 0"));
            Assert.True(h.RunBool("return type(collectgarbage('step')) == 'boolean'"));
            Assert.Equal(0, h.RunInt("return collectgarbage()"));
            Assert.Equal(0, h.RunInt("return collectgarbage('collect')"));
            Assert.True(h.RunBool("return math.type(gcinfo()) == 'integer'"));
            var m = Assert.Single(h.Run("collectgarbage('bogus')"));
            Assert.Equal(":1: bad argument #1 to 'collectgarbage' (invalid option 'bogus')", ScriptHarness.Latin1(m.Data));
        }

        [Fact]
        public void Print_GoesToTheConsole()
        {
            using var h = new ScriptHarness();
            h.Run("print('a', 1, nil, true) io.write('part', 'ial') io.write(' line\\n')");
            var lines = h.Engine.Console.GetLines();
            Assert.Contains("a\t1\tnil\ttrue", lines);
            Assert.Contains("partial line", lines);
        }

        // ------------------------------------------------------------------ require

        [Fact]
        public void Require_Propcase()
        {
            using var h = new ScriptHarness();
            Assert.Equal(102, h.RunInt("return require('propcase').DRIVE_MODE"));
            Assert.Equal(227, h.RunInt("return require('propcase').TIMER_MODE"));
            Assert.Equal(11, h.RunInt("return require('propcase').AF_LOCK"));
            Assert.Equal(133, h.RunInt("return require('propcase').FOCUS_MODE"));
            Assert.True(h.RunBool("return require('propcase') == require('propcase') and package.loaded.propcase ~= nil"));
        }

        [Fact]
        public void Require_Capmode()
        {
            using var h = new ScriptHarness();
            Assert.Equal("PLAY", h.RunString("local c = require'capmode' return c.get_name()"));
            Assert.Equal(0, h.RunInt("return require('capmode').get()"));
            Assert.Equal(2, h.RunInt("return require('capmode').name_to_mode.P"));
            Assert.True(h.RunBool("local c = require'capmode' return c.valid('M') and not c.valid(200)"));
        }

        [Fact]
        public void Require_FromTheCard()
        {
            using var h = new ScriptHarness();
            Directory.CreateDirectory(h.HostPath("CHDK/LUALIB"));
            File.WriteAllText(h.HostPath("CHDK/LUALIB/mymod.lua"), "local m = {} m.answer = 41 + 1 return m");
            Assert.Equal(42, h.RunInt("return require('mymod').answer"));
            // card copies win over built-in modules, as on a camera with CHDK/LUALIB installed
            File.WriteAllText(h.HostPath("CHDK/LUALIB/propcase.lua"), "return { DRIVE_MODE = -5 }");
            Assert.Equal(-5, h.RunInt("return require('propcase').DRIVE_MODE"));
        }

        [Fact]
        public void Require_Missing_AndHostPaths()
        {
            using var h = new ScriptHarness();
            var text = ScriptHarness.Latin1(Assert.Single(h.Run("require('nosuchmodule')")).Data);
            Assert.StartsWith(":1: module 'nosuchmodule' not found:", text);
            Assert.Contains("no file 'A/CHDK/LUALIB/nosuchmodule.lua'", text);
            Assert.Equal(ScriptMessageType.Error, Assert.Single(h.Run("require('/etc/passwd')")).Type);
        }

        // ------------------------------------------------------------------ sandbox

        [Fact]
        public void HostAccess_IsGone()
        {
            using var h = new ScriptHarness();
            Assert.True(h.RunBool(
                "return os.execute == nil and os.exit == nil and os.getenv('PATH') == nil and os.tmpname == nil " +
                "and os.setlocale == nil and io.popen == nil and package.loadlib == nil and package.cpath == '' " +
                "and debug.sethook == nil and debug.getupvalue == nil and debug.setmetatable == nil " +
                "and debug.getregistry == nil and warn == nil and type(debug.traceback) == 'function'"));
        }

        [Fact]
        public void Dofile_Loadfile_AreCardOnly()
        {
            using var h = new ScriptHarness();
            var outside = Path.Combine(Path.GetTempPath(), "chdkptp-outside-" + Guid.NewGuid().ToString("N") + ".lua");
            File.WriteAllText(outside, "return 666");
            try
            {
                Assert.True(h.RunBool("return loadfile('" + outside.Replace("\\", "\\\\") + "') == nil"));
                Assert.Equal(ScriptMessageType.Error, Assert.Single(h.Run("dofile('" + outside.Replace("\\", "\\\\") + "')")).Type);
                Assert.True(h.RunBool("return loadfile('A/../" + Path.GetFileName(outside) + "') == nil"));
                File.WriteAllText(h.HostPath("INC.LUA"), "#!shebang line is skipped\nreturn 40 + 2");
                Assert.Equal(42, h.RunInt("return dofile('A/inc.lua')"));
                var m = Assert.Single(h.Run("local f, e = loadfile('A/NOPE.LUA') return e"));
                Assert.Equal("cannot open A/NOPE.LUA: No such file or directory", ScriptHarness.Latin1(m.Data));
            }
            finally
            {
                File.Delete(outside);
            }
        }

        [Fact]
        public void IoIsTheCardOnly()
        {
            using var h = new ScriptHarness();
            var outside = Path.Combine(Path.GetTempPath(), "chdkptp-outside-" + Guid.NewGuid().ToString("N") + ".txt");
            try
            {
                var msgs = h.Run("return io.open('" + outside.Replace("\\", "\\\\") + "', 'w')");
                Assert.Equal(3, msgs.Count);
                Assert.Equal((uint)ScriptDataType.Nil, msgs[0].Subtype);
                Assert.False(File.Exists(outside));
                Assert.True(h.RunBool("return io.output() == io.stdout and io.type(io.stdout) == 'file' and io.type(42) == nil"));
            }
            finally
            {
                if (File.Exists(outside)) File.Delete(outside);
            }
        }
    }
}
