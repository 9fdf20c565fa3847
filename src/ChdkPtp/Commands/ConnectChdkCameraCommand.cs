using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Connection;
using ChdkPtp.Protocol.Chdk.Scripting;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport.PtpIp;
using ChdkPtp.Protocol.Transport.Usb;
using ChdkPtp.Simulator;

namespace ChdkPtp.Commands
{
    /// <summary>Connect-ChdkCamera: opens a session with a CHDK camera and makes it the default.</summary>
    [Cmdlet(VerbsCommunications.Connect, "ChdkCamera", DefaultParameterSetName = UsbSet)]
    [OutputType(typeof(ChdkSession))]
    public sealed class ConnectChdkCameraCommand : ChdkCmdlet
    {
        private const string UsbSet = "Usb";
        private const string NetworkSet = "Network";
        private const string SimulatorSet = "Simulator";
        private const string ReconnectSet = "Reconnect";

        /// <summary>Connect to the USB camera with this serial number (as DeviceInfo reports it; case does not matter).</summary>
        [Parameter(ParameterSetName = UsbSet, ValueFromPipelineByPropertyName = true)]
        [Alias("SerialNumber")]
        [ValidateNotNullOrEmpty]
        public string Serial { get; set; }

        /// <summary>Connect to the USB camera whose model matches (wildcards: 'Canon PowerShot SX*').</summary>
        [Parameter(ParameterSetName = UsbSet)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string Model { get; set; }

        /// <summary>Connect to a camera on this USB bus.</summary>
        [Parameter(ParameterSetName = UsbSet, ValueFromPipelineByPropertyName = true)]
        [ValidateRange(0, 255)]
        public int Bus { get; set; } = -1;

        /// <summary>Connect to the camera at this USB device address (with -Bus).</summary>
        [Parameter(ParameterSetName = UsbSet, ValueFromPipelineByPropertyName = true)]
        [ValidateRange(0, 255)]
        public int Address { get; set; } = -1;

        /// <summary>Consider Still Image devices of every maker, not only Canon's (vendor id 04a9).</summary>
        [Parameter(ParameterSetName = UsbSet)]
        public SwitchParameter AnyVendor { get; set; }

        /// <summary>Reset the USB device when the session is closed, as chdkptp does on Linux; the camera then
        /// re-enumerates (at a new address).</summary>
        [Parameter(ParameterSetName = UsbSet)]
        public SwitchParameter ResetOnClose { get; set; }

        /// <summary>Connect over PTP/IP (Wi-Fi, or a simulator started with Start-ChdkSimulator) to this host name or address.</summary>
        [Parameter(Mandatory = true, ParameterSetName = NetworkSet)]
        [ValidateNotNullOrEmpty]
        public string HostName { get; set; }

        /// <summary>The PTP/IP port. Default 15740.</summary>
        [Parameter(ParameterSetName = NetworkSet)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = 15740;


        /// <summary>Connect to a virtual CHDK camera inside this process instead of a real camera (implied by
        /// -SimulatorRoot and -SimulatorOptions).</summary>
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
                case NetworkSet: ConnectNetwork(); return;
                case SimulatorSet: ConnectSimulator(); return;
                default: ConnectUsb(); return;
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

        private void ConnectNetwork()
        {
            var connector = new PtpIpConnector(HostName, Port);
            // One camera has several names (its address, a host name, localhost and 127.0.0.1): sessions are told
            // apart by address, so that a second connect is refused rather than taking the camera from the first.
            System.Net.IPAddress[] addresses = null;
            try { addresses = PtpIpTransport.ResolveHost(HostName, new PtpIpOptions().ConnectTimeout, CancelToken); }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (PtpException ex) { ThrowConnectError(ex, connector.Description); }
            foreach (var address in addresses) RefuseSecondClaim(NetworkKey(address, Port), $"The camera at {HostName}:{Port}");
            CameraConnection connection = null;
            try { connection = connector.Connect(CancelToken); }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (PtpException ex) { ThrowConnectError(ex, connector.Description); }
            var remote = (connection.Client.Session.Transport as PtpIpTransport)?.RemoteEndPoint;
            Register(connection, connector, "PTP/IP", remote != null ? NetworkKey(remote.Address, remote.Port) : connector.Description.ToLowerInvariant(), null);
        }

        /// <summary>"ptpip:127.0.0.1:15740": a PTP/IP camera by address (IPv4-mapped IPv6 as IPv4).</summary>
        private static string NetworkKey(System.Net.IPAddress address, int port) =>
            "ptpip:" + (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address) + ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        private void ConnectUsb()
        {
            bool byAddress = Bus >= 0 || Address >= 0;
            if (Address >= 0 && Bus < 0)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Address needs -Bus: addresses are numbered per bus."), "ChdkInvalidArgument", ErrorCategory.InvalidArgument, Address));
            IReadOnlyList<UsbCameraInfo> devices = null;
            try { devices = UsbCameras.List(AnyVendor ? (ushort?)null : UsbCameras.CanonVendorId); }
            catch (PtpException ex) { ThrowConnectError(ex, null); }
            var candidates = devices.Where(d => (Bus < 0 || d.Bus == Bus) && (Address < 0 || d.Address == Address)).ToList();
            string wanted = Describe();
            if (candidates.Count == 0)
            {
                ThrowTerminatingError(new ErrorRecord(new ItemNotFoundException(
                    (devices.Count == 0 ? $"No {(AnyVendor ? "" : "Canon ")}camera is visible on USB." : $"None of the {devices.Count} camera(s) on USB is {wanted}.")
                    + " Check that the camera is on, connected by USB and not in a hub without power; Get-ChdkCamera -ListAvailable lists what is there, Test-ChdkEnvironment checks libusb and permissions."),
                    "ChdkCameraNotFound", ErrorCategory.ObjectNotFound, wanted));
            }
            var model = Model == null ? null : new WildcardPattern(Model, WildcardOptions.IgnoreCase);
            var options = new UsbOpenOptions { ResetOnClose = ResetOnClose };
            Exception firstFailure = null;
            var held = new List<int>();
            foreach (var device in candidates)
            {
                var holder = SessionRegistry.FindUsb(device.Location, connectedOnly: true);
                if (holder != null)
                {
                    if (byAddress) RefuseSecondClaim(holder.DeviceKey, $"The camera at {device.Location}");
                    WriteVerbose($"{device.Location} is connected already (session {holder.Id}); skipped.");
                    held.Add(holder.Id);
                    continue;
                }
                if (Serial != null || model != null)
                {
                    // Only a short session tells a camera's model and serial number.
                    var probe = UsbCameras.Probe(device, CancelToken);
                    if (!probe.Succeeded)
                    {
                        WriteVerbose($"{device.Location} could not be read: {probe.Error.Message}");
                        firstFailure = firstFailure ?? probe.Error;
                        continue;
                    }
                    if ((Serial != null && !string.Equals(Serial, probe.SerialNumber, StringComparison.OrdinalIgnoreCase)) || (model != null && !model.IsMatch(probe.Model ?? string.Empty)))
                    {
                        WriteVerbose($"{device.Location} is {probe.Model} (serial {probe.SerialNumber}): not {wanted}.");
                        continue;
                    }
                }
                var connector = new UsbCameraConnector(device, options);
                try
                {
                    var connection = connector.Connect(CancelToken);
                    Register(connection, connector, "USB", "usb:" + device.Bus + "-" + (string.IsNullOrEmpty(device.PortPath) ? device.Address.ToString(System.Globalization.CultureInfo.InvariantCulture) : device.PortPath), null);
                    return;
                }
                catch (OperationCanceledException) { throw new PipelineStoppedException(); }
                catch (PtpException ex) when (candidates.Count > 1 || ex is ChdkNotDetectedException)
                {
                    // Several cameras: one without CHDK, or held by another program, does not stop the search.
                    WriteVerbose($"{device.Location}: {ex.Message}");
                    firstFailure = firstFailure ?? ex;
                    if (candidates.Count == 1) ThrowConnectError(ex, device.Location);
                }
                catch (PtpException ex) { ThrowConnectError(ex, device.Location); }
            }
            if (firstFailure is PtpException failure) ThrowConnectError(failure, wanted);
            if (held.Count == candidates.Count)
            {
                ThrowTerminatingError(new ErrorRecord(new InvalidOperationException($"Every camera on USB that could be {wanted} is connected already (session {string.Join(", ", held)}). Use that session, or disconnect it first."),
                    "ChdkAlreadyConnected", ErrorCategory.ResourceExists, SessionRegistry.All.FirstOrDefault(x => x.Id == held[0])));
            }
            ThrowTerminatingError(new ErrorRecord(new ItemNotFoundException($"No camera on USB is {wanted}. Get-ChdkCamera -ListAvailable shows the cameras, their models and serial numbers."),
                "ChdkCameraNotFound", ErrorCategory.ObjectNotFound, wanted));
        }

        /// <summary>The selection in words: "the camera with serial 0123..., model 'Canon*' on bus 1", "the camera at usb:001/004".</summary>
        private string Describe()
        {
            var parts = new List<string>();
            if (Serial != null) parts.Add($"serial {Serial}");
            if (Model != null) parts.Add($"model '{Model}'");
            string place = Bus < 0 ? null : Address >= 0 ? $"at usb:{Bus:D3}/{Address:D3}" : $"on bus {Bus}";
            if (parts.Count == 0 && place == null) return "a CHDK camera";
            return "the camera" + (parts.Count > 0 ? " with " + string.Join(", ", parts) : string.Empty) + (place != null ? " " + place : string.Empty);
        }

        /// <summary>A terminating error for a failed connect: USB failures by kind (busy, access denied, libusb
        /// missing) with their advice; a link that never came up is ChdkConnectFailed rather than ChdkConnectionLost.</summary>
        private void ThrowConnectError(Exception ex, object target)
        {
            var record = ErrorFor(ex, target);
            if (record.FullyQualifiedErrorId == "ChdkConnectionLost")
                record = new ErrorRecord(ex, "ChdkConnectFailed", ErrorCategory.ConnectionError, target);
            ThrowTerminatingError(record);
        }

        /// <summary>A terminating ChdkAlreadyConnected when a connected session holds <paramref name="deviceKey"/>. A
        /// session whose link failed does not hold it (as over USB): after ChdkDifferentCamera the new camera at that
        /// place is connected with a new session, as the error says.</summary>
        private void RefuseSecondClaim(string deviceKey, string what)
        {
            var existing = SessionRegistry.FindByDevice(deviceKey);
            if (existing == null || !existing.IsConnected) return;
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
