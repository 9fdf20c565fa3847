using System;
using System.Globalization;
using System.Management.Automation;

namespace ChdkPtp.Internal
{
    /// <summary>
    /// Lets a TimeSpan parameter take seconds as a number (<c>-Timeout 2.5</c>) as well as a TimeSpan or its text
    /// (<c>'00:05:00'</c>). Without it PowerShell would turn a number into ticks (<c>[TimeSpan]5</c> is 5 ticks).
    /// </summary>
    public sealed class SecondsOrTimeSpanAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var raw = inputData is PSObject p ? p.BaseObject : inputData;
            switch (raw)
            {
                case null: return null;
                case TimeSpan t: return t;
                case string s: return Parse(s);
                case double d: return FromSeconds(d);
                case float f: return FromSeconds(f);
                case decimal m: return FromSeconds((double)m);
                case int _: case long _: case short _: case byte _: case uint _: case ulong _: case ushort _: case sbyte _:
                    return FromSeconds(Convert.ToDouble(raw, CultureInfo.InvariantCulture));
                default: return inputData;
            }
        }

        /// <summary>"2.5" (seconds) or a TimeSpan text ("00:05:00", "1.02:00:00").</summary>
        internal static TimeSpan Parse(string s)
        {
            var text = s.Trim();
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)) return FromSeconds(seconds);
            if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var t)) return t;
            throw new ArgumentTransformationMetadataException($"'{s}' is neither a number of seconds nor a time span such as '00:05:00'.");
        }

        private static TimeSpan FromSeconds(double seconds)
        {
            if (double.IsNaN(seconds) || double.IsInfinity(seconds) || Math.Abs(seconds) > TimeSpan.MaxValue.TotalSeconds)
                throw new ArgumentTransformationMetadataException($"{seconds} seconds is not a usable time span.");
            return TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        }
    }
}
