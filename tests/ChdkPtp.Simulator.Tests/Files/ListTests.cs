using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Files;

namespace ChdkPtp.Simulator.Tests.Files
{
    public sealed class ListTests : IDisposable
    {
        private readonly FileTestCamera _cam = new FileTestCamera();
        private static readonly DateTime T1 = new DateTime(2021, 3, 4, 5, 6, 8, DateTimeKind.Utc);
        private static readonly DateTime T2 = new DateTime(2023, 11, 30, 22, 59, 58, DateTimeKind.Utc);

        public ListTests()
        {
            _cam.MakeFile("A/DCIM/100CANON/IMG_0001.JPG", 1000, T1);
            _cam.MakeFile("A/DCIM/100CANON/IMG_0002.JPG", 2000, T2);
            _cam.MakeFile("A/DCIM/100CANON/IMG_0002.CR2", 300, T1);
            _cam.MakeFile("A/DCIM/100CANON/MVI_0003.MOV", 0, T2);
            _cam.MakeFile("A/DCIM/101CANON/IMG_0100.JPG", 5, T1);
            _cam.MakeFile("A/DCIM/101CANON/SUB/DEEP.TXT", 7, T1);
            var notes = _cam.MakeFile("A/DCIM/NOTES.TXT", 11, T2);
            File.SetAttributes(notes, FileAttributes.ReadOnly);
            _cam.MakeDir("A/CHDK");
            _cam.MakeFile("A/readme.txt", 3, T1);
        }

        public void Dispose()
        {
            var notes = _cam.Host("A/DCIM/NOTES.TXT");
            if (File.Exists(notes)) File.SetAttributes(notes, FileAttributes.Normal);
            _cam.Dispose();
        }

        private List<CameraItem> List(string path, CameraListOptions o = null) => _cam.Files.List(path, o).ToList();

        private static string[] Names(IEnumerable<CameraItem> items) => items.Select(i => i.FullName).OrderBy(n => n, StringComparer.Ordinal).ToArray();

        [Fact]
        public void A_folder_lists_its_files_with_sizes_times_attributes_and_image_numbers()
        {
            var items = List("A/DCIM/100CANON");
            Assert.Equal(new[] { "IMG_0001.JPG", "IMG_0002.CR2", "IMG_0002.JPG", "MVI_0003.MOV" }, items.Select(i => i.Name).OrderBy(n => n, StringComparer.Ordinal));
            foreach (var i in items)
            {
                var host = _cam.Host(i.FullName);
                Assert.Equal(new FileInfo(host).Length, i.Length);
                Assert.Equal(_cam.CameraSeconds(host), i.LastWriteSeconds);
                var local = TimeZoneInfo.ConvertTimeFromUtc(File.GetLastWriteTimeUtc(host), TimeZoneInfo.Local);
                Assert.Equal(new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, local.Second), i.LastWriteTime);
                Assert.Equal(DateTimeKind.Unspecified, i.LastWriteTime.Kind);
                Assert.Equal(FatAttributes.Archive, i.Attributes);
                Assert.False(i.IsDirectory);
                Assert.Equal("A/DCIM/100CANON", i.DirectoryName);
                Assert.Equal("A/DCIM/100CANON/" + i.Name, i.FullName);
                Assert.Equal(0, i.Depth);
            }
            var byName = items.ToDictionary(i => i.Name);
            Assert.Equal(1000, byName["IMG_0001.JPG"].Length);
            Assert.Equal(0, byName["MVI_0003.MOV"].Length);
            Assert.Equal(1, byName["IMG_0001.JPG"].ImageNumber);
            Assert.Equal(2, byName["IMG_0002.CR2"].ImageNumber);
            Assert.Equal(3, byName["MVI_0003.MOV"].ImageNumber);
            Assert.NotEqual(byName["IMG_0001.JPG"].LastWriteSeconds, byName["IMG_0002.JPG"].LastWriteSeconds);
        }

        [Fact]
        public void Folders_and_read_only_files_carry_their_attributes()
        {
            var items = List("A/DCIM").ToDictionary(i => i.Name);
            Assert.Equal(new[] { "100CANON", "101CANON", "NOTES.TXT" }, items.Keys.OrderBy(k => k, StringComparer.Ordinal));
            Assert.True(items["100CANON"].IsDirectory);
            Assert.Equal(FatAttributes.Directory, items["100CANON"].Attributes);
            Assert.Null(items["100CANON"].ImageNumber);
            Assert.Equal(0, items["100CANON"].Length);
            Assert.Equal(FatAttributes.ReadOnly | FatAttributes.Archive, items["NOTES.TXT"].Attributes);
            Assert.Null(items["NOTES.TXT"].ImageNumber);
            Assert.Equal(11, items["NOTES.TXT"].Length);
        }

        [Theory]
        [InlineData("A/")]
        [InlineData("A")]
        [InlineData("")]
        [InlineData("/")]
        public void The_root_lists_its_entries(string path)
        {
            var items = List(path);
            Assert.Equal(new[] { "A/CHDK", "A/DCIM", "A/readme.txt" }, Names(items));
            Assert.All(items, i => Assert.Equal("A/", i.DirectoryName));
        }

        [Fact]
        public void Recurse_lists_every_level_with_its_depth()
        {
            var items = List("A/DCIM", new CameraListOptions { Recurse = true });
            Assert.Equal(new[]
            {
                "A/DCIM/100CANON", "A/DCIM/100CANON/IMG_0001.JPG", "A/DCIM/100CANON/IMG_0002.CR2", "A/DCIM/100CANON/IMG_0002.JPG",
                "A/DCIM/100CANON/MVI_0003.MOV", "A/DCIM/101CANON", "A/DCIM/101CANON/IMG_0100.JPG", "A/DCIM/101CANON/SUB",
                "A/DCIM/101CANON/SUB/DEEP.TXT", "A/DCIM/NOTES.TXT",
            }, Names(items));
            var d = items.ToDictionary(i => i.FullName, i => i.Depth);
            Assert.Equal(0, d["A/DCIM/100CANON"]);
            Assert.Equal(0, d["A/DCIM/NOTES.TXT"]);
            Assert.Equal(1, d["A/DCIM/100CANON/IMG_0001.JPG"]);
            Assert.Equal(1, d["A/DCIM/101CANON/SUB"]);
            Assert.Equal(2, d["A/DCIM/101CANON/SUB/DEEP.TXT"]);
            Assert.Equal(7, items.Single(i => i.Name == "DEEP.TXT").Length);
        }

        [Fact]
        public void Depth_limits_the_levels_and_implies_recursion()
        {
            Assert.Equal(3, List("A/DCIM", new CameraListOptions { Depth = 0 }).Count);
            var one = List("A/DCIM", new CameraListOptions { Depth = 1 });
            Assert.Equal(9, one.Count);
            Assert.DoesNotContain(one, i => i.Name == "DEEP.TXT");
            Assert.Contains(one, i => i.Name == "SUB");
            Assert.Equal(10, List("A/DCIM", new CameraListOptions { Depth = 2 }).Count);
            Assert.Equal(12, List("A/", new CameraListOptions { Recurse = true, Depth = 2 }).Count);
        }

        [Fact]
        public void Files_only_and_directories_only()
        {
            var files = List("A/DCIM", new CameraListOptions { Recurse = true, FilesOnly = true });
            Assert.Equal(7, files.Count);
            Assert.All(files, i => Assert.False(i.IsDirectory));
            Assert.Contains(files, i => i.Name == "DEEP.TXT"); // found below a folder that was not listed
            var dirs = List("A/", new CameraListOptions { Recurse = true, DirectoriesOnly = true });
            Assert.Equal(new[] { "A/CHDK", "A/DCIM", "A/DCIM/100CANON", "A/DCIM/101CANON", "A/DCIM/101CANON/SUB" }, Names(dirs));
            Assert.Throws<ArgumentException>(() => _cam.Files.List("A/", new CameraListOptions { FilesOnly = true, DirectoriesOnly = true }));
        }

        [Fact]
        public void Filter_matches_names_at_every_level_ignoring_case()
        {
            var jpgs = List("A/", new CameraListOptions { Recurse = true, Filter = "*.jpg" });
            Assert.Equal(new[] { "A/DCIM/100CANON/IMG_0001.JPG", "A/DCIM/100CANON/IMG_0002.JPG", "A/DCIM/101CANON/IMG_0100.JPG" }, Names(jpgs));
            var q = List("A/DCIM/100CANON", new CameraListOptions { Filter = "img_000?.*" });
            Assert.Equal(3, q.Count);
            var set = List("A/DCIM/100CANON", new CameraListOptions { Filter = "[im]*_000[13].*" });
            Assert.Equal(new[] { "A/DCIM/100CANON/IMG_0001.JPG", "A/DCIM/100CANON/MVI_0003.MOV" }, Names(set));
            var neg = List("A/DCIM/100CANON", new CameraListOptions { Filter = "*.[!j]*" });
            Assert.Equal(new[] { "A/DCIM/100CANON/IMG_0002.CR2", "A/DCIM/100CANON/MVI_0003.MOV" }, Names(neg));
            Assert.Empty(List("A/DCIM", new CameraListOptions { Filter = "*.xyz", Recurse = true }));
            // a lower-case name on the card, upper-case wildcards
            Assert.Equal(new[] { "A/readme.txt" }, Names(List("A/", new CameraListOptions { Filter = "README.T?T" })));
            Assert.Equal(new[] { "A/readme.txt" }, Names(List("A/", new CameraListOptions { Filter = "[R]eadme.*" })));
            Assert.Equal(new[] { "A/readme.txt" }, Names(List("A/READ*")));
        }

        [Fact]
        public void Wildcards_in_the_last_components_match_names()
        {
            Assert.Equal(new[] { "A/DCIM/100CANON/IMG_0001.JPG", "A/DCIM/100CANON/IMG_0002.JPG", "A/DCIM/101CANON/IMG_0100.JPG" },
                Names(List("A/DCIM/*/IMG_*.JPG")));
            var dirs = List("a\\dcim\\10?canon");
            Assert.Equal(new[] { "A/DCIM/100CANON", "A/DCIM/101CANON" }, Names(dirs).Select(n => n.ToUpperInvariant()));
            Assert.All(dirs, i => Assert.True(i.IsDirectory));
            Assert.All(dirs, i => Assert.Equal(0, i.Depth));
            var rec = List("A/DCIM/10[1]*", new CameraListOptions { Recurse = true });
            Assert.Equal(new[] { "A/DCIM/101CANON", "A/DCIM/101CANON/IMG_0100.JPG", "A/DCIM/101CANON/SUB", "A/DCIM/101CANON/SUB/DEEP.TXT" }, Names(rec));
            Assert.Equal(1, rec.Single(i => i.Name == "IMG_0100.JPG").Depth);
            Assert.Empty(List("A/DCIM/*/*.XYZ"));
            Assert.Single(List("A/DCIM/*/SUB/*")); // a literal component after a wildcard one
        }

        [Fact]
        public void A_path_naming_a_file_lists_that_file()
        {
            var items = List("A/DCIM/100CANON/IMG_0002.JPG");
            var i = Assert.Single(items);
            Assert.Equal("A/DCIM/100CANON/IMG_0002.JPG", i.FullName);
            Assert.Equal("IMG_0002.JPG", i.Name);
            Assert.Equal("A/DCIM/100CANON", i.DirectoryName);
            Assert.Equal(2000, i.Length);
            Assert.Equal(_cam.CameraSeconds(_cam.Host(i.FullName)), i.LastWriteSeconds);
            var root = Assert.Single(List("readme.txt"));
            Assert.Equal("A/readme.txt", root.FullName);
            Assert.Equal("A/", root.DirectoryName);
            Assert.Empty(List("A/readme.txt", new CameraListOptions { DirectoriesOnly = true }));
        }

        [Theory]
        [InlineData("A/NOPE")]
        [InlineData("A/DCIM/NOPE/IMG_0001.JPG")]
        [InlineData("A/NOPE/*.JPG")]
        public void Missing_paths_raise_file_not_found(string path)
        {
            var ex = Assert.Throws<ChdkFileNotFoundException>(() => List(path));
            Assert.Equal(2, ex.Errno);
            Assert.EndsWith("No such file or directory", ex.CameraMessage);
            Assert.StartsWith(CameraPath.Normalize(path).Split('*')[0].TrimEnd('/'), ex.Path);
            _cam.AssertSessionWorks();
        }

        [Fact]
        public void A_file_used_as_a_folder_is_a_file_system_error_not_not_found()
        {
            var ex = Assert.Throws<ChdkFileSystemException>(() => List("A/readme.txt/x"));
            Assert.IsNotType<ChdkFileNotFoundException>(ex);
            Assert.Equal(20, ex.Errno);
            var wild = Assert.Throws<ChdkFileSystemException>(() => List("A/readme.txt/*"));
            Assert.Equal(20, wild.Errno);
        }

        [Theory]
        [InlineData("A/../x")]
        [InlineData("A/DCIM/./100CANON")]
        [InlineData("A/DCIM/../*")]
        public void Dot_components_are_refused_before_anything_is_sent(string path)
        {
            int before = _cam.Counter.Count(ChdkCommand.ExecuteScript);
            Assert.Throws<ArgumentException>(() => _cam.Files.List(path));
            Assert.Equal(before, _cam.Counter.Count(ChdkCommand.ExecuteScript));
        }

        [Fact]
        public void A_device_name_is_refused_by_the_camera_as_an_error()
        {
            var ex = Assert.Throws<ChdkFileSystemException>(() => List("A/NUL"));
            Assert.Equal(22, ex.Errno);
            Assert.Equal("A/NUL", ex.Path);
            _cam.AssertSessionWorks();
        }

        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        [InlineData(50)]
        public void Items_are_batched_by_the_batch_size(int batch)
        {
            // 10 entries below A/DCIM; each folder change adds a {dir, depth} element to the batch too
            int reads = _cam.Counter.Count(ChdkCommand.ReadScriptMsg);
            var items = List("A/DCIM", new CameraListOptions { Recurse = true, FilesOnly = true, BatchSize = batch });
            Assert.Equal(7, items.Count);
            int user = _cam.Counter.Count(ChdkCommand.ReadScriptMsg) - reads - 2; // minus the two RET messages
            // 7 items + 4 folder markers (DCIM, 100CANON, 101CANON, SUB) = 11 elements
            Assert.Equal((11 + batch - 1) / batch, user);
        }

        [Fact]
        public void MaxItems_stops_the_listing()
        {
            var items = List("A/", new CameraListOptions { Recurse = true, MaxItems = 4 });
            Assert.Equal(4, items.Count);
            _cam.AssertSessionWorks();
        }

        [Fact]
        public void Bad_wildcards_and_options_are_argument_errors()
        {
            Assert.Throws<ArgumentException>(() => _cam.Files.List("A/DCIM/[abc"));
            Assert.Throws<ArgumentException>(() => _cam.Files.List("A/", new CameraListOptions { Filter = "[z-a]" }));
            Assert.Throws<ArgumentOutOfRangeException>(() => _cam.Files.List("A/", new CameraListOptions { Depth = -1 }));
            Assert.Throws<ArgumentOutOfRangeException>(() => _cam.Files.List("A/", new CameraListOptions { BatchSize = 0 }));
            Assert.Throws<ArgumentNullException>(() => _cam.Files.List(null));
        }

        [Fact]
        public void A_cancelled_token_stops_the_listing_and_the_session_stays_usable()
        {
            using (var cts = new CancellationTokenSource())
            {
                cts.Cancel();
                Assert.ThrowsAny<OperationCanceledException>(() => _cam.Files.List("A/", null, cts.Token).ToList());
            }
            _cam.AssertSessionWorks();
        }
    }
}
