using System;
using System.IO;
using System.Linq;
using ChdkPtp.Simulator.Card;

namespace ChdkPtp.Simulator.Tests.Lua
{
    /// <summary>The card's path mapping and file operations, used directly.</summary>
    public sealed class VirtualCardTests : IDisposable
    {
        private readonly string _parent;
        private readonly string _root;
        private readonly VirtualCard _card;

        public VirtualCardTests()
        {
            _parent = Path.Combine(Path.GetTempPath(), "chdkptp-card-" + Guid.NewGuid().ToString("N"));
            _root = Path.Combine(_parent, "card");
            Directory.CreateDirectory(_root);
            _card = new VirtualCard(_root);
        }

        public void Dispose()
        {
            try { Directory.Delete(_parent, true); } catch (IOException) { }
        }

        private string Host(string rel) => Path.Combine(_root, rel.Replace('/', Path.DirectorySeparatorChar));

        private string[] Outside() => Directory.GetFileSystemEntries(_parent).Select(Path.GetFileName).ToArray();

        [Fact]
        public void Root_MustBeAbsolute()
        {
            Assert.Throws<ArgumentException>(() => new VirtualCard("relative/card"));
            Assert.Throws<ArgumentNullException>(() => new VirtualCard(null));
        }

        [Theory]
        [InlineData("A/DCIM/100CANON/IMG_0001.JPG", "DCIM/100CANON/IMG_0001.JPG")]
        [InlineData("A\\DCIM\\100CANON\\IMG_0001.JPG", "DCIM/100CANON/IMG_0001.JPG")]
        [InlineData("A//DCIM///X", "DCIM/X")]
        [InlineData("a/x.txt", "x.txt")]
        public void Resolve_MapsUnderTheRoot(string camera, string relative)
        {
            var r = _card.Resolve(camera);
            Assert.True(r.Ok, r.ToString());
            Assert.Equal(Path.GetFullPath(Host(relative)), Path.GetFullPath(r.Value.HostPath));
            Assert.False(r.Value.Exists);
        }

        [Theory]
        [InlineData("A")]
        [InlineData("A/")]
        [InlineData("A\\")]
        public void Resolve_Root(string camera)
        {
            var r = _card.Resolve(camera);
            Assert.True(r.Ok);
            Assert.True(r.Value.IsRoot);
            Assert.True(r.Value.IsDirectory);
        }

        [Theory]
        [InlineData("A/../x", CardErrno.EINVAL)]
        [InlineData("A/..", CardErrno.EINVAL)]
        [InlineData("A/./x", CardErrno.EINVAL)]
        [InlineData("A/DCIM/../../x", CardErrno.EINVAL)]
        [InlineData("A\\..\\x", CardErrno.EINVAL)]
        [InlineData("A/C:/Windows", CardErrno.EINVAL)]
        [InlineData("A/C:x", CardErrno.EINVAL)]
        [InlineData("A/x\0y", CardErrno.EINVAL)]
        [InlineData("A/a*b", CardErrno.EINVAL)]
        [InlineData("A/a?b", CardErrno.EINVAL)]
        [InlineData("A/a\u0001b", CardErrno.EINVAL)]
        [InlineData("A/CON", CardErrno.EINVAL)]
        [InlineData("A/nul.txt", CardErrno.EINVAL)]
        [InlineData("A/LPT1", CardErrno.EINVAL)]
        [InlineData("A/trailing.", CardErrno.EINVAL)]
        [InlineData("A/trailing ", CardErrno.EINVAL)]
        [InlineData("/etc/passwd", CardErrno.ENOENT)]
        [InlineData("C:/Windows/win.ini", CardErrno.ENOENT)]
        [InlineData("\\\\server\\share", CardErrno.ENOENT)]
        [InlineData("B/x", CardErrno.ENOENT)]
        [InlineData("AB/x", CardErrno.ENOENT)]
        [InlineData("..", CardErrno.ENOENT)]
        [InlineData("", CardErrno.ENOENT)]
        [InlineData(null, CardErrno.ENOENT)]
        public void Resolve_RefusesEscapes(string camera, int errno)
        {
            var r = _card.Resolve(camera);
            Assert.False(r.Ok);
            Assert.Equal(errno, r.Errno);
            Assert.Equal((camera ?? "") + ": " + CardErrno.StrError(errno), r.Message);
            // and no operation creates anything anywhere
            Assert.False(_card.MakeDirectory(camera).Ok);
            Assert.False(_card.Open(camera, "w").Ok);
            Assert.False(_card.WriteAllBytes(camera, new byte[] { 1 }).Ok);
            Assert.Equal(new[] { "card" }, Outside());
            Assert.Empty(Directory.GetFileSystemEntries(_root));
        }

        [Fact]
        public void Lookup_IsCaseInsensitive_AndReportsRealNames()
        {
            Directory.CreateDirectory(Host("DCIM/100canon"));
            File.WriteAllBytes(Host("DCIM/100canon/img_0001.jpg"), new byte[] { 1, 2, 3 });
            var st = _card.Stat("A/dcim/100CANON/IMG_0001.JPG");
            Assert.True(st.Ok, st.ToString());
            Assert.Equal(3, st.Value.Size);
            Assert.Equal(new[] { "img_0001.jpg" }, _card.ListDirectory("A/DCIM/100CANON").Value);
            var r = _card.Resolve("A/Dcim/100Canon/Img_0001.Jpg");
            Assert.Equal(Path.GetFullPath(Host("DCIM/100canon/img_0001.jpg")), r.Value.HostPath);
            // a new file inside an existing folder keeps the folder's real case
            Assert.True(_card.WriteAllBytes("A/dcim/100CANON/NEW.TXT", new byte[] { 9 }).Ok);
            Assert.True(File.Exists(Host("DCIM/100canon/NEW.TXT")));
        }

        [Fact]
        public void Lookup_WithTwoCaseVariants_PrefersTheExactName()
        {
            if (!CaseSensitiveHost()) return; // only a case-sensitive host can hold both
            File.WriteAllText(Host("abc.txt"), "lower");
            File.WriteAllText(Host("ABC.TXT"), "upper");
            Assert.Equal(Path.GetFullPath(Host("abc.txt")), _card.Resolve("A/abc.txt").Value.HostPath);
            Assert.Equal(Path.GetFullPath(Host("ABC.TXT")), _card.Resolve("A/ABC.TXT").Value.HostPath);
            // otherwise the ordinal-first one, deterministically
            Assert.Equal(Path.GetFullPath(Host("ABC.TXT")), _card.Resolve("A/Abc.txt").Value.HostPath);
        }

        private bool CaseSensitiveHost()
        {
            var probe = Host("case-probe");
            File.WriteAllText(probe, "");
            bool sensitive = !File.Exists(Host("CASE-PROBE"));
            File.Delete(probe);
            return sensitive;
        }

        [Fact]
        public void SymbolicLinks_InsideTheCard_AreRefused_AndHidden()
        {
            var target = Path.Combine(_parent, "secret");
            Directory.CreateDirectory(target);
            File.WriteAllText(Path.Combine(target, "key.txt"), "secret");
            try
            {
                Directory.CreateSymbolicLink(Host("LINK"), target);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is PlatformNotSupportedException)
            {
                return; // no symlink permission on this host
            }
            var r = _card.Stat("A/LINK/key.txt");
            Assert.False(r.Ok);
            Assert.Equal(CardErrno.EACCES, r.Errno);
            Assert.False(_card.Open("A/link/KEY.TXT", "r").Ok);
            Assert.DoesNotContain("LINK", _card.ListDirectory("A/").Value);
        }

        [Fact]
        public void ListDirectory_Rules()
        {
            Directory.CreateDirectory(Host("D/SUB"));
            File.WriteAllText(Host("D/b.txt"), "b");
            File.WriteAllText(Host("D/A.TXT"), "a");
            Assert.Equal(new[] { "A.TXT", "b.txt", "SUB" }, _card.ListDirectory("A/D").Value);
            Assert.Equal(new[] { ".", "..", "A.TXT", "b.txt", "SUB" }, _card.ListDirectory("A/D", true).Value);
            Assert.Equal(new[] { "D" }, _card.ListDirectory("A/", true).Value); // the FAT root has no . and ..
            Assert.Equal(CardErrno.ENOENT, _card.ListDirectory("A/D/").Errno); // trailing slash only on the root
            Assert.Equal(CardErrno.ENOENT, _card.ListDirectory("A/NOPE").Errno);
            Assert.Equal(CardErrno.ENOTDIR, _card.ListDirectory("A/D/b.txt").Errno);
            Assert.Equal(CardErrno.ENOTDIR, _card.ListDirectory("A/D/b.txt/x").Errno);
            Assert.Equal("A/NOPE: No such file or directory", _card.ListDirectory("A/NOPE").Message);
        }

        [Fact]
        public void Stat_FilesAndDirectories()
        {
            Directory.CreateDirectory(Host("DIR"));
            File.WriteAllBytes(Host("DIR/F.BIN"), new byte[1234]);
            var f = _card.Stat("A/DIR/F.BIN").Value;
            Assert.True(f.IsFile);
            Assert.False(f.IsDirectory);
            Assert.Equal(1234, f.Size);
            Assert.Equal(0x20, f.Attributes);
            var d = _card.Stat("A/DIR").Value;
            Assert.True(d.IsDirectory);
            Assert.False(d.IsFile);
            Assert.Equal(0x10, d.Attributes);
            Assert.Equal(0, d.Size);
            Assert.True(_card.Stat("A/").Value.IsDirectory);
            Assert.Equal(CardErrno.ENOENT, _card.Stat("A/DIR/F.BIN/").Errno);
            Assert.Equal(CardErrno.ENOENT, _card.Stat("A/DIR/NONE").Errno);
        }

        [Fact]
        public void Times_AreCameraLocal_AndRoundTrip()
        {
            File.WriteAllText(Host("T.TXT"), "t");
            Assert.True(_card.SetTimes("A/T.TXT", 1700000000, 1600000000).Ok);
            Assert.Equal(1700000000, _card.Stat("A/t.txt").Value.MTime);
            var local = new DateTime(1970, 1, 1).AddSeconds(1700000000);
            Assert.Equal(TimeZoneInfo.ConvertTimeToUtc(local, TimeZoneInfo.Local), File.GetLastWriteTimeUtc(Host("T.TXT")));
            // the camera clock offset shifts what the camera sees, both ways
            _card.ClockOffsetSeconds = 3600;
            Assert.Equal(1700003600, _card.Stat("A/T.TXT").Value.MTime);
            Assert.True(_card.SetTimes("A/T.TXT", 1700000000, null).Ok);
            Assert.Equal(1700000000, _card.Stat("A/T.TXT").Value.MTime);
            long now = _card.CameraNow();
            _card.ClockOffsetSeconds = 0;
            Assert.InRange(now - _card.CameraNow(), 3590, 3610);
            Assert.Equal(CardErrno.ENOENT, _card.SetTimes("A/NONE", 1, 1).Errno);
        }

        [Fact]
        public void MakeDirectory_Rules()
        {
            Assert.True(_card.MakeDirectory("A/NEW").Ok);
            Assert.True(Directory.Exists(Host("NEW")));
            Assert.Equal(CardErrno.EEXIST, _card.MakeDirectory("A/new").Errno);
            Assert.Equal(CardErrno.ENOENT, _card.MakeDirectory("A/MISSING/SUB").Errno);
            File.WriteAllText(Host("FILE"), "");
            Assert.Equal(CardErrno.ENOTDIR, _card.MakeDirectory("A/FILE/SUB").Errno);
            Assert.Equal(CardErrno.EEXIST, _card.MakeDirectory("A/").Errno);
            Assert.True(_card.MakeDirectories("A/X/Y/Z").Ok);
            Assert.True(Directory.Exists(Host("X/Y/Z")));
            Assert.True(_card.MakeDirectories("A/x/y/z").Ok);
        }

        [Fact]
        public void Remove_Rules()
        {
            Directory.CreateDirectory(Host("FULL"));
            File.WriteAllText(Host("FULL/F"), "");
            Directory.CreateDirectory(Host("EMPTY"));
            Assert.Equal(CardErrno.ENOTEMPTY, _card.Remove("A/FULL").Errno);
            Assert.True(_card.Remove("A/full/f").Ok);
            Assert.True(_card.Remove("A/FULL").Ok);
            Assert.True(_card.Remove("A/empty").Ok);
            Assert.Equal(CardErrno.ENOENT, _card.Remove("A/EMPTY").Errno);
            Assert.Equal(CardErrno.EACCES, _card.Remove("A/").Errno);
            Assert.Empty(Directory.GetFileSystemEntries(_root));
        }

        [Fact]
        public void Rename_Rules()
        {
            File.WriteAllText(Host("a.txt"), "a");
            File.WriteAllText(Host("B.TXT"), "b");
            Directory.CreateDirectory(Host("DIR"));
            Assert.Equal(CardErrno.EEXIST, _card.Rename("A/A.TXT", "A/b.txt").Errno);
            Assert.True(_card.Rename("A/A.TXT", "A/A.TXT").Ok); // case-only rename
            Assert.Equal(new[] { "A.TXT", "B.TXT", "DIR" }, _card.ListDirectory("A").Value);
            Assert.True(_card.Rename("A/a.txt", "A/dir/MOVED.TXT").Ok);
            Assert.Equal("a", File.ReadAllText(Host("DIR/MOVED.TXT")));
            Assert.Equal(CardErrno.EINVAL, _card.Rename("A/DIR", "A/DIR/INSIDE").Errno);
            Assert.Equal(CardErrno.ENOENT, _card.Rename("A/NONE", "A/X").Errno);
            Assert.Equal(CardErrno.ENOENT, _card.Rename("A/B.TXT", "A/NODIR/X").Errno);
            var escape = _card.Rename("A/B.TXT", "A/../B.TXT");
            Assert.Equal(CardErrno.EINVAL, escape.Errno);
            Assert.Equal("A/B.TXT: Invalid argument", escape.Message);
            Assert.Equal(new[] { "card" }, Outside());
        }

        [Fact]
        public void Open_Modes()
        {
            Assert.Equal(CardErrno.ENOENT, _card.Open("A/NEW.TXT", "r").Errno);
            Assert.Equal(CardErrno.EINVAL, _card.Open("A/NEW.TXT", "x").Errno);
            Assert.Equal(CardErrno.EINVAL, _card.Open("A/NEW.TXT", "rbb").Errno);
            Assert.Equal(CardErrno.EISDIR, _card.Open("A/", "r").Errno);
            using (var f = _card.Open("A/NEW.TXT", "w").Value) f.Stream.Write(new byte[] { 1, 2 }, 0, 2);
            using (var f = _card.Open("A/new.txt", "a").Value)
            {
                Assert.True(f.Append);
                Assert.False(f.CanRead);
                f.Stream.Write(new byte[] { 3 }, 0, 1);
            }
            Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(Host("NEW.TXT")));
            using (var f = _card.Open("A/NEW.TXT", "r+b").Value)
            {
                Assert.True(f.CanRead && f.CanWrite && !f.Append);
                Assert.Equal(1, f.Stream.ReadByte());
            }
            using (_card.Open("A/NEW.TXT", "w+").Value) { }
            Assert.Empty(File.ReadAllBytes(Host("NEW.TXT")));
            Assert.Equal(CardErrno.ENOENT, _card.Open("A/NODIR/X.TXT", "w").Errno);
        }

        [Fact]
        public void Space_IsReportedInKb()
        {
            Assert.InRange(_card.TotalSpaceKb(), 1, int.MaxValue);
            Assert.InRange(_card.FreeSpaceKb(), 0, _card.TotalSpaceKb());
        }

        [Fact]
        public void LegalComponents()
        {
            Assert.True(VirtualCard.IsLegalComponent("IMG_0001.JPG"));
            Assert.True(VirtualCard.IsLegalComponent("long name with spaces.jpeg"));
            Assert.True(VirtualCard.IsLegalComponent(".hidden"));
            Assert.True(VirtualCard.IsLegalComponent("CONSOLE.TXT"));
            Assert.False(VirtualCard.IsLegalComponent("con.txt"));
            Assert.False(VirtualCard.IsLegalComponent(new string('x', 256)));
            Assert.False(VirtualCard.IsLegalComponent("a|b"));
            Assert.False(VirtualCard.IsLegalComponent("a\"b"));
            Assert.False(VirtualCard.IsLegalComponent("a<b>"));
        }
    }
}
