using System;
using System.IO;
using System.Linq;
using System.Text;
using ChdkPtp.Protocol.Chdk;

namespace ChdkPtp.Simulator.Tests.Lua
{
    /// <summary>os.* and io.* on the virtual card, from scripts (PROTOCOL.md §6.1).</summary>
    public class CardScriptTests
    {
        [Fact]
        public void ImageFolder_IsCreatedOnFirstUse()
        {
            using var h = new ScriptHarness();
            Assert.False(Directory.Exists(h.HostPath("DCIM")));
            Assert.Equal("DCIM", h.RunString("return os.listdir('A/')[1]"));
            Assert.True(Directory.Exists(h.HostPath("DCIM/100CANON")));
            Assert.Equal("A/DCIM/100CANON", h.RunString("return get_image_dir()"));
        }

        [Fact]
        public void Listdir_ShowAll_AndErrors()
        {
            using var h = new ScriptHarness();
            Directory.CreateDirectory(h.HostPath("D"));
            File.WriteAllText(h.HostPath("D/one.txt"), "1");
            Assert.Equal("one.txt", h.RunString("return table.concat(os.listdir('A/D'), ',')"));
            Assert.Equal(".,..,one.txt", h.RunString("return table.concat(os.listdir('A/D', true), ',')"));
            Assert.Equal(".,..,one.txt", h.RunString("return table.concat(os.listdir('A/D', {showall = true}), ',')"));
            var msgs = h.Run("return os.listdir('A/NOPE')");
            Assert.Equal(3, msgs.Count);
            Assert.Equal((uint)ScriptDataType.Nil, msgs[0].Subtype);
            Assert.Equal("A/NOPE: No such file or directory", ScriptHarness.Latin1(msgs[1].Data));
            Assert.Equal(new byte[] { 2, 0, 0, 0 }, msgs[2].Data);
        }

        [Fact]
        public void Idir_Iterates_AndStopsEarly()
        {
            using var h = new ScriptHarness();
            Directory.CreateDirectory(h.HostPath("I"));
            foreach (var n in new[] { "A1", "B2", "C3" }) File.WriteAllText(h.HostPath("I/" + n), n);
            Assert.Equal("A1B2C3", h.RunString("local s = '' for n in os.idir('A/I') do s = s .. n end return s"));
            Assert.True(h.RunBool("local it, ud = os.idir('A/I') local first = it(ud) it(ud, false) return first == 'A1' and it(ud) == nil"));
            Assert.Equal("", h.RunString("local s = '' for n in os.idir('A/NOPE') do s = s .. n end return s"));
        }

        [Fact]
        public void Stat_Fields()
        {
            using var h = new ScriptHarness();
            File.WriteAllBytes(h.HostPath("F.BIN"), new byte[300]);
            Assert.True(h.RunBool(
                "local s = os.stat('A/f.bin') return s.size == 300 and s.is_file and not s.is_dir and s.attrib == 0x20 " +
                "and math.abs(s.mtime - os.time()) < 5 and type(s.ctime) == 'number'"));
            Assert.True(h.RunBool("local s = os.stat('A/DCIM') return s.is_dir and not s.is_file and s.attrib == 0x10 and s.size == 0"));
            var msgs = h.Run("return os.stat('A/NONE.TXT')");
            Assert.Equal("A/NONE.TXT: No such file or directory", ScriptHarness.Latin1(msgs[1].Data));
        }

        [Fact]
        public void Mkdir_Remove_Rename_Utime()
        {
            using var h = new ScriptHarness();
            Assert.True(h.RunBool(
                "assert(os.mkdir('A/NEWDIR')) " +
                "local f = assert(io.open('A/NEWDIR/x.txt', 'w')) f:write('x') f:close() " +
                "local ok, msg, errno = os.remove('A/NEWDIR') assert(not ok and errno == 39, msg) " +
                "assert(os.rename('A/newdir/X.TXT', 'A/NEWDIR/Y.TXT')) " +
                "assert(os.utime('A/NEWDIR/Y.TXT', 1500000000)) assert(os.stat('A/NEWDIR/Y.TXT').mtime == 1500000000) " +
                "assert(os.remove('A/NEWDIR/Y.TXT')) assert(os.remove('A/NEWDIR')) " +
                "return os.stat('A/NEWDIR') == nil"));
            Assert.False(Directory.Exists(h.HostPath("NEWDIR")));
            var msgs = h.Run("return os.mkdir('A/DCIM')");
            Assert.Equal("A/DCIM: File exists", ScriptHarness.Latin1(msgs[1].Data));
            Assert.Equal(new byte[] { 17, 0, 0, 0 }, msgs[2].Data);
        }

        [Fact]
        public void Escapes_AreRefused_FromScripts()
        {
            using var h = new ScriptHarness();
            var parent = Directory.GetParent(h.CardRoot).FullName;
            var marker = "chdkptp-escape-" + Guid.NewGuid().ToString("N");
            var msgs = h.Run(
                "local r = {} " +
                "r[1] = select(2, os.stat('A/../" + marker + "')) " +
                "r[2] = select(2, io.open('A/../" + marker + "', 'w')) " +
                "r[3] = select(2, os.mkdir('A/../" + marker + "')) " +
                "r[4] = select(2, os.listdir('A/..')) " +
                "r[5] = select(2, io.open('/etc/hostname')) " +
                "r[6] = select(2, os.rename('A/DCIM', 'A/../" + marker + "')) " +
                "r[7] = select(2, os.remove('A/../../" + marker + "')) " +
                "return table.concat(r, '|')");
            var text = ScriptHarness.Latin1(Assert.Single(msgs).Data);
            var parts = text.Split('|');
            Assert.Equal(7, parts.Length);
            Assert.Equal("A/../" + marker + ": Invalid argument", parts[0]);
            Assert.Equal("/etc/hostname: No such file or directory", parts[4]);
            Assert.Equal("A/DCIM: Invalid argument", parts[5]);
            Assert.False(File.Exists(Path.Combine(parent, marker)));
            Assert.False(Directory.Exists(Path.Combine(parent, marker)));
            Assert.True(Directory.Exists(h.HostPath("DCIM")));
        }

        [Fact]
        public void CaseInsensitive_FromScripts()
        {
            using var h = new ScriptHarness();
            Directory.CreateDirectory(h.HostPath("Misc"));
            File.WriteAllText(h.HostPath("Misc/ReadMe.Txt"), "hello");
            Assert.Equal("hello", h.RunString("local f = io.open('A\\\\MISC\\\\README.TXT') local s = f:read('*a') f:close() return s"));
            Assert.Equal("ReadMe.Txt", h.RunString("return os.listdir('A/misc')[1]"));
        }

        [Fact]
        public void Io_WriteRead_AllBytes()
        {
            using var h = new ScriptHarness();
            var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
            var m = h.RunOne(
                "local t = {} for i = 0, 255 do t[#t+1] = string.char(i) end local s = table.concat(t) " +
                "local f = assert(io.open('A/BYTES.BIN', 'wb')) assert(f:write(s) == true) assert(f:close()) " +
                "f = assert(io.open('A/BYTES.BIN', 'rb')) local r = f:read('*a') f:close() return r");
            Assert.Equal(all, m.Data);
            Assert.Equal(all, File.ReadAllBytes(h.HostPath("BYTES.BIN")));
        }

        [Fact]
        public void Io_ReadFormats()
        {
            using var h = new ScriptHarness();
            File.WriteAllBytes(h.HostPath("R.TXT"), Encoding.ASCII.GetBytes("first\nsecond\r\n  42 -7 0x1F rest\nlast"));
            var s = h.RunString(
                "local f = io.open('A/R.TXT') local r = {} " +
                "r[#r+1] = f:read() r[#r+1] = f:read('*l') r[#r+1] = tostring(f:read('*n')) r[#r+1] = tostring(f:read('n')) " +
                "r[#r+1] = tostring(f:read('*n')) r[#r+1] = f:read(3) r[#r+1] = f:read('*L') r[#r+1] = f:read('*a') " +
                "r[#r+1] = tostring(f:read('*l')) r[#r+1] = f:read('*a') r[#r+1] = tostring(f:read(0)) r[#r+1] = tostring(f:read(1)) f:close() " +
                "return table.concat(r, '|')");
            Assert.Equal("first|second\r|42|-7|31| re|st\n|last|nil||nil|nil", s);
        }

        [Fact]
        public void Io_MultipleFormats_StopAtFirstFailure()
        {
            using var h = new ScriptHarness();
            File.WriteAllText(h.HostPath("M.TXT"), "a\nb\n");
            var msgs = h.Run("local f = io.open('A/M.TXT') return f:read('*l', '*l', '*l', '*l')");
            Assert.Equal(3, msgs.Count);
            Assert.Equal("a", ScriptHarness.Latin1(msgs[0].Data));
            Assert.Equal("b", ScriptHarness.Latin1(msgs[1].Data));
            Assert.Equal((uint)ScriptDataType.Nil, msgs[2].Subtype);
        }

        [Fact]
        public void Io_SeekLinesAppend()
        {
            using var h = new ScriptHarness();
            Assert.Equal("0123456789|10|3|6789|x1|x2|x3|3", h.RunString(
                "local f = io.open('A/S.TXT', 'w+') f:write('0123456789') local size = f:seek('end') f:seek('set', 3) " +
                "local pos = f:seek() f:seek('cur', 3) local tail = f:read('*a') f:seek('set') local all = f:read('*a') f:close() " +
                "f = io.open('A/L.TXT', 'w') f:write('x1\\n', 'x2\\n') f:close() f = io.open('A/L.TXT', 'a') f:seek('set', 0) f:write('x3\\n') f:close() " +
                "local lines = {} for l in io.lines('A/L.TXT') do lines[#lines+1] = l end " +
                "local n = 0 f = io.open('A/L.TXT') for l in f:lines() do n = n + 1 end f:close() " +
                "return table.concat({all, size, pos, tail, table.concat(lines, '|'), n}, '|')"));
        }

        [Fact]
        public void Io_ErrorsAndClosedFiles()
        {
            using var h = new ScriptHarness();
            var msgs = h.Run("return io.open('A/NONE.TXT')");
            Assert.Equal("A/NONE.TXT: No such file or directory", ScriptHarness.Latin1(msgs[1].Data));
            Assert.Equal(":1: attempt to use a closed file", Err(h, "local f = io.open('A/C.TXT', 'w') f:close() f:write('x')"));
            Assert.Equal(":1: bad argument #2 to 'open' (invalid mode 'rw')", Err(h, "io.open('A/C.TXT', 'rw')"));
            Assert.Equal(":1: bad argument #1 to 'read' (invalid format)", Err(h, "local f = io.open('A/C.TXT') f:read('*x')"));
            Assert.Equal(":1: bad argument #1 to 'seek' (invalid option 'middle')", Err(h, "local f = io.open('A/C.TXT') f:seek('middle')"));
            Assert.StartsWith(":1: bad argument #1 to 'lines' (A/NONE.TXT: No such file or directory)", Err(h, "for l in io.lines('A/NONE.TXT') do end"));
            Assert.True(h.RunBool("local f = io.open('A/C.TXT') local t1 = io.type(f) f:close() return t1 == 'file' and io.type(f) == 'closed file' and tostring(f) == 'file (closed)'"));
            Assert.True(h.RunBool("local f = io.open('A/C.TXT') local ok, msg, errno = f:write('x') return ok == nil and errno == 9"));
        }

        private static string Err(ScriptHarness h, string code)
        {
            var m = Assert.Single(h.Run(code));
            Assert.Equal(ScriptMessageType.Error, m.Type);
            return ScriptHarness.Latin1(m.Data);
        }

        [Fact]
        public void UnclosedFiles_AreFlushedBeforeTheScriptEnds()
        {
            using var h = new ScriptHarness();
            h.Run("local f = io.open('A/OPEN.TXT', 'w') f:write(string.rep('z', 10000))");
            Assert.Equal(10000, File.ReadAllBytes(h.HostPath("OPEN.TXT")).Length);
            // and the file is not held open: the host can delete it
            File.Delete(h.HostPath("OPEN.TXT"));
        }

        [Fact]
        public void TooManyOpenFiles()
        {
            using var h = new ScriptHarness();
            Assert.Equal(24, h.RunInt("local fs = {} for i = 1, 100 do local f, m, e = io.open('A/DCIM', 'r') if not f then if e ~= 21 then error(m) end end end " +
                                       "for i = 1, 40 do local f, m, e = io.open('A/F' .. i, 'w') if not f then return e end fs[i] = f end return 0"));
        }
    }
}
