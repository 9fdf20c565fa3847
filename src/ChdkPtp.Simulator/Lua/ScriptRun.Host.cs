using System;
using System.Collections.Generic;
using System.Diagnostics;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Simulator.Card;
using ChdkPtp.Simulator.Scripting;
using KeraLua;
using LuaState = KeraLua.Lua;

namespace ChdkPtp.Simulator.Lua
{
    // Host functions. Each returns Lua values and never raises a Lua error: failures are
    // "nil, message" (or what CHDK returns); the Lua library turns them into errors where CHDK does.
    internal sealed partial class ScriptRun
    {
        private static readonly HashSet<string> s_keys = new HashSet<string>(StringComparer.Ordinal)
        {
            "up", "down", "left", "right", "set", "shoot_half", "shoot_full", "shoot_full_only",
            "zoom_in", "zoom_out", "menu", "display", "print", "erase", "iso", "flash", "mf", "macro",
            "video", "timer", "expo_corr", "fe", "face", "zoom_assist", "ae_lock", "metering_mode",
            "playback", "help", "mode", "wifi", "remote", "no_key",
        };

        private void RegisterHostFunctions()
        {
            Register("translate", H_translate);
            Register("print", H_print);
            Register("console_write", H_console_write);
            Register("tick", l => { l.PushInteger(_camera.TickCount); return 1; });
            Register("now", l => { l.PushInteger(_engine.Card.CameraNow()); return 1; });
            Register("set_clock", H_set_clock);
            Register("sleep", H_sleep);
            Register("read_msg", H_read_msg);
            Register("write_msg", H_write_msg);
            Register("peek", H_peek);
            Register("poke", H_poke);
            Register("buildinfo", H_buildinfo);
            Register("meminfo", H_meminfo);
            Register("get_mode", H_get_mode);
            Register("switch_mode", l => { _engine.ScheduleModeSwitch(l.ToBoolean(1)); return 0; });
            Register("set_capmode", H_set_capmode);
            Register("exp_count", l => { l.PushInteger(_camera.ExposureCount); return 1; });
            Register("image_dir", l => { l.PushBuffer(LuaText.Encode(VirtualCard.ImageDirectory)); return 1; });
            Register("disk_size", l => { l.PushInteger(_engine.Card.TotalSpaceKb()); return 1; });
            Register("disk_free", l => { l.PushInteger(_engine.Card.FreeSpaceKb()); return 1; });
            Register("config_get", H_config_get);
            Register("config_set", H_config_set);
            Register("raw_get", l => { l.PushInteger(State.SaveRaw); return 1; });
            Register("raw_set", l => { State.SaveRaw = IntArg(l, 1, 0); return 0; });
            Register("prop_get", l => { l.PushInteger(State.Props.TryGetValue(IntArg(l, 1, 0), out var v) ? v : 0); return 1; });
            Register("prop_set", l => { State.Props[IntArg(l, 1, 0)] = (short)IntArg(l, 2, 0); return 0; });
            Register("exp_get", l => { l.PushInteger(State.GetExposure(StringArg(l, 1) ?? "")); return 1; });
            Register("exp_set", l => { State.Exposure[StringArg(l, 1) ?? ""] = IntArg(l, 2, 0); return 0; });
            Register("canon_format_get", l => { l.PushInteger(State.CanonImageFormat); return 1; });
            Register("canon_format_set", H_canon_format_set);
            Register("canon_raw", l => { l.PushBoolean(_camera.Options.CanonRaw); return 1; });
            Register("key", H_key);
            Register("get_shooting", l => { l.PushBoolean(IsShooting()); return 1; });
            Register("shoot", H_shoot);
            Register("hook_set", l => { Hooks.Set(HookArg(l), IntArg(l, 2, 0)); return 0; });
            Register("hook_ready", l => { l.PushBoolean(Hooks.IsReady(HookArg(l))); return 1; });
            Register("hook_continue", l => { Hooks.Continue(HookArg(l)); return 0; });
            Register("hook_count", l => { l.PushInteger(Hooks.Count(HookArg(l))); return 1; });
            Register("usbcap_support", l => { l.PushInteger(_camera.CaptureSupport()); return 1; });
            Register("usbcap_init", H_usbcap_init);
            Register("usbcap_target", l => { l.PushInteger(_camera.RemoteCapture.Target); return 1; });
            Register("usbcap_timeout", l => { _camera.RemoteCapture.SetTimeout(IntArg(l, 1, 0)); return 0; });
            RegisterFileFunctions();
        }

        // ---------------------------------------------------------------------------------------

        private int H_translate(LuaState l)
        {
            var bytes = BytesArg(l, 1);
            if (bytes == null) return PushError(l, "translate: string expected");
            string translated;
            try
            {
                translated = Lua51Translator.Translate(LuaText.Latin1(bytes));
            }
            catch (Exception ex)
            {
                return PushError(l, ex.Message);
            }
            l.PushBuffer(LuaText.CodeBytes(translated));
            return 1;
        }

        private int H_print(LuaState l)
        {
            _engine.Console.AddLine(LuaText.Decode(BytesArg(l, 1) ?? Array.Empty<byte>()));
            return 0;
        }

        private int H_console_write(LuaState l)
        {
            _engine.Console.Write(LuaText.Decode(BytesArg(l, 1) ?? Array.Empty<byte>()));
            return 0;
        }

        private int H_set_clock(LuaState l)
        {
            if (!TryLong(l, 1, out var target)) return 0;
            var card = _engine.Card;
            long hostLocal = card.CameraNow() - card.ClockOffsetSeconds;
            card.ClockOffsetSeconds = target - hostLocal;
            return 0;
        }

        private static bool TryLong(LuaState l, int index, out long value)
        {
            value = 0;
            var i = l.ToIntegerX(index);
            if (i != null) { value = i.Value; return true; }
            var d = l.ToNumberX(index);
            if (d == null || double.IsNaN(d.Value) || double.IsInfinity(d.Value)) return false;
            value = (long)Math.Truncate(d.Value);
            return true;
        }

        /// <summary>Waits up to <paramref name="ms"/>; true if the script was killed meanwhile.</summary>
        private bool WaitKilled(int ms)
        {
            if (ms <= 0) return Stopping;
            return _cts.Token.WaitHandle.WaitOne(ms);
        }

        private int H_sleep(LuaState l)
        {
            WaitKilled(IntArg(l, 1, 0));
            return 0;
        }

        private int H_read_msg(LuaState l)
        {
            int timeout = IntArg(l, 1, 0);
            var queue = _camera.HostToCamera;
            var sw = Stopwatch.StartNew();
            while (true)
            {
                ScriptMessage m;
                long left = timeout - sw.ElapsedMilliseconds;
                if (timeout > 0 && left > 0) m = queue.Dequeue((int)left, _cts.Token);
                else m = queue.TryDequeue();
                if (m == null)
                {
                    l.PushNil();
                    return 1;
                }
                if (m.ScriptId != 0 && m.ScriptId != ScriptId) continue; // stale: discard and keep looking
                l.PushBuffer(m.Data);
                return 1;
            }
        }

        private int H_write_msg(LuaState l)
        {
            var kind = StringArg(l, 1);
            ScriptDataType type;
            byte[] data;
            switch (kind)
            {
                case "nil": type = ScriptDataType.Nil; data = new byte[4]; break;
                case "boolean": type = ScriptDataType.Boolean; data = Int32Le(l.ToBoolean(2) ? 1 : 0); break;
                case "number": type = ScriptDataType.Integer; data = Int32Le(ToInt32(l, 2)); break;
                case "string": type = ScriptDataType.String; data = BytesArg(l, 2) ?? Array.Empty<byte>(); break;
                case "table": type = ScriptDataType.Table; data = BytesArg(l, 2) ?? Array.Empty<byte>(); break;
                default:
                    l.PushBoolean(false);
                    return 1;
            }
            int timeout = IntArg(l, 3, 0);
            l.PushBoolean(PostWaiting(ScriptMessageType.User, (uint)type, data, timeout));
            return 1;
        }

        private int H_peek(LuaState l)
        {
            uint addr = unchecked((uint)IntArg(l, 1, 0));
            int size = IntArg(l, 2, 4);
            Span<byte> b = stackalloc byte[4];
            switch (size)
            {
                case 1:
                    _camera.Memory.Read(addr, b.Slice(0, 1));
                    l.PushInteger(b[0]);
                    return 1;
                case 2:
                    if ((addr & 1) != 0) break;
                    _camera.Memory.Read(addr, b.Slice(0, 2));
                    l.PushInteger(b[0] | b[1] << 8);
                    return 1;
                case 4:
                    if ((addr & 3) != 0) break;
                    l.PushInteger(unchecked((int)_camera.Memory.ReadUInt32(addr)));
                    return 1;
            }
            l.PushNil();
            return 1;
        }

        private int H_poke(LuaState l)
        {
            uint addr = unchecked((uint)IntArg(l, 1, 0));
            uint val = unchecked((uint)IntArg(l, 2, 0));
            int size = IntArg(l, 3, 4);
            Span<byte> b = stackalloc byte[4];
            b[0] = (byte)val; b[1] = (byte)(val >> 8); b[2] = (byte)(val >> 16); b[3] = (byte)(val >> 24);
            bool ok = false;
            switch (size)
            {
                case 1: _camera.Memory.Write(addr, b.Slice(0, 1)); ok = true; break;
                case 2: if ((addr & 1) == 0) { _camera.Memory.Write(addr, b.Slice(0, 2)); ok = true; } break;
                case 4: if ((addr & 3) == 0) { _camera.Memory.Write(addr, b); ok = true; } break;
            }
            if (ok) l.PushBoolean(true); else l.PushNil();
            return 1;
        }

        private static void SetString(LuaState l, string key, string value)
        {
            l.PushBuffer(LuaText.Encode(value ?? ""));
            l.SetField(-2, key);
        }

        private static void SetInt(LuaState l, string key, long value)
        {
            l.PushInteger(value);
            l.SetField(-2, key);
        }

        private int H_buildinfo(LuaState l)
        {
            var o = _camera.Options;
            l.CreateTable(0, 10);
            SetString(l, "platform", o.Platform);
            SetString(l, "platsub", o.PlatformSub);
            SetString(l, "version", o.BuildVersion);
            SetString(l, "build_number", o.BuildNumber);
            SetString(l, "build_revision", o.BuildRevision);
            SetString(l, "build_date", LuaScriptEngine.BuildDate);
            SetString(l, "build_time", LuaScriptEngine.BuildTime);
            SetString(l, "os", o.OperatingSystem);
            SetInt(l, "platformid", o.ProductId);
            SetInt(l, "digic", o.Digic);
            return 1;
        }

        private int H_meminfo(LuaState l)
        {
            var name = StringArg(l, 1) ?? "combined";
            if (name != "combined" && name != "system")
            {
                l.PushBoolean(false);
                return 1;
            }
            // A plausible DIGIC 4 heap, with the script's own Lua memory counted as allocated.
            const int chdkStart = 0x001A0000, chdkSize = 0x0005C000;
            const int heapStart = chdkStart + chdkSize, heapEnd = 0x00500000;
            int total = heapEnd - heapStart;
            int luaBytes = l.GarbageCollector(LuaGC.Count, 0) * 1024 + l.GarbageCollector(LuaGC.Countb, 0);
            int allocated = Math.Min(total - 4096, 0x00120000 + luaBytes);
            int free = total - allocated;
            l.CreateTable(0, 13);
            SetString(l, "name", name);
            l.PushBoolean(true);
            l.SetField(-2, "chdk_malloc");
            SetInt(l, "chdk_start", chdkStart);
            SetInt(l, "chdk_size", chdkSize);
            if (name == "system")
            {
                SetInt(l, "start_address", heapStart);
                SetInt(l, "end_address", heapEnd);
            }
            SetInt(l, "total_size", total);
            SetInt(l, "allocated_size", allocated);
            SetInt(l, "allocated_peak", allocated + 0x8000);
            SetInt(l, "allocated_count", 900 + luaBytes / 64);
            SetInt(l, "free_size", free);
            SetInt(l, "free_block_max_size", free - free / 8);
            SetInt(l, "free_block_count", 12);
            return 1;
        }

        private int H_get_mode(LuaState l)
        {
            bool rec = _camera.RecordMode;
            l.PushBoolean(rec);
            l.PushBoolean(false);
            l.PushInteger(rec ? 0x100 | (State.CaptureMode & 0xFF) : 0x200);
            return 3;
        }

        private int H_set_capmode(LuaState l)
        {
            int m = IntArg(l, 1, 0);
            if (!_camera.RecordMode || m < 1 || m > 9)
            {
                l.PushBoolean(false);
                return 1;
            }
            State.CaptureMode = m;
            l.PushBoolean(true);
            return 1;
        }

        private int H_config_get(LuaState l)
        {
            if (!State.Config.TryGetValue(IntArg(l, 1, 0), out var v))
            {
                l.PushBoolean(false);
                return 1;
            }
            l.PushBoolean(true);
            if (v is byte[] bytes) l.PushBuffer(bytes);
            else l.PushInteger(Convert.ToInt64(v));
            return 2;
        }

        private int H_config_set(LuaState l)
        {
            int id = IntArg(l, 1, 0);
            if (id < 0)
            {
                l.PushBoolean(false);
                return 1;
            }
            if (l.Type(2) == LuaType.String) State.Config[id] = BytesArg(l, 2);
            else State.Config[id] = IntArg(l, 2, 0);
            l.PushBoolean(true);
            return 1;
        }

        private int H_canon_format_set(LuaState l)
        {
            // 1 JPEG, 2 CR2, 3 both; a camera without Canon raw accepts only 1
            int f = IntArg(l, 1, 0);
            bool ok = f == 1 || (_camera.Options.CanonRaw && (f == 2 || f == 3));
            if (ok) State.CanonImageFormat = f;
            l.PushBoolean(ok);
            return 1;
        }

        private Shooting.ShootHooks Hooks => _camera.Shooting.Hooks;

        private static int HookArg(LuaState l)
        {
            int h = IntArg(l, 1, 0);
            return h < 0 || h > 2 ? 0 : h;
        }

        // ---------------------------------------------------------------------------------------
        // keys and shooting

        private int H_key(LuaState l)
        {
            var action = StringArg(l, 1);
            var key = StringArg(l, 2);
            if (key == null || !s_keys.Contains(key))
            {
                l.PushNil();
                l.PushBuffer(LuaText.Ascii("unknown key"));
                return 2;
            }
            var st = State;
            switch (action)
            {
                case "press":
                    Press(key);
                    break;
                case "release":
                    Release(key);
                    break;
                case "click":
                    Press(key);
                    Release(key);
                    break;
                case "is_pressed":
                    l.PushBoolean(key == "shoot_half" ? st.HalfPressed : key == "shoot_full" || key == "shoot_full_only" ? st.FullPressed : false);
                    return 1;
            }
            l.PushBoolean(true);
            return 1;
        }

        private void Press(string key)
        {
            var st = State;
            switch (key)
            {
                case "shoot_half":
                    PressHalf();
                    break;
                case "shoot_full":
                    PressHalf();
                    if (!st.FullPressed)
                    {
                        st.FullPressed = true;
                        _camera.Shooting.RequestShot();
                    }
                    break;
                case "shoot_full_only":
                    if (!st.FullPressed)
                    {
                        st.FullPressed = true;
                        if (st.HalfPressed) _camera.Shooting.RequestShot();
                    }
                    break;
            }
        }

        private void PressHalf()
        {
            var st = State;
            if (st.HalfPressed) return;
            st.HalfPressTick = _camera.TickCount;
            st.HalfPressed = true;
        }

        private void Release(string key)
        {
            var st = State;
            switch (key)
            {
                case "shoot_half":
                case "shoot_full":
                    st.FullPressed = false;
                    st.HalfPressed = false;
                    break;
                case "shoot_full_only":
                    st.FullPressed = false;
                    break;
            }
        }

        private void ReleaseKeys()
        {
            try
            {
                State.FullPressed = false;
                State.HalfPressed = false;
            }
            catch (Exception) { }
        }

        /// <summary>get_shooting(): half press settled in record mode, or a shot in progress.</summary>
        private bool IsShooting()
        {
            if (!_camera.RecordMode) return false;
            if (_camera.Shooting.IsBusy) return true;
            var st = State;
            return st.HalfPressed && _camera.TickCount - st.HalfPressTick >= _engine.HalfPressSettleMs;
        }

        /// <summary>
        /// shoot(): half press, wait (up to <see cref="LuaScriptEngine.ShootHalfPressTimeoutMs"/>) for shooting in
        /// progress, full press, then wait until the shooting task has finished the shot, remote capture included.
        /// Returns 0 done, 1 half press timed out (e.g. in playback), 2 killed meanwhile.
        /// </summary>
        private int H_shoot(LuaState l)
        {
            var st = State;
            PressHalf();
            var sw = Stopwatch.StartNew();
            int status;
            while (true)
            {
                if (IsShooting()) break;
                if (sw.ElapsedMilliseconds >= _engine.ShootHalfPressTimeoutMs)
                {
                    status = 1;
                    goto done;
                }
                if (WaitKilled(10))
                {
                    status = 2;
                    goto done;
                }
            }
            st.FullPressed = true;
            long ticket = _camera.Shooting.RequestShot();
            st.FullPressed = false;
            status = ticket == 0 ? 1 : _camera.Shooting.WaitShot(ticket, _cts.Token) ? 0 : 2;
        done:
            st.FullPressed = false;
            st.HalfPressed = false;
            l.PushInteger(status);
            return 1;
        }

        private int H_usbcap_init(LuaState l)
        {
            int what = IntArg(l, 1, 0);
            int start = IntArg(l, 2, 0);
            int count = IntArg(l, 3, 0);
            var st = State;
            var o = _camera.Options;
            st.Props.TryGetValue(ScriptCameraState.DriveModeProp, out int drive);
            var conditions = new Shooting.CaptureConditions
            {
                RecordMode = _camera.RecordMode,
                RawPossible = st.CaptureMode != ScriptCameraState.VideoCaptureMode,
                CanonRawCamera = o.CanonRaw,
                CanonImageFormat = st.CanonImageFormat,
                SeeklessMultipass = o.FileWriteMode == FileWriteMode.MultipassRewrite,
                DriveModeSingle = drive == 0,
                RawRows = Imaging.SensorGeometry.FromOptions(o).Height,
            };
            l.PushBoolean(_camera.RemoteCapture.SetTarget(what, start, count, conditions));
            return 1;
        }
    }
}
