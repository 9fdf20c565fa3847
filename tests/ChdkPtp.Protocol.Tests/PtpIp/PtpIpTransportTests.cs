using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport.PtpIp;
using ChdkPtp.Tests.PtpIp;

namespace ChdkPtp.Protocol.Tests.PtpIp
{
    /// <summary>The initiator against a scripted camera on loopback: raw bytes in, raw bytes out.</summary>
    public sealed class PtpIpTransportTests : IDisposable
    {
        private readonly RawListener _camera = new RawListener();
        private static readonly byte[] CamGuid = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();

        public void Dispose() => _camera.Dispose();

        private static PtpIpOptions Fast(int timeoutMs = 5000) => new PtpIpOptions
        {
            Timeout = TimeSpan.FromMilliseconds(timeoutMs),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            InitiatorGuid = new Guid("00112233-4455-6677-8899-aabbccddeeff"),
            FriendlyName = "tester",
        };

        /// <summary>Connects a transport while the scripted camera answers the handshake; returns both ends.</summary>
        private (PtpIpTransport T, RawConnection Cmd, RawConnection Evt) Open(uint connectionNumber = 1, PtpIpOptions options = null)
        {
            var connect = Task.Run(() => PtpIpTransport.Connect("127.0.0.1", _camera.Port, options ?? Fast()));
            var cmd = _camera.Accept();
            cmd.Expect(1);
            cmd.Send(Raw.InitCommandAck(connectionNumber, CamGuid, "CHDK"));
            var evt = _camera.Accept();
            var req = evt.Expect(3);
            Assert.Equal(connectionNumber, req.U32(0));
            evt.Send(Raw.InitEventAck());
            return (connect.GetAwaiter().GetResult(), cmd, evt);
        }

        [Fact]
        public void Handshake_sends_guid_name_and_version_then_echoes_the_connection_number()
        {
            var connect = Task.Run(() => PtpIpTransport.Connect("127.0.0.1", _camera.Port, new PtpIpOptions()));
            using var cmd = _camera.Accept();
            var init = cmd.Expect(1);
            // GUID (16) + UTF-16LE machine name + NUL + version 0x00010000 as the last 4 bytes.
            Assert.Equal(PtpIpOptions.MachineGuid().ToByteArray(), init.Payload.Take(16).ToArray());
            Assert.Equal(PtpIpOptions.MachineGuid(), PtpIpOptions.MachineGuid()); // stable on this machine
            Assert.Equal(new byte[] { 0, 0, 1, 0 }, init.Payload.Skip(init.Payload.Length - 4).ToArray());
            Assert.Equal(Raw.Utf16z(Environment.MachineName), init.Payload.Skip(16).Take(init.Payload.Length - 20).ToArray());
            cmd.Send(Raw.InitCommandAck(7, CamGuid, "Canon PowerShot"));
            using var evt = _camera.Accept();
            Assert.Equal(7u, evt.Expect(3).U32(0));
            evt.Send(Raw.InitEventAck());
            using var t = connect.GetAwaiter().GetResult();
            Assert.Equal(7u, t.Responder.ConnectionNumber);
            Assert.Equal("Canon PowerShot", t.Responder.FriendlyName);
            Assert.Equal($"ptpip:127.0.0.1:{_camera.Port}", t.Description);
            Assert.True(cmd.QuietFor(200), "nothing is sent before PtpSession opens the session");
        }

        [Theory]
        [InlineData(1u, PtpIpInitFailReason.Rejected, "pair")]
        [InlineData(2u, PtpIpInitFailReason.Busy, "another computer")]
        [InlineData(3u, PtpIpInitFailReason.Unspecified, "unspecified")]
        [InlineData(9u, (PtpIpInitFailReason)9, "unknown reason 9")]
        public void InitFail_on_the_command_connection_says_why(uint reason, PtpIpInitFailReason expected, string text)
        {
            var connect = Task.Run(() => PtpIpTransport.Connect("127.0.0.1", _camera.Port, Fast()));
            using var cmd = _camera.Accept();
            cmd.Expect(1);
            cmd.Send(Raw.InitFail(reason));
            var ex = Assert.Throws<PtpIpInitFailedException>(() => connect.GetAwaiter().GetResult());
            Assert.Equal(expected, ex.Reason);
            Assert.False(ex.EventConnection);
            Assert.Contains(text, ex.Message);
            Assert.Contains($"127.0.0.1:{_camera.Port}", ex.Message);
            Assert.True(cmd.ClosedWithin(3000), "the failed connection is closed");
        }

        [Fact]
        public void InitFail_on_the_event_connection_is_reported_and_both_connections_close()
        {
            var connect = Task.Run(() => PtpIpTransport.Connect("127.0.0.1", _camera.Port, Fast()));
            using var cmd = _camera.Accept();
            cmd.Expect(1);
            cmd.Send(Raw.InitCommandAck(1, CamGuid, "CHDK"));
            using var evt = _camera.Accept();
            evt.Expect(3);
            evt.Send(Raw.InitFail(2));
            var ex = Assert.Throws<PtpIpInitFailedException>(() => connect.GetAwaiter().GetResult());
            Assert.True(ex.EventConnection);
            Assert.Equal(PtpIpInitFailReason.Busy, ex.Reason);
            Assert.True(cmd.ClosedWithin(3000));
        }

        [Fact]
        public void A_peer_that_is_not_ptpip_is_a_clear_error()
        {
            var connect = Task.Run(() => PtpIpTransport.Connect("127.0.0.1", _camera.Port, Fast()));
            using (var cmd = _camera.Accept())
            {
                cmd.Expect(1);
                cmd.Send(Raw.Response(0x2001, 0)); // not an ack
            }
            var ex = Assert.Throws<PtpProtocolException>(() => connect.GetAwaiter().GetResult());
            Assert.Contains("not InitCommandAck", ex.Message);

            connect = Task.Run(() => PtpIpTransport.Connect("127.0.0.1", _camera.Port, Fast()));
            using (var cmd = _camera.Accept()) cmd.Expect(1); // and hangs up
            var ex2 = Assert.Throws<PtpTransportException>(() => connect.GetAwaiter().GetResult());
            Assert.Contains("closed it instead of sending InitCommandAck", ex2.Message);
        }

        [Fact]
        public void Data_out_goes_as_gphoto2_sends_it()
        {
            var (t, cmd, evt) = Open();
            using (t) using (cmd) using (evt)
            {
                var data = Raw.Bytes(3 * 65536 + 3392, 5);
                var session = Task.Run(() =>
                {
                    t.SendCommand(new PtpCommand(0x9999, 4, new uint[] { 5 }), true, default);
                    t.SendData(0x9999, 4, new BytesDataSource(data), default);
                    return t.ReceiveResponse(default);
                });
                var req = cmd.Expect(6);
                Assert.Equal(2u, req.U32(0)); // DataPhaseInfo 2: data-out
                var start = cmd.Expect(9);
                Assert.Equal((4u, (ulong)data.Length), (start.U32(0), BitConverter.ToUInt64(start.Payload, 4)));
                for (int i = 0; i < 3; i++)
                {
                    var d = cmd.Expect(10);
                    Assert.Equal((4u, 65536 + 4), (d.U32(0), d.Payload.Length));
                    Assert.Equal(data.Skip(i * 65536).Take(65536), d.Payload.Skip(4));
                }
                var end = cmd.Expect(12);
                Assert.Equal(data.Skip(3 * 65536), end.Payload.Skip(4));
                cmd.Send(Raw.Response(0x2001, 4));
                Assert.Equal(PtpResponseCode.OK, session.GetAwaiter().GetResult().Code);

                // An exact multiple of 64 KiB: the last full chunk travels in EndData.
                session = Task.Run(() =>
                {
                    t.SendCommand(new PtpCommand(0x9999, 5, new uint[] { 5 }), true, default);
                    t.SendData(0x9999, 5, new BytesDataSource(new byte[65536]), default);
                    return t.ReceiveResponse(default);
                });
                cmd.Expect(6);
                cmd.Expect(9);
                Assert.Equal(65536 + 4, cmd.Expect(12).Payload.Length);
                cmd.Send(Raw.Response(0x2001, 5));
                session.GetAwaiter().GetResult();

                // No bytes: StartData(0) and an empty EndData.
                session = Task.Run(() =>
                {
                    t.SendCommand(new PtpCommand(0x9999, 6, new uint[] { 4, 0 }), true, default);
                    t.SendData(0x9999, 6, new BytesDataSource(Array.Empty<byte>()), default);
                    return t.ReceiveResponse(default);
                });
                cmd.Expect(6);
                Assert.Equal(0UL, BitConverter.ToUInt64(cmd.Expect(9).Payload, 4));
                Assert.Equal(4, cmd.Expect(12).Payload.Length);
                cmd.Send(Raw.Response(0x2001, 6));
                session.GetAwaiter().GetResult();

                // Without a data phase: DataPhaseInfo 1.
                var s2 = Task.Run(() => { t.SendCommand(new PtpCommand(0x9999, 7, new uint[] { 0 }), false, default); return t.ReceiveResponse(default); });
                Assert.Equal(1u, cmd.Expect(6).U32(0));
                cmd.Send(Raw.Response(0x2001, 7, 2, 9));
                Assert.Equal(new uint[] { 2, 9 }, s2.GetAwaiter().GetResult().Parameters);
            }
        }

        /// <summary>Data-in patterns a responder may use (PTPIP.md §1.4), each followed by the response.</summary>
        public static TheoryData<string> DataInPatterns() => new TheoryData<string>
        {
            "start+enddata-all", "start+data-chunks+empty-enddata", "start+data-chunks-no-enddata",
            "start+data+enddata-with-rest", "start+many-small-data+enddata", "start0+response", "start0+empty-enddata",
        };

        [Theory]
        [MemberData(nameof(DataInPatterns))]
        public void Every_data_in_pattern_is_accepted(string pattern)
        {
            var (t, cmd, evt) = Open();
            using (t) using (cmd) using (evt)
            {
                bool empty = pattern.StartsWith("start0");
                var data = empty ? Array.Empty<byte>() : Raw.Bytes(200_000, 9);
                var session = OpenSession(t, cmd);
                var run = Task.Run(() =>
                {
                    var sink = new MemoryDataSink();
                    var r = session.ExecuteRaw(0x9999, new uint[] { 12, 1 }, null, sink, out bool got);
                    return (r, got, sink.ToArray());
                });
                Assert.Equal(1u, cmd.Expect(6).U32(0));
                cmd.Send(Raw.StartData(0, (ulong)data.Length));
                switch (pattern)
                {
                    case "start+enddata-all": cmd.Send(Raw.EndData(0, data)); break;
                    case "start+data-chunks+empty-enddata":
                        cmd.Send(Raw.Data(0, data.Take(100_000).ToArray()), Raw.Data(0, data.Skip(100_000).ToArray()), Raw.EndData(0));
                        break;
                    case "start+data-chunks-no-enddata":
                        cmd.Send(Raw.Data(0, data.Take(65536).ToArray()), Raw.Data(0, data.Skip(65536).ToArray()));
                        break;
                    case "start+data+enddata-with-rest": cmd.Send(Raw.Data(0, data.Take(1).ToArray()), Raw.EndData(0, data.Skip(1).ToArray())); break;
                    case "start+many-small-data+enddata":
                        for (int i = 0; i < data.Length - 1000; i += 1000) cmd.Send(Raw.Data(0, data.Skip(i).Take(1000).ToArray()));
                        cmd.Send(Raw.EndData(0, data.Skip(data.Length - 1000).ToArray()));
                        break;
                    case "start0+response": break;
                    case "start0+empty-enddata": cmd.Send(Raw.EndData(0)); break;
                }
                cmd.Send(Raw.Response(0x2001, 0, (uint)data.Length));
                var (resp, got, bytes) = run.GetAwaiter().GetResult();
                Assert.True(got);
                Assert.Equal(PtpResponseCode.OK, resp.Code);
                Assert.Equal((uint)data.Length, resp.Parameter(0));
                Assert.Equal(data, bytes);

                // The link is still in step: a second transaction works.
                var next = Task.Run(() => session.ExecuteRaw(0x9999, new uint[] { 0 }, null, null, out _));
                Assert.Equal(2u, cmd.Expect(6).U32(6));
                cmd.Send(Raw.Response(0x2001, 2, 2, 9));
                Assert.Equal(PtpResponseCode.OK, next.GetAwaiter().GetResult().Code);
            }
        }

        [Fact]
        public void A_response_instead_of_the_data_phase_ends_the_transaction()
        {
            var (t, cmd, evt) = Open();
            using (t) using (cmd) using (evt)
            {
                var session = OpenSession(t, cmd);
                var run = Task.Run(() => session.ExecuteRaw(0x9999, new uint[] { 1, 0, 16 }, null, new MemoryDataSink(), out bool got) is var r ? (r, got) : default);
                cmd.Expect(6);
                cmd.Send(Raw.Response(0x2002, 0));
                var (resp, gotData) = run.GetAwaiter().GetResult();
                Assert.Equal(PtpResponseCode.GeneralError, resp.Code);
                Assert.False(gotData);
                Assert.False(session.IsFaulted);
            }
        }

        public static TheoryData<string, string> BadDataIn() => new TheoryData<string, string>
        {
            { "over-in-enddata", "more data than" },
            { "over-in-data", "more data than" },
            { "trailing-enddata-with-bytes", "more than the data phase" },
            { "short-enddata", "ended (EndData) after" },
            { "response-mid-phase", "after 10 of the 100" },
            { "data-without-start", "Expected StartData" },
            { "unknown-length", "unknown length" },
            { "event-on-command-connection", "Expected Data or EndData" },
        };

        [Theory]
        [MemberData(nameof(BadDataIn))]
        public void A_data_phase_that_breaks_its_announced_length_is_a_protocol_error(string kind, string message)
        {
            var (t, cmd, evt) = Open();
            using (t) using (cmd) using (evt)
            {
                var session = OpenSession(t, cmd);
                var run = Task.Run(() => session.ExecuteRaw(0x9999, new uint[] { 12, 1 }, null, new MemoryDataSink(), out _));
                cmd.Expect(6);
                var d = new byte[100];
                switch (kind)
                {
                    case "over-in-enddata": cmd.Send(Raw.StartData(0, 100), Raw.EndData(0, new byte[101])); break;
                    case "over-in-data": cmd.Send(Raw.StartData(0, 100), Raw.Data(0, new byte[60]), Raw.Data(0, new byte[60])); break;
                    case "trailing-enddata-with-bytes": cmd.Send(Raw.StartData(0, 100), Raw.Data(0, d), Raw.EndData(0, new byte[1])); break;
                    case "short-enddata": cmd.Send(Raw.StartData(0, 100), Raw.EndData(0, new byte[99])); break;
                    case "response-mid-phase": cmd.Send(Raw.StartData(0, 100), Raw.Data(0, new byte[10]), Raw.Response(0x2001, 0)); break;
                    case "data-without-start": cmd.Send(Raw.Data(0, d)); break;
                    case "unknown-length": cmd.Send(Raw.StartData(0, ulong.MaxValue)); break;
                    case "event-on-command-connection": cmd.Send(Raw.StartData(0, 100), Raw.Event(0x4002, 0)); break;
                }
                var ex = Assert.ThrowsAny<PtpProtocolException>(() => run.GetAwaiter().GetResult());
                Assert.Contains(message, ex.Message);
                Assert.True(session.IsFaulted);
            }
        }

        [Fact]
        public void The_event_connection_answers_probes_and_keeps_events()
        {
            var (t, cmd, evt) = Open();
            using (t) using (cmd) using (evt)
            {
                evt.Send(Raw.ProbeRequest());
                Assert.Empty(evt.Expect(14).Payload);
                evt.Send(Raw.Event(0x4002, 3, 0x1234), Raw.Packet(0x63, new byte[4]), Raw.ProbeRequest());
                evt.Expect(14); // the reader went past the unknown packet
                Assert.True(t.TryTakeEvent(out var e));
                Assert.Equal(((ushort)0x4002, 3u, 0x1234u), (e.Code, e.TransactionId, e.Parameters[0]));
                Assert.False(t.TryTakeEvent(out _));
                Assert.Equal(2, t.ProbesAnswered);
                Assert.True(t.EventConnectionOpen);
                evt.S.Shutdown(SocketShutdown.Both);
                SpinWait.SpinUntil(() => !t.EventConnectionOpen, 5000);
                Assert.False(t.EventConnectionOpen);
            }
        }

        [Fact]
        public void A_silent_camera_times_out()
        {
            var (t, cmd, evt) = Open(options: Fast(timeoutMs: 300));
            using (t) using (cmd) using (evt)
            {
                var session = new PtpSession(t);
                var ex = Assert.Throws<PtpTimeoutException>(() => session.Open());
                Assert.Contains("OpenSession", ex.Message);
                Assert.Contains("300 ms", ex.Message);
                Assert.True(session.IsFaulted);
            }
        }

        [Fact]
        public void A_cancel_mid_data_phase_stops_within_a_second_and_faults_the_session()
        {
            var (t, cmd, evt) = Open(options: Fast(timeoutMs: 60_000));
            using (t) using (cmd) using (evt)
            {
                var session = OpenSession(t, cmd);
                using var cts = new CancellationTokenSource();
                var sink = new MemoryDataSink();
                var run = Task.Run(() => session.ExecuteRaw(0x9999, new uint[] { 6 }, null, sink, out _, cts.Token));
                cmd.Expect(6);
                cmd.Send(Raw.StartData(1, 10_000_000), Raw.Data(1, new byte[1000])); // then nothing more
                Thread.Sleep(300);
                var clock = Stopwatch.StartNew();
                cts.Cancel();
                Assert.ThrowsAny<OperationCanceledException>(() => run.GetAwaiter().GetResult());
                Assert.True(clock.ElapsedMilliseconds < 1000, $"the cancel took {clock.ElapsedMilliseconds} ms");
                Assert.True(session.IsFaulted);
                Assert.Throws<PtpTransportException>(() => session.ExecuteRaw(0x9999, new uint[] { 0 }, null, null, out _));
            }
        }

        [Fact]
        public void A_camera_that_resets_the_connection_mid_transaction_is_a_transport_error()
        {
            var (t, cmd, evt) = Open();
            using (t) using (evt)
            {
                var session = OpenSession(t, cmd);
                var run = Task.Run(() => session.ExecuteRaw(0x9999, new uint[] { 6 }, null, new MemoryDataSink(), out _));
                cmd.Expect(6);
                cmd.Send(Raw.StartData(1, 1000), Raw.Data(1, new byte[10]));
                cmd.S.LingerState = new LingerOption(true, 0); // RST, as a camera switched off
                cmd.Dispose();
                var ex = Assert.Throws<PtpTransportException>(() => run.GetAwaiter().GetResult());
                Assert.Contains($"127.0.0.1:{_camera.Port}", ex.Message);
            }
        }

        [Fact]
        public void Connection_refused_says_what_to_check()
        {
            int port;
            using (var l = new RawListener()) port = l.Port; // a port nobody listens on now
            var ex = Assert.Throws<PtpTransportException>(() => PtpIpTransport.Connect("127.0.0.1", port, Fast()));
            Assert.Contains($"127.0.0.1:{port}", ex.Message);
            Assert.Contains("connection refused", ex.Message);
            Assert.Contains("Wi-Fi", ex.Message);
            Assert.Contains("Start-ChdkSimulator", ex.Message);
        }

        [Fact]
        public void An_unknown_host_name_is_a_clear_error()
        {
            var ex = Assert.ThrowsAny<PtpTransportException>(() => PtpIpTransport.Connect("no-such-camera.invalid", 15740, Fast()));
            Assert.Contains("no-such-camera.invalid", ex.Message);
        }

        [Fact]
        public void Bad_arguments_are_refused_before_any_network_use()
        {
            Assert.Throws<ArgumentException>(() => PtpIpTransport.Connect(" ", 15740));
            Assert.Throws<ArgumentOutOfRangeException>(() => PtpIpTransport.Connect("127.0.0.1", 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => PtpIpTransport.Connect("127.0.0.1", 65536));
        }

        [Fact]
        public void A_cancel_during_connect_is_honoured()
        {
            using var cts = new CancellationTokenSource(300);
            var connect = Task.Run(() => PtpIpTransport.Connect("127.0.0.1", _camera.Port, Fast(60_000), cts.Token));
            using var cmd = _camera.Accept();
            cmd.Expect(1); // and never answers
            Assert.ThrowsAny<OperationCanceledException>(() => connect.GetAwaiter().GetResult());
            Assert.True(cmd.ClosedWithin(3000));
        }

        [Fact]
        public void Host_names_and_IPv6_literals_connect()
        {
            using (var v6 = new RawListener(IPAddress.IPv6Loopback))
            {
                var connect = Task.Run(() => PtpIpTransport.Connect("::1", v6.Port, Fast()));
                HandshakeOn(v6);
                using var t = connect.GetAwaiter().GetResult();
                Assert.Equal($"ptpip:[::1]:{v6.Port}", t.Description);
                Assert.Equal(IPAddress.IPv6Loopback, t.RemoteEndPoint.Address);
            }
            var byName = Task.Run(() => PtpIpTransport.Connect("localhost", _camera.Port, Fast()));
            HandshakeOn(_camera);
            using (var t = byName.GetAwaiter().GetResult())
                Assert.Equal($"ptpip:localhost:{_camera.Port}", t.Description);
        }

        /// <summary>OpenSession(1) with TID 0, answered OK by the scripted camera.</summary>
        private static PtpSession OpenSession(PtpIpTransport t, RawConnection cmd)
        {
            var session = new PtpSession(t);
            var open = Task.Run(() => session.Open());
            Assert.Equal(Raw.Request(1, 0x1002, 0, 1).Skip(8).ToArray(), cmd.Expect(6).Payload);
            cmd.Send(Raw.Response(0x2001, 0));
            open.GetAwaiter().GetResult();
            return session;
        }

        private static void HandshakeOn(RawListener l)
        {
            var cmd = l.Accept();
            cmd.Expect(1);
            cmd.Send(Raw.InitCommandAck(1, CamGuid, "CHDK"));
            var evt = l.Accept();
            evt.Expect(3);
            evt.Send(Raw.InitEventAck());
        }
    }
}
