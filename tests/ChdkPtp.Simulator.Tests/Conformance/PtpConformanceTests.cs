using System;
using System.IO;
using System.Linq;
using System.Text;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Simulator.Tests.Conformance
{
    /// <summary>PROTOCOL.md §8.1 items 2-7: what chdkptp and gphoto2 check of a CHDK camera.</summary>
    public class PtpConformanceTests
    {
        [Fact]
        public void DeviceInfoListsChdkAndWhatChdkptpsSelfTestExpects()
        {
            using var cam = new RawCamera();
            var d = cam.Session.GetDeviceInfo();
            foreach (ushort op in new ushort[] { 0x1001, 0x1002, 0x1003, 0x9999 }) Assert.Contains(op, d.OperationsSupported);
            Assert.Contains((ushort)0x4001, d.EventsSupported);
            Assert.Contains((ushort)0x3801, d.CaptureFormats);
            Assert.Contains((ushort)0x3801, d.ImageFormats);
            Assert.Equal("Canon Inc.", d.Manufacturer);
            Assert.Matches("^[0-9A-F]{32}$", d.SerialNumber);
            Assert.StartsWith("Canon ", d.Model);
        }

        [Fact]
        public void OpenSessionTwiceIsSessionAlreadyOpenAndCloseReopens()
        {
            using var cam = new RawCamera();
            var r = cam.Session.ExecuteRaw(PtpOperation.OpenSession, new uint[] { 1 }, null, null, out _);
            Assert.Equal(PtpResponseCode.SessionAlreadyOpen, r.Code);
            cam.Session.Close();
            cam.Session.Open();
        }

        [Fact]
        public void OperationsBeforeOpenSessionAreSessionNotOpen()
        {
            using var cam = new RawCamera(open: false);
            // GetDeviceInfo is allowed outside a session, as on cameras.
            Assert.Equal("Canon Inc.", cam.Session.GetDeviceInfo().Manufacturer);
            var t = cam.Sim.CreateTransport();
            // Bypass the client-side check by sending the raw command through a fresh transport.
            t.SendCommand(new PtpCommand(0x9999, 5, new uint[] { 8 }), false, default);
            var resp = t.ReceiveResponse(default);
            Assert.Equal(PtpResponseCode.SessionNotOpen, resp.Code);
            Assert.Equal(5u, resp.TransactionId);
        }

        [Fact]
        public void UnknownOpcodeIsOperationNotSupported()
        {
            using var cam = new RawCamera();
            var r = cam.Session.ExecuteRaw(0x9123, Array.Empty<uint>(), null, null, out _);
            Assert.Equal(PtpResponseCode.OperationNotSupported, r.Code);
        }

        [Fact]
        public void UnknownSubCommandIsParameterNotSupportedWithoutDataPhase()
        {
            using var cam = new RawCamera();
            var x = cam.Chdk(15, dataIn: true);
            Assert.Equal(PtpResponseCode.ParameterNotSupported, x.R.Code);
            Assert.False(x.Data);
            Assert.Empty(x.R.Parameters);
        }

        [Fact]
        public void ResponsesEchoTheTransactionIdAndCarryExactParameterCounts()
        {
            using var cam = new RawCamera();
            uint tid = cam.Session.NextTransactionId;
            var v = cam.Chdk(0);
            Assert.Equal(tid, v.R.TransactionId);
            Assert.Equal(new uint[] { 2, 9 }, v.R.Parameters);
            Assert.Single(cam.Chdk(8).R.Parameters);
            Assert.Equal(new uint[] { 1 }, cam.Chdk(9).R.Parameters);
            var rm = cam.Chdk(10, dataIn: true);
            Assert.Equal(new uint[] { 0, 0, 0, 0 }, rm.R.Parameters);
            Assert.True(rm.Data);
            Assert.Equal(new byte[] { 0 }, rm.Bytes); // no message: a 1-byte dummy data phase
            Assert.Equal(2, cam.Chdk(13).R.Parameters.Length);
        }

        [Fact]
        public void GetMemoryErrorsSendNoDataPhase()
        {
            using var cam = new RawCamera();
            var zero = cam.Chdk(1, dataIn: true, args: new uint[] { 0x1900, 0, 0 });
            Assert.Equal(PtpResponseCode.GeneralError, zero.R.Code);
            Assert.False(zero.Data);
            var badMode = cam.Chdk(1, dataIn: true, args: new uint[] { 0x1900, 4, 2 });
            Assert.Equal(PtpResponseCode.GeneralError, badMode.R.Code);
            Assert.False(badMode.Data);
        }

        [Fact]
        public void GetMemoryReadsWhatSetMemoryWroteIncludingLowAddresses()
        {
            using var cam = new RawCamera();
            var bytes = Enumerable.Range(0, 70000).Select(i => (byte)(i * 13)).ToArray();
            Assert.Equal(PtpResponseCode.OK, cam.Chdk(2, bytes, false, 0x1FFF0, (uint)bytes.Length).R.Code);
            var back = cam.Chdk(1, dataIn: true, args: new uint[] { 0x1FFF0, (uint)bytes.Length, 1 });
            Assert.Equal(PtpResponseCode.OK, back.R.Code);
            Assert.Equal(bytes, back.Bytes);
            var low = cam.Chdk(1, dataIn: true, args: new uint[] { 0, 4, 0 });
            Assert.Equal(PtpResponseCode.OK, low.R.Code); // protocol 2.8+: address 0..3 is allowed
            Assert.Equal(4, low.Bytes.Length);
        }

        [Fact]
        public void SetMemoryToAddressZeroFails()
        {
            using var cam = new RawCamera();
            Assert.Equal(PtpResponseCode.GeneralError, cam.Chdk(2, new byte[4], false, 0, 4).R.Code);
        }

        [Fact]
        public void CallFunctionFailsUnlessRegistered()
        {
            using var cam = new RawCamera();
            var call = new byte[12];
            BitConverter.GetBytes(0xFF810000u).CopyTo(call, 0);
            BitConverter.GetBytes(20).CopyTo(call, 4);
            BitConverter.GetBytes(22).CopyTo(call, 8);
            Assert.Equal(PtpResponseCode.GeneralError, cam.Chdk(3, call).R.Code);
            cam.Sim.Camera.Functions[0xFF810000] = a => a[0] + a[1];
            var r = cam.Chdk(3, call);
            Assert.Equal(PtpResponseCode.OK, r.R.Code);
            Assert.Equal(new uint[] { 42 }, r.R.Parameters);
            Assert.Equal(PtpResponseCode.GeneralError, cam.Chdk(3, new byte[5]).R.Code); // not whole words
        }

        [Fact]
        public void TempDataUploadDownloadClearAndNoDataPhaseWhenEmpty()
        {
            using var cam = new RawCamera();
            var none = cam.Chdk(4, dataIn: true, args: 1);
            Assert.Equal(PtpResponseCode.GeneralError, none.R.Code);
            Assert.False(none.Data);
            Assert.Equal(PtpResponseCode.OK, cam.Chdk(4, new byte[] { 1, 2, 3 }, false, 0).R.Code);
            var got = cam.Chdk(4, dataIn: true, args: 1 | 2);
            Assert.Equal(new byte[] { 1, 2, 3 }, got.Bytes);
            Assert.False(cam.Chdk(4, dataIn: true, args: 1).Data); // cleared
        }

        [Fact]
        public void UploadAndDownloadFilesWithBothNameConventions()
        {
            using var cam = new RawCamera();
            // chdkptp sends name_len without the NUL, camlib with it.
            foreach (var (name, nameLength) in new[] { ("A/HELLO.TXT", 11), ("A/TERM.TX", 10) })
            {
                var n = Encoding.ASCII.GetBytes(name + "\0");
                var content = Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray();
                var data = new byte[4 + nameLength + content.Length];
                BitConverter.GetBytes(nameLength).CopyTo(data, 0);
                Array.Copy(n, 0, data, 4, nameLength);
                content.CopyTo(data, 4 + nameLength);
                Assert.Equal(PtpResponseCode.OK, cam.Chdk(5, data).R.Code);
                Assert.Equal(content, File.ReadAllBytes(Path.Combine(cam.Sim.Camera.CardRoot, name.Substring(2))));

                cam.Chdk(4, Encoding.ASCII.GetBytes(name), false, 0);
                var dl = cam.Chdk(6, dataIn: true);
                Assert.Equal(PtpResponseCode.OK, dl.R.Code);
                Assert.Equal(new uint[] { 4096 }, dl.R.Parameters);
                Assert.Equal(content, dl.Bytes);
                // The name is consumed: a second download needs a new TempData.
                var again = cam.Chdk(6, dataIn: true);
                Assert.Equal(PtpResponseCode.GeneralError, again.R.Code);
                Assert.Equal(new byte[] { 0 }, again.Bytes);
            }
        }

        [Fact]
        public void DownloadOfMissingOrEmptyFileSendsOneDummyByteAndGeneralError()
        {
            using var cam = new RawCamera();
            File.WriteAllBytes(Path.Combine(cam.Sim.Camera.CardRoot, "EMPTY.TXT"), Array.Empty<byte>());
            foreach (var name in new[] { "A/NOPE.TXT", "A/EMPTY.TXT" })
            {
                cam.Chdk(4, Encoding.ASCII.GetBytes(name), false, 0);
                var dl = cam.Chdk(6, dataIn: true);
                Assert.Equal(PtpResponseCode.GeneralError, dl.R.Code);
                Assert.True(dl.Data);
                Assert.Equal(new byte[] { 0 }, dl.Bytes);
            }
        }

        [Fact]
        public void ExecuteScriptRefusesOtherLanguagesAndWriteMsgWithoutScriptIsNotRun()
        {
            using var cam = new RawCamera();
            var r = cam.Chdk(7, Encoding.ASCII.GetBytes("print 1\0"), false, 1);
            Assert.Equal(PtpResponseCode.ParameterNotSupported, r.R.Code);
            Assert.Equal(2, r.R.Parameters.Length);
            var w = cam.Chdk(11, new byte[] { (byte)'x' }, false, 0);
            Assert.Equal(PtpResponseCode.OK, w.R.Code);
            Assert.Equal(new uint[] { (uint)WriteScriptMessageStatus.NotRunning }, w.R.Parameters);
        }

        [Fact]
        public void RemoteCaptureWithoutInitIsNotSet()
        {
            using var cam = new RawCamera();
            var r = cam.Chdk(13);
            Assert.Equal(new uint[] { ChdkConstants.CaptureNotSet, 0 }, r.R.Parameters);
            var g = cam.Chdk(14, dataIn: true, args: 1);
            Assert.True(g.Data);
            Assert.Equal(PtpResponseCode.GeneralError, g.R.Code);
        }

        [Fact]
        public void OlderProtocolVersionsAnswerAsOlderCameras()
        {
            using var cam = new RawCamera(new SimulatorOptions { ProtocolMinor = 4 });
            Assert.Equal(new uint[] { 2, 4 }, cam.Chdk(0).R.Parameters);
            Assert.Equal(PtpResponseCode.ParameterNotSupported, cam.Chdk(13).R.Code);
            // Before 2.8 GetMemory ignores p4 and rejects address 0.
            Assert.Equal(PtpResponseCode.OK, cam.Chdk(1, dataIn: true, args: new uint[] { 0x1900, 4, 7 }).R.Code);
            Assert.Equal(PtpResponseCode.GeneralError, cam.Chdk(1, dataIn: true, args: new uint[] { 0, 4 }).R.Code);
        }

        [Fact]
        public void UnplugFailsTheNextTransactionWithATransportError()
        {
            using var cam = new RawCamera();
            cam.Sim.Unplug();
            Assert.Throws<PtpTransportException>(() => cam.Chdk(8));
            Assert.True(cam.Session.IsFaulted);
        }
    }
}
