using System;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Transport.Usb
{
    /// <summary>Opens a transport to a camera (the libusb one in production, fakes in tests).</summary>
    internal interface IUsbCameraOpener
    {
        IPtpTransport Open(UsbCameraInfo camera, UsbOpenOptions options, CancellationToken cancel);
    }

    /// <summary>
    /// chdkptp's connect sequence (PROTOCOL.md §1.7 steps 2-3): open, OpenSession(1); if that fails,
    /// Device Reset (0x66), Get Device Status (0x67), close, reopen, OpenSession(1) once more.
    /// </summary>
    internal static class UsbConnector
    {
        /// <summary>An open PTP session with the camera; the caller owns it.</summary>
        public static PtpSession OpenSession(IUsbCameraOpener opener, UsbCameraInfo camera, UsbOpenOptions options, CancellationToken cancel)
        {
            options = UsbOpenOptions.OrDefault(options);
            var session = new PtpSession(opener.Open(camera, options, cancel));
            PtpException first;
            try
            {
                session.Open(1, cancel);
                return session;
            }
            catch (PtpException e) when (options.RetryWithReset)
            {
                first = e;
            }
            catch
            {
                session.Dispose();
                throw;
            }

            try
            {
                if (session.Transport is IUsbClassRequests requests)
                {
                    try { requests.DeviceReset(cancel); }
                    catch (PtpException) { }
                    try { requests.GetDeviceStatus(cancel); }
                    catch (PtpException) { }
                }
            }
            finally
            {
                session.Dispose();
            }

            session = new PtpSession(opener.Open(camera, options, cancel));
            try
            {
                session.Open(1, cancel);
                return session;
            }
            catch (PtpException second)
            {
                session.Dispose();
                var kind = second is UsbTransportException u ? u.Kind : second is PtpTimeoutException ? UsbErrorKind.Timeout : UsbErrorKind.Other;
                throw new UsbTransportException(kind,
                    $"Could not open a PTP session with the camera at {camera.Location}, not even after a USB device reset: {second.Message} " +
                    $"(first attempt: {first.Message}) Switch the camera off and on, or unplug and replug it.",
                    (second as UsbTransportException)?.LibUsbError ?? 0, camera.Location, second);
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }

        public static ChdkClient Connect(IUsbCameraOpener opener, UsbCameraInfo camera, UsbOpenOptions options, CancellationToken cancel) =>
            ChdkClient.Connect(OpenSession(opener, camera, options, cancel), cancel);

        public static UsbProbeResult Probe(IUsbCameraOpener opener, UsbCameraInfo camera, UsbOpenOptions options, CancellationToken cancel)
        {
            // A look at a camera never resets it: a reset re-enumerates it at a new address, so a listing would move
            // every camera it looked at (and -Bus/-Address from that listing would miss).
            var o = UsbOpenOptions.OrDefault(options);
            var noReset = new UsbOpenOptions { TimeoutMs = o.TimeoutMs, DetachKernelDriver = o.DetachKernelDriver, RetryWithReset = o.RetryWithReset, ResetOnClose = false };
            PtpSession session = null;
            try
            {
                session = OpenSession(opener, camera, noReset, cancel);
                string product = null, serial = null;
                if (session.Transport is UsbCameraTransport usb)
                    (product, serial) = usb.ReadStrings();
                var info = session.GetDeviceInfo(cancel);
                Version chdk = null;
                if (info.SupportsOperation(PtpOperation.Chdk))
                {
                    var r = session.ExecuteRaw(PtpOperation.Chdk, new[] { (uint)ChdkCommand.Version }, null, null, out _, cancel);
                    if (r.IsOk && r.Parameters.Length >= 2) chdk = new Version((int)r.Parameter(0), (int)r.Parameter(1));
                }
                try { session.Close(cancel); }
                catch (PtpException) { }
                return new UsbProbeResult(camera, info, chdk, product, serial, null);
            }
            catch (PtpException e)
            {
                return new UsbProbeResult(camera, null, null, null, null, e);
            }
            finally
            {
                session?.Dispose();
            }
        }
    }
}
