namespace ChdkPtp.Protocol.Chdk.Capture
{
    /// <summary>
    /// The camera-side Lua of shooting (our own, written for CHDK's Lua 5.1 with 32-bit integer numbers: no
    /// goto, no <c>//</c>, no bit operators, no floats). Each runs through
    /// <see cref="Scripting.ScriptRunner"/>, so it receives its arguments as <c>...</c>. Errors meant for the
    /// user are raised as <c>error('[capture] &lt;reason&gt;: &lt;text&gt;', 0)</c>;
    /// <see cref="CaptureErrors"/> turns them into <see cref="ChdkCaptureException"/>.
    /// </summary>
    public static class CaptureScripts
    {
        /// <summary>Start of the error texts the scripts raise on purpose.</summary>
        public const string ErrorMarker = "[capture] ";

        /// <summary>
        /// Defines the local <c>chdkps_apply(e)</c> (and the helper <c>chdkps_stopped(ms)</c>), prepended to
        /// the shooting scripts. <c>e</c> is the table of <see cref="ShotSettings.ToLuaTable"/>: <c>tv</c> →
        /// <c>set_tv96_direct</c>, <c>sv</c> → <c>set_sv96</c>, <c>svm</c> → <c>set_sv96(sv96_market_to_real(svm))</c>,
        /// <c>isomode</c> → <c>set_iso_mode</c>, <c>av</c> → <c>set_av96_direct</c>, <c>nd</c> →
        /// <c>set_nd_filter</c>, <c>sd</c> → focus mode per <c>sdmode</c> and <c>get_sd_over_modes()</c>
        /// (<c>set_mf(1)</c> for MF, <c>set_aflock(1)</c> for AFL) then <c>set_focus(sd)</c>.
        /// <c>chdkps_stopped(ms)</c> waits up to <c>ms</c> for host messages with <c>read_usb_msg</c> and
        /// returns true as soon as one reads <c>stop</c> (other messages are ignored); with 0 it only looks.
        /// </summary>
        public const string ApplySettings = @"local chdkps_apply = function(e)
  if not e then return end
  if e.tv then set_tv96_direct(e.tv) end
  if e.sv then set_sv96(e.sv) end
  if e.svm then
    if type(sv96_market_to_real) ~= 'function' then
      error('[capture] settings: this CHDK build has no sv96_market_to_real; give a real sv96 or an ISO mode instead', 0)
    end
    set_sv96(sv96_market_to_real(e.svm))
  end
  if e.isomode then set_iso_mode(e.isomode) end
  if e.av then set_av96_direct(e.av) end
  if e.nd then set_nd_filter(e.nd) end
  if e.sd then
    local bits = 7
    if type(get_sd_over_modes) == 'function' then bits = get_sd_over_modes() end
    local m = e.sdmode or 0
    if m == 0 then
      if bitand(bits, 4) ~= 0 then m = 4 elseif bitand(bits, 2) ~= 0 then m = 2 elseif bitand(bits, 1) ~= 0 then m = 1 end
    end
    if m == 0 then error('[capture] settings: this camera cannot override the focus', 0) end
    if bitand(bits, m) == 0 then
      local names = {[1] = 'AF', [2] = 'AF lock', [4] = 'MF'}
      error('[capture] settings: this camera cannot override the focus in ' .. (names[m] or tostring(m)) .. ' mode', 0)
    end
    if m == 4 then
      if set_mf(1) == 0 then error('[capture] settings: the camera refused manual focus', 0) end
    elseif m == 2 then
      set_aflock(1)
    end
    set_focus(e.sd)
  end
end
local chdkps_stopped = function(ms)
  local t0 = get_tick_count()
  while true do
    local left = ms - (get_tick_count() - t0)
    if left < 0 then left = 0 end
    local m = read_usb_msg(left)
    if m == 'stop' then return true end
    if m == nil then return false end
  end
end
";

        /// <summary>
        /// Remote capture set-up. Arguments: <c>want</c> (init_usb_capture bits), <c>lstart</c>, <c>lcount</c>,
        /// <c>tmo</c> (ms for <c>set_usb_capture_timeout</c>, 0 = leave), <c>cont</c> (true: continuous drive
        /// needed). Checks record mode, <c>init_usb_capture</c>, the drive mode for continuous shooting and
        /// <c>bitand(get_usb_capture_support(), want) == want</c>; switches the Canon image format to exactly what
        /// is needed (1 JPEG, 2 CR2, 3 both) when JPEG or CR2 is wanted and the camera has that setting; calls
        /// <c>init_usb_capture(want, lstart, lcount)</c> (restoring the Canon format if that fails) and the
        /// timeout. Returns <c>true, saved</c> (the Canon format to restore, or nil) or <c>false, reason, a, b</c>
        /// with reason <c>notrec</c>, <c>nocapture</c>, <c>unsupported</c> (a = missing bits, b = supported bits),
        /// <c>notcont</c> (a = drive mode), <c>canonfmt</c> (a = wanted, b = current), <c>initfailed</c>.
        /// </summary>
        public const string Init = @"local want, lstart, lcount, tmo, cont = ...
local rec = get_mode()
if not rec then return false, 'notrec' end
if type(init_usb_capture) ~= 'function' or type(get_usb_capture_support) ~= 'function' then return false, 'nocapture' end
local sup = get_usb_capture_support()
local have = bitand(sup, want)
if have ~= want then return false, 'unsupported', want - have, sup end
if cont then
  local dm
  if type(get_drive_mode) == 'function' then dm = get_drive_mode() else dm = get_prop(require('propcase').DRIVE_MODE) end
  if dm ~= 1 then return false, 'notcont', dm end
end
local saved = nil
local need = 0
if bitand(want, 1) ~= 0 then need = need + 1 end
if bitand(want, 8) ~= 0 then need = need + 2 end
if need ~= 0 and type(get_canon_image_format) == 'function' and type(set_canon_image_format) == 'function' then
  local cur = get_canon_image_format()
  if cur ~= need then
    set_canon_image_format(need)
    if get_canon_image_format() ~= need then
      set_canon_image_format(cur)
      return false, 'canonfmt', need, cur
    end
    saved = cur
  end
end
if not init_usb_capture(want, lstart, lcount) then
  if saved then set_canon_image_format(saved) end
  return false, 'initfailed'
end
if tmo > 0 then set_usb_capture_timeout(tmo) end
return true, saved";

        /// <summary>
        /// The remote shoot (after <see cref="ApplySettings"/>). Argument: a table with <c>count</c>,
        /// <c>interval</c> (ms, start to start), <c>mode</c> (0 normal: <c>shoot()</c> per shot; 1 continuous:
        /// half press, <c>shoot_full</c> held until the image counter has moved <c>count</c> times; 2 quick: half
        /// press held, one <c>click('shoot_full_only')</c> per shot), <c>dummy</c> (create an empty
        /// <c>IMG_nnnn.JPG</c> for each shot, for cameras whose playback needs one), <c>exp</c> (settings),
        /// <c>exptimeout</c> (ms to wait for the image counter to move), <c>halftimeout</c> (ms to wait for the
        /// half press to be ready). Stops early on a host message <c>stop</c> (checked between shots and while
        /// waiting). Returns the number of shots taken.
        /// </summary>
        public const string Shoot = @"local o = ...
local shots = 0
local function dummy()
  if not o.dummy then return end
  local p = get_image_dir() .. '/' .. string.format('IMG_%04d.JPG', get_exp_count())
  if not os.stat(p) then
    local f = io.open(p, 'wb')
    if f then f:close() end
  end
end
local function check_target()
  if type(get_usb_capture_target) == 'function' and get_usb_capture_target() == 0 then
    error('[capture] cancelled: remote capture was cancelled by the camera (timeout?)', 0)
  end
end
local function wait_ready()
  local t0 = get_tick_count()
  while not get_shooting() do
    if chdkps_stopped(10) then return false end
    if get_tick_count() - t0 > o.halftimeout then
      release('shoot_half')
      error('[capture] shot: the camera did not get ready to shoot (half press) within ' .. o.halftimeout .. ' ms', 0)
    end
  end
  return true
end
local t_start = get_tick_count()
-- shot i is due interval ms after shot i-1 started (start to start); false when a stop message came meanwhile
local function wait_slot(i)
  local left = (t_start + (i - 1) * o.interval) - get_tick_count()
  if left < 0 then left = 0 end
  return not chdkps_stopped(left)
end
if o.mode == 0 then
  for i = 1, o.count do
    if i > 1 and not wait_slot(i) then break end
    check_target()
    chdkps_apply(o.exp)
    shoot()
    shots = i
    dummy()
  end
  return shots
end
chdkps_apply(o.exp)
check_target()
press('shoot_half')
if not wait_ready() then
  release('shoot_half')
  return shots
end
if o.mode == 1 then
  local n = get_exp_count()
  local t = get_tick_count()
  press('shoot_full')
  while shots < o.count do
    if chdkps_stopped(10) then break end
    local c = get_exp_count()
    if c ~= n then
      if c > n then shots = shots + (c - n) else shots = shots + 1 end
      n = c
      t = get_tick_count()
      dummy()
    elseif get_tick_count() - t > o.exptimeout then
      release('shoot_full')
      release('shoot_half')
      error('[capture] shot: no new picture within ' .. o.exptimeout .. ' ms of continuous shooting', 0)
    end
  end
  release('shoot_full')
else
  local stop = false
  for i = 1, o.count do
    if i > 1 and not wait_slot(i) then break end
    check_target()
    local n = get_exp_count()
    local t = get_tick_count()
    click('shoot_full_only')
    while get_exp_count() == n do
      if chdkps_stopped(10) then stop = true break end
      if get_tick_count() - t > o.exptimeout then
        release('shoot_half')
        error('[capture] shot: no new picture within ' .. o.exptimeout .. ' ms of pressing the shutter', 0)
      end
    end
    if stop then break end
    shots = i
    dummy()
  end
end
release('shoot_half')
if shots > o.count then shots = o.count end
return shots";

        /// <summary>
        /// Remote capture clean-up. Arguments: the Canon image format to restore (or nil), and <c>abort</c>: true
        /// when the host gave up in the middle of a shot, whose data the camera is holding for it. Without abort it
        /// waits up to 2 s for <c>get_shooting()</c> to go false (the shot finishes), then calls
        /// <c>init_usb_capture(0)</c>; with abort it calls <c>init_usb_capture(0)</c> first, which releases the
        /// held shot at once, then waits. Then it restores the Canon format. Returns true.
        /// </summary>
        public const string Cleanup = @"local saved, abort = ...
local has = type(init_usb_capture) == 'function'
if abort and has then init_usb_capture(0) end
local t0 = get_tick_count()
while get_shooting() do
  if get_tick_count() - t0 >= 2000 then break end
  sleep(10)
end
if has then init_usb_capture(0) end
if saved and type(set_canon_image_format) == 'function' then set_canon_image_format(saved) end
return true";

        /// <summary>
        /// Shooting to the card (after <see cref="ApplySettings"/>). Argument: a table with <c>count</c>,
        /// <c>interval</c> (ms, start to start), <c>exp</c> (settings), <c>wait</c> (ms to wait for each expected
        /// file to appear with a stable size), <c>tmo</c> (ms <c>write_usb_msg</c> may wait for the host). Per shot
        /// it sends one message <c>{shot, number, dir, files, missing}</c>: <c>files</c> = array of
        /// <c>{name, size, mtime, attrib}</c> of the shot's files in <c>dir</c> (<c>get_image_dir()</c>):
        /// <c>IMG_nnnn.JPG</c> and/or <c>IMG_nnnn.CR2</c> by the Canon image format (JPEG only when the camera
        /// has no such setting), plus, when CHDK raw saving is on (<c>get_raw() == 1</c>), every other file in
        /// that folder whose name holds <c>_nnnn.</c>; <c>missing</c> = expected names that did not appear in
        /// time. Stops early on a host message <c>stop</c>. Returns the number of shots taken.
        /// </summary>
        public const string ShootToCard = @"local o = ...
local rec = get_mode()
if not rec then error('[capture] notrec: the camera is not in record mode', 0) end
local fmt = 1
if type(get_canon_image_format) == 'function' then fmt = get_canon_image_format() end
local chdkraw = type(get_raw) == 'function' and get_raw() == 1
local function settle(p, ms)
  local t0 = get_tick_count()
  local last = -1
  while true do
    local st = os.stat(p)
    if st and not st.is_dir then
      if st.size == last then return st end
      last = st.size
    end
    if get_tick_count() - t0 >= ms then
      if st and not st.is_dir then return st end
      return nil
    end
    sleep(50)
  end
end
local shots = 0
local t_start = get_tick_count()
for i = 1, o.count do
  if i > 1 then
    local left = (t_start + (i - 1) * o.interval) - get_tick_count()
    if left < 0 then left = 0 end
    if chdkps_stopped(left) then break end
  end
  chdkps_apply(o.exp)
  local before = get_exp_count()
  shoot()
  local num = get_exp_count()
  if num == before then error('[capture] shot: the shot failed (the image counter did not move)', 0) end
  local dir = get_image_dir()
  local names = {}
  if fmt ~= 2 then names[#names + 1] = string.format('IMG_%04d.JPG', num) end
  if fmt == 2 or fmt == 3 then names[#names + 1] = string.format('IMG_%04d.CR2', num) end
  local files, missing, seen = {}, {}, {}
  for k = 1, #names do
    local st = settle(dir .. '/' .. names[k], o.wait)
    if st then
      files[#files + 1] = {names[k], st.size or 0, st.mtime or 0, st.attrib or 0}
    else
      missing[#missing + 1] = names[k]
    end
    seen[string.upper(names[k])] = true
  end
  if chdkraw then
    local tag = string.format('_%04d.', num)
    local list = os.listdir(dir)
    if list then
      for k = 1, #list do
        local name = list[k]
        if string.find(string.upper(name), tag, 1, true) and not seen[string.upper(name)] then
          local st = settle(dir .. '/' .. name, 1000)
          if st then files[#files + 1] = {name, st.size or 0, st.mtime or 0, st.attrib or 0} end
        end
      end
    end
  end
  if not write_usb_msg({i, num, dir, files, missing}, o.tmo) then
    error('[capture] host: the computer did not read the shot report for ' .. o.tmo .. ' ms', 0)
  end
  shots = i
end
return shots";

        /// <summary><see cref="ApplySettings"/> + <see cref="Shoot"/>.</summary>
        public static string RemoteShootScript => ApplySettings + Shoot;

        /// <summary><see cref="ApplySettings"/> + <see cref="ShootToCard"/>.</summary>
        public static string ShootToCardScript => ApplySettings + ShootToCard;
    }
}
