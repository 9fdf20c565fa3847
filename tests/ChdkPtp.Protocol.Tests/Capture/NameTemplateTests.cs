using System;
using System.IO;
using System.Linq;
using System.Text;
using ChdkPtp.Protocol.Chdk.Capture;

namespace ChdkPtp.Protocol.Tests.Capture
{
    public sealed class NameTemplateTests : IDisposable
    {
        private static readonly DateTime T = new DateTime(2026, 3, 28, 14, 5, 9, 42, DateTimeKind.Local);
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "chdkptp-cap-" + Guid.NewGuid().ToString("N").Substring(0, 8));

        public NameTemplateTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, true);

        private static CaptureFileInfo Info(CaptureFileFormat f = CaptureFileFormat.Jpeg, int number = 123, int seq = 100, int shot = 1) =>
            new CaptureFileInfo(f, number, seq, shot, T, "ABCDEF0123", "Canon PowerShot SX160 IS");

        [Theory]
        [InlineData(CaptureFileFormat.Jpeg, "IMG_0123.jpg")]
        [InlineData(CaptureFileFormat.Raw, "IMG_0123.raw")]
        [InlineData(CaptureFileFormat.DngHeader, "IMG_0123.dng_hdr")]
        [InlineData(CaptureFileFormat.CanonRaw, "IMG_0123.cr2")]
        [InlineData(CaptureFileFormat.Dng, "IMG_0123.dng")]
        public void The_default_is_IMG_nnnn_with_the_lower_case_extension(CaptureFileFormat f, string name)
        {
            Assert.Equal(name, CaptureNameTemplate.Expand(CaptureNameTemplate.DefaultTemplate, Info(f)));
            Assert.Equal(name, Info(f).DefaultName);
        }

        [Theory]
        [InlineData("{Prefix}_{Format}_{Sequence}{Extension}", "IMG_JPG_0100.jpg")]                 // chdkptp's ${imgpfx}_${imgfmt}_${shotseq}${ext}
        [InlineData("{format}_{sequence}{extension}", "JPG_0100.jpg")]                              // names are case-insensitive
        [InlineData("{BaseName}{Extension}", "IMG_0123.jpg")]
        [InlineData("{ImageNumber}", "0123")]
        [InlineData("{ImageNumber:0}", "123")]
        [InlineData("{ImageNumber:000000}", "000123")]
        [InlineData("{Shot}-{Shot:00}", "1-01")]
        [InlineData("{Serial}_{Model}", "ABCDEF0123_Canon PowerShot SX160 IS")]
        [InlineData("{Date}_{Time}", "20260328_140509")]
        [InlineData("{Date:yyyy-MM-dd}/{Time:HHmmss.fff}{Extension}", "2026-03-28/140509.042.jpg")]
        [InlineData("{Date:yyyy/MM}/{BaseName}{Extension}", "2026/03/IMG_0123.jpg")]
        [InlineData("shots\\{BaseName}{Extension}", "shots/IMG_0123.jpg")]
        [InlineData("{{literal}}_{ImageNumber}", "{literal}_0123")]
        [InlineData("plain.jpg", "plain.jpg")]
        public void Tokens_expand_with_their_formats(string template, string expected) =>
            Assert.Equal(expected, CaptureNameTemplate.Expand(template, Info()));

        [Fact]
        public void Expansion_is_a_pure_function_of_the_template_and_the_file()
        {
            var t = CaptureNameTemplate.Parse("{Date}/{Format}_{ImageNumber}{Extension}");
            var a = t.Expand(Info(CaptureFileFormat.Dng, 7));
            var b = t.Expand(Info(CaptureFileFormat.Dng, 7));
            Assert.Equal(a, b);
            Assert.Equal("20260328/DNG_0007.dng", a);
            Assert.Equal(new[] { "20260328", "DNG_0007.dng" }, t.ExpandComponents(Info(CaptureFileFormat.Dng, 7)));
            Assert.Equal(new[] { "Date", "Format", "ImageNumber", "Extension" }, t.Tokens);
            Assert.True(t.SeparatesFormats);
            Assert.True(t.SeparatesShots);
            Assert.False(CaptureNameTemplate.Parse("{Date}.jpg").SeparatesFormats);
            Assert.False(CaptureNameTemplate.Parse("{Date}{Extension}").SeparatesShots);
        }

        [Theory]
        [InlineData("{Nope}", "unknown placeholder")]
        [InlineData("{ImageNumber", "without its '}'")]
        [InlineData("x}y", "without its '{'")]
        [InlineData("{Format:u}", "only ImageNumber")]
        [InlineData("{ImageNumber:}", "empty format")]
        [InlineData("{a{b}", "inside a placeholder")]
        [InlineData("../{BaseName}{Extension}", "leave the destination")]
        [InlineData("a/../../b", "leave the destination")]
        [InlineData("/abs/{BaseName}", "absolute")]
        [InlineData("\\abs", "absolute")]
        [InlineData("C:/x/{BaseName}", "':'")]
        [InlineData("{Time:HH:mm}", "':'")]
        [InlineData("a//b", "empty folder or file name")]
        [InlineData("dir/", "empty folder or file name")]
        [InlineData("", "empty name")]
        [InlineData("nul.jpg", "device name")]
        [InlineData("name.", "ends with a dot")]
        [InlineData("what?", "'?'")]
        [InlineData("tab\there", "control character")]
        public void Malformed_or_unsafe_templates_are_refused_before_any_shot(string template, string why)
        {
            var ex = Assert.Throws<CaptureTemplateException>(() => CaptureNameTemplate.Parse(template));
            Assert.Contains(why, ex.Message);
            Assert.Equal(template, ex.Template);
            Assert.Throws<CaptureTemplateException>(() => new FolderCaptureDestination(_dir, template));
        }

        [Fact]
        public void A_value_that_makes_the_name_unsafe_is_refused_at_expansion()
        {
            var t = CaptureNameTemplate.Parse("{Model}/{BaseName}{Extension}");
            var evil = new CaptureFileInfo(CaptureFileFormat.Jpeg, 1, 1, 1, T, "x", "..");
            Assert.Throws<CaptureTemplateException>(() => t.Expand(evil));
            var empty = new CaptureFileInfo(CaptureFileFormat.Jpeg, 1, 1, 1, T, "", "");
            Assert.Throws<CaptureTemplateException>(() => CaptureNameTemplate.Parse("{Serial}").Expand(empty));
        }

        [Fact]
        public void IsTemplate_tells_a_template_from_a_plain_path()
        {
            Assert.True(CaptureNameTemplate.IsTemplate("shots/{BaseName}.x"));
            Assert.False(CaptureNameTemplate.IsTemplate("shots/plain"));
            Assert.False(CaptureNameTemplate.IsTemplate("{{not}}"));
            Assert.False(CaptureNameTemplate.IsTemplate(null));
        }

        // ---- folder destination

        private static string Write(ICaptureDestination d, CaptureFileInfo info, string text)
        {
            using (var f = d.Create(info))
            {
                var b = Encoding.ASCII.GetBytes(text);
                f.Stream.Write(b, 0, b.Length);
                return f.Commit();
            }
        }

        [Fact]
        public void A_folder_destination_writes_under_a_temporary_name_and_renames_when_complete()
        {
            var d = new FolderCaptureDestination(_dir, "{Date:yyyy-MM-dd}/{BaseName}{Extension}");
            using (var f = d.Create(Info()))
            {
                f.Stream.Write(new byte[] { 1, 2, 3 }, 0, 3);
                var sub = Path.Combine(_dir, "2026-03-28");
                var partial = Directory.GetFiles(sub).Single();
                Assert.EndsWith(FolderCaptureDestination.PartialSuffix, partial);
                Assert.StartsWith(Path.Combine(sub, "IMG_0123.jpg."), partial);
                var path = f.Commit();
                Assert.Equal(Path.Combine(sub, "IMG_0123.jpg"), path);
                Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
                Assert.Single(Directory.GetFiles(sub));
            }
        }

        [Fact]
        public void An_abandoned_file_leaves_nothing()
        {
            var d = new FolderCaptureDestination(_dir);
            using (var f = d.Create(Info()))
                f.Stream.Write(new byte[10], 0, 10);
            Assert.Empty(Directory.GetFileSystemEntries(_dir));
        }

        [Fact]
        public void Existing_names_fail_by_default_or_are_overwritten_or_kept_beside()
        {
            File.WriteAllText(Path.Combine(_dir, "IMG_0123.jpg"), "old");
            var fail = new FolderCaptureDestination(_dir);
            var ex = Assert.Throws<CaptureFileExistsException>(() => fail.Create(Info()));
            Assert.Equal(Path.Combine(_dir, "IMG_0123.jpg"), ex.Path);
            Assert.Equal("old", File.ReadAllText(Path.Combine(_dir, "IMG_0123.jpg")));

            var both = new FolderCaptureDestination(_dir, null, CaptureConflictAction.KeepBoth);
            Assert.Equal(Path.Combine(_dir, "IMG_0123 (1).jpg"), Write(both, Info(), "new1"));
            Assert.Equal(Path.Combine(_dir, "IMG_0123 (2).jpg"), Write(both, Info(), "new2"));
            Assert.Equal("old", File.ReadAllText(Path.Combine(_dir, "IMG_0123.jpg")));

            var over = new FolderCaptureDestination(_dir, null, CaptureConflictAction.Overwrite);
            Assert.Equal(Path.Combine(_dir, "IMG_0123.jpg"), Write(over, Info(), "newest"));
            Assert.Equal("newest", File.ReadAllText(Path.Combine(_dir, "IMG_0123.jpg")));
            Assert.DoesNotContain(Directory.GetFiles(_dir), p => p.EndsWith(FolderCaptureDestination.PartialSuffix));
        }

        [Fact]
        public void A_name_taken_while_the_file_was_written_fails_at_commit_and_the_partial_file_goes()
        {
            var d = new FolderCaptureDestination(_dir);
            using (var f = d.Create(Info()))
            {
                f.Stream.WriteByte(1);
                File.WriteAllText(Path.Combine(_dir, "IMG_0123.jpg"), "raced");
                Assert.Throws<CaptureFileExistsException>(() => f.Commit());
            }
            Assert.Equal(new[] { Path.Combine(_dir, "IMG_0123.jpg") }, Directory.GetFiles(_dir));
        }

        [Fact]
        public void Names_that_would_collide_within_a_run_are_refused_up_front_unless_conflicts_are_allowed()
        {
            var noExt = new FolderCaptureDestination(_dir, "{BaseName}");
            noExt.CheckNames(RemoteCaptureFormats.Jpeg, 5);
            Assert.Contains("{Extension}", Assert.Throws<CaptureTemplateException>(() => noExt.CheckNames(RemoteCaptureFormats.Jpeg | RemoteCaptureFormats.Dng, 1)).Message);
            var fixedName = new FolderCaptureDestination(_dir, "latest{Extension}");
            fixedName.CheckNames(RemoteCaptureFormats.Jpeg | RemoteCaptureFormats.Raw, 1);
            Assert.Contains("every shot", Assert.Throws<CaptureTemplateException>(() => fixedName.CheckNames(RemoteCaptureFormats.Jpeg, 2)).Message);
            new FolderCaptureDestination(_dir, "latest{Extension}", CaptureConflictAction.Overwrite).CheckNames(RemoteCaptureFormats.Jpeg, 2);
            new FolderCaptureDestination(_dir, "{Time:HHmmss.fff}{Extension}").CheckNames(RemoteCaptureFormats.Jpeg, 2);
        }

        [Fact]
        public void A_memory_destination_keeps_committed_files_only()
        {
            var d = new MemoryCaptureDestination("{Format}_{ImageNumber}{Extension}");
            Assert.Equal("JPG_0123.jpg", Write(d, Info(), "abc"));
            using (var f = d.Create(Info(CaptureFileFormat.Dng)))
                f.Stream.WriteByte(1);
            var file = Assert.Single(d.Files);
            Assert.Equal("JPG_0123.jpg", file.Name);
            Assert.Equal(Encoding.ASCII.GetBytes("abc"), file.Data);
            Assert.Equal(123, file.Info.ImageNumber);
        }
    }
}
