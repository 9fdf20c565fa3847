using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Chdk.Files;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Commands
{
    /// <summary>
    /// Send-ChdkFile: uploads local files (and, with -Recurse, folder trees) to the camera's card, keeping
    /// their modification times; never overwrites a camera file without -Force.
    /// </summary>
    /// <remarks>
    /// Each input record is resolved to a plan first (local files and folders, their camera paths), so the
    /// progress totals of the record are known before the first byte is sent. -Destination is a camera
    /// folder when it ends in <c>/</c> or <c>\</c>, is the root, exists on the camera as a folder, or when
    /// the record sends more than one file, a folder, uses -Recurse, or comes from the pipeline; otherwise it is the camera file name
    /// of the one file. Missing camera folders are created (every level). A folder sent with -Recurse is
    /// created under its own name inside the destination folder, whether or not that exists yet.
    /// </remarks>
    [Cmdlet(VerbsCommunications.Send, "ChdkFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = PathSet)]
    [OutputType(typeof(ChdkItem))]
    public sealed class SendChdkFileCommand : ChdkSessionCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private const int ProgressId = 1;
        private const int LongPath = 32;

        private TransferProgress _progress;
        private string _destination;      // normalised camera path
        private bool _destinationIsFolder; // by its form: a trailing separator, or the root
        private ChdkSession _knownFor;
        private readonly HashSet<string> _knownFolders = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _warned = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Local files or folders; wildcards are expanded by the PowerShell provider, relative to $PWD.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [NotASession]
        public string[] Path { get; set; }

        /// <summary>Local paths taken exactly as written. FileInfo and DirectoryInfo objects bind here by PSPath or FullName.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [Alias("PSPath", "LP", "FullName")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; }

        /// <summary>The camera folder to send into, or the camera file name for a single file.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; }

        /// <summary>Send folders with everything in them.</summary>
        [Parameter]
        public SwitchParameter Recurse { get; set; }

        /// <summary>Replace camera files that exist.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Emit a ChdkItem for each file sent.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            try { _destination = CameraPath.Validate(Destination, nameof(Destination)); }
            catch (ArgumentException ex) { ThrowTerminatingError(ErrorFor(ex, Destination)); }
            _destinationIsFolder = _destination == CameraPath.Root
                || Destination.EndsWith("/", StringComparison.Ordinal)
                || Destination.EndsWith("\\", StringComparison.Ordinal);
            _progress = new TransferProgress(this, ProgressId, "Sending files to the camera");
        }

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            if (!ReferenceEquals(session, _knownFor))
            {
                _knownFor = session;
                _knownFolders.Clear();
            }

            var sources = ResolveSources(out bool oneNamed);
            var plan = Plan(sources);
            if (plan.Count == 0) return;
            var files = plan.Where(e => e.File != null).ToList();
            if (!MyInvocation.ExpectingInput)
            {
                _progress.TotalFiles = files.Count;
                _progress.TotalBytes = files.Sum(e => SizeOf(e.File));
            }

            // Where the plan goes: into a folder, or (one file) to a file name.
            string folder = null, fileTarget = null;
            // A file name only for one file named without wildcards (`*.lua` that matches one file still means a
            // folder) and given as an argument: files piped in one by one always go into a folder, as Receive-ChdkFile's do.
            bool single = oneNamed && !Recurse && !_destinationIsFolder && !MyInvocation.ExpectingInput && plan.Count == 1 && plan[0].File != null;
            CameraItem st = null;
            bool knownFolder = _destination == CameraPath.Root || _knownFolders.Contains(_destination);
            if (!knownFolder)
            {
                try
                {
                    // A read: after a reconnect (-AutoReconnect) it is simply asked again.
                    st = Use(session, $"the check of {_destination}", safeToRepeat: true,
                        c => new ChdkFileSystem(c) { Warning = WriteWarning }.Stat(_destination, CancelToken));
                }
                catch (OperationCanceledException) { throw new PipelineStoppedException(); }
                catch (PtpException ex) { WriteItemError(ex, _destination, session); return; }
            }
            if (st != null && !st.IsDirectory && !single)
            {
                WriteChdkError(new ChdkFileSystemException(_destination,
                    $"The camera path '{_destination}' is a file, not a folder to send into. (-Destination is a folder when it ends in '/', and for several files, wildcards, folders or -Recurse.)",
                    null, 20), _destination);
                foreach (var e in files) _progress.EndFile(SizeOf(e.File), false);
                return;
            }
            if (single && !knownFolder && (st == null || !st.IsDirectory))
            {
                fileTarget = _destination;
            }
            else
            {
                folder = _destination;
                if (st != null && st.IsDirectory) _knownFolders.Add(_destination);
            }

            foreach (var entry in plan)
            {
                string target;
                try { target = fileTarget ?? CameraPath.Validate(CameraPath.Combine(folder, entry.Relative)); }
                catch (ArgumentException ex)
                {
                    WriteChdkError(ex, entry.Local.FullName);
                    if (entry.File != null) _progress.EndFile(SizeOf(entry.File), false);
                    continue;
                }
                if (entry.File != null) SendFile(session, entry.File, target);
                else if (entry.Empty) CreateFolder(session, target);
            }
        }

        protected override void EndProcessing() => _progress?.Complete();

        // ---------------------------------------------------------------------------------------
        // the plan

        private sealed class Entry
        {
            public FileSystemInfo Local;
            public FileInfo File;      // null for a folder
            public string Relative;    // camera-relative path under the destination folder, '/' separated
            public bool Empty;         // a folder with nothing planned below it: created on its own
        }

        /// <summary>The local items this record names: files and folders, provider-resolved against $PWD.</summary>
        /// <param name="oneNamed">True when the record gives one path without wildcards.</param>
        private List<FileSystemInfo> ResolveSources(out bool oneNamed)
        {
            var found = new List<FileSystemInfo>();
            bool literal = ParameterSetName == LiteralPathSet;
            var names = literal ? LiteralPath : Path;
            oneNamed = names.Length == 1 && (literal || !WildcardPattern.ContainsWildcardCharacters(names[0]));
            foreach (var given in names)
            {
                List<string> paths;
                ProviderInfo provider;
                try
                {
                    if (literal)
                        paths = new List<string> { SessionState.Path.GetUnresolvedProviderPathFromPSPath(given, out provider, out _) };
                    else
                        paths = SessionState.Path.GetResolvedProviderPathFromPSPath(given, out provider).ToList();
                }
                catch (Exception ex) when (ex is ItemNotFoundException || ex is System.Management.Automation.DriveNotFoundException)
                {
                    WriteError(new ErrorRecord(ex, "ChdkFileNotFound", ErrorCategory.ObjectNotFound, given));
                    continue;
                }
                catch (Exception ex) when (ex is SessionStateException || ex is ProviderInvocationException
                                           || ex is PSArgumentException || ex is NotSupportedException || ex is PSNotSupportedException)
                {
                    WriteError(new ErrorRecord(ex, "ChdkInvalidArgument", ErrorCategory.InvalidArgument, given));
                    continue;
                }
                if (provider == null || provider.Name != "FileSystem")
                {
                    WriteError(new ErrorRecord(new ArgumentException($"'{given}' is not a file-system path (its provider is {provider?.Name})."),
                        "ChdkInvalidArgument", ErrorCategory.InvalidArgument, given));
                    continue;
                }
                foreach (var p in paths)
                {
                    if (File.Exists(p)) found.Add(new FileInfo(p));
                    else if (Directory.Exists(p)) found.Add(new DirectoryInfo(p));
                    else
                        WriteError(new ErrorRecord(new ItemNotFoundException($"Cannot find path '{p}' because it does not exist."),
                            "ChdkFileNotFound", ErrorCategory.ObjectNotFound, given));
                }
            }
            return found;
        }

        /// <summary>Files and (with -Recurse) folder trees, in sending order; one entry per local item.</summary>
        private List<Entry> Plan(List<FileSystemInfo> sources)
        {
            var plan = new List<Entry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in sources)
            {
                if (!seen.Add(item.FullName)) continue;
                if (!CameraPath.IsSafeName(item.Name))
                {
                    WriteError(new ErrorRecord(new ArgumentException($"'{item.FullName}' has a name that cannot be a camera name."),
                        "ChdkInvalidArgument", ErrorCategory.InvalidArgument, item.FullName));
                    continue;
                }
                if (item is FileInfo file) plan.Add(new Entry { Local = file, File = file, Relative = file.Name });
                else if (!Recurse)
                {
                    WriteError(new ErrorRecord(new ArgumentException($"'{item.FullName}' is a folder. Use -Recurse to send it with its contents."),
                        "ChdkIsDirectory", ErrorCategory.InvalidArgument, item.FullName));
                }
                else AddTree(plan, (DirectoryInfo)item, item.Name);
            }
            return plan;
        }

        private void AddTree(List<Entry> plan, DirectoryInfo folder, string relative)
        {
            var entry = new Entry { Local = folder, Relative = relative };
            plan.Add(entry);
            List<FileSystemInfo> children;
            try { children = folder.EnumerateFileSystemInfos().OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList(); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is System.Security.SecurityException)
            {
                WriteChdkError(ex, folder.FullName);
                return;
            }
            int before = plan.Count;
            // Files first, then sub-folders: a folder's files go out before its sub-trees.
            foreach (var child in children.OfType<FileInfo>().Cast<FileSystemInfo>().Concat(children.OfType<DirectoryInfo>()))
            {
                if (!CameraPath.IsSafeName(child.Name))
                {
                    WriteError(new ErrorRecord(new ArgumentException($"'{child.FullName}' has a name that cannot be a camera name."),
                        "ChdkInvalidArgument", ErrorCategory.InvalidArgument, child.FullName));
                    continue;
                }
                if (child is FileInfo f) plan.Add(new Entry { Local = f, File = f, Relative = relative + "/" + f.Name });
                else if ((child.Attributes & FileAttributes.ReparsePoint) != 0)
                    WriteWarning($"'{child.FullName}' is a link to a folder; it is not followed.");
                else AddTree(plan, (DirectoryInfo)child, relative + "/" + child.Name);
            }
            entry.Empty = plan.Count == before;
        }

        // ---------------------------------------------------------------------------------------
        // sending

        /// <summary>The size, or 0 when the file went away (the send then reports it).</summary>
        private static long SizeOf(FileInfo file)
        {
            try { return file.Length; }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { return 0; }
        }

        private ChdkFileSystem Fs(ChdkSession session) => new ChdkFileSystem(session.Client) { Warning = WriteWarning };

        private void SendFile(ChdkSession session, FileInfo file, string target)
        {
            string local = file.FullName;
            long planned = SizeOf(file);
            if (planned > ChdkFileSystem.MaxFileLength)
            {
                TooLarge(local, planned);
                _progress.EndFile(planned, false);
                return;
            }
            Warn(target);
            if (!ShouldProcess($"{local} to {target} on session {session.Id}", "Send file"))
            {
                _progress.EndFile(planned, false);
                return;
            }

            FileStream stream;
            DateTime lastWrite;
            try
            {
                stream = new FileStream(local, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                lastWrite = File.GetLastWriteTime(local);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is System.Security.SecurityException)
            {
                WriteChdkError(ex, local);
                _progress.EndFile(planned, false);
                return;
            }

            ErrorRecord refused = null;
            CameraItem sent = null;
            bool timeKept = true;
            long length = planned;
            bool transferred = false;
            try
            {
                using (stream)
                {
                    length = stream.Length;
                    if (length > ChdkFileSystem.MaxFileLength)
                    {
                        TooLarge(local, length);
                        return;
                    }
                    using (Hold(session))
                    {
                        var fs = Fs(session);
                        var existing = fs.Stat(target, CancelToken);
                        if (existing != null && existing.IsDirectory)
                        {
                            refused = new ErrorRecord(new IOException($"The camera path '{target}' is a folder; the file '{local}' cannot replace it."),
                                "ChdkIsDirectory", ErrorCategory.ResourceExists, target);
                        }
                        else if (existing != null && !Force)
                        {
                            refused = new ErrorRecord(new IOException($"The camera file '{target}' already exists. Use -Force to replace it."),
                                "ChdkFileExists", ErrorCategory.ResourceExists, target);
                        }
                        else
                        {
                            if (existing == null) EnsureFolder(fs, CameraPath.GetDirectoryName(target));
                            _progress.BeginFile(target);
                            fs.Upload(stream, length, target, new SyncProgress(_progress.Report), CancelToken);
                            transferred = true;
                            long seconds = CameraItem.ToCameraSeconds(lastWrite);
                            if (seconds >= 0 && seconds <= int.MaxValue) fs.SetLastWriteTime(target, seconds, CancelToken);
                            else timeKept = false;
                            if (PassThru) sent = fs.Stat(target, CancelToken);
                        }
                    }
                }
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (PtpException ex) { WriteItemError(Recover(session, ex, $"the upload to {target}"), target, session); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException)
            {
                // The local file failed while it was read (the incomplete camera file was removed), or a bad name.
                WriteChdkError(ex, local);
            }
            finally { _progress.EndFile(length, transferred); }

            if (refused != null) WriteError(refused);
            if (!transferred) return;
            if (!timeKept)
                WriteWarning($"'{target}' keeps the camera's time: the local time {lastWrite:yyyy-MM-dd HH:mm:ss} of '{local}' is outside the camera's range (1970 to 2038).");
            WriteVerbose($"Sent '{local}' ({length} bytes) to '{target}'.");
            if (sent != null) WriteObject(new ChdkItem(sent, session));
        }

        private void CreateFolder(ChdkSession session, string target)
        {
            Warn(target);
            if (!ShouldProcess($"{target} on session {session.Id}", "Create folder")) return;
            try
            {
                using (Hold(session))
                    EnsureFolder(Fs(session), target);
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (PtpException ex) { WriteItemError(Recover(session, ex, $"the creation of {target}"), target, session); }
        }

        /// <summary>Creates a camera folder with every missing level, once per command.</summary>
        private void EnsureFolder(ChdkFileSystem fs, string folder)
        {
            if (folder == null || folder == CameraPath.Root || _knownFolders.Contains(folder)) return;
            fs.MakeDirectory(folder, CancelToken);
            for (var d = folder; d != null && d != CameraPath.Root; d = CameraPath.GetDirectoryName(d))
                _knownFolders.Add(d);
        }

        /// <summary>Warnings about names many cameras mishandle: each name that is not 8.3 (once per camera
        /// path), and paths longer than 32 characters.</summary>
        private void Warn(string target)
        {
            var prefix = CameraPath.Root;
            foreach (var part in CameraPath.Components(target))
            {
                prefix = CameraPath.Combine(prefix, part);
                if (!CameraPath.IsEightDotThree(part) && _warned.Add(prefix))
                    WriteWarning($"'{part}' (in the camera path '{prefix}') is not an 8.3 name: up to 8 letters, digits or _-!#$%&'()@^`{{}}~, then optionally a dot and up to 3 more. Many cameras have trouble with such names.");
            }
            if (target.Length > LongPath && _warned.Add("\0" + target))
                WriteWarning($"The camera path '{target}' is {target.Length} characters long. Paths longer than {LongPath} characters cause trouble on many cameras.");
        }

        private void TooLarge(string local, long length) =>
            WriteError(new ErrorRecord(
                new IOException($"'{local}' has {length} bytes; a camera file holds at most {ChdkFileSystem.MaxFileLength} bytes."),
                "ChdkFileTooLarge", ErrorCategory.LimitsExceeded, local));
    }
}
