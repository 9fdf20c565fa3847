using System;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Chdk.Files;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Commands
{
    /// <summary>New-ChdkDirectory: creates a folder on the camera's card, with every missing level above it.</summary>
    [Cmdlet(VerbsCommon.New, "ChdkDirectory", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(ChdkItem))]
    public sealed class NewChdkDirectoryCommand : ChdkSessionCmdlet
    {
        /// <summary>Camera paths of the folders to create (A/CHDK/LOGS).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        [NotASession]
        public string[] Path { get; set; }

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            foreach (var path in Path)
            {
                string target;
                try { target = CameraPath.Validate(path); }
                catch (ArgumentException ex) { WriteChdkError(ex, path); continue; }
                if (!ShouldProcess($"{target} on session {session.Id}", "Create folder")) continue;
                try
                {
                    CameraItem item;
                    // Creating a folder that exists is not an error, so doing it again after a reconnect is safe.
                    item = Use(session, $"the creation of {target}", safeToRepeat: true, c =>
                    {
                        var fs = new ChdkFileSystem(c) { Warning = WriteWarning };
                        fs.MakeDirectory(target, CancelToken);
                        return fs.Stat(target, CancelToken);
                    });
                    if (item != null) WriteObject(new ChdkItem(item, session));
                }
                catch (OperationCanceledException) { throw new PipelineStoppedException(); }
                catch (PtpException ex) { WriteChdkError(ex, target); }
            }
        }
    }
}
