using System;
using System.Security.Cryptography;
using System.Text;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Transport.PtpIp
{
    /// <summary>How <see cref="PtpIpTransport.Connect"/> introduces itself and how long it waits.</summary>
    public sealed class PtpIpOptions
    {
        /// <summary>Longest wait for each TCP connect (per resolved address). Default 5 s.</summary>
        public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>Longest wait for the camera's next bytes once a transaction has started (as the USB transport: 5 s).</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>The initiator GUID sent in InitCommandRequest (cameras that pair remember it). Null: a GUID
        /// derived from the machine name, the same on every run on this machine.</summary>
        public Guid? InitiatorGuid { get; set; }

        /// <summary>The friendly name sent in InitCommandRequest (at most 115 characters are sent). Null: the machine name.</summary>
        public string FriendlyName { get; set; }

        /// <summary>The event connection's port; null (the default) uses the command port, as every known camera does.</summary>
        public int? EventPort { get; set; }

        internal PtpIpOptions Clone() => (PtpIpOptions)MemberwiseClone();

        /// <summary>The machine's stable initiator GUID: a name-based (version 5 style) GUID of "ChdkPtp/" + the machine name.</summary>
        public static Guid MachineGuid()
        {
            string name;
            try { name = Environment.MachineName; } catch (InvalidOperationException) { name = "localhost"; }
            byte[] hash;
            using (var sha = SHA1.Create()) hash = sha.ComputeHash(Encoding.UTF8.GetBytes("ChdkPtp/" + name.ToUpperInvariant()));
            var g = new byte[16];
            Array.Copy(hash, g, 16);
            g[7] = (byte)((g[7] & 0x0F) | 0x50); // version 5 (in Guid's little-endian time_hi field)
            g[8] = (byte)((g[8] & 0x3F) | 0x80); // RFC 4122 variant
            return new Guid(g);
        }

        /// <summary>The machine name, or "ChdkPtp" when it cannot be read.</summary>
        public static string MachineFriendlyName()
        {
            try
            {
                var n = Environment.MachineName;
                return string.IsNullOrEmpty(n) ? "ChdkPtp" : n;
            }
            catch (InvalidOperationException) { return "ChdkPtp"; }
        }
    }

    /// <summary>The camera refused the PTP/IP connection with an InitFail packet.</summary>
    public sealed class PtpIpInitFailedException : PtpTransportException
    {
        public PtpIpInitFailedException(string endpoint, PtpIpInitFailReason reason, bool eventConnection)
            : base(Describe(endpoint, reason, eventConnection))
        {
            Reason = reason;
            EventConnection = eventConnection;
        }

        public PtpIpInitFailReason Reason { get; }

        /// <summary>The refusal came on the event connection (after the command connection was accepted).</summary>
        public bool EventConnection { get; }

        private static string Describe(string endpoint, PtpIpInitFailReason reason, bool evt)
        {
            string where = evt ? "event connection" : "connection";
            switch (reason)
            {
                case PtpIpInitFailReason.Rejected:
                    return $"The camera at {endpoint} rejected the {where} (InitFail: rejected initiator): pair this computer with the camera in its Wi-Fi menu first.";
                case PtpIpInitFailReason.Busy:
                    return $"The camera at {endpoint} refused the {where} (InitFail: busy): another computer or app is connected to it. Disconnect that one first.";
                case PtpIpInitFailReason.Unspecified:
                    return $"The camera at {endpoint} refused the {where} (InitFail: unspecified reason).";
                default:
                    return $"The camera at {endpoint} refused the {where} (InitFail with unknown reason {(uint)reason}).";
            }
        }
    }
}
