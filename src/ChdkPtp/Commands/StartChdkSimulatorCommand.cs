using System;
using System.Management.Automation;
using System.Net;
using ChdkPtp.Internal;
using ChdkPtp.Simulator.PtpIp;

namespace ChdkPtp.Commands
{
    /// <summary>Start-ChdkSimulator: serves a virtual CHDK camera over PTP/IP (TCP) until Stop-ChdkSimulator.</summary>
    [Cmdlet(VerbsLifecycle.Start, "ChdkSimulator", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(ChdkSimulatorServer))]
    public sealed class StartChdkSimulatorCommand : ChdkCmdlet
    {
        /// <summary>TCP port to listen on; default 15740 (the PTP/IP port). 0 picks a free port.</summary>
        [Parameter(Position = 0)]
        [ValidateRange(0, 65535)]
        public int Port { get; set; } = 15740;

        /// <summary>Address to listen on; default 127.0.0.1 (this computer only). 0.0.0.0 exposes the camera to the network.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ListenAddress { get; set; } = "127.0.0.1";

        /// <summary>Folder holding the virtual camera's SD card (created if missing). Default: a new temporary folder, deleted when the server stops.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string SimulatorRoot { get; set; }

        /// <summary>Settings of the virtual camera, by SimulatorOptions property name, as for Connect-ChdkCamera -Simulator.</summary>
        [Parameter]
        [ValidateNotNull]
        public System.Collections.Hashtable SimulatorOptions { get; set; }

        protected override void ProcessRecord()
        {
            var address = ParseAddress(ListenAddress);
            string root = null;
            if (SimulatorRoot != null)
            {
                try { root = ResolveFileSystemPath(SimulatorRoot); }
                catch (ArgumentException ex) { ThrowChdkError(ex, SimulatorRoot); }
            }
            var options = SimulatorOptionsBuilder.Build(this, root, SimulatorOptions);
            var where = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]:{Port}" : $"{address}:{Port}";
            if (!ShouldProcess(where, "Start a simulated CHDK camera (PTP/IP)")) return;

            PtpIpServer server = null;
            try
            {
                server = new PtpIpServer(options, address, Port);
                server.Start();
            }
            catch (SimulatorListenException ex)
            {
                server?.Dispose();
                ThrowTerminatingError(new ErrorRecord(ex, ex.PortInUse ? "ChdkPortInUse" : "ChdkListenFailed",
                    ex.PortInUse ? ErrorCategory.ResourceBusy : ErrorCategory.OpenError, Port));
                return;
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                server?.Dispose();
                ThrowChdkError(ex, SimulatorRoot);
                return;
            }

            var wrapped = new ChdkSimulatorServer(SimulatorServerRegistry.NextId(), server);
            SimulatorServerRegistry.Add(wrapped);
            if (!IPAddress.IsLoopback(address))
                WriteWarning($"The simulated camera listens on {server.Endpoint}: other computers on the network can reach it and its SD card folder '{wrapped.SimulatorRoot}'.");
            WriteVerbose($"Simulated {wrapped.Model} listening on {server.Endpoint}; card folder '{wrapped.SimulatorRoot}'. gphoto2: --port ptpip:{wrapped.HostName}:{server.Port}:{server.Port}");
            WriteObject(wrapped);
        }

        private IPAddress ParseAddress(string text)
        {
            var t = text.Trim();
            if (t.StartsWith("[", StringComparison.Ordinal) && t.EndsWith("]", StringComparison.Ordinal)) t = t.Substring(1, t.Length - 2);
            if (string.Equals(t, "localhost", StringComparison.OrdinalIgnoreCase)) return IPAddress.Loopback;
            if (IPAddress.TryParse(t, out var a)) return a;
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"'{text}' is not an IP address to listen on: use 127.0.0.1 (this computer only), an address of this computer, or 0.0.0.0 (every network interface)."),
                "ChdkInvalidArgument", ErrorCategory.InvalidArgument, text));
            return null;
        }
    }
}
