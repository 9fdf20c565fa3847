using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Capture;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport;

namespace ChdkPtp.Protocol.Tests.Capture
{
    /// <summary>One chunk the fake camera hands over: bytes, the offset it reports (-1 append), and for an empty
    /// chunk the 1-byte dummy CHDK sends.</summary>
    internal sealed class FakeChunk
    {
        public byte[] Data = Array.Empty<byte>();
        public long Offset = -1;
    }

    internal sealed class FakeType
    {
        public CaptureTypes Type;
        public List<FakeChunk> Chunks = new List<FakeChunk>();
    }

    internal sealed class FakeShot
    {
        public int ImageNumber;
        public List<FakeType> Types = new List<FakeType>();
    }

    /// <summary>
    /// A CHDK camera at the PTP transaction level for the host logic of remote capture: it recognises the capture
    /// scripts by their text, answers them as configured, and plays a plan of shots through RemoteCaptureIsReady and
    /// RemoteCaptureGetData exactly as PROTOCOL.md §5.3 describes (one type available at a time, GeneralError and
    /// cancellation on a wrong request). Everything the host does is logged.
    /// </summary>
    internal sealed class FakeCaptureCamera : IPtpTransport
    {
        private readonly object _gate = new object();
        private PtpCommand _cmd;
        private byte[] _dataIn;
        private PtpResponse _response;
        private uint _scriptId;
        private readonly Queue<(ScriptMessageType Type, uint Subtype, uint Id, byte[] Data)> _messages = new Queue<(ScriptMessageType, uint, uint, byte[])>();

        // the shooting script
        private bool _shootRunning;
        private uint _shootId;
        private int _shotIndex;       // shot whose data is being offered
        private int _typeIndex;
        private int _chunkIndex;
        private bool _cancelled;
        private bool _target;
        private int _polls;

        public List<FakeShot> Shots { get; } = new List<FakeShot>();

        /// <summary>What the init script returns (default <c>true, nil</c>).</summary>
        public object[] InitReturns { get; set; } = { true, null };

        /// <summary>Error text the shooting script raises once its first shot's data is all fetched (null: none).</summary>
        public string ShootError { get; set; }

        /// <summary>The shooting script ends (returning this many shots) as soon as shot number <c>EndAfterShots</c>
        /// has started offering data; null: when all data was fetched.</summary>
        public int? EndAfterShots { get; set; }

        /// <summary>The shooting script returns this shot count (default: the number of shots).</summary>
        public int? ShotsReturned { get; set; }

        /// <summary>RemoteCaptureIsReady answers 0 this many times before each shot's first type.</summary>
        public int PollsBeforeShot { get; set; } = 2;

        /// <summary>Offer this type (not requested) instead of the plan's next type.</summary>
        public CaptureTypes? Intruder { get; set; }

        /// <summary>Fail the transport at the n-th GetData (1-based).</summary>
        public int? BreakAtGetData { get; set; }

        /// <summary>Answer the n-th GetData (1-based) with GeneralError and drop capture, as a camera whose per-type
        /// timeout ran out during the transfer.</summary>
        public int? GeneralErrorAtGetData { get; set; }

        /// <summary>Drop capture (IsReady answers NOTSET) after this many IsReady polls.</summary>
        public int? CancelAfterPolls { get; set; }

        private int _allPolls;

        /// <summary>The script ignores a stop message (sits in shoot()).</summary>
        public bool IgnoreStop { get; set; }

        public List<string> Log { get; } = new List<string>();

        public string Description => "fake capture camera";

        private int _getData;

        public static FakeShot Jpeg(int number, params FakeChunk[] chunks) => new FakeShot { ImageNumber = number, Types = { new FakeType { Type = CaptureTypes.Jpeg, Chunks = chunks.ToList() } } };

        public static FakeChunk Chunk(string text, long offset = -1) => new FakeChunk { Data = Encoding.ASCII.GetBytes(text), Offset = offset };

        public static FakeChunk Chunk(byte[] data, long offset = -1) => new FakeChunk { Data = data, Offset = offset };

        public void SendCommand(PtpCommand command, bool hasDataOut, CancellationToken cancel)
        {
            _cmd = command;
            _dataIn = null;
        }

        public void SendData(ushort code, uint transactionId, IPtpDataSource source, CancellationToken cancel)
        {
            var ms = new MemoryStream();
            var buf = new byte[4096];
            int n;
            while ((n = source.Read(buf)) > 0) ms.Write(buf, 0, n);
            _dataIn = ms.ToArray();
        }

        public PtpResponse? ReceiveDataOrResponse(ushort code, uint transactionId, IPtpDataSink sink, CancellationToken cancel)
        {
            var (data, response) = Handle();
            _response = response;
            sink.Begin(data.Length);
            sink.Write(data);
            return null;
        }

        public PtpResponse ReceiveResponse(CancellationToken cancel)
        {
            if (_dataIn != null || !ExpectsDataIn(_cmd)) _response = Handle().Response;
            return _response;
        }

        private static bool ExpectsDataIn(PtpCommand c)
        {
            if (c.Code == PtpOperation.GetDeviceInfo) return true;
            if (c.Code != PtpOperation.Chdk) return false;
            var sub = (ChdkCommand)c.Parameter(0);
            return sub == ChdkCommand.ReadScriptMsg || sub == ChdkCommand.RemoteCaptureGetData;
        }

        private PtpResponse Ok(params uint[] p) => new PtpResponse(PtpResponseCode.OK, _cmd.TransactionId, p);

        private (byte[] Data, PtpResponse Response) Handle()
        {
            lock (_gate)
            {
                var c = _cmd;
                switch (c.Code)
                {
                    case PtpOperation.OpenSession:
                    case PtpOperation.CloseSession:
                        return (null, Ok());
                    case PtpOperation.GetDeviceInfo:
                        return (new DeviceInfo
                        {
                            OperationsSupported = new ushort[] { 0x1001, 0x1002, 0x1003, PtpOperation.Chdk },
                            Manufacturer = "Canon Inc.",
                            Model = "Fake PowerShot",
                            SerialNumber = "00112233445566778899AABBCCDDEEFF",
                        }.ToBytes(), Ok());
                }
                switch ((ChdkCommand)c.Parameter(0))
                {
                    case ChdkCommand.Version: return (null, Ok(2, 9));
                    case ChdkCommand.ExecuteScript: return (null, Execute(c.Parameter(1)));
                    case ChdkCommand.ScriptStatus:
                        return (null, Ok((_shootRunning ? 1u : 0u) | (_messages.Count > 0 ? 2u : 0u)));
                    case ChdkCommand.ReadScriptMsg:
                        {
                            if (_messages.Count == 0) return (new byte[1], Ok(0, 0, 0, 0));
                            var m = _messages.Dequeue();
                            return (m.Data.Length == 0 ? new byte[1] : m.Data, Ok((uint)m.Type, m.Subtype, m.Id, (uint)m.Data.Length));
                        }
                    case ChdkCommand.WriteScriptMsg:
                        {
                            var text = Encoding.ASCII.GetString(_dataIn ?? Array.Empty<byte>());
                            Log.Add("msg " + text);
                            if (!_shootRunning) return (null, Ok((uint)WriteScriptMessageStatus.NotRunning));
                            if (text == "stop" && !IgnoreStop) EndShoot(_shotIndex);
                            return (null, Ok(0));
                        }
                    case ChdkCommand.RemoteCaptureIsReady: return (null, IsReady());
                    case ChdkCommand.RemoteCaptureGetData: return GetData((CaptureTypes)c.Parameter(1));
                    default: return (null, new PtpResponse(PtpResponseCode.ParameterNotSupported, c.TransactionId, Array.Empty<uint>()));
                }
            }
        }

        private PtpResponse Execute(uint flags)
        {
            var code = Encoding.ASCII.GetString(_dataIn).TrimEnd('\0');
            bool noKill = (flags & 0x100) != 0;
            if (_shootRunning)
            {
                if (noKill) return Ok(_scriptId, 0x1000);
                Log.Add("kill");
                _shootRunning = false;
            }
            if ((flags & 0x200) != 0) _messages.Clear();
            uint id = ++_scriptId;
            if (code.Contains("init_usb_capture(want, lstart, lcount)"))
            {
                Log.Add("init");
                foreach (var v in InitReturns) Ret(id, v);
                if (InitReturns.Length > 0 && InitReturns[0] is bool ok && ok) _target = true;
            }
            else if (code.Contains("local function check_target()"))
            {
                Log.Add("shoot");
                _shootRunning = true;
                _shootId = id;
                _shotIndex = 0;
                _typeIndex = 0;
                _chunkIndex = 0;
                _polls = 0;
            }
            else if (code.Contains("local saved, abort = ..."))
            {
                bool abort = code.EndsWith(",true)", StringComparison.Ordinal);
                Log.Add("cleanup" + (noKill ? "" : " kill") + (abort ? " abort" : ""));
                _target = false;
                Ret(id, true);
            }
            else if (code.Length == 0)
            {
                Log.Add("empty");
            }
            else
            {
                Log.Add("other");
            }
            return Ok(id, 0);
        }

        private void Ret(uint id, object v) => Message(ScriptMessageType.Return, id, v);

        private void Message(ScriptMessageType type, uint id, object v)
        {
            switch (v)
            {
                case null: _messages.Enqueue((type, (uint)ScriptDataType.Nil, id, new byte[4])); break;
                case bool b: _messages.Enqueue((type, (uint)ScriptDataType.Boolean, id, BitConverter.GetBytes(b ? 1 : 0))); break;
                case int i: _messages.Enqueue((type, (uint)ScriptDataType.Integer, id, BitConverter.GetBytes(i))); break;
                case string s:
                    uint subtype = type == ScriptMessageType.Error ? (uint)ScriptErrorType.Runtime : (uint)ScriptDataType.String;
                    _messages.Enqueue((type, subtype, id, Encoding.ASCII.GetBytes(s)));
                    break;
                default: throw new ArgumentException("unsupported value");
            }
        }

        private void EndShoot(int shots)
        {
            if (!_shootRunning) return;
            _shootRunning = false;
            Ret(_shootId, ShotsReturned ?? shots);
        }

        private FakeType Current => _shotIndex < Shots.Count && _typeIndex < Shots[_shotIndex].Types.Count ? Shots[_shotIndex].Types[_typeIndex] : null;

        private PtpResponse IsReady()
        {
            if (CancelAfterPolls.HasValue && ++_allPolls > CancelAfterPolls.Value) _cancelled = true;
            if (_cancelled || !_target) return Ok(ChdkConstants.CaptureNotSet, 0);
            var t = Current;
            if (t == null) return Ok(0, 0);
            if (_typeIndex == 0 && _chunkIndex == 0 && _polls < PollsBeforeShot)
            {
                _polls++;
                return Ok(0, 0);
            }
            if (EndAfterShots.HasValue && _shotIndex + 1 >= EndAfterShots.Value) EndShoot(EndAfterShots.Value);
            var offered = Intruder ?? t.Type;
            return Ok((uint)offered, (uint)Shots[_shotIndex].ImageNumber);
        }

        private (byte[] Data, PtpResponse Response) GetData(CaptureTypes type)
        {
            _getData++;
            Log.Add("get " + type);
            if (BreakAtGetData.HasValue && _getData == BreakAtGetData.Value) throw new PtpTransportException("cable pulled");
            var t = Current;
            if (_cancelled || t == null || type != t.Type || Intruder.HasValue || _getData == GeneralErrorAtGetData)
            {
                _cancelled = true;
                _target = false;
                return (new byte[1], new PtpResponse(PtpResponseCode.GeneralError, _cmd.TransactionId, new uint[] { 0, 0, 0 }));
            }
            var chunk = t.Chunks[_chunkIndex++];
            bool more = _chunkIndex < t.Chunks.Count;
            if (!more)
            {
                _chunkIndex = 0;
                _typeIndex++;
                if (_typeIndex >= Shots[_shotIndex].Types.Count)
                {
                    _typeIndex = 0;
                    _shotIndex++;
                    _polls = 0;
                    if (ShootError != null)
                    {
                        _shootRunning = false;
                        Message(ScriptMessageType.Error, _shootId, ShootError);
                    }
                    else if (_shotIndex >= Shots.Count && !EndAfterShots.HasValue) EndShoot(Shots.Count);
                }
            }
            var data = chunk.Data.Length == 0 ? new byte[1] : chunk.Data;
            return (data, Ok((uint)chunk.Data.Length, more ? 1u : 0u, chunk.Offset < 0 ? 0xFFFFFFFFu : (uint)chunk.Offset));
        }

        public void Dispose() { }
    }
}
