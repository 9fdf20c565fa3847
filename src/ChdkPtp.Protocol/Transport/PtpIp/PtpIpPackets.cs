using System;
using System.Buffers.Binary;
using System.Text;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Transport.PtpIp
{
    /// <summary>PTP/IP packet types (CIPA DC-005; PTPIP.md §1.2).</summary>
    public enum PtpIpPacketType : uint
    {
        InitCommandRequest = 1,
        InitCommandAck = 2,
        InitEventRequest = 3,
        InitEventAck = 4,
        InitFail = 5,
        OperationRequest = 6,
        OperationResponse = 7,
        Event = 8,
        StartData = 9,
        Data = 10,
        Cancel = 11,
        EndData = 12,
        ProbeRequest = 13,
        ProbeResponse = 14,
    }

    /// <summary>Why a responder refused a connection (the u32 of an InitFail packet).</summary>
    public enum PtpIpInitFailReason : uint
    {
        /// <summary>The initiator is not paired (bonded) with the camera.</summary>
        Rejected = 1,

        /// <summary>The camera has too many connections (another computer is connected).</summary>
        Busy = 2,

        /// <summary>No reason given.</summary>
        Unspecified = 3,
    }

    /// <summary>DataPhaseInfo of an OperationRequest (PTPIP.md §1.2).</summary>
    public enum PtpIpDataPhase : uint
    {
        /// <summary>chdkptp's value for every request: not set.</summary>
        NotSet = 0,

        /// <summary>No data phase, or camera-to-host data.</summary>
        NoDataOrDataIn = 1,

        /// <summary>Host-to-camera data follows.</summary>
        DataOut = 2,

        Unknown = 3,
    }

    /// <summary>The 8-byte header every PTP/IP packet starts with: the whole packet's length and its type.</summary>
    public readonly struct PtpIpPacketHeader
    {
        public const int Size = 8;

        public PtpIpPacketHeader(uint length, PtpIpPacketType type)
        {
            Length = length;
            Type = type;
        }

        /// <summary>Length of the whole packet, header included.</summary>
        public uint Length { get; }

        public PtpIpPacketType Type { get; }

        public long PayloadLength => (long)Length - Size;

        /// <summary>Data and EndData carry a data phase of any size; every other packet is small.</summary>
        public bool CarriesData => Type == PtpIpPacketType.Data || Type == PtpIpPacketType.EndData;

        public override string ToString() => $"{PtpIpPackets.Name(Type)} ({Length} bytes)";
    }

    /// <summary>An Event packet's contents.</summary>
    public readonly struct PtpIpEvent
    {
        public PtpIpEvent(ushort code, uint transactionId, uint[] parameters)
        {
            Code = code;
            TransactionId = transactionId;
            Parameters = parameters ?? Array.Empty<uint>();
        }

        public ushort Code { get; }
        public uint TransactionId { get; }
        public uint[] Parameters { get; }

        public override string ToString() => $"event 0x{Code:X4} (tid {TransactionId}, {Parameters.Length} params)";
    }

    /// <summary>The fields of an InitCommandRequest or InitCommandAck.</summary>
    public sealed class PtpIpInitInfo
    {
        public PtpIpInitInfo(uint connectionNumber, Guid guid, string friendlyName, uint protocolVersion)
        {
            ConnectionNumber = connectionNumber;
            Guid = guid;
            FriendlyName = friendlyName ?? "";
            ProtocolVersion = protocolVersion;
        }

        /// <summary>The ack's connection number (0 in a request, which has none).</summary>
        public uint ConnectionNumber { get; }

        public Guid Guid { get; }

        public string FriendlyName { get; }

        /// <summary>major &lt;&lt; 16 | minor; 1.0 is 0x00010000.</summary>
        public uint ProtocolVersion { get; }

        public override string ToString() => $"'{FriendlyName}' {{{Guid}}} version {ProtocolVersion >> 16}.{ProtocolVersion & 0xFFFF}";
    }

    /// <summary>
    /// Sizes, limits and payload layouts of PTP/IP packets. Every parser is bounded by the payload it is given and
    /// throws <see cref="PtpProtocolException"/> when the payload cannot be the packet it claims to be.
    /// </summary>
    public static class PtpIpPackets
    {
        public const int DefaultPort = 15740;

        /// <summary>PTP/IP 1.0.</summary>
        public const uint ProtocolVersion1 = 0x00010000;

        /// <summary>The longest packet other than Data/EndData that is accepted (an InitCommandRequest with a
        /// friendly name of about 490 characters). Anything longer lies about its length.</summary>
        public const int MaxControlPacket = 1024;

        /// <summary>The longest friendly name written into an Init packet: chdkptp reads the ack into a 264-byte
        /// buffer with one recv, so the ack must stay within 264 bytes (PTPIP.md §1.5).</summary>
        public const int MaxFriendlyNameChars = 115;

        /// <summary>Data-out is sent in Data packets of this many payload bytes, the last chunk inside EndData (as gphoto2).</summary>
        public const int DataChunkSize = 65536;

        /// <summary>Data and EndData: header + u32 transaction id.</summary>
        public const int DataHeaderSize = PtpIpPacketHeader.Size + 4;

        /// <summary>Name of a type for messages: "StartData", or "type 0x00000063" for an unknown one.</summary>
        public static string Name(PtpIpPacketType type) =>
            type >= PtpIpPacketType.InitCommandRequest && type <= PtpIpPacketType.ProbeResponse ? type.ToString() : $"packet type 0x{(uint)type:X8}";

        /// <summary>
        /// Checks that a header's length fits its type: never less than the header, the fixed size of fixed-size
        /// packets, whole parameters, and at most <see cref="MaxControlPacket"/> for anything but Data/EndData.
        /// Unknown types pass when they are short (so a reader can skip them) and fail when longer.
        /// </summary>
        public static void Validate(PtpIpPacketHeader h)
        {
            uint len = h.Length;
            if (len < PtpIpPacketHeader.Size)
                throw new PtpProtocolException($"A PTP/IP packet claims a length of {len} bytes, less than its own 8-byte header.");
            string name = Name(h.Type);
            switch (h.Type)
            {
                case PtpIpPacketType.InitCommandRequest:
                    Range(h, 8 + 16 + 2 + 4, MaxControlPacket);
                    break;
                case PtpIpPacketType.InitCommandAck:
                    Range(h, 8 + 4 + 16 + 2 + 4, MaxControlPacket);
                    break;
                case PtpIpPacketType.InitEventRequest:
                case PtpIpPacketType.InitFail:
                case PtpIpPacketType.Cancel:
                    Range(h, 12, 12);
                    break;
                case PtpIpPacketType.InitEventAck:
                case PtpIpPacketType.ProbeRequest:
                case PtpIpPacketType.ProbeResponse:
                    Range(h, 8, 8);
                    break;
                case PtpIpPacketType.OperationRequest:
                    Range(h, 18, 18 + 4 * 5);
                    if ((len - 18) % 4 != 0) throw new PtpProtocolException($"An OperationRequest of {len} bytes does not hold whole 32-bit parameters.");
                    break;
                case PtpIpPacketType.OperationResponse:
                case PtpIpPacketType.Event:
                    Range(h, 14, 14 + 4 * 5);
                    if ((len - 14) % 4 != 0) throw new PtpProtocolException($"A {name} of {len} bytes does not hold whole 32-bit parameters.");
                    break;
                case PtpIpPacketType.StartData:
                    Range(h, 20, 20);
                    break;
                case PtpIpPacketType.Data:
                case PtpIpPacketType.EndData:
                    Range(h, 12, uint.MaxValue);
                    break;
                default:
                    if (len > MaxControlPacket)
                        throw new PtpProtocolException($"Unknown {name} claims {len} bytes: not a PTP/IP packet (the stream is out of step).");
                    break;
            }
        }

        private static void Range(PtpIpPacketHeader h, uint min, uint max)
        {
            if (h.Length < min || h.Length > max)
            {
                string expect = min == max ? $"exactly {min}" : max == uint.MaxValue ? $"at least {min}" : $"{min} to {max}";
                throw new PtpProtocolException($"A {Name(h.Type)} packet claims {h.Length} bytes; it must be {expect}: its length lies.");
            }
        }

        // ---------------------------------------------------------------------------------------------------
        // payload parsers (payload = the bytes after the 8-byte header)

        /// <summary>InitCommandRequest: GUID, UTF-16LE name, version = the last 4 bytes (PTPIP.md §1.2: the name is
        /// bounded by the packet, trailing NULs stripped; camlib's may lack its terminator).</summary>
        public static PtpIpInitInfo ParseInitCommandRequest(ReadOnlySpan<byte> payload)
        {
            if (payload.Length < 16 + 4) throw new PtpProtocolException($"An InitCommandRequest needs at least 20 payload bytes; got {payload.Length}.");
            var guid = ReadGuid(payload);
            uint version = BinaryPrimitives.ReadUInt32LittleEndian(payload.Slice(payload.Length - 4));
            var name = ReadName(payload.Slice(16, payload.Length - 20));
            return new PtpIpInitInfo(0, guid, name, version);
        }

        /// <summary>InitCommandAck: u32 connection number, GUID, UTF-16LE name, u32 version (the last 4 bytes).</summary>
        public static PtpIpInitInfo ParseInitCommandAck(ReadOnlySpan<byte> payload)
        {
            if (payload.Length < 4 + 16 + 4) throw new PtpProtocolException($"An InitCommandAck needs at least 24 payload bytes; got {payload.Length}.");
            uint conn = BinaryPrimitives.ReadUInt32LittleEndian(payload);
            var guid = ReadGuid(payload.Slice(4));
            uint version = BinaryPrimitives.ReadUInt32LittleEndian(payload.Slice(payload.Length - 4));
            var name = ReadName(payload.Slice(20, payload.Length - 24));
            return new PtpIpInitInfo(conn, guid, name, version);
        }

        public static uint ParseUInt32Payload(ReadOnlySpan<byte> payload, PtpIpPacketType type)
        {
            if (payload.Length != 4) throw new PtpProtocolException($"A {Name(type)} carries one 32-bit value; got {payload.Length} payload bytes.");
            return BinaryPrimitives.ReadUInt32LittleEndian(payload);
        }

        /// <summary>OperationRequest: u32 DataPhaseInfo, u16 code, u32 transaction id, 0-5 parameters.</summary>
        public static PtpCommand ParseOperationRequest(ReadOnlySpan<byte> payload, out PtpIpDataPhase dataPhase)
        {
            if (payload.Length < 10 || payload.Length > 30 || (payload.Length - 10) % 4 != 0)
                throw new PtpProtocolException($"An OperationRequest payload of {payload.Length} bytes is not 10 bytes plus 0 to 5 parameters.");
            dataPhase = (PtpIpDataPhase)BinaryPrimitives.ReadUInt32LittleEndian(payload);
            ushort code = BinaryPrimitives.ReadUInt16LittleEndian(payload.Slice(4));
            uint tid = BinaryPrimitives.ReadUInt32LittleEndian(payload.Slice(6));
            return new PtpCommand(code, tid, ReadParameters(payload.Slice(10)));
        }

        /// <summary>OperationResponse: u16 code, u32 transaction id, 0-5 parameters.</summary>
        public static PtpResponse ParseOperationResponse(ReadOnlySpan<byte> payload)
        {
            if (payload.Length < 6 || payload.Length > 26 || (payload.Length - 6) % 4 != 0)
                throw new PtpProtocolException($"An OperationResponse payload of {payload.Length} bytes is not 6 bytes plus 0 to 5 parameters.");
            ushort code = BinaryPrimitives.ReadUInt16LittleEndian(payload);
            uint tid = BinaryPrimitives.ReadUInt32LittleEndian(payload.Slice(2));
            return new PtpResponse((PtpResponseCode)code, tid, ReadParameters(payload.Slice(6)));
        }

        public static PtpIpEvent ParseEvent(ReadOnlySpan<byte> payload)
        {
            if (payload.Length < 6 || payload.Length > 26 || (payload.Length - 6) % 4 != 0)
                throw new PtpProtocolException($"An Event payload of {payload.Length} bytes is not 6 bytes plus whole parameters.");
            return new PtpIpEvent(BinaryPrimitives.ReadUInt16LittleEndian(payload), BinaryPrimitives.ReadUInt32LittleEndian(payload.Slice(2)), ReadParameters(payload.Slice(6)));
        }

        /// <summary>StartData: u32 transaction id, u64 total data length (0xFFFFFFFFFFFFFFFF = unknown).</summary>
        public static void ParseStartData(ReadOnlySpan<byte> payload, out uint transactionId, out ulong totalLength)
        {
            if (payload.Length != 12) throw new PtpProtocolException($"A StartData payload must be 12 bytes; got {payload.Length}.");
            transactionId = BinaryPrimitives.ReadUInt32LittleEndian(payload);
            totalLength = BinaryPrimitives.ReadUInt32LittleEndian(payload.Slice(4)) | (ulong)BinaryPrimitives.ReadUInt32LittleEndian(payload.Slice(8)) << 32;
        }

        private static uint[] ReadParameters(ReadOnlySpan<byte> s)
        {
            if (s.Length == 0) return Array.Empty<uint>();
            var p = new uint[s.Length / 4];
            for (int i = 0; i < p.Length; i++) p[i] = BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(4 * i));
            return p;
        }

        private static Guid ReadGuid(ReadOnlySpan<byte> s) => new Guid(s.Slice(0, 16).ToArray());

        private static string ReadName(ReadOnlySpan<byte> s)
        {
            int units = s.Length / 2;
            var sb = new StringBuilder(units);
            for (int i = 0; i < units; i++)
            {
                char c = (char)(s[2 * i] | s[2 * i + 1] << 8);
                if (c == '\0') break;
                sb.Append(c);
            }
            return sb.ToString();
        }

        // ---------------------------------------------------------------------------------------------------
        // builders: each writes a whole packet into destination and returns its length

        /// <summary>Writes an InitCommandRequest (<paramref name="connectionNumber"/> null) or an InitCommandAck.</summary>
        public static int WriteInit(Span<byte> d, uint? connectionNumber, Guid guid, string name, uint version)
        {
            name = name ?? "";
            if (name.Length > MaxFriendlyNameChars) name = name.Substring(0, MaxFriendlyNameChars);
            int len = PtpIpPacketHeader.Size + (connectionNumber.HasValue ? 4 : 0) + 16 + 2 * (name.Length + 1) + 4;
            int o = WriteHeader(d, len, connectionNumber.HasValue ? PtpIpPacketType.InitCommandAck : PtpIpPacketType.InitCommandRequest);
            if (connectionNumber.HasValue) { BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(o), connectionNumber.Value); o += 4; }
            guid.ToByteArray().AsSpan().CopyTo(d.Slice(o)); o += 16;
            foreach (char c in name) { d[o++] = (byte)c; d[o++] = (byte)(c >> 8); }
            d[o++] = 0; d[o++] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(o), version); o += 4;
            return o;
        }

        /// <summary>Writes a packet whose payload is one u32 (InitEventRequest, InitFail, Cancel).</summary>
        public static int WriteUInt32Packet(Span<byte> d, PtpIpPacketType type, uint value)
        {
            int o = WriteHeader(d, 12, type);
            BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(o), value);
            return 12;
        }

        /// <summary>Writes a packet with no payload (InitEventAck, ProbeRequest, ProbeResponse).</summary>
        public static int WriteEmptyPacket(Span<byte> d, PtpIpPacketType type) => WriteHeader(d, 8, type);

        public static int WriteOperationRequest(Span<byte> d, PtpIpDataPhase dataPhase, ushort code, uint transactionId, uint[] parameters)
        {
            int n = CheckParameters(parameters);
            int len = 18 + 4 * n;
            int o = WriteHeader(d, len, PtpIpPacketType.OperationRequest);
            BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(o), (uint)dataPhase); o += 4;
            BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(o), code); o += 2;
            BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(o), transactionId); o += 4;
            for (int i = 0; i < n; i++) { BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(o), parameters[i]); o += 4; }
            return len;
        }

        /// <summary>Writes an OperationResponse or Event: u16 code, u32 transaction id, parameters.</summary>
        public static int WriteCodePacket(Span<byte> d, PtpIpPacketType type, ushort code, uint transactionId, uint[] parameters)
        {
            int n = CheckParameters(parameters);
            int len = 14 + 4 * n;
            int o = WriteHeader(d, len, type);
            BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(o), code); o += 2;
            BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(o), transactionId); o += 4;
            for (int i = 0; i < n; i++) { BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(o), parameters[i]); o += 4; }
            return len;
        }

        public static int WriteStartData(Span<byte> d, uint transactionId, ulong totalLength)
        {
            int o = WriteHeader(d, 20, PtpIpPacketType.StartData);
            BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(o), transactionId);
            BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(o + 4), (uint)totalLength);
            BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(o + 8), (uint)(totalLength >> 32));
            return 20;
        }

        /// <summary>Writes the 12-byte head of a Data or EndData packet whose payload is <paramref name="payloadLength"/> bytes.</summary>
        public static int WriteDataHeader(Span<byte> d, PtpIpPacketType type, uint transactionId, long payloadLength)
        {
            if (type != PtpIpPacketType.Data && type != PtpIpPacketType.EndData) throw new ArgumentException("Only Data and EndData carry a payload.", nameof(type));
            if (payloadLength < 0 || payloadLength > uint.MaxValue - DataHeaderSize)
                throw new ArgumentOutOfRangeException(nameof(payloadLength), payloadLength, "A Data packet holds at most 4 GiB - 13 bytes.");
            int o = WriteHeader(d, DataHeaderSize + payloadLength, type);
            BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(o), transactionId);
            return DataHeaderSize;
        }

        private static int WriteHeader(Span<byte> d, long length, PtpIpPacketType type)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(d, (uint)length);
            BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(4), (uint)type);
            return PtpIpPacketHeader.Size;
        }

        private static int CheckParameters(uint[] parameters)
        {
            int n = parameters?.Length ?? 0;
            if (n > 5) throw new ArgumentException("PTP carries at most five parameters.", nameof(parameters));
            return n;
        }
    }
}
