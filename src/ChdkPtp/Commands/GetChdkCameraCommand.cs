using System.Linq;
using System.Management.Automation;
using ChdkPtp.Internal;

namespace ChdkPtp.Commands
{
    /// <summary>Get-ChdkCamera: the connected sessions.</summary>
    [Cmdlet(VerbsCommon.Get, "ChdkCamera")]
    [OutputType(typeof(ChdkSession))]
    public sealed class GetChdkCameraCommand : ChdkCmdlet
    {
        /// <summary>Only the sessions with these ids.</summary>
        [Parameter(Position = 0)]
        public int[] Id { get; set; }

        /// <summary>Only the default session.</summary>
        [Parameter]
        public SwitchParameter Default { get; set; }

        protected override void EndProcessing()
        {
            var all = SessionRegistry.All.AsEnumerable();
            if (Default) all = all.Where(s => ReferenceEquals(s, SessionRegistry.Default));
            if (Id != null && Id.Length > 0)
            {
                foreach (var id in Id)
                {
                    if (!all.Any(s => s.Id == id))
                        WriteError(new ErrorRecord(new ItemNotFoundException($"No session with id {id} is connected."),
                            "ChdkSessionNotFound", ErrorCategory.ObjectNotFound, id));
                }
                all = all.Where(s => Id.Contains(s.Id));
            }
            foreach (var s in all) WriteObject(s);
        }
    }
}
