using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace ChdkPtp.Simulator.Card
{
    /// <summary>
    /// The virtual SD card: camera paths rooted at <c>A/</c> (e.g. <c>A/DCIM/100CANON/IMG_0001.JPG</c>)
    /// mapped onto a host folder, with FAT semantics: each component is looked up case-insensitively
    /// (also on case-sensitive hosts), <c>\</c> is accepted as <c>/</c>, and anything that could leave
    /// the root is refused: <c>.</c>/<c>..</c> components, drive letters and colons, NULs, control and
    /// FAT-illegal characters, DOS device names, trailing dots/spaces, paths not starting with <c>A/</c>,
    /// and host symbolic links / reparse points inside the card.
    /// Errors are returned CHDK style (<c>"&lt;path&gt;: &lt;strerror&gt;"</c>, errno), never thrown.
    /// Thread-safe as far as the host file system is.
    /// </summary>
    public sealed class VirtualCard
    {
        public const string ImageDirectory = "A/DCIM/100CANON";
        private static readonly DateTime s_epoch = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
        private static readonly char[] s_illegal = { '"', '*', ':', '<', '>', '?', '|' };
        private static readonly HashSet<string> s_devices = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "CON", "PRN", "AUX", "NUL", "CLOCK$", "CONIN$", "CONOUT$",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
        };

        private long _clockOffset;

        public VirtualCard(string rootFolder)
        {
            if (string.IsNullOrEmpty(rootFolder)) throw new ArgumentNullException(nameof(rootFolder));
            if (!Path.IsPathRooted(rootFolder)) throw new ArgumentException("The card root must be an absolute path.", nameof(rootFolder));
            Root = Path.GetFullPath(rootFolder);
            _hostIsCaseSensitive = ProbeCaseSensitive(Root);
        }

        private readonly bool _hostIsCaseSensitive;

        /// <summary>
        /// True when the file system holding the card tells names apart by case (most Linux file systems):
        /// then an exact hit is the real name and no folder scan is needed. Probed on the root's own path;
        /// when that has no letter to flip, the folder is scanned as on a case-insensitive host.
        /// </summary>
        private static bool ProbeCaseSensitive(string root)
        {
            var chars = root.ToCharArray();
            int i = Array.FindLastIndex(chars, char.IsLetter);
            if (i < 0) return false;
            chars[i] = char.IsUpper(chars[i]) ? char.ToLowerInvariant(chars[i]) : char.ToUpperInvariant(chars[i]);
            try { return Directory.Exists(root) && !Directory.Exists(new string(chars)); }
            catch (Exception) { return false; }
        }

        /// <summary>Host folder that is <c>A/</c>.</summary>
        public string Root { get; }

        /// <summary>
        /// Seconds added to the host's local wall clock to give the camera's clock (set_clock changes it).
        /// Applied to file times both ways, so that os.stat and os.time agree.
        /// </summary>
        public long ClockOffsetSeconds
        {
            get => System.Threading.Interlocked.Read(ref _clockOffset);
            set => System.Threading.Interlocked.Exchange(ref _clockOffset, value);
        }

        // ---------------------------------------------------------------------------------------
        // time

        /// <summary>The camera clock now: local wall-clock seconds since 1970 (no time zone, as DryOS keeps it).</summary>
        public long CameraNow() => ToCameraTime(DateTime.UtcNow);

        public long ToCameraTime(DateTime utc)
        {
            if (utc.Kind == DateTimeKind.Local) utc = utc.ToUniversalTime();
            DateTime local;
            try { local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeZoneInfo.Local); }
            catch (ArgumentException) { local = utc; }
            return (long)Math.Floor((local - s_epoch).TotalSeconds) + ClockOffsetSeconds;
        }

        public DateTime FromCameraTime(long cameraSeconds)
        {
            var local = s_epoch.AddSeconds(Clamp(cameraSeconds - ClockOffsetSeconds));
            try
            {
                return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), TimeZoneInfo.Local);
            }
            catch (ArgumentException)
            {
                // invalid local time (spring-forward gap): use the offset in force an hour later
                var offset = TimeZoneInfo.Local.GetUtcOffset(local.AddHours(1));
                return DateTime.SpecifyKind(local - offset, DateTimeKind.Utc);
            }
        }

        private static double Clamp(long seconds)
        {
            // DateTime covers years 1..9999; keep within 1601..9000 so file APIs accept it
            const long min = -11644473600L, max = 221845392000L;
            return seconds < min ? min : seconds > max ? max : seconds;
        }

        // ---------------------------------------------------------------------------------------
        // path resolution

        /// <summary>A camera path mapped onto the host.</summary>
        public sealed class ResolvedPath
        {
            internal ResolvedPath(string cameraPath, string hostPath, bool isRoot, bool exists, bool isDirectory, bool parentIsDirectory, bool trailingSlash)
            {
                CameraPath = cameraPath;
                HostPath = hostPath;
                IsRoot = isRoot;
                Exists = exists;
                IsDirectory = isDirectory;
                ParentIsDirectory = parentIsDirectory;
                TrailingSlash = trailingSlash;
            }

            public string CameraPath { get; }

            /// <summary>Host path, with the real case of every existing component.</summary>
            public string HostPath { get; }

            public bool IsRoot { get; }
            public bool Exists { get; }
            public bool IsDirectory { get; }

            /// <summary>All components but the last exist and are directories.</summary>
            public bool ParentIsDirectory { get; }

            public bool TrailingSlash { get; }
        }

        /// <summary>
        /// Maps a camera path; errors: ENOENT (not under <c>A/</c>), EINVAL (a refused component),
        /// ENOTDIR (a middle component is a file), EACCES (a host link inside the card).
        /// A missing last component (or missing middle ones) is not an error: see Exists / ParentIsDirectory.
        /// </summary>
        public CardResult<ResolvedPath> Resolve(string cameraPath)
        {
            if (cameraPath == null || cameraPath.Length == 0) return CardResult<ResolvedPath>.Failure(cameraPath, CardErrno.ENOENT);
            if (cameraPath.IndexOf('\0') >= 0) return CardResult<ResolvedPath>.Failure(cameraPath, CardErrno.EINVAL);
            var p = cameraPath.Replace('\\', '/');
            if (!(p[0] == 'A' || p[0] == 'a') || (p.Length > 1 && p[1] != '/'))
                return CardResult<ResolvedPath>.Failure(cameraPath, CardErrno.ENOENT);
            var rest = p.Length > 2 ? p.Substring(2) : "";
            var parts = rest.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries);
            bool trailing = parts.Length > 0 && rest.EndsWith("/", StringComparison.Ordinal);
            if (parts.Length == 0)
                return CardResult<ResolvedPath>.Success(new ResolvedPath(cameraPath, Root, true, Directory.Exists(Root), true, true, false));

            foreach (var part in parts)
                if (!IsLegalComponent(part)) return CardResult<ResolvedPath>.Failure(cameraPath, CardErrno.EINVAL);

            string current = Root;
            bool exists = true;
            bool parentIsDir = true;
            bool isDir = true;
            for (int i = 0; i < parts.Length; i++)
            {
                bool last = i == parts.Length - 1;
                if (!exists)
                {
                    current = Path.Combine(current, parts[i]);
                    if (!last) parentIsDir = false;
                    continue;
                }
                if (!isDir)
                {
                    // the previous component is a file
                    return CardResult<ResolvedPath>.Failure(cameraPath, CardErrno.ENOTDIR);
                }
                var found = FindEntry(current, parts[i]);
                if (found == null)
                {
                    exists = false;
                    isDir = false;
                    current = Path.Combine(current, parts[i]);
                    if (!last) parentIsDir = false;
                    continue;
                }
                var attributes = SafeAttributes(found);
                if (attributes == null)
                {
                    exists = false;
                    isDir = false;
                    current = found;
                    if (!last) parentIsDir = false;
                    continue;
                }
                if ((attributes.Value & FileAttributes.ReparsePoint) != 0)
                    return CardResult<ResolvedPath>.Failure(cameraPath, CardErrno.EACCES);
                current = found;
                isDir = (attributes.Value & FileAttributes.Directory) != 0;
            }
            if (!IsInsideRoot(current)) return CardResult<ResolvedPath>.Failure(cameraPath, CardErrno.EINVAL);
            return CardResult<ResolvedPath>.Success(new ResolvedPath(cameraPath, current, false, exists, exists && isDir, parentIsDir, trailing));
        }

        /// <summary>True if the component is a plain FAT long name that cannot name anything but an entry of its folder.</summary>
        public static bool IsLegalComponent(string part)
        {
            if (string.IsNullOrEmpty(part) || part.Length > 255) return false;
            if (part == "." || part == "..") return false;
            if (part.IndexOfAny(s_illegal) >= 0) return false;
            foreach (var c in part)
                if (c < 0x20 || c == 0x7F) return false;
            var lastChar = part[part.Length - 1];
            if (lastChar == '.' || lastChar == ' ') return false;
            var dot = part.IndexOf('.');
            var stem = (dot >= 0 ? part.Substring(0, dot) : part).TrimEnd(' ');
            if (s_devices.Contains(stem)) return false;
            return true;
        }

        private bool IsInsideRoot(string hostPath)
        {
            var full = Path.GetFullPath(hostPath);
            var root = Root.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            return full.Length > root.Length
                && full.StartsWith(root, StringComparison.Ordinal)
                && (full[root.Length] == Path.DirectorySeparatorChar || full[root.Length] == Path.AltDirectorySeparatorChar);
        }

        /// <summary>The host path of the entry of <paramref name="directory"/> named <paramref name="name"/> ignoring case, or null.</summary>
        private string FindEntry(string directory, string name)
        {
            var exact = Path.Combine(directory, name);
            if (File.Exists(exact) || Directory.Exists(exact))
            {
                if (_hostIsCaseSensitive) return exact;
                // On a case-insensitive host the exact probe also hits other cases: report the real name.
                var real = RealName(directory, name);
                return real != null ? Path.Combine(directory, real) : exact;
            }
            var match = RealName(directory, name);
            return match == null ? null : Path.Combine(directory, match);
        }

        private static string RealName(string directory, string name)
        {
            try
            {
                string best = null;
                foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
                {
                    var n = Path.GetFileName(entry);
                    if (string.Equals(n, name, StringComparison.Ordinal)) return n;
                    if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase)
                        && (best == null || string.CompareOrdinal(n, best) < 0))
                        best = n;
                }
                return best;
            }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
        }

        private static FileAttributes? SafeAttributes(string hostPath)
        {
            try { return File.GetAttributes(hostPath); }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
        }

        // ---------------------------------------------------------------------------------------
        // directory operations

        /// <summary>os.listdir: entry names (without <c>.</c> and <c>..</c> unless <paramref name="showAll"/>).</summary>
        public CardResult<string[]> ListDirectory(string cameraPath, bool showAll = false)
        {
            var r = Resolve(cameraPath);
            if (!r.Ok) return r.CastError<string[]>();
            var rp = r.Value;
            if (rp.TrailingSlash || !rp.Exists) return CardResult<string[]>.Failure(cameraPath, CardErrno.ENOENT);
            if (!rp.IsDirectory) return CardResult<string[]>.Failure(cameraPath, CardErrno.ENOTDIR);
            try
            {
                var names = new List<string>();
                foreach (var entry in Directory.EnumerateFileSystemEntries(rp.HostPath))
                {
                    var attributes = SafeAttributes(entry);
                    if (attributes == null || (attributes.Value & FileAttributes.ReparsePoint) != 0) continue;
                    names.Add(Path.GetFileName(entry));
                }
                names.Sort(NameOrder);
                if (showAll && !rp.IsRoot)
                {
                    names.Insert(0, "..");
                    names.Insert(0, ".");
                }
                return CardResult<string[]>.Success(names.ToArray());
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return CardResult<string[]>.Failure(cameraPath, ErrnoOf(ex));
            }
        }

        private static int NameOrder(string a, string b)
        {
            int c = string.Compare(a, b, StringComparison.OrdinalIgnoreCase);
            return c != 0 ? c : string.CompareOrdinal(a, b);
        }

        public CardResult<CardStat> Stat(string cameraPath)
        {
            var r = Resolve(cameraPath);
            if (!r.Ok) return r.CastError<CardStat>();
            var rp = r.Value;
            if (!rp.Exists || (rp.TrailingSlash && !rp.IsDirectory)) return CardResult<CardStat>.Failure(cameraPath, CardErrno.ENOENT);
            try
            {
                var st = new CardStat();
                if (rp.IsDirectory)
                {
                    var di = new DirectoryInfo(rp.HostPath);
                    st.IsDirectory = true;
                    st.Attributes = 0x10;
                    st.MTime = ToCameraTime(di.LastWriteTimeUtc);
                    st.CTime = ToCameraTime(di.CreationTimeUtc);
                }
                else
                {
                    var fi = new FileInfo(rp.HostPath);
                    st.IsFile = true;
                    st.Size = fi.Length;
                    st.Attributes = 0x20 | ((fi.Attributes & FileAttributes.ReadOnly) != 0 ? 0x01 : 0);
                    st.MTime = ToCameraTime(fi.LastWriteTimeUtc);
                    st.CTime = ToCameraTime(fi.CreationTimeUtc);
                }
                return CardResult<CardStat>.Success(st);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return CardResult<CardStat>.Failure(cameraPath, ErrnoOf(ex));
            }
        }

        /// <summary>os.mkdir: one level.</summary>
        public CardResult<bool> MakeDirectory(string cameraPath)
        {
            var r = Resolve(cameraPath);
            if (!r.Ok) return r.CastError<bool>();
            var rp = r.Value;
            if (rp.Exists) return CardResult<bool>.Failure(cameraPath, CardErrno.EEXIST);
            if (!rp.ParentIsDirectory) return CardResult<bool>.Failure(cameraPath, CardErrno.ENOENT);
            try
            {
                Directory.CreateDirectory(rp.HostPath);
                return CardResult<bool>.Success(true);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return CardResult<bool>.Failure(cameraPath, ErrnoOf(ex));
            }
        }

        /// <summary>Creates every missing level (used for <c>A/DCIM/100CANON</c>).</summary>
        public CardResult<bool> MakeDirectories(string cameraPath)
        {
            var r = Resolve(cameraPath);
            if (!r.Ok) return r.CastError<bool>();
            if (r.Value.Exists) return r.Value.IsDirectory ? CardResult<bool>.Success(true) : CardResult<bool>.Failure(cameraPath, CardErrno.EEXIST);
            var parts = cameraPath.Replace('\\', '/').Substring(2).Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries);
            var sofar = "A";
            foreach (var part in parts)
            {
                sofar += "/" + part;
                var step = Resolve(sofar);
                if (!step.Ok) return step.CastError<bool>();
                if (step.Value.Exists)
                {
                    if (!step.Value.IsDirectory) return CardResult<bool>.Failure(cameraPath, CardErrno.ENOTDIR);
                    continue;
                }
                var made = MakeDirectory(sofar);
                if (!made.Ok) return made;
            }
            return CardResult<bool>.Success(true);
        }

        /// <summary>os.remove: files and empty directories.</summary>
        public CardResult<bool> Remove(string cameraPath)
        {
            var r = Resolve(cameraPath);
            if (!r.Ok) return r.CastError<bool>();
            var rp = r.Value;
            if (rp.IsRoot) return CardResult<bool>.Failure(cameraPath, CardErrno.EACCES);
            if (!rp.Exists) return CardResult<bool>.Failure(cameraPath, CardErrno.ENOENT);
            try
            {
                if (rp.IsDirectory)
                {
                    if (Directory.EnumerateFileSystemEntries(rp.HostPath).Any())
                        return CardResult<bool>.Failure(cameraPath, CardErrno.ENOTEMPTY);
                    Directory.Delete(rp.HostPath, false);
                }
                else
                {
                    if ((File.GetAttributes(rp.HostPath) & FileAttributes.ReadOnly) != 0)
                        return CardResult<bool>.Failure(cameraPath, CardErrno.EACCES);
                    File.Delete(rp.HostPath);
                }
                return CardResult<bool>.Success(true);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return CardResult<bool>.Failure(cameraPath, ErrnoOf(ex));
            }
        }

        /// <summary>os.rename. The message names the source path, as Lua's os.rename does.</summary>
        public CardResult<bool> Rename(string fromPath, string toPath)
        {
            var rf = Resolve(fromPath);
            if (!rf.Ok) return rf.CastError<bool>();
            var rt = Resolve(toPath);
            if (!rt.Ok) return CardResult<bool>.FromError(fromPath + ": " + CardErrno.StrError(rt.Errno), rt.Errno);
            var from = rf.Value;
            var to = rt.Value;
            if (from.IsRoot || to.IsRoot) return CardResult<bool>.Failure(fromPath, CardErrno.EACCES);
            if (!from.Exists) return CardResult<bool>.Failure(fromPath, CardErrno.ENOENT);
            if (!to.ParentIsDirectory) return CardResult<bool>.Failure(fromPath, CardErrno.ENOENT);
            bool sameEntry = to.Exists && string.Equals(Path.GetFullPath(from.HostPath), Path.GetFullPath(to.HostPath), StringComparison.Ordinal);
            if (to.Exists && !sameEntry) return CardResult<bool>.Failure(fromPath, CardErrno.EEXIST);
            var fromFull = Path.GetFullPath(from.HostPath);
            var toFull = sameEntry
                ? Path.Combine(Path.GetDirectoryName(fromFull), Path.GetFileName(to.CameraPath.Replace('\\', '/').TrimEnd('/')))
                : Path.GetFullPath(to.HostPath);
            if (from.IsDirectory && toFull.StartsWith(fromFull + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                return CardResult<bool>.Failure(fromPath, CardErrno.EINVAL);
            try
            {
                if (sameEntry)
                {
                    if (string.Equals(fromFull, toFull, StringComparison.Ordinal)) return CardResult<bool>.Success(true);
                    // case-only rename: go through a temporary name (needed on case-insensitive hosts)
                    var temp = Path.Combine(Path.GetDirectoryName(fromFull), "~ren" + Guid.NewGuid().ToString("N").Substring(0, 8));
                    Move(fromFull, temp, from.IsDirectory);
                    Move(temp, toFull, from.IsDirectory);
                }
                else
                {
                    Move(fromFull, toFull, from.IsDirectory);
                }
                return CardResult<bool>.Success(true);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return CardResult<bool>.Failure(fromPath, ErrnoOf(ex));
            }
        }

        private static void Move(string from, string to, bool isDirectory)
        {
            if (isDirectory) Directory.Move(from, to);
            else File.Move(from, to);
        }

        /// <summary>os.utime: times in camera-local seconds; null = now.</summary>
        public CardResult<bool> SetTimes(string cameraPath, long? modified, long? accessed)
        {
            var r = Resolve(cameraPath);
            if (!r.Ok) return r.CastError<bool>();
            var rp = r.Value;
            if (!rp.Exists) return CardResult<bool>.Failure(cameraPath, CardErrno.ENOENT);
            var now = CameraNow();
            var m = FromCameraTime(modified ?? now);
            var a = FromCameraTime(accessed ?? now);
            try
            {
                if (rp.IsDirectory)
                {
                    Directory.SetLastWriteTimeUtc(rp.HostPath, m);
                    Directory.SetLastAccessTimeUtc(rp.HostPath, a);
                }
                else
                {
                    File.SetLastWriteTimeUtc(rp.HostPath, m);
                    File.SetLastAccessTimeUtc(rp.HostPath, a);
                }
                return CardResult<bool>.Success(true);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException)
            {
                return CardResult<bool>.Failure(cameraPath, ex is ArgumentException ? CardErrno.EINVAL : ErrnoOf(ex));
            }
        }

        // ---------------------------------------------------------------------------------------
        // files

        /// <summary>
        /// Opens a file with C <c>fopen</c> semantics for <paramref name="mode"/> ("r", "w", "a", "r+",
        /// "w+", "a+", each optionally with "b"). The caller owns the stream. For append modes, writes
        /// must go to the end: see <see cref="CardFile.Append"/>.
        /// </summary>
        public CardResult<CardFile> Open(string cameraPath, string mode)
        {
            if (!TryParseMode(mode, out var fileMode, out var access, out var append))
                return CardResult<CardFile>.Failure(cameraPath, CardErrno.EINVAL);
            var r = Resolve(cameraPath);
            if (!r.Ok) return r.CastError<CardFile>();
            var rp = r.Value;
            if (rp.IsRoot || rp.IsDirectory) return CardResult<CardFile>.Failure(cameraPath, CardErrno.EISDIR);
            if (rp.TrailingSlash) return CardResult<CardFile>.Failure(cameraPath, CardErrno.ENOENT);
            if (!rp.Exists && (fileMode == FileMode.Open || !rp.ParentIsDirectory))
                return CardResult<CardFile>.Failure(cameraPath, CardErrno.ENOENT);
            try
            {
                var fs = new FileStream(rp.HostPath, fileMode, access, FileShare.ReadWrite | FileShare.Delete, 4096);
                if (append) fs.Seek(0, SeekOrigin.End);
                return CardResult<CardFile>.Success(new CardFile(fs, append, (access & FileAccess.Read) != 0, (access & FileAccess.Write) != 0));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return CardResult<CardFile>.Failure(cameraPath, ErrnoOf(ex));
            }
        }

        public static bool TryParseMode(string mode, out FileMode fileMode, out FileAccess access, out bool append)
        {
            fileMode = FileMode.Open;
            access = FileAccess.Read;
            append = false;
            if (string.IsNullOrEmpty(mode)) return false;
            var m = mode.Replace("b", "");
            if (mode.Length - m.Length > 1) return false;
            switch (m)
            {
                case "r": fileMode = FileMode.Open; access = FileAccess.Read; return true;
                case "r+": fileMode = FileMode.Open; access = FileAccess.ReadWrite; return true;
                case "w": fileMode = FileMode.Create; access = FileAccess.Write; return true;
                case "w+": fileMode = FileMode.Create; access = FileAccess.ReadWrite; return true;
                case "a": fileMode = FileMode.OpenOrCreate; access = FileAccess.Write; append = true; return true;
                case "a+": fileMode = FileMode.OpenOrCreate; access = FileAccess.ReadWrite; append = true; return true;
                default: return false;
            }
        }

        /// <summary>Writes a whole file (creating it or replacing its contents).</summary>
        public CardResult<bool> WriteAllBytes(string cameraPath, byte[] contents)
        {
            var f = Open(cameraPath, "wb");
            if (!f.Ok) return f.CastError<bool>();
            try
            {
                using (var file = f.Value)
                    file.Stream.Write(contents ?? Array.Empty<byte>(), 0, contents?.Length ?? 0);
                return CardResult<bool>.Success(true);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return CardResult<bool>.Failure(cameraPath, ErrnoOf(ex));
            }
        }

        // ---------------------------------------------------------------------------------------
        // space

        /// <summary>Size of the host volume holding the card, in KiB (capped to int32).</summary>
        public long TotalSpaceKb() => SpaceKb(true);

        /// <summary>Free space on the host volume holding the card, in KiB (capped to int32).</summary>
        public long FreeSpaceKb() => SpaceKb(false);

        private long SpaceKb(bool total)
        {
            try
            {
                // Windows wants "C:\"; on Unix DriveInfo takes any directory and reports its file system.
                var name = Path.DirectorySeparatorChar == '\\' ? Path.GetPathRoot(Root) : Root;
                var di = new DriveInfo(name);
                long bytes = total ? di.TotalSize : di.AvailableFreeSpace;
                return Math.Min(bytes / 1024, int.MaxValue);
            }
            catch (Exception)
            {
                return total ? 4L * 1024 * 1024 : 2L * 1024 * 1024;
            }
        }

        internal static int ErrnoOf(Exception ex)
        {
            switch (ex)
            {
                case FileNotFoundException _:
                case DirectoryNotFoundException _:
                    return CardErrno.ENOENT;
                case PathTooLongException _:
                    return CardErrno.ENAMETOOLONG;
                case UnauthorizedAccessException _:
                    return CardErrno.EACCES;
                case IOException io:
                    // HRESULTs for ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL and ENOSPC
                    int h = io.HResult & 0xFFFF;
                    if (h == 0x70 || h == 0x27 || h == 28) return CardErrno.ENOSPC;
                    if (h == 0x50 || h == 0xB7 || h == 17) return CardErrno.EEXIST;
                    return CardErrno.EIO;
                default:
                    return CardErrno.EIO;
            }
        }
    }

    /// <summary>An open card file: a host stream plus the C stdio facts Lua's io needs.</summary>
    public sealed class CardFile : IDisposable
    {
        internal CardFile(FileStream stream, bool append, bool canRead, bool canWrite)
        {
            Stream = stream;
            Append = append;
            CanRead = canRead;
            CanWrite = canWrite;
        }

        public FileStream Stream { get; }

        /// <summary>Opened with "a"/"a+": every write goes to the end of the file.</summary>
        public bool Append { get; }

        public bool CanRead { get; }
        public bool CanWrite { get; }

        public void Dispose() => Stream.Dispose();
    }
}
