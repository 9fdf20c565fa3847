using System;
using System.IO;
using System.Linq;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Files;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Simulator.Tests.Files
{
    public sealed class FileOperationTests : IDisposable
    {
        private readonly FileTestCamera _cam = new FileTestCamera();
        private static readonly DateTime T1 = new DateTime(2022, 7, 1, 12, 0, 30, DateTimeKind.Utc);

        public FileOperationTests()
        {
            _cam.MakeFile("A/DCIM/100CANON/IMG_0007.JPG", 1234, T1);
            _cam.MakeFile("A/readme.txt", 3, T1);
        }

        public void Dispose() => _cam.Dispose();

        [Fact]
        public void Stat_describes_files_folders_and_the_root_and_returns_null_when_missing()
        {
            var f = _cam.Files.Stat("A/DCIM/100CANON/IMG_0007.JPG");
            Assert.Equal("IMG_0007.JPG", f.Name);
            Assert.Equal("A/DCIM/100CANON", f.DirectoryName);
            Assert.Equal(1234, f.Length);
            Assert.Equal(_cam.CameraSeconds(_cam.Host(f.FullName)), f.LastWriteSeconds);
            Assert.Equal(7, f.ImageNumber);
            Assert.False(f.IsDirectory);
            var d = _cam.Files.Stat("DCIM\\100CANON\\");
            Assert.True(d.IsDirectory);
            Assert.Equal("A/DCIM/100CANON", d.FullName);
            Assert.Equal(FatAttributes.Directory, d.Attributes);
            Assert.True(_cam.Files.Stat("A/").IsDirectory);
            Assert.Null(_cam.Files.Stat("A/DCIM/NOPE.JPG"));
            Assert.Null(_cam.Files.Stat("A/NOPE/NOPE.JPG"));
        }

        [Fact]
        public void Stat_of_a_path_the_camera_refuses_is_an_error_with_its_errno()
        {
            var ex = Assert.Throws<ChdkFileSystemException>(() => _cam.Files.Stat("A/NUL"));
            Assert.Equal(22, ex.Errno);
            Assert.Equal("A/NUL: Invalid argument", ex.CameraMessage);
            Assert.Equal(20, Assert.Throws<ChdkFileSystemException>(() => _cam.Files.Stat("A/readme.txt/x")).Errno);
            Assert.Throws<ArgumentException>(() => _cam.Files.Stat("A/../x"));
        }

        [Fact]
        public void MakeDirectory_creates_every_level_and_accepts_an_existing_folder()
        {
            _cam.Files.MakeDirectory("A/NEW/SUB/DEEP");
            Assert.True(Directory.Exists(_cam.Host("A/NEW/SUB/DEEP")));
            _cam.Files.MakeDirectory("a/new/sub"); // exists already, other case
            _cam.Files.MakeDirectory("A/DCIM/101CANON");
            Assert.True(Directory.Exists(_cam.Host("A/DCIM/101CANON")));
            _cam.Files.MakeDirectory("A/");
        }

        [Fact]
        public void MakeDirectory_fails_when_a_file_is_in_the_way()
        {
            var ex = Assert.Throws<ChdkFileSystemException>(() => _cam.Files.MakeDirectory("A/readme.txt/SUB"));
            Assert.Equal(20, ex.Errno);
            Assert.Contains("not directory", ex.CameraMessage);
            Assert.Equal(20, Assert.Throws<ChdkFileSystemException>(() => _cam.Files.MakeDirectory("A/readme.txt")).Errno);
            Assert.True(File.Exists(_cam.Host("A/readme.txt")));
            Assert.Equal(22, Assert.Throws<ChdkFileSystemException>(() => _cam.Files.MakeDirectory("A/NEW/CON")).Errno);
        }

        [Fact]
        public void Remove_deletes_files_and_empty_folders_only()
        {
            _cam.Files.Remove("A/readme.txt");
            Assert.False(File.Exists(_cam.Host("A/readme.txt")));
            var ex = Assert.Throws<ChdkFileSystemException>(() => _cam.Files.Remove("A/DCIM/100CANON"));
            Assert.Equal(39, ex.Errno);
            Assert.True(File.Exists(_cam.Host("A/DCIM/100CANON/IMG_0007.JPG")));
            _cam.Files.Remove("A/DCIM/100CANON/IMG_0007.JPG");
            _cam.Files.Remove("A/DCIM/100CANON");
            Assert.False(Directory.Exists(_cam.Host("A/DCIM/100CANON")));
            var missing = Assert.Throws<ChdkFileNotFoundException>(() => _cam.Files.Remove("A/readme.txt"));
            Assert.Equal("A/readme.txt", missing.Path);
            Assert.Throws<ArgumentException>(() => _cam.Files.Remove("A/"));
        }

        [Fact]
        public void Remove_refuses_a_read_only_file()
        {
            var host = _cam.Host("A/readme.txt");
            File.SetAttributes(host, FileAttributes.ReadOnly);
            try
            {
                Assert.Equal(13, Assert.Throws<ChdkFileSystemException>(() => _cam.Files.Remove("A/readme.txt")).Errno);
                Assert.True(File.Exists(host));
            }
            finally { File.SetAttributes(host, FileAttributes.Normal); }
        }

        [Fact]
        public void Rename_moves_entries_and_refuses_an_existing_target()
        {
            _cam.Files.Rename("A/readme.txt", "A/DCIM/README.TXT");
            Assert.False(File.Exists(_cam.Host("A/readme.txt")));
            Assert.Equal(3, new FileInfo(_cam.Host("A/DCIM/README.TXT")).Length);
            var ex = Assert.Throws<ChdkFileSystemException>(() => _cam.Files.Rename("A/DCIM/README.TXT", "A/DCIM/100CANON/IMG_0007.JPG"));
            Assert.Equal(17, ex.Errno);
            Assert.Equal(1234, new FileInfo(_cam.Host("A/DCIM/100CANON/IMG_0007.JPG")).Length);
            Assert.Throws<ChdkFileNotFoundException>(() => _cam.Files.Rename("A/NOPE", "A/NOPE2"));
            _cam.Files.Rename("A/DCIM/100CANON", "A/DCIM/101CANON");
            Assert.True(File.Exists(_cam.Host("A/DCIM/101CANON/IMG_0007.JPG")));
            Assert.Throws<ArgumentException>(() => _cam.Files.Rename("A/DCIM", "A/../DCIM"));
        }

        [Fact]
        public void SetLastWriteTime_sets_the_camera_time_of_the_host_file()
        {
            long seconds = CameraItem.ToCameraSeconds(new DateTime(2019, 12, 24, 18, 30, 15));
            _cam.Files.SetLastWriteTime("A/readme.txt", seconds);
            var host = _cam.Host("A/readme.txt");
            Assert.Equal(_cam.Sim.Camera.Card.FromCameraTime(seconds), File.GetLastWriteTimeUtc(host));
            var st = _cam.Files.Stat("A/readme.txt");
            Assert.Equal(seconds, st.LastWriteSeconds);
            Assert.Equal(new DateTime(2019, 12, 24, 18, 30, 15), st.LastWriteTime);
            Assert.Throws<ChdkFileNotFoundException>(() => _cam.Files.SetLastWriteTime("A/NOPE", seconds));
            Assert.Throws<ArgumentOutOfRangeException>(() => _cam.Files.SetLastWriteTime("A/readme.txt", -1));
        }

        [Theory]
        [InlineData("A/../x")]
        [InlineData("A/NUL")]
        [InlineData("A/DCIM/../../x")]
        [InlineData("A/CON.TXT")]
        [InlineData("A/x:y")]
        public void Hostile_paths_sent_raw_are_refused_by_the_camera_and_the_session_survives(string path)
        {
            var up = Assert.Throws<PtpResponseException>(() => _cam.Client.UploadFile(path, new BytesDataSource(new byte[] { 1, 2, 3 })));
            Assert.Equal(PtpResponseCode.GeneralError, up.ResponseCode);
            var down = Assert.Throws<PtpResponseException>(() => _cam.Client.DownloadFile(path, new MemoryDataSink()));
            Assert.Equal(PtpResponseCode.GeneralError, down.ResponseCode);
            Assert.Equal(new[] { "DCIM", "readme.txt" }, Directory.GetFileSystemEntries(_cam.Root).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_cam.Root), "x"));
            _cam.AssertSessionWorks();
        }

        [Theory]
        [InlineData("A/NUL")]
        [InlineData("A/CON.TXT")]
        [InlineData("A/x:y")]
        public void Hostile_paths_through_the_file_system_api_are_errors_not_crashes(string path)
        {
            Assert.Throws<ChdkFileSystemException>(() => _cam.Files.Upload(new MemoryStream(new byte[10]), 10, path));
            Assert.Equal(22, Assert.Throws<ChdkFileSystemException>(() => _cam.Files.Download(path, new MemoryStream())).Errno);
            Assert.Equal(22, Assert.Throws<ChdkFileSystemException>(() => _cam.Files.Remove(path)).Errno);
            Assert.Equal(22, Assert.Throws<ChdkFileSystemException>(() => _cam.Files.MakeDirectory(path)).Errno);
            _cam.AssertSessionWorks();
        }

        [Fact]
        public void Dot_dot_is_refused_on_the_host_before_anything_is_sent()
        {
            int sent = _cam.Counter.Count(ChdkCommand.UploadFile) + _cam.Counter.Count(ChdkCommand.TempData) + _cam.Counter.Count(ChdkCommand.ExecuteScript);
            Assert.Throws<ArgumentException>(() => _cam.Files.Upload(new MemoryStream(new byte[1]), 1, "A/../x"));
            Assert.Throws<ArgumentException>(() => _cam.Files.Download("A/DCIM/../../x", new MemoryStream()));
            Assert.Throws<ArgumentException>(() => _cam.Files.MakeDirectory("A/./x"));
            Assert.Throws<ArgumentException>(() => _cam.Files.SetLastWriteTime("A/x/..", 0));
            Assert.Throws<ArgumentException>(() => _cam.Files.Download(new CameraItem("A/DCIM", "..", 5, 0, FatAttributes.Archive, false), new MemoryStream()));
            Assert.Equal(sent, _cam.Counter.Count(ChdkCommand.UploadFile) + _cam.Counter.Count(ChdkCommand.TempData) + _cam.Counter.Count(ChdkCommand.ExecuteScript));
        }
    }
}
