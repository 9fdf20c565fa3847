using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Chdk.Files;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Commands
{
    /// <summary>Remove-ChdkItem: deletes files and folders on the camera's card.</summary>
    [Cmdlet(VerbsCommon.Remove, "ChdkItem", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = PathSet)]
    [OutputType(typeof(void))]
    public sealed class RemoveChdkItemCommand : ChdkSessionCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";

        /// <summary>Camera paths to delete; wildcards in the last components.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [NotASession(CameraPaths = true)]
        public string[] Path { get; set; }

        /// <summary>Camera paths taken exactly as written (no wildcards). Items piped from Get-ChdkItem bind here by FullName.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [Alias("FullName", "LP")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; }

        /// <summary>Delete folders with everything in them. Without it, a folder that is not empty is an error.</summary>
        [Parameter]
        public SwitchParameter Recurse { get; set; }

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            bool literal = ParameterSetName == LiteralPathSet;
            foreach (var path in literal ? LiteralPath : Path)
            {
                try
                {
                    // Resolve the path (and its wildcards) to items first, then delete each with its own ShouldProcess.
                    List<CameraItem> targets;
                    targets = Use(session, $"the listing of {path}", safeToRepeat: true, c => Resolve(new ChdkFileSystem(c) { Warning = WriteWarning }, path, literal));
                    foreach (var item in targets) RemoveOne(session, item);
                }
                catch (OperationCanceledException) { throw new PipelineStoppedException(); }
                catch (PtpException ex) { WriteItemError(ex, path, session); }
                catch (ArgumentException ex) { WriteChdkError(ex, path); }
            }
        }

        private List<CameraItem> Resolve(ChdkFileSystem fs, string path, bool literal)
        {
            if (!literal && CameraPath.HasWildcard(path))
                return fs.List(path, new CameraListOptions(), CancelToken).ToList();
            // A literal path, or a -Path whose wildcard characters are escaped with backticks.
            if (!literal) path = CameraPath.UnescapePath(path);
            var item = fs.Stat(path, CancelToken);
            if (item == null) throw new ChdkFileNotFoundException(CameraPath.Normalize(path));
            return new List<CameraItem> { item };
        }

        private void RemoveOne(ChdkSession session, CameraItem item)
        {
            if (item.FullName == CameraPath.Root || string.IsNullOrEmpty(item.Name))
            {
                WriteError(new ErrorRecord(new ArgumentException("The root of the card cannot be removed."), "ChdkInvalidArgument", ErrorCategory.InvalidArgument, item.FullName));
                return;
            }
            var what = item.IsDirectory ? "Remove folder" : "Remove file";
            if (!ShouldProcess($"{item.FullName} on session {session.Id}", what)) return;
            try
            {
                Use(session, $"the deletion of {item.FullName}", safeToRepeat: false, c =>
                {
                    var fs = new ChdkFileSystem(c) { Warning = WriteWarning };
                    if (item.IsDirectory)
                    {
                        var contents = fs.List(item.FullName, new CameraListOptions { Recurse = true }, CancelToken).ToList();
                        if (contents.Count > 0 && !Recurse)
                        {
                            WriteError(new ErrorRecord(
                                new InvalidOperationException($"The folder {item.FullName} is not empty ({contents.Count} items). Use -Recurse to delete it with its contents."),
                                "ChdkDirectoryNotEmpty", ErrorCategory.InvalidOperation, item.FullName));
                            return;
                        }
                        // Deepest first: files and folders below, then the folder itself.
                        foreach (var inner in contents.OrderByDescending(c => c.FullName.Count(ch => ch == '/')).ThenBy(c => c.IsDirectory))
                            fs.Remove(inner.FullName, CancelToken);
                    }
                    fs.Remove(item.FullName, CancelToken);
                });
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (PtpException ex) { WriteItemError(ex, item.FullName, session); }
        }
    }
}
