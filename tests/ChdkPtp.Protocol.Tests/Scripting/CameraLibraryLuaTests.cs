using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Scripting;

namespace ChdkPtp.Protocol.Tests.Scripting
{
    /// <summary>
    /// Runs the camera library in a real Lua 5.4 (KeraLua) and checks what it produces against the
    /// reader. Lua 5.4's %q differs from CHDK's 5.1 one (\13, \0, \127 instead of raw bytes), which
    /// the reader must accept as well.
    /// </summary>
    public class CameraLibraryLuaTests
    {
        private static ScriptOutcome RunWithLibrary(string code)
        {
            using var host = new LuaHost();
            var outcome = host.Run(CameraLibrary.Source + "\n" + code);
            Assert.True(outcome.Error == ScriptErrorType.None, outcome.ErrorText);
            return outcome;
        }

        /// <summary>Runs <c>return expr</c> and parses the one serialized table it returns.</summary>
        private static object SerializeInLua(string expr)
        {
            var outcome = RunWithLibrary("return " + expr);
            var v = Assert.Single(outcome.Values);
            Assert.Equal(ScriptDataType.Table, v.Type);
            Assert.True(v.SerializeError == null, v.SerializeError);
            return LuaValueReader.Parse((byte[])v.Value);
        }

        private static string SerializeErrorInLua(string code)
        {
            var outcome = RunWithLibrary(code);
            var v = Assert.Single(outcome.Values);
            Assert.Equal(ScriptDataType.Table, v.Type);
            Assert.NotNull(v.SerializeError);
            return v.SerializeError;
        }

        [Fact]
        public void Library_compiles_and_defines_its_globals()
        {
            var o = RunWithLibrary("return type(chdkps_serialize), type(chdkps_run), usb_msg_table_to_string == chdkps_serialize");
            Assert.Equal("function", Encoding.ASCII.GetString((byte[])o.Values[0].Value));
            Assert.Equal("function", Encoding.ASCII.GetString((byte[])o.Values[1].Value));
            Assert.Equal(true, o.Values[2].Value);
        }

        [Fact]
        public void Serializer_output_form()
        {
            var o = RunWithLibrary("return chdkps_serialize({}), chdkps_serialize({5}), chdkps_serialize(nil), chdkps_serialize(-3), chdkps_serialize('a\"b'), chdkps_serialize(true)");
            string[] texts = o.Values.Select(v => Encoding.Latin1.GetString((byte[])v.Value)).ToArray();
            Assert.Equal(new[] { "{}", "{[1]=5}", "nil", "-3", "\"a\\\"b\"", "true" }, texts);
        }

        [Fact]
        public void Arrays_records_and_mixed_tables()
        {
            LuaAssert.DeepEqual(new object[0], SerializeInLua("{}"));
            LuaAssert.DeepEqual(new object[] { 1, 2, 3 }, SerializeInLua("{1,2,3}"));
            LuaAssert.DeepEqual(new object[] { -2147483647 - 1, 2147483647, 0, -1 }, SerializeInLua("{-2147483647-1, 2147483647, 0, -1}"));
            LuaAssert.DeepEqual(new object[] { 3 }, SerializeInLua("{3.0}"));   // an integral float is fine

            var rec = Assert.IsType<LuaRecord>(SerializeInLua("{a=1,b='x',c=true,d=false}"));
            Assert.Equal(4, rec.Count);
            Assert.Equal(1, rec["a"]);
            Assert.Equal("x", rec["b"]);
            Assert.Equal(true, rec["c"]);
            Assert.Equal(false, rec["d"]);

            var t = Assert.IsType<LuaTable>(SerializeInLua("{1,'a',{x=1},n=3,[0]=false,['a b']=2}"));
            Assert.Equal(6, t.Count);
            Assert.Equal(1, t[1]);
            Assert.Equal("a", t[2]);
            Assert.Equal(1, ((LuaRecord)t[3])["x"]);
            Assert.Equal(3, t["n"]);
            Assert.Equal(false, t[0]);
            Assert.Equal(2, t["a b"]);

            var bk = Assert.IsType<LuaTable>(SerializeInLua("{[true]='t',[false]='f'}"));
            Assert.Equal("t", bk[true]);
            Assert.Equal("f", bk[false]);

            var tk = Assert.IsType<LuaTable>(SerializeInLua("{[{1,2}]='list key'}"));
            LuaAssert.DeepEqual(new object[] { 1, 2 }, tk.Entries.Single().Key);
            Assert.Equal("list key", tk.Entries.Single().Value);
        }

        [Fact]
        public void Nested_tables_and_shared_references()
        {
            var v = Assert.IsType<LuaRecord>(SerializeInLua("{outer={inner={deep={1,{2,{3}}}}}, list={{},{{}}}}"));
            var deep = ((LuaRecord)((LuaRecord)v["outer"])["inner"])["deep"];
            LuaAssert.DeepEqual(new object[] { 1, new object[] { 2, new object[] { 3 } } }, deep);
            LuaAssert.DeepEqual(new object[] { new object[0], new object[] { new object[0] } }, v["list"]);

            LuaAssert.DeepEqual(new object[] { new object[] { 1 }, new object[] { 1 } }, SerializeInLua("(function() local s = {1} return {s, s} end)()"));
        }

        [Fact]
        public void Every_byte_value_survives_in_strings_and_keys()
        {
            var arr = Assert.IsType<object[]>(SerializeInLua(
                "(function() local t, all = {}, {} for i = 0, 255 do t[#t + 1] = string.char(i); all[#all + 1] = string.char(i) end " +
                "t[#t + 1] = table.concat(all) t[#t + 1] = string.char(0) .. '1' .. string.char(13, 10) .. '2\\\\\"' return t end)()"));
            Assert.Equal(258, arr.Length);
            for (int i = 0; i < 256; i++)
                Assert.Equal(LuaText.Decode(new[] { (byte)i }), arr[i]);
            string all = Assert.IsType<string>(arr[256]);
            Assert.Equal(256, all.Length);                       // invalid UTF-8 -> Latin-1, one char per byte
            for (int i = 0; i < 256; i++) Assert.Equal(i, (int)all[i]);
            Assert.Equal("\u00001\r\n2\\\"", arr[257]);

            var keyed = Assert.IsType<LuaRecord>(SerializeInLua("{[string.char(0, 255, 10, 13, 34, 92)] = 1, ['caf\\195\\169'] = 2}"));
            Assert.Equal(1, keyed[LuaText.Decode(new byte[] { 0, 255, 10, 13, 34, 92 })]);
            Assert.Equal(2, keyed["caf\u00E9"]);
        }

        [Fact]
        public void Key_order_of_string_keys_is_the_pairs_order()
        {
            var o = RunWithLibrary(
                "local t = {} for i = 1, 60 do t['k' .. i] = i end " +
                "local ks = {} for k in pairs(t) do ks[#ks + 1] = k end return t, ks");
            var rec = Assert.IsType<LuaRecord>(LuaValueReader.Parse((byte[])o.Values[0].Value));
            var order = Assert.IsType<object[]>(LuaValueReader.Parse((byte[])o.Values[1].Value));
            Assert.Equal(order.Cast<string>().ToArray(), rec.Keys.ToArray());
            // The pairs order of a hashed table is not insertion order, so this really checks order keeping.
            Assert.NotEqual(Enumerable.Range(1, 60).Select(i => "k" + i).ToArray(), rec.Keys.ToArray());
            for (int i = 1; i <= 60; i++) Assert.Equal(i, rec["k" + i]);
        }

        [Fact]
        public void Depth_limit_is_32_nested_tables()
        {
            string Nest(int n) => new string('{', n) + new string('}', n);
            object v = SerializeInLua(Nest(CameraLibrary.SerializerMaxDepth));
            int depth = 0;
            while (v is object[] a && a.Length == 1) { v = a[0]; depth++; }
            Assert.Equal(CameraLibrary.SerializerMaxDepth - 1, depth);
            Assert.Equal("serialize: max depth", SerializeErrorInLua("return " + Nest(CameraLibrary.SerializerMaxDepth + 1)));
        }

        [Fact]
        public void Cycles_are_errors()
        {
            Assert.Equal("serialize: cycle", SerializeErrorInLua("local t = {} t.self = t return t"));
            Assert.Equal("serialize: cycle", SerializeErrorInLua("local a = {} local b = {a} a[1] = b return a"));
            Assert.Equal("serialize: cycle", SerializeErrorInLua("local t = {} t[t] = 1 return t"));
        }

        [Fact]
        public void Unsupported_types_are_errors()
        {
            Assert.Equal("serialize: unsupported type function", SerializeErrorInLua("return {print}"));
            Assert.Equal("serialize: unsupported type function", SerializeErrorInLua("return {[print]=1}"));
            Assert.Equal("serialize: unsupported type thread", SerializeErrorInLua("return {coroutine.create(function() end)}"));
            Assert.Equal("serialize: unsupported type userdata", SerializeErrorInLua("return {io.stdout}"));
        }

        [Theory]
        [InlineData("{1.5}", "1.5")]
        [InlineData("{0/0}", "nan")]
        [InlineData("{1/0}", "inf")]
        [InlineData("{math.maxinteger}", "9223372036854775807")]
        [InlineData("{2147483648}", "2147483648")]
        [InlineData("{-2147483649}", "-2147483649")]
        [InlineData("{2^40}", "1099511627776")]
        public void Numbers_a_chdk_camera_cannot_have_are_errors_not_misread_text(string table, string shown)
        {
            string err = SerializeErrorInLua("return " + table);
            Assert.StartsWith("serialize: number is not a 32-bit integer: ", err);
            Assert.Contains(shown.TrimStart('-'), err);
        }

        [Fact]
        public void Composed_script_passes_arguments_with_nils_and_returns_all_values()
        {
            using var host = new LuaHost();
            var o = host.Run(ChdkScriptComposer.Compose("local a,b = ... return b, a, select('#', ...)", new object[] { 1, null, "x" }));
            Assert.Equal(ScriptErrorType.None, o.Error);
            Assert.Equal(3, o.Values.Count);
            Assert.Equal(ScriptDataType.Nil, o.Values[0].Type);
            Assert.Equal(1L, o.Values[1].Value);
            Assert.Equal(3L, o.Values[2].Value);

            var trailing = host.Run(ChdkScriptComposer.Compose("return select('#', ...)", new object[] { null, null }));
            Assert.Equal(2L, trailing.Values.Single().Value);
            var none = host.Run(ChdkScriptComposer.Compose("return select('#', ...)", null));
            Assert.Equal(0L, none.Values.Single().Value);
            var nothing = host.Run(ChdkScriptComposer.Compose("local x = 1", null));
            Assert.Empty(nothing.Values);
        }

        [Fact]
        public void Composed_script_arguments_arrive_with_the_same_values()
        {
            var args = new object[]
            {
                int.MinValue, int.MaxValue, 0xFFFFFFFFu, "caf\u00E9 \"q\" \\ \n]]", new byte[] { 0, 1, 255 }, true,
                new Dictionary<string, object> { ["name"] = "IMG_0001.JPG", ["size"] = 12345, ["tags"] = new[] { "a", "b" } },
            };
            using var host = new LuaHost();
            var o = host.Run(ChdkScriptComposer.Compose("return ...", args));
            Assert.True(o.Error == ScriptErrorType.None, o.ErrorText);
            Assert.Equal(args.Length, o.Values.Count);
            Assert.Equal((long)int.MinValue, o.Values[0].Value);
            Assert.Equal((long)int.MaxValue, o.Values[1].Value);
            Assert.Equal(-1L, o.Values[2].Value);
            Assert.Equal(Encoding.UTF8.GetBytes((string)args[3]), o.Values[3].Value);
            Assert.Equal(new byte[] { 0, 1, 255 }, o.Values[4].Value);
            Assert.Equal(true, o.Values[5].Value);
            var rec = Assert.IsType<LuaRecord>(LuaValueReader.Parse((byte[])o.Values[6].Value));
            Assert.Equal("IMG_0001.JPG", rec["name"]);
            Assert.Equal(12345, rec["size"]);
            LuaAssert.DeepEqual(new object[] { "a", "b" }, rec["tags"]);
        }

        [Fact]
        public void Code_that_looks_like_an_escape_attempt_runs_as_written()
        {
            using var host = new LuaHost();
            string code = "local s = \"\\\")]] --\" return s, [[\"]]";
            var o = host.Run(ChdkScriptComposer.Compose(code, null));
            Assert.True(o.Error == ScriptErrorType.None, o.ErrorText);
            Assert.Equal("\")]] --", Encoding.ASCII.GetString((byte[])o.Values[0].Value));
            Assert.Equal("\"", Encoding.ASCII.GetString((byte[])o.Values[1].Value));
        }

        [Theory]
        [InlineData("x = = 1", 1)]
        [InlineData("local a = 1\n\nlocal = 2", 3)]
        [InlineData("local a = 1\r\nlocal b = 2\r\nreturn (", 3)]
        [InlineData("for i=1,2 do\nprint(i)\n", 3)]
        public void User_syntax_errors_become_prefixed_compile_errors_with_user_line_numbers(string code, int line)
        {
            using var host = new LuaHost();
            var o = host.Run(ChdkScriptComposer.Compose(code, new object[] { 1 }));
            Assert.Equal(ScriptErrorType.Runtime, o.Error);                      // the wrapper compiled; the runner raised
            Assert.StartsWith(ChdkScriptComposer.CompileErrorPrefix + ":" + line + ":", o.ErrorText);
            var info = ChdkScriptComposer.ParseError(o.ErrorText, ScriptErrorType.Runtime);
            Assert.Equal(LuaErrorKind.Compile, info.Kind);
            Assert.Equal(line, info.Line);
            Assert.False(info.LineIsInComposedScript);
            Assert.DoesNotContain(":" + line + ":", info.Message);
            Assert.NotEmpty(info.Message);
        }

        [Theory]
        [InlineData("local x = 1\nerror('boom')", 2, "boom")]
        [InlineData("\n\nlocal t = nil\nreturn t.x", 4, "attempt to index")]
        [InlineData("local f = ...\nreturn f()", 2, "number value")]
        public void User_runtime_errors_carry_user_line_numbers(string code, int line, string fragment)
        {
            using var host = new LuaHost();
            var o = host.Run(ChdkScriptComposer.Compose(code, new object[] { 5 }));
            Assert.Equal(ScriptErrorType.Runtime, o.Error);
            var info = ChdkScriptComposer.ParseError(o.ErrorText, ScriptErrorType.Runtime);
            Assert.Equal(LuaErrorKind.Runtime, info.Kind);
            Assert.Equal(line, info.Line);
            Assert.Contains(fragment, info.Message);
        }

        [Fact]
        public void Error_with_level_zero_has_no_line()
        {
            using var host = new LuaHost();
            var o = host.Run(ChdkScriptComposer.Compose("error('plain', 0)", null));
            var info = ChdkScriptComposer.ParseError(o.ErrorText, ScriptErrorType.Runtime);
            Assert.Equal(LuaErrorKind.Runtime, info.Kind);
            Assert.Null(info.Line);
            Assert.Equal("plain", info.Message);
        }

        [Fact]
        public void Maximum_argument_count_runs()
        {
            var args = Enumerable.Range(1, ChdkScriptComposer.MaxArguments).Select(i => (object)i).ToList();
            using var host = new LuaHost();
            var o = host.Run(ChdkScriptComposer.Compose("local n, s = select('#', ...), 0 for i = 1, n do s = s + select(i, ...) end return n, s", args));
            Assert.True(o.Error == ScriptErrorType.None, o.ErrorText);
            Assert.Equal((long)ChdkScriptComposer.MaxArguments, o.Values[0].Value);
            Assert.Equal((long)args.Sum(a => (int)a), o.Values[1].Value);
        }

        [Fact]
        public void Arguments_too_complex_for_the_compiler_give_a_composed_script_compile_error()
        {
            // Positional items wait in registers until 50 are collected: nesting such lists exhausts
            // the 255 registers of Lua 5.4 (250 in CHDK's 5.1) and the *composed* script fails to compile.
            object v = new object[0];
            for (int d = 0; d < 40; d++)
                v = Enumerable.Range(0, 40).Select(i => (object)i).Append(v).ToArray();
            using var host = new LuaHost();
            var o = host.Run(ChdkScriptComposer.Compose("return 1", new[] { v }));
            Assert.Equal(ScriptErrorType.Compile, o.Error);
            var info = ChdkScriptComposer.ParseError(o.ErrorText, ScriptErrorType.Compile);
            Assert.Equal(LuaErrorKind.Compile, info.Kind);
            Assert.Equal(CameraLibrary.LineCount + 1, info.Line);
            Assert.True(info.LineIsInComposedScript);
            Assert.Contains("arguments", info.Message);
        }
    }
}
