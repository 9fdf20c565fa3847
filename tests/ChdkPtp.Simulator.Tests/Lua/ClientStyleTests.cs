using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Simulator.Scripting;

namespace ChdkPtp.Simulator.Tests.Lua
{
    /// <summary>
    /// Patterns a PC client uses (PROTOCOL.md §3.6b, §3.7, §6.3), with code written for these tests:
    /// a Lua-constructor serializer built on %q, message batching through a full queue, a directory walk.
    /// </summary>
    public class ClientStyleTests
    {
        private const string Serializer = @"
local function ser(v, depth)
  depth = depth or 0
  if depth > 10 then error('serialize: max depth') end
  local t = type(v)
  if t == 'string' then return string.format('%q', v) end
  if t == 'number' or t == 'boolean' or t == 'nil' then return tostring(v) end
  if t ~= 'table' then error('serialize: unsupported type ' .. t) end
  local parts = {}
  for i = 1, #v do parts[#parts + 1] = ser(v[i], depth + 1) end
  local keys = {}
  for k in pairs(v) do
    if not (type(k) == 'number' and k >= 1 and k <= #v and k % 1 == 0) then keys[#keys + 1] = k end
  end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(keys) do
    local ks = (type(k) == 'string' and k:match('^[_%a][%w_]*$')) and k or ('[' .. ser(k, depth + 1) .. ']')
    parts[#parts + 1] = ks .. '=' .. ser(v[k], depth + 1)
  end
  return '{' .. table.concat(parts, ',') .. '}'
end
usb_msg_table_to_string = ser
";

        [Fact]
        public void ConstructorSerializer_ForReturnsAndUserMessages()
        {
            using var h = new ScriptHarness();
            var msgs = h.Run(Serializer + "write_usb_msg({1, 'a\\nb', {x = 1}, n = 3, [0] = false, ['a b'] = 2}) return {name = 'q\"uote'}");
            Assert.Equal(2, msgs.Count);
            Assert.Equal((uint)ScriptDataType.Table, msgs[0].Subtype);
            Assert.Equal("{1,\"a\\\nb\",{x=1},[0]=false,[\"a b\"]=2,n=3}", ScriptHarness.Latin1(msgs[0].Data));
            Assert.Equal(ScriptMessageType.Return, msgs[1].Type);
            Assert.Equal("{name=\"q\\\"uote\"}", ScriptHarness.Latin1(msgs[1].Data));
        }

        [Fact]
        public void SerializerErrors_AreRaisedInTheScript_OrTurnReturnsIntoErrors()
        {
            using var h = new ScriptHarness();
            var m = Assert.Single(h.Run(Serializer + "\nwrite_usb_msg({print})"));
            Assert.Equal(ScriptMessageType.Error, m.Type);
            var text = ScriptHarness.Latin1(m.Data);
            // CHDK raises the serializer's message at the write_usb_msg call: ":<call line>: :<error line>: ..."
            Assert.Equal(":24: :8: serialize: unsupported type function", text);
            m = Assert.Single(h.Run(Serializer + "local t = {} t[1] = t return t"));
            Assert.Equal(ScriptMessageType.Error, m.Type);
            Assert.EndsWith("serialize: max depth", ScriptHarness.Latin1(m.Data));
        }

        [Fact]
        public void Batches_FlowThroughAFullQueue()
        {
            using var h = new ScriptHarness();
            Assert.Null(h.Start(Serializer +
                "local batch = {} for i = 1, 500 do batch[#batch + 1] = i " +
                "if #batch == 10 then assert(write_usb_msg(batch, 100000)) batch = {} end end " +
                // the return value is dropped if the queue is full when the script ends (as on CHDK): wait until the
                // host says it has every batch, so a host slowed down by a busy machine cannot lose it
                "read_usb_msg(20000) return true"));
            var values = new List<int>();
            var sw = Stopwatch.StartNew();
            ScriptMessage last = null;
            while (sw.ElapsedMilliseconds < 20000)
            {
                var m = h.Camera.CameraToHost.Dequeue(100, CancellationToken.None);
                if (m == null) { if (!h.Camera.Scripts.IsRunning && h.Camera.CameraToHost.IsEmpty) break; continue; }
                if (m.Type == ScriptMessageType.Return) { last = m; continue; }
                Assert.Equal(ScriptMessageType.User, m.Type);
                Assert.Equal((uint)ScriptDataType.Table, m.Subtype);
                var s = ScriptHarness.Latin1(m.Data);
                values.AddRange(s.Trim('{', '}').Split(',').Select(int.Parse));
                if (values.Count == 30) Thread.Sleep(100); // a slow host: the script must wait, not drop
                if (values.Count == 500) h.Camera.HostToCamera.TryEnqueue(new ScriptMessage(ScriptMessageType.User, (uint)ScriptDataType.String, 0, new byte[] { 0x6B }));
            }
            Assert.Equal(Enumerable.Range(1, 500), values);
            Assert.NotNull(last);
            Assert.Equal(new byte[] { 1, 0, 0, 0 }, last.Data);
        }

        [Fact]
        public void DirectoryWalk_WithStat()
        {
            using var h = new ScriptHarness(new SimulatorOptions { StartInRecordMode = true });
            h.Run("shoot() shoot() shoot()");
            var text = h.RunString(Serializer + @"
local out = {}
local function walk(path)
  for name in os.idir(path) do
    local full = path .. '/' .. name
    local st = assert(os.stat(full))
    if st.is_dir then walk(full) else out[#out + 1] = full .. ':' .. st.size end
  end
end
walk('A/DCIM')
return table.concat(out, ';')");
            var parts = text.Split(';');
            Assert.Equal(3, parts.Length);
            Assert.StartsWith("A/DCIM/100CANON/IMG_0001.JPG:", parts[0]);
            Assert.StartsWith("A/DCIM/100CANON/IMG_0003.JPG:", parts[2]);
        }

        [Fact]
        public void MessageShell_CommandLoop()
        {
            using var h = new ScriptHarness();
            Assert.Null(h.Start(@"
while true do
  local msg = read_usb_msg(10000)
  if msg == nil then return 'timeout' end
  local cmd, rest = msg:match('^(%w+)%s*(.*)$')
  if cmd == 'quit' then return 'bye'
  elseif cmd == 'echo' then write_usb_msg(rest)
  elseif cmd == 'exec' then
    local f, err = loadstring(rest)
    if not f then write_usb_msg('compile: ' .. err) else
      local ok, r = pcall(f)
      write_usb_msg(ok and r or ('runtime: ' .. tostring(r)))
    end
  end
end"));
            string Ask(string text)
            {
                h.Camera.HostToCamera.TryEnqueue(new ScriptMessage(ScriptMessageType.User, 4, h.LastId, Encoding.ASCII.GetBytes(text)));
                var m = h.Camera.CameraToHost.Dequeue(5000, CancellationToken.None);
                Assert.NotNull(m);
                return m.Subtype == (uint)ScriptDataType.Integer ? BitConverter.ToInt32(m.Data, 0).ToString() : ScriptHarness.Latin1(m.Data);
            }
            Assert.Equal("hi there", Ask("echo hi there"));
            Assert.Equal("6", Ask("exec return 2 * 3"));
            Assert.StartsWith("compile: :1: ", Ask("exec return = 1"));
            Assert.Equal("runtime: :1: boom", Ask("exec error('boom')"));
            h.Camera.HostToCamera.TryEnqueue(new ScriptMessage(ScriptMessageType.User, 4, 0, Encoding.ASCII.GetBytes("quit")));
            Assert.True(h.WaitEnd());
            Assert.Equal("bye", ScriptHarness.Latin1(Assert.Single(h.Drain()).Data));
        }
    }
}
