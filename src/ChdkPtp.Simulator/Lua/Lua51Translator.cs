using System;
using ChdkPtp.Simulator.Lua.Translation;

namespace ChdkPtp.Simulator.Lua
{
    /// <summary>
    /// Translates CHDK Lua (Lua 5.1 with 32-bit integer numbers) into Lua 5.4 source that behaves the
    /// same when run after <see cref="RuntimePrelude"/>.
    /// </summary>
    /// <remarks>
    /// <para><b>What CHDK's Lua does</b> (CHDK <c>lib/lua/luaconf.h</c>: <c>#define LUA_NUMBER int</c>,
    /// <c>LUA_NUMBER_FMT "%d"</c>, <c>lua_str2number</c> = <c>strtol(s,p,10)</c>; <c>lvm.c</c>: <c>luai_ipow</c>):</para>
    /// <list type="bullet">
    /// <item>Every number is a 32-bit signed C <c>int</c>. <c>+ - *</c> and unary minus wrap around
    /// (two's complement, as the ARM code does): <c>0x7FFFFFFF + 1 == -2147483648</c>.</item>
    /// <item><c>/</c> is C integer division, truncating toward zero: <c>7/2 == 3</c>, <c>-7/2 == -3</c>;
    /// INT_MIN / -1 wraps to INT_MIN.</item>
    /// <item><c>%</c> is the C remainder (<c>luai_nummod(a,b) = a % b</c>), whose sign follows the dividend:
    /// <c>-7 % 3 == -1</c>, <c>7 % -3 == 1</c> (stock Lua would give 2 and -2).</item>
    /// <item><c>^</c> is <c>luai_ipow</c>: a negative exponent gives 0, exponent 0 gives 1, otherwise
    /// square-and-multiply in wrapping int arithmetic: <c>2^10 == 1024</c>, <c>2^31 == -2147483648</c>,
    /// <c>2^32 == 0</c>.</item>
    /// <item>Division and modulo by zero: CHDK does not trap. On the older ARM cores the compiler's software
    /// division runs (gcc's EABI <c>__aeabi_idiv</c> returns INT_MAX, INT_MIN or 0 by the dividend's sign;
    /// <c>__aeabi_idivmod</c> leaves a remainder of 0) and CHDK's Digic 6 build replaces the hardware divide with
    /// <c>chdk_luai_numdiv</c>/<c>chdk_luai_nummod</c> "to provide behavior similar to previous CPUs". The bodies
    /// of those two functions could not be located, so this follows the libgcc behaviour:
    /// <c>x/0</c> = 2147483647 (x &gt; 0), -2147483648 (x &lt; 0), 0 (x == 0); <c>x%0 == 0</c>.</item>
    /// <item>Number literals and string coercion follow <c>luaO_str2d</c> (see <see cref="ChdkNumber"/>): decimal
    /// values beyond the int range saturate (<c>3000000000 == 2147483647</c>; so the source text
    /// <c>-2147483648</c> is -2147483647: the minus applies to the saturated literal), hex is taken modulo 2^32
    /// (<c>0xFFFFFFFF == -1</c>), and anything with a '.', an exponent or stray letters is a
    /// "malformed number" (<c>1.5</c>, <c>1e3</c>, <c>1..2</c> do not compile). Lua 5.1's lexer reads a numeral as
    /// digits and dots, an optional exponent with sign, then any letters, digits and underscores.</item>
    /// </list>
    /// <para><b>Translation.</b> Binary <c>+ - * / % ^</c> and unary minus become calls of the prelude helpers
    /// <c>__chdk_add</c>, <c>__chdk_sub</c>, <c>__chdk_mul</c>, <c>__chdk_div</c>, <c>__chdk_mod</c>,
    /// <c>__chdk_pow</c>, <c>__chdk_unm</c>; unary minus on a literal is folded. Number literals are emitted as
    /// their int32 value in decimal (negative ones parenthesised). Numeric-for values that are not literals go
    /// through <c>__chdk_fornum</c> (5.1 accepts numeric strings there). Everything else keeps its tokens; comments
    /// are dropped. Every token stays on its source line, so run-time errors report 5.1's line numbers. The
    /// helpers used by a chunk are bound to locals at the start of line 1
    /// (<c>local __chdk_add=("").__chdk_add;</c>): the prelude also stores them in the string library table, so
    /// this does not depend on the chunk's <c>_ENV</c> (5.1 code may run chunks under <c>setfenv(f, {})</c>).
    /// A returned helper call is parenthesised so it is not a tail call (the helper reports errors one level
    /// up, at the caller's line).</para>
    /// <para>Other 5.1/5.4 differences handled: unknown string escapes (<c>"\q"</c> is <c>"q"</c> in 5.1, an error
    /// in 5.4; <c>\x</c>, <c>\z</c>, <c>\u</c> are plain letters in 5.1) lose their backslash; the name
    /// <c>goto</c> (a 5.4 keyword) becomes <c>__chdk_goto_</c> as a variable and stays the string key "goto" as a
    /// field, table key or method name; <c>_ENV</c> as a variable becomes <c>__chdk_ENV_</c>; 5.1's
    /// "ambiguous syntax (function call x new statement)" is reported; a statement that starts with '(' is
    /// preceded by ';' so 5.4 cannot read it as a call of the previous line's result.</para>
    /// <para><b>Known differences.</b> A run-time arithmetic error raised by a helper is reported at the line where
    /// the arithmetic expression starts (5.1 used the line of its last operand; identical for one-line
    /// expressions) and names no variable ("attempt to perform arithmetic on a nil value"). Chains of more than
    /// about 190 left-associative arithmetic operators in one expression nest helper calls deeper than Lua 5.4's
    /// parser allows (C-level limit 200) and fail to load in 5.4. 5.1's per-function limits on locals (200) and
    /// upvalues (60) are not checked here.</para>
    /// </remarks>
    public static class Lua51Translator
    {
        /// <summary>
        /// Lua 5.4 code that defines the helper functions translated code calls. Run once per Lua state, before
        /// any translated chunk. Defines the globals <c>__chdk_add</c>, <c>__chdk_sub</c>, <c>__chdk_mul</c>,
        /// <c>__chdk_div</c>, <c>__chdk_mod</c>, <c>__chdk_pow</c>, <c>__chdk_unm</c>, <c>__chdk_fornum</c>,
        /// <c>__chdk_callmethod</c> (also stored under the same names in the <c>string</c> library table, where
        /// translated chunks fetch them), and for library shims <c>__chdk_str2number(s)</c> (CHDK's
        /// string-to-number conversion: an int32 or nil) and <c>__chdk_toint32(v)</c> (numbers and numeric strings
        /// to int32, floats truncated and saturated, anything else nil).
        /// </summary>
        public const string RuntimePrelude = LuaPrelude.Text;

        /// <summary>Translates a CHDK Lua (5.1) chunk into Lua 5.4 source; see the class remarks.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
        /// <exception cref="LuaSyntaxException">The chunk does not compile as Lua 5.1 (message as CHDK's Lua gives it).</exception>
        public static string Translate(string source)
        {
            if (source == null) throw new ArgumentNullException(nameof(source));
            return new Lua51Translation(source).Run();
        }
    }
}
