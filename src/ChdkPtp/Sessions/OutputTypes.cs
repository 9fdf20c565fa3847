using System;
using System.Text;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Scripting;

namespace ChdkPtp
{
    /// <summary>A message from a camera script (Get-ChdkScriptMessage, Invoke-ChdkLua's information stream).</summary>
    public sealed class ChdkMessage
    {
        internal ChdkMessage(ChdkScriptMessage m, object value, ChdkSession session)
        {
            ScriptId = m.ScriptId;
            Type = m.Type;
            Subtype = m.DataType.ToString();
            Value = value;
            if (m.Type == ScriptMessageType.Error)
            {
                // Our runner reports the user's syntax errors as runtime errors with a marker; show them as
                // what they are, with the line apart from the text.
                var info = ChdkScriptComposer.ParseError(value as string ?? string.Empty, m.ErrorType);
                Subtype = info.Kind == LuaErrorKind.Compile ? "Compile" : "Runtime";
                Line = info.LineIsInComposedScript ? null : info.Line;
                Value = info.Message;
            }
            Session = session;
            Received = DateTime.Now;
        }

        /// <summary>Id of the script that sent it.</summary>
        public uint ScriptId { get; }

        /// <summary>User (write_usb_msg), Return (a return value) or Error.</summary>
        public ScriptMessageType Type { get; }

        /// <summary>The Lua type of the value (Nil, Boolean, Integer, String, Table, Unsupported), or the error kind (Compile, Runtime).</summary>
        public string Subtype { get; }

        /// <summary>The decoded value: null, bool, int, string, array, PSCustomObject or ordered dictionary;
        /// for an Error message, Lua's message without its location.</summary>
        public object Value { get; }

        /// <summary>For an Error message, the line in the script's code when Lua named one.</summary>
        public int? Line { get; }

        public DateTime Received { get; }

        public ChdkSession Session { get; }

        public override string ToString() => $"{ScriptId}:{Type}:{Value}";
    }

    /// <summary>A script started with Invoke-ChdkLua -NoWait.</summary>
    public sealed class ChdkScriptInfo
    {
        internal ChdkScriptInfo(uint id, ChdkSession session)
        {
            ScriptId = id;
            Session = session;
            Started = DateTime.Now;
        }

        public uint ScriptId { get; }
        public DateTime Started { get; }
        public ChdkSession Session { get; }
        public override string ToString() => ScriptId.ToString();
    }

    /// <summary>A block of camera memory read by Get-ChdkMemory.</summary>
    public sealed class ChdkMemoryBlock
    {
        internal ChdkMemoryBlock(uint address, byte[] bytes, ChdkSession session)
        {
            Address = address;
            Bytes = bytes;
            Session = session;
        }

        public uint Address { get; }
        public int Length => Bytes.Length;
        public byte[] Bytes { get; }
        public ChdkSession Session { get; }

        /// <summary>The 32-bit little-endian words of the block (a trailing partial word is left out).</summary>
        public int[] ToInt32Array()
        {
            var r = new int[Bytes.Length / 4];
            for (int i = 0; i < r.Length; i++) r[i] = BitConverter.ToInt32(Bytes, 4 * i);
            return r;
        }

        /// <summary>Classic hex dump: address, 16 bytes in hex, the same bytes as ASCII.</summary>
        public string ToHexDump()
        {
            var sb = new StringBuilder();
            for (int row = 0; row < Bytes.Length; row += 16)
            {
                if (row > 0) sb.Append('\n');
                sb.Append("0x").Append(unchecked(Address + (uint)row).ToString("x8")).Append("  ");
                for (int i = 0; i < 16; i++)
                {
                    if (row + i < Bytes.Length) sb.Append(Bytes[row + i].ToString("x2")).Append(' ');
                    else sb.Append("   ");
                    if (i == 7) sb.Append(' ');
                }
                sb.Append(' ');
                for (int i = 0; i < 16 && row + i < Bytes.Length; i++)
                {
                    byte b = Bytes[row + i];
                    sb.Append(b >= 0x20 && b < 0x7F ? (char)b : '.');
                }
            }
            return sb.ToString();
        }

        public override string ToString() => $"0x{Address:x8} {Length} bytes";
    }
}
