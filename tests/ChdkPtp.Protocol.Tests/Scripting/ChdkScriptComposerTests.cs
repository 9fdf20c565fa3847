using System;
using System.Collections.Generic;
using System.Linq;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Scripting;

namespace ChdkPtp.Protocol.Tests.Scripting
{
    public class ChdkScriptComposerTests
    {
        [Fact]
        public void Composed_script_is_library_newline_and_one_call_line()
        {
            string s = ChdkScriptComposer.Compose("return 1", new object[] { 5, "a" });
            Assert.StartsWith(CameraLibrary.Source + "\n", s);
            string last = s.Substring(CameraLibrary.Source.Length + 1);
            Assert.DoesNotContain("\n", last);
            Assert.Equal("return chdkps_run(\"return 1\",5,\"a\")", last);
            Assert.Equal(CameraLibrary.LineCount + 1, s.Split('\n').Length);
        }

        [Fact]
        public void Library_facts()
        {
            Assert.Equal(CameraLibrary.Source.Split('\n').Length, CameraLibrary.LineCount);
            Assert.False(CameraLibrary.Source.EndsWith("\n"));
            Assert.DoesNotContain("\r", CameraLibrary.Source);
            Assert.All(CameraLibrary.Source, c => Assert.True(c == '\n' || (c >= ' ' && c <= '~')));
            Assert.Contains("usb_msg_table_to_string = " + CameraLibrary.SerializerName, CameraLibrary.Source);
            Assert.Contains(ChdkScriptComposer.CompileErrorPrefix, CameraLibrary.Source);
            // Nothing from Lua 5.2+ or 5.3+: no goto, no integer division, no bit operators, no unpack.
            foreach (string banned in new[] { "goto", "//", "&", "|", ">>", "<<", "unpack", "math.tointeger", "math.type", "utf8.", "::" })
                Assert.DoesNotContain(banned, CameraLibrary.Source);
            Assert.DoesNotMatch("~(?!=)", CameraLibrary.Source); // binary/unary ~ is 5.3+
        }

        [Fact]
        public void Code_is_embedded_as_an_escaped_literal()
        {
            string code = "print(\"x\")\nreturn 'é'";
            string s = ChdkScriptComposer.Compose(code, null);
            string last = s.Substring(CameraLibrary.Source.Length + 1);
            Assert.Equal("return chdkps_run(\"print(\\034x\\034)\\010return '\\195\\169'\")", last);
        }

        [Fact]
        public void Composed_script_is_printable_ascii_whatever_the_code_and_arguments()
        {
            string s = ChdkScriptComposer.Compose("return '\0\u00E9\r\n\U0001F4F7\u007F'", new object[] { "\0\u00FF", new byte[] { 0, 10, 13, 255 } });
            Assert.All(s, c => Assert.True(c == '\n' || (c >= ' ' && c <= '~'), "character " + (int)c));
            Assert.Equal(CameraLibrary.LineCount + 1, s.Split('\n').Length);   // code line breaks are escaped
        }

        [Fact]
        public void Argument_errors_name_the_argument()
        {
            var ex = Assert.Throws<LuaSerializationException>(() =>
                ChdkScriptComposer.Compose("", new object[] { 1, new object[] { Guid.Empty } }));
            Assert.Equal("argument 2: [1]", ex.Path);
            var ex2 = Assert.Throws<LuaSerializationException>(() => ChdkScriptComposer.Compose("", new object[] { 1.5 }));
            Assert.Equal("argument 1", ex2.Path);
            var ex3 = Assert.Throws<LuaSerializationException>(() => ChdkScriptComposer.Compose("x\uD800", null));
            Assert.Equal("script code", ex3.Path);
        }

        [Fact]
        public void Argument_count_is_limited()
        {
            ChdkScriptComposer.Compose("", Enumerable.Repeat<object>(1, ChdkScriptComposer.MaxArguments).ToList());
            var ex = Assert.Throws<ArgumentException>(() =>
                ChdkScriptComposer.Compose("", Enumerable.Repeat<object>(1, ChdkScriptComposer.MaxArguments + 1).ToList()));
            Assert.IsNotType<LuaSerializationException>(ex);
            Assert.Throws<ArgumentNullException>(() => ChdkScriptComposer.Compose(null, null));
        }

        [Fact]
        public void Runtime_error_with_location()
        {
            var e = ChdkScriptComposer.ParseError(":12: attempt to call global 'foo' (a nil value)", ScriptErrorType.Runtime);
            Assert.Equal(LuaErrorKind.Runtime, e.Kind);
            Assert.Equal(12, e.Line);
            Assert.Equal("attempt to call global 'foo' (a nil value)", e.Message);
            Assert.Equal(":12: attempt to call global 'foo' (a nil value)", e.RawText);
            Assert.False(e.LineIsInComposedScript);
        }

        [Theory]
        [InlineData("boom", null, "boom")]
        [InlineData("  :7: spaced", 7, "spaced")]
        [InlineData(":7:no space", 7, "no space")]
        [InlineData("::", null, "::")]
        [InlineData(":x: not a line", null, ":x: not a line")]
        [InlineData(":99999999999: too big", null, ":99999999999: too big")]
        [InlineData("", null, "")]
        [InlineData("[string \"x\"]:3: other chunk", null, "[string \"x\"]:3: other chunk")]
        [InlineData("serialize: cycle", null, "serialize: cycle")]
        public void Runtime_error_variants(string text, int? line, string message)
        {
            var e = ChdkScriptComposer.ParseError(text, ScriptErrorType.Runtime);
            Assert.Equal(LuaErrorKind.Runtime, e.Kind);
            Assert.Equal(line, e.Line);
            Assert.Equal(message, e.Message);
        }

        [Fact]
        public void Prefixed_runtime_error_is_a_compile_error_in_user_code()
        {
            string text = ChdkScriptComposer.CompileErrorPrefix + ":3: '=' expected near 'x'";
            var e = ChdkScriptComposer.ParseError(text, ScriptErrorType.Runtime);
            Assert.Equal(LuaErrorKind.Compile, e.Kind);
            Assert.Equal(3, e.Line);
            Assert.Equal("'=' expected near 'x'", e.Message);
            Assert.False(e.LineIsInComposedScript);
            Assert.Equal(text, e.RawText);
            Assert.Equal("compile error at line 3: '=' expected near 'x'", e.ToString());
        }

        [Fact]
        public void Compile_subtype_means_the_composed_script_failed()
        {
            int callLine = CameraLibrary.LineCount + 1;
            var e = ChdkScriptComposer.ParseError(":" + callLine + ": function or expression too complex near ','", ScriptErrorType.Compile);
            Assert.Equal(LuaErrorKind.Compile, e.Kind);
            Assert.Equal(callLine, e.Line);
            Assert.True(e.LineIsInComposedScript);
            Assert.Contains("composed script", e.Message);
            Assert.Contains("arguments", e.Message);
            Assert.EndsWith("function or expression too complex near ','", e.Message);

            var lib = ChdkScriptComposer.ParseError(":2: unexpected symbol", ScriptErrorType.Compile);
            Assert.Equal(2, lib.Line);
            Assert.Contains("camera library", lib.Message);

            var none = ChdkScriptComposer.ParseError("not enough memory", ScriptErrorType.Compile);
            Assert.Null(none.Line);
            Assert.Contains("not enough memory", none.Message);
        }

        [Fact]
        public void Null_text_is_tolerated()
        {
            var e = ChdkScriptComposer.ParseError(null, ScriptErrorType.Runtime);
            Assert.Equal("", e.RawText);
            Assert.Null(e.Line);
        }
    }
}
