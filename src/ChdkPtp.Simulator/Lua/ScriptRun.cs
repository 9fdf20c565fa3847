using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Simulator.Scripting;
using KeraLua;
using LuaState = KeraLua.Lua;

namespace ChdkPtp.Simulator.Lua
{
    /// <summary>
    /// One script: a fresh Lua state, run as a coroutine on its own thread (CHDK's kbd task).
    /// Rules that keep native Lua safe under .NET:
    /// <list type="bullet">
    /// <item>no Lua error is ever raised from managed code: host functions catch everything and return
    /// values (<c>nil, message</c>); the Lua library raises errors where CHDK would;</item>
    /// <item>host functions never call back into Lua and use raw table access only;</item>
    /// <item>a count hook yields the coroutine (lua_yield inside a hook does not longjmp); a kill
    /// yields it, or where that is impossible replaces the hook with the native <c>lua_error</c>, so the
    /// error unwinds native frames only;</item>
    /// <item>everything that can raise runs in protected mode (lua_resume, lua_pcall, lua_load).</item>
    /// </list>
    /// </summary>
    internal sealed partial class ScriptRun
    {
        internal const int HookInstructionCount = 1000;
        internal const int YieldSliceMs = 10;

        [ThreadStatic] private static ScriptRun t_current;
        private static readonly LuaFunction s_dispatch = DispatchEntry;
        private static readonly LuaHookFunction s_hook = HookEntry;
        private static readonly object s_errorHookGate = new object();
        private static LuaHookFunction s_errorHook;
        private static int s_threadCounter;

        private readonly LuaScriptEngine _engine;
        private readonly VirtualCamera _camera;
        private readonly string _code;
        private readonly CancellationTokenSource _cts = new CancellationTokenSource();
        private readonly object _postGate = new object();
        private readonly ManualResetEventSlim _compiled = new ManualResetEventSlim(false);
        private readonly ManualResetEventSlim _ended = new ManualResetEventSlim(false);
        private readonly Dictionary<IntPtr, LuaState> _wrappers = new Dictionary<IntPtr, LuaState>();
        private readonly List<IntPtr> _extraHandles = new List<IntPtr>();
        private readonly Stopwatch _slice = new Stopwatch();
        private readonly List<KeyValuePair<string, Func<LuaState, int>>> _functions = new List<KeyValuePair<string, Func<LuaState, int>>>();
        private volatile bool _killRequested;
        private volatile bool _outOfMemory;
        private volatile bool _active = true;
        private LuaState _main;
        private LuaState _co;
        private IntPtr _coHandle;
        private int _helperRef = -1;
        private Thread _thread;
        private LuaHookFunction _fallbackErrorHook;

        public ScriptRun(LuaScriptEngine engine, VirtualCamera camera, string code, uint scriptId)
        {
            _engine = engine;
            _camera = camera;
            _code = code ?? "";
            ScriptId = scriptId;
            RegisterHostFunctions();
        }

        public uint ScriptId { get; }

        /// <summary>Lua's compile error (CHDK form), or null.</summary>
        public string CompileError { get; private set; }

        /// <summary>An unexpected failure while creating the state (a simulator bug).</summary>
        public Exception SetupFailure { get; private set; }

        /// <summary>True until the script has returned, failed or been killed (return messages are queued first).</summary>
        public bool IsActive => _active;

        public bool KillRequested => _killRequested;

        /// <summary>Stop for any reason: killed from outside, or ended by the engine (memory limit).</summary>
        private bool Stopping => _killRequested || _outOfMemory;

        public bool HasEnded => _ended.IsSet;

        internal ScriptCameraState State => _engine.CameraState;

        /// <summary>Starts the thread; returns once the code is compiled (or failed to).</summary>
        public void Start(TimeSpan compileTimeout)
        {
            // Lua keeps its own stack on the heap, but C-level recursion (pcall, gsub callbacks, the
            // parser) is bounded only by LUAI_MAXCCALLS (200): give the thread room for it.
            _thread = new Thread(ThreadMain, 16 * 1024 * 1024)
            {
                IsBackground = true,
                Name = "CHDK script " + ScriptId + " #" + Interlocked.Increment(ref s_threadCounter),
            };
            _thread.Start();
            if (!_compiled.Wait(compileTimeout))
            {
                RequestKill();
                SetupFailure = new TimeoutException("The script did not compile within " + compileTimeout + ".");
            }
        }

        public void RequestKill()
        {
            lock (_postGate) _killRequested = true;
            try { _cts.Cancel(); } catch (ObjectDisposedException) { }
        }

        public bool WaitEnded(TimeSpan timeout) => _ended.Wait(timeout);

        public void MarkInactive() => _active = false;

        // ---------------------------------------------------------------------------------------
        // thread

        private void ThreadMain()
        {
            t_current = this;
            bool compiledSignalled = false;
            if (_engine.IsCurrent(this)) _camera.Shooting.Hooks.Reset(); // hook counts are per script
            try
            {
                bool ok;
                try
                {
                    ok = Setup();
                }
                catch (Exception ex)
                {
                    SetupFailure = ex;
                    ok = false;
                }
                if (!ok) _active = false;
                _compiled.Set();
                compiledSignalled = true;
                if (ok) Drive();
            }
            catch (Exception ex)
            {
                _engine.Log("script " + ScriptId + ": engine failure: " + ex.Message);
            }
            finally
            {
                if (!compiledSignalled) { _active = false; _compiled.Set(); }
                CloseAllFiles();
                if (_engine.IsCurrent(this))
                {
                    // an abandoned run must not touch a newer script's keys or hooks
                    ReleaseKeys();
                    _camera.Shooting.Hooks.Reset();
                }
                _active = false; // after the return messages: ScriptStatus RUN drops now
                CloseState();
                t_current = null;
                _ended.Set();
                _cts.Dispose();
            }
        }

        private bool Setup()
        {
            NativeLua.EnsureLoaded();
            _main = new LuaState(true);
            _engine.StateOpened();
            _main.SetTop(0);
            CaptureFallbackErrorHook();

            RunSetupChunk(Lua51Translator.RuntimePrelude, "=prelude");

            // host table → library chunk → helper (kept in the registry)
            var lib = _main.LoadBuffer(LuaText.CodeBytes(LuaLibrary.Source), LuaLibrary.ChunkName, "t");
            if (lib != LuaStatus.OK) throw new InvalidOperationException("CHDK library does not compile: " + TopText(_main));
            PushHostTable(_main);
            var st = _main.PCall(1, 1, 0);
            if (st != LuaStatus.OK) throw new InvalidOperationException("CHDK library failed: " + TopText(_main));
            _helperRef = _main.Ref(LuaRegistry.Index);
            var prelude = _camera.Options.ScriptPrelude;
            if (!string.IsNullOrEmpty(prelude)) RunSetupChunk(Lua51Translator.Translate(prelude), "=ScriptPrelude");

            _co = _main.NewThread();
            _coHandle = _co.Handle;
            RememberExtraHandle(_co.Handle);
            _main.Ref(LuaRegistry.Index); // keep the thread alive

            string translated;
            try
            {
                translated = Lua51Translator.Translate(StripAtNul(_code));
            }
            catch (Exception ex)
            {
                CompileError = ex.Message;
                return false;
            }
            var load = _co.LoadBuffer(LuaText.CodeBytes(translated), "=", "t");
            if (load != LuaStatus.OK)
            {
                CompileError = LuaText.Latin1(LuaText.UpToNul(ErrorBytes(_co, -1)));
                _co.SetTop(0);
                return false;
            }
            _co.SetHook(s_hook, LuaHookMask.Count, HookInstructionCount);
            return true;
        }

        private static string StripAtNul(string code)
        {
            int n = code.IndexOf('\0');
            return n < 0 ? code : code.Substring(0, n);
        }

        private void RunSetupChunk(string code, string name)
        {
            if (string.IsNullOrEmpty(code)) return;
            var st = _main.LoadBuffer(LuaText.CodeBytes(code), name, "t");
            if (st != LuaStatus.OK) throw new InvalidOperationException(name + " does not compile: " + TopText(_main));
            st = _main.PCall(0, 0, 0);
            if (st != LuaStatus.OK) throw new InvalidOperationException(name + " failed: " + TopText(_main));
        }

        private static string TopText(LuaState l) => LuaText.Decode(ErrorBytes(l, -1));

        private void Drive()
        {
            int nargs = 0;
            while (true)
            {
                if (Stopping) break;
                _slice.Restart();
                var status = _co.Resume(_main, nargs, out int nres);
                if (Stopping) break;
                if (status == LuaStatus.Yield)
                {
                    if (nres > 0) _co.Pop(nres);
                    nargs = 0;
                    continue;
                }
                if (status == LuaStatus.OK)
                {
                    PostReturnValues(nres);
                    return;
                }
                Post(ScriptMessageType.Error, (uint)ScriptErrorType.Runtime, LuaText.UpToNul(ErrorBytes(_co, -1)));
                return;
            }
            // ended by the engine, not by a kill: report it as Lua reports a memory error
            if (_outOfMemory && !_killRequested)
                Post(ScriptMessageType.Error, (uint)ScriptErrorType.Runtime, LuaText.Ascii("not enough memory"));
        }

        private void CloseState()
        {
            if (_main == null) return;
            try
            {
                var handles = new List<IntPtr>(_extraHandles);
                handles.Add(ReadExtraHandle(_main.Handle));
                _main.Close();
                _engine.StateClosed();
                foreach (var h in handles) FreeGcHandle(h);
            }
            catch (Exception ex)
            {
                _engine.Log("script " + ScriptId + ": closing the Lua state failed: " + ex.Message);
            }
            _main = null;
            _co = null;
            _wrappers.Clear();
        }

        // ---------------------------------------------------------------------------------------
        // messages

        /// <summary>Queues a message stamped with this script's id, unless killed; full queue: dropped (as CHDK).</summary>
        internal bool Post(ScriptMessageType type, uint subtype, byte[] data)
        {
            lock (_postGate)
            {
                if (_killRequested) return false;
                return _camera.CameraToHost.TryEnqueue(new ScriptMessage(type, subtype, ScriptId, data));
            }
        }

        /// <summary>Queues, waiting up to <paramref name="timeoutMs"/> for space (0: no wait). False on timeout or kill.</summary>
        internal bool PostWaiting(ScriptMessageType type, uint subtype, byte[] data, int timeoutMs)
        {
            var message = new ScriptMessage(type, subtype, ScriptId, data);
            var sw = Stopwatch.StartNew();
            while (true)
            {
                lock (_postGate)
                {
                    if (_killRequested) return false;
                    if (_camera.CameraToHost.TryEnqueue(message)) return true;
                }
                long left = timeoutMs - sw.ElapsedMilliseconds;
                if (timeoutMs <= 0 || left <= 0) return false;
                if (_cts.Token.WaitHandle.WaitOne((int)Math.Min(10, left))) return false;
            }
        }

        private void PostReturnValues(int nres)
        {
            int top = _co.GetTop();
            int first = top - nres + 1;
            _co.CheckStack(8);
            for (int i = first; i <= top; i++)
            {
                if (Stopping) return;
                var t = _co.Type(i);
                switch (t)
                {
                    case LuaType.Nil:
                        Post(ScriptMessageType.Return, (uint)ScriptDataType.Nil, new byte[4]);
                        break;
                    case LuaType.Boolean:
                        Post(ScriptMessageType.Return, (uint)ScriptDataType.Boolean, Int32Le(_co.ToBoolean(i) ? 1 : 0));
                        break;
                    case LuaType.Number:
                        Post(ScriptMessageType.Return, (uint)ScriptDataType.Integer, Int32Le(ToInt32(_co, i)));
                        break;
                    case LuaType.String:
                        Post(ScriptMessageType.Return, (uint)ScriptDataType.String, _co.ToBuffer(i, false) ?? Array.Empty<byte>());
                        break;
                    case LuaType.Table:
                        if (!PostTable(i)) return;
                        break;
                    default:
                        Post(ScriptMessageType.Return, (uint)ScriptDataType.Unsupported, LuaText.Ascii(_co.TypeName(t)));
                        break;
                }
            }
        }

        /// <summary>Serialises a returned table with usb_msg_table_to_string; false if the remaining values must not be sent.</summary>
        private bool PostTable(int index)
        {
            int top = _co.GetTop();
            _co.RawGetInteger(LuaRegistry.Index, _helperRef);
            _co.PushCopy(index);
            var st = _co.PCall(1, 2, 0);
            try
            {
                if (Stopping) return false;
                if (st != LuaStatus.OK)
                {
                    Post(ScriptMessageType.Error, (uint)ScriptErrorType.Runtime, LuaText.UpToNul(ErrorBytes(_co, -1)));
                    return false;
                }
                if (!_co.ToBoolean(-2))
                {
                    Post(ScriptMessageType.Error, (uint)ScriptErrorType.Runtime, LuaText.UpToNul(ErrorBytes(_co, -1)));
                    return false;
                }
                var rt = _co.Type(-1);
                if (rt != LuaType.String && rt != LuaType.Number)
                {
                    Post(ScriptMessageType.Error, (uint)ScriptErrorType.Runtime, LuaText.Ascii("error creating return msg"));
                    return false;
                }
                Post(ScriptMessageType.Return, (uint)ScriptDataType.Table, _co.ToBuffer(-1, false) ?? Array.Empty<byte>());
                return true;
            }
            finally
            {
                _co.SetTop(top);
            }
        }

        internal static byte[] Int32Le(int v) =>
            new[] { (byte)v, (byte)(v >> 8), (byte)(v >> 16), (byte)(v >> 24) };

        /// <summary>Text of an error object, as lua_tostring would give it (numbers converted), else a description.</summary>
        internal static byte[] ErrorBytes(LuaState l, int index)
        {
            var t = l.Type(index);
            if (t == LuaType.String || t == LuaType.Number)
            {
                l.PushCopy(index);
                var b = l.ToBuffer(-1, false);
                l.Pop(1);
                return b ?? Array.Empty<byte>();
            }
            return LuaText.Ascii("(error object is a " + l.TypeName(t) + " value)");
        }

        // ---------------------------------------------------------------------------------------
        // host functions: dispatch

        private void Register(string name, Func<LuaState, int> fn) =>
            _functions.Add(new KeyValuePair<string, Func<LuaState, int>>(name, fn));

        private void PushHostTable(LuaState l)
        {
            l.CreateTable(0, _functions.Count);
            for (int i = 0; i < _functions.Count; i++)
            {
                l.PushInteger(i);
                l.PushCClosure(s_dispatch, 1);
                l.SetField(-2, _functions[i].Key);
            }
        }

        private static int DispatchEntry(IntPtr state)
        {
            var run = t_current;
            return run == null ? 0 : run.Dispatch(state);
        }

        private int Dispatch(IntPtr state)
        {
            LuaState l = null;
            try
            {
                l = Wrap(state);
                var id = l.ToIntegerX(LuaState.UpValueIndex(1));
                if (id == null || id.Value < 0 || id.Value >= _functions.Count) return 0;
                return _functions[(int)id.Value].Value(l);
            }
            catch (Exception ex)
            {
                if (l == null) return 0;
                try
                {
                    l.PushNil();
                    l.PushBuffer(LuaText.Encode("simulator: " + ex.Message));
                    return 2;
                }
                catch (Exception) { return 0; }
            }
        }

        /// <summary>A KeraLua object for a thread of this state (cached: KeraLua allocates one per call otherwise).</summary>
        private LuaState Wrap(IntPtr state)
        {
            if (state == _coHandle) return _co;
            if (_main != null && state == _main.Handle) return _main;
            if (_wrappers.TryGetValue(state, out var w)) return w;
            w = LuaState.FromIntPtr(state);
            _wrappers[state] = w;
            RememberExtraHandle(state);
            return w;
        }

        private void RememberExtraHandle(IntPtr state)
        {
            var h = ReadExtraHandle(state);
            if (h != IntPtr.Zero && !_extraHandles.Contains(h)) _extraHandles.Add(h);
        }

        private static IntPtr ReadExtraHandle(IntPtr state) =>
            state == IntPtr.Zero ? IntPtr.Zero : Marshal.ReadIntPtr(state - IntPtr.Size);

        private static void FreeGcHandle(IntPtr h)
        {
            if (h == IntPtr.Zero) return;
            try
            {
                var handle = GCHandle.FromIntPtr(h);
                if (handle.IsAllocated) handle.Free();
            }
            catch (InvalidOperationException) { }
        }

        // ---------------------------------------------------------------------------------------
        // the count hook: time slices and kill

        private static void HookEntry(IntPtr state, IntPtr ar)
        {
            var run = t_current;
            if (run != null) run.OnHook(state);
        }

        private void OnHook(IntPtr state)
        {
            try
            {
                int limitKb = _engine.MemoryLimitKb;
                if (!Stopping && limitKb > 0 && Wrap(state).GarbageCollector(LuaGC.Count, 0) > limitKb)
                {
                    // collect first: the count includes garbage (a hook may run the collector: the
                    // interpreter has protected the running function's registers)
                    var l = Wrap(state);
                    l.GarbageCollector(LuaGC.Collect, 0);
                    if (l.GarbageCollector(LuaGC.Count, 0) > limitKb)
                    {
                        _outOfMemory = true;
                        try { _cts.Cancel(); } catch (ObjectDisposedException) { }
                    }
                }
                if (Stopping)
                {
                    var l = Wrap(state);
                    if (state == _coHandle && l.IsYieldable)
                    {
                        l.Yield(0);
                        return;
                    }
                    // Cannot yield here (a nested coroutine, or a C function such as table.sort calling
                    // Lua): make the next instruction raise an error from native code.
                    var errorHook = ErrorHook();
                    if (errorHook != null) l.SetHook(errorHook, LuaHookMask.Count, 1);
                    return;
                }
                if (state != _coHandle) return;
                if (_slice.ElapsedMilliseconds >= YieldSliceMs && _co.IsYieldable) _co.Yield(0);
            }
            catch (Exception)
            {
                // never let anything escape into native code
            }
        }

        private LuaHookFunction ErrorHook()
        {
            if (!_engine.UseExportedLuaError) return _fallbackErrorHook;
            lock (s_errorHookGate)
            {
                if (s_errorHook == null)
                {
                    var p = NativeLua.LuaErrorFunction;
                    if (p != IntPtr.Zero) s_errorHook = Marshal.GetDelegateForFunctionPointer<LuaHookFunction>(p);
                }
                return s_errorHook ?? _fallbackErrorHook;
            }
        }

        /// <summary>
        /// Fallback when lua_error cannot be found among the library's exports: the base library's
        /// 'error' C function (it also raises from native code). Taken with raw access during setup.
        /// </summary>
        private void CaptureFallbackErrorHook()
        {
            _main.PushGlobalTable();
            _main.PushString("error");
            _main.RawGet(-2);
            var f = _main.ToCFunction(-1);
            _main.Pop(2);
            if (f == null) return;
            var p = Marshal.GetFunctionPointerForDelegate(f);
            if (p != IntPtr.Zero) _fallbackErrorHook = Marshal.GetDelegateForFunctionPointer<LuaHookFunction>(p);
        }

        // ---------------------------------------------------------------------------------------
        // argument helpers (never raise)

        internal static int ToInt32(LuaState l, int index)
        {
            TryInt(l, index, out var v);
            return v;
        }

        internal static bool TryInt(LuaState l, int index, out int value)
        {
            value = 0;
            var t = l.Type(index);
            if (t != LuaType.Number && t != LuaType.String) return false;
            var i = l.ToIntegerX(index);
            if (i != null)
            {
                value = unchecked((int)i.Value);
                return true;
            }
            var d = l.ToNumberX(index);
            if (d == null) return false;
            value = DoubleToInt32(d.Value);
            return true;
        }

        internal static int DoubleToInt32(double d)
        {
            if (double.IsNaN(d) || double.IsInfinity(d)) return 0;
            double m = Math.Truncate(d) % 4294967296.0;
            if (m < 0) m += 4294967296.0;
            return unchecked((int)(uint)m);
        }

        internal static int IntArg(LuaState l, int index, int dflt) => TryInt(l, index, out var v) ? v : dflt;

        internal static int? OptIntArg(LuaState l, int index) => TryInt(l, index, out var v) ? v : (int?)null;

        internal static byte[] BytesArg(LuaState l, int index)
        {
            var t = l.Type(index);
            if (t != LuaType.String && t != LuaType.Number) return null;
            return l.ToBuffer(index, false);
        }

        internal static string StringArg(LuaState l, int index) => LuaText.Decode(BytesArg(l, index));

        private static int PushError(LuaState l, string message)
        {
            l.PushNil();
            l.PushBuffer(LuaText.Encode(message));
            return 2;
        }
    }
}
