using System;

namespace ChdkPtp.Protocol.Ptp
{
    /// <summary>An operation request: code, transaction id, up to five parameters.</summary>
    public readonly struct PtpCommand
    {
        public PtpCommand(ushort code, uint transactionId, uint[] parameters)
        {
            if (parameters != null && parameters.Length > 5) throw new ArgumentException("PTP carries at most five parameters.", nameof(parameters));
            Code = code;
            TransactionId = transactionId;
            Parameters = parameters ?? Array.Empty<uint>();
        }

        public ushort Code { get; }
        public uint TransactionId { get; }
        public uint[] Parameters { get; }

        public uint Parameter(int index) => index < Parameters.Length ? Parameters[index] : 0;
    }

    /// <summary>An operation response: response code, transaction id, up to five parameters.</summary>
    public readonly struct PtpResponse
    {
        public PtpResponse(PtpResponseCode code, uint transactionId, uint[] parameters)
        {
            Code = code;
            TransactionId = transactionId;
            Parameters = parameters ?? Array.Empty<uint>();
        }

        public PtpResponseCode Code { get; }
        public uint TransactionId { get; }
        public uint[] Parameters { get; }

        public bool IsOk => Code == PtpResponseCode.OK;

        public uint Parameter(int index) => index < Parameters.Length ? Parameters[index] : 0;

        public override string ToString() => $"{Code} (tid {TransactionId}, {Parameters.Length} params)";
    }

    /// <summary>The 12-byte header of a USB container (PROTOCOL.md §1.2).</summary>
    public readonly struct UsbContainerHeader
    {
        public const int Size = 12;

        public UsbContainerHeader(uint length, PtpContainerType type, ushort code, uint transactionId)
        {
            Length = length;
            Type = type;
            Code = code;
            TransactionId = transactionId;
        }

        public uint Length { get; }
        public PtpContainerType Type { get; }
        public ushort Code { get; }
        public uint TransactionId { get; }
        public long PayloadLength => (long)Length - Size;

        public void WriteTo(Span<byte> destination)
        {
            if (destination.Length < Size) throw new ArgumentException("Too small for a container header.", nameof(destination));
            WriteUInt32(destination, Length);
            destination[4] = (byte)(ushort)Type; destination[5] = (byte)((ushort)Type >> 8);
            destination[6] = (byte)Code; destination[7] = (byte)(Code >> 8);
            WriteUInt32(destination.Slice(8), TransactionId);
        }

        public static UsbContainerHeader Read(ReadOnlySpan<byte> source)
        {
            if (source.Length < Size) throw new PtpProtocolException($"A container header needs {Size} bytes; got {source.Length}.");
            uint len = ReadUInt32(source);
            var type = (PtpContainerType)(ushort)(source[4] | source[5] << 8);
            var code = (ushort)(source[6] | source[7] << 8);
            uint tid = ReadUInt32(source.Slice(8));
            if (len < Size) throw new PtpProtocolException($"A container claims a length of {len} bytes, less than its own {Size}-byte header.");
            return new UsbContainerHeader(len, type, code, tid);
        }

        internal static uint ReadUInt32(ReadOnlySpan<byte> s) => (uint)(s[0] | s[1] << 8 | s[2] << 16 | s[3] << 24);

        internal static void WriteUInt32(Span<byte> d, uint v)
        {
            d[0] = (byte)v; d[1] = (byte)(v >> 8); d[2] = (byte)(v >> 16); d[3] = (byte)(v >> 24);
        }

        public override string ToString() => $"{Type} 0x{Code:X4} tid {TransactionId} len {Length}";
    }
}
