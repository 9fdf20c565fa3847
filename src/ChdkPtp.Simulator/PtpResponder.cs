using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Simulator.Scripting;

namespace ChdkPtp.Simulator
{
    /// <summary>What a transaction needs from the link that carries it: the data phases.</summary>
    public interface IResponderLink
    {
        /// <summary>Reads the host's data phase for the current transaction into memory.</summary>
        byte[] ReceiveData(PtpCommand command);

        /// <summary>Streams the host's data phase for the current transaction into <paramref name="sink"/>, chunk by
        /// chunk (a file upload of any size). The sink must not throw: the rest of the phase would stay unread.</summary>
        void ReceiveData(PtpCommand command, IPtpDataSink sink);

        /// <summary>Sends a camera-to-host data phase for the current transaction.</summary>
        void SendData(PtpCommand command, ReadOnlySpan<byte> data);

        /// <summary>Sends a camera-to-host data phase streamed from a file.</summary>
        void SendData(PtpCommand command, Stream data, long length);
    }

    /// <summary>
    /// The PTP responder of a CHDK camera: Canon's standard operations that clients use, and CHDK's
    /// 0x9999 handler following core/ptp.c (PROTOCOL.md §2 and §8.1). Transport-independent: a link
    /// feeds it commands and carries its data phases.
    /// </summary>
    public sealed class PtpResponder
    {
        private readonly VirtualCamera _camera;
        private readonly object _sync = new object();
        private byte[] _tempData;

        public PtpResponder(VirtualCamera camera)
        {
            _camera = camera ?? throw new ArgumentNullException(nameof(camera));
        }

        public VirtualCamera Camera => _camera;

        public bool SessionOpen { get; private set; }

        public uint SessionId { get; private set; }

        /// <summary>Whether a host-to-camera data phase follows this command (decided from the opcode and
        /// CHDK sub-command, never from the link).</summary>
        public static bool HasDataOut(PtpCommand c)
        {
            // Standard operations with host-to-camera data (SendObjectInfo, SendObject, SetDevicePropValue): not
            // implemented here, but their data phase is still read, so the link stays in step.
            if (c.Code == SendObjectInfo || c.Code == SendObject || c.Code == SetDevicePropValue) return true;
            if (c.Code != PtpOperation.Chdk) return false;
            switch ((ChdkCommand)c.Parameter(0))
            {
                case ChdkCommand.SetMemory:
                case ChdkCommand.CallFunction:
                case ChdkCommand.UploadFile:
                case ChdkCommand.ExecuteScript:
                case ChdkCommand.WriteScriptMsg:
                    return true;
                case ChdkCommand.TempData:
                    uint f = c.Parameter(1);
                    return (f & ChdkConstants.TempDataDownload) == 0 && (f & ChdkConstants.TempDataClear) == 0;
                default:
                    return false;
            }
        }

        /// <summary>Resets the device as class request 0x66 does: the session closes.</summary>
        public void DeviceReset()
        {
            lock (_sync) { SessionOpen = false; SessionId = 0; }
        }

        /// <summary>The link to the host is gone (a PTP/IP initiator disconnected): the session closes and the stored
        /// temp data (a pending download's file name) is forgotten, so the next host starts clean.</summary>
        public void EndSession()
        {
            lock (_sync) { SessionOpen = false; SessionId = 0; _tempData = null; }
        }

        /// <summary>Handles one command; data phases go through <paramref name="link"/>. Never throws for
        /// protocol-level failures: they become response codes as on the camera.</summary>
        public PtpResponse Handle(PtpCommand c, IResponderLink link)
        {
            lock (_sync)
            {
                if (c.Code == PtpOperation.OpenSession)
                {
                    if (SessionOpen) return Respond(c, PtpResponseCode.SessionAlreadyOpen, SessionId);
                    if (c.Parameter(0) == 0) return Respond(c, PtpResponseCode.InvalidParameter);
                    SessionOpen = true;
                    SessionId = c.Parameter(0);
                    return Respond(c, PtpResponseCode.OK);
                }
                if (c.Code == PtpOperation.GetDeviceInfo)
                {
                    link.SendData(c, BuildDeviceInfo().ToBytes());
                    return Respond(c, PtpResponseCode.OK);
                }
                if (!SessionOpen)
                {
                    if (HasDataOut(c)) link.ReceiveData(c);
                    return Respond(c, IsKnown(c.Code) ? PtpResponseCode.SessionNotOpen : PtpResponseCode.OperationNotSupported);
                }
                switch (c.Code)
                {
                    case PtpOperation.CloseSession:
                        SessionOpen = false;
                        return Respond(c, PtpResponseCode.OK);
                    case PtpOperation.Chdk when _camera.Options.ChdkInstalled:
                        return HandleChdk(c, link);
                    case PtpOperation.GetStorageIds:
                        link.SendData(c, new PtpWriter().UInt32(1).UInt32(StorageId).ToArray());
                        return Respond(c, PtpResponseCode.OK);
                    case PtpOperation.GetStorageInfo:
                        if (c.Parameter(0) != StorageId) return Respond(c, PtpResponseCode.InvalidStorageId);
                        link.SendData(c, BuildStorageInfo());
                        return Respond(c, PtpResponseCode.OK);
                    case PtpOperation.GetObjectHandles:
                        // The card is reached through CHDK (scripts, DownloadFile); the PTP object view stays empty, as
                        // PTPIP.md §5 item 11 allows: gphoto2's plain-PTP init and chdkptp's PTP/IP connect only call it.
                        if (c.Parameter(0) != 0xFFFFFFFF && c.Parameter(0) != StorageId) return Respond(c, PtpResponseCode.InvalidStorageId);
                        link.SendData(c, new PtpWriter().UInt32(0).ToArray());
                        return Respond(c, PtpResponseCode.OK);
                    case GetDevicePropDesc:
                        if (c.Parameter(0) != BatteryLevel) return Respond(c, PtpResponseCode.DevicePropNotSupported);
                        // BatteryLevel: UINT8, read-only, default and current 100, range 0..100 step 1.
                        link.SendData(c, new PtpWriter().UInt16(BatteryLevel).UInt16(0x0002).UInt8(0).UInt8(100).UInt8(100)
                            .UInt8(1).UInt8(0).UInt8(100).UInt8(1).ToArray());
                        return Respond(c, PtpResponseCode.OK);
                    case GetDevicePropValue:
                        if (c.Parameter(0) != BatteryLevel) return Respond(c, PtpResponseCode.DevicePropNotSupported);
                        link.SendData(c, new byte[] { 100 });
                        return Respond(c, PtpResponseCode.OK);
                    default:
                        if (HasDataOut(c)) link.ReceiveData(c);
                        return Respond(c, PtpResponseCode.OperationNotSupported);
                }
            }
        }

        private bool IsKnown(ushort code) =>
            code == PtpOperation.CloseSession || code == PtpOperation.GetStorageIds || code == PtpOperation.GetStorageInfo
            || code == PtpOperation.GetObjectHandles || code == GetDevicePropDesc || code == GetDevicePropValue
            || (code == PtpOperation.Chdk && _camera.Options.ChdkInstalled);

        private const ushort SendObjectInfo = 0x100C;
        private const ushort SendObject = 0x100D;
        private const ushort GetDevicePropDesc = 0x1014;
        private const ushort GetDevicePropValue = 0x1015;
        private const ushort SetDevicePropValue = 0x1016;
        private const ushort BatteryLevel = 0x5001;

        /// <summary>The one storage: the SD card (physical id 1, logical id 1).</summary>
        public const uint StorageId = 0x00010001;

        /// <summary>StorageInfo of the card: removable RAM, hierarchical, read-write, the host volume's size and free space.</summary>
        private byte[] BuildStorageInfo()
        {
            ulong total = (ulong)_camera.Card.TotalSpaceKb() * 1024, free = (ulong)_camera.Card.FreeSpaceKb() * 1024;
            return new PtpWriter().UInt16(0x0004).UInt16(0x0002).UInt16(0x0000)
                .UInt32((uint)total).UInt32((uint)(total >> 32)).UInt32((uint)free).UInt32((uint)(free >> 32))
                .UInt32(0xFFFFFFFF).String("SD").String("").ToArray();
        }

        public DeviceInfo BuildDeviceInfo()
        {
            var o = _camera.Options;
            return new DeviceInfo
            {
                StandardVersion = 100,
                VendorExtensionId = 6,
                VendorExtensionVersion = 100,
                VendorExtensionDescription = "microsoft.com: 1.0",
                FunctionalMode = 0,
                // Only what is implemented (PTPIP.md §5 item 10): gphoto2 and chdkptp call what is listed. No 0x9801
                // (chdkptp's PTP/IP connect would ask for object properties), no EOS/PowerShot remote-capture codes.
                OperationsSupported = new ushort[]
                {
                    0x1001, 0x1002, 0x1003, 0x1004, 0x1005, 0x1007, 0x1014, 0x1015, PtpOperation.Chdk,
                }.Where(op => op != PtpOperation.Chdk || o.ChdkInstalled).ToArray(),
                EventsSupported = new ushort[] { 0x4001, 0x4002, 0x4003, 0x4004, 0x4005, 0x4006, 0x4008, 0x4009, 0x400A, 0x400D },
                DevicePropertiesSupported = new ushort[] { BatteryLevel },
                CaptureFormats = new ushort[] { 0x3801 },
                ImageFormats = new ushort[] { 0x3801, 0x3001, 0x3000, 0x300D },
                Manufacturer = o.Manufacturer,
                Model = o.Model,
                DeviceVersion = o.DeviceVersion,
                SerialNumber = o.SerialNumber,
            };
        }

        private static PtpResponse Respond(PtpCommand c, PtpResponseCode code, params uint[] p) =>
            new PtpResponse(code, c.TransactionId, p);

        private PtpResponse HandleChdk(PtpCommand c, IResponderLink link)
        {
            var o = _camera.Options;
            switch ((ChdkCommand)c.Parameter(0))
            {
                case ChdkCommand.Version:
                    return Respond(c, PtpResponseCode.OK, (uint)o.ProtocolMajor, (uint)o.ProtocolMinor);
                case ChdkCommand.GetMemory: return GetMemory(c, link);
                case ChdkCommand.SetMemory: return SetMemory(c, link);
                case ChdkCommand.CallFunction: return CallFunction(c, link);
                case ChdkCommand.TempData: return TempData(c, link);
                case ChdkCommand.UploadFile: return UploadFile(c, link);
                case ChdkCommand.DownloadFile: return DownloadFile(c, link);
                case ChdkCommand.ExecuteScript: return ExecuteScript(c, link);
                case ChdkCommand.ScriptStatus:
                    {
                        uint s = (_camera.Scripts.IsRunning ? (uint)ScriptStatus.Running : 0)
                               | (_camera.CameraToHost.IsEmpty ? 0 : (uint)ScriptStatus.MessagesQueued);
                        return Respond(c, PtpResponseCode.OK, s);
                    }
                case ChdkCommand.ScriptSupport:
                    return Respond(c, PtpResponseCode.OK, 1u);
                case ChdkCommand.ReadScriptMsg: return ReadScriptMsg(c, link);
                case ChdkCommand.WriteScriptMsg: return WriteScriptMsg(c, link);
                case ChdkCommand.GetDisplayData:
                    if (!Supports(3)) return Respond(c, PtpResponseCode.ParameterNotSupported);
                    return GetDisplayData(c, link);
                case ChdkCommand.RemoteCaptureIsReady:
                    {
                        if (!Supports(5)) return Respond(c, PtpResponseCode.ParameterNotSupported);
                        var (status, image) = _camera.RemoteCapture.IsReady();
                        return Respond(c, PtpResponseCode.OK, status, image);
                    }
                case ChdkCommand.RemoteCaptureGetData:
                    if (!Supports(5)) return Respond(c, PtpResponseCode.ParameterNotSupported);
                    return RemoteCaptureGetData(c, link);
                default:
                    return Respond(c, PtpResponseCode.ParameterNotSupported);
            }
        }

        private bool Supports(int minor) => _camera.Options.ProtocolMajor == 2 && _camera.Options.ProtocolMinor >= minor;

        private PtpResponse GetMemory(PtpCommand c, IResponderLink link)
        {
            uint address = c.Parameter(1);
            int size = (int)c.Parameter(2);
            uint mode = c.Parameter(3);
            // No data phase on these errors: that is what CHDK does (§2.4, §8.1 item 7).
            if (size < 1) return Respond(c, PtpResponseCode.GeneralError);
            if (Supports(8)) { if (mode > 1) return Respond(c, PtpResponseCode.GeneralError); }
            else if (address == 0) return Respond(c, PtpResponseCode.GeneralError);
            if (size > 64 * 1024 * 1024) return Respond(c, PtpResponseCode.GeneralError); // no heap for that
            var data = new byte[size];
            _camera.Memory.Read(address, data);
            link.SendData(c, data);
            return Respond(c, PtpResponseCode.OK);
        }

        private PtpResponse SetMemory(PtpCommand c, IResponderLink link)
        {
            uint address = c.Parameter(1);
            int size = (int)c.Parameter(2);
            var data = link.ReceiveData(c);
            if (address == 0 || size < 1) return Respond(c, PtpResponseCode.GeneralError);
            _camera.Memory.Write(address, data.AsSpan(0, Math.Min(size, data.Length)));
            return Respond(c, PtpResponseCode.OK);
        }

        private PtpResponse CallFunction(PtpCommand c, IResponderLink link)
        {
            var data = link.ReceiveData(c);
            if (data.Length == 0 || data.Length % 4 != 0) return Respond(c, PtpResponseCode.GeneralError);
            if (!Supports(5) && data.Length > 40) return Respond(c, PtpResponseCode.GeneralError);
            uint ptr = BitConverter.ToUInt32(data, 0);
            var args = new uint[data.Length / 4 - 1];
            for (int i = 0; i < args.Length; i++) args[i] = BitConverter.ToUInt32(data, 4 + 4 * i);
            // A simulated camera cannot run ARM code: only registered functions answer.
            if (!_camera.Functions.TryGetValue(ptr, out var f)) return Respond(c, PtpResponseCode.GeneralError);
            uint result;
            try { result = f(args); }
            catch (Exception) { return Respond(c, PtpResponseCode.GeneralError); }
            return Respond(c, PtpResponseCode.OK, result);
        }

        private PtpResponse TempData(PtpCommand c, IResponderLink link)
        {
            uint flags = c.Parameter(1);
            if ((flags & ChdkConstants.TempDataDownload) != 0)
            {
                if (_tempData == null) return Respond(c, PtpResponseCode.GeneralError); // no data phase
                link.SendData(c, _tempData);
                if ((flags & ChdkConstants.TempDataClear) != 0) _tempData = null;
                return Respond(c, PtpResponseCode.OK);
            }
            if ((flags & ChdkConstants.TempDataClear) != 0)
            {
                _tempData = null;
                return Respond(c, PtpResponseCode.OK);
            }
            _tempData = link.ReceiveData(c);
            return Respond(c, PtpResponseCode.OK);
        }

        private PtpResponse UploadFile(PtpCommand c, IResponderLink link)
        {
            // As core/ptp.c: the name comes first, the file is opened, and the contents are written as the
            // data phase arrives (never held whole: uploads may be hundreds of MiB).
            using (var upload = new UploadSink(_camera.Card))
            {
                link.ReceiveData(c, upload);
                return Respond(c, upload.Succeeded ? PtpResponseCode.OK : PtpResponseCode.GeneralError);
            }
        }

        /// <summary>UploadFile's data phase: u32 name_len, name, contents. Opens the card file once the name is in,
        /// then writes each chunk. Failures (bad header, fopen, write) make it discard the rest; it never throws.</summary>
        private sealed class UploadSink : IPtpDataSink, IDisposable
        {
            private const int MaxName = 2040; // the name must lie in CHDK's first receive chunk
            private readonly Card.VirtualCard _card;
            private readonly byte[] _head = new byte[4 + MaxName];
            private int _headLength;
            private int _nameLength;
            private Card.CardFile _file;
            private bool _failed;

            public UploadSink(Card.VirtualCard card) { _card = card; }

            /// <summary>The whole data phase was written to an opened file.</summary>
            public bool Succeeded => _file != null && !_failed;

            public void Begin(long length) { }

            public void Write(ReadOnlySpan<byte> chunk)
            {
                while (chunk.Length > 0 && _file == null && !_failed)
                {
                    int n = Math.Min(chunk.Length, (_headLength < 4 ? 4 : 4 + _nameLength) - _headLength);
                    chunk.Slice(0, n).CopyTo(_head.AsSpan(_headLength));
                    chunk = chunk.Slice(n);
                    _headLength += n;
                    if (_headLength == 4)
                    {
                        uint length = BitConverter.ToUInt32(_head, 0);
                        if (length == 0 || length > MaxName) _failed = true;
                        else _nameLength = (int)length;
                    }
                    else if (_headLength == 4 + _nameLength)
                    {
                        Open();
                    }
                }
                if (chunk.Length == 0 || _file == null || _failed) return;
                var tmp = System.Buffers.ArrayPool<byte>.Shared.Rent(chunk.Length);
                try
                {
                    chunk.CopyTo(tmp);
                    _file.Stream.Write(tmp, 0, chunk.Length);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    _failed = true;
                }
                finally { System.Buffers.ArrayPool<byte>.Shared.Return(tmp); }
            }

            private void Open()
            {
                // camlib sends the terminator in name_len: the name ends at the first NUL, as CHDK's C string does.
                var raw = _head.AsSpan(4, _nameLength).ToArray();
                var name = Lua.LuaText.Decode(Lua.LuaText.UpToNul(raw)); // as the Lua file functions decode names
                var file = _card.Open(name, "wb"); // fopen(name, "wb") as core/ptp.c
                if (file.Ok) _file = file.Value;
                else _failed = true;
            }

            public void Dispose()
            {
                try { _file?.Dispose(); }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { _failed = true; }
            }
        }

        private PtpResponse DownloadFile(PtpCommand c, IResponderLink link)
        {
            var stored = _tempData;
            _tempData = null; // consumed before opening, as core/ptp.c does
            var file = stored == null ? default : _camera.Card.Open(Lua.LuaText.Decode(Lua.LuaText.UpToNul(stored)), "rb");
            if (!file.Ok)
            {
                link.SendData(c, new byte[1]);
                return Respond(c, PtpResponseCode.GeneralError);
            }
            try
            {
                using (file.Value)
                {
                    var fs = file.Value.Stream;
                    long length = fs.Length;
                    if (length == 0)
                    {
                        // CHDK's send loop never runs for an empty file: no valid data phase (§2.4).
                        link.SendData(c, new byte[1]);
                        return Respond(c, PtpResponseCode.GeneralError);
                    }
                    link.SendData(c, fs, length);
                    return Respond(c, PtpResponseCode.OK, (uint)length);
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                link.SendData(c, new byte[1]);
                return Respond(c, PtpResponseCode.GeneralError);
            }
        }

        private PtpResponse ExecuteScript(PtpCommand c, IResponderLink link)
        {
            uint p2 = c.Parameter(1);
            var data = link.ReceiveData(c);
            uint oldId = _camera.ScriptRunId;
            if ((p2 & ChdkConstants.ScriptLanguageMask) != ChdkConstants.ScriptLanguageLua)
                return Respond(c, PtpResponseCode.ParameterNotSupported, oldId, 0u);
            var flags = Supports(6) ? (ExecuteScriptFlags)(p2 & ~ChdkConstants.ScriptLanguageMask) : ExecuteScriptFlags.None;

            // The engine takes the script's bytes one char per byte; CHDK ends the text at the first NUL.
            int end = Array.IndexOf(data, (byte)0);
            var code = Lua.LuaText.Latin1(data, end < 0 ? data.Length : end);

            if (_camera.Scripts.IsRunning)
            {
                if ((flags & ExecuteScriptFlags.NoKill) != 0)
                    return Respond(c, PtpResponseCode.OK, oldId, ChdkConstants.ScriptErrorScriptRunning);
                _camera.Scripts.Kill();
            }
            if ((flags & ExecuteScriptFlags.FlushCameraMessages) != 0) _camera.CameraToHost.Clear();
            if ((flags & ExecuteScriptFlags.FlushHostMessages) != 0) _camera.HostToCamera.Clear();

            uint id = _camera.NextScriptRunId();
            string error = _camera.Scripts.Start(code, id);
            if (error != null)
            {
                _camera.CameraToHost.TryEnqueue(new ScriptMessage(ScriptMessageType.Error, (uint)ScriptErrorType.Compile, id, Lua.LuaText.CodeBytes(error)));
                return Respond(c, PtpResponseCode.OK, id, (uint)ScriptErrorType.Compile);
            }
            return Respond(c, PtpResponseCode.OK, id, 0u);
        }

        private PtpResponse ReadScriptMsg(PtpCommand c, IResponderLink link)
        {
            var m = _camera.CameraToHost.TryDequeue();
            if (m == null)
            {
                link.SendData(c, new byte[1]);
                return Respond(c, PtpResponseCode.OK, 0u, 0u, 0u, 0u);
            }
            link.SendData(c, m.Data.Length == 0 ? new byte[1] : m.Data);
            return Respond(c, PtpResponseCode.OK, (uint)m.Type, m.Subtype, m.ScriptId, (uint)m.Data.Length);
        }

        private PtpResponse WriteScriptMsg(PtpCommand c, IResponderLink link)
        {
            uint target = c.Parameter(1);
            var data = link.ReceiveData(c);
            WriteScriptMessageStatus status;
            if (!_camera.Scripts.IsRunning) status = WriteScriptMessageStatus.NotRunning;
            else if (target != 0 && target != _camera.ScriptRunId) status = WriteScriptMessageStatus.BadId;
            else if (!_camera.HostToCamera.TryEnqueue(new ScriptMessage(ScriptMessageType.User, (uint)ScriptDataType.String, target, data)))
                status = WriteScriptMessageStatus.QueueFull;
            else status = WriteScriptMessageStatus.Ok;
            return Respond(c, PtpResponseCode.OK, (uint)status);
        }

        /// <summary>
        /// Sub-command 14 as core/ptp.c: pick the chunk, send it (or one dummy byte when there is none), then tell remote
        /// capture the send is complete; an error or a type that is no longer (exactly) available makes the response
        /// GeneralError after the data phase. p1 = size, p2 = more, p3 = file offset or 0xFFFFFFFF.
        /// </summary>
        private PtpResponse RemoteCaptureGetData(PtpCommand c, IResponderLink link)
        {
            uint requested = c.Parameter(1);
            var rc = _camera.RemoteCapture;
            var chunk = rc.GetChunk(requested);
            uint size, more;
            if (chunk.Data == null || chunk.Length == 0)
            {
                link.SendData(c, new byte[1]);
                size = 0;
                more = 0;
            }
            else
            {
                link.SendData(c, new ReadOnlySpan<byte>(chunk.Data, chunk.Offset, chunk.Length));
                size = (uint)chunk.Length;
                more = chunk.Status == Shooting.RemoteCapture.StatusMore ? 1u : 0u;
            }
            bool ok = rc.SendComplete(chunk.Status, requested);
            return Respond(c, ok ? PtpResponseCode.OK : PtpResponseCode.GeneralError, size, more, unchecked((uint)chunk.Position));
        }

        /// <summary>Sub-command 12 (protocol 2.3): the display, as <see cref="LiveView.LiveViewSource"/> builds it for the
        /// flags in p2. A data phase always follows; p1 = its size.</summary>
        private PtpResponse GetDisplayData(PtpCommand c, IResponderLink link)
        {
            int length = _camera.LiveView.Send(c.Parameter(1), (payload, n) => link.SendData(c, new ReadOnlySpan<byte>(payload, 0, n)));
            return Respond(c, PtpResponseCode.OK, (uint)length);
        }
    }
}
