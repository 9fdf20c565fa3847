namespace ChdkPtp.Protocol.Chdk
{
    /// <summary>A message read with ReadScriptMsg (PROTOCOL.md §2.4 item 10, §3.4).</summary>
    public sealed class ChdkScriptMessage
    {
        public ChdkScriptMessage(ScriptMessageType type, uint subtype, uint scriptId, byte[] data)
        {
            Type = type;
            Subtype = subtype;
            ScriptId = scriptId;
            Data = data ?? System.Array.Empty<byte>();
        }

        public ScriptMessageType Type { get; }

        /// <summary>A <see cref="ScriptDataType"/> for RET and USER messages, a <see cref="ScriptErrorType"/> for ERR.</summary>
        public uint Subtype { get; }

        public uint ScriptId { get; }

        /// <summary>The message bytes (p4 of the response gives their number).</summary>
        public byte[] Data { get; }

        public ScriptDataType DataType => (ScriptDataType)Subtype;

        public ScriptErrorType ErrorType => (ScriptErrorType)Subtype;
    }
}
