using System;
using System.Collections.Generic;
using System.Threading;

namespace ChdkPtp.Simulator.Shooting
{
    /// <summary>One piece of a file handed to remote capture: bytes, and the file offset to write them at (-1 = append).</summary>
    public sealed class FileChunk
    {
        public FileChunk(byte[] data, int offset, int length, int position)
        {
            Data = data;
            Offset = offset;
            Length = length;
            Position = position;
        }

        public byte[] Data { get; }
        public int Offset { get; }
        public int Length { get; }

        /// <summary>File offset for the client to seek to before writing, or -1 to append.</summary>
        public int Position { get; }
    }

    /// <summary>What init_usb_capture checks about the camera besides the requested types.</summary>
    public struct CaptureConditions
    {
        public bool RecordMode;
        public bool RawPossible;
        /// <summary>The camera has Canon raw (then JPG and CRAW must match the Canon image format).</summary>
        public bool CanonRawCamera;
        public int CanonImageFormat;
        /// <summary>Multipass file writer without seeks: remote capture of files needs single drive mode.</summary>
        public bool SeeklessMultipass;
        public bool DriveModeSingle;
        /// <summary>Raw rows of the sensor (CAM_RAW_ROWS).</summary>
        public int RawRows;
    }

    /// <summary>
    /// CHDK's remote capture (core/remotecap.c and the filewrite hook, PROTOCOL.md §5.2-5.3): the target types set by
    /// init_usb_capture, the one type available at a time while the shooting task waits in its hooks, the chunk
    /// selection of RemoteCaptureGetData, and the per-type timeout that cancels capture. The camera side (the
    /// shooting pipeline) blocks in <see cref="OfferDngHeader"/>, <see cref="OfferRaw"/> and <see cref="OfferFile"/>
    /// until the host has fetched the type, the capture was reset, or the timeout ran out. Thread-safe.
    /// </summary>
    public sealed class RemoteCapture
    {
        public const int Jpg = 0x1;
        public const int Raw = 0x2;
        public const int DngHeader = 0x4;
        public const int CanonRaw = 0x8;
        public const uint NotSet = 0x10000000;

        /// <summary>HOOK_WAIT_MAX_DEFAULT: 3000 waits of 10 ms.</summary>
        public const int DefaultTimeoutMs = 30000;

        internal const int StatusError = 0;
        internal const int StatusMore = 1;
        internal const int StatusLast = 2;

        private readonly object _gate = new object();
        private readonly Func<int> _support;
        private readonly CancellationToken _shutdown;
        private int _target;
        private int _startLine;
        private int _lineCount;
        private int _waitTicks = DefaultTimeoutMs / 10;
        private int _available;
        private int _pending;
        private int _imageNumber;
        private byte[] _dngHeader;
        private byte[] _raw;
        private int _rawOffset;
        private int _rawLength;
        private IReadOnlyList<FileChunk> _chunks;
        private int _chunkIndex;
        private int _timeouts;

        public RemoteCapture(Func<int> support, CancellationToken shutdown)
        {
            _support = support ?? throw new ArgumentNullException(nameof(support));
            _shutdown = shutdown;
        }

        /// <summary>get_usb_capture_support(): the types this camera can capture.</summary>
        public int Support => _support();

        /// <summary>get_usb_capture_target(): the types requested by init_usb_capture, 0 when off, cancelled or timed out.</summary>
        public int Target { get { lock (_gate) return _target; } }

        public int StartLine { get { lock (_gate) return _startLine; } }

        /// <summary>Rows of raw data sent (0 until capture is initialised).</summary>
        public int LineCount { get { lock (_gate) return _lineCount; } }

        /// <summary>The per-type wait of the capture hooks, in milliseconds (a multiple of 10).</summary>
        public int TimeoutMs { get { lock (_gate) return _waitTicks * 10; } }

        /// <summary>The type the host may fetch now (0 = none).</summary>
        public int Available { get { lock (_gate) return _available; } }

        /// <summary>How many times a hook gave up waiting for the host and cancelled capture.</summary>
        public int Timeouts { get { lock (_gate) return _timeouts; } }

        /// <summary>set_usb_capture_timeout: ≤ 0 restores the default; CHDK keeps it in 10 ms steps (under 10 ms times out at once).</summary>
        public void SetTimeout(int ms)
        {
            lock (_gate) _waitTicks = ms <= 0 ? DefaultTimeoutMs / 10 : ms / 10;
        }

        /// <summary>init_usb_capture(type, startline, numlines) with the rules of remotecap_set_target.</summary>
        public bool SetTarget(int type, int startLine, int lineCount, CaptureConditions c)
        {
            lock (_gate)
            {
                if ((type & ~Support) != 0 || !c.RecordMode || ((type & Raw) != 0 && !c.RawPossible))
                    return ResetLocked(false);
                if (c.CanonRawCamera &&
                    (((type & CanonRaw) != 0 && (c.CanonImageFormat & 2) == 0) || ((type & Jpg) != 0 && (c.CanonImageFormat & 1) == 0)))
                    return ResetLocked(false);
                if (type == 0) return ResetLocked(true);
                if (c.SeeklessMultipass && (type & (Jpg | CanonRaw)) != 0 && !c.DriveModeSingle)
                    return ResetLocked(false);
                int rows = c.RawRows;
                if (startLine < 0 || startLine > rows - 1 || lineCount < 0 || (long)startLine + lineCount > rows)
                    return ResetLocked(false);
                if (lineCount == 0) lineCount = rows - startLine;
                _target = type;
                _startLine = startLine;
                _lineCount = lineCount;
                return true;
            }
        }

        /// <summary>Cancels remote capture (init_usb_capture(0), a bad GetData, a timeout, playback mode).</summary>
        public void Reset()
        {
            lock (_gate) ResetLocked(true);
        }

        private bool ResetLocked(bool result)
        {
            _target = 0;
            _available = 0;
            _pending = 0;
            Monitor.PulseAll(_gate);
            return result;
        }

        // -------------------------------------------------------------------------------------------
        // PTP side

        /// <summary>RemoteCaptureIsReady: (NOTSET, 0) when off; else (available type, image number or 0).</summary>
        public (uint Status, uint ImageNumber) IsReady()
        {
            lock (_gate)
            {
                if (_target == 0) return (NotSet, 0);
                return ((uint)_available, _available != 0 ? (uint)_imageNumber : 0);
            }
        }

        /// <summary>A chunk picked for RemoteCaptureGetData.</summary>
        internal struct Chunk
        {
            public byte[] Data;
            public int Offset;
            public int Length;
            public int Status;
            public int Position;
        }

        /// <summary>remotecap_get_data_chunk: selects <c>requested &amp; target &amp; available</c>; anything else resets capture.</summary>
        internal Chunk GetChunk(uint requested)
        {
            lock (_gate)
            {
                var c = new Chunk { Status = StatusLast, Position = -1 };
                switch ((int)requested & _target & _available)
                {
                    case Raw:
                        c.Data = _raw; c.Offset = _rawOffset; c.Length = _rawLength;
                        break;
                    case DngHeader:
                        c.Data = _dngHeader; c.Length = _dngHeader?.Length ?? 0;
                        break;
                    case Jpg:
                    case CanonRaw:
                        if (_chunks != null && _chunkIndex < _chunks.Count)
                        {
                            var f = _chunks[_chunkIndex++];
                            c.Data = f.Data; c.Offset = f.Offset; c.Length = f.Length; c.Position = f.Position;
                            if (_chunkIndex < _chunks.Count) c.Status = StatusMore;
                        }
                        else
                        {
                            // the chunk table is exhausted: a zero-size last chunk, as single-pass filewrite gives
                            c.Data = Array.Empty<byte>();
                        }
                        break;
                }
                if (c.Data == null)
                {
                    ResetLocked(true);
                    c.Status = StatusError;
                    c.Length = 0;
                }
                return c;
            }
        }

        /// <summary>remotecap_send_complete: false when the response must be GeneralError.</summary>
        internal bool SendComplete(int status, uint requested)
        {
            lock (_gate)
            {
                bool gone = _available != (int)requested; // timed out, cancelled, or not exactly the available type
                if (status == StatusLast)
                {
                    _available = 0;
                    Monitor.PulseAll(_gate);
                }
                return status != StatusError && !gone;
            }
        }

        // -------------------------------------------------------------------------------------------
        // camera side (the shooting pipeline's thread)

        /// <summary>
        /// The raw hook's start (remotecap_raw_available): false when capture is off. Otherwise waits for the previous
        /// shot's types (cancelling on timeout), then makes this shot's types pending with its image number. True
        /// means Canon's file writes for this shot are discarded.
        /// </summary>
        internal bool BeginShot(int imageNumber)
        {
            lock (_gate)
            {
                if (_target == 0) return false;
                if (!WaitLocked(() => _pending == 0)) ResetLocked(true);
                _pending = _target;
                _imageNumber = imageNumber;
                return true;
            }
        }

        internal void OfferDngHeader(Func<byte[]> build)
        {
            if ((Target & DngHeader) == 0) return;
            var header = build();
            lock (_gate)
            {
                if ((_target & DngHeader) == 0) return;
                _dngHeader = header;
                if (!Expose(DngHeader)) ResetLocked(true);
                _dngHeader = null;
                _pending &= ~DngHeader;
            }
        }

        /// <summary>Offers rows startline..startline+numlines of the packed raw buffer.</summary>
        internal void OfferRaw(Func<byte[]> rawBuffer, int rowBytes)
        {
            if ((Target & Raw) == 0) return;
            var raw = rawBuffer();
            lock (_gate)
            {
                if ((_target & Raw) == 0) return;
                _raw = raw;
                _rawOffset = _startLine * rowBytes;
                _rawLength = _lineCount * rowBytes;
                if (!Expose(Raw)) ResetLocked(true);
                _raw = null;
                _pending &= ~Raw;
            }
        }

        /// <summary>Offers a Canon file (JPG or CRAW) in chunks, as the filewrite hook does.</summary>
        internal void OfferFile(int type, Func<IReadOnlyList<FileChunk>> chunks)
        {
            if ((Target & type) == 0) return;
            var list = chunks();
            lock (_gate)
            {
                if ((_target & type) == 0) return;
                _chunks = list;
                _chunkIndex = 0;
                if (!Expose(type)) ResetLocked(true);
                _chunks = null;
                _pending &= ~type;
            }
        }

        /// <summary>remotecap_wait: makes <paramref name="type"/> available and waits until the host took it all; false on timeout.</summary>
        private bool Expose(int type)
        {
            _available = type;
            Monitor.PulseAll(_gate);
            bool ok = WaitLocked(() => (_available & type) == 0);
            if (!ok) _timeouts++;
            return ok;
        }

        private bool WaitLocked(Func<bool> done)
        {
            long limit = (long)_waitTicks * 10;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!done())
            {
                if (_shutdown.IsCancellationRequested) throw new OperationCanceledException(_shutdown);
                long left = limit - clock.ElapsedMilliseconds;
                if (left <= 0) return false;
                Monitor.Wait(_gate, (int)Math.Min(left, 50));
            }
            return true;
        }
    }
}
