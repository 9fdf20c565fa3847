using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using ChdkPtp.Simulator.Card;
using ChdkPtp.Simulator.Scripting;

namespace ChdkPtp.Simulator.Lua
{
    /// <summary>
    /// The simulated camera's Lua script runner (CHDK's kbd task): a fresh native Lua 5.4 state per
    /// script (KeraLua), CHDK Lua 5.1 compatibility, the CHDK functions clients rely on, and the
    /// virtual SD card. Each script runs as a coroutine on its own background thread; <see cref="Start"/>
    /// returns once the code is compiled. Return values become RET messages, a runtime error an ERR
    /// message, all stamped with the script id given to Start (PROTOCOL.md §3).
    /// </summary>
    public sealed class LuaScriptEngine : IScriptEngine
    {
        /// <summary>Build date and time that get_buildinfo reports.</summary>
        public const string BuildDate = "May 29 2025";
        public const string BuildTime = "12:00:00";

        private readonly VirtualCamera _camera;
        private readonly object _gate = new object();
        private ScriptRun _current;
        private int _openStates;
        private bool _disposed;
        private bool _cardReady;

        public LuaScriptEngine(VirtualCamera camera)
        {
            _camera = camera ?? throw new ArgumentNullException(nameof(camera));
            Card = camera.Card;
        }

        /// <summary>The camera's SD card (<c>A/</c>).</summary>
        public VirtualCard Card { get; }

        /// <summary>What scripts printed, and engine notes.</summary>
        public ScriptConsole Console { get; } = new ScriptConsole();

        /// <summary>Settings scripts change that persist across scripts (propcases, config, exposure, remote capture target...).</summary>
        public ScriptCameraState CameraState => _camera.State;

        /// <summary>How long <see cref="Kill"/> waits for the script thread to end.</summary>
        public TimeSpan KillTimeout { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>Delay before switch_mode_usb / set_record changes the mode.</summary>
        public int ModeSwitchDelayMs { get; set; } = 300;

        /// <summary>shoot(): how long a half press may take before it gives up (CHDK: 5 s).</summary>
        public int ShootHalfPressTimeoutMs { get; set; } = 5000;

        /// <summary>Time from half press to "shooting in progress" in record mode (the shooting task's setting).</summary>
        public int HalfPressSettleMs { get => _camera.Shooting.HalfPressSettleMs; set => _camera.Shooting.HalfPressSettleMs = value; }

        /// <summary>Time a shot spends after its files are written (the shooting task's setting).</summary>
        public int ShotDurationMs { get => _camera.Shooting.ProcessingMs; set => _camera.Shooting.ProcessingMs = value; }

        /// <summary>
        /// A script whose Lua heap stays above this (KiB, after a full collection) is ended with the runtime
        /// error "not enough memory". Checked every thousand VM instructions. 0: no limit. A camera has a
        /// few MB; the default only guards the host against runaway scripts.
        /// </summary>
        public int MemoryLimitKb { get; set; } = 256 * 1024;

        /// <summary>Tests: false makes kills in unyieldable code use the base library's error function instead of lua_error.</summary>
        internal bool UseExportedLuaError { get; set; } = true;

        public bool IsRunning
        {
            get
            {
                var run = Volatile.Read(ref _current);
                return run != null && run.IsActive;
            }
        }

        /// <summary>Lua states not yet closed (a killed script's thread closes its own state when it ends).</summary>
        internal int OpenStates => Volatile.Read(ref _openStates);

        internal void StateOpened() => Interlocked.Increment(ref _openStates);

        internal void StateClosed() => Interlocked.Decrement(ref _openStates);

        /// <summary>
        /// Compiles and starts <paramref name="code"/> (see <see cref="IScriptEngine.Start"/>). Lua strings are
        /// bytes: every char U+0000..U+00FF of <paramref name="code"/> is taken as one byte (Latin-1), so a
        /// responder that decodes the ExecuteScript data phase with Latin-1 keeps every byte of the script;
        /// a string holding chars above U+00FF is encoded as UTF-8 instead. The script ends at the first NUL,
        /// as CHDK's luaL_loadstring does. The compile error text is returned the same way (Latin-1).
        /// </summary>
        public string Start(string code, uint scriptId)
        {
            lock (_gate)
            {
                if (_disposed) throw new ObjectDisposedException(nameof(LuaScriptEngine));
                var old = _current;
                if (old != null && !old.HasEnded) KillRun(old);
                EnsureCard();
                var run = new ScriptRun(this, _camera, code, scriptId);
                Volatile.Write(ref _current, run);
                run.Start(TimeSpan.FromSeconds(60));
                if (run.SetupFailure != null)
                {
                    run.MarkInactive();
                    throw new InvalidOperationException("The simulator could not create a Lua state: " + run.SetupFailure.Message, run.SetupFailure);
                }
                if (run.CompileError != null)
                {
                    run.MarkInactive();
                    return run.CompileError;
                }
                return null;
            }
        }

        public void Kill()
        {
            lock (_gate)
            {
                var run = _current;
                if (run != null) KillRun(run);
            }
        }

        private void KillRun(ScriptRun run)
        {
            if (run.HasEnded)
            {
                run.MarkInactive();
                return;
            }
            run.RequestKill();
            if (!run.WaitEnded(KillTimeout))
                Log("script " + run.ScriptId + " did not stop within " + KillTimeout.TotalMilliseconds + " ms after a kill; its thread is abandoned");
            run.MarkInactive();
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed) return;
                _disposed = true;
                var run = _current;
                if (run != null) KillRun(run);
            }
        }

        // ---------------------------------------------------------------------------------------
        // called by script runs

        internal bool IsCurrent(ScriptRun run) => ReferenceEquals(Volatile.Read(ref _current), run);

        internal void Log(string message)
        {
            Console.AddLine("[simulator] " + message);
            Trace.WriteLine("ChdkPtp.Simulator Lua: " + message);
        }

        private void EnsureCard()
        {
            if (_cardReady) return;
            var r = Card.MakeDirectories(VirtualCard.ImageDirectory);
            if (!r.Ok) Log("cannot create " + VirtualCard.ImageDirectory + ": " + r.Message);
            _cardReady = true;
        }

        /// <summary>Switches record/playback after <see cref="ModeSwitchDelayMs"/> (the latest request wins).</summary>
        internal void ScheduleModeSwitch(bool record)
        {
            int seq = CameraState.NextModeSwitch();
            int delay = Math.Max(0, ModeSwitchDelayMs);
            Task.Delay(delay).ContinueWith(_ =>
            {
                if (CameraState.ModeSwitchSequence != seq || _camera.IsDisposed) return;
                _camera.RecordMode = record;
                if (!record) _camera.RemoteCapture.Reset();
            }, TaskScheduler.Default);
        }
    }
}
