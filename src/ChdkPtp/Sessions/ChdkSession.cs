using System;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Connection;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Simulator;

namespace ChdkPtp
{
    /// <summary>
    /// A connection to one CHDK camera, as Connect-ChdkCamera returns it. Cmdlets take it with
    /// -Session (or use the default session). Whole operations (a script run, a message exchange)
    /// hold the session's operation lock, so several threads can share one session safely.
    /// A session remembers where its camera is (<see cref="Connector"/>) and which camera it is
    /// (<see cref="Identity"/>), so it can reconnect to the same camera after the link failed.
    /// </summary>
    public sealed class ChdkSession : IDisposable
    {
        private readonly SemaphoreSlim _operation = new SemaphoreSlim(1, 1);
        private int _closed;
        private int _owner; // managed thread id holding _operation, 0 when free
        private volatile ChdkClient _client;

        internal ChdkSession(int id, CameraConnection connection, ICameraConnector connector, string transport, string deviceKey, InProcessSimulator simulator)
        {
            Id = id;
            _client = connection.Client;
            Identity = connection.Identity;
            Location = connection.Location;
            Connector = connector;
            Transport = transport;
            DeviceKey = deviceKey;
            Simulator = simulator;
            ConnectedAt = DateTime.Now;
        }

        /// <summary>Number of the session in this PowerShell process (1, 2, ...).</summary>
        public int Id { get; }

        /// <summary>The protocol client: every CHDK sub-command as a method, for advanced use. A reconnect replaces it.</summary>
        public ChdkClient Client => _client;

        /// <summary>The camera this session belongs to: model, serial number and USB product id. A reconnect is
        /// accepted only by the same camera.</summary>
        public CameraIdentity Identity { get; }

        /// <summary>Where the camera is reached now, e.g. "usb:001/007", "ptpip:192.168.1.20:15740" or "simulator".</summary>
        public string Location { get; private set; }

        /// <summary>Opens new connections to the same place; used to reconnect.</summary>
        internal ICameraConnector Connector { get; }

        /// <summary>With a policy, commands that lose the camera wait for it to come back, reconnect, and repeat the
        /// operation when that is safe (reads, listings, status); null: a lost link ends the command.
        /// Set by Connect-ChdkCamera -AutoReconnect.</summary>
        public ReconnectPolicy AutoReconnect { get; internal set; }

        /// <summary>How many times this session reconnected.</summary>
        public int ReconnectCount { get; private set; }

        /// <summary>When this session last reconnected (null if never).</summary>
        public DateTime? LastReconnectAt { get; private set; }

        /// <summary>"Simulator", "USB" or "PTP/IP".</summary>
        public string Transport { get; }

        /// <summary>Identifies the physical (or virtual) device, so it cannot be opened twice.</summary>
        internal string DeviceKey { get; }

        /// <summary>The virtual camera behind a -Simulator session; null for a real camera.</summary>
        public InProcessSimulator Simulator { get; }

        /// <summary>Folder that holds a simulator's SD card; null for a real camera.</summary>
        public string SimulatorRoot => Simulator?.Camera.CardRoot;

        public DateTime ConnectedAt { get; }

        public string Manufacturer => Client.DeviceInfo.Manufacturer;

        public string Model => Client.DeviceInfo.Model;

        public string SerialNumber => Client.DeviceInfo.SerialNumber;

        /// <summary>CHDK PTP protocol version the camera speaks, e.g. 2.9.</summary>
        public Version ProtocolVersion => Client.ProtocolVersion;

        /// <summary>The CHDK build as get_buildinfo() reports it (e.g. "1.6.1-6200"), when it could be read at connect.</summary>
        public string BuildVersion { get; internal set; }

        /// <summary>The camera's CHDK platform (e.g. "sx160is") and firmware ("100a"), when known.</summary>
        public string Platform { get; internal set; }

        public bool IsConnected => Volatile.Read(ref _closed) == 0 && !Client.Session.IsFaulted;

        /// <summary>Whether the calling thread holds the session (inside <see cref="Acquire(CancellationToken)"/>).</summary>
        internal bool IsHeldByCurrentThread => Volatile.Read(ref _owner) == Environment.CurrentManagedThreadId;

        /// <summary>Disconnect-ChdkCamera (or module removal) closed the session; it cannot reconnect.</summary>
        internal bool IsClosed => Volatile.Read(ref _closed) != 0;

        /// <summary>
        /// Replaces a failed link by a new connection to the same camera (<see cref="CameraReconnector"/>): waits
        /// for the camera, checks its identity, and swaps <see cref="Client"/>. The caller holds the session
        /// (<see cref="Acquire"/> with allowFailed) or is the only user (Connect-ChdkCamera -Session).
        /// </summary>
        /// <exception cref="ChdkReconnectException">The camera did not come back in time, or another camera answered.</exception>
        internal void Reconnect(ReconnectPolicy policy, Action<string> status, CancellationToken cancel)
        {
            if (IsClosed) throw new ChdkSessionClosedException(this);
            if (Connector == null) throw new ChdkReconnectException(ReconnectFailure.DidNotReturn, $"Session {Id} ({Model}) cannot reconnect: it does not know how to reach the camera again.", null);
            var old = _client;
            try { old.Dispose(); } catch (Exception) { } // the old link is dead or out of step: release the device first
            var c = CameraReconnector.Reconnect(Connector, Identity, policy, status, cancel);
            if (IsClosed)
            {
                c.Client.Dispose();
                throw new ChdkSessionClosedException(this);
            }
            _client = c.Client;
            Location = c.Location;
            ReconnectCount++;
            LastReconnectAt = DateTime.Now;
        }

        /// <summary>Whether a script is running on the camera right now (asks the camera; null when it cannot be asked).</summary>
        public bool? ScriptRunning
        {
            get
            {
                if (!IsConnected) return null;
                if (!_operation.Wait(0)) return true; // an operation of ours is under way: a script we run
                try { return (Client.GetScriptStatus() & ScriptStatus.Running) != 0; }
                catch (PtpException) { return null; }
                catch (ObjectDisposedException) { return null; }
                finally { _operation.Release(); }
            }
        }

        /// <summary>Id of the most recent script this session started (0 before the first).</summary>
        public uint LastScriptId { get; internal set; }

        /// <summary>Takes the session for one whole operation; waits, observing <paramref name="cancel"/>.</summary>
        /// <exception cref="ChdkSessionBusyException">This thread already holds the session: a command later in the
        /// same pipeline wants the camera while an earlier one is still using it (waiting would never end).</exception>
        internal IDisposable Acquire(CancellationToken cancel) => Acquire(cancel, allowFailed: false);

        /// <summary>As <see cref="Acquire(CancellationToken)"/>; with <paramref name="allowFailed"/> a session whose link
        /// failed is handed out too, for the caller to <see cref="Reconnect"/> (a closed session never is).</summary>
        internal IDisposable Acquire(CancellationToken cancel, bool allowFailed)
        {
            bool Usable() => allowFailed ? !IsClosed : IsConnected;
            if (!Usable()) throw new ChdkSessionClosedException(this);
            if (Volatile.Read(ref _owner) == Environment.CurrentManagedThreadId) throw new ChdkSessionBusyException(this);
            _operation.Wait(cancel);
            if (!Usable())
            {
                // Disconnected (or the link failed) while this thread waited its turn.
                _operation.Release();
                throw new ChdkSessionClosedException(this);
            }
            Volatile.Write(ref _owner, Environment.CurrentManagedThreadId);
            return new Releaser(this);
        }

        public override string ToString() => $"ChdkSession {Id}: {Model} ({Transport})";

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0) return;
            try { _client.Dispose(); } catch (Exception) { }
            try { Simulator?.Dispose(); } catch (Exception) { }
        }

        private sealed class Releaser : IDisposable
        {
            private ChdkSession _s;
            public Releaser(ChdkSession s) { _s = s; }
            public void Dispose()
            {
                var s = Interlocked.Exchange(ref _s, null);
                if (s == null) return;
                Volatile.Write(ref s._owner, 0);
                s._operation.Release();
            }
        }
    }

    /// <summary>The session was disconnected or its link failed.</summary>
    public sealed class ChdkSessionClosedException : ChdkException
    {
        public ChdkSessionClosedException(ChdkSession s)
            : base(s.IsClosed
                ? $"Session {s.Id} ({s.Model}) is not connected. Connect again with Connect-ChdkCamera."
                : $"Session {s.Id} ({s.Model}) lost its link to the camera (the camera went away, or a transfer was stopped half-way). Reconnect it with Connect-ChdkCamera -Session (a session connected with -AutoReconnect does this by itself).")
        { Session = s; }

        public ChdkSession Session { get; }
    }

    /// <summary>The session is in use by an earlier command of the same pipeline (for example a remote capture
    /// whose files are being processed downstream): the camera can do one thing at a time.</summary>
    public sealed class ChdkSessionBusyException : ChdkException
    {
        public ChdkSessionBusyException(ChdkSession s)
            : base($"Session {s.Id} ({s.Model}) is in use by an earlier command of this pipeline, which has not finished with the camera. Use the camera after that command ends (for example, collect its output first), or use another session.") { Session = s; }

        public ChdkSession Session { get; }
    }
}
