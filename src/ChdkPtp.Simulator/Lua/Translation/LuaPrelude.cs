namespace ChdkPtp.Simulator.Lua.Translation
{
    /// <summary>The Lua 5.4 source behind <see cref="Lua51Translator.RuntimePrelude"/>.</summary>
    /// <remarks>
    /// Fast path: two Lua 5.4 integers are combined directly and wrapped to int32. Slow path (strings, floats,
    /// other types): operands are converted with CHDK's rules; if either is not a number 5.1's metamethod lookup
    /// is done by hand (first operand, then second; strings have no arithmetic metamethods in 5.1, although 5.4's
    /// string metatable has them) and the handler is called with the original operands. With no handler the
    /// error is raised with level 3/2 so it carries the translated caller's line. Helpers never tail-call the slow
    /// path, so the caller's frame is always at the expected level.
    /// </remarks>
    internal static class LuaPrelude
    {
        public const string Text = @"-- CHDK Lua (5.1, LUA_NUMBER int) arithmetic for Lua 5.4: see ChdkPtp.Simulator.Lua.Lua51Translator
do
  local type, error, rawget, tonumber = type, error, rawget, tonumber
  local mathtype, fmod, floor, ceil = math.type, math.fmod, math.floor, math.ceil
  local find, sub, match, byte = string.find, string.sub, string.match, string.byte
  local getmt = getmetatable
  if type(debug) == 'table' and type(debug.getmetatable) == 'function' then getmt = debug.getmetatable end

  local MIN, MAX = -0x80000000, 0x7FFFFFFF

  local function wrap(i)
    return ((i + 0x80000000) & 0xFFFFFFFF) - 0x80000000
  end

  -- CHDK luaO_str2d: strtol(s, 10) (saturating); if it stops at x/X, strtoul(s, 16) taken mod 2^32
  -- (saturating at 0xFFFFFFFF); only trailing white space may follow; the C string ends at NUL.
  local function str2number(s)
    local nul = find(s, '\0', 1, true)
    if nul then s = sub(s, 1, nul - 1) end
    local sign, digits, rest = match(s, '^[ \t\n\v\f\r]*([+-]?)(%d+)(.*)$')
    if not sign then return nil end
    local v
    local c = byte(rest)
    if c == 120 or c == 88 then
      if digits ~= '0' then return nil end
      local hex
      hex, rest = match(rest, '^[xX](%x+)(.*)$')
      if not hex then return nil end
      hex = match(hex, '^0*(.*)$')
      if #hex > 8 then
        v = 0xFFFFFFFF
      else
        v = #hex > 0 and tonumber(hex, 16) or 0
        if sign == '-' then v = -v end
      end
      v = wrap(v)
    else
      digits = match(digits, '^0*(.*)$')
      if #digits > 10 then
        v = sign == '-' and MIN or MAX
      else
        v = #digits > 0 and tonumber(digits) or 0
        if sign == '-' then v = -v end
        if v > MAX then v = MAX elseif v < MIN then v = MIN end
      end
    end
    if not find(rest, '^[ \t\n\v\f\r]*$') then return nil end
    return v
  end

  local function tonum(v)
    local t = mathtype(v)
    if t == 'integer' then
      if v >= MIN and v <= MAX then return v end
      return wrap(v)
    elseif t == 'float' then
      if v ~= v then return 0 end
      if v >= MAX then return MAX elseif v <= MIN then return MIN end
      if v >= 0 then return floor(v) end
      return ceil(v)
    elseif type(v) == 'string' then
      return str2number(v)
    end
    return nil
  end

  local function handler(v, event)
    if type(v) == 'string' then return nil end
    local mt = getmt(v)
    if type(mt) == 'table' then return rawget(mt, event) end
    return nil
  end

  -- level 1: arith, 2: the helper, 3: the translated code
  local function arith(a, b, event, op)
    local x, y = tonum(a), tonum(b)
    if x ~= nil and y ~= nil then return op(x, y) end
    local h = handler(a, event)
    if h == nil then h = handler(b, event) end
    if h == nil then
      local bad = b
      if x == nil then bad = a end
      error('attempt to perform arithmetic on a ' .. type(bad) .. ' value', 3)
    end
    local r = h(a, b)
    return r
  end

  local function iadd(x, y) return wrap(x + y) end
  local function isub(x, y) return wrap(x - y) end
  local function imul(x, y) return wrap(x * y) end

  local function idiv(x, y)
    if y == 0 then
      if x > 0 then return MAX elseif x < 0 then return MIN end
      return 0
    end
    local q = x // y
    if q < 0 and q * y ~= x then q = q + 1 end
    return wrap(q)
  end

  local function imod(x, y)
    if y == 0 then return 0 end
    return fmod(x, y)
  end

  local function ipow(x, y)
    if y < 0 then return 0 end
    local r = 1
    while y > 0 do
      if y & 1 == 1 then r = wrap(r * x) end
      y = y >> 1
      if y > 0 then x = wrap(x * x) end
    end
    return r
  end

  function __chdk_add(a, b)
    if mathtype(a) == 'integer' and mathtype(b) == 'integer' then
      return ((a + b + 0x80000000) & 0xFFFFFFFF) - 0x80000000
    end
    local r = arith(a, b, '__add', iadd)
    return r
  end

  function __chdk_sub(a, b)
    if mathtype(a) == 'integer' and mathtype(b) == 'integer' then
      return ((a - b + 0x80000000) & 0xFFFFFFFF) - 0x80000000
    end
    local r = arith(a, b, '__sub', isub)
    return r
  end

  function __chdk_mul(a, b)
    if mathtype(a) == 'integer' and mathtype(b) == 'integer' then
      return ((a * b + 0x80000000) & 0xFFFFFFFF) - 0x80000000
    end
    local r = arith(a, b, '__mul', imul)
    return r
  end

  function __chdk_div(a, b)
    if mathtype(a) == 'integer' and mathtype(b) == 'integer' then
      return idiv(wrap(a), wrap(b))
    end
    local r = arith(a, b, '__div', idiv)
    return r
  end

  function __chdk_mod(a, b)
    if mathtype(a) == 'integer' and mathtype(b) == 'integer' then
      return imod(wrap(a), wrap(b))
    end
    local r = arith(a, b, '__mod', imod)
    return r
  end

  function __chdk_pow(a, b)
    if mathtype(a) == 'integer' and mathtype(b) == 'integer' then
      return ipow(wrap(a), wrap(b))
    end
    local r = arith(a, b, '__pow', ipow)
    return r
  end

  function __chdk_unm(a)
    if mathtype(a) == 'integer' then return wrap(-a) end
    local x = tonum(a)
    if x ~= nil then return wrap(-x) end
    local h = handler(a, '__unm')
    if h == nil then error('attempt to perform arithmetic on a ' .. type(a) .. ' value', 2) end
    local r = h(a, a)
    return r
  end

  -- numeric for values (k = 1 initial value, 2 limit, 3 step): 5.1 converts numeric strings and has its own
  -- error messages; non-integers from 5.4 libraries are made int32 so the loop is an integer loop
  local formsg = { [1] = ""'for' initial value must be a number"", [2] = ""'for' limit must be a number"",
                   [3] = ""'for' step must be a number"" }
  function __chdk_fornum(v, k)
    if mathtype(v) == 'integer' and v >= MIN and v <= MAX then return v end
    local x = tonum(v)
    if x == nil then error(formsg[k] or formsg[1], 2) end
    return x
  end

  -- obj:goto(...) (goto is reserved in 5.4)
  function __chdk_callmethod(o, k, ...)
    return o[k](o, ...)
  end

  __chdk_str2number = str2number
  __chdk_toint32 = tonum

  -- Translated chunks fetch the helpers as ("").__chdk_xxx, which does not depend on their _ENV.
  for _, name in ipairs({ '__chdk_add', '__chdk_sub', '__chdk_mul', '__chdk_div', '__chdk_mod', '__chdk_pow',
                          '__chdk_unm', '__chdk_fornum', '__chdk_callmethod' }) do
    string[name] = _G[name]
  end
end
";
    }
}
