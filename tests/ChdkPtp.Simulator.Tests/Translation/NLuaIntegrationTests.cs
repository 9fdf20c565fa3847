using ChdkPtp.Simulator.Lua;

namespace ChdkPtp.Simulator.Tests.Translation
{
    /// <summary>The prelude and translated code through NLua, the way the simulator's engine runs them.</summary>
    public sealed class NLuaIntegrationTests
    {
        [Fact]
        public void Translated_code_runs_in_nlua()
        {
            using (var lua = new NLua.Lua())
            {
                lua.DoString(Lua51Translator.RuntimePrelude, "=prelude");
                object[] r = lua.DoString(Lua51Translator.Translate("local a, b = 7, 2\nreturn a / b, -a % b, 0xFFFFFFFF, 'x' .. a * b"), "=");
                Assert.Equal(new object[] { 3L, -1L, -1L, "x14" }, r);
            }
        }

        [Fact]
        public void Runtime_errors_in_nlua_carry_the_source_line()
        {
            using (var lua = new NLua.Lua())
            {
                lua.DoString(Lua51Translator.RuntimePrelude, "=prelude");
                var ex = Assert.Throws<NLua.Exceptions.LuaScriptException>(
                    () => lua.DoString(Lua51Translator.Translate("local t = {}\n\nreturn t.missing + 1"), "="));
                Assert.Equal(":3: attempt to perform arithmetic on a nil value", ex.Message);
            }
        }
    }
}
