using System;
using System.IO;
using System.IO.Pipes;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ChdkPtp.Shell.Tests
{
    public class InputLinesTests
    {
        [Fact]
        public void Lines_are_read_in_order_and_null_marks_the_end()
        {
            var lines = new InputLines(new StringReader("one\ntwo\n"));
            Assert.Equal("one", lines.ReadLine(CancellationToken.None));
            using (var cts = new CancellationTokenSource())
            {
                Assert.Equal("two", lines.ReadLine(cts.Token));
                Assert.Null(lines.ReadLine(cts.Token));
            }
        }

        [Fact]
        public void A_cancelled_read_hands_its_line_to_the_next_reader()
        {
            // A pipe that only delivers the line after the first reader gave up.
            using (var server = new AnonymousPipeServerStream(PipeDirection.Out))
            using (var client = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle))
            using (var reader = new StreamReader(client, Encoding.UTF8))
            {
                var lines = new InputLines(reader);
                using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)))
                {
                    Assert.ThrowsAny<OperationCanceledException>(() => lines.ReadLine(cts.Token));
                }

                byte[] data = Encoding.UTF8.GetBytes("first\nsecond\n");
                server.Write(data, 0, data.Length);
                server.Flush();

                using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
                {
                    Assert.Equal("first", lines.ReadLine(cts.Token));
                    Assert.Equal("second", lines.ReadLine(cts.Token));
                }
            }
        }

        [Fact]
        public void A_failing_reader_surfaces_its_exception()
        {
            var lines = new InputLines(new FailingReader());
            using (var cts = new CancellationTokenSource())
            {
                Assert.Throws<IOException>(() => lines.ReadLine(cts.Token));
            }
        }

        private sealed class FailingReader : TextReader
        {
            public override string ReadLine() => throw new IOException("stdin broke");
        }
    }
}
