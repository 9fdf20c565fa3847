using System;
using System.IO;
using System.Linq;
using ChdkPtp.Protocol.Chdk.LiveView;

namespace ChdkPtp.Protocol.Tests.LiveView
{
    public sealed class LvdumpTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "lvdump-" + Guid.NewGuid().ToString("N").Substring(0, 8));

        public LvdumpTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, true);

        private static byte[][] Frames(int n)
        {
            var rnd = new Random(n);
            return Enumerable.Range(0, n).Select(i => i % 2 == 0 ? FrameBuilder.PreDigic6(rnd, 32, 4 + i).Build() : FrameBuilder.Digic6(rnd, 16, 2 + i).Build()).ToArray();
        }

        [Fact]
        public void The_file_is_chdkptps_layout_byte_for_byte()
        {
            var ms = new MemoryStream();
            using (var w = new LvdumpWriter(ms, leaveOpen: true))
            {
                w.WriteFrame(new byte[] { 1, 2, 3 });
                w.WriteFrame(new byte[0]);
                Assert.Equal(2, w.FrameCount);
                Assert.Equal(16 + 4 + 3 + 4, w.Length);
            }
            Assert.Equal(new byte[]
            {
                (byte)'c', (byte)'h', (byte)'l', (byte)'v', 8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
                3, 0, 0, 0, 1, 2, 3,
                0, 0, 0, 0,
            }, ms.ToArray());
        }

        [Fact]
        public void Frames_round_trip_through_a_file_and_decode_the_same()
        {
            var frames = Frames(6);
            var path = Path.Combine(_dir, "rec" + Lvdump.Extension);
            using (var w = LvdumpWriter.Create(path))
            {
                foreach (var f in frames.Take(3)) w.WriteFrame(LiveFrame.Parse(f));
            }
            long written;
            using (var w = LvdumpWriter.Append(path))
            {
                Assert.Equal(3, w.FrameCount);
                foreach (var f in frames.Skip(3)) w.WriteFrame(f);
                Assert.Equal(6, w.FrameCount);
                written = w.Length;
            }
            Assert.Equal(16 + frames.Sum(f => 4L + f.Length), new FileInfo(path).Length);
            Assert.Equal(written, new FileInfo(path).Length);

            var read = LvdumpReader.ReadFrames(path).ToList();
            Assert.Equal(frames.Length, read.Count);
            for (int i = 0; i < frames.Length; i++)
            {
                Assert.Equal(frames[i], read[i].Payload);
                var original = LiveFrame.Parse(frames[i]);
                Assert.Equal(original.GetViewportImage().Pixels, read[i].GetViewportImage().Pixels);
                Assert.Equal(original.GetBitmapImage().Pixels, read[i].GetBitmapImage().Pixels);
            }
            using (var r = LvdumpReader.Open(path))
            {
                Assert.Equal((1, 0), (r.VersionMajor, r.VersionMinor));
                Assert.NotNull(r.ReadPayload());
                Assert.Equal(1, r.FramesRead);
            }
        }

        [Fact]
        public void Append_creates_a_missing_file_and_refuses_a_foreign_one()
        {
            var path = Path.Combine(_dir, "new.lvdump");
            using (var w = LvdumpWriter.Append(path)) w.WriteFrame(new byte[] { 9 });
            Assert.Equal(16 + 5, new FileInfo(path).Length);
            var foreign = Path.Combine(_dir, "photo.jpg");
            File.WriteAllBytes(foreign, new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0, 0, 0, 0 });
            Assert.Throws<LiveViewFormatException>(() => LvdumpWriter.Append(foreign));
            Assert.Equal(10, new FileInfo(foreign).Length);
        }

        [Fact]
        public void Append_refuses_a_recording_whose_last_frame_is_cut_and_skip_steps_over_frames()
        {
            var frames = Frames(3);
            var path = Path.Combine(_dir, "cut.lvdump");
            var bytes = Recording(frames);
            File.WriteAllBytes(path, bytes.Take(bytes.Length - 5).ToArray());
            var ex = Assert.Throws<LiveViewFormatException>(() => LvdumpWriter.Append(path));
            Assert.Equal(2, ex.FrameIndex);
            Assert.Equal(bytes.Length - 5, new FileInfo(path).Length);
            foreach (var pipe in new[] { false, true })
                using (var r = new LvdumpReader(pipe ? (Stream)new PipeStream(bytes) : new MemoryStream(bytes)))
                {
                    Assert.True(r.SkipFrame());
                    Assert.True(r.SkipFrame());
                    Assert.Equal(frames[2], r.ReadPayload());
                    Assert.False(r.SkipFrame());
                    Assert.Equal(3, r.FramesRead);
                }
        }

        private static byte[] Recording(params byte[][] frames)
        {
            var ms = new MemoryStream();
            using (var w = new LvdumpWriter(ms, leaveOpen: true)) foreach (var f in frames) w.WriteFrame(f);
            return ms.ToArray();
        }

        /// <summary>A stream that cannot seek, as a pipe: truncation is found by reading.</summary>
        private sealed class PipeStream : MemoryStream
        {
            public PipeStream(byte[] b) : base(b) { }
            public override bool CanSeek => false;
            public override long Length => throw new NotSupportedException();
            public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 7));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void A_truncated_recording_gives_its_whole_frames_then_a_format_error_naming_the_frame(bool pipe)
        {
            var frames = Frames(3);
            var bytes = Recording(frames);
            foreach (int cut in new[] { bytes.Length - 1, bytes.Length - frames[2].Length - 2, bytes.Length - frames[2].Length - 4 + 0 })
            {
                var data = bytes.Take(cut).ToArray();
                using (var r = new LvdumpReader(pipe ? new PipeStream(data) : new MemoryStream(data)))
                {
                    Assert.Equal(frames[0], r.ReadFrame().Payload);
                    Assert.Equal(frames[1], r.ReadPayload());
                    if (cut == bytes.Length - frames[2].Length - 4)
                    {
                        Assert.Null(r.ReadFrame()); // the cut falls between frames: a clean end
                        continue;
                    }
                    var ex = Assert.Throws<LiveViewFormatException>(() => r.ReadFrame());
                    Assert.Equal(2, ex.FrameIndex);
                    Assert.Equal(16 + 8 + frames[0].Length + frames[1].Length, ex.FileOffset);
                    Assert.Contains("frame 2", ex.Message);
                }
            }
        }

        [Fact]
        public void Bad_headers_and_absurd_lengths_are_format_errors()
        {
            Assert.Contains("too short", Assert.Throws<LiveViewFormatException>(() => new LvdumpReader(new MemoryStream(new byte[2]))).Message);
            Assert.Contains("chlv", Assert.Throws<LiveViewFormatException>(() => new LvdumpReader(new MemoryStream(new byte[32]))).Message);
            var bytes = Recording();
            bytes[4] = 200; bytes[6] = 1; // 65736
            Assert.Contains("record size", Assert.Throws<LiveViewFormatException>(() => new LvdumpReader(new MemoryStream(bytes))).Message);
            bytes = Recording();
            bytes[8] = 2;
            Assert.Contains("version 2.0", Assert.Throws<LiveViewFormatException>(() => new LvdumpReader(new MemoryStream(bytes))).Message);
            // a longer header record (a future minor version) is skipped
            var longer = Recording(new byte[] { 5, 6 }).ToList();
            longer[4] = 12; longer[12] = 1;
            longer.InsertRange(16, new byte[4]);
            using (var r = new LvdumpReader(new MemoryStream(longer.ToArray())))
            {
                Assert.Equal((1, 1), (r.VersionMajor, r.VersionMinor));
                Assert.Equal(new byte[] { 5, 6 }, r.ReadPayload());
                Assert.Null(r.ReadPayload());
            }
            // a frame that claims 4 GiB is refused before anything is allocated, also from a pipe
            var huge = Recording().Concat(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 1, 2 }).ToArray();
            using (var r = new LvdumpReader(new PipeStream(huge)))
                Assert.Contains("more than", Assert.Throws<LiveViewFormatException>(() => r.ReadPayload()).Message);
        }

        [Fact]
        public void A_frame_that_does_not_parse_names_its_index_and_reading_goes_on()
        {
            var frames = Frames(2);
            var bytes = Recording(frames[0], new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, frames[1]);
            using (var r = new LvdumpReader(new MemoryStream(bytes)))
            {
                r.ReadFrame();
                var ex = Assert.Throws<LiveViewFormatException>(() => r.ReadFrame());
                Assert.Equal(1, ex.FrameIndex);
                Assert.Equal(16 + 4 + frames[0].Length, ex.FileOffset);
                Assert.Equal(frames[1], r.ReadFrame().Payload);
                Assert.Null(r.ReadFrame());
            }
        }
    }
}
