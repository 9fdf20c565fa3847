using System;
using System.Linq;
using System.Threading;
using ChdkPtp.Protocol.Chdk.Files;
using ChdkPtp.Protocol.Chdk.Scripting;

namespace ChdkPtp.Simulator.Tests.Files
{
    public sealed class CameraPathTests
    {
        [Theory]
        [InlineData("A/DCIM/100CANON", "A/DCIM/100CANON")]
        [InlineData("DCIM/100CANON", "A/DCIM/100CANON")]
        [InlineData("DCIM\\100CANON\\", "A/DCIM/100CANON")]
        [InlineData("a/dcim", "A/dcim")]
        [InlineData("A//DCIM///X", "A/DCIM/X")]
        [InlineData("/DCIM", "A/DCIM")]
        [InlineData("A", "A/")]
        [InlineData("A/", "A/")]
        [InlineData("", "A/")]
        [InlineData("\\", "A/")]
        [InlineData("AB/C", "A/AB/C")]
        [InlineData("Apple.txt", "A/Apple.txt")]
        public void Normalize(string input, string expected) => Assert.Equal(expected, CameraPath.Normalize(input));

        [Fact]
        public void Combine_GetFileName_GetDirectoryName()
        {
            Assert.Equal("A/DCIM/100CANON", CameraPath.Combine("A/DCIM", "100CANON"));
            Assert.Equal("A/DCIM/100CANON/X.JPG", CameraPath.Combine("DCIM\\", "\\100CANON\\X.JPG"));
            Assert.Equal("A/X.JPG", CameraPath.Combine("A/", "X.JPG"));
            Assert.Equal("A/DCIM", CameraPath.Combine("A/DCIM", ""));
            Assert.Equal("X.JPG", CameraPath.GetFileName("A/DCIM/X.JPG"));
            Assert.Equal("DCIM", CameraPath.GetFileName("A/DCIM/"));
            Assert.Equal("", CameraPath.GetFileName("A/"));
            Assert.Equal("A/DCIM", CameraPath.GetDirectoryName("A/DCIM/X.JPG"));
            Assert.Equal("A/", CameraPath.GetDirectoryName("A/DCIM"));
            Assert.Null(CameraPath.GetDirectoryName("A"));
            Assert.Equal(new[] { "DCIM", "X" }, CameraPath.Components("DCIM/X"));
            Assert.Empty(CameraPath.Components("A/"));
            Assert.Throws<ArgumentNullException>(() => CameraPath.Normalize(null));
        }

        [Theory]
        [InlineData("A/../x")]
        [InlineData("A/DCIM/..")]
        [InlineData("./DCIM")]
        [InlineData("A/DC\0IM")]
        [InlineData("A/DC\nIM")]
        public void Validate_refuses_dot_components_and_control_characters(string path) =>
            Assert.Throws<ArgumentException>(() => CameraPath.Validate(path));

        [Fact]
        public void Validate_accepts_ordinary_paths_and_IsSafeName_checks_single_names()
        {
            Assert.Equal("A/DCIM/...x/a..b", CameraPath.Validate("DCIM/...x/a..b"));
            Assert.True(CameraPath.IsSafeName("IMG_0001.JPG"));
            foreach (var bad in new[] { "", ".", "..", "a/b", "a\\b", "a\0", "\u007f" })
                Assert.False(CameraPath.IsSafeName(bad), bad);
        }

        [Theory]
        [InlineData("IMG_0001.JPG", true)]
        [InlineData("img_0001.jpg", true)]
        [InlineData("A", true)]
        [InlineData("ABCDEFGH.TXT", true)]
        [InlineData("A~1$.{}", true)]
        [InlineData("ABCDEFGHI.TXT", false)]
        [InlineData("ABC.TEXT", false)]
        [InlineData("A.B.C", false)]
        [InlineData("MY FILE.TXT", false)]
        [InlineData(".HIDDEN", false)]
        [InlineData("ABC.", false)]
        [InlineData("É.TXT", false)]
        [InlineData("A+B.TXT", false)]
        [InlineData("", false)]
        public void IsEightDotThree(string name, bool expected) => Assert.Equal(expected, CameraPath.IsEightDotThree(name));

        [Theory]
        [InlineData("IMG_0001.JPG", 1)]
        [InlineData("mvi_9999.mov", 9999)]
        [InlineData("CRW_0123.CR2", 123)]
        [InlineData("IMG_001.JPG", null)]
        [InlineData("IMG_00012.JPG", null)]
        [InlineData("IMG-0001.JPG", null)]
        [InlineData("IM1_0001.JPG", null)]
        [InlineData("IMG_0001.JPEG", null)]
        [InlineData("IMG_00A1.JPG", null)]
        [InlineData("IMG_0001.J_G", null)]
        public void Image_numbers(string name, int? expected) => Assert.Equal(expected, CameraItem.ParseImageNumber(name));

        [Fact]
        public void Times_are_camera_local_seconds_since_1970()
        {
            var t = new DateTime(2024, 2, 29, 23, 59, 58);
            long s = CameraItem.ToCameraSeconds(t);
            Assert.Equal(1709251198, s);
            var item = new CameraItem("A/", "X", 1, s, FatAttributes.Archive, false);
            Assert.Equal(t, item.LastWriteTime);
            Assert.Equal(DateTimeKind.Unspecified, item.LastWriteTime.Kind);
            Assert.Equal(new DateTime(1970, 1, 1), CameraItem.ToDateTime(0));
        }

        [Theory]
        [InlineData("IMG_0001.JPG", "*.jpg", true)]
        [InlineData("IMG_0001.JPG", "img_000?.JPG", true)]
        [InlineData("IMG_0001.JPG", "IMG_00?.JPG", false)]
        [InlineData("IMG_0001.JPG", "*", true)]
        [InlineData("", "*", true)]
        [InlineData("", "?", false)]
        [InlineData("IMG_0001.JPG", "[hi]MG*", true)]
        [InlineData("IMG_0001.JPG", "[!i]MG*", false)]
        [InlineData("IMG_0001.JPG", "[^a-h]MG*", true)]
        [InlineData("IMG_0001.JPG", "IMG_000[0-9].*", true)]
        [InlineData("IMG_0001.JPG", "IMG_000[2-9].*", false)]
        [InlineData("a[1].txt", "a`[1`].txt", true)]
        [InlineData("a1.txt", "a`[1`].txt", false)]
        [InlineData("a*b", "a`*b", true)]
        [InlineData("axb", "a`*b", false)]
        [InlineData("100%.TXT", "100%.*", true)]
        [InlineData("a.b", "a?b", true)]
        [InlineData("ab", "a.b", false)]
        [InlineData("é.JPG", "?.jpg", true)]
        [InlineData("é.JPG", "É.JPG", false)]
        [InlineData("x(1)+$^.TXT", "X(1)+$^.*", true)]
        [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "*a*a*a*a*c", false)]
        public void Wildcards_match_on_the_host(string name, string pattern, bool expected)
        {
            Assert.Equal(expected, CameraPath.IsMatch(name, pattern));
            Assert.Equal(CameraPath.HasWildcard(pattern), pattern.Replace("`*", "").Replace("`[", "").Replace("`]", "").IndexOfAny(new[] { '*', '?', '[' }) >= 0);
        }

        [Fact]
        public void Malformed_wildcards_are_argument_errors()
        {
            Assert.Throws<ArgumentException>(() => CameraPath.IsMatch("x", "[abc"));
            Assert.Throws<ArgumentException>(() => CameraPath.IsMatch("x", "[z-a]"));
            Assert.Throws<ArgumentException>(() => CameraPath.ToLuaPattern("[é]"));
            Assert.False(CameraPath.HasWildcard("IMG_0001.JPG"));
            Assert.Equal("a[1]", CameraPath.Unescape("a`[1`]"));
            Assert.Equal("A/DCIM/A[1].JPG", CameraPath.UnescapePath("A\\DCIM/A`[1`].JPG"));
            Assert.Equal("A/x`y", CameraPath.UnescapePath("A/x``y"));
        }

        /// <summary>The Lua pattern run by the simulator's Lua (string.upper + string.find) agrees with the host matcher.</summary>
        [Fact]
        public void Lua_patterns_agree_with_the_host_matcher_on_the_camera()
        {
            var names = new[] { "IMG_0001.JPG", "img_0002.jpg", "MVI_0003.MOV", "a[1].txt", "a1.txt", "100%.TXT", "é.JPG", "ÄB.JPG", "x(1)+$^.TXT", "", "a.b", "ab", "A-B", "a]b" };
            var patterns = new[] { "*.jpg", "img_000?.*", "?.JPG", "??.JPG", "[!i]*", "[a-c]*", "a`[1`].txt", "100%.*", "X(1)+$^.*", "*", "?", "a?b", "a.b", "[!x].JPG", "[]]*", "a[]]b", "*-*", "[-]*", "A[-]B" };
            var luaPatterns = patterns.Select(p => (object)CameraPath.ToLuaPattern(p)).ToList();
            const string code = @"
local names, pats = ...
local out = {}
for i = 1, #names do
  for j = 1, #pats do
    out[#out + 1] = string.find(string.upper(names[i]), pats[j]) ~= nil
  end
end
return table.concat((function() local s = {} for k = 1, #out do s[k] = out[k] and '1' or '0' end return s end)())";
            using (var sim = new InProcessSimulator())
            using (var client = ChdkPtp.Protocol.Chdk.ChdkClient.Connect(sim.CreateTransport()))
            {
                var r = ScriptRunner.Run(client, code, new object[] { names, luaPatterns }, new ScriptRunOptions { Timeout = TimeSpan.FromSeconds(20) }, CancellationToken.None);
                var bits = (string)r.Returns[0];
                Assert.Equal(names.Length * patterns.Length, bits.Length);
                int k = 0, matches = 0;
                foreach (var n in names)
                    foreach (var p in patterns)
                    {
                        bool host = CameraPath.IsMatch(n, p);
                        if (host) matches++;
                        Assert.True(host == (bits[k++] == '1'), $"'{n}' against '{p}': host {host}, camera {!host}");
                    }
                Assert.InRange(matches, 20, names.Length * patterns.Length - 20); // both outcomes well represented
            }
        }
    }
}
