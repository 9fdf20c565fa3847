using System;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Simulator.Scripting;

namespace ChdkPtp.Simulator.Tests.Lua
{
    /// <summary>write_usb_msg / read_usb_msg (PROTOCOL.md §3.3, §3.5).</summary>
    public class UsbMessageTests
    {
        private static byte[] A(string s) => Encoding.ASCII.GetBytes(s);

        [Fact]
        public void WriteUsbMsg_AllTypes_AreUserMessages()
        {
            using var h = new ScriptHarness();
            var msgs = h.Run("return write_usb_msg(nil), write_usb_msg(true), write_usb_msg(-7), write_usb_msg('s\\0t'), write_usb_msg({x=2})");
            Assert.Equal(10, msgs.Count);
            var user = msgs.Take(5).ToArray();
            Assert.All(user, m => Assert.Equal(ScriptMessageType.User, m.Type));
            Assert.All(user, m => Assert.Equal(h.LastId, m.ScriptId));
            Assert.Equal((uint)ScriptDataType.Nil, user[0].Subtype);
            Assert.Equal(new byte[4], user[0].Data);
            Assert.Equal((uint)ScriptDataType.Boolean, user[1].Subtype);
            Assert.Equal(new byte[] { 1, 0, 0, 0 }, user[1].Data);
            Assert.Equal((uint)ScriptDataType.Integer, user[2].Subtype);
            Assert.Equal(new byte[] { 0xF9, 0xFF, 0xFF, 0xFF }, user[2].Data);
            Assert.Equal((uint)ScriptDataType.String, user[3].Subtype);
            Assert.Equal(new byte[] { (byte)'s', 0, (byte)'t' }, user[3].Data);
            Assert.Equal((uint)ScriptDataType.Table, user[4].Subtype);
            Assert.Equal(A("x\t2\n"), user[4].Data);
            // the five return values: all true
            Assert.All(msgs.Skip(5), m => Assert.Equal(new byte[] { 1, 0, 0, 0 }, m.Data));
        }

        [Fact]
        public void WriteUsbMsg_Errors()
        {
            using var h = new ScriptHarness();
            Assert.Equal(":1: missing argument", Err(h, "write_usb_msg()"));
            Assert.Equal(":1: unsupported type", Err(h, "write_usb_msg(print)"));
            Assert.Equal(":2: bad argument #2 to 'write_usb_msg' (number expected, got table)", Err(h, "\nwrite_usb_msg('x', {})"));
            // a failing serializer raises its message as a script error
            Assert.Equal(":1: nope", Err(h, "usb_msg_table_to_string = function() error('nope', 0) end write_usb_msg({})"));
            Assert.Empty(h.Drain());
        }

        private static string Err(ScriptHarness h, string code)
        {
            var m = Assert.Single(h.Run(code));
            Assert.Equal(ScriptMessageType.Error, m.Type);
            Assert.Equal((uint)ScriptErrorType.Runtime, m.Subtype);
            return ScriptHarness.Latin1(m.Data);
        }

        [Fact]
        public void WriteUsbMsg_FullQueue_ReturnsFalse_WithoutTimeout()
        {
            using var h = new ScriptHarness();
            var msgs = h.Run("local ok = {} for i = 1, 16 do ok[i] = write_usb_msg(i) end " +
                             "for i = 1, 16 do if ok[i] ~= (i <= 15) then error('slot ' .. i) end end");
            Assert.Equal(ChdkConstants.MessageQueueCapacity, msgs.Count);
            Assert.All(msgs, m => Assert.Equal(ScriptMessageType.User, m.Type));
        }

        [Fact]
        public void WriteUsbMsg_WithTimeout_WaitsForSpace()
        {
            using var h = new ScriptHarness();
            for (int i = 0; i < ChdkConstants.MessageQueueCapacity; i++)
                Assert.True(h.Camera.CameraToHost.TryEnqueue(new ScriptMessage(ScriptMessageType.User, 1, 0, new byte[4])));
            Assert.Null(h.Start("local t0 = get_tick_count() local ok = write_usb_msg('late', 5000) " +
                                "write_usb_msg(ok, 5000) write_usb_msg(get_tick_count() - t0, 5000)"));
            Thread.Sleep(200);
            Assert.True(h.Camera.Scripts.IsRunning);
            var seen = new System.Collections.Generic.List<ScriptMessage>();
            var sw = Stopwatch.StartNew();
            while (seen.Count < ChdkConstants.MessageQueueCapacity + 3 && sw.ElapsedMilliseconds < 5000)
            {
                var m = h.Camera.CameraToHost.Dequeue(100, CancellationToken.None);
                if (m != null) seen.Add(m);
            }
            Assert.True(h.WaitEnd());
            var mine = seen.Where(m => m.ScriptId == h.LastId).ToArray();
            Assert.Equal(3, mine.Length);
            Assert.Equal("late", ScriptHarness.Latin1(mine[0].Data));
            Assert.Equal(new byte[] { 1, 0, 0, 0 }, mine[1].Data);
            Assert.Equal((uint)ScriptDataType.Boolean, mine[1].Subtype);
            Assert.InRange(BitConverter.ToInt32(mine[2].Data, 0), 150, 4000);
        }

        [Fact]
        public void WriteUsbMsg_WithTimeout_GivesUp()
        {
            using var h = new ScriptHarness();
            for (int i = 0; i < ChdkConstants.MessageQueueCapacity; i++)
                h.Camera.CameraToHost.TryEnqueue(new ScriptMessage(ScriptMessageType.User, 1, 0, new byte[4]));
            Assert.Null(h.Start("local t0 = get_tick_count() local ok = write_usb_msg('x', 150) return ok, get_tick_count() - t0"));
            Assert.True(h.WaitEnd());
            // the return values were dropped (queue still full): read the 15 fillers, then nothing
            Assert.Equal(ChdkConstants.MessageQueueCapacity, h.Drain().Count);
            Assert.Null(h.Start("write_usb_msg('probe')"));
            Assert.True(h.WaitEnd());
            Assert.Equal("probe", ScriptHarness.Latin1(Assert.Single(h.Drain()).Data));
        }

        [Fact]
        public void WriteUsbMsg_WithTimeout_ReportsFalse()
        {
            using var h = new ScriptHarness();
            for (int i = 0; i < ChdkConstants.MessageQueueCapacity; i++)
                h.Camera.CameraToHost.TryEnqueue(new ScriptMessage(ScriptMessageType.User, 1, 0, new byte[4]));
            Assert.Null(h.Start("local t0 = get_tick_count() local ok = write_usb_msg('x', 150) " +
                                "while not write_usb_msg(ok and 'yes' or 'no') do sleep(10) end " +
                                "while not write_usb_msg(get_tick_count() - t0) do sleep(10) end"));
            Thread.Sleep(400);
            for (int i = 0; i < ChdkConstants.MessageQueueCapacity; i++) h.Camera.CameraToHost.TryDequeue();
            Assert.True(h.WaitEnd());
            var msgs = h.Drain();
            Assert.Equal("no", ScriptHarness.Latin1(msgs[0].Data));
            Assert.InRange(BitConverter.ToInt32(msgs[1].Data, 0), 140, 5000);
        }

        [Fact]
        public void ReadUsbMsg_ReturnsBytes_OrNil()
        {
            using var h = new ScriptHarness();
            var payload = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
            h.Camera.HostToCamera.TryEnqueue(new ScriptMessage(ScriptMessageType.User, (uint)ScriptDataType.String, 0, payload));
            var msgs = h.Run("local a = read_usb_msg() local b = read_usb_msg() return a, b == nil, #a");
            Assert.Equal(payload, msgs[0].Data);
            Assert.Equal(new byte[] { 1, 0, 0, 0 }, msgs[1].Data);
            Assert.Equal(new byte[] { 0, 1, 0, 0 }, msgs[2].Data);
        }

        [Fact]
        public void ReadUsbMsg_DiscardsStaleIds_KeepsZeroAndCurrent()
        {
            using var h = new ScriptHarness();
            h.Run("return"); // id 1
            uint next = h.Camera.ScriptRunId + 1;
            var q = h.Camera.HostToCamera;
            q.TryEnqueue(new ScriptMessage(ScriptMessageType.User, 4, 999, A("stale")));
            q.TryEnqueue(new ScriptMessage(ScriptMessageType.User, 4, 0, A("any")));
            q.TryEnqueue(new ScriptMessage(ScriptMessageType.User, 4, 1, A("old")));
            q.TryEnqueue(new ScriptMessage(ScriptMessageType.User, 4, next, A("mine")));
            var msgs = h.Run("return read_usb_msg(), read_usb_msg(), read_usb_msg()");
            Assert.Equal(next, h.LastId);
            Assert.Equal("any", ScriptHarness.Latin1(msgs[0].Data));
            Assert.Equal("mine", ScriptHarness.Latin1(msgs[1].Data));
            Assert.Equal((uint)ScriptDataType.Nil, msgs[2].Subtype);
            Assert.True(q.IsEmpty);
        }

        [Fact]
        public void ReadUsbMsg_WithTimeout_WaitsForHostMessage()
        {
            using var h = new ScriptHarness();
            Assert.Null(h.Start("local t0 = get_tick_count() local m = read_usb_msg(5000) write_usb_msg(m) write_usb_msg(get_tick_count() - t0)"));
            Thread.Sleep(150);
            Assert.True(h.Camera.Scripts.IsRunning);
            h.Camera.HostToCamera.TryEnqueue(new ScriptMessage(ScriptMessageType.User, 4, h.LastId, A("ping")));
            Assert.True(h.WaitEnd());
            var msgs = h.Drain();
            Assert.Equal("ping", ScriptHarness.Latin1(msgs[0].Data));
            Assert.InRange(BitConverter.ToInt32(msgs[1].Data, 0), 100, 4000);
        }

        [Fact]
        public void ReadUsbMsg_WithTimeout_ReturnsNilAfterTimeout_IgnoringStale()
        {
            using var h = new ScriptHarness();
            h.Camera.HostToCamera.TryEnqueue(new ScriptMessage(ScriptMessageType.User, 4, 12345, A("stale")));
            var sw = Stopwatch.StartNew();
            var msgs = h.Run("return read_usb_msg(120)");
            Assert.Equal((uint)ScriptDataType.Nil, Assert.Single(msgs).Subtype);
            Assert.InRange(sw.ElapsedMilliseconds, 110, 5000);
        }

        [Fact]
        public void ReadUsbMsg_BadTimeout_IsArgumentError()
        {
            using var h = new ScriptHarness();
            var m = Assert.Single(h.Run("read_usb_msg('soon')"));
            Assert.Equal(":1: bad argument #1 to 'read_usb_msg' (number expected, got string)", ScriptHarness.Latin1(m.Data));
        }

        [Fact]
        public void EchoLoop_BothDirections()
        {
            using var h = new ScriptHarness();
            Assert.Null(h.Start("while true do local m = read_usb_msg(-1) if m == 'quit' then return 'bye' end write_usb_msg('echo:' .. m) end"));
            foreach (var word in new[] { "one", "two", "three" })
            {
                h.Camera.HostToCamera.TryEnqueue(new ScriptMessage(ScriptMessageType.User, 4, 0, A(word)));
                var reply = h.Camera.CameraToHost.Dequeue(5000, CancellationToken.None);
                Assert.NotNull(reply);
                Assert.Equal("echo:" + word, ScriptHarness.Latin1(reply.Data));
            }
            h.Camera.HostToCamera.TryEnqueue(new ScriptMessage(ScriptMessageType.User, 4, 0, A("quit")));
            Assert.True(h.WaitEnd());
            Assert.Equal("bye", ScriptHarness.Latin1(Assert.Single(h.Drain()).Data));
        }
    }
}
