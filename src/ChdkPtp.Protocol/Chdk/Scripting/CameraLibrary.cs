namespace ChdkPtp.Protocol.Chdk.Scripting
{
    /// <summary>
    /// The camera-side Lua library that <see cref="ChdkScriptComposer"/> puts in front of every script.
    /// </summary>
    /// <remarks>
    /// <para>It defines two globals and sets a third:</para>
    /// <list type="bullet">
    /// <item><description><c>chdkps_serialize(v)</c> (<see cref="SerializerName"/>): the value as Lua
    /// text that <see cref="LuaValueReader"/> parses: <c>nil</c>, <c>true</c>/<c>false</c>, integers
    /// with <c>%d</c>, strings with <c>%q</c>, tables as <c>{[k]=v,[k]=v}</c> in <c>pairs</c> order with
    /// keys written the same way (table keys allowed). Errors, raised with level 0 (no position):
    /// <c>serialize: cycle</c>, <c>serialize: max depth</c> (more than 32 nested tables),
    /// <c>serialize: unsupported type &lt;t&gt;</c> (function, userdata, thread), and, only possible on a
    /// Lua with floating-point numbers, <c>serialize: number is not a 32-bit integer: &lt;n&gt;</c>.</description></item>
    /// <item><description><c>usb_msg_table_to_string</c> is set to the serializer, so CHDK uses it for
    /// tables returned by the script (RET/TABLE) and passed to <c>write_usb_msg</c> (USER/TABLE).</description></item>
    /// <item><description><c>chdkps_run(code, ...)</c> (<see cref="RunnerName"/>): compiles
    /// <c>code</c> with <c>loadstring(code, "=")</c> (chunk name "=" so messages read <c>:3: message</c>
    /// with the user's own line numbers), raises <see cref="ChdkScriptComposer.CompileErrorPrefix"/>
    /// followed by the compiler's message if that fails, and otherwise returns everything
    /// <c>f(...)</c> returns.</description></item>
    /// </list>
    /// <para>The code runs on CHDK's Lua 5.1 (integer numbers) and on stock Lua 5.1 to 5.4: it uses
    /// no goto, no <c>//</c>, no bit operators, no unpack and no integer/float-specific calls, and falls
    /// back to <c>load</c> where <c>loadstring</c> is missing. It is ASCII, uses LF line ends and does
    /// not end with a line break.</para>
    /// </remarks>
    public static class CameraLibrary
    {
        /// <summary>Global name of the serializer function.</summary>
        public const string SerializerName = "chdkps_serialize";

        /// <summary>Global name of the runner function.</summary>
        public const string RunnerName = "chdkps_run";

        /// <summary>Tables nested deeper than this make the serializer fail with <c>serialize: max depth</c>.</summary>
        public const int SerializerMaxDepth = 32;

        /// <summary>The library's Lua source.</summary>
        public const string Source =
            "-- chdkps camera library: value serializer and script runner\n" +
            SerializerName + " = function(value)\n" +
            "  local buf, n, active = {}, 0, {}\n" +
            "  local fmt, ty, tostr = string.format, type, tostring\n" +
            "  local ser\n" +
            "  ser = function(v, depth)\n" +
            "    local t = ty(v)\n" +
            "    if t == 'string' then\n" +
            "      n = n + 1; buf[n] = fmt('%q', v)\n" +
            "    elseif t == 'number' then\n" +
            "      if v ~= v or v % 1 ~= 0 or v > 2147483647 or v < -2147483647 - 1 then\n" +
            "        error('serialize: number is not a 32-bit integer: ' .. tostr(v), 0)\n" +
            "      end\n" +
            "      n = n + 1; buf[n] = fmt('%d', v)\n" +
            "    elseif t == 'boolean' then\n" +
            "      n = n + 1; if v then buf[n] = 'true' else buf[n] = 'false' end\n" +
            "    elseif t == 'nil' then\n" +
            "      n = n + 1; buf[n] = 'nil'\n" +
            "    elseif t == 'table' then\n" +
            "      if active[v] then error('serialize: cycle', 0) end\n" +
            "      if depth >= 32 then error('serialize: max depth', 0) end\n" +
            "      active[v] = true\n" +
            "      n = n + 1; buf[n] = '{'\n" +
            "      local sep = '['\n" +
            "      for k, x in pairs(v) do\n" +
            "        n = n + 1; buf[n] = sep\n" +
            "        ser(k, depth + 1)\n" +
            "        n = n + 1; buf[n] = ']='\n" +
            "        ser(x, depth + 1)\n" +
            "        sep = ',['\n" +
            "      end\n" +
            "      n = n + 1; buf[n] = '}'\n" +
            "      active[v] = nil\n" +
            "    else\n" +
            "      error('serialize: unsupported type ' .. t, 0)\n" +
            "    end\n" +
            "  end\n" +
            "  ser(value, 0)\n" +
            "  return table.concat(buf)\n" +
            "end\n" +
            "usb_msg_table_to_string = " + SerializerName + "\n" +
            RunnerName + " = function(code, ...)\n" +
            "  local f, e = (loadstring or load)(code, '=')\n" +
            "  if not f then error('" + ChdkScriptComposer.CompileErrorPrefix + "' .. tostring(e), 0) end\n" +
            "  return f(...)\n" +
            "end";

        /// <summary>Number of lines in <see cref="Source"/>; the composer's call line is line <c>LineCount + 1</c>.</summary>
        public static int LineCount { get; } = CountLines(Source);

        private static int CountLines(string s)
        {
            int lines = 1;
            foreach (char c in s)
                if (c == '\n') lines++;
            return lines;
        }
    }
}
