using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Capture;
using ChdkPtp.Protocol.Ptp;
using static ChdkPtp.Protocol.Tests.Capture.FakeCaptureCamera;

namespace ChdkPtp.Protocol.Tests.Capture
{
    /// <summary>The host side of remote capture against a fake camera that plays a plan of shots.</summary>
    public sealed class RemoteCaptureSessionTests : IDisposable
    {
        private readonly FakeCaptureCamera _cam = new FakeCaptureCamera();
        private readonly ChdkClient _client;
        private readonly RemoteCaptureSession _session;
        private readonly List<string> _warnings = new List<string>();

        public RemoteCaptureSessionTests()
        {
            _client = ChdkClient.Connect(_cam);
            _session = new RemoteCaptureSession(_client) { Warning = _warnings.Add };
        }

        public void Dispose() => _client.Dispose();

        private static RemoteCaptureOptions Fast(RemoteCaptureOptions o)
        {
            o.ShotTimeout = o.ShotTimeout ?? TimeSpan.FromSeconds(5);
            o.StopWait = TimeSpan.FromMilliseconds(100);
            return o;
        }

        private (List<CapturedFile> Files, MemoryCaptureDestination Dest) Shoot(RemoteCaptureOptions o, CancellationToken cancel = default)
        {
            var dest = new MemoryCaptureDestination();
            return (_session.Shoot(Fast(o), dest, cancel).ToList(), dest);
        }

        private static string Text(byte[] b) => Encoding.ASCII.GetString(b);

        [Fact]
        public void Jpeg_chunks_are_written_at_their_offsets_and_an_empty_chunk_is_skipped_with_a_warning()
        {
            // a multipass camera: body appended, an empty chunk, then the header rewritten at 0
            _cam.Shots.Add(Jpeg(17, Chunk("xxxxBODY"), Chunk(""), Chunk("MORE"), Chunk("HEAD", 0)));
            var (files, dest) = Shoot(new RemoteCaptureOptions());
            var f = Assert.Single(files);
            Assert.Equal((CaptureFileFormat.Jpeg, 17, 1, 1, 12L), (f.Format, f.ImageNumber, f.Sequence, f.Shot, f.Length));
            Assert.Equal("HEADBODYMORE", Text(dest.Files.Single().Data));
            Assert.Equal("IMG_0017.jpg", f.Path);
            Assert.Single(_warnings, w => w.Contains("empty chunk") && w.Contains("image 17"));
            Assert.Equal(new[] { "init", "shoot", "get Jpeg", "get Jpeg", "get Jpeg", "get Jpeg", "cleanup" }, _cam.Log);
        }

        [Fact]
        public void Types_are_received_in_the_cameras_order_and_a_dng_is_assembled_from_header_and_raw()
        {
            var dng = new SyntheticDng();
            var header = dng.Build();
            var strip = new byte[dng.StripLength];
            new Random(3).NextBytes(strip);
            _cam.Shots.Add(new FakeShot
            {
                ImageNumber = 5,
                Types =
                {
                    new FakeType { Type = CaptureTypes.DngHeader, Chunks = { Chunk(header) } },
                    new FakeType { Type = CaptureTypes.Raw, Chunks = { Chunk(SyntheticDng.CameraOrder(strip)) } },
                    new FakeType { Type = CaptureTypes.Jpeg, Chunks = { Chunk("JPEG") } },
                },
            });
            var (files, dest) = Shoot(new RemoteCaptureOptions { Formats = RemoteCaptureFormats.Jpeg | RemoteCaptureFormats.Dng, StartSequence = 9 });
            Assert.Equal(new[] { CaptureFileFormat.Dng, CaptureFileFormat.Jpeg }, files.Select(f => f.Format));
            Assert.All(files, f => Assert.Equal(9, f.Sequence));
            var file = dest.Files[0].Data;
            Assert.Equal(header, file.Take(header.Length));
            Assert.Equal(strip, file.Skip(dng.RawOffset));
            Assert.Equal(dng.RawOffset + dng.StripLength, file.Length);
            Assert.Equal("JPEG", Text(dest.Files[1].Data));
            Assert.Same(files[0].Info, dest.Files[0].Info);
        }

        [Fact]
        public void Several_shots_yield_their_files_in_order_with_sequence_numbers()
        {
            for (int i = 0; i < 3; i++) _cam.Shots.Add(Jpeg(100 + i, Chunk("shot" + i)));
            var (files, dest) = Shoot(new RemoteCaptureOptions { Count = 3, StartSequence = 41 });
            Assert.Equal(new[] { 100, 101, 102 }, files.Select(f => f.ImageNumber));
            Assert.Equal(new[] { 41, 42, 43 }, files.Select(f => f.Sequence));
            Assert.Equal(new[] { 1, 2, 3 }, files.Select(f => f.Shot));
            Assert.Equal(new[] { "shot0", "shot1", "shot2" }, dest.Files.Select(f => Text(f.Data)));
            Assert.Equal("cleanup", _cam.Log.Last());
            Assert.DoesNotContain("msg stop", _cam.Log);
        }

        [Fact]
        public void The_last_shots_data_is_received_even_when_the_script_has_already_ended()
        {
            _cam.Shots.Add(Jpeg(1, Chunk("a")));
            _cam.Shots.Add(Jpeg(2, Chunk("b"), Chunk("c")));
            _cam.EndAfterShots = 2;   // shoot() returned before the JPEG was handed over
            var (files, dest) = Shoot(new RemoteCaptureOptions { Count = 2 });
            Assert.Equal(2, files.Count);
            Assert.Equal("bc", Text(dest.Files[1].Data));
            Assert.Empty(_warnings);
        }

        [Fact]
        public void A_script_that_took_fewer_shots_ends_the_run_with_a_warning()
        {
            _cam.Shots.Add(Jpeg(1, Chunk("a")));
            _cam.ShotsReturned = 1;
            var (files, _) = Shoot(new RemoteCaptureOptions { Count = 3 });
            Assert.Single(files);
            Assert.Contains(_warnings, w => w.Contains("took 1 of the 3 shots"));
        }

        [Fact]
        public void Capture_cancelled_by_the_camera_is_reported_as_such_and_cleaned_up()
        {
            _cam.Shots.Add(Jpeg(1, Chunk("a")));
            _cam.InitReturns = new object[] { true, 3 };
            _cam.PollsBeforeShot = int.MaxValue;
            _cam.CancelAfterPolls = 3;   // then IsReady answers NOTSET
            var ex = Assert.Throws<ChdkCaptureException>(() => Shoot(new RemoteCaptureOptions()));
            Assert.Equal(CaptureFailure.CancelledByCamera, ex.Reason);
            Assert.Equal("Remote capture was cancelled by the camera (timeout?) while waiting for shot 1 of 1.", ex.Message);
            Assert.Equal(new[] { "init", "shoot", "msg stop", "cleanup" }, _cam.Log);
        }

        [Fact]
        public void A_general_error_during_a_transfer_is_the_cameras_cancellation_and_leaves_no_file()
        {
            _cam.Shots.Add(Jpeg(7, Chunk("a"), Chunk("b"), Chunk("c")));
            _cam.GeneralErrorAtGetData = 2;
            var dest = new MemoryCaptureDestination();
            var ex = Assert.Throws<ChdkCaptureException>(() => _session.Shoot(Fast(new RemoteCaptureOptions()), dest).ToList());
            Assert.Equal(CaptureFailure.CancelledByCamera, ex.Reason);
            Assert.Equal("Remote capture was cancelled by the camera (timeout?) while the JPEG of image 7 was being received.", ex.Message);
            Assert.Equal(7, ex.ImageNumber);
            Assert.Empty(dest.Files);
            Assert.Equal("cleanup", _cam.Log.Last().Split(' ')[0]);
        }

        [Fact]
        public void A_destination_failing_mid_file_stops_the_run_and_the_clean_up_aborts_the_held_shot()
        {
            _cam.Shots.Add(Jpeg(7, Chunk("a"), Chunk("b"), Chunk("c")));
            _cam.IgnoreStop = true;
            var ex = Assert.Throws<IOException>(() => _session.Shoot(Fast(new RemoteCaptureOptions()), new FailAfterFirstWriteDestination()).ToList());
            Assert.Equal("disk full", ex.Message);
            // the script sits in shoot(): no waiting for it, the clean-up kills it and clears capture first
            Assert.Equal(new[] { "init", "shoot", "get Jpeg", "get Jpeg", "msg stop", "kill", "cleanup kill abort" }, _cam.Log);
        }

        [Fact]
        public void An_offered_type_that_was_not_asked_for_is_an_unexpected_type_error()
        {
            _cam.Shots.Add(Jpeg(3, Chunk("a")));
            _cam.Intruder = CaptureTypes.Raw;
            var ex = Assert.Throws<ChdkCaptureException>(() => Shoot(new RemoteCaptureOptions()));
            Assert.Equal(CaptureFailure.UnexpectedType, ex.Reason);
            Assert.Contains("CHDK raw", ex.Message);
            Assert.Equal(3, ex.ImageNumber);
            Assert.Equal("cleanup", _cam.Log.Last().Split(' ')[0]);
        }

        [Fact]
        public void A_marked_script_error_is_a_capture_error_and_others_are_script_errors()
        {
            _cam.Shots.Add(Jpeg(1, Chunk("a")));
            _cam.Shots.Add(Jpeg(2, Chunk("b")));
            _cam.ShootError = "[capture] settings: this camera cannot override the focus";
            var files = new List<CapturedFile>();
            var ex = Assert.Throws<ChdkCaptureException>(() => { foreach (var f in _session.Shoot(Fast(new RemoteCaptureOptions { Count = 2 }), new MemoryCaptureDestination())) files.Add(f); });
            Assert.Equal(CaptureFailure.Settings, ex.Reason);
            Assert.Equal("This camera cannot override the focus.", ex.Message);
            Assert.Single(files);
            Assert.Equal("cleanup", _cam.Log.Last());
        }

        [Fact]
        public void An_unmarked_script_error_keeps_its_lua_text()
        {
            _cam.Shots.Add(Jpeg(1, Chunk("a")));
            _cam.Shots.Add(Jpeg(2, Chunk("b")));
            _cam.ShootError = ":12: attempt to call global 'shoot' (a nil value)";
            var ex = Assert.Throws<ChdkScriptException>(() => Shoot(new RemoteCaptureOptions { Count = 2 }));
            Assert.Contains("attempt to call global 'shoot'", ex.Message);
        }

        [Fact]
        public void A_failed_init_runs_neither_the_shooting_script_nor_a_clean_up()
        {
            _cam.InitReturns = new object[] { false, "unsupported", 8, 7 };
            var ex = Assert.Throws<ChdkCaptureException>(() => Shoot(new RemoteCaptureOptions { Formats = RemoteCaptureFormats.CanonRaw }));
            Assert.Equal(CaptureFailure.UnsupportedFormat, ex.Reason);
            Assert.Equal(CaptureTypes.CanonRaw, ex.Unsupported);
            Assert.Equal(new[] { "init" }, _cam.Log);
        }

        [Fact]
        public void No_data_within_the_shot_timeout_is_a_timeout_and_the_script_is_stopped()
        {
            _cam.PollsBeforeShot = int.MaxValue;
            _cam.Shots.Add(Jpeg(1, Chunk("a")));
            var ex = Assert.Throws<ChdkTimeoutException>(() => Shoot(new RemoteCaptureOptions { ShotTimeout = TimeSpan.FromMilliseconds(300) }));
            Assert.Equal("Shot 1 of 1 sent no data within 0.3 s.", ex.Message);
            Assert.Equal(new[] { "init", "shoot", "msg stop", "cleanup" }, _cam.Log);
        }

        [Fact]
        public void A_stuck_script_is_killed_by_the_clean_up()
        {
            _cam.PollsBeforeShot = int.MaxValue;
            _cam.IgnoreStop = true;
            _cam.Shots.Add(Jpeg(1, Chunk("a")));
            Assert.Throws<ChdkTimeoutException>(() => Shoot(new RemoteCaptureOptions { ShotTimeout = TimeSpan.FromMilliseconds(200) }));
            Assert.Equal(new[] { "init", "shoot", "msg stop", "kill", "cleanup kill" }, _cam.Log);
        }

        [Fact]
        public void Cancellation_stops_the_run_and_cleans_up()
        {
            _cam.PollsBeforeShot = int.MaxValue;
            _cam.Shots.Add(Jpeg(1, Chunk("a")));
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
            var started = DateTime.UtcNow;
            Assert.ThrowsAny<OperationCanceledException>(() => Shoot(new RemoteCaptureOptions(), cts.Token));
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3));
            Assert.Equal(new[] { "init", "shoot", "msg stop", "cleanup" }, _cam.Log);
        }

        [Fact]
        public void A_lost_link_is_reported_and_the_failed_clean_up_is_only_a_warning()
        {
            _cam.Shots.Add(Jpeg(1, Chunk("a")));
            _cam.BreakAtGetData = 1;
            Assert.Throws<PtpTransportException>(() => Shoot(new RemoteCaptureOptions()));
            Assert.Contains(_warnings, w => w.StartsWith("Remote capture could not be cleaned up on the camera"));
        }

        [Fact]
        public void Progress_follows_the_run()
        {
            _cam.Shots.Add(Jpeg(1, Chunk("abc"), Chunk("de")));
            var seen = new List<RemoteCaptureProgress>();
            _session.Progress = new SyncProgress(seen.Add);
            Shoot(new RemoteCaptureOptions());
            Assert.Equal(new[] { RemoteCaptureStage.Starting, RemoteCaptureStage.WaitingForShot, RemoteCaptureStage.Receiving, RemoteCaptureStage.Receiving, RemoteCaptureStage.Saved, RemoteCaptureStage.CleaningUp },
                seen.Select(p => p.Stage));
            Assert.Equal(new long[] { 3, 5 }, seen.Where(p => p.Stage == RemoteCaptureStage.Receiving).Select(p => p.FileBytes));
            Assert.Equal(5, seen.Last().TotalBytes);
            Assert.Equal(1, seen.Last().FilesSaved);
        }

        [Fact]
        public void Names_that_would_collide_are_refused_before_the_camera_is_touched()
        {
            var dir = Path.Combine(Path.GetTempPath(), "chdkptp-cap-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Assert.Throws<CaptureTemplateException>(() => _session.Shoot(new RemoteCaptureOptions { Count = 2 }, new FolderCaptureDestination(dir, "same.jpg")));
            Assert.Empty(_cam.Log);
            Assert.False(Directory.Exists(dir));
        }

        private sealed class SyncProgress : IProgress<RemoteCaptureProgress>
        {
            private readonly Action<RemoteCaptureProgress> _a;
            public SyncProgress(Action<RemoteCaptureProgress> a) { _a = a; }
            public void Report(RemoteCaptureProgress value) => _a(value);
        }

        /// <summary>Takes the first chunk, then fails writing the second.</summary>
        private sealed class FailAfterFirstWriteDestination : ICaptureDestination
        {
            public ICaptureFile Create(CaptureFileInfo file) => new File();

            private sealed class File : ICaptureFile
            {
                public Stream Stream { get; } = new Failing();
                public string Commit() => "x";
                public void Dispose() { }
            }

            private sealed class Failing : MemoryStream
            {
                private int _writes;
                public override void Write(byte[] buffer, int offset, int count)
                {
                    if (++_writes > 1) throw new IOException("disk full");
                    base.Write(buffer, offset, count);
                }
            }
        }
    }
}
