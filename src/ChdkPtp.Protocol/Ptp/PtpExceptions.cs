using System;

namespace ChdkPtp.Protocol.Ptp
{
    /// <summary>Base of every error raised by the protocol library.</summary>
    public class PtpException : Exception
    {
        public PtpException(string message) : base(message) { }
        public PtpException(string message, Exception inner) : base(message, inner) { }
    }

    /// <summary>The camera answered an operation with a response code other than OK.</summary>
    public class PtpResponseException : PtpException
    {
        public PtpResponseException(ushort operationCode, PtpResponseCode responseCode, string operationName = null)
            : base(FormatMessage(operationCode, responseCode, operationName))
        {
            OperationCode = operationCode;
            ResponseCode = responseCode;
            OperationName = operationName ?? PtpNames.Operation(operationCode);
        }

        public ushort OperationCode { get; }
        public PtpResponseCode ResponseCode { get; }
        public string OperationName { get; }

        private static string FormatMessage(ushort op, PtpResponseCode rc, string name) =>
            $"The camera answered {name ?? PtpNames.Operation(op)} with 0x{(ushort)rc:X4} {PtpNames.Response(rc)}.";
    }

    /// <summary>The bytes on the wire do not follow the protocol: wrong container type, a length that lies, truncation.</summary>
    public class PtpProtocolException : PtpException
    {
        public PtpProtocolException(string message) : base(message) { }
        public PtpProtocolException(string message, Exception inner) : base(message, inner) { }
    }

    /// <summary>The link failed: I/O error, device gone, pipe closed.</summary>
    public class PtpTransportException : PtpException
    {
        public PtpTransportException(string message) : base(message) { }
        public PtpTransportException(string message, Exception inner) : base(message, inner) { }
    }

    /// <summary>The camera did not answer in time.</summary>
    public class PtpTimeoutException : PtpTransportException
    {
        public PtpTimeoutException(string message) : base(message) { }
    }

    /// <summary>Names for codes, for messages.</summary>
    public static class PtpNames
    {
        public static string Response(PtpResponseCode code) =>
            Enum.IsDefined(typeof(PtpResponseCode), code) ? code.ToString() : "UnknownResponse";

        public static string Operation(ushort code)
        {
            switch (code)
            {
                case PtpOperation.GetDeviceInfo: return "GetDeviceInfo";
                case PtpOperation.OpenSession: return "OpenSession";
                case PtpOperation.CloseSession: return "CloseSession";
                case PtpOperation.Chdk: return "CHDK (0x9999)";
                default: return "operation 0x" + code.ToString("X4");
            }
        }
    }
}
