using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Files;
using ChdkPtp.Protocol.Ptp;
using Xunit.Abstractions;

namespace ChdkPtp.Simulator.Tests.Files
{
    public sealed class TransferTests : IDisposable
    {
        private readonly FileTestCamera _cam = new FileTestCamera();
        private readonly ITestOutputHelper _out;

        public TransferTests(ITestOutputHelper output)
        {
            _out = output;
            _cam.MakeDir("A/T");
        }

        public void Dispose() => _cam.Dispose();

        public static IEnumerable<object[]> Sizes()
        {
            foreach (var s in new[] { 0, 1, 511, 512, 513, 4096, 256 * 1024, 500 * 1024 }) yield return new object[] { s };
            foreach (var n in new[] { 0, 1, 7, 100 }) yield return new object[] { 0x23F4 + n * 512 };
            for (int s = 512 * 40 - 11; s <= 512 * 40; s++) yield return new object[] { s };
        }

        [Theory]
        [MemberData(nameof(Sizes))]
        public void Upload_then_download_round_trips_byte_exact(int size)
        {
            var data = FileTestCamera.Bytes(size, size);
            var up = new List<long>();
            _cam.Files.Upload(new MemoryStream(data), size, "A/T/F.BIN", new SyncProgress(up.Add));
            Assert.Equal(data, File.ReadAllBytes(_cam.Host("A/T/F.BIN")));
            if (size > 0) Assert.Equal(size, up.Last());
            Assert.Equal(up.OrderBy(x => x), up);

            var down = new List<long>();
            var ms = new MemoryStream();
            Assert.Equal(size, _cam.Files.Download("A/T/F.BIN", ms, new SyncProgress(down.Add)));
            Assert.Equal(data, ms.ToArray());
            if (size > 0) Assert.Equal(size, down.Last()); else Assert.Empty(down);

            var item = Assert.Single(_cam.Files.List("A/T/F.BIN"));
            int transfers = _cam.Counter.Count(ChdkCommand.DownloadFile);
            var ms2 = new MemoryStream();
            Assert.Equal(size, _cam.Files.Download(item, ms2));
            Assert.Equal(data, ms2.ToArray());
            // a listed empty file is not even attempted (CHDK cannot send it)
            Assert.Equal(size == 0 ? transfers : transfers + 1, _cam.Counter.Count(ChdkCommand.DownloadFile));
        }

        [Fact]
        public void A_64_MiB_download_streams_in_bounded_memory()
        {
            const int size = 64 * 1024 * 1024;
            var host = _cam.Host("A/T/BIG.MP4");
            byte[] expected;
            using (var f = File.Create(host))
            using (var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var chunk = new byte[1 << 20];
                var rnd = new Random(64);
                for (int i = 0; i < size / chunk.Length; i++)
                {
                    rnd.NextBytes(chunk);
                    f.Write(chunk, 0, chunk.Length);
                    h.AppendData(chunk);
                }
                expected = h.GetHashAndReset();
            }
            var item = _cam.Files.Stat("A/T/BIG.MP4");
            using (var sink = new HashingStream())
            {
                long reports = 0;
                var progress = new SyncProgress(_ => reports++);
                // warm up code paths (JIT, pools) on a small file, then measure
                File.WriteAllBytes(_cam.Host("A/T/WARM.BIN"), new byte[3 * 1024 * 1024]);
                _cam.Files.Download(_cam.Files.Stat("A/T/WARM.BIN"), new HashingStream(), progress);
                long before = GC.GetAllocatedBytesForCurrentThread();
                long n = _cam.Files.Download(item, sink, progress);
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                _out.WriteLine($"64 MiB download: {allocated} bytes allocated on the calling thread, {reports} progress reports");
                Assert.Equal(size, n);
                Assert.Equal(expected, sink.Hash());
                Assert.True(reports >= 64 + 3, "progress is reported per chunk");
                // The client holds no whole-file buffer: allow 4 MiB (1/16 of the file) for per-chunk overhead.
                Assert.InRange(allocated, 0, 4 * 1024 * 1024);
            }
        }

        [Fact]
        public void A_slow_destination_holds_the_camera_back_instead_of_queueing_the_file_in_memory()
        {
            // The camera reads its card far faster than this destination writes: without back-pressure in the
            // simulated USB pipe the whole file would wait in memory. A pipe holds at most its capacity.
            const int size = 24 * 1024 * 1024;
            var data = FileTestCamera.Bytes(size, 24);
            File.WriteAllBytes(_cam.Host("A/T/SLOW.MP4"), data);
            var pipe = _cam.Sim.Link.DeviceToHost;
            long most = 0;
            var sink = new MemoryStream();
            var slow = new CallbackStream((b, o, n) =>
            {
                most = Math.Max(most, pipe.QueuedBytes);
                Thread.Sleep(15);
                sink.Write(b, o, n);
            });
            Assert.Equal(size, _cam.Files.Download("A/T/SLOW.MP4", slow));
            Assert.Equal(data, sink.ToArray());
            _out.WriteLine($"most bytes waiting in the pipe: {most}");
            Assert.InRange(most, 1, Protocol.Transport.Loopback.PacketPipe.DefaultCapacity);
            Assert.Equal(0, pipe.QueuedBytes);
            _cam.AssertSessionWorks();
        }

        [Fact]
        public void Cancelling_from_the_progress_callback_stops_the_download_and_the_session_stays_usable()
        {
            const int size = 8 * 1024 * 1024;
            var data = FileTestCamera.Bytes(size, 8);
            File.WriteAllBytes(_cam.Host("A/T/CANCEL.BIN"), data);
            using (var cts = new CancellationTokenSource())
            {
                var ms = new MemoryStream();
                var progress = new SyncProgress(done => { if (done > 0) cts.Cancel(); });
                Assert.ThrowsAny<OperationCanceledException>(() => _cam.Files.Download("A/T/CANCEL.BIN", ms, progress, cts.Token));
                Assert.InRange(ms.Length, 1, size - 1);
                Assert.Equal(data.Take((int)ms.Length), ms.ToArray());
            }
            Assert.False(_cam.Client.Session.IsFaulted);
            _cam.AssertSessionWorks();
            var again = new MemoryStream();
            Assert.Equal(size, _cam.Files.Download("A/T/CANCEL.BIN", again));
            Assert.Equal(data, again.ToArray());
        }

        [Fact]
        public void A_cancelled_download_that_would_discard_too_long_is_abandoned_and_faults_the_session()
        {
            const int size = 8 * 1024 * 1024;
            File.WriteAllBytes(_cam.Host("A/T/LONG.BIN"), FileTestCamera.Bytes(size, 9));
            _cam.Files.CancelDiscardLimit = TimeSpan.Zero;
            using (var cts = new CancellationTokenSource())
            {
                var ms = new MemoryStream();
                var progress = new SyncProgress(done => { if (done > 0) cts.Cancel(); });
                var ex = Assert.ThrowsAny<OperationCanceledException>(() => _cam.Files.Download("A/T/LONG.BIN", ms, progress, cts.Token));
                Assert.Contains("reconnected", ex.Message);
                Assert.InRange(ms.Length, 1, size - 1);
            }
            Assert.True(_cam.Client.Session.IsFaulted);
        }

        [Fact]
        public void A_cancelled_upload_that_would_send_zeros_too_long_is_abandoned_and_faults_the_session()
        {
            const int size = 8 * 1024 * 1024;
            _cam.Files.CancelDiscardLimit = TimeSpan.Zero;
            using (var cts = new CancellationTokenSource())
            {
                var progress = new SyncProgress(done => { if (done > 0) cts.Cancel(); });
                Assert.ThrowsAny<OperationCanceledException>(() =>
                    _cam.Files.Upload(new MemoryStream(FileTestCamera.Bytes(size, 4)), size, "A/T/LONGUP.BIN", progress, cts.Token));
            }
            Assert.True(_cam.Client.Session.IsFaulted);
        }

        [Fact]
        public void A_token_cancelled_before_the_start_sends_nothing()
        {
            File.WriteAllBytes(_cam.Host("A/T/X.BIN"), new byte[100]);
            int before = _cam.Counter.Count(ChdkCommand.DownloadFile) + _cam.Counter.Count(ChdkCommand.UploadFile);
            using (var cts = new CancellationTokenSource())
            {
                cts.Cancel();
                Assert.ThrowsAny<OperationCanceledException>(() => _cam.Files.Download("A/T/X.BIN", new MemoryStream(), null, cts.Token));
                Assert.ThrowsAny<OperationCanceledException>(() => _cam.Files.Upload(new MemoryStream(new byte[5]), 5, "A/T/Y.BIN", null, cts.Token));
            }
            Assert.Equal(before, _cam.Counter.Count(ChdkCommand.DownloadFile) + _cam.Counter.Count(ChdkCommand.UploadFile));
            Assert.False(File.Exists(_cam.Host("A/T/Y.BIN")));
        }

        [Fact]
        public void Cancelling_an_upload_removes_the_incomplete_camera_file()
        {
            const int size = 4 * 1024 * 1024;
            using (var cts = new CancellationTokenSource())
            {
                var progress = new SyncProgress(done => { if (done > 0) cts.Cancel(); });
                Assert.ThrowsAny<OperationCanceledException>(() =>
                    _cam.Files.Upload(new MemoryStream(FileTestCamera.Bytes(size, 3)), size, "A/T/UP.BIN", progress, cts.Token));
            }
            Assert.False(File.Exists(_cam.Host("A/T/UP.BIN")));
            _cam.AssertSessionWorks();
        }

        [Fact]
        public void The_camera_parses_UploadFile_headers_that_span_chunks_and_refuses_malformed_ones()
        {
            PtpResponseCode Raw(byte[] data) => _cam.Client.Session.ExecuteRaw(PtpOperation.Chdk,
                new[] { (uint)ChdkCommand.UploadFile }, new BytesDataSource(data), null, out _).Code;
            byte[] Phase(uint nameLength, byte[] name, byte[] contents) =>
                BitConverter.GetBytes(nameLength).Concat(name).Concat(contents).ToArray();

            // name_len 600 with the name NUL-terminated inside: the name runs past the first 512-byte packet.
            var name = new byte[600];
            System.Text.Encoding.ASCII.GetBytes("A/T/LONG.BIN").CopyTo(name, 0);
            var contents = FileTestCamera.Bytes(70000, 6);
            Assert.Equal(PtpResponseCode.OK, Raw(Phase(600, name, contents)));
            Assert.Equal(contents, File.ReadAllBytes(_cam.Host("A/T/LONG.BIN")));

            var ok = System.Text.Encoding.ASCII.GetBytes("A/T/BAD.BIN");
            Assert.Equal(PtpResponseCode.GeneralError, Raw(new byte[] { 1, 0, 0 }));                       // no room for name_len
            Assert.Equal(PtpResponseCode.GeneralError, Raw(Phase(0, Array.Empty<byte>(), new byte[10])));   // empty name
            Assert.Equal(PtpResponseCode.GeneralError, Raw(Phase(2041, new byte[2041], new byte[10])));     // longer than CHDK reads
            Assert.Equal(PtpResponseCode.GeneralError, Raw(Phase((uint)ok.Length + 5, ok, Array.Empty<byte>()))); // ends inside the name
            Assert.False(File.Exists(_cam.Host("A/T/BAD.BIN")));
            // an empty file is an OK upload
            Assert.Equal(PtpResponseCode.OK, Raw(Phase((uint)ok.Length, ok, Array.Empty<byte>())));
            Assert.Equal(0, new FileInfo(_cam.Host("A/T/BAD.BIN")).Length);
            _cam.AssertSessionWorks();
        }

        [Fact]
        public void A_progress_callback_that_throws_during_an_upload_is_rethrown_and_leaves_no_camera_file()
        {
            const int size = 3 * 1024 * 1024;
            int calls = 0;
            var ex = Assert.Throws<InvalidOperationException>(() => _cam.Files.Upload(new MemoryStream(FileTestCamera.Bytes(size, 9)), size, "A/T/PROG.BIN",
                new SyncProgress(_ => { calls++; throw new InvalidOperationException("progress failed"); })));
            Assert.Equal("progress failed", ex.Message);
            Assert.Equal(1, calls); // the rest went as zeros, without reading the source or reporting
            Assert.False(File.Exists(_cam.Host("A/T/PROG.BIN")));
            Assert.False(_cam.Client.Session.IsFaulted);
            _cam.AssertSessionWorks();
        }

        [Fact]
        public void A_source_shorter_than_announced_fails_and_leaves_no_camera_file()
        {
            var ex = Assert.Throws<IOException>(() => _cam.Files.Upload(new MemoryStream(new byte[500]), 1000, "A/T/SHORT.BIN"));
            Assert.Contains("500", ex.Message);
            Assert.False(File.Exists(_cam.Host("A/T/SHORT.BIN")));
            _cam.AssertSessionWorks();
        }

        [Fact]
        public void A_failing_destination_is_reported_after_the_transfer_and_the_session_stays_usable()
        {
            File.WriteAllBytes(_cam.Host("A/T/D.BIN"), FileTestCamera.Bytes(3 * 1024 * 1024, 5));
            var ex = Assert.Throws<IOException>(() => _cam.Files.Download("A/T/D.BIN", new FailingStream(100 * 1024)));
            Assert.Equal("disk full", ex.Message);
            Assert.False(_cam.Client.Session.IsFaulted);
            _cam.AssertSessionWorks();
        }

        [Fact]
        public void Downloads_of_missing_files_and_folders_are_errors_and_write_nothing()
        {
            var ms = new MemoryStream();
            var nf = Assert.Throws<ChdkFileNotFoundException>(() => _cam.Files.Download("A/T/NOPE.JPG", ms));
            Assert.Equal("A/T/NOPE.JPG", nf.Path);
            var dir = Assert.Throws<ChdkFileSystemException>(() => _cam.Files.Download("A/T", ms));
            Assert.Contains("folder", dir.Message);
            Assert.Equal(0, ms.Length); // CHDK's 1-byte dummy data phase never reaches the destination
            Assert.Throws<ArgumentException>(() => _cam.Files.Download(new CameraItem("A/", "T", 0, 0, FatAttributes.Directory, true), ms));
            _cam.AssertSessionWorks();
        }

        [Fact]
        public void A_listed_file_that_changed_or_vanished_is_an_error()
        {
            File.WriteAllBytes(_cam.Host("A/T/C.BIN"), new byte[100]);
            var item = _cam.Files.Stat("A/T/C.BIN");
            File.WriteAllBytes(_cam.Host("A/T/C.BIN"), new byte[150]);
            var ex = Assert.Throws<ChdkFileSystemException>(() => _cam.Files.Download(item, new MemoryStream()));
            Assert.Contains("changed", ex.Message);
            File.Delete(_cam.Host("A/T/C.BIN"));
            Assert.Throws<ChdkFileSystemException>(() => _cam.Files.Download(item, new MemoryStream()));
            _cam.AssertSessionWorks();
        }

        [Fact]
        public void Upload_into_a_missing_folder_is_a_file_system_error()
        {
            var ex = Assert.Throws<ChdkFileSystemException>(() => _cam.Files.Upload(new MemoryStream(new byte[10]), 10, "A/NOPE/X.BIN"));
            Assert.Equal("A/NOPE/X.BIN", ex.Path);
            Assert.Throws<ArgumentOutOfRangeException>(() => _cam.Files.Upload(new MemoryStream(), -1, "A/T/X.BIN"));
            _cam.AssertSessionWorks();
        }



        private sealed class FailingStream : Stream
        {
            private long _left;
            public FailingStream(long capacity) { _left = capacity; }
            public override void Write(byte[] buffer, int offset, int count)
            {
                if (count > _left) throw new IOException("disk full");
                _left -= count;
            }
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }
}
