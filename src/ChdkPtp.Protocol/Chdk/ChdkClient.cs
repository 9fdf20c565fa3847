using System;
using System.Text;
using System.Threading;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport;

namespace ChdkPtp.Protocol.Chdk
{
    /// <summary>A remote capture chunk's response (PROTOCOL.md §5.3).</summary>
    public readonly struct RemoteCaptureChunk
    {
        public RemoteCaptureChunk(int length, bool more, long offset)
        {
            Length = length;
            More = more;
            Offset = offset;
        }

        public int Length { get; }

        /// <summary>More chunks of this type follow.</summary>
        public bool More { get; }

        /// <summary>File offset to write the chunk at, or -1 to append.</summary>
        public long Offset { get; }
    }

    /// <summary>
    /// The CHDK PTP extension (operation 0x9999) as typed methods, one per sub-command, gated by the
    /// camera's protocol version the way chdkptp gates them (PROTOCOL.md §1.7 step 6).
    /// </summary>
    public sealed class ChdkClient : IDisposable
    {
        private ChdkClient(PtpSession session, DeviceInfo info, int major, int minor)
        {
            Session = session;
            DeviceInfo = info;
            ProtocolMajor = major;
            ProtocolMinor = minor;
        }

        public PtpSession Session { get; }

        public DeviceInfo DeviceInfo { get; }

        /// <summary>The camera's CHDK PTP protocol version.</summary>
        public int ProtocolMajor { get; }

        public int ProtocolMinor { get; }

        public Version ProtocolVersion => new Version(ProtocolMajor, ProtocolMinor);

        /// <summary>
        /// The connect sequence of PROTOCOL.md §8.2: OpenSession(1) with transaction id 0, GetDeviceInfo,
        /// and, when DeviceInfo lists 0x9999, the CHDK Version sub-command. A camera without CHDK is an error.
        /// </summary>
        public static ChdkClient Connect(IPtpTransport transport, CancellationToken cancel = default)
        {
            var session = new PtpSession(transport);
            try
            {
                session.Open(1, cancel);
            }
            catch
            {
                session.Dispose();
                throw;
            }
            return Connect(session, cancel);
        }

        /// <summary>
        /// The rest of the connect sequence on a session the caller has already opened (for example after
        /// the USB retry with a device reset): GetDeviceInfo, then the CHDK Version sub-command. The client
        /// takes the session over; on failure it is closed and disposed.
        /// </summary>
        public static ChdkClient Connect(PtpSession session, CancellationToken cancel = default)
        {
            if (session == null) throw new ArgumentNullException(nameof(session));
            try
            {
                if (!session.IsOpen) throw new ArgumentException("The PTP session must be open.", nameof(session));
                var info = session.GetDeviceInfo(cancel);
                if (!info.SupportsOperation(PtpOperation.Chdk)) throw new ChdkNotDetectedException(info.Model);
                var r = session.ExecuteRaw(PtpOperation.Chdk, new[] { (uint)ChdkCommand.Version }, null, null, out _, cancel);
                if (r.Code == PtpResponseCode.OperationNotSupported) throw new ChdkNotDetectedException(info.Model);
                if (!r.IsOk) throw new PtpResponseException(PtpOperation.Chdk, r.Code, "CHDK Version");
                if (r.Parameters.Length < 2) throw new PtpProtocolException("The CHDK Version response lacks its two parameters.");
                return new ChdkClient(session, info, (int)r.Parameter(0), (int)r.Parameter(1));
            }
            catch
            {
                try { if (session.IsOpen && !session.IsFaulted) session.Close(); } catch (PtpException) { }
                session.Dispose();
                throw;
            }
        }

        /// <summary>True when the camera's protocol is major 2 with at least the given minor (chdkptp's is_ver_compatible).</summary>
        public bool Supports(int minor) => ProtocolMajor == ChdkConstants.VersionMajor && ProtocolMinor >= minor;

        /// <summary>Throws <see cref="ChdkVersionException"/> unless <see cref="Supports"/>.</summary>
        public void Require(int minor, string feature)
        {
            if (!Supports(minor)) throw new ChdkVersionException(feature, ChdkConstants.VersionMajor, minor, ProtocolMajor, ProtocolMinor);
        }

        public const int MinorLiveView = 3;
        public const int MinorRemoteCapture = 5;
        public const int MinorScriptFlags = 6;
        public const int MinorGetMemoryMode = 8;
        public const int MinorCanonRaw = 9;

        private PtpResponse Chdk(ChdkCommand command, string name, IPtpDataSource dataOut = null, IPtpDataSink dataIn = null, CancellationToken cancel = default, params uint[] args)
        {
            var p = new uint[1 + args.Length];
            p[0] = (uint)command;
            Array.Copy(args, 0, p, 1, args.Length);
            return Session.Execute(PtpOperation.Chdk, p, dataOut, dataIn, cancel, "CHDK " + name);
        }

        /// <summary>Sub-command 0: the camera's protocol version.</summary>
        public Version GetVersion()
        {
            var r = Chdk(ChdkCommand.Version, "Version");
            return new Version((int)r.Parameter(0), (int)r.Parameter(1));
        }

        /// <summary>Sub-command 1: reads camera memory. <paramref name="buffered"/> copies through a heap buffer (for MMIO/TCM; protocol 2.8).</summary>
        public byte[] GetMemory(uint address, int length, bool buffered = false, CancellationToken cancel = default)
        {
            if (length < 1) throw new ArgumentOutOfRangeException(nameof(length), "At least one byte must be read.");
            var sink = new MemoryDataSink(length);
            GetMemory(address, length, sink, buffered, cancel);
            var data = sink.ToArray();
            if (data.Length != length)
                throw new PtpProtocolException($"Asked for {length} bytes of memory, the camera sent {data.Length}.");
            return data;
        }

        public void GetMemory(uint address, int length, IPtpDataSink sink, bool buffered, CancellationToken cancel = default)
        {
            if (length < 1) throw new ArgumentOutOfRangeException(nameof(length), "At least one byte must be read.");
            if (buffered) Require(MinorGetMemoryMode, "Buffered memory reads");
            if (address < 4 && !Supports(MinorGetMemoryMode))
                throw new ChdkVersionException("Reading memory below address 4", 2, MinorGetMemoryMode, ProtocolMajor, ProtocolMinor);
            if (Supports(MinorGetMemoryMode))
                Chdk(ChdkCommand.GetMemory, "GetMemory", null, sink, cancel, address, (uint)length, buffered ? 1u : 0u);
            else
                Chdk(ChdkCommand.GetMemory, "GetMemory", null, sink, cancel, address, (uint)length);
        }

        /// <summary>Sub-command 2: writes camera memory.</summary>
        public void SetMemory(uint address, byte[] data)
        {
            if (data == null || data.Length == 0) throw new ArgumentException("At least one byte must be written.", nameof(data));
            if (address == 0) throw new ArgumentOutOfRangeException(nameof(address), "CHDK refuses writes to address 0.");
            Chdk(ChdkCommand.SetMemory, "SetMemory", new BytesDataSource(data), null, default, address, (uint)data.Length);
        }

        /// <summary>Sub-command 3: calls the function at <paramref name="address"/> with 32-bit arguments; returns its result.</summary>
        public int CallFunction(uint address, params int[] arguments)
        {
            arguments = arguments ?? Array.Empty<int>();
            if (!Supports(MinorRemoteCapture) && arguments.Length > 9)
                throw new ChdkVersionException("Calling a function with more than 9 arguments", 2, MinorRemoteCapture, ProtocolMajor, ProtocolMinor);
            var data = new byte[4 * (1 + arguments.Length)];
            UsbContainerHeader.WriteUInt32(data, address);
            for (int i = 0; i < arguments.Length; i++) UsbContainerHeader.WriteUInt32(data.AsSpan(4 + 4 * i), (uint)arguments[i]);
            var r = Chdk(ChdkCommand.CallFunction, "CallFunction", new BytesDataSource(data));
            return (int)r.Parameter(0);
        }

        /// <summary>Sub-command 4 (upload): stores bytes in the camera's temporary buffer.</summary>
        public void SetTempData(byte[] data)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            Chdk(ChdkCommand.TempData, "TempData", new BytesDataSource(data), null, default, 0u);
        }

        /// <summary>Sub-command 4 with TD_DOWNLOAD: reads the temporary buffer, optionally clearing it.</summary>
        public byte[] GetTempData(bool clear = false)
        {
            var sink = new MemoryDataSink();
            Chdk(ChdkCommand.TempData, "TempData", null, sink, default, ChdkConstants.TempDataDownload | (clear ? ChdkConstants.TempDataClear : 0));
            return sink.ToArray();
        }

        /// <summary>Sub-command 4 with TD_CLEAR: frees the temporary buffer.</summary>
        public void ClearTempData() => Chdk(ChdkCommand.TempData, "TempData", null, null, default, ChdkConstants.TempDataClear);

        /// <summary>Sub-command 5: writes a file on the camera (remote path such as <c>A/CHDK/X.LUA</c>).</summary>
        public void UploadFile(string remotePath, IPtpDataSource contents, CancellationToken cancel = default)
        {
            var name = Encoding.UTF8.GetBytes(remotePath ?? throw new ArgumentNullException(nameof(remotePath)));
            if (name.Length == 0) throw new ArgumentException("A remote path is required.", nameof(remotePath));
            Chdk(ChdkCommand.UploadFile, "UploadFile", new UploadSource(name, contents), null, cancel);
        }

        /// <summary>Sub-commands 4 then 6: reads a camera file into <paramref name="sink"/>; returns the size the camera reports.
        /// A zero-length file cannot be downloaded (CHDK sends no data phase): check the size first.</summary>
        public long DownloadFile(string remotePath, IPtpDataSink sink, CancellationToken cancel = default)
        {
            var name = Encoding.UTF8.GetBytes(remotePath ?? throw new ArgumentNullException(nameof(remotePath)));
            SetTempData(name);
            var r = Chdk(ChdkCommand.DownloadFile, "DownloadFile", null, sink, cancel);
            return r.Parameter(0);
        }

        /// <summary>Sub-command 7: starts a script. Returns the new script id and the status (0 OK,
        /// 1 compile error, 0x1000 a script is running and NOKILL was given).</summary>
        public (uint ScriptId, uint Status) ExecuteScript(string code, ExecuteScriptFlags flags = ExecuteScriptFlags.Default, uint language = ChdkConstants.ScriptLanguageLua)
        {
            if (code == null) throw new ArgumentNullException(nameof(code));
            if (flags != ExecuteScriptFlags.None && !Supports(MinorScriptFlags))
                throw new ChdkVersionException("Script flags (no-kill, flush)", 2, MinorScriptFlags, ProtocolMajor, ProtocolMinor);
            var bytes = Scripting.LuaText.Encode(code);
            var data = new byte[bytes.Length + 1]; // NUL-terminated, as chdkptp and gphoto2 send it
            Buffer.BlockCopy(bytes, 0, data, 0, bytes.Length);
            var r = Chdk(ChdkCommand.ExecuteScript, "ExecuteScript", new BytesDataSource(data), null, default, (language & ChdkConstants.ScriptLanguageMask) | (uint)flags);
            return (r.Parameter(0), r.Parameter(1));
        }

        /// <summary>Sub-command 8.</summary>
        public ScriptStatus GetScriptStatus() => (ScriptStatus)Chdk(ChdkCommand.ScriptStatus, "ScriptStatus").Parameter(0);

        /// <summary>Sub-command 9: bit 0 = Lua.</summary>
        public uint GetScriptSupport() => Chdk(ChdkCommand.ScriptSupport, "ScriptSupport").Parameter(0);

        /// <summary>Sub-command 10: the oldest queued camera-to-host message, or null when there is none.</summary>
        public ChdkScriptMessage ReadScriptMessage()
        {
            var sink = new MemoryDataSink(16 * 1024 * 1024);
            var r = Chdk(ChdkCommand.ReadScriptMsg, "ReadScriptMsg", null, sink);
            var type = (ScriptMessageType)r.Parameter(0);
            if (type == ScriptMessageType.None) return null;
            var data = sink.ToArray();
            long length = r.Parameter(3);
            if (length > data.Length)
                throw new PtpProtocolException($"ReadScriptMsg says the message has {length} bytes but its data phase has {data.Length}.");
            if (length < data.Length)
            {
                var t = new byte[length];
                Array.Copy(data, t, length);
                data = t;
            }
            return new ChdkScriptMessage(type, r.Parameter(1), r.Parameter(2), data);
        }

        /// <summary>Sub-command 11: sends a message to the running script (0 = whichever script runs).</summary>
        public WriteScriptMessageStatus WriteScriptMessage(byte[] message, uint scriptId)
        {
            if (message == null) throw new ArgumentNullException(nameof(message));
            if (message.Length == 0)
                throw new ArgumentException("CHDK cameras stop responding after an empty message; send at least one byte.", nameof(message));
            return (WriteScriptMessageStatus)Chdk(ChdkCommand.WriteScriptMsg, "WriteScriptMsg", new BytesDataSource(message), null, default, scriptId).Parameter(0);
        }

        /// <summary>Sub-command 12: one live-view frame (protocol 2.3).</summary>
        public byte[] GetDisplayData(LiveViewFlags flags)
        {
            Require(MinorLiveView, "Live view");
            var sink = new MemoryDataSink(64 * 1024 * 1024);
            Chdk(ChdkCommand.GetDisplayData, "GetDisplayData", null, sink, default, (uint)flags);
            return sink.ToArray();
        }

        /// <summary>Sub-command 13: which capture type is ready (0x10000000 = not initialised) and the image number.</summary>
        public (uint Status, uint ImageNumber) RemoteCaptureIsReady()
        {
            Require(MinorRemoteCapture, "Remote capture");
            var r = Chdk(ChdkCommand.RemoteCaptureIsReady, "RemoteCaptureIsReady");
            return (r.Parameter(0), r.Parameter(1));
        }

        /// <summary>Sub-command 14: the next chunk of one capture type.</summary>
        public RemoteCaptureChunk RemoteCaptureGetData(CaptureTypes type, IPtpDataSink sink, CancellationToken cancel = default)
        {
            Require(MinorRemoteCapture, "Remote capture");
            if (type == CaptureTypes.CanonRaw) Require(MinorCanonRaw, "Canon raw remote capture");
            var r = Chdk(ChdkCommand.RemoteCaptureGetData, "RemoteCaptureGetData", null, sink, cancel, (uint)type);
            uint off = r.Parameter(2);
            return new RemoteCaptureChunk((int)r.Parameter(0), r.Parameter(1) != 0, off == 0xFFFFFFFF ? -1 : off);
        }

        /// <summary>Closes the PTP session (best effort) and the transport.</summary>
        public void Dispose()
        {
            try { if (Session.IsOpen && !Session.IsFaulted) Session.Close(); }
            catch (PtpException) { }
            catch (ObjectDisposedException) { }
            Session.Dispose();
        }

        /// <summary>UploadFile's data phase: u32 name length, name, contents.</summary>
        private sealed class UploadSource : IPtpDataSource
        {
            private readonly byte[] _head;
            private readonly IPtpDataSource _contents;
            private int _pos;

            public UploadSource(byte[] name, IPtpDataSource contents)
            {
                _contents = contents ?? new BytesDataSource(Array.Empty<byte>());
                _head = new byte[4 + name.Length];
                UsbContainerHeader.WriteUInt32(_head, (uint)name.Length);
                Buffer.BlockCopy(name, 0, _head, 4, name.Length);
            }

            public long Length => _head.Length + _contents.Length;

            public int Read(Span<byte> buffer)
            {
                if (_pos < _head.Length)
                {
                    int n = Math.Min(buffer.Length, _head.Length - _pos);
                    _head.AsSpan(_pos, n).CopyTo(buffer);
                    _pos += n;
                    return n;
                }
                return _contents.Read(buffer);
            }
        }
    }
}
