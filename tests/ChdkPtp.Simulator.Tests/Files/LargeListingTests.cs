using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Files;
using Xunit.Abstractions;

namespace ChdkPtp.Simulator.Tests.Files
{
    public sealed class LargeListingTests : IDisposable
    {
        private const int FileCount = 10000;
        private readonly FileTestCamera _cam = new FileTestCamera();
        private readonly ITestOutputHelper _out;

        public LargeListingTests(ITestOutputHelper output)
        {
            _out = output;
            var dir = _cam.MakeDir("A/DCIM/100CANON");
            for (int i = 0; i < FileCount; i++)
                File.WriteAllBytes(Path.Combine(dir, Name(i)), new byte[i % 97]);
        }

        // 10,000 distinct DCIM-style names: IMG_0000.JPG ... IMG_9999.JPG
        private static string Name(int i) => "IMG_" + i.ToString("D4") + ".JPG";

        public void Dispose() => _cam.Dispose();

        [Fact]
        public void Ten_thousand_files_list_exactly_in_one_script_and_about_one_message_per_fifty_files()
        {
            int scripts = _cam.Counter.Count(ChdkCommand.ExecuteScript);
            int reads = _cam.Counter.Count(ChdkCommand.ReadScriptMsg);
            var clock = Stopwatch.StartNew();
            var items = _cam.Files.List("A/DCIM/100CANON").ToList();
            clock.Stop();
            int usedReads = _cam.Counter.Count(ChdkCommand.ReadScriptMsg) - reads;
            _out.WriteLine($"{items.Count} items in {clock.ElapsedMilliseconds} ms, {usedReads} ReadScriptMsg transactions");

            Assert.Equal(FileCount, items.Count);
            Assert.Equal(Enumerable.Range(0, FileCount).Select(Name), items.Select(i => i.Name).OrderBy(n => n, StringComparer.Ordinal));
            Assert.All(items, i => Assert.Equal(i.ImageNumber.Value % 97, i.Length));
            Assert.Equal(1, _cam.Counter.Count(ChdkCommand.ExecuteScript) - scripts);
            // The simulator's os.stat scans the folder for the entry's real case, so this takes ~20 s on the
            // simulator (O(n^2)); a camera's FAT lookup is what it is. The message count is what matters here.
            // 10,000 / 50 = 200 USER messages + 2 RET messages (true, count); ReadScriptMsg is only sent when the
            // status says a message waits, so each read fetches one message.
            Assert.InRange(usedReads, FileCount / 50, FileCount / 50 + 10);
        }

        [Fact]
        public void Items_stream_while_the_script_still_runs_and_stopping_early_kills_it()
        {
            using (var e = _cam.Files.List("A/DCIM/100CANON").GetEnumerator())
            {
                Assert.True(e.MoveNext());
                Assert.StartsWith("IMG_", e.Current.Name);
                // The camera blocks when its 15-slot queue is full (750 items): it cannot have finished 10,000.
                Assert.True(_cam.Sim.Camera.Scripts.IsRunning);
                for (int i = 0; i < 100; i++) Assert.True(e.MoveNext());
                // While the listing script runs: a listed file downloads (no script needed) ...
                var item = e.Current;
                var ms = new MemoryStream();
                Assert.Equal(item.Length, _cam.Files.Download(item, ms));
                Assert.Equal(File.ReadAllBytes(_cam.Host(item.FullName)), ms.ToArray());
                // ... but another script cannot start
                Assert.Throws<ChdkScriptRunningException>(() => _cam.Files.Stat("A/DCIM"));
                Assert.True(e.MoveNext());
            }
            Assert.False(_cam.Sim.Camera.Scripts.IsRunning);
            Assert.NotNull(_cam.Files.Stat("A/DCIM/100CANON/IMG_0042.JPG"));
        }
    }
}
