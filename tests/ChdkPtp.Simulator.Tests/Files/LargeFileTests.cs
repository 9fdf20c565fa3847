using System;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using ChdkPtp.Protocol.Chdk;
using Xunit.Abstractions;

namespace ChdkPtp.Simulator.Tests.Files
{
    /// <summary>A file of several hundred MiB goes up and comes back byte-exact; every side streams (no buffer holds the file).</summary>
    public sealed class LargeFileTests : IDisposable
    {
        private const long Size = 300L * 1024 * 1024 + 12345; // not a multiple of any packet or transfer size
        private readonly FileTestCamera _cam = new FileTestCamera();
        private readonly ITestOutputHelper _out;

        public LargeFileTests(ITestOutputHelper output)
        {
            _out = output;
            _cam.MakeDir("A/DCIM/100CANON");
        }

        public void Dispose() => _cam.Dispose();

        [Fact]
        public void A_300_MiB_file_uploads_and_downloads_byte_exact()
        {
            const string path = "A/DCIM/100CANON/MVI_0300.MP4";
            var total = Stopwatch.StartNew();

            var source = new GeneratedStream(Size, seed: 300);
            var host = _cam.Host(path);
            long upReports = 0, upLast = 0, onCardAtHalf = -1;
            var clock = Stopwatch.StartNew();
            _cam.Files.Upload(source, Size, path, new SyncProgress(done =>
            {
                Assert.True(done > upLast, "upload progress only grows");
                upLast = done;
                upReports++;
                if (onCardAtHalf < 0 && done >= Size / 2) onCardAtHalf = File.Exists(host) ? new FileInfo(host).Length : 0;
            }));
            var upload = clock.Elapsed;
            Assert.Equal(Size, source.Position);
            Assert.Equal(Size, upLast);
            var expected = source.Hash();
            // The camera writes the file as the data arrives (as CHDK does), not after the whole data phase.
            Assert.InRange(onCardAtHalf, Size / 4, Size);

            // The card file itself, read from the host side.
            Assert.Equal(Size, new FileInfo(host).Length);
            using (var f = File.OpenRead(host))
            using (var sha = SHA256.Create())
                Assert.Equal(expected, sha.ComputeHash(f));

            var item = _cam.Files.Stat(path);
            Assert.Equal(Size, item.Length);
            long downReports = 0, downLast = 0;
            clock.Restart();
            using (var sink = new HashingStream())
            {
                Assert.Equal(Size, _cam.Files.Download(item, sink, new SyncProgress(done =>
                {
                    Assert.True(done > downLast, "download progress only grows");
                    downLast = done;
                    downReports++;
                })));
                var download = clock.Elapsed;
                Assert.Equal(Size, sink.Length);
                Assert.Equal(expected, sink.Hash());
                Assert.Equal(Size, downLast);
                Assert.True(upReports >= 300 && downReports >= 300, $"progress per chunk ({upReports} up, {downReports} down)");
                _out.WriteLine($"{Size} bytes: upload {upload.TotalSeconds:F2} s, download {download.TotalSeconds:F2} s, total with hashing {total.Elapsed.TotalSeconds:F2} s");
            }
            Assert.False(_cam.Client.Session.IsFaulted);
            _cam.AssertSessionWorks();
        }

        /// <summary>Reads as <paramref name="length"/> pseudo-random bytes, made as they are read, and hashes them.</summary>
        private sealed class GeneratedStream : Stream
        {
            private readonly Random _random;
            private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            private readonly long _length;
            private long _position;

            public GeneratedStream(long length, int seed)
            {
                _length = length;
                _random = new Random(seed);
            }

            public byte[] Hash() => _hash.GetHashAndReset();

            public override int Read(byte[] buffer, int offset, int count)
            {
                int n = (int)Math.Min(count, _length - _position);
                if (n <= 0) return 0;
                var span = buffer.AsSpan(offset, n);
                _random.NextBytes(span);
                _hash.AppendData(span);
                _position += n;
                return n;
            }

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => _length;
            public override long Position { get => _position; set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            protected override void Dispose(bool disposing) { if (disposing) _hash.Dispose(); base.Dispose(disposing); }
        }


        [Fact]
        public void Files_of_2_GiB_and_more_are_listed_with_their_size_as_CHDK_reports_it()
        {
            // CHDK's Lua has 32-bit numbers: os.stat gives such sizes as negative ints, read back as unsigned.
            const long big = 3L * 1024 * 1024 * 1024;
            using (var f = new FileStream(_cam.Host("A/DCIM/100CANON/MVI_0001.MP4"), FileMode.Create)) f.SetLength(big); // sparse
            Assert.Equal(big, _cam.Files.Stat("A/DCIM/100CANON/MVI_0001.MP4").Length);
            var listed = Assert.Single(_cam.Files.List("A/DCIM/100CANON/MVI_*.MP4"));
            Assert.Equal(big, listed.Length);
            var raw = ChdkPtp.Protocol.Chdk.Scripting.ScriptRunner.Run(_cam.Client, "return os.stat('A/DCIM/100CANON/MVI_0001.MP4').size", null,
                new ChdkPtp.Protocol.Chdk.Scripting.ScriptRunOptions { Timeout = TimeSpan.FromSeconds(10) }, System.Threading.CancellationToken.None);
            Assert.Equal(-1073741824, Assert.Single(raw.Returns));
        }
    }
}
