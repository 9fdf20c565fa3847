using System;
using System.IO;
using System.Linq;
using System.Text;
using ChdkPtp.Protocol.Chdk.Capture;

namespace ChdkPtp.Protocol.Tests.Capture
{
    public sealed class ChunkWriterTests
    {
        private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

        [Fact]
        public void Chunks_go_where_the_camera_says_and_appends_follow_the_previous_chunk()
        {
            var ms = new MemoryStream();
            var w = new CaptureChunkWriter(ms);
            // a multipass camera: body sessions at their offsets, out of order, then the header rewritten at 0
            Assert.True(w.Write(-1, B("xxxx"), 4));          // placeholder header at 0..3
            Assert.True(w.Write(10, B("CCCC"), 4));          // third session first
            Assert.True(w.Write(-1, B("DD"), 2));            // continues after it: 14..15
            Assert.True(w.Write(4, B("BBBBBB"), 6));         // second session: 4..9
            Assert.True(w.Write(0, B("HEAD"), 4));           // header rewrite
            Assert.Equal("HEADBBBBBBCCCCDD", Encoding.ASCII.GetString(ms.ToArray()));
            Assert.Equal(16, w.Length);
            Assert.Equal(4, w.Position);
            Assert.Equal(5, w.Chunks);
            Assert.Equal(20, w.BytesWritten);
        }

        [Fact]
        public void A_gap_reads_as_zeros_and_only_the_given_count_is_written()
        {
            var ms = new MemoryStream();
            var w = new CaptureChunkWriter(ms);
            w.Write(3, B("abcdef"), 2);
            Assert.Equal(new byte[] { 0, 0, 0, (byte)'a', (byte)'b' }, ms.ToArray());
            Assert.Equal(5, w.Length);
        }

        [Fact]
        public void Empty_chunks_are_skipped_and_counted()
        {
            var ms = new MemoryStream();
            var w = new CaptureChunkWriter(ms);
            w.Write(-1, B("ab"), 2);
            Assert.False(w.Write(-1, new byte[1], 0));
            Assert.False(w.Write(100, new byte[0], 0));
            w.Write(-1, B("cd"), 2);
            Assert.Equal("abcd", Encoding.ASCII.GetString(ms.ToArray()));
            Assert.Equal(2, w.EmptyChunks);
            Assert.Equal(2, w.Chunks);
        }

        [Fact]
        public void A_stream_that_cannot_seek_takes_sequential_chunks_and_refuses_a_jump()
        {
            var inner = new MemoryStream();
            var w = new CaptureChunkWriter(new ForwardOnly(inner));
            w.Write(-1, B("ab"), 2);
            w.Write(2, B("cd"), 2);   // where it already is: fine
            Assert.Throws<IOException>(() => w.Write(0, B("zz"), 2));
            Assert.Equal("abcd", Encoding.ASCII.GetString(inner.ToArray()));
        }

        [Fact]
        public void Bad_arguments_are_refused()
        {
            var w = new CaptureChunkWriter(new MemoryStream());
            Assert.Throws<ArgumentOutOfRangeException>(() => w.Write(-2, new byte[1], 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => w.Write(0, new byte[1], 2));
            Assert.Throws<ArgumentNullException>(() => w.Write(0, null, 0));
        }

        private sealed class ForwardOnly : Stream
        {
            private readonly Stream _s;
            public ForwardOnly(Stream s) { _s = s; }
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() => _s.Flush();
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => _s.Write(buffer, offset, count);
        }
    }
}
