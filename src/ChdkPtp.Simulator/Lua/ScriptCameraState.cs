using System;
using System.Collections.Concurrent;
using System.Threading;

namespace ChdkPtp.Simulator.Lua
{
    /// <summary>
    /// Camera settings that scripts read and write and that outlive a script (as on a camera):
    /// propcases, CHDK configuration values, exposure overrides, Canon image format, the remote
    /// capture target, the capture mode and the key/shooting state. Thread-safe.
    /// </summary>
    public sealed class ScriptCameraState
    {
        /// <summary>Remote capture types this camera supports (JPG | RAW | DNGHDR).</summary>
        public const int UsbCaptureSupport = 7;

        /// <summary>Default per-type remote capture wait (CHDK: 3000 x 10 ms).</summary>
        public const int DefaultUsbCaptureTimeoutMs = 30000;

        private int _usbCaptureTarget;
        private int _usbCaptureTimeoutMs = DefaultUsbCaptureTimeoutMs;
        private int _usbCaptureStartLine;
        private int _usbCaptureLineCount;
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
            Exposure["av96"] = 285;
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

        /// <summary>Bits given to init_usb_capture (0 = remote capture off).</summary>
        public int UsbCaptureTarget { get => Volatile.Read(ref _usbCaptureTarget); set => Volatile.Write(ref _usbCaptureTarget, value); }

        public int UsbCaptureStartLine { get => Volatile.Read(ref _usbCaptureStartLine); set => Volatile.Write(ref _usbCaptureStartLine, value); }

        /// <summary>0 = to the end of the sensor.</summary>
        public int UsbCaptureLineCount { get => Volatile.Read(ref _usbCaptureLineCount); set => Volatile.Write(ref _usbCaptureLineCount, value); }

        public int UsbCaptureTimeoutMs { get => Volatile.Read(ref _usbCaptureTimeoutMs); set => Volatile.Write(ref _usbCaptureTimeoutMs, value); }

        /// <summary>1 JPG, 2 CR2, 3 both (this camera has no Canon raw: always 1).</summary>
        public int CanonImageFormat { get => Volatile.Read(ref _canonImageFormat); set => Volatile.Write(ref _canonImageFormat, value); }

        /// <summary>CHDK raw saving (set_raw / get_raw).</summary>
        public int SaveRaw { get => Volatile.Read(ref _saveRaw); set => Volatile.Write(ref _saveRaw, value); }

        /// <summary>CHDK capture mode number used in record mode (2 = P).</summary>
        public int CaptureMode { get => Volatile.Read(ref _captureMode); set => Volatile.Write(ref _captureMode, value); }

        /// <summary>Shutter half pressed (set by press/release/click and shoot).</summary>
        public bool HalfPressed { get; internal set; }

        /// <summary>When the half press began (tick count), for get_shooting.</summary>
        internal long HalfPressTick { get; set; }

        /// <summary>Shutter fully pressed.</summary>
        public bool FullPressed { get; internal set; }

        internal int NextModeSwitch() => Interlocked.Increment(ref _modeSwitchSequence);

        internal int ModeSwitchSequence => Volatile.Read(ref _modeSwitchSequence);
    }
}
