using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using ChdkPtp.Simulator.Card;
using ChdkPtp.Simulator.Imaging;
using ChdkPtp.Simulator.Lua;

namespace ChdkPtp.Simulator.Shooting
{
    /// <summary>Everything one shot produced (kept for the last shot, for tests and tools).</summary>
    public sealed class ShotRecord
    {
        public int ImageNumber { get; internal set; }
        public DateTime Time { get; internal set; }
        public ShotExposure Exposure { get; internal set; }
        /// <summary>Remote capture was active at the raw hook: the Canon files were not written to the card.</summary>
        public bool Discarded { get; internal set; }
        /// <summary>The JPEG as the camera made it (null if none was made: not in the Canon format, or discarded and not captured).</summary>
        public byte[] Jpeg { get; internal set; }
        public byte[] Cr2 { get; internal set; }
        /// <summary>The CHDK raw buffer (packed), when something needed it.</summary>
        public byte[] RawBuffer { get; internal set; }
        /// <summary>The sensor values behind <see cref="RawBuffer"/>.</summary>
        public ushort[] RawValues { get; internal set; }
        public byte[] DngHeader { get; internal set; }
        /// <summary>Card paths written for this shot.</summary>
        public IReadOnlyList<string> Files { get; internal set; } = Array.Empty<string>();
    }

    /// <summary>The exposure a shot used, from the values the script set (set_tv96_direct, set_av96_direct, set_sv96...).</summary>
    public sealed class ShotExposure
    {
        /// <summary>Reference exposure (the camera's defaults): a shot with these values has gain 1.</summary>
        public const int ReferenceTv96 = 471, ReferenceAv96 = 347, ReferenceSv96 = 411;

        public int Tv96 { get; internal set; }
        public int Av96 { get; internal set; }
        /// <summary>Real sv96 (CHDK's get_sv96).</summary>
        public int Sv96 { get; internal set; }
        public int IsoMarket { get; internal set; }
        /// <summary>Shutter time in seconds (2^(-tv96/96)).</summary>
        public double Seconds { get; internal set; }
        /// <summary>Linear brightness relative to the reference exposure.</summary>
        public double Gain { get; internal set; }
        /// <summary>How long the simulated exposure really lasts (capped by the options).</summary>
        public int DurationMs { get; internal set; }

        public string Describe()
        {
            string tv = Seconds >= 1 ? Seconds.ToString("0.#", CultureInfo.InvariantCulture) + "S"
                                     : "1/" + Math.Round(1 / Seconds).ToString(CultureInfo.InvariantCulture);
            double f = Math.Pow(2, Av96 / 192.0);
            return tv + " F" + f.ToString("0.0", CultureInfo.InvariantCulture) + " ISO " + IsoMarket.ToString(CultureInfo.InvariantCulture);
        }

        internal static ShotExposure From(ScriptCameraState st, int limitMs)
        {
            int tv = st.GetExposure("tv96"), av = st.GetExposure("av96"), sv = st.GetExposure("sv96");
            double seconds = Math.Pow(2, -tv / 96.0);
            double ev = (ReferenceTv96 - tv) / 96.0 + (ReferenceAv96 - av) / 96.0 + (sv - ReferenceSv96) / 96.0;
            return new ShotExposure
            {
                Tv96 = tv,
                Av96 = av,
                Sv96 = sv,
                IsoMarket = (int)Math.Round(3.125 * Math.Pow(2, (sv + 69) / 96.0)),
                Seconds = seconds,
                Gain = Math.Pow(2, Math.Max(-20, Math.Min(20, ev))),
                DurationMs = (int)Math.Max(0, Math.Min(Math.Max(0, limitMs), Math.Round(seconds * 1000))),
            };
        }
    }

    /// <summary>
    /// The camera's shooting task: a full press (or shoot()) queues a shot; the task half-press settles, passes the
    /// shoot hooks, exposes for the shutter time, bumps the file counter, passes the raw hook where remote capture
    /// offers DNGHDR and RAW, then has the Canon file writer write (or, with remote capture active, hand over) the
    /// CR2 and JPEG. In a continuous drive mode it keeps shooting while the shutter stays fully pressed. Runs on
    /// its own thread, so scripts go on while a shot is taken, as on the camera.
    /// </summary>
    public sealed class ShootingPipeline
    {
        private readonly VirtualCamera _camera;
        private readonly object _gate = new object();
        private readonly CancellationToken _shutdown;
        private int _queued;
        private bool _running;
        private bool _busy;
        private long _ticketsIssued;
        private long _ticketsDone;
        private ShotRecord _last;
        private int _shotsTaken;

        internal ShootingPipeline(VirtualCamera camera, CancellationToken shutdown)
        {
            _camera = camera;
            _shutdown = shutdown;
        }

        /// <summary>The script shoot hooks.</summary>
        public ShootHooks Hooks { get; } = new ShootHooks();

        /// <summary>Time from half press until "shooting in progress" (AF/AE), in ms.</summary>
        public int HalfPressSettleMs { get; set; } = 30;

        /// <summary>Time the camera spends after writing a shot's files before the next shot, in ms.</summary>
        public int ProcessingMs { get; set; } = 50;

        /// <summary>A shot is being taken (or queued).</summary>
        public bool IsBusy { get { lock (_gate) return _busy || _queued > 0; } }

        /// <summary>Shots taken since the camera started.</summary>
        public int ShotsTaken { get { lock (_gate) return _shotsTaken; } }

        /// <summary>What the last shot produced (the shot in progress, from its raw hook on: its parts appear as they are made).</summary>
        public ShotRecord LastShot { get { lock (_gate) return _last; } }

        /// <summary>Queues a shot (a full press); 0 when the camera is not in record mode.</summary>
        public long RequestShot()
        {
            if (!_camera.RecordMode) return 0;
            lock (_gate)
            {
                _queued++;
                long ticket = ++_ticketsIssued;
                if (!_running)
                {
                    _running = true;
                    _busy = true;
                    var t = new Thread(Loop) { IsBackground = true, Name = "CHDK simulator shooting" };
                    t.Start();
                }
                return ticket;
            }
        }

        /// <summary>Waits until the shot of <paramref name="ticket"/> is done; false if <paramref name="cancel"/> fired first.</summary>
        public bool WaitShot(long ticket, CancellationToken cancel)
        {
            lock (_gate)
            {
                while (_ticketsDone < ticket)
                {
                    if (cancel.IsCancellationRequested || _shutdown.IsCancellationRequested) return false;
                    Monitor.Wait(_gate, 20);
                }
                return true;
            }
        }

        /// <summary>Waits until no shot is running or queued; false on timeout.</summary>
        public bool WaitIdle(int timeoutMs)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            lock (_gate)
            {
                while (_busy || _queued > 0)
                {
                    long left = timeoutMs - clock.ElapsedMilliseconds;
                    if (left <= 0) return false;
                    Monitor.Wait(_gate, (int)Math.Min(left, 20));
                }
                return true;
            }
        }

        private bool ContinuousHeld()
        {
            var st = _camera.State;
            if (!_camera.RecordMode || !st.FullPressed || !st.HalfPressed) return false;
            st.Props.TryGetValue(ScriptCameraState.DriveModeProp, out int drive);
            return drive == 1 || drive == 2;
        }

        private void Loop()
        {
            while (true)
            {
                bool ticketed;
                lock (_gate)
                {
                    if (_queued > 0) { _queued--; ticketed = true; }
                    else if (ContinuousHeld()) ticketed = false;
                    else
                    {
                        _running = false;
                        _busy = false;
                        Monitor.PulseAll(_gate);
                        return;
                    }
                    _busy = true;
                }
                try
                {
                    ShootOnce();
                }
                catch (OperationCanceledException)
                {
                    lock (_gate)
                    {
                        _running = false;
                        _busy = false;
                        _queued = 0;
                        Monitor.PulseAll(_gate);
                    }
                    return;
                }
                catch (Exception ex)
                {
                    _camera.Log("shot failed: " + ex.Message);
                }
                lock (_gate)
                {
                    if (ticketed) _ticketsDone++;
                    Monitor.PulseAll(_gate);
                }
            }
        }

        private void Sleep(int ms)
        {
            if (ms <= 0) { _shutdown.ThrowIfCancellationRequested(); return; }
            if (_shutdown.WaitHandle.WaitOne(ms)) throw new OperationCanceledException(_shutdown);
        }

        private void ShootOnce()
        {
            var o = _camera.Options;
            var st = _camera.State;
            var rc = _camera.RemoteCapture;

            // AF/AE: what is left of the half-press settle time
            long sinceHalf = st.HalfPressed ? _camera.TickCount - st.HalfPressTick : 0;
            Sleep((int)Math.Max(0, HalfPressSettleMs - sinceHalf));

            Hooks.Run(ShootHooks.PreShoot, _shutdown);
            Hooks.Run(ShootHooks.Shoot, _shutdown);
            var exposure = ShotExposure.From(st, o.ExposureTimeLimitMs);
            Sleep(exposure.DurationMs);

            int number = _camera.NextImageNumber();
            var time = _camera.CameraClock();
            var record = new ShotRecord { ImageNumber = number, Time = time, Exposure = exposure };
            lock (_gate) _last = record;
            Hooks.Run(ShootHooks.Raw, _shutdown);

            var g = SensorGeometry.FromOptions(o);
            string label = "IMG_" + number.ToString("D4", CultureInfo.InvariantCulture);
            var scene = new SceneInfo { Label = label, Time = time, Info = exposure.Describe(), Gain = exposure.Gain };
            ushort[] values = null;
            ushort[] Values()
            {
                if (values == null)
                {
                    var active = SceneRenderer.Render(g.ActiveWidth, g.ActiveHeight, scene);
                    values = ChdkRaw.Expose(active, g, number * 7919 + time.Millisecond);
                    record.RawValues = values;
                }
                return values;
            }
            var exif = new ShotExif { Model = o.Model, Time = time, Tv96 = exposure.Tv96, Av96 = exposure.Av96, IsoMarket = exposure.IsoMarket };

            // the raw hook: remote capture of the DNG header and the raw buffer
            bool discard = rc.BeginShot(number);
            record.Discarded = discard;
            if (discard)
            {
                rc.OfferDngHeader(() =>
                {
                    var h = Imaging.DngHeader.Build(g, new DngShotInfo
                    {
                        Model = o.Model, Software = "CHDK " + o.BuildNumber + "-" + o.BuildRevision, Time = time,
                        Tv96 = exposure.Tv96, Av96 = exposure.Av96, IsoMarket = exposure.IsoMarket,
                    });
                    record.DngHeader = h;
                    return h;
                });
                rc.OfferRaw(() =>
                {
                    var packed = ChdkRaw.Pack(Values(), g.Width, g.Height, g.BitsPerPixel);
                    record.RawBuffer = packed;
                    return packed;
                }, g.RowBytes);
            }

            // the Canon file writer: CR2 first, then the JPEG
            int format = o.CanonRaw ? st.CanonImageFormat : 1;
            var files = new List<string>();
            byte[] jpeg = null;
            byte[] Jpeg()
            {
                if (jpeg == null)
                {
                    var picture = SceneRenderer.Render(o.JpegWidth, o.JpegHeight, scene);
                    jpeg = ImageFiles.Jpeg(picture, o.JpegQuality, exif);
                    record.Jpeg = jpeg;
                }
                return jpeg;
            }
            if ((format & 2) != 0)
                WriteFile(RemoteCapture.CanonRaw, "CR2", () =>
                {
                    var cr2 = ImageFiles.Cr2(Jpeg(), o.JpegWidth, o.JpegHeight, Values(), g, exif);
                    record.Cr2 = cr2;
                    return cr2;
                }, HeaderOfCr2);
            if ((format & 1) != 0)
                WriteFile(RemoteCapture.Jpg, "JPG", Jpeg, ImageFiles.JpegHeaderLength);
            record.Files = files;

            void WriteFile(int type, string ext, Func<byte[]> make, Func<byte[], int> headerLength)
            {
                if (discard)
                {
                    // remote capture active: the write is suppressed; the hook hands the file over if it is a target
                    rc.OfferFile(type, () =>
                    {
                        var bytes = make();
                        return FileChunker.Split(bytes, headerLength(bytes), o.FileWriteMode, o.FileChunkCount);
                    });
                    return;
                }
                var path = VirtualCard.ImageDirectory + "/IMG_" + number.ToString("D4", CultureInfo.InvariantCulture) + "." + ext;
                _camera.Card.MakeDirectories(VirtualCard.ImageDirectory);
                var r = _camera.Card.WriteAllBytes(path, make());
                if (r.Ok) files.Add(path);
                else _camera.Log("cannot write " + path + ": " + r.Message);
            }

            lock (_gate) _shotsTaken++;
            Sleep(ProcessingMs);
        }

        private static int HeaderOfCr2(byte[] cr2)
        {
            // the directories and their values: up to IFD0's strip (the preview JPEG)
            return cr2.Length > 16 ? Math.Min(cr2.Length, FirstStripOffset(cr2)) : 0;
        }

        private static int FirstStripOffset(byte[] tiff)
        {
            int ifd = BitConverter.ToInt32(tiff, 4);
            int n = BitConverter.ToUInt16(tiff, ifd);
            for (int i = 0; i < n; i++)
            {
                int e = ifd + 2 + 12 * i;
                if (BitConverter.ToUInt16(tiff, e) == 0x0111) return BitConverter.ToInt32(tiff, e + 8);
            }
            return 0;
        }
    }
}
