using System;
using System.IO;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Scripting;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Simulator;

namespace ChdkPtp.Commands
{
    /// <summary>Connect-ChdkCamera: opens a session with a CHDK camera and makes it the default.</summary>
    [Cmdlet(VerbsCommunications.Connect, "ChdkCamera", DefaultParameterSetName = SimulatorSet)]
    [OutputType(typeof(ChdkSession))]
    public sealed class ConnectChdkCameraCommand : ChdkCmdlet
    {
        private const string SimulatorSet = "Simulator";

        /// <summary>Connect to a virtual CHDK camera inside this process. (USB and PTP/IP connections to real
        /// cameras get their own parameter sets in a later version; until then this switch is required.)</summary>
        [Parameter(ParameterSetName = SimulatorSet)]
        public SwitchParameter Simulator { get; set; }

        /// <summary>Folder holding the virtual camera's SD card (created if missing). Default: a new temporary folder, deleted on disconnect.</summary>
        [Parameter(ParameterSetName = SimulatorSet)]
        [ValidateNotNullOrEmpty]
        public string SimulatorRoot { get; set; }

        /// <summary>Settings of the virtual camera, by SimulatorOptions property name: @{ Digic = 6; CanonRaw = $true; ProtocolMinor = 5 }.</summary>
        [Parameter(ParameterSetName = SimulatorSet)]
        [ValidateNotNull]
        public System.Collections.Hashtable SimulatorOptions { get; set; }

        /// <summary>The SimulatorOptions the -SimulatorOptions table describes, or a terminating ChdkInvalidArgument.</summary>
        private global::ChdkPtp.Simulator.SimulatorOptions BuildOptions(string root) => SimulatorOptionsBuilder.Build(this, root, SimulatorOptions);

        protected override void ProcessRecord()
        {
            if (!Simulator)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new NotSupportedException("This version of ChdkPtp connects only to the simulator: use Connect-ChdkCamera -Simulator. USB and PTP/IP connections to real cameras come in a later version."),
                    "ChdkTransportNotAvailable", ErrorCategory.NotImplemented, null));
            }
            string root = null;
            if (SimulatorRoot != null)
            {
                root = SessionState.Path.GetUnresolvedProviderPathFromPSPath(SimulatorRoot);
                var existing = SessionRegistry.FindByDevice("sim:" + Path.GetFullPath(root));
                if (existing != null)
                {
                    ThrowTerminatingError(new ErrorRecord(
                        new InvalidOperationException($"A simulator with the SD card folder '{root}' is already connected as session {existing.Id}. Use that session, or disconnect it first."),
                        "ChdkAlreadyConnected", ErrorCategory.ResourceExists, existing));
                }
            }

            InProcessSimulator sim = null;
            ChdkClient client = null;
            try
            {
                sim = new InProcessSimulator(BuildOptions(root));
                client = ChdkClient.Connect(sim.CreateTransport(), CancelToken);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                client?.Dispose();
                sim?.Dispose();
                ThrowIfStopping();
                ThrowChdkError(ex, SimulatorRoot);
                return;
            }

            var key = "sim:" + Path.GetFullPath(sim.Camera.CardRoot);
            var session = new ChdkSession(SessionRegistry.NextId(), client, "Simulator", key, sim);
            ReadBuildInfo(session);
            SessionRegistry.Add(session);
            WriteObject(session);
        }

        /// <summary>Reads get_buildinfo() for the session's version fields. Running a script flushes the
        /// message queues, so it is skipped when a script runs or messages wait to be read.</summary>
        private void ReadBuildInfo(ChdkSession session)
        {
            try
            {
                if (session.Client.GetScriptStatus() != ScriptStatus.None)
                {
                    WriteVerbose("A script is running or messages are queued on the camera: the CHDK build is not read, to leave them alone.");
                    return;
                }
                var result = ScriptRunner.Run(session.Client, "local b = get_buildinfo() return b.build_number, b.build_revision, b.platform, b.platsub",
                    Array.Empty<object>(), new ScriptRunOptions { Timeout = TimeSpan.FromSeconds(5) }, CancelToken);
                if (result.Returns.Count >= 4)
                {
                    session.BuildVersion = $"{result.Returns[0]}-{result.Returns[1]}";
                    session.Platform = $"{result.Returns[2]} {result.Returns[3]}";
                }
                session.LastScriptId = result.ScriptId;
            }
            catch (PtpException ex)
            {
                WriteVerbose($"Could not read the CHDK build information: {ex.Message}");
            }
        }
    }
}
