using System;
using System.Linq;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Simulator.Scripting;

namespace ChdkPtp.Simulator.Tests.Lua
{
    /// <summary>PROTOCOL.md §3.4-3.5: return values, errors and their messages.</summary>
    public class ReturnMessageTests
    {
        private static void AssertMessage(ScriptMessage m, ScriptMessageType type, ScriptDataType subtype, byte[] data, uint id)
        {
            Assert.Equal(type, m.Type);
            Assert.Equal((uint)subtype, m.Subtype);
            Assert.Equal(data, m.Data);
            Assert.Equal(id, m.ScriptId);
        }

        [Fact]
        public void Integer_IsInt32LittleEndian_StampedWithScriptId()
        {
            using var h = new ScriptHarness();
            h.Run("return 1"); // make the id differ from 1
            var m = h.RunOne("return 0x12345678");
            Assert.Equal(2u, h.LastId);
            AssertMessage(m, ScriptMessageType.Return, ScriptDataType.Integer, new byte[] { 0x78, 0x56, 0x34, 0x12 }, 2);
        }

        [Fact]
        public void NegativeInteger_IsTwosComplement()
        {
            using var h = new ScriptHarness();
            AssertMessage(h.RunOne("return -2"), ScriptMessageType.Return, ScriptDataType.Integer, new byte[] { 0xFE, 0xFF, 0xFF, 0xFF }, h.LastId);
        }

        [Fact]
        public void SeveralValues_OneMessageEach_InOrder_WithNil()
        {
            using var h = new ScriptHarness();
            var msgs = h.Run("return 1,nil,2");
            Assert.Equal(3, msgs.Count);
            AssertMessage(msgs[0], ScriptMessageType.Return, ScriptDataType.Integer, new byte[] { 1, 0, 0, 0 }, h.LastId);
            AssertMessage(msgs[1], ScriptMessageType.Return, ScriptDataType.Nil, new byte[] { 0, 0, 0, 0 }, h.LastId);
            AssertMessage(msgs[2], ScriptMessageType.Return, ScriptDataType.Integer, new byte[] { 2, 0, 0, 0 }, h.LastId);
        }

        [Theory]
        [InlineData("return")]
        [InlineData("local x = 1")]
        [InlineData("")]
        public void NoValues_NoMessage(string code)
        {
            using var h = new ScriptHarness();
            Assert.Empty(h.Run(code));
        }

        [Fact]
        public void Booleans_AreInt32()
        {
            using var h = new ScriptHarness();
            var msgs = h.Run("return true, false");
            AssertMessage(msgs[0], ScriptMessageType.Return, ScriptDataType.Boolean, new byte[] { 1, 0, 0, 0 }, h.LastId);
            AssertMessage(msgs[1], ScriptMessageType.Return, ScriptDataType.Boolean, new byte[] { 0, 0, 0, 0 }, h.LastId);
        }

        [Fact]
        public void Strings_AreRawBytes_EmptyAllowed()
        {
            using var h = new ScriptHarness();
            var msgs = h.Run("return 'hello', ''");
            AssertMessage(msgs[0], ScriptMessageType.Return, ScriptDataType.String, new byte[] { 0x68, 0x65, 0x6C, 0x6C, 0x6F }, h.LastId);
            AssertMessage(msgs[1], ScriptMessageType.Return, ScriptDataType.String, new byte[0], h.LastId);
        }

        [Fact]
        public void String_WithAll256ByteValues_RoundTrips()
        {
            using var h = new ScriptHarness();
            var m = h.RunOne("local t = {} for i = 0, 255 do t[#t+1] = string.char(i) end return table.concat(t)");
            Assert.Equal((uint)ScriptDataType.String, m.Subtype);
            Assert.Equal(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), m.Data);
        }

        [Fact]
        public void ScriptText_Latin1Chars_AreBytes()
        {
            // the code string carries bytes as Latin-1 chars: a literal byte 0xE9 and 0xFF in a string
            using var h = new ScriptHarness();
            var m = h.RunOne("return '\u00e9\u00ff'");
            Assert.Equal(new byte[] { 0xE9, 0xFF }, m.Data);
        }

        [Fact]
        public void Table_UsesDefaultSerializer()
        {
            using var h = new ScriptHarness();
            var m = h.RunOne("return {a=1}");
            AssertMessage(m, ScriptMessageType.Return, ScriptDataType.Table, System.Text.Encoding.ASCII.GetBytes("a\t1\n"), h.LastId);
        }

        [Fact]
        public void Table_UsesClientOverride()
        {
            using var h = new ScriptHarness();
            var m = h.RunOne("function usb_msg_table_to_string(t) return 'n=' .. #t end return {5,6,7}");
            AssertMessage(m, ScriptMessageType.Return, ScriptDataType.Table, System.Text.Encoding.ASCII.GetBytes("n=3"), h.LastId);
        }

        [Fact]
        public void Table_SerializerError_BecomesErrRun_AndStopsTheRest()
        {
            using var h = new ScriptHarness();
            var msgs = h.Run("function usb_msg_table_to_string(t) error('no tables', 0) end return 1, {}, 2");
            Assert.Equal(2, msgs.Count);
            AssertMessage(msgs[0], ScriptMessageType.Return, ScriptDataType.Integer, new byte[] { 1, 0, 0, 0 }, h.LastId);
            AssertMessage(msgs[1], ScriptMessageType.Error, (ScriptDataType)ScriptErrorType.Runtime, System.Text.Encoding.ASCII.GetBytes("no tables"), h.LastId);
        }

        [Fact]
        public void Table_SerializerReturningNonString_IsErrorCreatingReturnMsg()
        {
            using var h = new ScriptHarness();
            var msgs = h.Run("function usb_msg_table_to_string(t) return {} end return {}, 1");
            Assert.Single(msgs);
            Assert.Equal(ScriptMessageType.Error, msgs[0].Type);
            Assert.Equal("error creating return msg", ScriptHarness.Latin1(msgs[0].Data));
        }

        [Fact]
        public void Table_SerializerReturningNumber_IsConvertedToString()
        {
            using var h = new ScriptHarness();
            var m = h.RunOne("function usb_msg_table_to_string(t) return 17 end return {}");
            AssertMessage(m, ScriptMessageType.Return, ScriptDataType.Table, System.Text.Encoding.ASCII.GetBytes("17"), h.LastId);
        }

        [Fact]
        public void DefaultSerializer_Formats()
        {
            using var h = new ScriptHarness();
            // array values: key TAB v1 TAB v2; nested tables in arrays become empty fields; empty tables are skipped
            Assert.Equal("k\t1\t\t3\n", h.RunString("return usb_msg_table_to_string({k={1,{},3}})"));
            Assert.Equal("", h.RunString("return usb_msg_table_to_string({})"));
            Assert.Equal("", h.RunString("return usb_msg_table_to_string({e={}})"));
            Assert.Equal("1\tx\n2\ty\n", h.RunString(
                "local s = usb_msg_table_to_string({'x','y'}) local l = {} for line in s:gmatch('[^\\n]+') do l[#l+1]=line end table.sort(l) return table.concat(l,'\\n')..'\\n'"));
        }

        [Fact]
        public void FunctionsAndCoroutines_AreUnsupported_WithTypeName()
        {
            using var h = new ScriptHarness();
            var msgs = h.Run("return print, coroutine.create(function() end), 3");
            Assert.Equal(3, msgs.Count);
            AssertMessage(msgs[0], ScriptMessageType.Return, ScriptDataType.Unsupported, System.Text.Encoding.ASCII.GetBytes("function"), h.LastId);
            AssertMessage(msgs[1], ScriptMessageType.Return, ScriptDataType.Unsupported, System.Text.Encoding.ASCII.GetBytes("thread"), h.LastId);
            AssertMessage(msgs[2], ScriptMessageType.Return, ScriptDataType.Integer, new byte[] { 3, 0, 0, 0 }, h.LastId);
        }

        [Fact]
        public void MoreReturnValuesThanQueueSlots_AreDroppedSilently()
        {
            using var h = new ScriptHarness();
            var msgs = h.Run("local t = {} for i = 1, 20 do t[i] = i end return table.unpack(t)");
            Assert.Equal(ChdkConstants.MessageQueueCapacity, msgs.Count);
            for (int i = 0; i < msgs.Count; i++) Assert.Equal(i + 1, BitConverter.ToInt32(msgs[i].Data, 0));
        }

        [Fact]
        public void CompileError_ReturnsLuaMessage_WithEmptyChunkName_AndRunsNothing()
        {
            using var h = new ScriptHarness();
            var err = h.Start("write_usb_msg('ran') bogus]");
            Assert.NotNull(err);
            Assert.StartsWith(":1: ", err);
            Assert.Contains("near ']'", err);
            Assert.DoesNotContain("[string", err);
            Assert.False(h.Camera.Scripts.IsRunning);
            System.Threading.Thread.Sleep(50);
            Assert.Empty(h.Drain());
        }

        [Fact]
        public void CompileError_ReportsTheLine()
        {
            using var h = new ScriptHarness();
            var err = h.Start("local a = 1\nlocal b = 2\nlocal c = = 3");
            Assert.StartsWith(":3: ", err);
        }

        [Fact]
        public void RuntimeError_IsErrRun_WithLine()
        {
            using var h = new ScriptHarness();
            var msgs = h.Run("local x = 1\nerror('boom')\nreturn 5");
            Assert.Single(msgs);
            AssertMessage(msgs[0], ScriptMessageType.Error, (ScriptDataType)ScriptErrorType.Runtime, System.Text.Encoding.ASCII.GetBytes(":2: boom"), h.LastId);
        }

        [Fact]
        public void RuntimeError_FromVm_HasLineAndNoStringChunk()
        {
            using var h = new ScriptHarness();
            var msgs = h.Run("\n\nlocal t = nil\nreturn t.x");
            var text = ScriptHarness.Latin1(Assert.Single(msgs).Data);
            Assert.StartsWith(":4: attempt to index", text);
        }

        [Fact]
        public void RuntimeError_CallingUndefinedFunction()
        {
            using var h = new ScriptHarness();
            var text = ScriptHarness.Latin1(Assert.Single(h.Run("foo()")).Data);
            // 5.1 says "attempt to call global 'foo' (a nil value)", 5.4 "global 'foo' is not callable"
            Assert.StartsWith(":1: ", text);
            Assert.Contains("'foo'", text);
            Assert.Contains("nil value", text);
        }

        [Fact]
        public void RuntimeError_MessagesAreCutAtNul_AsStrlenDoes()
        {
            using var h = new ScriptHarness();
            var m = Assert.Single(h.Run("error('a\\0b', 0)"));
            Assert.Equal(new byte[] { (byte)'a' }, m.Data);
        }

        [Fact]
        public void RuntimeError_NonStringErrorObjects()
        {
            using var h = new ScriptHarness();
            Assert.Equal("42", ScriptHarness.Latin1(Assert.Single(h.Run("error(42)")).Data));
            Assert.Equal("(error object is a table value)", ScriptHarness.Latin1(Assert.Single(h.Run("error({})")).Data));
        }

        [Fact]
        public void RuntimeError_AfterUserMessages_KeepsThem()
        {
            using var h = new ScriptHarness();
            var msgs = h.Run("write_usb_msg('a') error('late', 0)");
            Assert.Equal(2, msgs.Count);
            Assert.Equal(ScriptMessageType.User, msgs[0].Type);
            Assert.Equal(ScriptMessageType.Error, msgs[1].Type);
            Assert.Equal("late", ScriptHarness.Latin1(msgs[1].Data));
        }

        [Fact]
        public void NulInScriptText_EndsTheScript_AsLoadstringDoes()
        {
            using var h = new ScriptHarness();
            Assert.Equal(7, h.RunInt("return 7\0 this is not lua"));
        }
    }
}
