using System;
using System.Collections.Generic;
using System.Threading;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport.Loopback;
using ChdkPtp.Protocol.Transport.Usb;

namespace ChdkPtp.Protocol.Tests.Ptp
{
    /// <summary>A scripted device: answers each command with what the test's handler writes.</summary>
    internal sealed class ScriptedDevice : IDisposable
    {
        private readonly Thread _thread;
        private readonly LoopbackUsbLink _link;
        public readonly List<PtpCommand> Commands = new List<PtpCommand>();

        public ScriptedDevice(Action<PtpCommand, UsbContainerChannel, LoopbackUsbLink> handler)
        {
            _link = Packets.Link();
            Transport = new UsbPtpTransport(_link.Host, "scripted");
            _thread = new Thread(() =>
            {
                using var ch = new UsbContainerChannel(_link.Device);
                var small = new byte[64];
                while (true)
                {
                    UsbContainerHeader h;
                    try { h = ch.Receive(x => x.Type == PtpContainerType.Data ? new MemoryDataSink() : null, small, out int n, default);
                        if (h.Type != PtpContainerType.Command) continue;
                        var p = new uint[n / 4];
                        for (int i = 0; i < p.Length; i++) p[i] = BitConverter.ToUInt32(small, 4 * i);
                        var c = new PtpCommand(h.Code, h.TransactionId, p);
                        lock (Commands) Commands.Add(c);
                        handler(c, ch, _link);
                    }
                    catch (PtpTimeoutException) { continue; }
                    catch (Exception) { return; }
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        public UsbPtpTransport Transport { get; }

        public void Dispose() { _link.Close(); Transport.Dispose(); }
    }

    public class PtpSessionTests
    {
        private static void Ok(PtpCommand c, UsbContainerChannel ch, params uint[] p) =>
            ch.SendParameters(PtpContainerType.Response, 0x2001, c.TransactionId, p, default);

        [Fact]
        public void OpenSessionUsesTransactionZeroThenIdsCountUp()
        {
            using var dev = new ScriptedDevice((c, ch, _) => Ok(c, ch));
            var s = new PtpSession(dev.Transport);
            s.Open();
            s.Execute(0x9999, new uint[] { 8 }, null, null);
            s.Execute(0x9999, new uint[] { 8 }, null, null);
            Assert.Equal(new uint[] { 0, 1, 2 }, dev.Commands.ConvertAll(c => c.TransactionId));
            Assert.Equal(PtpOperation.OpenSession, dev.Commands[0].Code);
            Assert.Equal(new uint[] { 1 }, dev.Commands[0].Parameters);
            Assert.Equal(3u, s.NextTransactionId);
        }

        [Fact]
        public void ErrorResponseBecomesTypedExceptionWithCodeAndOperation()
        {
            using var dev = new ScriptedDevice((c, ch, _) =>
            {
                if (c.Code == PtpOperation.OpenSession) Ok(c, ch);
                else ch.SendParameters(PtpContainerType.Response, 0x2FFF, c.TransactionId, Array.Empty<uint>(), default);
            });
            var s = new PtpSession(dev.Transport);
            s.Open();
            var ex = Assert.Throws<PtpResponseException>(() => s.Execute(0x9999, new uint[] { 0 }, null, null, default, "CHDK Version"));
            Assert.Equal((PtpResponseCode)0x2FFF, ex.ResponseCode);
            Assert.Equal((ushort)0x9999, ex.OperationCode);
            Assert.Contains("0x2FFF", ex.Message);
            Assert.Contains("CHDK Version", ex.Message);
            // A clean error response leaves the session usable.
            Assert.False(s.IsFaulted);
        }

        [Fact]
        public void KnownErrorCodeIsNamed()
        {
            using var dev = new ScriptedDevice((c, ch, _) =>
                ch.SendParameters(PtpContainerType.Response, c.Code == PtpOperation.OpenSession ? (ushort)0x2001 : (ushort)0x2006, c.TransactionId, Array.Empty<uint>(), default));
            var s = new PtpSession(dev.Transport);
            s.Open();
            var ex = Assert.Throws<PtpResponseException>(() => s.Execute(0x9999, new uint[] { 99 }, null, null));
            Assert.Equal(PtpResponseCode.ParameterNotSupported, ex.ResponseCode);
            Assert.Contains("ParameterNotSupported", ex.Message);
        }

        [Fact]
        public void MissingDataPhaseWithOkIsAProtocolErrorAndErrorCodeWins()
        {
            int n = 0;
            using var dev = new ScriptedDevice((c, ch, _) =>
            {
                if (c.Code == PtpOperation.OpenSession) { Ok(c, ch); return; }
                ch.SendParameters(PtpContainerType.Response, n++ == 0 ? (ushort)0x2002 : (ushort)0x2001, c.TransactionId, Array.Empty<uint>(), default);
            });
            var s = new PtpSession(dev.Transport);
            s.Open();
            var e1 = Assert.Throws<PtpResponseException>(() => s.Execute(0x9999, new uint[] { 1, 0, 0 }, null, new MemoryDataSink()));
            Assert.Equal(PtpResponseCode.GeneralError, e1.ResponseCode);
            var e2 = Assert.Throws<PtpProtocolException>(() => s.Execute(0x9999, new uint[] { 1, 0, 4 }, null, new MemoryDataSink()));
            Assert.Contains("no data phase", e2.Message);
        }

        [Fact]
        public void WrongContainerTypeFaultsTheSession()
        {
            using var dev = new ScriptedDevice((c, ch, _) =>
            {
                if (c.Code == PtpOperation.OpenSession) { Ok(c, ch); return; }
                ch.SendParameters(PtpContainerType.Event, 0x4001, c.TransactionId, Array.Empty<uint>(), default);
            });
            var s = new PtpSession(dev.Transport);
            s.Open();
            Assert.Throws<PtpProtocolException>(() => s.Execute(0x9999, new uint[] { 8 }, null, null));
            Assert.True(s.IsFaulted);
            var again = Assert.Throws<PtpTransportException>(() => s.Execute(0x9999, new uint[] { 8 }, null, null));
            Assert.Contains("reconnect", again.Message);
        }

        [Fact]
        public void ResponseWithPartialParameterIsRejected()
        {
            using var dev = new ScriptedDevice((c, ch, _) =>
                ch.Send(PtpContainerType.Response, 0x2001, c.TransactionId, new byte[] { 1, 2, 3 }, default));
            var s = new PtpSession(dev.Transport);
            var ex = Assert.Throws<PtpProtocolException>(() => s.Open());
            Assert.Contains("parameters", ex.Message);
        }

        [Fact]
        public void DataForAnotherOperationIsRejected()
        {
            using var dev = new ScriptedDevice((c, ch, _) =>
            {
                if (c.Code == PtpOperation.OpenSession) { Ok(c, ch); return; }
                ch.Send(PtpContainerType.Data, 0x1001, c.TransactionId, new byte[4], default);
                Ok(c, ch);
            });
            var s = new PtpSession(dev.Transport);
            s.Open();
            Assert.Throws<PtpProtocolException>(() => s.Execute(0x9999, new uint[] { 10 }, null, new MemoryDataSink()));
        }

        [Fact]
        public void DataPhaseLargerThanTheSinkAllowsIsRefused()
        {
            using var dev = new ScriptedDevice((c, ch, _) =>
            {
                if (c.Code == PtpOperation.OpenSession) { Ok(c, ch); return; }
                ch.Send(PtpContainerType.Data, c.Code, c.TransactionId, new byte[5000], default);
                Ok(c, ch);
            });
            var s = new PtpSession(dev.Transport);
            s.Open();
            var ex = Assert.Throws<PtpProtocolException>(() => s.Execute(0x9999, new uint[] { 1 }, null, new MemoryDataSink(100)));
            Assert.Contains("5000", ex.Message);
        }

        [Fact]
        public void NoAnswerIsATimeout()
        {
            using var dev = new ScriptedDevice((c, ch, _) => { });
            var s = new PtpSession(dev.Transport);
            Assert.Throws<PtpTimeoutException>(() => s.Open());
        }

        [Fact]
        public void TransactionsFromManyThreadsAreSerialised()
        {
            int inside = 0, overlap = 0;
            using var dev = new ScriptedDevice((c, ch, _) => Ok(c, ch, c.TransactionId));
            var s = new PtpSession(dev.Transport);
            s.Open();
            var threads = new List<Thread>();
            var seen = new System.Collections.Concurrent.ConcurrentBag<uint>();
            for (int t = 0; t < 4; t++)
            {
                var th = new Thread(() =>
                {
                    for (int i = 0; i < 50; i++)
                    {
                        if (Interlocked.Increment(ref inside) > 1) Interlocked.Increment(ref overlap);
                        Interlocked.Decrement(ref inside);
                        var r = s.Execute(0x9999, new uint[] { 8 }, null, null);
                        seen.Add(r.Parameter(0));
                    }
                });
                threads.Add(th);
                th.Start();
            }
            threads.ForEach(t => t.Join());
            // Every response matched its own transaction: 200 distinct ids 1..200.
            Assert.Equal(200, new HashSet<uint>(seen).Count);
            Assert.Equal(201u, s.NextTransactionId);
        }

        private sealed class ThrowingSink : IPtpDataSink
        {
            public void Begin(long length) { }
            public void Write(ReadOnlySpan<byte> chunk) => throw new System.IO.IOException("disk full");
        }

        [Fact]
        public void ASinkThatThrowsMidTransactionFaultsTheSession()
        {
            using var dev = new ScriptedDevice((c, ch, _) =>
            {
                if (c.Code == PtpOperation.OpenSession) { Ok(c, ch); return; }
                ch.Send(PtpContainerType.Data, c.Code, c.TransactionId, new byte[2000], default);
                Ok(c, ch);
            });
            var s = new PtpSession(dev.Transport);
            s.Open();
            Assert.Throws<System.IO.IOException>(() => s.Execute(0x9999, new uint[] { 6 }, null, new ThrowingSink()));
            // The rest of that data phase and its response are still on the pipe: the session must not be trusted.
            Assert.True(s.IsFaulted);
        }
    }
}
