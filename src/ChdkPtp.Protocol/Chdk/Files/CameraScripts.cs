namespace ChdkPtp.Protocol.Chdk.Files
{
    /// <summary>
    /// The camera-side Lua (plain Lua 5.1 for CHDK's 32-bit integer Lua: no goto, no <c>//</c>, no
    /// bit operators, no pcall around yielding calls) run through <see cref="Scripting.ScriptRunner"/>.
    /// Errors of the os.* functions are returned as <c>false, message, errno</c>, never raised.
    /// </summary>
    internal static class CameraScripts
    {
        /// <summary>
        /// Arguments: base (folder or file path, normalised), parent and leaf of base (for a file),
        /// pats (array of anchored Lua patterns for wildcard components, may be empty), filt (pattern or nil),
        /// maxdepth (-1 unlimited), mode (0 all, 1 files, 2 dirs), bsize (items per message), tmo (ms
        /// write_usb_msg waits), limit (-1 none).
        /// Sends USER/TABLE messages, each an array whose elements are {dir, depth} (the folder of the
        /// following items) or {name, size, mtime, attrib, is_dir}. Returns true, count or false, msg, errno.
        /// </summary>
        public const string List = @"
local base, parent, leaf, pats, filt, maxdepth, mode, bsize, tmo, limit = ...
local stat, upper, find = os.stat, string.upper, string.find
local npats = #pats
local batch, nb, count, stop, curdir = {}, 0, 0, false, nil
local function flush()
  if nb > 0 then
    if not write_usb_msg(batch, tmo) then
      error('chdkps list: the host did not read the listing for ' .. tmo .. ' ms', 0)
    end
    batch = {}
    nb = 0
  end
end
local function put(v)
  nb = nb + 1
  batch[nb] = v
  if nb >= bsize then flush() end
end
local function join(d, n)
  if d == 'A/' then return 'A/' .. n end
  return d .. '/' .. n
end
local function emit(d, depth, name, st)
  local isdir = st.is_dir and true or false
  if mode == 1 and isdir then return end
  if mode == 2 and not isdir then return end
  if filt and not find(upper(name), filt) then return end
  if curdir ~= d then
    put({d, depth})
    curdir = d
  end
  put({name, st.size or 0, st.mtime or 0, st.attrib or 0, isdir})
  count = count + 1
  if limit >= 0 and count >= limit then stop = true end
end
-- calls f(name) for every entry of d but . and ..; stops early when stop is set
local function each(d, f)
  if os.idir then
    local it, ud = os.idir(d)
    while true do
      local name = it(ud)
      if not name then break end
      if name ~= '.' and name ~= '..' then f(name) end
      if stop then
        it(ud, false)
        break
      end
    end
  else
    local names = os.listdir(d)
    if names then
      for i = 1, #names do
        local name = names[i]
        if name ~= '.' and name ~= '..' then f(name) end
        if stop then break end
      end
    end
  end
end
local walk
walk = function(d, depth)
  local subs, ns = {}, 0
  each(d, function(name)
    local p = join(d, name)
    local st = stat(p)
    if st then
      emit(d, depth, name, st)
      if st.is_dir and (maxdepth < 0 or depth < maxdepth) then
        ns = ns + 1
        subs[ns] = p
      end
    end
  end)
  for i = 1, ns do
    if stop then return end
    walk(subs[i], depth + 1)
  end
end
local wild
wild = function(d, i)
  local pat, last = pats[i], i == npats
  local subs, ns = {}, 0
  each(d, function(name)
    if find(upper(name), pat) then
      local p = join(d, name)
      local st = stat(p)
      if st then
        if last then
          emit(d, 0, name, st)
          if st.is_dir and maxdepth ~= 0 then
            ns = ns + 1
            subs[ns] = p
          end
        elseif st.is_dir then
          ns = ns + 1
          subs[ns] = p
        end
      end
    end
  end)
  for k = 1, ns do
    if stop then return end
    if last then walk(subs[k], 1) else wild(subs[k], i + 1) end
  end
end
if base ~= 'A/' then
  local st, msg, err = stat(base)
  if not st then return false, msg, err end
  if not st.is_dir then
    if npats > 0 then return false, base .. ': Not a directory', 20 end
    emit(parent, 0, leaf, st)
    flush()
    return true, count
  end
end
if npats > 0 then wild(base, 1) else walk(base, 0) end
flush()
return true, count";

        /// <summary>Argument: path. Returns {size, mtime, attrib, is_dir} or false, msg, errno.</summary>
        public const string Stat = @"
local p = ...
if p == 'A/' then return {0, 0, 16, true} end
local st, msg, err = os.stat(p)
if not st then return false, msg, err end
return {st.size or 0, st.mtime or 0, st.attrib or 0, st.is_dir and true or false}";

        /// <summary>Arguments: the components after A/. Creates every missing level (chdkptp's mkdir_m).
        /// Returns true or false, msg, errno.</summary>
        public const string MakeDirectory = @"
local parts = ...
local p = 'A'
for i = 1, #parts do
  p = p .. '/' .. parts[i]
  local st = os.stat(p)
  if st then
    if not st.is_dir then return false, p .. ': path exists, not directory', 20 end
  else
    local ok, msg, err = os.mkdir(p)
    if not ok then return false, msg, err end
  end
end
return true";

        /// <summary>Arguments: path. os.remove (files and empty folders).</summary>
        public const string Remove = @"
local p = ...
local ok, msg, err = os.remove(p)
if not ok then return false, msg, err end
return true";

        /// <summary>Arguments: from, to.</summary>
        public const string Rename = @"
local a, b = ...
local ok, msg, err = os.rename(a, b)
if not ok then return false, msg, err end
return true";

        /// <summary>Arguments: path, mtime (camera-local seconds).</summary>
        public const string SetTime = @"
local p, t = ...
local ok, msg, err = os.utime(p, t)
if not ok then return false, msg, err end
return true";
    }
}
