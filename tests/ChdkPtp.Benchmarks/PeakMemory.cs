using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Files;
using ChdkPtp.Simulator;

namespace ChdkPtp.Benchmarks
{
    /// <summary>
    /// Peak resident memory of the whole process while it downloads one large file from the in-process
    /// simulator (not a BenchmarkDotNet benchmark: BDN measures in child processes and reports allocations,
    /// not residency). Linux only: it reads /proc/self/status.
    /// <code>dotnet run -c Release --project tests/ChdkPtp.Benchmarks -- --peak-memory [MiB ...]</code>
    /// For each size (default 1024), a sparse file of that size is made on the simulator's card; the
    /// process's idle RSS is read after connecting; the kernel's high-water mark (VmHWM) is reset by writing
    /// "5" to /proc/self/clear_refs; the file is downloaded to a file on disk (deleted afterwards); then
    /// VmHWM is read again. A thread also samples VmRSS every 5 ms as a cross-check, and the bytes waiting in
    /// the simulated USB pipe from camera to host.
    /// </summary>
    internal static class PeakMemory
    {
        public static int Run(string[] sizes)
        {
            if (!File.Exists("/proc/self/status"))
            {
                Console.Error.WriteLine("--peak-memory reads /proc/self/status: Linux only.");
                return 2;
            }
            var mib = sizes.Length == 0 ? new long[] { 1024 } : Array.ConvertAll(sizes, s => long.Parse(s, CultureInfo.InvariantCulture));
            var work = Path.Combine(Path.GetTempPath(), "chdkptp-peak-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(work);
            var sim = new InProcessSimulator(new SimulatorOptions { Root = Path.Combine(work, "card") });
            try
            {
                using var client = ChdkClient.Connect(sim.CreateTransport());
                var files = new ChdkFileSystem(client);
                Directory.CreateDirectory(Path.Combine(sim.Camera.CardRoot, "BIG"));
                // One small listing so that the session is as a user has it before a download (scripts ran).
                files.List("A/").GetEnumerator().Dispose();

                Console.WriteLine($"{"file",10} {"idle RSS",12} {"peak (VmHWM)",14} {"peak (sampled)",15} {"peak - idle",12} {"time",8} {"rate",11} {"pipe (sampled)",15}");
                foreach (var m in mib)
                {
                    long size = m * 1024 * 1024;
                    var card = Path.Combine(sim.Camera.CardRoot, "BIG", "BIG.MP4");
                    using (var f = File.Create(card)) f.SetLength(size); // sparse: no disk space, reads as zeros
                    var dest = Path.Combine(work, "dest.bin");

                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    GC.Collect();
                    Thread.Sleep(200);
                    long idle = Status("VmRSS");
                    ResetHighWaterMark();
                    long sampled = 0, queued = 0;
                    using var stop = new ManualResetEventSlim();
                    var sampler = new Thread(() =>
                    {
                        do
                        {
                            sampled = Math.Max(sampled, Status("VmRSS"));
                            queued = Math.Max(queued, sim.Link.DeviceToHost.QueuedBytes);
                        }
                        while (!stop.Wait(5));
                    }) { IsBackground = true };
                    sampler.Start();
                    var clock = Stopwatch.StartNew();
                    long n;
                    using (var fs = new FileStream(dest, FileMode.Create, FileAccess.Write, FileShare.None, 1))
                        n = files.Download("A/BIG/BIG.MP4", fs); // by path: os.stat cannot describe files of 2 GiB or more
                    clock.Stop();
                    stop.Set();
                    sampler.Join();
                    long hwm = Status("VmHWM");
                    if (n != size) throw new InvalidOperationException($"Downloaded {n} bytes of {size}.");
                    if (new FileInfo(dest).Length != size) throw new InvalidOperationException("The destination has the wrong length.");
                    File.Delete(dest);
                    File.Delete(card);
                    Console.WriteLine($"{m + " MiB",10} {Mib(idle),12} {Mib(hwm),14} {Mib(sampled),15} {Mib(Math.Max(hwm, sampled) - idle),12} {clock.Elapsed.TotalSeconds,7:F2}s {size / clock.Elapsed.TotalSeconds / 1e6,7:F0} MB/s {Mib(queued),15}");
                }
            }
            finally
            {
                sim.Dispose();
                Directory.Delete(work, true);
            }
            return 0;
        }

        private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) + " MiB";

        /// <summary>Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+).</summary>
        private static void ResetHighWaterMark()
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            long hwm = Status("VmHWM"), rss = Status("VmRSS");
            // VmHWM may trail VmRSS by a page or two that were touched in between; anything more means no reset.
            if (hwm > rss + 4 * 1024 * 1024)
                throw new InvalidOperationException($"The high-water mark did not reset (VmHWM {hwm}, VmRSS {rss}).");
        }

        /// <summary>A "Vm...:  N kB" line of /proc/self/status, in bytes.</summary>
        private static long Status(string key)
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith(key + ":", StringComparison.Ordinal)) continue;
                var parts = line.Substring(key.Length + 1).Trim().Split(' ');
                return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;
            }
            throw new InvalidOperationException($"No {key} in /proc/self/status.");
        }
    }
}
