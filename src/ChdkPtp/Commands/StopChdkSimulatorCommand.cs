using System;
using System.Management.Automation;
using ChdkPtp.Internal;

namespace ChdkPtp.Commands
{
    /// <summary>Stop-ChdkSimulator: stops simulator servers started by Start-ChdkSimulator.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "ChdkSimulator", DefaultParameterSetName = ObjectSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(void))]
    public sealed class StopChdkSimulatorCommand : ChdkCmdlet
    {
        private const string ObjectSet = "InputObject";
        private const string PortSet = "Port";
        private const string AllSet = "All";

        /// <summary>The servers to stop, as Start-ChdkSimulator returned them; they can be piped in.</summary>
        [Parameter(ParameterSetName = ObjectSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
        public ChdkSimulatorServer[] InputObject { get; set; }

        /// <summary>Stop the servers listening on these ports.</summary>
        [Parameter(ParameterSetName = PortSet, Mandatory = true)]
        [ValidateRange(1, 65535)]
        public int[] Port { get; set; }

        /// <summary>Stop every server started in this process.</summary>
        [Parameter(ParameterSetName = AllSet, Mandatory = true)]
        public SwitchParameter All { get; set; }

        protected override void ProcessRecord()
        {
            switch (ParameterSetName)
            {
                case AllSet:
                    if (!All) return;
                    foreach (var s in SimulatorServerRegistry.All) StopOne(s);
                    break;
                case PortSet:
                    foreach (var p in Port)
                    {
                        var found = SimulatorServerRegistry.FindByPort(p);
                        if (found.Length == 0)
                        {
                            WriteError(new ErrorRecord(new ArgumentException($"No simulator started by Start-ChdkSimulator listens on port {p}."),
                                "ChdkSimulatorNotFound", ErrorCategory.ObjectNotFound, p));
                            continue;
                        }
                        foreach (var s in found) StopOne(s);
                    }
                    break;
                default:
                    foreach (var s in InputObject)
                        if (s != null) StopOne(s);
                    break;
            }
        }

        private void StopOne(ChdkSimulatorServer s)
        {
            if (!ShouldProcess($"simulator {s.Id} on {s.HostName}:{s.Port} (card '{s.SimulatorRoot}')", "Stop")) return;
            if (!SimulatorServerRegistry.Stop(s)) WriteVerbose($"Simulator {s.Id} was already stopped.");
        }
    }
}
