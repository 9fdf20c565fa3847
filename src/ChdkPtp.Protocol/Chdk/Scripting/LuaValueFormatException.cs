using System;

namespace ChdkPtp.Protocol.Chdk.Scripting
{
    /// <summary>
    /// Text given to <see cref="LuaValueReader"/> is not a valid (or not an accepted) Lua value.
    /// </summary>
    public class LuaValueFormatException : FormatException
    {
        /// <summary>Creates the exception; the position is appended to the message.</summary>
        public LuaValueFormatException(string reason, long position)
            : this(reason, position, null)
        {
        }

        /// <summary>Creates the exception with an inner exception.</summary>
        public LuaValueFormatException(string reason, long position, Exception innerException)
            : base("Invalid Lua value at byte " + position + ": " + reason, innerException)
        {
            Reason = reason;
            Position = position;
        }

        /// <summary>Zero-based byte offset in the input where the problem was found.</summary>
        public long Position { get; }

        /// <summary>The problem, without the position.</summary>
        public string Reason { get; }
    }
}
