namespace ChdkPtp.Protocol.Chdk
{
    /// <summary>The CHDK vendor operation and its sub-commands (PROTOCOL.md §2.1).</summary>
    public enum ChdkCommand : uint
    {
        Version = 0,
        GetMemory = 1,
        SetMemory = 2,
        CallFunction = 3,
        TempData = 4,
        UploadFile = 5,
        DownloadFile = 6,
        ExecuteScript = 7,
        ScriptStatus = 8,
        ScriptSupport = 9,
        ReadScriptMsg = 10,
        WriteScriptMsg = 11,
        GetDisplayData = 12,
        RemoteCaptureIsReady = 13,
        RemoteCaptureGetData = 14,
    }

    public static class ChdkConstants
    {
        public const ushort OperationCode = 0x9999;
        public const int VersionMajor = 2;
        public const int VersionMinor = 9;

        public const uint ScriptLanguageLua = 0;
        public const uint ScriptLanguageUBasic = 1;
        public const uint ScriptLanguageMask = 0xFF;

        public const uint TempDataDownload = 0x1;
        public const uint TempDataClear = 0x2;

        public const uint CaptureNotSet = 0x10000000;

        /// <summary>ExecuteScript status: a script is running and NOKILL was given.</summary>
        public const uint ScriptErrorScriptRunning = 0x1000;

        /// <summary>Usable slots of each script message queue (16-entry ring, one kept empty).</summary>
        public const int MessageQueueCapacity = 15;
    }

    [System.Flags]
    public enum ExecuteScriptFlags : uint
    {
        None = 0,
        /// <summary>If a script is running, fail with status 0x1000 instead of killing it.</summary>
        NoKill = 0x100,
        /// <summary>Discard queued camera-to-host messages before starting.</summary>
        FlushCameraMessages = 0x200,
        /// <summary>Discard queued host-to-camera messages before starting.</summary>
        FlushHostMessages = 0x400,
        /// <summary>chdkptp's default for <c>lua</c> and <c>luar</c>: 0x700.</summary>
        Default = NoKill | FlushCameraMessages | FlushHostMessages,
    }

    [System.Flags]
    public enum ScriptStatus : uint
    {
        None = 0,
        Running = 0x1,
        MessagesQueued = 0x2,
    }

    public enum ScriptMessageType : uint
    {
        None = 0,
        Error = 1,
        Return = 2,
        User = 3,
    }

    /// <summary>Subtype of RET and USER messages.</summary>
    public enum ScriptDataType : uint
    {
        Unsupported = 0,
        Nil = 1,
        Boolean = 2,
        Integer = 3,
        String = 4,
        Table = 5,
    }

    /// <summary>Subtype of ERR messages, and the status of ExecuteScript.</summary>
    public enum ScriptErrorType : uint
    {
        None = 0,
        Compile = 1,
        Runtime = 2,
    }

    public enum WriteScriptMessageStatus : uint
    {
        Ok = 0,
        NotRunning = 1,
        QueueFull = 2,
        BadId = 3,
    }

    [System.Flags]
    public enum LiveViewFlags : uint
    {
        None = 0,
        Viewport = 0x01,
        Bitmap = 0x04,
        Palette = 0x08,
        BitmapOpacity = 0x10,
    }

    [System.Flags]
    public enum CaptureTypes : uint
    {
        None = 0,
        Jpeg = 0x1,
        Raw = 0x2,
        DngHeader = 0x4,
        CanonRaw = 0x8,
    }
}
