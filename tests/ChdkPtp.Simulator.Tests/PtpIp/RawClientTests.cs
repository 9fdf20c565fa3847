using System;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using ChdkPtp.Simulator.PtpIp;
using ChdkPtp.Tests.PtpIp;

namespace ChdkPtp.Simulator.Tests.PtpIp
{
    /// <summary>
    /// The simulator's PTP/IP responder against raw clients that send exactly what gphoto2 (gp), chdkptp (ck) and
    /// camlib (cl) send (PTPIP.md §1.3, §1.4, §4), byte for byte. chdkptp itself is not available here: the ck tests
    /// stand in for it, including its single-recv reads of the acks, DataPhaseInfo 0, the Data packet with
    /// transaction id 0 followed by an empty EndData, and its connect sequence.
    /// </summary>
    public sealed class RawClientTests : IDisposable
    {
        private readonly PtpIpServer _server;

        public RawClientTests()
        {
            _server = new PtpIpServer(new SimulatorOptions(), port: 0);
            _server.Start();
        }

        public void Dispose() => _server.Dispose();

        private RawConnection Connect() => RawConnection.Connect(_server.Endpoint);

        /// <summary>chdkptp's handshake (init_ptp_tcp): the 38-byte request, the ack read with one recv (≥ 34 bytes,
        /// type 2), InitEventRequest with the connection number from the ack, InitEventAck read with one recv whose
        /// length must equal the bytes received.</summary>
        private (RawConnection Cmd, RawConnection Evt) CkConnect()
        {
            var cmd = Connect();
            cmd.Send(Raw.CkInitCommandRequest);
            var buf = new byte[264];
            Thread.Sleep(50); // let the whole ack arrive, as chdkptp's single recv relies on one write
            int got = cmd.S.Receive(buf);
            Assert.True(got >= 34 && got <= 264, $"ack in one recv: {got} bytes");
            Assert.Equal(got, BitConverter.ToInt32(buf, 0));
            Assert.Equal(2, BitConverter.ToInt32(buf, 4));
            uint conn = BitConverter.ToUInt32(buf, 8);
            Assert.Equal(1u, conn);
            Assert.Equal(0x00010000u, BitConverter.ToUInt32(buf, got - 4));
            var name = Encoding.Unicode.GetString(buf, 28, got - 28 - 4).TrimEnd('\0');
            Assert.Equal(_server.FriendlyName, name);

            var evt = Connect();
            evt.Send(Raw.InitEventRequest(conn));
            Thread.Sleep(50);
            var ebuf = new byte[64];
            int egot = evt.S.Receive(ebuf);
            Assert.Equal(8, egot);
            Assert.Equal(Raw.InitEventAck(), ebuf.Take(8).ToArray());
            return (cmd, evt);
        }

        /// <summary>gphoto2's handshake: its request (random GUID, host name, version as two u16), echoing the connection number.</summary>
        private (RawConnection Cmd, RawConnection Evt) GpConnect(string name = "gphoto-host")
        {
            var cmd = Connect();
            cmd.Send(Raw.InitCommandRequest(Raw.Bytes(16, 3), name));
            var ack = cmd.Expect(2);
            var evt = Connect();
            evt.Send(Raw.InitEventRequest(ack.U32(0)));
            evt.Expect(4);
            return (cmd, evt);
        }

        private static void OpenSession(RawConnection cmd, uint dataPhase)
        {
            cmd.Send(Raw.Request(dataPhase, 0x1002, 0, 1));
            var r = cmd.Expect(7);
            Assert.Equal((0x2001, 0u), (r.U16(0), r.U32(2)));
        }

        /// <summary>Reads a data-in phase as chdkptp requires it: StartData, data, a final EndData, then the response.</summary>
        private static (byte[] Data, RawPacket Response) ReadDataIn(RawConnection cmd, uint tid)
        {
            var start = cmd.Expect(9);
            Assert.Equal(tid, start.U32(0));
            ulong total = BitConverter.ToUInt64(start.Payload, 4);
            var end = cmd.Expect(12); // the simulator sends everything in one EndData
            Assert.Equal(tid, end.U32(0));
            var data = end.Payload.Skip(4).ToArray();
            Assert.Equal(total, (ulong)data.Length);
            var resp = cmd.Expect(7);
            Assert.Equal(tid, resp.U32(2));
            return (data, resp);
        }

        private static uint[] Params(RawPacket response) =>
            Enumerable.Range(0, (response.Payload.Length - 6) / 4).Select(i => response.U32(6 + 4 * i)).ToArray();

        /// <summary>Waits for the script to end and returns its messages' data (status polled as gp and ck do).</summary>
        private static string ScriptReturn(RawConnection cmd, ref uint tid, uint dataPhase)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline)
            {
                cmd.Send(Raw.Request(dataPhase, 0x9999, tid, 8));
                var st = cmd.Expect(7);
                Assert.Equal(tid++, st.U32(2));
                uint status = st.U32(6);
                if ((status & 2) != 0)
                {
                    cmd.Send(Raw.Request(dataPhase, 0x9999, tid, 10));
                    var (data, resp) = ReadDataIn(cmd, tid++);
                    var p = Params(resp);
                    Assert.Equal(4, p.Length);
                    return $"{p[0]}/{p[1]}:" + Encoding.ASCII.GetString(data, 0, (int)p[3]);
                }
                if (status == 0) return null;
                Thread.Sleep(20);
            }
            throw new TimeoutException("The script did not end.");
        }

        [Fact]
        public void Chdkptp_connect_sequence_byte_for_byte()
        {
            var (cmd, evt) = CkConnect();
            using (cmd) using (evt)
            {
                Assert.True(_server.SessionActive);
                Assert.True(_server.EventConnected);
                Assert.Equal("whee", _server.Initiator.FriendlyName);
                OpenSession(cmd, 0);

                // GetDeviceInfo, TID 1, DataPhaseInfo 0; data-in must end with EndData.
                cmd.Send(Raw.Request(0, 0x1001, 1));
                var (di, _) = ReadDataIn(cmd, 1);
                var info = ChdkPtp.Protocol.Ptp.DeviceInfo.Parse(di);
                Assert.Contains((ushort)0x9999, info.OperationsSupported);
                Assert.DoesNotContain((ushort)0x9801, info.OperationsSupported);

                // Version: 2 parameters.
                cmd.Send(Raw.Request(0, 0x9999, 2, 0));
                var v = cmd.Expect(7);
                Assert.Equal(new uint[] { 2, 9 }, Params(v));

                // do_on_connect_actions without 0x9801: GetObjectHandles(0xFFFFFFFF, 0, 0).
                cmd.Send(Raw.Request(0, 0x1007, 3, 0xFFFFFFFF, 0, 0));
                var (handles, hr) = ReadDataIn(cmd, 3);
                Assert.Equal(0x2001, hr.U16(0));
                Assert.Equal(new byte[4], handles);

                // ExecuteScript "return get_mode()": StartData, one Data with TID 0, an empty EndData.
                var script = Encoding.ASCII.GetBytes("return get_mode()\0");
                cmd.Send(Raw.Request(0, 0x9999, 4, 7, 0), Raw.StartData(4, (ulong)script.Length), Raw.Data(0, script), Raw.EndData(4));
                var ex = cmd.Expect(7);
                Assert.Equal((0x2001, 4u), (ex.U16(0), ex.U32(2)));
                Assert.Equal(2, Params(ex).Length);
                uint tid = 5;
                Assert.Equal("2/2:\0\0\0\0", ScriptReturn(cmd, ref tid, 0)); // RET BOOLEAN false: playback mode

                // Empty data-out the ck way: StartData(0) + empty Data + empty EndData; the link stays in step.
                cmd.Send(Raw.Request(0, 0x9999, tid, 4, 0), Raw.StartData(tid, 0), Raw.Data(0, Array.Empty<byte>()), Raw.EndData(tid));
                Assert.Equal(0x2001, cmd.Expect(7).U16(0));
                tid++;
                cmd.Send(Raw.Request(0, 0x9999, tid, 0));
                var after = cmd.Expect(7);
                Assert.Equal(tid, after.U32(2));

                // Nothing was ever sent on the event connection after InitEventAck.
                Assert.True(evt.QuietFor(200));

                // CloseSession then both sockets closed (close_camera_tcp).
                cmd.Send(Raw.Request(0, 0x1003, ++tid));
                Assert.Equal(0x2001, cmd.Expect(7).U16(0));
            }
            SpinWait.SpinUntil(() => _server.ConnectionCount == 0, 5000);
            Assert.Equal(0, _server.ConnectionCount);
            Assert.False(_server.SessionActive);
        }

        [Fact]
        public void Gphoto2_execute_script_exactly_as_in_the_reference()
        {
            var (cmd, evt) = GpConnect();
            using (cmd) using (evt)
            {
                OpenSession(cmd, 1);
                // PTPIP.md §1.3: ExecuteScript from gp, TID 5, DataPhaseInfo 2, StartData 18, EndData with the script.
                cmd.Send(new byte[] { 0x1A, 0, 0, 0, 0x06, 0, 0, 0, 0x02, 0, 0, 0, 0x99, 0x99, 0x05, 0, 0, 0, 0x07, 0, 0, 0, 0, 0, 0, 0 });
                cmd.Send(new byte[] { 0x14, 0, 0, 0, 0x09, 0, 0, 0, 0x05, 0, 0, 0, 0x12, 0, 0, 0, 0, 0, 0, 0 });
                cmd.Send(Raw.Cat(new byte[] { 0x1E, 0, 0, 0, 0x0C, 0, 0, 0, 0x05, 0, 0, 0 }, Encoding.ASCII.GetBytes("return get_mode()\0")));
                var resp = cmd.Expect(7);
                Assert.Equal(0x16 - 8, resp.Payload.Length); // 2 parameters: script id and status
                Assert.Equal((0x2001, 5u), (resp.U16(0), resp.U32(2)));
                Assert.Equal(_server.Camera.ScriptRunId, resp.U32(6));
                uint tid = 6;
                Assert.Equal("2/2:\0\0\0\0", ScriptReturn(cmd, ref tid, 1));
            }
        }

        [Fact]
        public void Gphoto2_sends_StartData_0_alone_for_an_empty_phase()
        {
            var (cmd, evt) = GpConnect();
            using (cmd) using (evt)
            {
                OpenSession(cmd, 1);
                // TempData with no bytes: gp sends StartData(0) and nothing more.
                cmd.Send(Raw.Request(2, 0x9999, 1, 4, 0), Raw.StartData(1, 0));
                var r = cmd.Expect(7);
                Assert.Equal((0x2001, 1u), (r.U16(0), r.U32(2)));
                cmd.Send(Raw.Request(1, 0x9999, 2, 0)); // nothing was left to swallow: the next command works
                Assert.Equal(2u, cmd.Expect(7).U32(2));
            }
        }

        [Fact]
        public void Gphoto2_64KiB_chunks_and_camlib_single_EndData_upload_and_download_byte_exact()
        {
            var (cmd, evt) = GpConnect();
            using (cmd) using (evt)
            {
                OpenSession(cmd, 1);
                var contents = Raw.Bytes(300_000, 11);
                var name = Encoding.ASCII.GetBytes("A/GP.BIN");
                var payload = Raw.Cat(Raw.U32((uint)name.Length), name, contents);
                // gp: UploadFile, DataPhaseInfo 2, 64 KiB Data packets, the rest inside EndData.
                cmd.Send(Raw.Request(2, 0x9999, 1, 5), Raw.StartData(1, (ulong)payload.Length));
                int o = 0;
                while (payload.Length - o > 65536) { cmd.Send(Raw.Data(1, payload.Skip(o).Take(65536).ToArray())); o += 65536; }
                cmd.Send(Raw.EndData(1, payload.Skip(o).ToArray()));
                var up = cmd.Expect(7);
                Assert.Equal((0x2001, 1u), (up.U16(0), up.U32(2)));
                Assert.Equal(contents, File.ReadAllBytes(Path.Combine(_server.Camera.CardRoot, "GP.BIN")));

                // cl: TempData with the whole path in one EndData, then DownloadFile.
                var path = Encoding.ASCII.GetBytes("A/GP.BIN");
                cmd.Send(Raw.Request(2, 0x9999, 2, 4, 0), Raw.StartData(2, (ulong)path.Length), Raw.EndData(2, path));
                Assert.Equal(0x2001, cmd.Expect(7).U16(0));
                cmd.Send(Raw.Request(1, 0x9999, 3, 6));
                var (data, resp) = ReadDataIn(cmd, 3);
                Assert.Equal(contents, data);
                Assert.Equal(new uint[] { (uint)contents.Length }, Params(resp));
            }
        }

        [Fact]
        public void DataPhaseInfo_is_ignored_the_opcode_decides()
        {
            var (cmd, evt) = GpConnect();
            using (cmd) using (evt)
            {
                OpenSession(cmd, 1);
                // DataPhaseInfo 2 on a command without data-out: no data phase is waited for.
                cmd.Send(Raw.Request(2, 0x9999, 1, 0));
                Assert.Equal(new uint[] { 2, 9 }, Params(cmd.Expect(7)));
                // DataPhaseInfo 1 (and 3) on ExecuteScript: the data phase is read all the same.
                var s = Encoding.ASCII.GetBytes("return 6*7\0");
                cmd.Send(Raw.Request(3, 0x9999, 2, 7, 0), Raw.StartData(2, (ulong)s.Length), Raw.EndData(2, s));
                Assert.Equal(0x2001, cmd.Expect(7).U16(0));
                uint tid = 3;
                Assert.Equal("2/3:*\0\0\0", ScriptReturn(cmd, ref tid, 1)); // RET INTEGER 42
            }
        }

        [Fact]
        public void Unknown_opcodes_and_unimplemented_data_out_operations_keep_the_link_in_step()
        {
            var (cmd, evt) = GpConnect();
            using (cmd) using (evt)
            {
                OpenSession(cmd, 1);
                cmd.Send(Raw.Request(1, 0x9123, 1));
                var r = cmd.Expect(7);
                Assert.Equal((0x2005, 1u), (r.U16(0), r.U32(2)));
                // SendObjectInfo (data-out) is not implemented: its data is read and dropped, then 0x2005.
                cmd.Send(Raw.Request(2, 0x100C, 2, 0x00010001, 0), Raw.StartData(2, 10), Raw.EndData(2, new byte[10]));
                Assert.Equal(0x2005, cmd.Expect(7).U16(0));
                cmd.Send(Raw.Request(1, 0x9999, 3, 0));
                Assert.Equal(3u, cmd.Expect(7).U32(2));
                // A repeated OpenSession: SessionAlreadyOpened.
                cmd.Send(Raw.Request(1, 0x1002, 4, 1));
                Assert.Equal(0x201E, cmd.Expect(7).U16(0));
            }
        }

        [Fact]
        public void Probe_on_the_event_connection_is_answered_and_nothing_else_is_sent_there()
        {
            var (cmd, evt) = GpConnect();
            using (cmd) using (evt)
            {
                OpenSession(cmd, 1);
                evt.Send(Raw.ProbeRequest());
                Assert.Empty(evt.Expect(14).Payload);
                cmd.Send(Raw.Request(1, 0x9999, 1, 0));
                cmd.Expect(7);
                Assert.True(evt.QuietFor(300));
            }
        }

        [Fact]
        public void A_new_InitCommandRequest_drops_the_old_session()
        {
            var (cmd1, evt1) = GpConnect("first");
            using (cmd1) using (evt1)
            {
                OpenSession(cmd1, 1);
                var (cmd2, evt2) = GpConnect("second");
                using (cmd2) using (evt2)
                {
                    Assert.True(cmd1.ClosedWithin(5000), "the old command connection is closed");
                    Assert.True(evt1.ClosedWithin(5000), "the old event connection is closed");
                    OpenSession(cmd2, 1); // OK, not SessionAlreadyOpened: the old PTP session ended with its link
                    Assert.Equal("second", _server.Initiator.FriendlyName);
                    Assert.Equal(2, _server.SessionsStarted);
                }
            }
        }

        [Fact]
        public void EOF_on_the_event_connection_ends_the_session_and_resets_scripts()
        {
            var (cmd, evt) = GpConnect();
            using (cmd)
            {
                OpenSession(cmd, 1);
                var s = Encoding.ASCII.GetBytes("write_usb_msg('x') sleep(100000)\0");
                cmd.Send(Raw.Request(2, 0x9999, 1, 7, 0), Raw.StartData(1, (ulong)s.Length), Raw.EndData(1, s));
                Assert.Equal(0x2001, cmd.Expect(7).U16(0));
                Assert.True(SpinWait.SpinUntil(() => !_server.Camera.CameraToHost.IsEmpty, 5000), "the script wrote its message");
                Assert.True(_server.Camera.Scripts.IsRunning);
                evt.Dispose();
                Assert.True(cmd.ClosedWithin(5000), "the command connection closes with the event connection");
                Assert.True(SpinWait.SpinUntil(() => _server.SessionsEnded == 1, 5000), "the session ended");
                Assert.False(_server.SessionActive);
                Assert.False(_server.Camera.Scripts.IsRunning);
                Assert.True(_server.Camera.CameraToHost.IsEmpty);
                Assert.False(_server.Responder.SessionOpen);
            }
            // The next client starts clean.
            var (c2, e2) = GpConnect();
            using (c2) using (e2)
            {
                OpenSession(c2, 1);
                c2.Send(Raw.Request(1, 0x9999, 1, 8));
                Assert.Equal(0u, c2.Expect(7).U32(6)); // ScriptStatus: nothing running, no messages
            }
        }

        [Fact]
        public void Refusals_and_garbage()
        {
            // An event connection without a command session: InitFail, closed.
            using (var evt = Connect())
            {
                evt.Send(Raw.InitEventRequest(1));
                Assert.Equal(3u, evt.Expect(5).U32(0));
                Assert.True(evt.ClosedWithin(5000));
            }
            // A connection that starts with anything else is closed.
            using (var junk = Connect())
            {
                junk.Send(Raw.Request(1, 0x1002, 0, 1));
                Assert.True(junk.ClosedWithin(5000));
            }
            using (var junk = Connect())
            {
                junk.Send(Raw.Cat(Raw.U32(3), Raw.U32(1))); // a length that lies
                Assert.True(junk.ClosedWithin(5000));
            }
            Assert.NotNull(_server.LastError);
            var (cmd, evt2) = GpConnect();
            using (cmd) using (evt2)
            {
                // A second event connection for the same session: busy.
                using (var extra = Connect())
                {
                    extra.Send(Raw.InitEventRequest(1));
                    Assert.Equal(2u, extra.Expect(5).U32(0));
                }
                // A wrong connection number is refused too.
                using (var wrong = Connect())
                {
                    wrong.Send(Raw.InitEventRequest(9));
                    Assert.Equal(5u, wrong.Expect(5).Type);
                }
                OpenSession(cmd, 1); // the session is unharmed
            }
        }

        [Fact]
        public void A_host_data_phase_that_lies_about_its_length_ends_the_connection()
        {
            var (cmd, evt) = GpConnect();
            using (cmd) using (evt)
            {
                OpenSession(cmd, 1);
                cmd.Send(Raw.Request(2, 0x9999, 1, 4, 0), Raw.StartData(1, 4), Raw.EndData(1, new byte[8]));
                Assert.True(cmd.ClosedWithin(5000));
                Assert.Contains("more than the 4 bytes", _server.LastError.Message);
            }
        }

        [Fact]
        public void Stop_closes_everything_and_Start_comes_back_on_the_same_port()
        {
            var (cmd, evt) = GpConnect();
            using (cmd) using (evt)
            {
                OpenSession(cmd, 1);
                int port = _server.Port;
                _server.Stop();
                Assert.False(_server.IsRunning);
                Assert.True(cmd.ClosedWithin(3000));
                Assert.True(evt.ClosedWithin(3000));
                Assert.Equal(0, _server.ConnectionCount);
                Assert.Throws<SocketException>(() => Connect().Dispose());

                _server.Start();
                Assert.Equal(port, _server.Port);
                var (c2, e2) = GpConnect();
                using (c2) using (e2) OpenSession(c2, 1);
            }
            // And a new server with the same card on the same port, right after this one is stopped.
            var root = _server.Camera.CardRoot;
            _server.Stop();
            using var again = new PtpIpServer(new SimulatorOptions { Root = root }, port: _server.Port);
            again.Start();
            Assert.Equal(_server.Port, again.Port);
        }

        [Fact]
        public void Listening_on_a_port_in_use_is_a_clear_error()
        {
            using var second = new PtpIpServer(new SimulatorOptions(), port: _server.Port);
            var ex = Assert.Throws<SimulatorListenException>(() => second.Start());
            Assert.True(ex.PortInUse);
            Assert.Contains(_server.Port.ToString(), ex.Message);
            Assert.False(second.IsRunning);
            Assert.Throws<ArgumentOutOfRangeException>(() => new PtpIpServer(new SimulatorOptions(), port: 65536));
        }
    }
}
