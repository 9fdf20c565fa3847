using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport.Loopback;

namespace ChdkPtp.Protocol.Tests.Ptp
{
    /// <summary>The loopback pipe holds at most <see cref="PacketPipe.Capacity"/> bytes, as a USB bulk pipe holds
    /// only what the device's FIFO can: a writer waits for the reader instead of queueing without end.</summary>
    public class PacketPipeTests
    {
        private const int K = 1024;

        private static PacketPipe Pipe(int capacity) => new PacketPipe(512) { Capacity = capacity, TimeoutMs = 5000 };

        [Fact]
        public void A_writer_waits_while_the_pipe_is_full_and_goes_on_when_the_reader_takes_data()
        {
            var pipe = Pipe(8 * K);
            pipe.Write(new byte[4 * K]);
            pipe.Write(new byte[4 * K]);
            Assert.Equal(8 * K, pipe.QueuedBytes);

            var third = Task.Run(() => pipe.Write(new byte[4 * K]));
            Assert.False(third.Wait(300), "a write into a full pipe must wait");
            Assert.Equal(8 * K, pipe.QueuedBytes);

            var buffer = new byte[4 * K];
            Assert.Equal(4 * K, pipe.Read(buffer, default));
            Assert.True(third.Wait(5000), "taking data must release the writer");
            Assert.Equal(8 * K, pipe.QueuedBytes);
            Assert.Equal(4 * K, pipe.Read(buffer, default));
            Assert.Equal(4 * K, pipe.Read(buffer, default));
            Assert.Equal(0, pipe.QueuedBytes);
        }

        [Fact]
        public void A_partial_read_makes_room_as_well()
        {
            var pipe = Pipe(4 * K);
            pipe.Write(new byte[4 * K]);
            var next = Task.Run(() => pipe.Write(new byte[2 * K]));
            Assert.False(next.Wait(200));
            Assert.Equal(2 * K, pipe.Read(new byte[2 * K], default)); // half of the first transfer
            Assert.True(next.Wait(5000));
            Assert.Equal(4 * K, pipe.QueuedBytes);
        }

        [Fact]
        public void A_transfer_larger_than_the_capacity_is_accepted_into_an_empty_pipe_and_arrives_whole()
        {
            var pipe = Pipe(K);
            var data = new byte[10 * K];
            new Random(5).NextBytes(data);
            pipe.Write(data);
            Assert.Equal(10 * K, pipe.QueuedBytes);
            var got = new byte[10 * K];
            Assert.Equal(10 * K, pipe.Read(got, default));
            Assert.Equal(data, got);
        }

        [Fact]
        public void A_full_pipe_times_out_a_writer_after_its_write_timeout_and_queues_nothing()
        {
            var pipe = Pipe(K);
            pipe.WriteTimeoutMs = 300;
            pipe.Write(new byte[K]);
            var clock = Stopwatch.StartNew();
            Assert.Throws<PtpTimeoutException>(() => pipe.Write(new byte[100]));
            Assert.InRange(clock.ElapsedMilliseconds, 250, 4000);
            Assert.Equal(K, pipe.QueuedBytes);
        }

        [Fact]
        public void Closing_or_cancelling_releases_a_waiting_writer()
        {
            var pipe = Pipe(K);
            pipe.Write(new byte[K]);
            using (var cts = new CancellationTokenSource())
            {
                var canceled = Task.Run(() => pipe.Write(new byte[K], cts.Token));
                Assert.False(canceled.Wait(200));
                cts.Cancel();
                var ex = Assert.Throws<AggregateException>(() => canceled.Wait(5000));
                Assert.IsAssignableFrom<OperationCanceledException>(ex.InnerException);
            }
            var closed = Task.Run(() => pipe.Write(new byte[K]));
            Assert.False(closed.Wait(200));
            pipe.Close();
            var ex2 = Assert.Throws<AggregateException>(() => closed.Wait(5000));
            Assert.IsType<PtpTransportException>(ex2.InnerException);
        }

        [Fact]
        public void The_link_passes_the_writers_token_to_the_pipe()
        {
            var link = new LoopbackUsbLink(512);
            link.HostToDevice.Capacity = K;
            link.Host.Write(new byte[K], default);
            using var cts = new CancellationTokenSource(200);
            Assert.ThrowsAny<OperationCanceledException>(() => link.Host.Write(new byte[K], cts.Token));
        }
    }
}
