using System;
using System.Collections.Generic;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Chdk.Files;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Commands
{
    /// <summary>Get-ChdkItem: lists files and folders on the camera's card.</summary>
    [Cmdlet(VerbsCommon.Get, "ChdkItem", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(ChdkItem))]
    public sealed class GetChdkItemCommand : ChdkSessionCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";

        /// <summary>Camera paths (A/DCIM, DCIM/100CANON/*.JPG); wildcards in the last components. Default: A/.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [NotASession(SessionMeans = "A/", CameraPaths = true)]
        public string[] Path { get; set; }

        /// <summary>Camera paths taken exactly as written (no wildcards). Items piped from Get-ChdkItem bind here by FullName.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [Alias("FullName", "LP")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; }

        /// <summary>List the contents of folders below, too.</summary>
        [Parameter]
        public SwitchParameter Recurse { get; set; }

        /// <summary>How many levels below the path to list (implies -Recurse; 0 = the path's own contents).</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int Depth { get; set; }

        /// <summary>Only files.</summary>
        [Parameter]
        public SwitchParameter File { get; set; }

        /// <summary>Only folders.</summary>
        [Parameter]
        public SwitchParameter Directory { get; set; }

        /// <summary>Only names that match this wildcard (e.g. *.JPG), at every level.</summary>
        [Parameter]
        [SupportsWildcards]
        public string Filter { get; set; }

        /// <summary>Only items modified after this time (camera clock).</summary>
        [Parameter]
        public DateTime After { get; set; }

        /// <summary>Only items modified before this time (camera clock).</summary>
        [Parameter]
        public DateTime Before { get; set; }

        /// <summary>The camera's clock is local time: a UTC DateTime is turned into local time first.</summary>
        internal static DateTime ToCameraClock(DateTime t) =>
            DateTime.SpecifyKind(t.Kind == DateTimeKind.Utc ? t.ToLocalTime() : t, DateTimeKind.Unspecified);

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            if (File && Directory)
            {
                WriteError(new ErrorRecord(new ArgumentException("-File and -Directory exclude each other."), "ChdkInvalidArgument", ErrorCategory.InvalidArgument, null));
                return;
            }
            bool depthGiven = MyInvocation.BoundParameters.ContainsKey(nameof(Depth));
            var options = new CameraListOptions
            {
                Recurse = Recurse || depthGiven,
                Depth = depthGiven ? Depth : (int?)null,
                FilesOnly = File,
                DirectoriesOnly = Directory,
                Filter = Filter,
            };
            bool useAfter = MyInvocation.BoundParameters.ContainsKey(nameof(After));
            bool useBefore = MyInvocation.BoundParameters.ContainsKey(nameof(Before));
            var afterTime = useAfter ? ToCameraClock(After) : default;
            var beforeTime = useBefore ? ToCameraClock(Before) : default;
            var paths = ParameterSetName == LiteralPathSet
                ? Array.ConvertAll(LiteralPath, CameraPath.Escape)
                : Path ?? new[] { "A/" };
            for (int n = 0; n < paths.Length; n++)
            {
                var path = paths[n];
                // The listing runs as a camera script; collect it and free the session before emitting, so
                // the next command of the pipeline (Remove-ChdkItem, Receive-ChdkFile) can use the camera.
                var items = new List<CameraItem>();
                try
                {
                    Use(session, $"the listing of {path}", safeToRepeat: true, c =>
                    {
                        items.Clear();
                        var fs = new ChdkFileSystem(c) { Warning = WriteWarning };
                        foreach (var item in fs.List(path, options, CancelToken)) items.Add(item);
                    });
                }
                catch (OperationCanceledException) { throw new PipelineStoppedException(); }
                catch (PtpException ex) { WriteItemError(ex, Target(n, path), session); continue; }
                catch (ArgumentException ex) { WriteChdkError(ex, Target(n, path)); continue; }
                foreach (var item in items)
                {
                    if (useAfter && item.LastWriteTime <= afterTime) continue;
                    if (useBefore && item.LastWriteTime >= beforeTime) continue;
                    WriteObject(new ChdkItem(item, session));
                }
            }
        }

        private string Target(int index, string path) => ParameterSetName == LiteralPathSet ? LiteralPath[index] : path;
    }
}
