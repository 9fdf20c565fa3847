using System;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Chdk.Connection
{
    /// <summary>
    /// What makes a camera the same camera after a reconnect: its model, its serial number and, over USB,
    /// its product id (chdkptp's strict reconnect compares the same three).
    /// </summary>
    public sealed class CameraIdentity : IEquatable<CameraIdentity>
    {
        public CameraIdentity(string model, string serialNumber, ushort? productId)
        {
            Model = model ?? string.Empty;
            SerialNumber = serialNumber ?? string.Empty;
            ProductId = productId;
        }

        /// <summary>The identity a connected camera reports (product id: the USB id, null over PTP/IP).</summary>
        public static CameraIdentity Of(DeviceInfo info, ushort? productId) =>
            new CameraIdentity(info?.Model, info?.SerialNumber, productId);

        public string Model { get; }

        /// <summary>Empty on old cameras that report none.</summary>
        public string SerialNumber { get; }

        public ushort? ProductId { get; }

        /// <summary>The first difference from <paramref name="other"/> in words, or null when they are the same camera.</summary>
        public string Difference(CameraIdentity other)
        {
            if (other == null) return "no camera";
            if (!string.Equals(Model, other.Model, StringComparison.Ordinal)) return $"the model is '{other.Model}', not '{Model}'";
            if (!string.Equals(SerialNumber, other.SerialNumber, StringComparison.OrdinalIgnoreCase))
                return $"the serial number is '{other.SerialNumber}', not '{SerialNumber}'";
            if (ProductId.HasValue && other.ProductId.HasValue && ProductId != other.ProductId)
                return $"the USB product id is 0x{other.ProductId:X4}, not 0x{ProductId:X4}";
            return null;
        }

        public bool Equals(CameraIdentity other) => other != null && Difference(other) == null;

        public override bool Equals(object obj) => Equals(obj as CameraIdentity);

        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Model) ^ StringComparer.OrdinalIgnoreCase.GetHashCode(SerialNumber);

        public override string ToString() =>
            Model + (SerialNumber.Length > 0 ? $" (serial {SerialNumber})" : string.Empty) + (ProductId.HasValue ? $" [0x{ProductId:X4}]" : string.Empty);
    }
}
