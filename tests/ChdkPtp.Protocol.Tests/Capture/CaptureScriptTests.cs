using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Capture;
using ChdkPtp.Protocol.Chdk.Scripting;
using ChdkPtp.Protocol.Tests.Scripting;

namespace ChdkPtp.Protocol.Tests.Capture
{
    /// <summary>
    /// The camera-side capture scripts run on stock Lua against a scripted fake camera (a log of calls, a
    /// clock that only moves when the script sleeps or waits, a message queue and a card of names).
    /// </summary>
    public sealed class CaptureScriptTests : IDisposable
    {
        private const string FakeCamera = @"
cam_extra = nil
cam = { rec = true, support = 15, canon = 1, target = 1, exp = 100, tick = 0, msgs = {}, log = {}, files = {},
        drive = 0, half = false, full = false, sdbits = 7, sent = {}, burst = 0 }
local function log(s) cam.log[#cam.log + 1] = s end
function get_mode() return cam.rec, false, cam.rec and 2 or 0 end
function get_usb_capture_support() return cam.support end
function init_usb_capture(w, s, c)
  log('init ' .. w .. ' ' .. tostring(s) .. ' ' .. tostring(c))
  if cam.init_fail then return false end
  cam.target = w
  return true
end
function set_usb_capture_timeout(t) log('captimeout ' .. t) end
function get_usb_capture_target() return cam.target end
function bitand(a, b) return a & b end
function get_canon_image_format() return cam.canon end
function set_canon_image_format(f) log('canonfmt ' .. f) if not cam.canon_locked then cam.canon = f end return true end
function get_drive_mode() return cam.drive end
function get_tick_count() return cam.tick end
function sleep(ms) cam.tick = cam.tick + ms end
function read_usb_msg(ms)
  if cam.full then
    cam.burst = cam.burst + 1
    if cam.burst % 3 == 0 then cam.exp = cam.exp + 1 end
  end
  if #cam.msgs > 0 then return table.remove(cam.msgs, 1) end
  cam.tick = cam.tick + (ms or 0)
  return nil
end
function write_usb_msg(v, t) cam.sent[#cam.sent + 1] = v return true end
local function card_files()
  local d = get_image_dir()
  if cam.canon ~= 2 then cam.files[d .. '/' .. string.format('IMG_%04d.JPG', cam.exp)] = {size = 1000 + cam.exp, mtime = 5, attrib = 32} end
  if cam.canon == 2 or cam.canon == 3 then cam.files[d .. '/' .. string.format('IMG_%04d.CR2', cam.exp)] = {size = 9000, mtime = 5, attrib = 32} end
end
function shoot()
  cam.exp = cam.exp + 1
  log('shoot@' .. cam.tick)
  if cam.write_files then card_files() end
  if cam.stop_after and cam.exp - 100 >= cam.stop_after then cam.msgs[#cam.msgs + 1] = 'stop' end
end
function get_exp_count() return cam.exp end
function get_image_dir() return 'A/DCIM/100CANON' end
function press(k) log('press ' .. k) if k == 'shoot_half' then cam.half = true elseif k == 'shoot_full' then cam.full = true end end
function release(k) log('release ' .. k) if k == 'shoot_half' then cam.half = false elseif k == 'shoot_full' then cam.full = false end end
function click(k) log('click ' .. k) if k == 'shoot_full_only' then cam.exp = cam.exp + 1 end end
function get_shooting() return cam.half end
function get_sd_over_modes() return cam.sdbits end
function set_tv96_direct(v) log('tv ' .. v) end
function set_av96_direct(v) log('av ' .. v) end
function set_sv96(v) log('sv ' .. v) end
function sv96_market_to_real(v) return v - 69 end
function set_iso_mode(v) log('isomode ' .. v) end
function set_nd_filter(v) log('nd ' .. v) end
function set_mf(v) log('mf ' .. v) return 1 end
function set_aflock(v) log('aflock ' .. v) end
function set_focus(v) log('focus ' .. v) end
function get_raw() return cam.raw or 0 end
os.stat = function(p) local f = cam.files[p] if f then return {size = f.size, mtime = f.mtime, attrib = f.attrib, is_dir = false} end return nil end
os.listdir = function(d)
  local r = {}
  for p in pairs(cam.files) do
    local dir, name = string.match(p, '^(.*)/([^/]*)$')
    if dir == d then r[#r + 1] = name end
  end
  table.sort(r)
  return r
end
io.open = function(p, mode) log('create ' .. p) cam.files[p] = {size = 0, mtime = 0, attrib = 32} return {close = function() end} end
";

        private readonly LuaHost _lua = new LuaHost();

        public void Dispose() => _lua.Dispose();

        /// <summary>Runs <paramref name="script"/> with <paramref name="args"/> after <paramref name="setup"/>;
        /// returns the script's values (as text) and the camera's log.</summary>
        private (List<string> Values, List<string> Log, string Error) Run(string setup, string script, params object[] args)
        {
            var sb = new StringBuilder(FakeCamera);
            sb.Append(setup).Append('\n');
            sb.Append("local f = assert(load(");
            LuaLiteralWriter.Write(sb, script);
            sb.Append(", '='))\nlocal r = table.pack(pcall(f");
            foreach (var a in args)
            {
                sb.Append(", ");
                LuaLiteralWriter.Write(sb, a);
            }
            sb.Append("))\nlocal out = {}\nfor i = 2, r.n do out[#out + 1] = tostring(r[i]) end\n");
            sb.Append("return r[1], table.concat(out, ','), table.concat(cam.log, '|'), cam_extra and cam_extra() or ''");
            var outcome = _lua.Run(sb.ToString());
            Assert.Equal(ScriptErrorType.None, outcome.Error);
            bool ok = (bool)outcome.Values[0].Value;
            string values = Text(outcome.Values[1]);
            string log = Text(outcome.Values[2]);
            string extra = Text(outcome.Values[3]);
            var logList = log.Length == 0 ? new List<string>() : log.Split('|').ToList();
            if (extra.Length > 0) logList.Add("extra " + extra);
            if (!ok) return (new List<string>(), logList, values);
            return (values.Length == 0 ? new List<string>() : values.Split(',').ToList(), logList, null);
        }

        private static string Text(ScriptValue v) => v.Value is byte[] b ? Encoding.UTF8.GetString(b) : v.Value?.ToString() ?? "";

        private static object[] InitArgs(CaptureTypes want, int start = 0, int count = 0, int tmo = 0, bool cont = false) =>
            new object[] { (int)want, start, count, tmo, cont };

        // ---- init

        [Fact]
        public void Init_sets_up_capture_and_returns_nothing_to_restore_when_the_canon_format_fits()
        {
            var r = Run("cam.canon = 1", CaptureScripts.Init, InitArgs(CaptureTypes.Jpeg | CaptureTypes.Raw, 10, 20, 5000));
            Assert.Null(r.Error);
            Assert.Equal(new[] { "true", "nil" }, r.Values);
            Assert.Equal(new[] { "init 3 10 20", "captimeout 5000" }, r.Log);
        }

        [Fact]
        public void Init_switches_the_canon_format_to_what_is_needed_and_returns_the_old_one()
        {
            var r = Run("cam.canon = 3", CaptureScripts.Init, InitArgs(CaptureTypes.Jpeg));
            Assert.Equal(new[] { "true", "3" }, r.Values);
            Assert.Equal(new[] { "canonfmt 1", "init 1 0 0" }, r.Log);

            r = Run("cam.canon = 1", CaptureScripts.Init, InitArgs(CaptureTypes.Jpeg | CaptureTypes.CanonRaw));
            Assert.Equal(new[] { "true", "1" }, r.Values);
            Assert.Equal("canonfmt 3", r.Log[0]);

            // raw only: the Canon format is not touched
            r = Run("cam.canon = 3", CaptureScripts.Init, InitArgs(CaptureTypes.Raw | CaptureTypes.DngHeader));
            Assert.Equal(new[] { "true", "nil" }, r.Values);
            Assert.Equal(new[] { "init 6 0 0" }, r.Log);

            // a camera without the setting
            r = Run("get_canon_image_format = nil", CaptureScripts.Init, InitArgs(CaptureTypes.Jpeg));
            Assert.Equal(new[] { "true", "nil" }, r.Values);
        }

        [Fact]
        public void Init_reports_why_it_cannot_start()
        {
            Assert.Equal(new[] { "false", "notrec" }, Run("cam.rec = false", CaptureScripts.Init, InitArgs(CaptureTypes.Jpeg)).Values);
            Assert.Equal(new[] { "false", "nocapture" }, Run("init_usb_capture = nil", CaptureScripts.Init, InitArgs(CaptureTypes.Jpeg)).Values);
            // asks JPEG + CR2 of a camera with raw, DNG header and JPEG: CR2 (8) is missing, 7 supported
            Assert.Equal(new[] { "false", "unsupported", "8", "7" }, Run("cam.support = 7", CaptureScripts.Init, InitArgs(CaptureTypes.Jpeg | CaptureTypes.CanonRaw)).Values);
            Assert.Equal(new[] { "false", "unsupported", "9", "6" }, Run("cam.support = 6", CaptureScripts.Init, InitArgs(CaptureTypes.Jpeg | CaptureTypes.CanonRaw)).Values);
            Assert.Equal(new[] { "false", "notcont", "0" }, Run("cam.drive = 0", CaptureScripts.Init, InitArgs(CaptureTypes.Jpeg, cont: true)).Values);
            Assert.Equal(new[] { "true", "nil" }, Run("cam.drive = 1", CaptureScripts.Init, InitArgs(CaptureTypes.Jpeg, cont: true)).Values);
            var locked = Run("cam.canon = 2 cam.canon_locked = true", CaptureScripts.Init, InitArgs(CaptureTypes.Jpeg));
            Assert.Equal(new[] { "false", "canonfmt", "1", "2" }, locked.Values);
        }

        [Fact]
        public void A_refused_init_restores_the_canon_format()
        {
            var r = Run("cam.canon = 3 cam.init_fail = true cam_extra = function() return 'canon=' .. cam.canon end", CaptureScripts.Init, InitArgs(CaptureTypes.Jpeg));
            Assert.Equal(new[] { "false", "initfailed" }, r.Values);
            Assert.Equal(new[] { "canonfmt 1", "init 1 0 0", "canonfmt 3", "extra canon=3" }, r.Log);
        }

        [Fact]
        public void Init_errors_become_capture_exceptions_naming_the_missing_types()
        {
            var e = CaptureErrors.FromInit(new object[] { false, "unsupported", 8, 7 }, CaptureTypes.Jpeg | CaptureTypes.CanonRaw, 0, 0);
            Assert.Equal(CaptureFailure.UnsupportedFormat, e.Reason);
            Assert.Equal(CaptureTypes.CanonRaw, e.Unsupported);
            Assert.Equal(CaptureTypes.Jpeg | CaptureTypes.Raw | CaptureTypes.DngHeader, e.Supported);
            Assert.Equal("Unsupported format: the camera cannot capture Canon raw (CR2) over USB (it supports JPEG, CHDK raw, DNG header).", e.Message);
            Assert.Equal(CaptureFailure.NotInRecordMode, CaptureErrors.FromInit(new object[] { false, "notrec" }, CaptureTypes.Jpeg, 0, 0).Reason);
            Assert.Equal(CaptureFailure.InitFailed, CaptureErrors.FromInit(new object[] { false, "initfailed" }, CaptureTypes.Raw, 5, 10).Reason);
            Assert.Contains("Lines 5 to 14", CaptureErrors.FromInit(new object[] { false, "initfailed" }, CaptureTypes.Raw, 5, 10).Message);
        }

        // ---- shoot

        private static Dictionary<string, object> ShootArgs(int count, int interval = 0, RemoteShootMode mode = RemoteShootMode.Normal, bool dummy = false, ShotSettings settings = null)
        {
            var t = new Dictionary<string, object>
            {
                ["count"] = count, ["interval"] = interval, ["mode"] = (int)mode, ["dummy"] = dummy, ["exptimeout"] = 15000, ["halftimeout"] = 5000,
            };
            if (settings != null) t["exp"] = settings.ToLuaTable();
            return t;
        }

        [Fact]
        public void Normal_mode_shoots_count_times_start_to_start_applying_the_settings_before_each_shot()
        {
            var s = new ShotSettings { Shutter = ShutterSpeed.Parse("1/250"), Iso = IsoSpeed.FromIso(100), NdFilter = NdFilterState.In };
            var r = Run("", CaptureScripts.RemoteShootScript, ShootArgs(3, 1000, settings: s));
            Assert.Null(r.Error);
            Assert.Equal(new[] { "3" }, r.Values);
            var perShot = new[] { "tv 765", "sv 411", "nd 1" };
            Assert.Equal(perShot.Concat(new[] { "shoot@0" }).Concat(perShot).Concat(new[] { "shoot@1000" }).Concat(perShot).Concat(new[] { "shoot@2000" }), r.Log);
        }

        [Fact]
        public void A_stop_message_ends_the_shooting_between_shots()
        {
            var r = Run("cam.stop_after = 2", CaptureScripts.RemoteShootScript, ShootArgs(5, 500));
            Assert.Equal(new[] { "2" }, r.Values);
            Assert.Equal(new[] { "shoot@0", "shoot@500" }, r.Log);
        }

        [Fact]
        public void The_file_dummy_creates_an_empty_jpeg_for_each_image_number()
        {
            var r = Run("", CaptureScripts.RemoteShootScript, ShootArgs(2, dummy: true));
            Assert.Equal(new[] { "shoot@0", "create A/DCIM/100CANON/IMG_0101.JPG", "shoot@0", "create A/DCIM/100CANON/IMG_0102.JPG" }, r.Log);
        }

        [Fact]
        public void Quick_mode_holds_the_half_press_and_clicks_once_per_shot()
        {
            var r = Run("", CaptureScripts.RemoteShootScript, ShootArgs(3, 0, RemoteShootMode.Quick, settings: new ShotSettings { Aperture = Aperture.Parse("f/8") }));
            Assert.Equal(new[] { "3" }, r.Values);
            Assert.Equal(new[] { "av 576", "press shoot_half", "click shoot_full_only", "click shoot_full_only", "click shoot_full_only", "release shoot_half" }, r.Log);
        }

        [Fact]
        public void Continuous_mode_holds_the_full_press_until_the_counter_moved_count_times()
        {
            var r = Run("cam_extra = function() return 'exp=' .. cam.exp end", CaptureScripts.RemoteShootScript, ShootArgs(4, 0, RemoteShootMode.Continuous));
            Assert.Equal(new[] { "4" }, r.Values);
            Assert.Equal(new[] { "press shoot_half", "press shoot_full", "release shoot_full", "release shoot_half", "extra exp=104" }, r.Log);
        }

        [Fact]
        public void A_counter_that_does_not_move_is_a_marked_shot_error()
        {
            var r = Run("click = function() end", CaptureScripts.RemoteShootScript, ShootArgs(1, 0, RemoteShootMode.Quick));
            Assert.StartsWith("[capture] shot: no new picture within 15000 ms", r.Error);
            var e = CaptureErrors.FromMarkedText(r.Error);
            Assert.Equal(CaptureFailure.ShotFailed, e.Reason);
            Assert.Equal("No new picture within 15000 ms of pressing the shutter.", e.Message);
        }

        [Fact]
        public void A_camera_that_cancelled_capture_stops_the_shooting_with_a_marked_error()
        {
            var r = Run("init_usb_capture(1) cam.log = {} cam.target = 0", CaptureScripts.RemoteShootScript, ShootArgs(2));
            Assert.Equal(CaptureFailure.CancelledByCamera, CaptureErrors.FromMarkedText(r.Error).Reason);
        }

        [Fact]
        public void Focus_override_picks_mf_then_afl_then_af_and_refuses_a_mode_the_camera_lacks()
        {
            var mf = Run("", CaptureScripts.RemoteShootScript, ShootArgs(1, settings: new ShotSettings { FocusDistance = 1500 }));
            Assert.Equal(new[] { "mf 1", "focus 1500", "shoot@0" }, mf.Log);
            var afl = Run("cam.sdbits = 3", CaptureScripts.RemoteShootScript, ShootArgs(1, settings: new ShotSettings { FocusDistance = 800 }));
            Assert.Equal(new[] { "aflock 1", "focus 800", "shoot@0" }, afl.Log);
            var af = Run("cam.sdbits = 1", CaptureScripts.RemoteShootScript, ShootArgs(1, settings: new ShotSettings { FocusDistance = 800 }));
            Assert.Equal(new[] { "focus 800", "shoot@0" }, af.Log);
            var refused = Run("cam.sdbits = 2", CaptureScripts.RemoteShootScript, ShootArgs(1, settings: new ShotSettings { FocusDistance = 800, FocusMode = FocusOverrideMode.ManualFocus }));
            Assert.Equal("[capture] settings: this camera cannot override the focus in MF mode", refused.Error);
            Assert.Equal(CaptureFailure.Settings, CaptureErrors.FromMarkedText(refused.Error).Reason);
            var none = Run("cam.sdbits = 0", CaptureScripts.RemoteShootScript, ShootArgs(1, settings: new ShotSettings { FocusDistance = 800 }));
            Assert.Equal("[capture] settings: this camera cannot override the focus", none.Error);
        }

        [Fact]
        public void Market_iso_needs_sv96_market_to_real()
        {
            var r = Run("sv96_market_to_real = nil", CaptureScripts.RemoteShootScript, ShootArgs(1, settings: new ShotSettings { Iso = IsoSpeed.FromIso(400) }));
            Assert.StartsWith("[capture] settings: this CHDK build has no sv96_market_to_real", r.Error);
        }

        // ---- cleanup

        [Fact]
        public void Cleanup_waits_for_the_shot_to_end_clears_capture_and_restores_the_canon_format()
        {
            var r = Run("cam.half = true cam_extra = function() return 'canon=' .. cam.canon .. ' tick=' .. cam.tick end", CaptureScripts.Cleanup, 3, false);
            Assert.Equal(new[] { "true" }, r.Values);
            Assert.Equal(new[] { "init 0 nil nil", "canonfmt 3", "extra canon=3 tick=2000" }, r.Log);
            var plain = Run("", CaptureScripts.Cleanup, null, false);
            Assert.Equal(new[] { "init 0 nil nil" }, plain.Log);
        }

        [Fact]
        public void Cleanup_after_giving_up_mid_shot_clears_capture_first_which_lets_the_shot_end()
        {
            var r = Run(@"cam.half = true
local orig = init_usb_capture
init_usb_capture = function(w, s, c) cam.half = false return orig(w, s, c) end
cam_extra = function() return 'tick=' .. cam.tick end", CaptureScripts.Cleanup, null, true);
            Assert.Equal(new[] { "init 0 nil nil", "init 0 nil nil", "extra tick=0" }, r.Log);
        }

        // ---- shoot to card

        [Fact]
        public void Shooting_to_the_card_reports_each_shots_files_by_the_canon_format()
        {
            string extra = @"cam.write_files = true cam.canon = 3
cam_extra = function()
  local out = {}
  for i = 1, #cam.sent do
    local m = cam.sent[i]
    local names = {}
    for k = 1, #m[4] do names[#names + 1] = m[4][k][1] .. ':' .. m[4][k][2] end
    out[#out + 1] = m[1] .. ';' .. m[2] .. ';' .. m[3] .. ';' .. table.concat(names, ' ') .. ';' .. #m[5]
  end
  return table.concat(out, '/')
end";
            var r = Run(extra, CaptureScripts.ShootToCardScript, new Dictionary<string, object> { ["count"] = 2, ["interval"] = 0, ["wait"] = 200, ["tmo"] = 1000 });
            Assert.Null(r.Error);
            Assert.Equal(new[] { "2" }, r.Values);
            Assert.Equal("extra 1;101;A/DCIM/100CANON;IMG_0101.JPG:1101 IMG_0101.CR2:9000;0/2;102;A/DCIM/100CANON;IMG_0102.JPG:1102 IMG_0102.CR2:9000;0", r.Log.Last());
        }

        [Fact]
        public void Files_that_never_appear_are_reported_missing_and_chdk_raw_files_are_found_by_number()
        {
            string extra = @"cam.canon = 1 cam.raw = 1
shoot = function() cam.exp = cam.exp + 1 cam.files['A/DCIM/100CANON/CRW_0101.DNG'] = {size = 7, mtime = 1, attrib = 32} end
cam_extra = function()
  local m = cam.sent[1]
  return #m[4] .. ' ' .. m[4][1][1] .. ' missing ' .. m[5][1]
end";
            var r = Run(extra, CaptureScripts.ShootToCardScript, new Dictionary<string, object> { ["count"] = 1, ["interval"] = 0, ["wait"] = 300, ["tmo"] = 1000 });
            Assert.Null(r.Error);
            Assert.Equal("extra 1 CRW_0101.DNG missing IMG_0101.JPG", r.Log.Last());
        }

        [Fact]
        public void Shooting_to_the_card_needs_record_mode_and_a_moving_counter()
        {
            var args = new Dictionary<string, object> { ["count"] = 1, ["interval"] = 0, ["wait"] = 0, ["tmo"] = 1000 };
            Assert.Equal(CaptureFailure.NotInRecordMode, CaptureErrors.FromMarkedText(Run("cam.rec = false", CaptureScripts.ShootToCardScript, args).Error).Reason);
            Assert.Equal(CaptureFailure.ShotFailed, CaptureErrors.FromMarkedText(Run("shoot = function() end", CaptureScripts.ShootToCardScript, args).Error).Reason);
        }

        [Fact]
        public void Unmarked_errors_are_not_capture_errors()
        {
            Assert.Null(CaptureErrors.FromMarkedText(":3: attempt to call global 'shoot' (a nil value)"));
            Assert.Null(CaptureErrors.FromMarkedText(null));
            Assert.Equal(CaptureFailure.Other, CaptureErrors.FromMarkedText("[capture] host: slow").Reason);
        }
    }
}
