using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using ChdkPtp.Simulator;
using ChdkPtp.Simulator.PtpIp;

namespace ChdkPtp
{
    /// <summary>
    /// A virtual CHDK camera served over PTP/IP (Start-ChdkSimulator): gphoto2, chdkptp or Connect-ChdkCamera -HostName
    /// reach it at <see cref="HostName"/>:<see cref="Port"/>. It keeps running after the command returns, until
    /// Stop-ChdkSimulator, module removal or the end of the process.
    /// </summary>
    public sealed class ChdkSimulatorServer : IDisposable
    {
        internal ChdkSimulatorServer(int id, PtpIpServer server)
        {
            Id = id;
            Server = server;
            StartTime = DateTime.Now;
        }

        /// <summary>Number of this server in the process (1, 2, ...).</summary>
        public int Id { get; }

        /// <summary>The address listened on: 127.0.0.1 by default; 0.0.0.0 or :: is every interface.</summary>
        public string Address => Server.Address.ToString();

        public int Port => Server.Port;

        /// <summary>Where a client on this computer connects: the listen address, or loopback when it listens on every interface.</summary>
        public string HostName =>
            Server.Address.Equals(IPAddress.Any) ? "127.0.0.1"
            : Server.Address.Equals(IPAddress.IPv6Any) ? "::1"
            : Server.Address.ToString();

        /// <summary>The folder that is the virtual SD card (A/).</summary>
        public string SimulatorRoot => Server.Camera.CardRoot;

        public VirtualCamera Camera => Server.Camera;

        public string Model => Server.Camera.Options.Model;

        public string SerialNumber => Server.Camera.Options.SerialNumber;

        public bool IsRunning => Server.IsRunning;

        /// <summary>Open TCP connections (a connected client has two: command and event).</summary>
        public int Connections => Server.ConnectionCount;

        /// <summary>The friendly name of the connected client (its machine name for gphoto2 and ChdkPtp), or null.</summary>
        public string Client => Server.Initiator?.FriendlyName;

        public DateTime StartTime { get; }

        /// <summary>The PTP/IP responder itself. Its Stop() and Start() make the camera disappear and come back on the
        /// same port (reconnection tests); Stop-ChdkSimulator ends it for good.</summary>
        public PtpIpServer Server { get; }

        /// <summary>Stops listening, closes every connection and disposes the camera (a temporary card folder is deleted).</summary>
        public void Dispose() => Server.Dispose();

        public override string ToString() => $"ptpip:{HostName}:{Port}";
    }

    /// <summary>The process-wide list of running simulator servers (shared by every runspace, stopped with the module).</summary>
    public static class SimulatorServerRegistry
    {
        private static readonly object Gate = new object();
        private static readonly List<ChdkSimulatorServer> Servers = new List<ChdkSimulatorServer>();
        private static int _nextId;

        /// <summary>Servers started and not stopped, oldest first.</summary>
        public static IReadOnlyList<ChdkSimulatorServer> All
        {
            get { lock (Gate) return Servers.ToArray(); }
        }

        internal static int NextId() => System.Threading.Interlocked.Increment(ref _nextId);

        internal static void Add(ChdkSimulatorServer server)
        {
            lock (Gate) Servers.Add(server);
        }

        /// <summary>Removes and disposes a server; false when it was not registered (already stopped).</summary>
        internal static bool Stop(ChdkSimulatorServer server)
        {
            bool had;
            lock (Gate) had = Servers.Remove(server);
            server.Dispose();
            return had;
        }

        internal static ChdkSimulatorServer[] FindByPort(int port)
        {
            lock (Gate) return Servers.Where(s => s.Port == port).ToArray();
        }

        /// <summary>Stops every server (module removal, process exit).</summary>
        internal static void StopAll()
        {
            ChdkSimulatorServer[] all;
            lock (Gate)
            {
                all = Servers.ToArray();
                Servers.Clear();
            }
            foreach (var s in all)
            {
                try { s.Dispose(); } catch (Exception) { }
            }
        }
    }
}
