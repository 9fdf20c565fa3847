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
            // 500000500000 wraps to 1784293664 in CHDK's 32-bit numbers.
            Assert.Equal(1784293664, h.RunInt("local s = 0 for i = 1, 1000000 do s = s + i end return s"));
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

        [Theory]
        [InlineData("local t = {} for i = 1, 100 do t[i] = i end table.sort(t, function(a, b) while true do end end)")]
        [InlineData("local co = coroutine.wrap(function() while true do end end) co()")]
        public void Kill_InUnyieldableCode_WithTheFallbackErrorHook(string code)
        {
            using var h = new ScriptHarness();
            h.Engine.UseExportedLuaError = false;
            Assert.Null(h.Start("write_usb_msg('started') " + code));
            Assert.NotNull(h.Camera.CameraToHost.Dequeue(5000, CancellationToken.None));
            Thread.Sleep(50);
            var sw = Stopwatch.StartNew();
            h.Camera.Scripts.Kill();
            Assert.True(sw.ElapsedMilliseconds < 1500, "kill took " + sw.ElapsedMilliseconds + " ms");
            Assert.DoesNotContain(h.Engine.Console.GetLines(), l => l.Contains("did not stop"));
            Assert.Equal(5, h.RunInt("return 5"));
        }

        [Fact]
        public void Kill_ThatCannotComplete_IsBoundedAndLogged()
        {
            using var h = new ScriptHarness();
            h.Engine.KillTimeout = TimeSpan.FromMilliseconds(200);
            // a pattern match that backtracks for seconds inside one C call: no hook runs meanwhile
            // (n = 15 takes several seconds; the abandoned thread ends when the match does)
            Assert.Null(h.Start("write_usb_msg('started') string.find(string.rep('a', 15), string.rep('a-', 15) .. 'b')"));
            Assert.NotNull(h.Camera.CameraToHost.Dequeue(5000, CancellationToken.None));
            var sw = Stopwatch.StartNew();
            h.Camera.Scripts.Kill();
            Assert.InRange(sw.ElapsedMilliseconds, 150, 2000);
            Assert.False(h.Camera.Scripts.IsRunning);
            Assert.Contains(h.Engine.Console.GetLines(), l => l.Contains("did not stop within 200 ms"));
            // the camera goes on working with a fresh state
            Assert.Equal(8, h.RunInt("return 8"));
        }

        [Fact]
        public void RunawayMemory_EndsTheScript_WithAMemoryError()
        {
            using var h = new ScriptHarness();
            h.Engine.MemoryLimitKb = 16 * 1024;
            var msgs = h.Run("write_usb_msg('start') local t = {} while true do t[#t + 1] = {} end", 20000);
            Assert.Equal(2, msgs.Count);
            Assert.Equal(ScriptMessageType.Error, msgs[1].Type);
            Assert.Equal((uint)ScriptErrorType.Runtime, msgs[1].Subtype);
            Assert.Equal("not enough memory", ScriptHarness.Latin1(msgs[1].Data));
            // garbage alone does not trip the limit
            Assert.Equal(1, h.RunInt("for i = 1, 300000 do local t = {i, i, i} end return 1"));
        }

        [Theory]
        [InlineData("local function f() return 1 + f() end return f()", "stack overflow")]
        [InlineData("local function f(n) local ok, e = pcall(f, n + 1) if not ok then error(e, 0) end return e end return f(1)", "overflow")]
        [InlineData("local s = 'return ' .. string.rep('(', 10000) .. '1' .. string.rep(')', 10000) local f, e = loadstring(s) error(e, 0)", "too many syntax levels")]
        public void DeepRecursion_IsALuaError_NotACrash(string code, string expected)
        {
            using var h = new ScriptHarness();
            var m = Assert.Single(h.Run(code));
            Assert.Equal(ScriptMessageType.Error, m.Type);
            Assert.Contains(expected, ScriptHarness.Latin1(m.Data));
            Assert.Equal(2, h.RunInt("return 2"));
        }

        [Fact]
        public void StatesAreClosed_AfterEndErrorCompileErrorAndKill()
        {
            using var h = new ScriptHarness();
            h.Run("return 1");
            h.Run("error('x')");
            Assert.NotNull(h.Start("bogus]"));
            Assert.Null(h.Start("while true do end"));
            h.Camera.Scripts.Kill();
            Assert.Null(h.Start("sleep(100000)"));
            h.Camera.Scripts.Kill();
            var sw = Stopwatch.StartNew();
            while (h.Engine.OpenStates != 0 && sw.ElapsedMilliseconds < 3000) Thread.Sleep(5);
            Assert.Equal(0, h.Engine.OpenStates);
        }
    }
}
