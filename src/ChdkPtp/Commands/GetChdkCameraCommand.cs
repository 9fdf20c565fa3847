using System;
using System.Linq;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport.Usb;

namespace ChdkPtp.Commands
{
    /// <summary>Get-ChdkCamera: the connected sessions, or (-ListAvailable) the cameras on USB.</summary>
    [Cmdlet(VerbsCommon.Get, "ChdkCamera", DefaultParameterSetName = SessionsSet)]
    [OutputType(typeof(ChdkSession), ParameterSetName = new[] { SessionsSet })]
    [OutputType(typeof(ChdkAvailableCamera), ParameterSetName = new[] { AvailableSet })]
    public sealed class GetChdkCameraCommand : ChdkCmdlet
    {
        private const string SessionsSet = "Sessions";
        private const string AvailableSet = "ListAvailable";

        /// <summary>Only the sessions with these ids.</summary>
        [Parameter(Position = 0, ParameterSetName = SessionsSet)]
        public int[] Id { get; set; }

        /// <summary>Only the default session.</summary>
        [Parameter(ParameterSetName = SessionsSet)]
        public SwitchParameter Default { get; set; }

        /// <summary>List the cameras on USB instead of the sessions: every Canon device with a Still Image interface,
        /// with its model, serial number and CHDK version read in a short session.</summary>
        [Parameter(Mandatory = true, ParameterSetName = AvailableSet)]
        public SwitchParameter ListAvailable { get; set; }

        /// <summary>With -ListAvailable: list Still Image devices of every maker, not only Canon's.</summary>
        [Parameter(ParameterSetName = AvailableSet)]
        public SwitchParameter AnyVendor { get; set; }

        /// <summary>With -ListAvailable: do not open the cameras; model, serial and CHDK version are then unknown.</summary>
        [Parameter(ParameterSetName = AvailableSet)]
        public SwitchParameter NoProbe { get; set; }

        protected override void EndProcessing()
        {
            if (ListAvailable) { ListUsb(); return; }
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

        private void ListUsb()
        {
            System.Collections.Generic.IReadOnlyList<UsbCameraInfo> devices;
            try { devices = UsbCameras.List(AnyVendor ? (ushort?)null : UsbCameras.CanonVendorId); }
            catch (PtpException ex) { ThrowChdkError(ex, null); return; }
            WriteVerbose($"{devices.Count} Still Image device(s) on USB" + (AnyVendor ? "." : " from Canon (-AnyVendor lists other makers' too)."));
            foreach (var device in devices)
            {
                var session = SessionRegistry.FindUsb(device.Location, connectedOnly: true);
                UsbProbeResult probe = null;
                if (session == null && !NoProbe)
                {
                    try { probe = UsbCameras.Probe(device, CancelToken); }
                    catch (OperationCanceledException) { throw new PipelineStoppedException(); }
                    catch (PtpException ex) { ThrowChdkError(ex, device.Location); return; }
                }
                WriteObject(new ChdkAvailableCamera(device, probe, session));
            }
        }
    }
}
