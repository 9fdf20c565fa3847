using System;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Chdk
{
    /// <summary>Base of CHDK-level errors.</summary>
    public class ChdkException : PtpException
    {
        public ChdkException(string message) : base(message) { }
        public ChdkException(string message, Exception inner) : base(message, inner) { }
    }

    /// <summary>The camera does not run CHDK (no 0x9999 operation, or Version answered OperationNotSupported).</summary>
    public class ChdkNotDetectedException : ChdkException
    {
        public ChdkNotDetectedException(string model)
            : base($"The camera ({model}) does not answer the CHDK PTP extension (operation 0x9999). Is CHDK loaded? Start CHDK on the camera and connect again.") { }
    }

    /// <summary>A feature needs a newer CHDK PTP protocol than the camera speaks.</summary>
    public class ChdkVersionException : ChdkException
    {
        public ChdkVersionException(string feature, int needMajor, int needMinor, int haveMajor, int haveMinor)
            : base($"{feature} needs CHDK PTP protocol {needMajor}.{needMinor} or later; the camera speaks {haveMajor}.{haveMinor}. Update CHDK on the camera.")
        {
            Feature = feature;
            RequiredMinor = needMinor;
            CameraMajor = haveMajor;
            CameraMinor = haveMinor;
        }

        public string Feature { get; }
        public int RequiredMinor { get; }
        public int CameraMajor { get; }
        public int CameraMinor { get; }
    }

    /// <summary>A script is already running on the camera and was not to be killed.</summary>
    public class ChdkScriptRunningException : ChdkException
    {
        public ChdkScriptRunningException()
            : base("A script is already running on the camera. Stop it with Stop-ChdkScript, or use -Force to kill it first.") { }
    }

    /// <summary>A Lua script failed to compile or raised an error on the camera.</summary>
    public class ChdkScriptException : ChdkException
    {
        public ChdkScriptException(string message, ScriptErrorType kind, int? line, string luaMessage, uint scriptId)
            : base(message)
        {
            Kind = kind;
            Line = line;
            LuaMessage = luaMessage;
            ScriptId = scriptId;
        }

        public ScriptErrorType Kind { get; }

        /// <summary>Line in the user's code, when Lua named one.</summary>
        public int? Line { get; }

        /// <summary>Lua's message without the location.</summary>
        public string LuaMessage { get; }

        public uint ScriptId { get; }
    }

    /// <summary>Waiting for a script or a message took longer than allowed.</summary>
    public class ChdkTimeoutException : ChdkException
    {
        public ChdkTimeoutException(string message) : base(message) { }
    }

    /// <summary>WriteScriptMsg was refused: no script, queue full, or a stale script id.</summary>
    public class ChdkMessageException : ChdkException
    {
        public ChdkMessageException(WriteScriptMessageStatus status, uint scriptId)
            : base(Describe(status, scriptId))
        {
            Status = status;
            ScriptId = scriptId;
        }

        public WriteScriptMessageStatus Status { get; }
        public uint ScriptId { get; }

        private static string Describe(WriteScriptMessageStatus s, uint id)
        {
            switch (s)
            {
                case WriteScriptMessageStatus.NotRunning: return "No script is running on the camera to receive the message.";
                case WriteScriptMessageStatus.QueueFull: return "The camera's message queue is full (15 messages): the script is not reading them. Try again later.";
                case WriteScriptMessageStatus.BadId: return $"Script {id} is not the script running on the camera.";
                default: return $"The camera refused the message (status {(uint)s}).";
            }
        }
    }
}
