using System;
using System.Threading;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Transport
{
    /// <summary>
    /// Moves whole PTP phases between host and camera: the command, a data phase in either
    /// direction, and the response. USB frames them as Still-Image-class containers; PTP/IP as TCP
    /// packets. Transactions are sequenced by <see cref="PtpSession"/>, which holds the lock.
    /// </summary>
    public interface IPtpTransport : IDisposable
    {
        /// <summary>Sends an operation request. <paramref name="hasDataOut"/> says a host-to-camera data phase follows.</summary>
        void SendCommand(PtpCommand command, bool hasDataOut, CancellationToken cancel);

        /// <summary>Sends the host-to-camera data phase of the current transaction.</summary>
        void SendData(ushort code, uint transactionId, IPtpDataSource source, CancellationToken cancel);

        /// <summary>
        /// Receives the camera-to-host data phase into <paramref name="sink"/> and returns null; or, when the
        /// camera skips the data phase and answers at once, returns that response.
        /// </summary>
        PtpResponse? ReceiveDataOrResponse(ushort code, uint transactionId, IPtpDataSink sink, CancellationToken cancel);

        /// <summary>Receives the response that ends the transaction.</summary>
        PtpResponse ReceiveResponse(CancellationToken cancel);

        /// <summary>A short description of the link, e.g. "usb:001/004" or "simulator".</summary>
        string Description { get; }
    }
}
