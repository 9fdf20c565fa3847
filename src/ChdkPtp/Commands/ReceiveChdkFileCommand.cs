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
    /// <summary>Receive-ChdkFile: downloads files from the camera's card to local folders.</summary>
    [Cmdlet(VerbsCommunications.Receive, "ChdkFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = PathSet)]
    [OutputType(typeof(FileInfo))]
    public sealed class ReceiveChdkFileCommand : ChdkSessionCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private const string InputObjectSet = "InputObject";
        private const string PartSuffix = ".chdkpart";

        // Local paths written by this command, with the camera file each came from.
        private readonly Dictionary<string, string> _done = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        private TransferProgress _progress;
        private string _destination;
        private bool _destinationIsFolder;
        private DateTime _after, _before;
        private bool _useAfter, _useBefore;

        /// <summary>Camera paths of files or folders; wildcards in the last components. A folder gives its files.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [NotASession]
        public string[] Path { get; set; }

        /// <summary>Camera paths taken exactly as written (no wildcards).</summary>
        [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
        [Alias("LP")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; }

        /// <summary>Items from Get-ChdkItem (the listing's size and time are used; no second listing).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        [ValidateNotNull]
        public ChdkItem[] InputObject { get; set; }

        /// <summary>Local folder (created if missing) or, for a single file, the local file name. Default: the current folder.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; } = ".";

        /// <summary>Receive folders with everything below them, keeping the folder structure.</summary>
        [Parameter]
        public SwitchParameter Recurse { get; set; }

        /// <summary>Only files modified after this time (camera clock).</summary>
        [Parameter]
        public DateTime After { get; set; }

        /// <summary>Only files modified before this time (camera clock).</summary>
        [Parameter]
        public DateTime Before { get; set; }

        /// <summary>Overwrite existing local files (also read-only ones).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Replace an existing local file only when the camera's copy is newer; skip it otherwise.</summary>
        [Parameter]
        public SwitchParameter Update { get; set; }

        /// <summary>Delete each camera file once its download is complete and its size verified.</summary>
        [Parameter]
        public SwitchParameter Remove { get; set; }

        /// <summary>Emit a FileInfo for each file received.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            if (Force && Update)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Force and -Update exclude each other: -Force overwrites every existing file, -Update only older ones."),
                    "ChdkInvalidArgument", ErrorCategory.InvalidArgument, null));
            _destination = ResolveLocal(Destination);
            _destinationIsFolder = Directory.Exists(_destination) || EndsWithSeparator(Destination);
            if (File.Exists(_destination) && (Recurse || MyInvocation.ExpectingInput))
                ThrowTerminatingError(new ErrorRecord(new IOException($"The destination '{_destination}' is a file; several files need a folder."),
                    "ChdkDestinationIsFile", ErrorCategory.InvalidArgument, Destination));
            _useAfter = MyInvocation.BoundParameters.ContainsKey(nameof(After));
            _useBefore = MyInvocation.BoundParameters.ContainsKey(nameof(Before));
            if (_useAfter) _after = GetChdkItemCommand.ToCameraClock(After);
            if (_useBefore) _before = GetChdkItemCommand.ToCameraClock(Before);
            _progress = new TransferProgress(this, 1, "Receiving files from the camera");
        }

        protected override void ProcessRecord()
        {
            var jobs = new List<Job>();
            if (ParameterSetName == InputObjectSet)
            {
                foreach (var input in InputObject)
                {
                    var session = input.Session ?? ResolveSession();
                    if (!session.IsConnected) ThrowChdkError(new ChdkSessionClosedException(session), session);
                    if (!input.IsDirectory) { jobs.Add(new Job(session, input.Item, Components(input.Item))); continue; }
                    if (!Recurse) { WarnFolder(input.FullName); continue; }
                    Collect(session, CameraPath.Escape(input.FullName), Components(input.Item), jobs, input.FullName);
                }
            }
            else
            {
                var session = ResolveSession();
                bool literal = ParameterSetName == LiteralPathSet;
                foreach (var p in literal ? LiteralPath : Path)
                    Collect(session, literal ? CameraPath.Escape(p) : p, new string[0], jobs, p);
            }
            jobs.RemoveAll(j => (_useAfter && j.Item.LastWriteTime <= _after) || (_useBefore && j.Item.LastWriteTime >= _before));
            if (jobs.Count == 0) return;

            // A single file, named by one path (the file itself, not a folder that holds one file), goes to
            // -Destination as its file name unless that is a folder.
            bool single = jobs.Count == 1 && !_destinationIsFolder && !Recurse && !MyInvocation.ExpectingInput && NamesOneFile(jobs[0].Item);
            if (!single && File.Exists(_destination))
            {
                WriteError(new ErrorRecord(new IOException($"The destination '{_destination}' is a file; several files need a folder."),
                    "ChdkDestinationIsFile", ErrorCategory.InvalidArgument, Destination));
                return;
            }

            if (!MyInvocation.ExpectingInput)
            {
                // Totals are known for paths given as arguments; piped input arrives one item at a time.
                _progress.TotalFiles += jobs.Count;
                _progress.TotalBytes += jobs.Sum(j => j.Item.Length);
            }
            foreach (var job in jobs) ReceiveOne(job, single);
        }

        protected override void EndProcessing() => _progress?.Complete();

        /// <summary>True when this record names exactly <paramref name="item"/>: one path without wildcards that is
        /// the file's own path, or one piped file.</summary>
        private bool NamesOneFile(CameraItem item)
        {
            if (ParameterSetName == InputObjectSet) return InputObject.Length == 1 && !InputObject[0].IsDirectory;
            var given = ParameterSetName == PathSet ? Path : LiteralPath;
            if (given.Length != 1) return false;
            string path = given[0];
            if (ParameterSetName == PathSet)
            {
                if (CameraPath.HasWildcard(path)) return false;
                path = CameraPath.UnescapePath(path);
            }
            return string.Equals(CameraPath.Normalize(path), item.FullName, StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>The local path components of a listed item: its name as the camera reported it, and with
        /// -Recurse the folders between the listed path and the item (the listing's depth), as Get-ChdkItem
        /// -Recurse showed them. Every component is checked before use (LocalNames).</summary>
        private string[] Components(CameraItem item)
        {
            if (!Recurse || item.Depth <= 0) return new[] { item.Name };
            var folders = CameraPath.Components(item.DirectoryName);
            int keep = Math.Min(folders.Length, item.Depth);
            return folders.Skip(folders.Length - keep).Concat(new[] { item.Name }).ToArray();
        }

        /// <summary>Lists <paramref name="cameraPath"/> (its contents if a folder, all levels with -Recurse) into
        /// jobs whose local paths start with <paramref name="prefix"/>. False after an error.</summary>
        private bool Collect(ChdkSession session, string cameraPath, string[] prefix, List<Job> jobs, object target)
        {
            var items = new List<CameraItem>();
            try
            {
                Use(session, $"the listing of {cameraPath}", safeToRepeat: true, c =>
                {
                    items.Clear();
                    items.AddRange(new ChdkFileSystem(c) { Warning = WriteWarning }.List(cameraPath, new CameraListOptions { Recurse = Recurse }, CancelToken));
                });
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (PtpException ex) { WriteItemError(ex, target, session); return false; }
            catch (ArgumentException ex) { WriteChdkError(ex, target); return false; }
            foreach (var item in items)
            {
                if (item.IsDirectory)
                {
                    if (!Recurse) WarnFolder(item.FullName);
                    continue;
                }
                jobs.Add(new Job(session, item, prefix.Concat(Components(item)).ToArray()));
            }
            return true;
        }

        private void WarnFolder(string path) =>
            WriteWarning($"'{path}' is a folder: use -Recurse to receive what it holds.");

        private void ReceiveOne(Job job, bool single)
        {
            var item = job.Item;
            _progress.BeginFile(item.FullName);
            bool transferred = false;
            try
            {
                string local;
                try { local = single ? _destination : LocalNames.Combine(_destination, job.Components); }
                catch (UnsafeNameException ex) { WriteChdkError(ex, item.FullName); return; }
                if (_done.TryGetValue(local, out var earlier))
                {
                    if (string.Equals(earlier, item.FullName, StringComparison.OrdinalIgnoreCase))
                        WriteVerbose($"Skipped {item.FullName}: it was already received by this command.");
                    else
                        WriteError(new ErrorRecord(new IOException($"{item.FullName} was not received: '{local}' already holds {earlier}, received by this command. Use -Recurse to keep the camera's folders apart."),
                            "ChdkFileExists", ErrorCategory.ResourceExists, local));
                    return;
                }
                if (!MayWrite(item, local)) return;
                _done[local] = item.FullName; // before ShouldProcess, so that -WhatIf shows name clashes too
                var action = Remove ? "Receive and remove from the camera" : "Receive file";
                if (!ShouldProcess($"{item.FullName} ({TransferProgress.Size(item.Length)}) to {local}", action)) return;
                transferred = Download(job, local);
                if (!transferred) { _done.Remove(local); return; }
                if (Remove) RemoveFromCamera(job);
                if (PassThru)
                {
                    var info = PSObject.AsPSObject(new FileInfo(local));
                    info.Properties.Add(new PSNoteProperty("CameraPath", item.FullName));
                    info.Properties.Add(new PSNoteProperty("ImageNumber", item.ImageNumber));
                    info.Properties.Add(new PSNoteProperty("Session", job.Session));
                    WriteObject(info);
                }
            }
            finally { _progress.EndFile(item.Length, transferred); }
        }

        /// <summary>The overwrite policy: false (with an error or a verbose note) when the file must be left alone.</summary>
        private bool MayWrite(CameraItem item, string local)
        {
            if (Directory.Exists(local))
            {
                WriteError(new ErrorRecord(new IOException($"A folder is in the way: '{local}' cannot be replaced by the camera file {item.FullName}."),
                    "ChdkIsDirectory", ErrorCategory.ResourceExists, local));
                return false;
            }
            if (!File.Exists(local)) return true;
            if (Force) return true;
            if (Update)
            {
                var localTime = File.GetLastWriteTime(local);
                localTime = localTime.AddTicks(-(localTime.Ticks % TimeSpan.TicksPerSecond));
                if (item.LastWriteTime > DateTime.SpecifyKind(localTime, DateTimeKind.Unspecified)) return true;
                WriteVerbose($"Skipped {item.FullName}: {local} is as new as the camera's copy.");
                return false;
            }
            WriteError(new ErrorRecord(new IOException($"'{local}' exists; it was not overwritten with {item.FullName}. Use -Force to overwrite, or -Update to replace older files."),
                "ChdkFileExists", ErrorCategory.ResourceExists, local));
            return false;
        }

        /// <summary>Streams the file into a temporary name beside <paramref name="local"/>, checks its size, renames it
        /// and sets the camera's time. Nothing is left under either name after a failure or a stop.</summary>
        private bool Download(Job job, string local)
        {
            var item = job.Item;
            var folder = System.IO.Path.GetDirectoryName(local);
            var name = System.IO.Path.GetFileName(local);
            var temp = System.IO.Path.Combine(folder, "." + (name.Length > 100 ? name.Substring(0, 100) : name) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + PartSuffix);
            try
            {
                Directory.CreateDirectory(folder);
                long got;
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    // A download is a read: after a reconnect it starts again from the first byte.
                    got = Use(job.Session, $"the download of {item.FullName}", safeToRepeat: true, c =>
                    {
                        stream.Position = 0;
                        stream.SetLength(0);
                        return new ChdkFileSystem(c) { Warning = WriteWarning }.Download(item, stream, new SyncProgress(_progress.Report), CancelToken);
                    });
                }
                long onDisk = new FileInfo(temp).Length;
                if (got != item.Length || onDisk != item.Length)
                    throw new IOException($"{item.FullName}: {item.Length} bytes listed, {got} received, {onDisk} on disk.");
                if (File.Exists(local))
                {
                    var attributes = File.GetAttributes(local);
                    if ((attributes & FileAttributes.ReadOnly) != 0) File.SetAttributes(local, attributes & ~FileAttributes.ReadOnly);
                }
                Protocol.IO.LocalFile.MoveIntoPlace(temp, local);
                File.SetLastWriteTime(local, DateTime.SpecifyKind(item.LastWriteTime, DateTimeKind.Local));
                return true;
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (PtpException ex) { WriteItemError(ex, item.FullName, job.Session); }
            catch (IOException ex) { WriteChdkError(ex, local); }
            catch (UnauthorizedAccessException ex) { WriteChdkError(ex, local); }
            finally
            {
                try { if (File.Exists(temp)) File.Delete(temp); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
            return false;
        }

        private void RemoveFromCamera(Job job)
        {
            try
            {
                Use(job.Session, $"the deletion of {job.Item.FullName}", safeToRepeat: false,
                    c => new ChdkFileSystem(c) { Warning = WriteWarning }.Remove(job.Item.FullName, CancelToken));
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (PtpException ex) { WriteItemError(ex, job.Item.FullName, job.Session); }
        }

        private string ResolveLocal(string path)
        {
            try { return ResolveFileSystemPath(path); }
            catch (ArgumentException ex) { ThrowChdkError(ex, path); return null; }
        }

        private static bool EndsWithSeparator(string path) => path.EndsWith("/", StringComparison.Ordinal) || path.EndsWith("\\", StringComparison.Ordinal);

        private sealed class Job
        {
            public Job(ChdkSession session, CameraItem item, string[] components)
            {
                Session = session;
                Item = item;
                Components = components;
            }

            public ChdkSession Session { get; }
            public CameraItem Item { get; }
            public string[] Components { get; }
        }
    }
}
