using System;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Simulator;

namespace ChdkPtp
{
    /// <summary>
    /// A connection to one CHDK camera, as Connect-ChdkCamera returns it. Cmdlets take it with
    /// -Session (or use the default session). Whole operations (a script run, a message exchange)
    /// hold the session's operation lock, so several threads can share one session safely.
    /// </summary>
    public sealed class ChdkSession : IDisposable
    {
        private readonly SemaphoreSlim _operation = new SemaphoreSlim(1, 1);
        private int _closed;
        private int _owner; // managed thread id holding _operation, 0 when free

        internal ChdkSession(int id, ChdkClient client, string transport, string deviceKey, InProcessSimulator simulator)
        {
            Id = id;
            Client = client;
            Transport = transport;
            DeviceKey = deviceKey;
            Simulator = simulator;
            ConnectedAt = DateTime.Now;
        }

        /// <summary>Number of the session in this PowerShell process (1, 2, ...).</summary>
        public int Id { get; }

        /// <summary>The protocol client: every CHDK sub-command as a method, for advanced use.</summary>
        public ChdkClient Client { get; }

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
        internal IDisposable Acquire(CancellationToken cancel)
        {
            if (!IsConnected) throw new ChdkSessionClosedException(this);
            if (Volatile.Read(ref _owner) == Environment.CurrentManagedThreadId) throw new ChdkSessionBusyException(this);
            _operation.Wait(cancel);
            if (!IsConnected)
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
            try { Client.Dispose(); } catch (Exception) { }
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
            : base($"Session {s.Id} ({s.Model}) is not connected. Connect again with Connect-ChdkCamera.") { Session = s; }

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
