using System;
using System.Collections.Generic;
using System.Threading;
using ChdkPtp.Protocol.Chdk;

namespace ChdkPtp.Simulator.Scripting
{
    /// <summary>One script message as CHDK keeps it (core/ptp.c): size, script id, type, subtype, data.</summary>
    public sealed class ScriptMessage
    {
        public ScriptMessage(ScriptMessageType type, uint subtype, uint scriptId, byte[] data)
        {
            Type = type;
            Subtype = subtype;
            ScriptId = scriptId;
            Data = data ?? Array.Empty<byte>();
        }

        public ScriptMessageType Type { get; }
        public uint Subtype { get; }
        public uint ScriptId { get; }
        public byte[] Data { get; }
    }

    /// <summary>
    /// A CHDK script message queue: a 16-entry ring that is full when one slot is left, so 15 usable
    /// slots. Thread-safe; writers may wait for space and readers for a message, with a timeout and a
    /// cancellation token (a killed script must not stay blocked).
    /// </summary>
    public sealed class ScriptMessageQueue
    {
        private readonly Queue<ScriptMessage> _items = new Queue<ScriptMessage>();
        private readonly object _gate = new object();

        public int Capacity => ChdkConstants.MessageQueueCapacity;

        public int Count { get { lock (_gate) return _items.Count; } }

        public bool IsEmpty => Count == 0;

        /// <summary>Adds a message if there is room; false when the queue is full.</summary>
        public bool TryEnqueue(ScriptMessage message)
        {
            if (message == null) throw new ArgumentNullException(nameof(message));
            lock (_gate)
            {
                if (_items.Count >= Capacity) return false;
                _items.Enqueue(message);
                Monitor.PulseAll(_gate);
                return true;
            }
        }

        /// <summary>Waits up to <paramref name="timeoutMs"/> (negative: forever) for room, then adds.</summary>
        public bool Enqueue(ScriptMessage message, int timeoutMs, CancellationToken cancel)
        {
            lock (_gate)
            {
                if (!WaitLocked(() => _items.Count < Capacity, timeoutMs, cancel)) return false;
                _items.Enqueue(message);
                Monitor.PulseAll(_gate);
                return true;
            }
        }

        public ScriptMessage TryDequeue()
        {
            lock (_gate)
            {
                if (_items.Count == 0) return null;
                var m = _items.Dequeue();
                Monitor.PulseAll(_gate);
                return m;
            }
        }

        /// <summary>Waits up to <paramref name="timeoutMs"/> (negative: forever) for a message; null on timeout or cancel.</summary>
        public ScriptMessage Dequeue(int timeoutMs, CancellationToken cancel)
        {
            lock (_gate)
            {
                if (!WaitLocked(() => _items.Count > 0, timeoutMs, cancel)) return null;
                var m = _items.Dequeue();
                Monitor.PulseAll(_gate);
                return m;
            }
        }

        /// <summary>With the lock held: waits until <paramref name="ready"/>, in slices of at most 100 ms so a
        /// cancel is seen; false on timeout (negative: none) or cancel.</summary>
        private bool WaitLocked(Func<bool> ready, int timeoutMs, CancellationToken cancel)
        {
            var deadline = timeoutMs < 0 ? DateTime.MaxValue : DateTime.UtcNow.AddMilliseconds(timeoutMs);
            while (!ready())
            {
                if (cancel.IsCancellationRequested) return false;
                var left = deadline == DateTime.MaxValue ? 100 : (int)Math.Min(100, (deadline - DateTime.UtcNow).TotalMilliseconds);
                if (left <= 0) return false;
                Monitor.Wait(_gate, left);
            }
            return true;
        }

        public void Clear()
        {
            lock (_gate)
            {
                _items.Clear();
                Monitor.PulseAll(_gate);
            }
        }
    }
}
