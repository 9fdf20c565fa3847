using System;
using System.Diagnostics;
using System.Text;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Simulator.Scripting;

namespace ChdkPtp.Simulator.Tests.Lua
{
    /// <summary>Running, finishing and killing scripts (PROTOCOL.md §3.2, §3.5).</summary>
    public class LifecycleTests
    {
        [Fact]
        public void Start_ReturnsBeforeTheScriptEnds_IsRunningUntilThen()
        {
            using var h = new ScriptHarness();
            var sw = Stopwatch.StartNew();
            Assert.Null(h.Start("sleep(500) return 1"));
            Assert.True(sw.ElapsedMilliseconds < 400, "Start waited for the script: " + sw.ElapsedMilliseconds);
            Assert.True(h.Camera.Scripts.IsRunning);
            Thread.Sleep(200);
            Assert.True(h.Camera.Scripts.IsRunning);
            Assert.True(h.WaitEnd());
            Assert.InRange(sw.ElapsedMilliseconds, 480, 5000);
            Assert.False(h.Camera.Scripts.IsRunning);
            Assert.Single(h.Drain());
        }

        [Fact]
        public void ReturnMessages_AreQueuedBeforeIsRunningDrops()
        {
            using var h = new ScriptHarness();
            for (int i = 0; i < 20; i++)
            {
                Assert.Null(h.Start("return 1, 2, 3"));
                while (h.Camera.Scripts.IsRunning) { }
                Assert.Equal(3, h.Camera.CameraToHost.Count);
                h.Drain();
            }
        }

        [Fact]
        public void Kill_EndlessLoop_QuicklyAndSilently()
        {
            using var h = new ScriptHarness();
            Assert.Null(h.Start("write_usb_msg('started') while true do end"));
            Assert.NotNull(h.Camera.CameraToHost.Dequeue(5000, CancellationToken.None));
            var sw = Stopwatch.StartNew();
            h.Camera.Scripts.Kill();
            Assert.True(sw.ElapsedMilliseconds < 1000, "kill took " + sw.ElapsedMilliseconds + " ms");
            Assert.False(h.Camera.Scripts.IsRunning);
            Thread.Sleep(50);
            Assert.Empty(h.Drain());
        }

        [Theory]
        [InlineData("sleep(100000)")]
        [InlineData("sleep(-1)")]
        [InlineData("read_usb_msg(-1)")]
        [InlineData("read_usb_msg(100000)")]
        [InlineData("while true do sleep(10) end")]
        [InlineData("while true do read_usb_msg(50) end")]
        [InlineData("local t = {} for i = 1, 100 do t[i] = i end table.sort(t, function(a, b) while true do end end)")]
        [InlineData("local co = coroutine.wrap(function() while true do end end) co()")]
        [InlineData("while true do pcall(function() while true do end end) end")]
        [InlineData("local s = string.rep('a', 10) while true do s:gsub('a', function() while true do end end) end")]
        public void Kill_BlockedOrUnyieldableScripts(string code)
        {
            using var h = new ScriptHarness();
            Assert.Null(h.Start("write_usb_msg('started') " + code));
            var started = h.Camera.CameraToHost.Dequeue(5000, CancellationToken.None);
            Assert.Equal("started", ScriptHarness.Latin1(started.Data));
            Thread.Sleep(100);
            Assert.True(h.Camera.Scripts.IsRunning);
            var sw = Stopwatch.StartNew();
            h.Camera.Scripts.Kill();
            Assert.True(sw.ElapsedMilliseconds < 1500, "kill took " + sw.ElapsedMilliseconds + " ms");
            Assert.False(h.Camera.Scripts.IsRunning);
            Assert.DoesNotContain(h.Engine.Console.GetLines(), l => l.Contains("did not stop"));
            Thread.Sleep(50);
            Assert.Empty(h.Drain());
        }

        [Fact]
        public void Kill_WriterBlockedOnFullQueue_PostsNothingMore()
        {
            using var h = new ScriptHarness();
            Assert.Null(h.Start("while true do write_usb_msg('x', -1) end"));
            var sw = Stopwatch.StartNew();
            while (h.Camera.CameraToHost.Count < ChdkConstants.MessageQueueCapacity && sw.ElapsedMilliseconds < 5000) Thread.Sleep(5);
            Thread.Sleep(50);
            h.Camera.Scripts.Kill();
            Assert.True(sw.ElapsedMilliseconds < 3000);
            Assert.False(h.Camera.Scripts.IsRunning);
            // room again: nothing may arrive from the killed script
            h.Camera.CameraToHost.TryDequeue();
            h.Camera.CameraToHost.TryDequeue();
            Thread.Sleep(100);
            Assert.Equal(ChdkConstants.MessageQueueCapacity - 2, h.Camera.CameraToHost.Count);
            Assert.All(h.Drain(), m => Assert.Equal(ScriptMessageType.User, m.Type));
        }

        [Fact]
        public void Kill_WithNothingRunning_IsHarmless()
        {
            using var h = new ScriptHarness();
            h.Camera.Scripts.Kill();
            h.Run("return 1");
            h.Camera.Scripts.Kill();
            h.Camera.Scripts.Kill();
            Assert.False(h.Camera.Scripts.IsRunning);
            Assert.Equal(1, h.RunInt("return 1"));
        }

        [Fact]
        public void Start_WhileRunning_KillsTheOldScript()
        {
            using var h = new ScriptHarness();
            Assert.Null(h.Start("while true do end"));
            Assert.Null(h.Start("return 'second'"));
            Assert.True(h.WaitEnd());
            var m = Assert.Single(h.Drain());
            Assert.Equal("second", ScriptHarness.Latin1(m.Data));
            Assert.Equal(h.LastId, m.ScriptId);
        }

        [Fact]
        public void EachScript_GetsAFreshState()
        {
            using var h = new ScriptHarness();
            h.Run("leaked = 42; string.leaked = 1; sleep = nil");
            Assert.True(h.RunBool("return leaked == nil and string.leaked == nil and type(sleep) == 'function'"));
        }

        [Fact]
        public void ScriptCanYieldAtTopLevel()
        {
            using var h = new ScriptHarness();
            Assert.Equal(3, h.RunInt("coroutine.yield(1) coroutine.yield() return 3"));
        }

        [Fact]
        public void LongComputation_RunsToCompletion_DespiteTimeSlicing()
        {
            using var h = new ScriptHarness();
            Assert.Equal(500000500000L.GetHashCode() == 0 ? 0 : 1784293664,
                h.RunInt("local s = 0 for i = 1, 1000000 do s = s + i end return s & 0x7FFFFFFF"));
        }

        [Fact]
        public void UserCoroutines_AreNotDisturbedByTheSliceHook()
        {
            using var h = new ScriptHarness();
            // a long-running coroutine body must not be yielded by the engine's hook
            Assert.Equal(1, h.RunInt(
                "local co = coroutine.create(function() local x = 0 for i = 1, 3000000 do x = x + 1 end return 'done' end) " +
                "local ok, v = coroutine.resume(co) if ok and v == 'done' and coroutine.status(co) == 'dead' then return 1 end return 0"));
        }

        [Fact]
        public void Dispose_KillsTheScript()
        {
            var h = new ScriptHarness();
            Assert.Null(h.Start("while true do end"));
            var sw = Stopwatch.StartNew();
            h.Dispose();
            Assert.True(sw.ElapsedMilliseconds < 2000);
            Assert.False(h.Camera.Scripts.IsRunning);
            Assert.Throws<ObjectDisposedException>(() => h.Camera.Scripts.Start("return 1", 99));
        }

        [Fact]
        public void GcMetamethodsOnTables_DoNotRun_AsInLua51()
        {
            using var h = new ScriptHarness();
            Assert.Empty(h.Run("setmetatable({}, {__gc = function() write_usb_msg('finalised') end}) collectgarbage() collectgarbage()"));
            // a finaliser that would hang lua_close is never registered; the metatable itself is untouched
            var sw = Stopwatch.StartNew();
            var msgs = h.Run("local mt = {__gc = function() while true do end end} local t = setmetatable({}, mt) return getmetatable(t) == mt and mt.__gc ~= nil");
            Assert.Equal(new byte[] { 1, 0, 0, 0 }, Assert.Single(msgs).Data);
            Assert.Equal(1, h.RunInt("return 1"));
            Assert.True(sw.ElapsedMilliseconds < 3000);
        }

        [Fact]
        public void ManyScripts_InSequence()
        {
            using var h = new ScriptHarness();
            for (int i = 0; i < 50; i++) Assert.Equal(i, h.RunInt("return " + i));
        }

        [Fact]
        public void HostFunctionsNeverLeakIntoGlobals()
        {
            using var h = new ScriptHarness();
            Assert.True(h.RunBool("for k, v in pairs(_G) do if type(v) == 'table' and v.fopen then return false end end return true"));
        }
    }
}
