using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Simulator.Lua;

namespace ChdkPtp.Simulator.Tests.Lua
{
    /// <summary>The CHDK functions clients rely on (PROTOCOL.md §6.2, §8.1 item 9).</summary>
    public class CameraFunctionTests
    {
        private static string Err(ScriptHarness h, string code)
        {
            var m = Assert.Single(h.Run(code));
            Assert.Equal(ScriptMessageType.Error, m.Type);
            return ScriptHarness.Latin1(m.Data);
        }

        [Fact]
        public void Buildinfo_ComesFromTheOptions()
        {
            using var h = new ScriptHarness(new SimulatorOptions
            {
                Platform = "g7x", PlatformSub = "100d", BuildNumber = "1.5.1", BuildRevision = "5999",
                OperatingSystem = "dryos", ProductId = 0x3271, Digic = 6, BuildVersion = "CHDK",
            });
            Assert.Equal("g7x|100d|CHDK|1.5.1|5999|dryos|12913|6|" + LuaScriptEngine.BuildDate + "|" + LuaScriptEngine.BuildTime,
                h.RunString("local b = get_buildinfo() return table.concat({b.platform, b.platsub, b.version, b.build_number, " +
                            "b.build_revision, b.os, b.platformid, b.digic, b.build_date, b.build_time}, '|')"));
        }

        [Fact]
        public void BitFunctions_Are32Bit()
        {
            using var h = new ScriptHarness();
            Assert.Equal(0x0F, h.RunInt("return bitand(0xFF, 0x0F)"));
            Assert.Equal(-1, h.RunInt("return bitor(0x7FFFFFFF, -0x80000000)"));
            Assert.Equal(0x0FF0, h.RunInt("return bitxor(0x0F0F, 0x00FF)"));
            Assert.Equal(-1, h.RunInt("return bitnot(0)"));
            Assert.Equal(int.MinValue, h.RunInt("return bitshl(1, 31)"));
            Assert.Equal(0, h.RunInt("return bitshl(1, 32)"));
            Assert.Equal(-2, h.RunInt("return bitshri(-8, 2)"));
            Assert.Equal(-1, h.RunInt("return bitshri(-8, 40)"));
            Assert.Equal(0x3FFFFFFE, h.RunInt("return bitshru(-8, 2)"));
            Assert.Equal(0x12, h.RunInt("return bitshru(0x1234, 8)"));
            Assert.Equal(0x34, h.RunInt("return bitand(0x1234, 255)"));
            Assert.Equal(1, h.RunInt("return bitand('3', 1)"));
            Assert.Equal(":1: bad argument #2 to 'bitand' (number expected, got no value)", Err(h, "bitand(1)"));
            Assert.Equal(":1: bad argument #1 to 'bitshru' (number expected, got table)", Err(h, "bitshru({}, 1)"));
        }

        [Fact]
        public void PeekPoke_UseTheMemoryImage()
        {
            using var h = new ScriptHarness();
            h.Camera.Memory.WriteUInt32(0x1000, 0xDEADBEEF);
            Assert.Equal(unchecked((int)0xDEADBEEF), h.RunInt("return peek(0x1000)"));
            Assert.Equal(0xEF, h.RunInt("return peek(0x1000, 1)"));
            Assert.Equal(0xBEEF, h.RunInt("return peek(0x1000, 2)"));
            Assert.True(h.RunBool("return peek(0x1001) == nil and peek(0x1001, 2) == nil and peek(0x1000, 3) == nil and peek(0x1001, 1) == 0xBE"));
            Assert.True(h.RunBool("return poke(0x2000, 0x11223344) == true and poke(0x2002, 0xAB, 1) and poke(0x2001, 1, 2) == nil and poke(0x2000, 1, 8) == nil"));
            Assert.Equal(0x11AB3344u, h.Camera.Memory.ReadUInt32(0x2000));
            Assert.True(h.RunBool("return poke(0xFFFFFFFC, -1) and peek(0xFFFFFFFC) == -1"));
        }

        [Fact]
        public void GetMode_PlayAndRecord()
        {
            using var h = new ScriptHarness();
            Assert.Equal("false|false|512|0", h.RunString("local r, v, m = get_mode() return tostring(r)..'|'..tostring(v)..'|'..m..'|'..bitand(m, 255)"));
            h.Camera.RecordMode = true;
            Assert.Equal("true|false|258|2", h.RunString("local r, v, m = get_mode() return tostring(r)..'|'..tostring(v)..'|'..m..'|'..bitand(m, 255)"));
        }

        [Fact]
        public void SwitchModeUsb_ChangesModeAfterADelay()
        {
            using var h = new ScriptHarness();
            h.Engine.ModeSwitchDelayMs = 150;
            Assert.True(h.RunBool("switch_mode_usb(1) return not get_mode()"));
            Assert.False(h.Camera.RecordMode);
            Assert.True(h.RunBool("local t0 = get_tick_count() while not get_mode() do sleep(10) if get_tick_count() - t0 > 3000 then return false end end return true"));
            Assert.True(h.Camera.RecordMode);
            h.Run("set_record(false)");
            var sw = Stopwatch.StartNew();
            while (h.Camera.RecordMode && sw.ElapsedMilliseconds < 3000) Thread.Sleep(10);
            Assert.False(h.Camera.RecordMode);
            h.Run("set_record(1)");
            sw.Restart();
            while (!h.Camera.RecordMode && sw.ElapsedMilliseconds < 3000) Thread.Sleep(10);
            Assert.True(h.Camera.RecordMode);
            Assert.Equal(":1: bad argument #1 to 'switch_mode_usb' (number expected, got no value)", Err(h, "switch_mode_usb()"));
        }

        [Fact]
        public void Shoot_InRecordMode_WritesAnImage()
        {
            using var h = new ScriptHarness(new SimulatorOptions { StartInRecordMode = true });
            h.Camera.ExposureCount = 41;
            Assert.Equal("0|42|1", h.RunString("local r = shoot() return r .. '|' .. get_exp_count() .. '|' .. hook_shoot.count()"));
            var file = h.HostPath("DCIM/100CANON/IMG_0042.JPG");
            Assert.True(File.Exists(file));
            var bytes = File.ReadAllBytes(file);
            Assert.Equal(new byte[] { 0xFF, 0xD8 }, new[] { bytes[0], bytes[1] });
            Assert.Equal(new byte[] { 0xFF, 0xD9 }, new[] { bytes[^2], bytes[^1] });
            Assert.Equal(bytes, h.Camera.Shooting.LastShot.Jpeg);
            Assert.Equal(42, h.Camera.ExposureCount);
            Assert.True(h.RunBool("return os.stat('A/DCIM/100CANON/IMG_0042.JPG').size > 0"));
        }

        [Fact]
        public void Shoot_InPlayback_TimesOutLikeCHDK()
        {
            using var h = new ScriptHarness();
            h.Engine.ShootHalfPressTimeoutMs = 200;
            var sw = Stopwatch.StartNew();
            Assert.Equal(1, h.RunInt("return shoot()"));
            Assert.InRange(sw.ElapsedMilliseconds, 190, 5000);
            Assert.Equal(0, h.Camera.ExposureCount);
            Assert.Empty(Directory.GetFiles(h.HostPath("DCIM/100CANON")));
        }

        [Fact]
        public void Keys_HalfPressThenFull_TakesAPicture()
        {
            using var h = new ScriptHarness(new SimulatorOptions { StartInRecordMode = true });
            // the shot runs in the camera's shooting task: the script sees the counter change a little later
            Assert.Equal("false|true|1|false", h.RunString(
                "local before = get_shooting() press('shoot_half') local t0 = get_tick_count() " +
                "repeat sleep(10) until get_shooting() or get_tick_count() - t0 > 2000 " +
                "local during = get_shooting() press('shoot_full') release('shoot_full') " +
                "t0 = get_tick_count() repeat sleep(10) until get_exp_count() == 1 or get_tick_count() - t0 > 2000 " +
                "repeat sleep(10) until not get_shooting() or get_tick_count() - t0 > 2000 " +
                "return tostring(before)..'|'..tostring(during)..'|'..get_exp_count()..'|'..tostring(get_shooting())"));
            Assert.True(File.Exists(h.HostPath("DCIM/100CANON/IMG_0001.JPG")));
            Assert.Equal(2, h.RunInt("click('shoot_full') local t0 = get_tick_count() " +
                                     "repeat sleep(10) until get_exp_count() == 2 or get_tick_count() - t0 > 2000 return get_exp_count()"));
            Assert.Equal(":1: unknown key", Err(h, "press('any_key')"));
            Assert.Equal(":1: bad argument #1 to 'click' (string expected, got no value)", Err(h, "click()"));
            Assert.False(h.Engine.CameraState.HalfPressed);
        }

        [Fact]
        public void Keys_InPlayback_DoNotShoot()
        {
            using var h = new ScriptHarness();
            Assert.Equal(0, h.RunInt("press('shoot_half') sleep(100) local s = get_shooting() click('shoot_full') return s and 1 or get_exp_count()"));
        }

        [Fact]
        public void PropsConfigAndExposure_AreRecorded_AndPersistAcrossScripts()
        {
            using var h = new ScriptHarness();
            h.Run("local p = require'propcase' set_prop(p.DRIVE_MODE, 1) set_prop(p.TIMER_MODE, 70000) " +
                  "set_tv96_direct(576) set_sv96(603) set_av96_direct(400) set_iso_mode(3) set_nd_filter(1) set_focus(2500) " +
                  "set_config_value(226, 1) set_config_value(1000, 'text') set_raw(1) set_aflock(1)");
            Assert.Equal("1|4464|576|603|400|3|2500|1|text|1|1|0", h.RunString(
                "local p = require'propcase' return table.concat({get_prop(p.DRIVE_MODE), get_prop(p.TIMER_MODE), get_tv96(), get_sv96(), " +
                "get_av96(), get_iso_mode(), get_focus(), get_config_value(226), get_config_value(1000), get_raw(), get_prop(p.AF_LOCK), " +
                "get_prop(9999)}, '|')"));
            Assert.Equal(1, h.Engine.CameraState.GetExposure("nd_filter"));
            Assert.Equal(4, h.RunInt("return get_propset()"));
            Assert.True(h.RunBool("return get_config_value(4242) == nil and get_config_value(4242, 'dflt') == 'dflt' and select('#', get_config_value(4242, 1, 2)) == 2"));
            Assert.Equal(":1: bad argument #2 to 'set_prop' (number expected, got no value)", Err(h, "set_prop(1)"));
        }

        [Fact]
        public void CanonImageFormat_OnlyJpegWithoutCanonRaw()
        {
            using var h = new ScriptHarness();
            Assert.Equal("1|false|true|false", h.RunString(
                "return table.concat({get_canon_image_format(), tostring(set_canon_image_format(2)), tostring(set_canon_image_format(1)), tostring(get_canon_raw_support())}, '|')"));
        }

        [Fact]
        public void UsbCapture_State()
        {
            using var h = new ScriptHarness();
            Assert.Equal("7|false|0", h.RunString("return table.concat({get_usb_capture_support(), tostring(init_usb_capture(1)), get_usb_capture_target()}, '|')"));
            h.Camera.RecordMode = true;
            Assert.Equal("true|6|false|0|true|0", h.RunString(
                "local a = init_usb_capture(6, 10, 20) local t1 = get_usb_capture_target() local b = init_usb_capture(0x8) local t2 = get_usb_capture_target() " +
                "local c = init_usb_capture(0) return table.concat({tostring(a), t1, tostring(b), t2, tostring(c), get_usb_capture_target()}, '|')"));
            h.Run("init_usb_capture(1) set_usb_capture_timeout(5000)");
            Assert.Equal(1, h.Camera.RemoteCapture.Target);
            Assert.Equal(5000, h.Camera.RemoteCapture.TimeoutMs);
            h.Run("set_usb_capture_timeout()");
            Assert.Equal(ChdkPtp.Simulator.Shooting.RemoteCapture.DefaultTimeoutMs, h.Camera.RemoteCapture.TimeoutMs);
            Assert.False(h.RunBool("return init_usb_capture(1, -1)"));
        }

        [Fact]
        public void Meminfo()
        {
            using var h = new ScriptHarness();
            Assert.True(h.RunBool("local m = get_meminfo() return m.name == 'combined' and m.chdk_malloc == true and m.free_size > 0 " +
                                  "and m.free_block_max_size <= m.free_size and m.start_address == nil"));
            Assert.True(h.RunBool("local m = get_meminfo('system') return m.start_address < m.end_address and m.total_size == m.end_address - m.start_address"));
            Assert.True(h.RunBool("return get_meminfo('exmem') == false and get_meminfo('bogus') == false"));
        }

        [Fact]
        public void Timing()
        {
            using var h = new ScriptHarness();
            var msgs = h.Run("local t0 = get_tick_count() sleep(120) local t1 = get_tick_count() sleep(0) sleep(-5) return t1 - t0, t0");
            Assert.InRange(BitConverter.ToInt32(msgs[0].Data, 0), 115, 3000);
            Assert.InRange(BitConverter.ToInt32(msgs[1].Data, 0), 0, h.Camera.TickCount);
            Assert.Equal(":1: bad argument #1 to 'sleep' (number expected, got no value)", Err(h, "sleep()"));
        }

        [Fact]
        public void Clock_DateTime()
        {
            using var h = new ScriptHarness();
            Assert.True(h.RunBool("local t = os.date('*t') return t.year >= 2024 and os.time(t) - os.time() <= 1 and os.time() - os.time(t) <= 1"));
            Assert.Equal(0, h.RunInt("return os.time({year = 1970, month = 1, day = 1, hour = 0})"));
            Assert.Equal(951782400, h.RunInt("return os.time({year = 2000, month = 2, day = 29, hour = 0})"));
            Assert.Equal(951782400, h.RunInt("return os.time({year = 1999, month = 14, day = 29, hour = 0})"));
            Assert.Equal("2000-02-29 00:00:00", h.RunString("return os.date('%Y-%m-%d %H:%M:%S', 951782400)"));
            Assert.Equal(":1: field 'day' missing in date table", Err(h, "os.time({year = 2000, month = 1})"));
            h.Run("set_clock(2021, 6, 15, 10, 30, 0)");
            Assert.True(h.RunBool("local t = os.date('*t') return t.year == 2021 and t.month == 6 and t.day == 15 and t.hour == 10 and get_time('Y') == 2021 and get_time('M') == 6"));
            Assert.InRange(h.RunInt("return os.time() - os.time({year = 2021, month = 6, day = 15, hour = 10, min = 30, sec = 0})"), 0, 5);
            Assert.True(h.RunBool("return math.abs(get_day_seconds() - (10 * 3600 + 30 * 60)) < 5"));
        }

        [Fact]
        public void MiscFunctions()
        {
            using var h = new ScriptHarness();
            Assert.True(h.RunBool("return reboot() == false and reboot('A/DISKBOOT.BIN') == false"));
            Assert.Empty(h.Run("post_levent_to_ui(4482) post_levent_to_ui('UnpressRightButton') post_levent_for_npt(1, 0)"));
            Assert.Equal(":1: expected event name or id", Err(h, "post_levent_to_ui({})"));
            Assert.Equal(":1: native calls disabled", Err(h, "call_event_proc('FA.Create')"));
            Assert.Equal(":1: native calls disabled", Err(h, "call_func_ptr(0xFF810000, 1)"));
            Assert.True(h.RunBool("return get_disk_size() > 0 and get_free_disk_space() >= 0 and get_free_disk_space() <= get_disk_size()"));
            Assert.Equal("25|10", h.RunString("local a, b = set_yield(100, 50) return a .. '|' .. b"));
            Assert.Equal(480, h.RunInt("return iso_to_sv96(100)"));
            Assert.Equal(100, h.RunInt("return sv96_to_iso(480)"));
            Assert.Equal(411, h.RunInt("return sv96_market_to_real(480)"));
            Assert.Equal(288, h.RunInt("return aperture_to_av96(2828)"));
            Assert.Equal(96 * 5, h.RunInt("return usec_to_tv96(31250)"));
            Assert.Equal(1000000, h.RunInt("return tv96_to_usec(0)"));
        }
    }
}
