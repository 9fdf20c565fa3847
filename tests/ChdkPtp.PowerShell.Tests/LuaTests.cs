using System;
using System.Collections.Specialized;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;

namespace ChdkPtp.PowerShell.Tests
{
    /// <summary>Invoke-ChdkLua and the script-message cmdlets as a user runs them, against the simulator.</summary>
    public class LuaTests : IDisposable
    {
        private readonly PsHost _h = new PsHost();

        public LuaTests() => _h.Run("$cam = Connect-ChdkCamera -Simulator").AssertClean();

        public void Dispose() => _h.Dispose();

        [Fact]
        public void BuildInfoComesBackAsAnObjectWhosePropertiesPipe()
        {
            var r = _h.Run("$b = Invoke-ChdkLua 'return get_buildinfo()'; $b.platform; $b | ForEach-Object os; $b.platformid.GetType().Name").AssertClean();
            Assert.Equal(new object[] { "sx160is", "dryos", "Int32" }, r.Values);
        }

        [Fact]
        public void ArithmeticIsCameraInteger()
        {
            Assert.Equal(new object[] { true }, _h.Run("(Invoke-ChdkLua 'return 6*7') -eq 42").AssertClean().Values);
            Assert.Equal(new object[] { 3, -1 }, _h.Run("Invoke-ChdkLua 'return 7/2, 0xFFFFFFFF'").AssertClean().Values);
        }

        [Fact]
        public void EveryReturnValueInOrderWithNilsKept()
        {
            var r = _h.Run("Invoke-ChdkLua 'return 1,nil,2'").AssertClean();
            Assert.Equal(new object[] { 1, null, 2 }, r.Values);
        }

        [Fact]
        public void TablesMapToArraysObjectsAndDictionaries()
        {
            var r = _h.Run(@"Invoke-ChdkLua 'local t = {b=1,a={2,3},c=true} local order = {}
                for k in pairs(t) do order[#order+1] = k end
                return {1,2,3}, t, {[0]=false, x=1}, {}, order'").AssertClean();
            Assert.Equal(5, r.Output.Count);
            Assert.Equal(new object[] { 1, 2, 3 }, (object[])r.Output[0].BaseObject);
            var rec = r.Output[1];
            // Properties come in the camera's pairs() order.
            Assert.Equal(((object[])r.Output[4].BaseObject).Cast<string>().ToArray(), rec.Properties.Select(p => p.Name).ToArray());
            Assert.Equal(3, rec.Properties.Count());
            Assert.Equal(new object[] { 2, 3 }, (object[])rec.Properties["a"].Value);
            var dict = Assert.IsType<OrderedDictionary>(r.Output[2].BaseObject);
            Assert.Equal(false, dict[(object)0]);
            Assert.Equal(1, dict["x"]);
            Assert.Empty((object[])r.Output[3].BaseObject);
        }

        [Fact]
        public void ArgumentsArriveAsDotsWithoutInjection()
        {
            var r = _h.Run(@"Invoke-ChdkLua 'local a, b, c, d = ... return select(""#"", ...), d, c.k, b, a' -ArgumentList 7, '""); error(""pwned', @{k=@(1,$null,3)}, $null").AssertClean();
            Assert.Equal(4, r.Values[0]);
            Assert.Null(r.Values[1]);
            // A Lua table cannot hold nil: {1,nil,3} has keys 1 and 3 only, so it is not an array.
            var k = Assert.IsType<System.Collections.Specialized.OrderedDictionary>(r.Values[2]);
            Assert.Equal(new object[] { 1, 3 }, k.Keys.Cast<object>().ToArray());
            Assert.Equal(3, k[(object)3]);
            Assert.Equal("\"); error(\"pwned", r.Values[3]);
            Assert.Equal(7, r.Values[4]);
        }

        [Fact]
        public void PSCustomObjectArgumentKeepsItsProperties()
        {
            var r = _h.Run("Invoke-ChdkLua 'local o = ... return o.name .. o.n' -ArgumentList ([pscustomobject]@{ name = 'x'; n = 5 })").AssertClean();
            Assert.Equal(new object[] { "x5" }, r.Values);
        }

        [Theory]
        [InlineData("1.5")]
        [InlineData("[datetime]::Now")]
        [InlineData("5000000000")]
        public void ArgumentsLuaCannotHoldAreRefusedBeforeRunning(string arg)
        {
            var r = _h.Run($"Invoke-ChdkLua 'return 1' -ArgumentList ({arg})");
            Assert.Empty(r.Output);
            Assert.Equal("ChdkInvalidArgument,ChdkPtp.Commands.InvokeChdkLuaCommand", Assert.Single(r.Errors).FullyQualifiedErrorId);
        }

        [Fact]
        public void RuntimeErrorPointsAtTheUsersLine()
        {
            var r = _h.Run("Invoke-ChdkLua \"local x = 1\n\nerror('boom')\"");
            var e = Assert.Single(r.Errors);
            Assert.Equal("ChdkLuaRuntimeError,ChdkPtp.Commands.InvokeChdkLuaCommand", e.FullyQualifiedErrorId);
            Assert.Contains("line 3", e.Exception.Message);
            Assert.Contains("boom", e.Exception.Message);
            Assert.Contains("error('boom')", e.ErrorDetails.Message);
            Assert.Equal(ErrorCategory.InvalidResult, e.CategoryInfo.Category);
        }

        [Fact]
        public void CompileErrorHasItsOwnIdAndLine()
        {
            var r = _h.Run("Invoke-ChdkLua \"return 1\nbogus]\"");
            var e = Assert.Single(r.Errors);
            Assert.Equal("ChdkLuaCompileError,ChdkPtp.Commands.InvokeChdkLuaCommand", e.FullyQualifiedErrorId);
            Assert.Contains("line 2", e.Exception.Message);
            Assert.Equal(ErrorCategory.ParserError, e.CategoryInfo.Category);
        }

        [Fact]
        public void ErrorsCanBeCaughtAsTypedExceptions()
        {
            var r = _h.Run("try { Invoke-ChdkLua 'error(\"x\")' -ErrorAction Stop } catch [ChdkPtp.Protocol.Chdk.ChdkScriptException] { $_.Exception.Line; $_.Exception.Kind }").AssertClean();
            Assert.Equal(1, r.Values[0]);
            Assert.Equal("Runtime", r.Values[1].ToString());
        }

        [Fact]
        public void RunningScriptIsNotKilledUnlessForced()
        {
            var started = _h.Run("Invoke-ChdkLua 'sleep(5000)' -NoWait").AssertClean();
            Assert.Equal("ChdkPtp.ChdkScriptInfo", started.Output.Single().BaseObject.GetType().FullName);
            Assert.Equal(true, _h.Run("$cam.ScriptRunning").Values.Single());
            var busy = _h.Run("Invoke-ChdkLua 'return 1'");
            var e = Assert.Single(busy.Errors);
            Assert.Equal("ChdkScriptRunning,ChdkPtp.Commands.InvokeChdkLuaCommand", e.FullyQualifiedErrorId);
            Assert.Contains("Stop-ChdkScript", e.Exception.Message);
            Assert.Equal(new object[] { 1 }, _h.Run("Invoke-ChdkLua 'return 1' -Force").AssertClean().Values);
        }

        [Fact]
        public void StopChdkScriptEndsIt()
        {
            _h.Run("Invoke-ChdkLua 'while true do end' -NoWait").AssertClean();
            _h.Run("Stop-ChdkScript -Confirm:$false").AssertClean();
            Assert.Equal(false, _h.Run("$cam.ScriptRunning").Values.Single());
            Assert.Equal(new object[] { 2 }, _h.Run("Invoke-ChdkLua 'return 2'").AssertClean().Values);
        }

        [Fact]
        public void UserMessagesGoToInformationOrOutput()
        {
            var r = _h.Run("Invoke-ChdkLua 'write_usb_msg(\"hi\") write_usb_msg({1,2}) return 3'").AssertClean();
            Assert.Equal(new object[] { 3 }, r.Values);
            Assert.Equal(2, r.Information.Count);
            var m = (dynamic)r.Information[0].MessageData;
            Assert.Equal("hi", (string)m.Value);
            Assert.Contains("ChdkScriptMessage", r.Information[0].Tags);
            Assert.Equal(new object[] { 1, 2 }, (object[])((dynamic)r.Information[1].MessageData).Value);

            var o = _h.Run("Invoke-ChdkLua 'write_usb_msg(\"hi\") return 3' -OutputMessages").AssertClean();
            Assert.Equal(2, o.Output.Count);
            Assert.Equal("hi", o.Output[0].Properties["Value"].Value);
            Assert.Equal("User", o.Output[0].Properties["Type"].Value.ToString());
            Assert.Equal(3, o.Output[1].BaseObject);
        }

        [Fact]
        public void MessagesBothWays()
        {
            _h.Run("$job = Invoke-ChdkLua 'local m = read_usb_msg(5000) write_usb_msg(\"got \" .. tostring(m)) return #m' -NoWait").AssertClean();
            _h.Run("Send-ChdkScriptMessage 'hello'").AssertClean();
            var r = _h.Run("Get-ChdkScriptMessage -Wait -Timeout 5; while ($cam.ScriptRunning) { [System.Threading.Thread]::Sleep(10) }; Get-ChdkScriptMessage");
            var msgs = r.Output.Select(x => x.Properties["Value"].Value).ToArray();
            Assert.Equal(new object[] { "got hello", 5 }, msgs);
        }

        [Fact]
        public void MessageErrorsHaveStableIds()
        {
            var none = _h.Run("Send-ChdkScriptMessage 'x'");
            Assert.Equal("ChdkScriptNotRunning,ChdkPtp.Commands.SendChdkScriptMessageCommand", Assert.Single(none.Errors).FullyQualifiedErrorId);
            _h.Run("$s = Invoke-ChdkLua 'sleep(3000)' -NoWait").AssertClean();
            var bad = _h.Run("Send-ChdkScriptMessage 'x' -ScriptId ($s.ScriptId + 5)");
            Assert.Equal("ChdkBadScriptId,ChdkPtp.Commands.SendChdkScriptMessageCommand", Assert.Single(bad.Errors).FullyQualifiedErrorId);
            var full = _h.Run("1..16 | ForEach-Object { \"m$_\" } | Send-ChdkScriptMessage");
            Assert.Equal("ChdkMessageQueueFull,ChdkPtp.Commands.SendChdkScriptMessageCommand", Assert.Single(full.Errors).FullyQualifiedErrorId);
            var empty = _h.Run("Send-ChdkScriptMessage ''");
            Assert.Equal("ChdkInvalidArgument,ChdkPtp.Commands.SendChdkScriptMessageCommand", Assert.Single(empty.Errors).FullyQualifiedErrorId);
            _h.Run("Stop-ChdkScript -Confirm:$false").AssertClean();
        }

        [Fact]
        public void GetScriptMessageWaitTimesOut()
        {
            var clock = Stopwatch.StartNew();
            var r = _h.Run("Get-ChdkScriptMessage -Wait -Timeout 0.3");
            Assert.Equal("ChdkTimeout,ChdkPtp.Commands.GetChdkScriptMessageCommand", Assert.Single(r.Errors).FullyQualifiedErrorId);
            Assert.InRange(clock.ElapsedMilliseconds, 250, 3000);
        }

        [Fact]
        public void TimeoutStopsTheScriptAndReportsChdkTimeout()
        {
            var clock = Stopwatch.StartNew();
            var r = _h.Run("Invoke-ChdkLua 'sleep(20000) return 1' -Timeout 0.5");
            Assert.True(clock.ElapsedMilliseconds < 3000, $"took {clock.ElapsedMilliseconds} ms");
            var e = Assert.Single(r.Errors);
            Assert.Equal("ChdkTimeout,ChdkPtp.Commands.InvokeChdkLuaCommand", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.OperationTimeout, e.CategoryInfo.Category);
            Assert.Equal(false, _h.Run("$cam.ScriptRunning").Values.Single());
        }

        [Fact]
        public void StopEndsALongInvokeWithinASecond()
        {
            var (ps, pending) = _h.Begin("Invoke-ChdkLua 'while true do end'");
            System.Threading.Thread.Sleep(700);
            Assert.False(pending.IsCompleted);
            var clock = Stopwatch.StartNew();
            ps.Stop();
            Assert.True(clock.ElapsedMilliseconds < 1000, $"Stop took {clock.ElapsedMilliseconds} ms");
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
            ps.Dispose();
            // The camera script was stopped too, so the next call works.
            Assert.Equal(new object[] { 5 }, _h.Run("Invoke-ChdkLua 'return 5'").AssertClean().Values);
        }

        [Fact]
        public void PathRunsAFileRelativeToTheCurrentLocation()
        {
            File.WriteAllText(Path.Combine(_h.WorkDir, "t.lua"), "local n = ...\nreturn n * 2\n");
            Assert.Equal(new object[] { 42 }, _h.Run("Invoke-ChdkLua -Path ./t.lua -ArgumentList 21").AssertClean().Values);
            var missing = _h.Run("Invoke-ChdkLua -Path ./nope.lua");
            Assert.Equal("ChdkFileNotFound,ChdkPtp.Commands.InvokeChdkLuaCommand", Assert.Single(missing.Errors).FullyQualifiedErrorId);
        }

        [Fact]
        public void PipedCodeRunsOncePerString()
        {
            Assert.Equal(new object[] { 1, 2 }, _h.Run("'return 1', 'return 2' | Invoke-ChdkLua").AssertClean().Values);
        }

        [Fact]
        public void DisconnectedSessionGivesChdkSessionClosed()
        {
            var r = _h.Run("$cam | Disconnect-ChdkCamera; Invoke-ChdkLua 'return 1' -Session $cam");
            Assert.Equal("ChdkSessionClosed,ChdkPtp.Commands.InvokeChdkLuaCommand", Assert.Single(r.Errors).FullyQualifiedErrorId);
        }

        [Fact]
        public void GetChdkCameraReportsBuildAndScriptState()
        {
            var r = _h.Run("Get-ChdkCamera").AssertClean();
            var s = r.Output.Single();
            Assert.Equal("1.6.1-6200", s.Properties["BuildVersion"].Value);
            Assert.Equal(false, s.Properties["ScriptRunning"].Value);
            Assert.Equal("Simulator", s.Properties["Transport"].Value);
        }
    }
}
