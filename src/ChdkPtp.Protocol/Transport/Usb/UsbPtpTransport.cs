using System;
using System.Threading;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Transport.Usb
{
    /// <summary>The host side of PTP over USB bulk pipes, framed by <see cref="UsbContainerChannel"/>.</summary>
    public sealed class UsbPtpTransport : IPtpTransport
    {
        private readonly UsbContainerChannel _channel;
        private readonly IDisposable _owner;
        private readonly byte[] _small = new byte[64];

        /// <param name="io">The bulk pipes.</param>
        /// <param name="description">Shown in messages.</param>
        /// <param name="owner">Disposed with the transport (the device handle or simulator link), may be null.</param>
        public UsbPtpTransport(IUsbBulkIo io, string description, IDisposable owner = null)
        {
            _channel = new UsbContainerChannel(io);
            Description = description ?? "usb";
            _owner = owner;
        }

        public string Description { get; }

        public void SendCommand(PtpCommand command, bool hasDataOut, CancellationToken cancel) =>
            _channel.SendParameters(PtpContainerType.Command, command.Code, command.TransactionId, command.Parameters, cancel);

        public void SendData(ushort code, uint transactionId, IPtpDataSource source, CancellationToken cancel) =>
            _channel.SendData(code, transactionId, source, cancel);

        public PtpResponse? ReceiveDataOrResponse(ushort code, uint transactionId, IPtpDataSink sink, CancellationToken cancel)
        {
            var header = _channel.Receive(h => h.Type == PtpContainerType.Data ? sink : null, _small, out int n, cancel);
            switch (header.Type)
            {
                case PtpContainerType.Data:
                    if (header.Code != code)
                        throw new PtpProtocolException($"Expected data for operation 0x{code:X4}, got data for 0x{header.Code:X4}.");
                    return null;
                case PtpContainerType.Response:
                    return ToResponse(header, n);
                default:
                    throw new PtpProtocolException($"Expected a DATA or RESPONSE container, got {header}.");
            }
        }

        public PtpResponse ReceiveResponse(CancellationToken cancel)
        {
            var header = _channel.Receive(null, _small, out int n, cancel);
            if (header.Type != PtpContainerType.Response)
                throw new PtpProtocolException($"Expected a RESPONSE container, got {header}.");
            return ToResponse(header, n);
        }

        private PtpResponse ToResponse(UsbContainerHeader header, int payloadLength)
        {
            if (payloadLength % 4 != 0 || payloadLength > 20)
                throw new PtpProtocolException($"A response must carry 0 to 5 whole 32-bit parameters; this one has {payloadLength} payload bytes.");
            var p = new uint[payloadLength / 4];
            for (int i = 0; i < p.Length; i++) p[i] = UsbContainerHeader.ReadUInt32(_small.AsSpan(4 * i));
            return new PtpResponse((PtpResponseCode)header.Code, header.TransactionId, p);
        }

        public void Dispose()
        {
            _channel.Dispose();
            _owner?.Dispose();
        }
    }
}
