using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace ChdkPtp
{
    /// <summary>
    /// The process-wide list of open sessions and the default one. Thread-safe: ThreadJob and
    /// ForEach-Object -Parallel runspaces share the process and so share these sessions.
    /// </summary>
    public static class SessionRegistry
    {
        private static readonly object Gate = new object();
        private static readonly List<ChdkSession> Sessions = new List<ChdkSession>();
        private static ChdkSession _default;
        private static int _nextId;

        internal static int NextId() => Interlocked.Increment(ref _nextId);

        /// <summary>Connected sessions, oldest first.</summary>
        public static IReadOnlyList<ChdkSession> All
        {
            get { lock (Gate) return Sessions.ToArray(); }
        }

        /// <summary>The session cmdlets use when -Session is not given: the one most recently connected.</summary>
        public static ChdkSession Default
        {
            get { lock (Gate) return _default; }
        }

        internal static ChdkSession FindByDevice(string deviceKey)
        {
            // a connected one first: a session whose link failed may share the key with one connected since
            lock (Gate)
                return Sessions.Where(s => string.Equals(s.DeviceKey, deviceKey, StringComparison.OrdinalIgnoreCase))
                    .OrderBy(s => s.IsConnected ? 0 : 1).FirstOrDefault();
        }

        /// <summary>The session that has the USB camera at <paramref name="location"/> ("usb:001/005"), or null; with
        /// <paramref name="connectedOnly"/>, only a session whose link works.</summary>
        internal static ChdkSession FindUsb(string location, bool connectedOnly)
        {
            lock (Gate) return Sessions.FirstOrDefault(s => s.Transport == "USB" && s.Location == location && (!connectedOnly || s.IsConnected));
        }

        internal static void Add(ChdkSession session)
        {
            lock (Gate)
            {
                Sessions.Add(session);
                _default = session;
            }
        }

        internal static void Remove(ChdkSession session)
        {
            lock (Gate)
            {
                Sessions.Remove(session);
                if (ReferenceEquals(_default, session)) _default = Sessions.LastOrDefault();
            }
        }

        /// <summary>Disposes every session (module removal, process exit).</summary>
        internal static void CloseAll()
        {
            ChdkSession[] all;
            lock (Gate)
            {
                all = Sessions.ToArray();
                Sessions.Clear();
                _default = null;
            }
            foreach (var s in all) s.Dispose();
        }
    }
}
