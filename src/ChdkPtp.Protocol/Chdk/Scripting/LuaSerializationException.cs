using System;

namespace ChdkPtp.Protocol.Chdk.Scripting
{
    /// <summary>
    /// A .NET value cannot be written as a CHDK Lua literal (unsupported type, number out of range,
    /// nesting too deep, reference cycle, ...). <see cref="Path"/> names the offending element.
    /// </summary>
    public class LuaSerializationException : ArgumentException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="reason">What is wrong.</param>
        /// <param name="path">Where: e.g. <c>[3].name</c> (Lua keys, so list positions count from 1);
        /// empty for the value itself.</param>
        public LuaSerializationException(string reason, string path)
            : this(reason, path, null)
        {
        }

        /// <summary>Creates the exception with an inner exception.</summary>
        public LuaSerializationException(string reason, string path, Exception innerException)
            : base(string.IsNullOrEmpty(path)
                    ? "Cannot write the value as a CHDK Lua literal: " + reason
                    : "Cannot write the value as a CHDK Lua literal: " + reason + " (at " + path + ")",
                   innerException)
        {
            Reason = reason;
            Path = path ?? string.Empty;
        }

        /// <summary>Path of the offending element (empty for the value itself).</summary>
        public string Path { get; }

        /// <summary>The problem, without the path.</summary>
        public string Reason { get; }
    }
}
