namespace ChdkPtp.Simulator.Lua
{
    /// <summary>
    /// Lua 5.4 code run in every fresh script state after <see cref="Lua51Translator.RuntimePrelude"/>:
    /// Lua 5.1 compatibility shims, the sandbox (no host access outside the virtual card), and the CHDK
    /// functions. Called with the host function table (C# functions that never raise errors; they
    /// return values or <c>nil, message</c>) and a small info table. Errors that CHDK raises are raised
    /// here, in Lua. Returns the helper the engine calls to serialise a returned table.
    /// Chunk name "=chdk".
    /// </summary>
    internal static class LuaLibrary
    {
        public const string ChunkName = "=chdk";

        public const string Source = """
local H = ...

-- fixed facts of the simulated camera (an SX160 IS: propset 4, no ND filter; Canon raw is an option)
local INFO = {
  propset = 4,
  nd_present = 0,
  capmodes = { [1] = 'AUTO', [2] = 'P', [3] = 'TV', [4] = 'AV', [5] = 'M', [6] = 'PORTRAIT',
               [7] = 'NIGHT', [8] = 'LANDSCAPE', [9] = 'VIDEO_STD' },
  props = {
    AE_LOCK = 3, AF_ASSIST_BEAM = 5, REAL_FOCUS_MODE = 6, AF_FRAME = 8, AF_LOCK = 11, CONTINUOUS_AF = 12,
    FOCUS_STATE = 18, AV2 = 22, AV = 23, MIN_AV = 25, USER_AV = 26, BRACKET_MODE = 29, BV = 34,
    SHOOTING_MODE = 49, QUALITY = 57, FLASH_SYNC_CURTAIN = 64, SUBJECT_DIST2 = 65, DATE_STAMP = 66,
    DELTA_SV = 79, DIGITAL_ZOOM_MODE = 91, DIGITAL_ZOOM_STATE = 94, DIGITAL_ZOOM_POSITION = 95,
    DRIVE_MODE = 102, OVEREXPOSURE = 103, DISPLAY_MODE = 105, EV_CORRECTION_1 = 107,
    FLASH_ADJUST_MODE = 121, FLASH_FIRE = 122, FLASH_EXP_COMP = 127, FOCUS_MODE = 133,
    FLASH_MANUAL_OUTPUT = 141, FLASH_MODE = 143, IS_MODE = 145, ISO_MODE = 149, METERING_MODE = 157,
    ND_FILTER_STATE = 196, OPTICAL_ZOOM_POSITION = 199, EXPOSURE_LOCK = 210, EV_CORRECTION_2 = 211,
    IS_FLASH_READY = 212, RESOLUTION = 222, ORIENTATION_SENSOR = 223, TIMER_MODE = 227,
    SUBJECT_DIST1 = 249, SV_MARKET = 250, TV2 = 265, TV = 266, USER_TV = 268, WB_MODE = 272,
    WB_ADJ = 273, EXT_FLASH_EXP_COMP = 289, SERVO_AF = 299, ASPECT_RATIO = 300, SHOOTING = 303,
    SV = 347, TIMER_SHOTS = 378,
  },
}

local type, select, error, tostring, tonumber, pairs, ipairs, next = type, select, error, tostring, tonumber, pairs, ipairs, next
local rawget, rawset, rawequal, getmetatable, pcall = rawget, rawset, rawequal, getmetatable, pcall
local mtype, floor, fmod, huge, tointeger = math.type, math.floor, math.fmod, math.huge, math.tointeger
local sfmt, sfind, ssub, sgsub, sbyte, smatch, sgmatch, srep = string.format, string.find, string.sub, string.gsub, string.byte, string.match, string.gmatch, string.rep
local tconcat, tunpack, tpack, tsort = table.concat, table.unpack, table.pack, table.sort
local cocreate, coresume, costatus = coroutine.create, coroutine.resume, coroutine.status
local dgetinfo, dgetupvalue, dupvaluejoin, dtraceback = debug.getinfo, debug.getupvalue, debug.upvaluejoin, debug.traceback
local orig_load, orig_setmt, orig_date, orig_cg = load, setmetatable, os.date, collectgarbage
local G = _G

------------------------------------------------------------------------------ helpers
local function wrap32(i)
  i = i & 0xFFFFFFFF
  if i >= 0x80000000 then i = i - 4294967296 end
  return i
end

-- number (or numeric string) -> int32 with C cast semantics (truncate, wrap); nil if not a number
local function toint(v)
  local t = mtype(v)
  if t == 'integer' then return wrap32(v) end
  if t == 'float' then
    if v ~= v or v == huge or v == -huge then return 0 end
    local tr = v >= 0 and floor(v) or -floor(-v)
    if mtype(tr) == 'integer' then return wrap32(tr) end
    return wrap32(tointeger(fmod(tr, 4294967296.0)) or 0)
  end
  if type(v) == 'string' then
    local x = tonumber(v)
    if x ~= nil then return toint(x) end
  end
  return nil
end

local function argtype(n, ...)
  if select('#', ...) < n then return 'no value' end
  return type((select(n, ...)))
end

-- checkX / optX must be called directly from the function the user called (level 4 below)
local function checkint(n, fname, ...)
  local i = toint((select(n, ...)))
  if i == nil then
    error(sfmt("bad argument #%d to '%s' (number expected, got %s)", n, fname, argtype(n, ...)), 3)
  end
  return i
end

local function optint(n, fname, default, ...)
  local v = (select(n, ...))
  if v == nil then return default end
  local i = toint(v)
  if i == nil then
    error(sfmt("bad argument #%d to '%s' (number expected, got %s)", n, fname, argtype(n, ...)), 3)
  end
  return i
end

local function checkstr(n, fname, ...)
  local v = (select(n, ...))
  local t = type(v)
  if t == 'string' then return v end
  if t == 'number' then return tostring(v) end
  error(sfmt("bad argument #%d to '%s' (string expected, got %s)", n, fname, argtype(n, ...)), 3)
end

local function optstr(n, fname, default, ...)
  local v = (select(n, ...))
  if v == nil then return default end
  local t = type(v)
  if t == 'string' then return v end
  if t == 'number' then return tostring(v) end
  error(sfmt("bad argument #%d to '%s' (string expected, got %s)", n, fname, argtype(n, ...)), 3)
end

-- boolean, or number where 0 is off (CHDK on_off_value_from_lua_arg)
local function checkonoff(n, fname, ...)
  local v = (select(n, ...))
  if type(v) == 'boolean' then return v end
  local i = toint(v)
  if i == nil then
    error(sfmt("bad argument #%d to '%s' (number expected, got %s)", n, fname, argtype(n, ...)), 3)
  end
  return i ~= 0
end

-- call a C function in protected mode and raise its error at the caller's position,
-- naming the function (pcall'd C functions report '?')
local function rethrow(fname, ok, ...)
  if ok then return ... end
  local msg = ...
  if type(msg) == 'string' then
    msg = sgsub(msg, "^bad argument #(%d+) to '%?'", "bad argument #%1 to '" .. fname .. "'")
  end
  error(msg, 3)
end

local function round(x) return floor(x + 0.5) end
local function log2(x) return math.log(x, 2) end

------------------------------------------------------------------------------ Lua 5.1 shims
unpack = tunpack
table.getn = function(t) return #t end
table.setn = function() error("'setn' is obsolete", 2) end
table.maxn = function(t)
  local max = 0
  for k in pairs(t) do
    if type(k) == 'number' and k > max then max = k end
  end
  return max
end
table.foreach = function(t, f)
  for k, v in pairs(t) do
    local r = f(k, v)
    if r ~= nil then return r end
  end
end
table.foreachi = function(t, f)
  for i = 1, #t do
    local r = f(i, t[i])
    if r ~= nil then return r end
  end
end
math.mod = math.fmod
math.pow = function(a, b) return a ^ b end
math.log10 = function(x) return math.log(x, 10) end
string.gfind = string.gmatch
gcinfo = function() return floor(orig_cg('count')) end

-- string.format with Lua 5.1's %q
local q51map = { ['\\'] = '\\\\', ['"'] = '\\"', ['\n'] = '\\\n', ['\r'] = '\\r', ['\0'] = '\\000' }
local function q51(s)
  return '"' .. sgsub(s, '[\\"\n\r%z]', q51map) .. '"'
end
string.format = function(fmt, ...)
  if type(fmt) ~= 'string' or not sfind(fmt, '%', 1, true) then
    return (rethrow('format', pcall(sfmt, fmt, ...)))
  end
  if not sfind(fmt, '%%[-+ #0]*%d*%.?%d*q') then
    return (rethrow('format', pcall(sfmt, fmt, ...)))
  end
  local args = tpack(...)
  local out, i, argi, n = {}, 1, 0, #fmt
  while i <= n do
    local p = sfind(fmt, '%', i, true)
    if not p then out[#out + 1] = ssub(fmt, i) break end
    out[#out + 1] = ssub(fmt, i, p - 1)
    if ssub(fmt, p + 1, p + 1) == '%' then
      out[#out + 1] = '%%'
      i = p + 2
    else
      local spec, conv = smatch(fmt, '^(%%[-+ #0]*%d*%.?%d*)(.?)', p)
      argi = argi + 1
      if conv == 'q' then
        local v = args[argi]
        local t = type(v)
        if t == 'number' then v = tostring(v)
        elseif t ~= 'string' then
          error(sfmt("bad argument #%d to 'format' (string expected, got %s)", argi + 1,
            argi > args.n and 'no value' or t), 2)
        end
        args[argi] = q51(v)
        out[#out + 1] = '%s'
      else
        out[#out + 1] = spec .. conv
      end
      i = p + #spec + #conv
    end
  end
  return (rethrow('format', pcall(sfmt, tconcat(out), tunpack(args, 1, args.n))))
end

-- setmetatable: Lua 5.1 ignores __gc on tables; a finaliser must not run at lua_close
_G.setmetatable = function(t, mt)
  if type(mt) == 'table' then
    local gc = rawget(mt, '__gc')
    if gc ~= nil then
      rawset(mt, '__gc', nil)
      local ok, r = pcall(orig_setmt, t, mt)
      rawset(mt, '__gc', gc)
      return (rethrow('setmetatable', ok, r))
    end
  end
  return (rethrow('setmetatable', pcall(orig_setmt, t, mt)))
end

-- chunk names: CHDK gives string chunks an empty name (errors read ":LINE: ...")
local function chunkname(name, default)
  if name == nil then name = default end
  name = tostring(name)
  local c = ssub(name, 1, 1)
  if c == '=' or c == '@' then return name end
  return '='
end

local translate = H.translate

local function load_translated(code, name, has_env, env)
  if sbyte(code, 1) == 27 then
    -- a binary chunk: no translation; Lua refuses it (text mode only)
    return orig_load(code, name, 't')
  end
  local translated, terr = translate(code)
  if translated == nil then
    -- the translator reports ':LINE: ...'; prefix the chunk's name as Lua would
    local c = ssub(name, 1, 1)
    if (c == '=' or c == '@') and ssub(terr, 1, 1) == ':' then terr = ssub(name, 2) .. terr end
    return nil, terr
  end
  if has_env then return orig_load(translated, name, 't', env) end
  return orig_load(translated, name, 't')
end

loadstring = function(...)
  local s = checkstr(1, 'loadstring', ...)
  local name = select(2, ...)
  return load_translated(s, chunkname(name, s), false)
end

load = function(chunk, name, mode, ...)
  local s
  local t = type(chunk)
  if t == 'string' then
    s = chunk
  elseif t == 'function' then
    local parts = {}
    while true do
      local p = chunk()
      if p == nil or p == '' then break end
      if type(p) ~= 'string' then return nil, 'reader function must return a string' end
      parts[#parts + 1] = p
    end
    s = tconcat(parts)
    if name == nil then name = '=(load)' end
  else
    error(sfmt("bad argument #1 to 'load' (function expected, got %s)", chunk == nil and 'no value' or t), 2)
  end
  return load_translated(s, chunkname(name, s), select('#', ...) > 0, (...))
end

-- getfenv / setfenv, best effort through the _ENV upvalue
local function envindex(f)
  local i = 1
  while true do
    local name = dgetupvalue(f, i)
    if name == '_ENV' then return i end
    if name == nil then return nil end
    i = i + 1
  end
end

local function fenvfunc(f, fname, level)
  if type(f) == 'function' then return f end
  local lv = toint(f == nil and 1 or f)
  if lv == nil then
    error(sfmt("bad argument #1 to '%s' (number expected, got %s)", fname, type(f)), level)
  end
  if lv < 0 then error(sfmt("bad argument #1 to '%s' (level must be non-negative)", fname), level) end
  if lv == 0 then return 0 end
  local info = dgetinfo(lv + 2, 'f')
  if info == nil then error(sfmt("bad argument #1 to '%s' (invalid level)", fname), level) end
  return info.func
end

getfenv = function(f)
  local fn = fenvfunc(f, 'getfenv', 3)
  if fn == 0 then return G end
  local i = envindex(fn)
  if i == nil then return G end
  local _, env = dgetupvalue(fn, i)
  return env
end

setfenv = function(f, t)
  if type(t) ~= 'table' then
    error(sfmt("bad argument #2 to 'setfenv' (table expected, got %s)", t == nil and 'no value' or type(t)), 2)
  end
  local fn = fenvfunc(f, 'setfenv', 3)
  if fn == 0 then error("'setfenv' cannot change the global environment in this simulator", 2) end
  local i = envindex(fn)
  if i ~= nil then
    -- give the function its own _ENV upvalue, so that other closures keep theirs
    dupvaluejoin(fn, i, function() return t end, 1)
  end
  return fn
end

------------------------------------------------------------------------------ collectgarbage (5.1 options)
collectgarbage = function(opt, arg)
  if opt == nil then opt = 'collect' end
  if opt == 'collect' or opt == 'stop' or opt == 'restart' then
    orig_cg(opt)
    return 0
  elseif opt == 'count' then
    return floor(orig_cg('count'))
  elseif opt == 'step' then
    return orig_cg('step', toint(arg) or 0)
  elseif opt == 'setpause' or opt == 'setstepmul' then
    return orig_cg(opt, toint(arg) or 0)
  elseif opt == 'isrunning' or opt == 'incremental' or opt == 'generational' then
    return orig_cg(opt)
  end
  error(sfmt("bad argument #1 to 'collectgarbage' (invalid option '%s')", tostring(opt)), 2)
end

------------------------------------------------------------------------------ print and the console
local hprint, hconsole = H.print, H.console_write
print = function(...)
  local n = select('#', ...)
  local parts = {}
  local ts = G.tostring
  for i = 1, n do
    local s = ts((select(i, ...)))
    if type(s) ~= 'string' then error("'tostring' must return a string to 'print'", 2) end
    parts[i] = s
  end
  hprint(tconcat(parts, '\t'))
end

------------------------------------------------------------------------------ virtual card: os
local os_new = {}
local hnow = H.now

os_new.difftime = os.difftime
os_new.getenv = function() return nil end
os_new.clock = function() return H.tick() / 1000 end

local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

local function mktime(y, mo, d, h, mi, s)
  mo = mo - 1
  y = y + mo // 12
  mo = mo % 12 + 1
  return (days_from_civil(y, mo, 1) + d - 1) * 86400 + h * 3600 + mi * 60 + s
end

os_new.time = function(t)
  if t == nil then return hnow() end
  if type(t) ~= 'table' then
    error(sfmt("bad argument #1 to 'time' (table expected, got %s)", type(t)), 2)
  end
  local function field(k, d)
    local v = t[k]
    if v == nil then
      if d == nil then error(sfmt("field '%s' missing in date table", k), 3) end
      return d
    end
    local i = toint(v)
    if i == nil then error(sfmt("field '%s' is not an integer", k), 3) end
    return i
  end
  local year, month, day = field('year'), field('month'), field('day')
  local hour, min, sec = field('hour', 12), field('min', 0), field('sec', 0)
  return mktime(year, month, day, hour, min, sec)
end

os_new.date = function(...)
  local fmt = optstr(1, 'date', '%c', ...)
  local t = optint(2, 'date', nil, ...)
  if t == nil then t = hnow() end
  -- the camera has no time zones: its clock is local time
  if ssub(fmt, 1, 1) == '!' then fmt = ssub(fmt, 2) end
  return (rethrow('date', pcall(orig_date, '!' .. fmt, t)))
end

local hlistdir = H.listdir
os_new.listdir = function(...)
  local path = checkstr(1, 'listdir', ...)
  local opts = select(2, ...)
  local showall = opts == true or (type(opts) == 'table' and opts.showall and true or false)
  return hlistdir(path, showall)
end

os_new.idir = function(...)
  local path = checkstr(1, 'idir', ...)
  local opts = select(2, ...)
  local showall = opts == true or (type(opts) == 'table' and opts.showall and true or false)
  local list = hlistdir(path, showall) or {}
  local i, done = 0, false
  local ud = orig_setmt({}, { __name = 'idir', __tostring = function() return 'idir' end })
  return function(_, more)
    if more == false then done = true return nil end
    if done then return nil end
    i = i + 1
    local name = list[i]
    if name == nil then done = true end
    return name
  end, ud
end

os_new.stat = function(...) return H.stat(checkstr(1, 'stat', ...)) end
os_new.mkdir = function(...) return H.mkdir(checkstr(1, 'mkdir', ...)) end
os_new.remove = function(...) return H.remove(checkstr(1, 'remove', ...)) end
os_new.rename = function(...)
  local a = checkstr(1, 'rename', ...)
  local b = checkstr(2, 'rename', ...)
  return H.rename(a, b)
end
os_new.utime = function(...)
  local path = checkstr(1, 'utime', ...)
  local m = optint(2, 'utime', nil, ...)
  local a = optint(3, 'utime', nil, ...)
  return H.utime(path, m, a)
end

------------------------------------------------------------------------------ virtual card: io
local FILE = {}
local handles = orig_setmt({}, { __mode = 'k' })   -- file object -> host id, false when closed
local STD = orig_setmt({}, { __mode = 'k' })       -- pseudo files: 'out' / 'in'

local FILE_MT = {
  __index = FILE,
  __name = 'FILE*',
  __tostring = function(f)
    if handles[f] == false then return 'file (closed)' end
    return sfmt('file (%p)', f)
  end,
}

local function newfile(id)
  local f = orig_setmt({}, FILE_MT)
  handles[f] = id
  return f
end

local function checkfile(f, fname)
  local std = STD[f]
  if std then return std end
  if getmetatable(f) ~= FILE_MT then
    error(sfmt("bad argument #1 to '%s' (FILE* expected, got %s)", fname, type(f)), 3)
  end
  local id = handles[f]
  if not id then error('attempt to use a closed file', 3) end
  return id
end

local stdout = orig_setmt({}, FILE_MT)
local stderr = orig_setmt({}, FILE_MT)
local stdin = orig_setmt({}, FILE_MT)
STD[stdout], STD[stderr], STD[stdin] = 'out', 'out', 'in'
handles[stdout], handles[stderr], handles[stdin] = -1, -2, -3

local function std_write(...)
  for i = 1, select('#', ...) do
    local v = select(i, ...)
    local t = type(v)
    if t == 'number' then v = tostring(v)
    elseif t ~= 'string' then
      error(sfmt("bad argument #%d to 'write' (string expected, got %s)", i, t), 3)
    end
    hconsole(v)
  end
  return true
end

local hfread, hfwrite = H.fread, H.fwrite

local function readone(id, fmt, argn)
  local t = type(fmt)
  if t == 'number' then
    local n = toint(fmt)
    return hfread(id, n < 0 and 0 or n)
  end
  if t ~= 'string' then
    error(sfmt("bad argument #%d to 'read' (invalid format)", argn), 3)
  end
  local c = ssub(fmt, 1, 1) == '*' and ssub(fmt, 2, 2) or ssub(fmt, 1, 1)
  if c == 'l' or c == 'L' or c == 'a' or c == 'n' then return hfread(id, c) end
  error(sfmt("bad argument #%d to 'read' (invalid format)", argn), 3)
end

local function doread(id, ...)
  local n = select('#', ...)
  if n == 0 then return hfread(id, 'l') end
  local out = {}
  for i = 1, n do
    local v, msg, errno = readone(id, (select(i, ...)), i)
    if v == nil then
      if msg ~= nil then return nil, msg, errno end
      out[i] = nil
      return tunpack(out, 1, i)
    end
    out[i] = v
  end
  return tunpack(out, 1, n)
end

function FILE.read(f, ...)
  local id = checkfile(f, 'read')
  if id == 'in' then return nil end
  if id == 'out' then return nil, 'Bad file descriptor', 9 end
  return doread(id, ...)
end

function FILE.write(f, ...)
  local id = checkfile(f, 'write')
  if id == 'out' then return std_write(...) end
  if id == 'in' then return nil, 'Bad file descriptor', 9 end
  for i = 1, select('#', ...) do
    local v = select(i, ...)
    local t = type(v)
    if t == 'number' then v = tostring(v)
    elseif t ~= 'string' then
      error(sfmt("bad argument #%d to 'write' (string expected, got %s)", i, t), 2)
    end
    local ok, msg, errno = hfwrite(id, v)
    if not ok then return nil, msg, errno end
  end
  return true
end

function FILE.lines(f)
  local id = checkfile(f, 'lines')
  return function()
    if handles[f] == false then error('file is already closed', 2) end
    if id == 'in' or id == 'out' then return nil end
    return hfread(id, 'l')
  end
end

local whences = { set = true, cur = true, ['end'] = true }
function FILE.seek(f, ...)
  local id = checkfile(f, 'seek')
  local whence = optstr(1, 'seek', 'cur', ...)
  local offset = optint(2, 'seek', 0, ...)
  if not whences[whence] then
    error(sfmt("bad argument #1 to 'seek' (invalid option '%s')", whence), 2)
  end
  if id == 'in' or id == 'out' then return nil, 'Illegal seek', 29 end
  return H.fseek(id, whence, offset)
end

function FILE.flush(f)
  local id = checkfile(f, 'flush')
  if id == 'in' or id == 'out' then return true end
  return H.fflush(id)
end

function FILE.setvbuf(f)
  checkfile(f, 'setvbuf')
  return true
end

function FILE.close(f)
  local id = checkfile(f, 'close')
  if id == 'in' or id == 'out' then return nil, 'cannot close standard file' end
  handles[f] = false
  return H.fclose(id)
end

local io_new = {}
local default_out = stdout
local default_in = stdin

io_new.stdout, io_new.stderr, io_new.stdin = stdout, stderr, stdin

io_new.open = function(...)
  local path = checkstr(1, 'open', ...)
  local mode = optstr(2, 'open', 'r', ...)
  if not smatch(mode, '^[rwa]%+?b?$') then
    error(sfmt("bad argument #2 to 'open' (invalid mode '%s')", mode), 2)
  end
  local id, msg, errno = H.fopen(path, mode)
  if id == nil then return nil, msg, errno end
  return newfile(id)
end

io_new.close = function(f)
  if f == nil then f = default_out end
  return f:close()
end

io_new.type = function(f)
  if getmetatable(f) ~= FILE_MT then return nil end
  if handles[f] == false then return 'closed file' end
  return 'file'
end

io_new.write = function(...) return default_out:write(...) end
io_new.read = function(...) return default_in:read(...) end

io_new.output = function(f)
  if f == nil then return default_out end
  if type(f) == 'string' or type(f) == 'number' then
    local nf, msg = io_new.open(tostring(f), 'w')
    if not nf then error(msg, 2) end
    default_out = nf
  else
    checkfile(f, 'output')
    default_out = f
  end
  return default_out
end

io_new.input = function(f)
  if f == nil then return default_in end
  if type(f) == 'string' or type(f) == 'number' then
    local nf, msg = io_new.open(tostring(f), 'r')
    if not nf then error(msg, 2) end
    default_in = nf
  else
    checkfile(f, 'input')
    default_in = f
  end
  return default_in
end

io_new.lines = function(...)
  if select('#', ...) == 0 or (...) == nil then return default_in:lines() end
  local path = checkstr(1, 'lines', ...)
  local id, msg = H.fopen(path, 'r')
  if id == nil then
    error(sfmt("bad argument #1 to 'lines' (%s)", msg), 2)
  end
  local f = newfile(id)
  return function()
    if handles[f] == false then return nil end
    local line = hfread(id, 'l')
    if line == nil then f:close() end
    return line
  end
end

io_new.popen = nil
io_new.tmpfile = function() return nil, 'tmpfile: not supported', 22 end

------------------------------------------------------------------------------ loadfile / dofile / require from the card
local function readcard(path)
  local f, msg = io_new.open(path, 'rb')
  if not f then return nil, msg end
  local s = f:read('*a')
  f:close()
  return s
end

loadfile = function(...)
  local path = (...)
  if path == nil then return nil, 'loadfile: standard input is not supported' end
  path = checkstr(1, 'loadfile', ...)
  local s, msg = readcard(path)
  if s == nil then return nil, 'cannot open ' .. msg end
  if ssub(s, 1, 1) == '#' then s = '--' .. s end
  return load_translated(s, '@' .. path, false)
end

dofile = function(...)
  local f, msg = loadfile(...)
  if not f then error(msg, 2) end
  return f()
end

------------------------------------------------------------------------------ CHDK functions
-- timing, messages
local hsleep = H.sleep
sleep = function(...)
  local ms = checkint(1, 'sleep', ...)
  if ms == -1 then ms = 86400000 end
  if ms > 0 then hsleep(ms) end
end

get_tick_count = H.tick

local hread = H.read_msg
read_usb_msg = function(...)
  local t = optint(1, 'read_usb_msg', 0, ...)
  if t == -1 then t = 86400000 elseif t < 0 then t = 0 end
  return hread(t)
end

local hwrite = H.write_msg
write_usb_msg = function(...)
  local timeout = optint(2, 'write_usb_msg', 0, ...)
  if timeout == -1 then timeout = 86400000 elseif timeout < 0 then timeout = 0 end
  if select('#', ...) < 1 then error('missing argument', 2) end
  local v = (...)
  local t = type(v)
  if t == 'table' then
    local ok, s = pcall(G.usb_msg_table_to_string, v)
    if not ok then error(type(s) == 'string' and s or tostring(s), 2) end
    if type(s) == 'number' then s = tostring(s) end
    if type(s) ~= 'string' then error('failed to create message', 2) end
    return hwrite('table', s, timeout)
  elseif t == 'nil' or t == 'boolean' or t == 'number' or t == 'string' then
    return hwrite(t, v, timeout)
  end
  error('unsupported type', 2)
end

-- the CHDK default table serialiser: "key TAB value LF" per entry (PROTOCOL.md 3.6a)
usb_msg_table_to_string = function(t)
  local function v2s(v)
    local tv = type(v)
    if tv == 'string' then return v end
    if tv == 'number' or tv == 'boolean' or tv == 'nil' then return tostring(v) end
    return ''
  end
  local out = {}
  for k, v in pairs(t) do
    local s
    if type(v) == 'table' then
      local parts = {}
      for i = 1, table.maxn(v) do parts[#parts + 1] = '\t' .. v2s(v[i]) end
      s = tconcat(parts)
    else
      s = '\t' .. v2s(v)
    end
    local ks = v2s(k)
    if #ks > 0 and #s > 0 then out[#out + 1] = ks .. s .. '\n' end
  end
  return tconcat(out)
end

-- bit operations on 32-bit values (ARM register-shift semantics for shift counts)
bitand = function(...) return wrap32(checkint(1, 'bitand', ...) & checkint(2, 'bitand', ...)) end
bitor = function(...) return wrap32(checkint(1, 'bitor', ...) | checkint(2, 'bitor', ...)) end
bitxor = function(...) return wrap32(checkint(1, 'bitxor', ...) ~ checkint(2, 'bitxor', ...)) end
bitnot = function(...) return wrap32(~checkint(1, 'bitnot', ...)) end
bitshl = function(...)
  local v = checkint(1, 'bitshl', ...)
  local s = checkint(2, 'bitshl', ...) & 0xFF
  if s >= 32 then return 0 end
  return wrap32(v << s)
end
bitshri = function(...)
  local v = checkint(1, 'bitshri', ...)
  local s = checkint(2, 'bitshri', ...) & 0xFF
  if s >= 32 then return v < 0 and -1 or 0 end
  return v // (1 << s)
end
bitshru = function(...)
  local v = checkint(1, 'bitshru', ...)
  local s = checkint(2, 'bitshru', ...) & 0xFF
  if s >= 32 then return 0 end
  return wrap32((v & 0xFFFFFFFF) >> s)
end

peek = function(...)
  local addr = checkint(1, 'peek', ...)
  local size = optint(2, 'peek', 4, ...)
  return H.peek(addr & 0xFFFFFFFF, size)
end
poke = function(...)
  local addr = checkint(1, 'poke', ...)
  local val = checkint(2, 'poke', ...)
  local size = optint(3, 'poke', 4, ...)
  return H.poke(addr & 0xFFFFFFFF, val, size)
end

-- camera information
get_buildinfo = H.buildinfo
get_meminfo = function(...) return H.meminfo(optstr(1, 'get_meminfo', 'combined', ...)) end
get_mode = H.get_mode
get_propset = function() return INFO.propset end
get_exp_count = H.exp_count
get_image_dir = H.image_dir
get_disk_size = H.disk_size
get_free_disk_space = H.disk_free
get_jpg_count = function() return H.disk_free() // 2048 end
get_raw_count = function() return H.disk_free() // 16384 end
get_vbatt = function() return 4100 end
get_temperature = function(...)
  local which = checkint(1, 'get_temperature', ...)
  if which >= 0 and which <= 2 then return 30 + which end
  return -100
end
get_usb_power = function(...) optint(1, 'get_usb_power', 0, ...) return 1 end
get_gui_screen_width = function() return 360 end
get_gui_screen_height = function() return 240 end
autostarted = function() return false end
get_autostart = function() return 0 end
set_autostart = function(...) checkint(1, 'set_autostart', ...) end
get_movie_status = function() return 0 end
set_movie_status = function(...) checkint(1, 'set_movie_status', ...) end
get_video_button = function() return 0 end
get_nd_present = function() return INFO.nd_present end
get_flash_ready = function() return true end
get_zoom_steps = function() return 8 end
get_sd_over_modes = function() return 7 end
reboot = function(...) optstr(1, 'reboot', nil, ...) return false end
-- native calls are disabled by default in CHDK's configuration; the simulator cannot run ARM code anyway
call_event_proc = function(...) checkstr(1, 'call_event_proc', ...) error('native calls disabled', 2) end
call_func_ptr = function(...) checkint(1, 'call_func_ptr', ...) error('native calls disabled', 2) end
local yield_count, yield_ms = 25, 10
set_yield = function(...)
  local oc, om = yield_count, yield_ms
  yield_count = optint(1, 'set_yield', 25, ...)
  yield_ms = optint(2, 'set_yield', 10, ...)
  return oc, om
end

local function noop(fname, nargs)
  return function(...)
    for i = 1, nargs do checkint(i, fname, ...) end
  end
end
cls = function() end
console_redraw = function() end
set_console_layout = noop('set_console_layout', 4)
set_console_autoredraw = noop('set_console_autoredraw', 1)
set_backlight = noop('set_backlight', 1)
set_lcd_display = noop('set_lcd_display', 1)
play_sound = noop('play_sound', 1)
set_led = noop('set_led', 2)
enter_alt = function() end
exit_alt = function() end
set_draw_title_line = function(...) checkonoff(1, 'set_draw_title_line', ...) end
get_draw_title_line = function() return true end
shut_down = function() end

local function levent(fname)
  return function(...)
    local ev = (...)
    local t = type(ev)
    if t ~= 'number' and t ~= 'string' then error('expected event name or id', 2) end
    optint(2, fname, 0, ...)
  end
end
post_levent_to_ui = levent('post_levent_to_ui')
post_levent_for_npt = levent('post_levent_for_npt')
set_levent_active = function(...)
  local ev = (...)
  if type(ev) ~= 'number' and type(ev) ~= 'string' then error('expected event name or id', 2) end
  checkonoff(2, 'set_levent_active', ...)
end
set_levent_script_mode = function(...) checkonoff(1, 'set_levent_script_mode', ...) end

-- modes
switch_mode_usb = function(...)
  local m = checkint(1, 'switch_mode_usb', ...)
  if m == 0 or m == 1 then H.switch_mode(m == 1) end
end
set_record = function(...) H.switch_mode(checkonoff(1, 'set_record', ...)) end
set_capture_mode = function(...) return H.set_capmode(checkint(1, 'set_capture_mode', ...)) end
set_capture_mode_canon = function(...) checkint(1, 'set_capture_mode_canon', ...) return (get_mode()) end
is_capture_mode_valid = function(...)
  local m = checkint(1, 'is_capture_mode_valid', ...)
  return INFO.capmodes[m] ~= nil
end

-- configuration, raw, properties
get_config_value = function(...)
  local n = select('#', ...)
  if n < 1 then return nil end
  local id = checkint(1, 'get_config_value', ...)
  local found, v = H.config_get(id)
  if found then return v end
  if n >= 2 then return select(2, ...) end
  return nil
end
set_config_value = function(...)
  local n = select('#', ...)
  if n < 2 then return false end
  local id = checkint(1, 'set_config_value', ...)
  for i = 2, n do
    local v = select(i, ...)
    local t = type(v)
    if t == 'number' or t == 'string' then return H.config_set(id, v) end
    if t == 'boolean' then return H.config_set(id, v and 1 or 0) end
  end
  return false
end
get_raw = H.raw_get
set_raw = function(...) H.raw_set(checkint(1, 'set_raw', ...)) end
get_raw_nr = function() return H.exp_get('raw_nr') end
set_raw_nr = function(...) H.exp_set('raw_nr', checkint(1, 'set_raw_nr', ...)) end
get_prop = function(...) return H.prop_get(checkint(1, 'get_prop', ...)) end
set_prop = function(...)
  local id = checkint(1, 'set_prop', ...)
  H.prop_set(id, checkint(2, 'set_prop', ...))
end
get_canon_image_format = H.canon_format_get
set_canon_image_format = function(...) return H.canon_format_set(checkint(1, 'set_canon_image_format', ...)) end
get_canon_raw_support = H.canon_raw

-- exposure and focus: setters record values that the matching getters return
local function setter(fname, key)
  return function(...) H.exp_set(key, checkint(1, fname, ...)) end
end
local function getter(key) return function() return H.exp_get(key) end end
set_tv96_direct = setter('set_tv96_direct', 'tv96')
set_tv96 = setter('set_tv96', 'tv96')
get_tv96 = getter('tv96')
set_user_tv96 = setter('set_user_tv96', 'user_tv96')
get_user_tv96 = getter('user_tv96')
set_user_tv_by_id = setter('set_user_tv_by_id', 'user_tv_id')
get_user_tv_id = getter('user_tv_id')
set_sv96 = setter('set_sv96', 'sv96')
get_sv96 = getter('sv96')
set_av96_direct = setter('set_av96_direct', 'av96')
set_av96 = setter('set_av96', 'av96')
get_av96 = getter('av96')
set_user_av96 = setter('set_user_av96', 'user_av96')
get_user_av96 = getter('user_av96')
set_user_av_by_id = setter('set_user_av_by_id', 'user_av_id')
get_user_av_id = getter('user_av_id')
get_bv96 = getter('bv96')
set_iso_mode = setter('set_iso_mode', 'iso_mode')
get_iso_mode = getter('iso_mode')
set_iso_real = setter('set_iso_real', 'iso_real')
get_iso_real = getter('iso_real')
set_nd_filter = setter('set_nd_filter', 'nd_filter')
get_nd_current_ev96 = function() return 0 end
get_nd_value_ev96 = function() return 0 end
set_focus = setter('set_focus', 'focus')
get_focus = getter('focus')
set_zoom = setter('set_zoom', 'zoom')
set_zoom_rel = function(...) H.exp_set('zoom', H.exp_get('zoom') + checkint(1, 'set_zoom_rel', ...)) end
set_zoom_speed = setter('set_zoom_speed', 'zoom_speed')
get_zoom = getter('zoom')
set_ev = function(...)
  local v = checkint(1, 'set_ev', ...)
  H.exp_set('ev', v)
  H.prop_set(INFO.props.EV_CORRECTION_1, v)
  H.prop_set(INFO.props.EV_CORRECTION_2, v)
end
get_ev = getter('ev')
set_mf = function(...) H.exp_set('mf', checkonoff(1, 'set_mf', ...) and 1 or 0) return 1 end
set_aflock = function(...)
  local v = checkint(1, 'set_aflock', ...)
  H.prop_set(INFO.props.AF_LOCK, v > 0 and 1 or 0)
end
set_aelock = function(...)
  local v = checkint(1, 'set_aelock', ...)
  H.prop_set(INFO.props.AE_LOCK, v > 0 and 1 or 0)
end
get_drive_mode = function() return H.prop_get(INFO.props.DRIVE_MODE) end
get_flash_mode = function() return H.prop_get(INFO.props.FLASH_MODE) end
get_focus_mode = function() return H.exp_get('mf') end
get_focus_state = function() return 1 end
get_focus_ok = function() return 1 end
get_IS_mode = function() return H.prop_get(INFO.props.IS_MODE) end
get_orientation_sensor = function() return H.prop_get(INFO.props.ORIENTATION_SENSOR) end

-- APEX*96 conversions
iso_to_sv96 = function(...)
  local iso = checkint(1, 'iso_to_sv96', ...)
  if iso <= 0 then return 0 end
  return round(96 * log2(iso / 3.125))
end
sv96_to_iso = function(...) return round(3.125 * 2 ^ (checkint(1, 'sv96_to_iso', ...) / 96)) end
sv96_market_to_real = function(...) return checkint(1, 'sv96_market_to_real', ...) - 69 end
sv96_real_to_market = function(...) return checkint(1, 'sv96_real_to_market', ...) + 69 end
iso_market_to_real = function(...)
  local iso = checkint(1, 'iso_market_to_real', ...)
  if iso <= 0 then return 0 end
  return round(iso * 2 ^ (-69 / 96))
end
iso_real_to_market = function(...)
  local iso = checkint(1, 'iso_real_to_market', ...)
  if iso <= 0 then return 0 end
  return round(iso * 2 ^ (69 / 96))
end
get_iso_market = function() return iso_real_to_market(H.exp_get('iso_real')) end
aperture_to_av96 = function(...)
  local a = checkint(1, 'aperture_to_av96', ...)
  if a <= 0 then return 0 end
  return round(192 * log2(a / 1000))
end
av96_to_aperture = function(...) return round(1000 * 2 ^ (checkint(1, 'av96_to_aperture', ...) / 192)) end
usec_to_tv96 = function(...)
  local us = checkint(1, 'usec_to_tv96', ...)
  if us <= 0 then return 0 end
  return round(-96 * log2(us / 1000000))
end
tv96_to_usec = function(...) return round(1000000 * 2 ^ (-checkint(1, 'tv96_to_usec', ...) / 96)) end
seconds_to_tv96 = function(...)
  local n = checkint(1, 'seconds_to_tv96', ...)
  local d = checkint(2, 'seconds_to_tv96', ...)
  if n <= 0 or d <= 0 then return 0 end
  return round(-96 * log2(n / d))
end

-- keys and shooting
local function keyfunc(fname)
  return function(...)
    local k = checkstr(1, fname, ...)
    local ok, err = H.key(fname, k)
    if not ok then error(err, 2) end
  end
end
press = keyfunc('press')
release = keyfunc('release')
click = keyfunc('click')
is_pressed = function(...)
  local k = checkstr(1, 'is_pressed', ...)
  local ok, err = H.key('is_pressed', k)
  if ok == nil then error(err, 2) end
  return ok
end
is_key = function(...)
  local k = checkstr(1, 'is_key', ...)
  local ok, err = H.key('is_key', k)
  if ok == nil then error(err, 2) end
  return false
end
wait_click = function(...)
  local t = optint(1, 'wait_click', 0, ...)
  if t == 0 or t == -1 then t = 86400000 end
  if t > 0 then hsleep(t) end
end
wheel_right = function() end
wheel_left = function() end
get_shooting = H.get_shooting
shoot = function() return H.shoot() end

local function shoot_hook(i)
  return {
    set = function(...) H.hook_set(i, checkint(1, 'set', ...)) end,
    is_ready = function() return H.hook_ready(i) end,
    continue = function() H.hook_continue(i) end,
    count = function() return H.hook_count(i) end,
  }
end
hook_preshoot = shoot_hook(0)
hook_shoot = shoot_hook(1)
hook_raw = shoot_hook(2)

-- remote capture
get_usb_capture_support = H.usbcap_support
init_usb_capture = function(...)
  local what = checkint(1, 'init_usb_capture', ...)
  local start = optint(2, 'init_usb_capture', 0, ...)
  local num = optint(3, 'init_usb_capture', 0, ...)
  return H.usbcap_init(what, start, num)
end
get_usb_capture_target = H.usbcap_target
set_usb_capture_timeout = function(...) H.usbcap_timeout(optint(1, 'set_usb_capture_timeout', 0, ...)) end

-- clock
set_clock = function(...)
  local y = checkint(1, 'set_clock', ...)
  local mo = checkint(2, 'set_clock', ...)
  local d = checkint(3, 'set_clock', ...)
  local h = checkint(4, 'set_clock', ...)
  local mi = checkint(5, 'set_clock', ...)
  local s = checkint(6, 'set_clock', ...)
  H.set_clock(mktime(y, mo, d, h, mi, s))
end
get_time = function(...)
  local c = ssub(checkstr(1, 'get_time', ...), 1, 1)
  local t = orig_date('!*t', hnow())
  if c == 's' then return t.sec elseif c == 'm' then return t.min elseif c == 'h' then return t.hour
  elseif c == 'D' then return t.day elseif c == 'M' then return t.month elseif c == 'Y' then return t.year end
  return -1
end
get_day_seconds = function()
  local t = orig_date('!*t', hnow())
  return t.hour * 3600 + t.min * 60 + t.sec
end

------------------------------------------------------------------------------ require: card first, then built-in modules
local builtin = {}
builtin.propcase = function()
  local t = {}
  for k, v in pairs(INFO.props) do t[k] = v end
  return t
end
builtin.capmode = function()
  local m = {}
  m.mode_to_name = {}
  m.name_to_mode = {}
  for num, name in pairs(INFO.capmodes) do
    m.mode_to_name[num] = name
    m.name_to_mode[name] = num
  end
  m.mode_to_name[0] = 'PLAY'
  m.get = function() return bitand((select(3, get_mode())), 255) end
  m.get_name = function() return m.mode_to_name[m.get()] or 'UNKNOWN' end
  m.get_canon = function() return get_prop(INFO.props.SHOOTING_MODE) end
  m.valid = function(v)
    if type(v) == 'string' then v = m.name_to_mode[v] end
    return v ~= nil and INFO.capmodes[v] ~= nil
  end
  m.set = function(v)
    if type(v) == 'string' then v = m.name_to_mode[v] end
    if v == nil then return false end
    return set_capture_mode(v)
  end
  return m
end

local loaded = package.loaded
local package_new = {
  loaded = loaded,
  preload = {},
  path = 'A/CHDK/SCRIPTS/?.lua;A/CHDK/LUALIB/?.lua;A/CHDK/LUALIB/GEN/?.lua',
  cpath = '',
  config = package.config,
}

require = function(...)
  local name = checkstr(1, 'require', ...)
  local v = loaded[name]
  if v ~= nil then return v end
  local loader = package_new.preload[name]
  local tried = {}
  if loader == nil then
    tried[#tried + 1] = sfmt("\n\tno field package.preload['%s']", name)
    local fname = sgsub(name, '%.', '/')
    for templ in sgmatch(tostring(package_new.path), '[^;]+') do
      local path = sgsub(templ, '%?', (sgsub(fname, '%%', '%%%%')))
      local code = readcard(path)
      if code ~= nil then
        local f, err = load_translated(code, '@' .. path, false)
        if not f then
          error(sfmt("error loading module '%s' from file '%s':\n\t%s", name, path, err), 2)
        end
        loader = f
        break
      end
      tried[#tried + 1] = sfmt("\n\tno file '%s'", path)
    end
  end
  if loader == nil then loader = builtin[name] end
  if loader == nil then
    error(sfmt("module '%s' not found:%s", name, tconcat(tried)), 2)
  end
  local r = loader(name)
  if r ~= nil then loaded[name] = r end
  if loaded[name] == nil then loaded[name] = true end
  return loaded[name]
end

------------------------------------------------------------------------------ the sandbox
local debug_new = { traceback = dtraceback, getinfo = dgetinfo }
loaded.os, loaded.io, loaded.debug, loaded.package = os_new, io_new, debug_new, package_new
os, io, debug, package = os_new, io_new, debug_new, package_new
loaded.string.format = string.format
warn = nil

-- the engine serialises returned tables through this (pcall'd like CHDK's lua_create_usb_msg)
return function(t)
  return pcall(G.usb_msg_table_to_string, t)
end
""";
    }
}
