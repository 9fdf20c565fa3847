using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Simulator.Tests.Conformance
{
    /// <summary>
    /// The expectations of chdkptp's own camera test suite (lua/tests/cam.lua, PROTOCOL.md §8.1 item 13),
    /// checked at the wire level against the simulator.
    /// </summary>
    public class ChdkptpSuiteTests
    {
        private static byte[] Script(string code) => Encoding.ASCII.GetBytes(code + "\0");

        private static void WaitIdle(RawCamera cam)
        {
            var clock = Stopwatch.StartNew();
            while ((cam.Chdk(8).R.Parameter(0) & 1) != 0)
            {
                Assert.True(clock.ElapsedMilliseconds < 5000, "script did not end");
                Thread.Sleep(2);
            }
        }

        [Fact]
        public void Return42GivesOneIntegerReturnMessage()
        {
            using var cam = new RawCamera();
            var ex = cam.Chdk(7, Script("return 42"), false, 0x600);
            Assert.Equal(PtpResponseCode.OK, ex.R.Code);
            uint id = ex.R.Parameter(0);
            Assert.Equal(0u, ex.R.Parameter(1));
            WaitIdle(cam);
            Assert.Equal(2u, cam.Chdk(8).R.Parameter(0)); // not running, message queued
            var m = cam.Chdk(10, dataIn: true);
            Assert.Equal(new byte[] { 0x2A, 0, 0, 0 }, m.Bytes);
            Assert.Equal(new uint[] { 2, 3, id, 4 }, m.R.Parameters);
            Assert.Equal(0u, cam.Chdk(8).R.Parameter(0));
        }

        [Fact]
        public void SeveralReturnValuesKeepNil()
        {
            using var cam = new RawCamera();
            uint id = cam.Chdk(7, Script("return 1,nil,2"), false, 0x600).R.Parameter(0);
            WaitIdle(cam);
            var a = cam.Chdk(10, dataIn: true);
            var b = cam.Chdk(10, dataIn: true);
            var c = cam.Chdk(10, dataIn: true);
            Assert.Equal(new uint[] { 2, 3, id, 4 }, a.R.Parameters);
            Assert.Equal(new byte[] { 1, 0, 0, 0 }, a.Bytes);
            Assert.Equal(new uint[] { 2, 1, id, 4 }, b.R.Parameters);
            Assert.Equal(new byte[] { 0, 0, 0, 0 }, b.Bytes);
            Assert.Equal(new byte[] { 2, 0, 0, 0 }, c.Bytes);
            Assert.Equal(0u, cam.Chdk(10, dataIn: true).R.Parameter(0));
        }

        [Fact]
        public void CompileErrorIsStatusOneAndAnErrMessageInChdksForm()
        {
            using var cam = new RawCamera();
            var ex = cam.Chdk(7, Script("bogus]"), false, 0x600);
            uint id = ex.R.Parameter(0);
            Assert.Equal(1u, ex.R.Parameter(1));
            var m = cam.Chdk(10, dataIn: true);
            Assert.Equal(new uint[] { 1, 1, id, (uint)m.Bytes.Length }, m.R.Parameters);
            Assert.Equal(":1: '=' expected near ']'", Encoding.ASCII.GetString(m.Bytes));
            Assert.Equal(0u, cam.Chdk(8).R.Parameter(0));
        }

        [Fact]
        public void RuntimeErrorIsAnErrMessageOfSubtypeRuntime()
        {
            using var cam = new RawCamera();
            uint id = cam.Chdk(7, Script("local x = 1\nerror('boom')"), false, 0x600).R.Parameter(0);
            WaitIdle(cam);
            var m = cam.Chdk(10, dataIn: true);
            Assert.Equal(1u, m.R.Parameter(0));
            Assert.Equal(2u, m.R.Parameter(1));
            Assert.Equal(id, m.R.Parameter(2));
            Assert.Equal(":2: boom", Encoding.ASCII.GetString(m.Bytes));
        }

        [Fact]
        public void NoKillWhileRunningKeepsTheIdAndKillWithoutItEndsTheScriptSilently()
        {
            using var cam = new RawCamera();
            uint id = cam.Chdk(7, Script("write_usb_msg('started') sleep(10000) return 1"), false, 0x600).R.Parameter(0);
            // The script runs asynchronously: wait until its first message is queued.
            var clock = Stopwatch.StartNew();
            while ((cam.Chdk(8).R.Parameter(0) & 2) == 0)
            {
                Assert.True(clock.ElapsedMilliseconds < 5000, "no message from the script");
                Thread.Sleep(2);
            }
            var busy = cam.Chdk(7, Script("return 2"), false, 0x700);
            Assert.Equal(PtpResponseCode.OK, busy.R.Code);
            Assert.Equal(new uint[] { id, 0x1000 }, busy.R.Parameters);
            // Without NOKILL (and no flush) the old script is killed without messages; the new one runs.
            var next = cam.Chdk(7, Script("return 3"), false, 0);
            Assert.Equal(id + 1, next.R.Parameter(0));
            WaitIdle(cam);
            var first = cam.Chdk(10, dataIn: true);
            Assert.Equal("started", Encoding.ASCII.GetString(first.Bytes));
            var ret = cam.Chdk(10, dataIn: true);
            Assert.Equal(new uint[] { 2, 3, id + 1, 4 }, ret.R.Parameters);
            Assert.Equal(new byte[] { 3, 0, 0, 0 }, ret.Bytes);
            Assert.Equal(0u, cam.Chdk(10, dataIn: true).R.Parameter(0));
        }

        [Fact]
        public void MessagesBothWaysAndFifteenSlotQueues()
        {
            using var cam = new RawCamera();
            uint id = cam.Chdk(7, Script("sleep(1000) local n, s = 0, '' while true do local m = read_usb_msg(500) if not m then break end n = n + 1 s = s .. m .. ',' end return n, s"), false, 0x600).R.Parameter(0);
            int ok = 0, full = 0;
            for (int i = 0; i < 16; i++)
            {
                var w = cam.Chdk(11, Encoding.ASCII.GetBytes("m" + i), false, id);
                if (w.R.Parameter(0) == 0) ok++;
                else if (w.R.Parameter(0) == 2) full++;
            }
            Assert.Equal(15, ok);
            Assert.Equal(1, full);
            Assert.Equal(3u, cam.Chdk(11, new byte[] { 1 }, false, id + 7).R.Parameter(0)); // bad id
            WaitIdle(cam);
            Assert.Equal(new byte[] { 15, 0, 0, 0 }, cam.Chdk(10, dataIn: true).Bytes);
            Assert.Equal(string.Concat(Enumerable.Range(0, 15).Select(i => "m" + i + ",")), Encoding.ASCII.GetString(cam.Chdk(10, dataIn: true).Bytes));
        }

        [Fact]
        public void TablesUseTheDefaultSerializerUntilAClientOverridesIt()
        {
            using var cam = new RawCamera();
            cam.Chdk(7, Script("return {7}"), false, 0x600);
            WaitIdle(cam);
            var m = cam.Chdk(10, dataIn: true);
            Assert.Equal(5u, m.R.Parameter(1));
            Assert.Equal("1\t7\n", Encoding.ASCII.GetString(m.Bytes));
            cam.Chdk(7, Script("function usb_msg_table_to_string(t) return 'custom' end return {1}"), false, 0x600);
            WaitIdle(cam);
            Assert.Equal("custom", Encoding.ASCII.GetString(cam.Chdk(10, dataIn: true).Bytes));
        }

        [Fact]
        public void EmptyStringReturnSendsOneDummyByteWithLengthZero()
        {
            using var cam = new RawCamera();
            cam.Chdk(7, Script("return ''"), false, 0x600);
            WaitIdle(cam);
            var m = cam.Chdk(10, dataIn: true);
            Assert.Equal(new byte[] { 0 }, m.Bytes);
            Assert.Equal(4u, m.R.Parameter(1));
            Assert.Equal(0u, m.R.Parameter(3));
        }

        [Theory]
        [InlineData(511)]
        [InlineData(512)]
        [InlineData(4096)]
        [InlineData(256 * 1024)]
        [InlineData(500 * 1024)]
        public void FileTransfersOfChdkptpsSizesRoundTrip(int size)
        {
            using var sim = new InProcessSimulator();
            using var client = ChdkClient.Connect(sim.CreateTransport());
            var content = new byte[size];
            new Random(size).NextBytes(content);
            for (int i = 0; i < size; i += 97) content[i] = 0; // embedded NULs
            client.UploadFile("A/XFER.BIN", new BytesDataSource(content));
            var sink = new MemoryDataSink();
            Assert.Equal(size, client.DownloadFile("A/XFER.BIN", sink));
            Assert.Equal(content, sink.ToArray());
            Assert.Equal(content, File.ReadAllBytes(Path.Combine(sim.Camera.CardRoot, "XFER.BIN")));
        }

        [Fact]
        public void MemoryReadsOfAnyAddressReturnBytes()
        {
            using var sim = new InProcessSimulator();
            using var client = ChdkClient.Connect(sim.CreateTransport());
            Assert.Equal(100, client.GetMemory(0x1900, 100).Length);
            Assert.Equal(1024, client.GetMemory(0xFFFFFC00, 1024, buffered: true).Length);
        }
    }
}
