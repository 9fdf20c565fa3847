using System;
using System.Globalization;
using System.Management.Automation;

namespace ChdkPtp.Internal
{
    /// <summary>
    /// Accepts a camera address as PowerShell users write it: 0x1900, 0xFF810000 (which PowerShell
    /// reads as a negative Int32), a hex string '0xFF810000' or 'FF810000h', or a decimal number.
    /// </summary>
    public sealed class AddressTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            if (inputData is PSObject p) inputData = p.BaseObject;
            switch (inputData)
            {
                case uint u: return u;
                case int i: return unchecked((uint)i);
                case short s: return unchecked((uint)s);
                case ushort us: return (uint)us;
                case byte b: return (uint)b;
                case long l when l >= int.MinValue && l <= uint.MaxValue: return unchecked((uint)l);
                case ulong ul when ul <= uint.MaxValue: return (uint)ul;
                case double d when d == Math.Floor(d) && d >= int.MinValue && d <= uint.MaxValue: return unchecked((uint)(long)d);
                case string str:
                    var t = str.Trim();
                    bool hex = false;
                    if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) { t = t.Substring(2); hex = true; }
                    else if (t.EndsWith("h", StringComparison.OrdinalIgnoreCase)) { t = t.Substring(0, t.Length - 1); hex = true; }
                    if (hex && uint.TryParse(t, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hv)) return hv;
                    if (!hex && uint.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var dv)) return dv;
                    break;
            }
            throw new ArgumentTransformationMetadataException($"'{inputData}' is not a 32-bit camera address. Use a number such as 0x1900 or a string such as '0xFF810000'.");
        }
    }
}
