namespace ChdkPtp.Simulator.Lua.Translation
{
    /// <summary>
    /// CHDK's number model: Lua 5.1 built with <c>LUA_NUMBER int</c> (CHDK <c>lib/lua/luaconf.h</c>).
    /// </summary>
    /// <remarks>
    /// What CHDK does (looked up in CHDK's <c>luaconf.h</c>, <c>lobject.c</c>, <c>lvm.c</c>, <c>lib/libc/strtol.c</c>
    /// and chdkptp's tests; none of that code is copied here):
    /// <list type="bullet">
    /// <item><c>lua_str2number(s,p)</c> is <c>strtol(s, p, 10)</c>: decimal only, leading white space and a sign
    /// are accepted, values outside the 32-bit range saturate to INT_MAX / INT_MIN (the <c>strtol</c> contract;
    /// chdkptp's serializer sends numbers above 0x7FFFFFFF as hex because of this).</item>
    /// <item><c>luaO_str2d</c>: when the decimal parse stops at <c>x</c>/<c>X</c> the string is re-read as
    /// hexadecimal from its start. A hex literal is taken modulo 2^32 and reinterpreted as signed, so
    /// <c>0xFFFFFFFF == -1</c> (chdkptp's camera test expects exactly that). Hex values wider than 32 bits
    /// saturate at 0xFFFFFFFF (<c>strtoul</c> behaviour), i.e. -1.</item>
    /// <item>Anything else left over (a '.', an exponent, letters) other than trailing white space makes the
    /// conversion fail: in source this is the lexer error "malformed number", at run time the string is not a
    /// number. So <c>1.5</c>, <c>1e3</c>, <c>5.</c>, <c>.5</c> and <c>1..2</c> do not compile.</item>
    /// <item>The C string ends at the first NUL byte; what follows it is ignored by the conversion.</item>
    /// </list>
    /// The Lua 5.4 prelude (<see cref="Lua51Translator.RuntimePrelude"/>) implements the same rules for run-time
    /// string-to-number coercion.
    /// </remarks>
    internal static class ChdkNumber
    {
        /// <summary>CHDK's <c>luaO_str2d</c> on <paramref name="s"/>[start, end).</summary>
        public static bool TryParse(string s, int start, int end, out int value)
        {
            value = 0;
            for (int k = start; k < end; k++)
            {
                if (s[k] == '\0') { end = k; break; }
            }

            int i = start;
            while (i < end && IsCSpace(s[i])) i++;
            bool negative = false;
            if (i < end && (s[i] == '+' || s[i] == '-')) { negative = s[i] == '-'; i++; }
            int digitsStart = i;
            while (i < end && IsDigit(s[i])) i++;
            if (i == digitsStart) return false;            // strtol consumed nothing: conversion failed

            long result;
            if (i < end && (s[i] == 'x' || s[i] == 'X'))
            {
                // Hexadecimal: strtoul(s, &end, 16) from the beginning. The "0x" prefix is only skipped when the
                // digits before the 'x' are exactly one '0'; otherwise the hex parse stops at the 'x' and the
                // trailing "x..." makes the conversion fail.
                if (i - digitsStart != 1 || s[digitsStart] != '0') return false;
                i++;
                int hexStart = i;
                ulong acc = 0;
                bool overflow = false;
                while (i < end && HexValue(s[i]) >= 0)
                {
                    if (!overflow)
                    {
                        acc = (acc << 4) | (uint)HexValue(s[i]);
                        if (acc > 0xFFFFFFFFUL) overflow = true;
                    }
                    i++;
                }
                if (i == hexStart) return false;
                uint u;
                if (overflow) u = 0xFFFFFFFFu;                 // strtoul saturates (sign ignored)
                else
                {
                    u = (uint)acc;
                    if (negative) u = unchecked(0u - u);       // strtoul negates in unsigned arithmetic
                }
                result = unchecked((int)u);
            }
            else
            {
                // Decimal: strtol saturates at the 32-bit limits.
                long acc = 0;
                bool overflow = false;
                for (int k = digitsStart; k < i; k++)
                {
                    if (!overflow)
                    {
                        acc = acc * 10 + (s[k] - '0');
                        if (acc > 2147483648L) overflow = true;
                    }
                }
                if (negative) result = overflow || acc >= 2147483648L ? int.MinValue : -acc;
                else result = overflow || acc > int.MaxValue ? int.MaxValue : acc;
            }

            while (i < end && IsCSpace(s[i])) i++;
            if (i != end) return false;                    // invalid trailing characters
            value = (int)result;
            return true;
        }

        /// <summary>Lua source text for an int32 value; negative values are parenthesised so they stay one operand.</summary>
        public static string ToLuaLiteral(int value)
        {
            string digits = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return value < 0 ? "(" + digits + ")" : digits;
        }

        internal static bool IsDigit(char c) => c >= '0' && c <= '9';

        /// <summary>C <c>isspace</c> in the "C" locale.</summary>
        internal static bool IsCSpace(char c) => c == ' ' || (c >= '\t' && c <= '\r');

        private static int HexValue(char c)
        {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        }
    }
}
