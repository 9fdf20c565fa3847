using System;
using System.Collections.Concurrent;
using System.Threading;

namespace ChdkPtp.Simulator.Lua
{
    /// <summary>
    /// Camera settings that scripts read and write and that outlive a script (as on a camera):
    /// propcases, CHDK configuration values, exposure overrides, Canon image format, the capture
    /// mode and the key/shooting state. Thread-safe.
    /// </summary>
    public sealed class ScriptCameraState
    {
        /// <summary>Propcase DRIVE_MODE (propset 4): 0 single, 1 continuous, 2 continuous with AF.</summary>
        public const int DriveModeProp = 102;

        /// <summary>Capture mode number of the video mode (raw is impossible there).</summary>
        public const int VideoCaptureMode = 9;

        private int _canonImageFormat = 1;
        private int _saveRaw;
        private int _captureMode = 2;
        private int _modeSwitchSequence;

        public ScriptCameraState()
        {
            Config[35] = 0;     // raw in image dir
            Config[36] = 0;     // raw prefix index (IMG_)
            Config[37] = 0;     // raw extension index (.JPG ... CRW)
            Config[226] = 0;    // DNG format off
            Config[234] = 1;    // .DNG extension
            Config[1251] = 0;   // raw exception for Canon raw
            Exposure["tv96"] = 471;
            Exposure["av96"] = 347;  // f/3.5, the lens wide open
            Exposure["sv96"] = 411;
            Exposure["bv96"] = 384;
            Exposure["iso_real"] = 100;
            Exposure["focus"] = 1000;
        }

        /// <summary>Propcase values by id (stored as a short, as set_prop does).</summary>
        public ConcurrentDictionary<int, int> Props { get; } = new ConcurrentDictionary<int, int>();

        /// <summary>CHDK configuration values by id: int or byte[] (string).</summary>
        public ConcurrentDictionary<int, object> Config { get; } = new ConcurrentDictionary<int, object>();

        /// <summary>Values recorded by the exposure/focus setters, by name (tv96, sv96, av96, iso_mode, nd_filter, focus, ...).</summary>
        public ConcurrentDictionary<string, int> Exposure { get; } = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);

        public int GetExposure(string name) => Exposure.TryGetValue(name, out var v) ? v : 0;

        /// <summary>1 JPG, 2 CR2, 3 both (only a camera with Canon raw accepts 2 and 3).</summary>
        public int CanonImageFormat { get => Volatile.Read(ref _canonImageFormat); set => Volatile.Write(ref _canonImageFormat, value); }

        /// <summary>CHDK raw saving (set_raw / get_raw).</summary>
        public int SaveRaw { get => Volatile.Read(ref _saveRaw); set => Volatile.Write(ref _saveRaw, value); }

        /// <summary>CHDK capture mode number used in record mode (2 = P).</summary>
        public int CaptureMode { get => Volatile.Read(ref _captureMode); set => Volatile.Write(ref _captureMode, value); }

        private volatile bool _halfPressed;
        private volatile bool _fullPressed;
        private long _halfPressTick;

        /// <summary>Shutter half pressed (set by press/release/click and shoot).</summary>
        public bool HalfPressed { get => _halfPressed; internal set => _halfPressed = value; }

        /// <summary>When the half press began (tick count), for get_shooting.</summary>
        internal long HalfPressTick { get => Interlocked.Read(ref _halfPressTick); set => Interlocked.Exchange(ref _halfPressTick, value); }

        /// <summary>Shutter fully pressed.</summary>
        public bool FullPressed { get => _fullPressed; internal set => _fullPressed = value; }

        internal int NextModeSwitch() => Interlocked.Increment(ref _modeSwitchSequence);

        internal int ModeSwitchSequence => Volatile.Read(ref _modeSwitchSequence);
    }
}
