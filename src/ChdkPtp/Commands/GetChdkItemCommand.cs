using System;
using System.Collections.Generic;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Chdk.Files;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Commands
{
    /// <summary>Get-ChdkItem: lists files and folders on the camera's card.</summary>
    [Cmdlet(VerbsCommon.Get, "ChdkItem")]
    [OutputType(typeof(ChdkItem))]
    public sealed class GetChdkItemCommand : ChdkSessionCmdlet
    {
        /// <summary>Camera paths (A/DCIM, DCIM/100CANON/*.JPG); wildcards in the last components. Default: A/.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; }

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
            bool after = MyInvocation.BoundParameters.ContainsKey(nameof(After));
            bool before = MyInvocation.BoundParameters.ContainsKey(nameof(Before));
            foreach (var path in Path ?? new[] { "A/" })
            {
                // The listing runs as a camera script; collect it and free the session before emitting, so
                // the next command of the pipeline (Remove-ChdkItem, Receive-ChdkFile) can use the camera.
                var items = new List<CameraItem>();
                try
                {
                    using (session.Acquire(CancelToken))
                    {
                        var fs = new ChdkFileSystem(session.Client) { Warning = WriteWarning };
                        foreach (var item in fs.List(path, options, CancelToken)) items.Add(item);
                    }
                }
                catch (OperationCanceledException) { throw new PipelineStoppedException(); }
                catch (PtpException ex) { WriteChdkError(ex, path); continue; }
                catch (ArgumentException ex) { WriteChdkError(ex, path); continue; }
                foreach (var item in items)
                {
                    if (after && item.LastWriteTime <= After) continue;
                    if (before && item.LastWriteTime >= Before) continue;
                    WriteObject(new ChdkItem(item, session));
                }
            }
        }
    }
}
