using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Threading;
using ChdkPtp.Simulator.Scripting;

namespace ChdkPtp.Simulator
{
    /// <summary>
    /// The state of one virtual CHDK camera: identity, SD card folder, memory image, script message
    /// queues, the script engine and the shooting state. The PTP responder and the Lua functions both
    /// work on this object.
    /// </summary>
    public sealed class VirtualCamera : IDisposable
    {
        private readonly bool _ownsRoot;
        private readonly Stopwatch _uptime = Stopwatch.StartNew();
        private readonly CancellationTokenSource _shutdown = new CancellationTokenSource();
        private readonly object _counterGate = new object();
        private int _scriptRunId;
        private int _disposed;
        private int _exposureCount;

        public VirtualCamera(SimulatorOptions options = null)
        {
            Options = (options ?? new SimulatorOptions()).Clone();
            ValidateShootingOptions(Options);
            if (string.IsNullOrEmpty(Options.SerialNumber))
                Options.SerialNumber = Guid.NewGuid().ToString("N").ToUpperInvariant();
            if (string.IsNullOrEmpty(Options.Root))
            {
                Options.Root = Path.Combine(Path.GetTempPath(), "chdkptp-sim-" + Guid.NewGuid().ToString("N").Substring(0, 12));
                _ownsRoot = true;
            }
            Directory.CreateDirectory(Options.Root);
            RecordMode = Options.StartInRecordMode;
            Card = new Card.VirtualCard(Options.Root);
            RemoteCapture = new Shooting.RemoteCapture(CaptureSupport, _shutdown.Token);
            Shooting = new Shooting.ShootingPipeline(this, _shutdown.Token);
            Scripts = new Lua.LuaScriptEngine(this);
            LiveView = new LiveView.LiveViewSource(this);
        }

        public SimulatorOptions Options { get; }

        /// <summary>Host folder that is the card's <c>A/</c>.</summary>
        public string CardRoot => Options.Root;

        /// <summary>The SD card: camera paths (<c>A/...</c>) with FAT rules, shared by scripts and file transfers.</summary>
        public Card.VirtualCard Card { get; }

        public MemoryImage Memory { get; } = new MemoryImage();

        /// <summary>Messages written by scripts, read by ReadScriptMsg (CHDK's msg_q_out).</summary>
        public ScriptMessageQueue CameraToHost { get; } = new ScriptMessageQueue();

        /// <summary>Messages written by WriteScriptMsg, read by read_usb_msg (CHDK's msg_q_in).</summary>
        public ScriptMessageQueue HostToCamera { get; } = new ScriptMessageQueue();

        public IScriptEngine Scripts { get; }

        /// <summary>Id of the most recent script (0 before the first). Incremented by ExecuteScript.</summary>
        public uint ScriptRunId => (uint)Volatile.Read(ref _scriptRunId);

        internal uint NextScriptRunId() => (uint)Interlocked.Increment(ref _scriptRunId);

        /// <summary>Functions that CallFunction may "run", by address. Anything else fails as on a camera.</summary>
        public ConcurrentDictionary<uint, Func<uint[], uint>> Functions { get; } = new ConcurrentDictionary<uint, Func<uint[], uint>>();

        /// <summary>Makes CallFunction on <paramref name="address"/> succeed and return <paramref name="result"/>
        /// (a stand-in for firmware code, usable from PowerShell where a script block cannot run on the
        /// simulator's thread).</summary>
        public void RegisterFunction(uint address, int result) => Functions[address] = _ => unchecked((uint)result);

        /// <summary>Milliseconds since the camera started (get_tick_count).</summary>
        public int TickCount => (int)_uptime.ElapsedMilliseconds;

        /// <summary>True in record (shooting) mode, false in playback.</summary>
        public bool RecordMode { get; set; }

        /// <summary>The image file counter (IMG_nnnn of the last shot).</summary>
        public int ExposureCount
        {
            get { lock (_counterGate) return _exposureCount; }
            set { lock (_counterGate) _exposureCount = value; }
        }

        /// <summary>Settings scripts change that persist across scripts: propcases, configuration, exposure, Canon image
        /// format, capture mode, the shutter keys.</summary>
        public Lua.ScriptCameraState State { get; } = new Lua.ScriptCameraState();

        /// <summary>Remote capture (init_usb_capture, RemoteCaptureIsReady / GetData).</summary>
        public Shooting.RemoteCapture RemoteCapture { get; }

        /// <summary>The shooting task: takes the shots that keys and shoot() ask for.</summary>
        public Shooting.ShootingPipeline Shooting { get; }

        /// <summary>The display as GetDisplayData sends it: live frames in record mode, the last shot in playback, the overlay.</summary>
        public LiveView.LiveViewSource LiveView { get; }

        /// <summary>Remote capture types supported: <see cref="SimulatorOptions.UsbCaptureSupport"/>, or JPG|RAW|DNGHDR
        /// plus CRAW for a Canon-raw camera on protocol 2.9.</summary>
        public int CaptureSupport()
        {
            var o = Options;
            if (o.UsbCaptureSupport.HasValue) return o.UsbCaptureSupport.Value;
            int s = Simulator.Shooting.RemoteCapture.Jpg | Simulator.Shooting.RemoteCapture.Raw | Simulator.Shooting.RemoteCapture.DngHeader;
            if (o.CanonRaw && o.ProtocolMajor == 2 && o.ProtocolMinor >= 9) s |= Simulator.Shooting.RemoteCapture.CanonRaw;
            return s;
        }

        private static void ValidateShootingOptions(SimulatorOptions o)
        {
            Imaging.SensorGeometry.FromOptions(o); // throws ArgumentOutOfRangeException for an impossible sensor
            if (o.JpegWidth < 16 || o.JpegHeight < 16 || o.JpegWidth > 8192 || o.JpegHeight > 8192)
                throw new ArgumentOutOfRangeException(nameof(o.JpegWidth), "The JPEG size must be 16 to 8192 pixels each way.");
            if (o.JpegQuality < 1 || o.JpegQuality > 100)
                throw new ArgumentOutOfRangeException(nameof(o.JpegQuality), o.JpegQuality, "JPEG quality is 1 to 100.");
            if (o.FileChunkCount < 1 || o.FileChunkCount > 100)
                throw new ArgumentOutOfRangeException(nameof(o.FileChunkCount), o.FileChunkCount, "A file is sent in 1 to 100 chunks (chdkptp accepts at most 100).");
            if (o.ExposureTimeLimitMs < 0)
                throw new ArgumentOutOfRangeException(nameof(o.ExposureTimeLimitMs), o.ExposureTimeLimitMs, "The exposure time limit cannot be negative.");
            if (!Enum.IsDefined(typeof(FileWriteMode), o.FileWriteMode))
                throw new ArgumentOutOfRangeException(nameof(o.FileWriteMode), o.FileWriteMode, "Unknown file write mode.");
            if (o.LiveViewFrameRate < 0 || o.LiveViewFrameRate > 1000)
                throw new ArgumentOutOfRangeException(nameof(o.LiveViewFrameRate), o.LiveViewFrameRate, "The live view frame rate is 0 (a new frame for every request) to 1000.");
            if (o.Digic >= 6 && o.ChdkInstalled && o.ProtocolMajor == 2 && o.ProtocolMinor < 7)
                throw new ArgumentOutOfRangeException(nameof(o.ProtocolMinor), o.ProtocolMinor,
                    "A Digic 6 or 7 camera needs CHDK PTP protocol 2.7 or later: its live view (YUV8B, opacity) is sub-protocol 2.2.");
        }

        /// <summary>Advances the file counter for a new shot (after 9999 comes 1) and returns it.</summary>
        internal int NextImageNumber()
        {
            lock (_counterGate)
            {
                int n = _exposureCount + 1;
                if (n > 9999) n = 1;
                _exposureCount = n;
                return n;
            }
        }

        /// <summary>The camera's clock now, local time with milliseconds (set_clock moves it).</summary>
        public DateTime CameraClock()
        {
            var utc = DateTime.UtcNow;
            long seconds = Card.ToCameraTime(utc);
            return new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Unspecified).AddSeconds(seconds).AddMilliseconds(utc.Millisecond);
        }

        internal void Log(string message)
        {
            if (Scripts is Lua.LuaScriptEngine engine) engine.Log(message);
            else Trace.WriteLine("ChdkPtp.Simulator: " + message);
        }

        public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            try { _shutdown.Cancel(); } catch (ObjectDisposedException) { }
            try { Scripts.Kill(); } catch (Exception) { }
            Scripts.Dispose();
            if (_ownsRoot)
            {
                try { Directory.Delete(Options.Root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }
}
