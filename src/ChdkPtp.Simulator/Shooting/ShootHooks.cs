using System;
using System.Diagnostics;
using System.Threading;

namespace ChdkPtp.Simulator.Shooting
{
    /// <summary>
    /// CHDK's script shoot hooks (core/script_shoot_hook.c, CHDK ≥ 1.3): hook_preshoot, hook_shoot and hook_raw.
    /// The shooting task counts every pass through a hook; when the script has set a timeout the task also waits
    /// there (is_ready() true) until the script calls continue() or the timeout runs out. Reset when a script
    /// starts and when it ends, which also frees a waiting task.
    /// </summary>
    public sealed class ShootHooks
    {
        public const int PreShoot = 0;
        public const int Shoot = 1;
        public const int Raw = 2;

        private readonly object _gate = new object();
        private readonly int[] _count = new int[3];
        private readonly int[] _timeout = new int[3];
        private readonly bool[] _active = new bool[3];

        /// <summary>hook.set(timeout): block the hooked task up to <paramref name="timeoutMs"/> (0 = do not block).</summary>
        public void Set(int hook, int timeoutMs)
        {
            lock (_gate) _timeout[Check(hook)] = timeoutMs;
        }

        /// <summary>hook.is_ready(): the hooked task is waiting in the hook.</summary>
        public bool IsReady(int hook)
        {
            lock (_gate) return _active[Check(hook)];
        }

        /// <summary>hook.continue(): let the hooked task go on.</summary>
        public void Continue(int hook)
        {
            lock (_gate)
            {
                _active[Check(hook)] = false;
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>hook.count(): passes through the hook since the script started.</summary>
        public int Count(int hook)
        {
            lock (_gate) return _count[Check(hook)];
        }

        /// <summary>Clears counts, timeouts and waits (script load and unload).</summary>
        public void Reset()
        {
            lock (_gate)
            {
                Array.Clear(_count, 0, 3);
                Array.Clear(_timeout, 0, 3);
                Array.Clear(_active, 0, 3);
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>The hooked task passes through: counts, and waits if a timeout is set.</summary>
        internal void Run(int hook, CancellationToken shutdown)
        {
            lock (_gate)
            {
                Check(hook);
                int timeout = _timeout[hook];
                _count[hook]++;
                if (timeout <= 0) return;
                _active[hook] = true;
                var clock = Stopwatch.StartNew();
                while (_active[hook])
                {
                    shutdown.ThrowIfCancellationRequested();
                    long left = timeout - clock.ElapsedMilliseconds;
                    if (left <= 0) break;
                    Monitor.Wait(_gate, (int)Math.Min(left, 50));
                }
                _active[hook] = false;
            }
        }

        private static int Check(int hook)
        {
            if (hook < 0 || hook > 2) throw new ArgumentOutOfRangeException(nameof(hook));
            return hook;
        }
    }
}
