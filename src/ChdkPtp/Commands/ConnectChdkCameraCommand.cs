using System;
using System.IO;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Connection;
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
        private const string ReconnectSet = "Reconnect";

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

        /// <summary>Reconnect this session (after its camera was unplugged, slept or restarted) instead of opening a new
        /// one: waits for the camera, checks that it is the same camera (model, serial number, USB product id) and
        /// makes the session usable again.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ReconnectSet, ValueFromPipeline = true)]
        public ChdkSession Session { get; set; }

        /// <summary>When the camera goes away during a command, wait for it to come back, reconnect, and repeat the
        /// operation if it is safe to repeat (reads, listings, downloads, status); operations that are not safe to
        /// repeat (scripts, shots, uploads, deletes, memory writes) fail with ChdkNotRetried after the reconnect.</summary>
        [Parameter]
        public SwitchParameter AutoReconnect { get; set; }

        /// <summary>How long a reconnect waits for the camera to come back (seconds or a TimeSpan). Default 60 s.</summary>
        [Parameter]
        [SecondsOrTimeSpan]
        public TimeSpan ReconnectTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>With -AutoReconnect: how many reconnects one operation may need before its failure is final. Default 3.</summary>
        [Parameter]
        [ValidateRange(1, 1000)]
        public int MaxReconnects { get; set; } = 3;

        private ReconnectPolicy Policy() => new ReconnectPolicy
        {
            Timeout = ReconnectTimeout,
            MaxReconnectsPerOperation = MaxReconnects,
            // A camera that is still there (a reconnect asked for by hand) answers at once; a settle delay longer
            // than the whole wait would only delay the error.
            SettleDelay = ReconnectTimeout < TimeSpan.FromSeconds(4) ? TimeSpan.FromTicks(ReconnectTimeout.Ticks / 2) : TimeSpan.FromSeconds(2),
        };

        protected override void BeginProcessing()
        {
            if (ReconnectTimeout < TimeSpan.Zero)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("-ReconnectTimeout cannot be negative."), "ChdkInvalidArgument", ErrorCategory.InvalidArgument, ReconnectTimeout));
        }

        protected override void ProcessRecord()
        {
            switch (ParameterSetName)
            {
                case ReconnectSet: ReconnectSession(); return;
                case SimulatorSet when !Simulator:
                    ThrowTerminatingError(new ErrorRecord(
                        new NotSupportedException("This version of ChdkPtp connects only to the simulator: use Connect-ChdkCamera -Simulator. USB and PTP/IP connections to real cameras come in a later version."),
                        "ChdkTransportNotAvailable", ErrorCategory.NotImplemented, null));
                    return;
                default: ConnectSimulator(); return;
            }
        }

        private void ReconnectSession()
        {
            var s = Session;
            if (s.IsClosed)
            {
                ThrowTerminatingError(new ErrorRecord(new InvalidOperationException($"Session {s.Id} ({s.Model}) was disconnected with Disconnect-ChdkCamera; it cannot be reconnected. Connect again with Connect-ChdkCamera."),
                    "ChdkSessionClosed", ErrorCategory.ConnectionError, s));
            }
            if (AutoReconnect) s.AutoReconnect = Policy();
            try
            {
                using (s.Acquire(CancelToken, allowFailed: true))
                {
                    // chdkptp's reconnect: the old link is dropped even when it still works, then the camera is opened again.
                    s.Reconnect(Policy(), WriteVerbose, CancelToken);
                }
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (PtpException ex) { ThrowChdkError(ex, s); }
            WriteObject(s);
        }

        private void ConnectSimulator()
        {
            string root = null;
            if (SimulatorRoot != null)
            {
                root = SessionState.Path.GetUnresolvedProviderPathFromPSPath(SimulatorRoot);
                RefuseSecondClaim("sim:" + Path.GetFullPath(root), $"A simulator with the SD card folder '{root}'");
            }

            InProcessSimulator sim = null;
            CameraConnection connection = null;
            SimulatorConnector connector = null;
            try
            {
                sim = new InProcessSimulator(BuildOptions(root));
                connector = new SimulatorConnector(sim);
                connection = connector.Connect(CancelToken);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                connection?.Client.Dispose();
                sim?.Dispose();
                ThrowIfStopping();
                ThrowChdkError(ex, SimulatorRoot);
                return;
            }
            Register(connection, connector, "Simulator", "sim:" + Path.GetFullPath(sim.Camera.CardRoot), sim);
        }

        /// <summary>A terminating ChdkAlreadyConnected when a session holds <paramref name="deviceKey"/>.</summary>
        private void RefuseSecondClaim(string deviceKey, string what)
        {
            var existing = SessionRegistry.FindByDevice(deviceKey);
            if (existing == null) return;
            ThrowTerminatingError(new ErrorRecord(
                new InvalidOperationException($"{what} is already connected as session {existing.Id}. Use that session, or disconnect it first."),
                "ChdkAlreadyConnected", ErrorCategory.ResourceExists, existing));
        }

        private void Register(CameraConnection connection, ICameraConnector connector, string transport, string deviceKey, InProcessSimulator sim)
        {
            var session = new ChdkSession(SessionRegistry.NextId(), connection, connector, transport, deviceKey, sim);
            if (AutoReconnect) session.AutoReconnect = Policy();
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
