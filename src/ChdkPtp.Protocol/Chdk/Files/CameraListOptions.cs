using System;

namespace ChdkPtp.Protocol.Chdk.Files
{
    /// <summary>What <see cref="ChdkFileSystem.List"/> returns and how long it may take.</summary>
    public sealed class CameraListOptions
    {
        /// <summary>Also list the contents of sub-folders (all levels unless <see cref="Depth"/> limits them).</summary>
        public bool Recurse { get; set; }

        /// <summary>Deepest level listed: 0 = only the items the path names (a folder's contents), 1 = one
        /// level of sub-folders more, ... Setting it implies <see cref="Recurse"/> (as Get-ChildItem -Depth does).
        /// Null = unlimited when recursing.</summary>
        public int? Depth { get; set; }

        /// <summary>Only files (entries that are not directories).</summary>
        public bool FilesOnly { get; set; }

        /// <summary>Only directories.</summary>
        public bool DirectoriesOnly { get; set; }

        /// <summary>Wildcard (<c>*</c>, <c>?</c>, <c>[a-z]</c>, backtick escapes) matched against item names at every
        /// level, case-insensitively for ASCII letters, on the camera. Folders are still recursed into when their
        /// own name does not match.</summary>
        public string Filter { get; set; }

        /// <summary>Stop after this many items (checked on the camera); null = no limit.</summary>
        public int? MaxItems { get; set; }

        /// <summary>Items per USER message (chdkptp uses 50). 1..500.</summary>
        public int BatchSize { get; set; } = 50;

        /// <summary>How long the camera script waits for the host to read when the 15-message queue is
        /// full before it gives up with an error (chdkptp: 100 s). A consumer that pauses the enumeration
        /// for longer than this makes the listing fail.</summary>
        public TimeSpan MessageTimeout { get; set; } = TimeSpan.FromSeconds(100);

        /// <summary>Longest time the whole listing may take on the host side; null = no limit.</summary>
        public TimeSpan? Timeout { get; set; }

        /// <summary>Kill a script already running on the camera instead of failing with
        /// <see cref="ChdkScriptRunningException"/>.</summary>
        public bool KillRunningScript { get; set; }

        internal CameraListOptions Clone() => (CameraListOptions)MemberwiseClone();
    }
}
