using System;
using System.Collections.Generic;
using System.Globalization;

namespace ChdkPtp.Protocol.Chdk.Capture
{
    /// <summary>The ND filter values of CHDK's <c>set_nd_filter</c>.</summary>
    public enum NdFilterState
    {
        /// <summary>The camera decides (0).</summary>
        Auto = 0,
        /// <summary>Filter in (1).</summary>
        In = 1,
        /// <summary>Filter out (2).</summary>
        Out = 2,
    }

    /// <summary>
    /// Which focus mode a focus distance override uses. CHDK can override the focus in manual focus (MF),
    /// AF lock (AFL) or, on some models, plain AF; <c>get_sd_over_modes()</c> says which (bits 1 AF, 2 AFL,
    /// 4 MF).
    /// </summary>
    public enum FocusOverrideMode
    {
        /// <summary>MF if the camera can, else AF lock, else AF.</summary>
        Any = 0,
        AutoFocus = 1,
        AutoFocusLock = 2,
        ManualFocus = 4,
    }

    /// <summary>
    /// Exposure and focus overrides for shots. Every value is optional (null leaves the camera's own); they are
    /// applied before every shot (CHDK overrides last one shot), by <see cref="CaptureScripts.ApplySettings"/>.
    /// </summary>
    public sealed class ShotSettings
    {
        /// <summary>Shutter time (<c>set_tv96_direct</c>).</summary>
        public ShutterSpeed? Shutter { get; set; }

        /// <summary>Aperture (<c>set_av96_direct</c>; ignored by cameras without an iris).</summary>
        public Aperture? Aperture { get; set; }

        /// <summary>Market ISO (<c>set_sv96(sv96_market_to_real(sv96))</c>).</summary>
        public IsoSpeed? Iso { get; set; }

        /// <summary>Real sv96 given directly (<c>set_sv96</c>), for who knows the camera's real sensitivity scale.
        /// Not together with <see cref="Iso"/>.</summary>
        public int? RealSv96 { get; set; }

        /// <summary>The camera's ISO mode (<c>set_iso_mode</c>): a CHDK ISO id below 50, or an ISO value the
        /// camera rounds to its nearest menu entry.</summary>
        public int? IsoMode { get; set; }

        /// <summary>ND filter (<c>set_nd_filter</c>).</summary>
        public NdFilterState? NdFilter { get; set; }

        /// <summary>Focus distance in millimetres (<c>set_focus</c>), after switching to the focus mode
        /// <see cref="FocusMode"/> picks (<c>set_mf(1)</c> or <c>set_aflock(1)</c>; left so afterwards).</summary>
        public int? FocusDistance { get; set; }

        public FocusOverrideMode FocusMode { get; set; }

        /// <summary>True when nothing is overridden.</summary>
        public bool IsEmpty => Shutter == null && Aperture == null && Iso == null && RealSv96 == null && IsoMode == null
                               && NdFilter == null && FocusDistance == null;

        public ShotSettings Clone() => (ShotSettings)MemberwiseClone();

        /// <summary>Throws <see cref="ArgumentException"/> for contradicting or out-of-range values.</summary>
        public void Validate()
        {
            if (Iso.HasValue && RealSv96.HasValue) throw new ArgumentException("Give the ISO either as a menu ISO or as a real sv96, not both.");
            if (RealSv96.HasValue && (RealSv96.Value < -2000 || RealSv96.Value > 2000)) throw new ArgumentOutOfRangeException(nameof(RealSv96), $"sv96 {RealSv96.Value} is out of range (-2000 to 2000).");
            if (IsoMode.HasValue && (IsoMode.Value < 0 || IsoMode.Value > 1000000)) throw new ArgumentOutOfRangeException(nameof(IsoMode), $"ISO mode {IsoMode.Value} is out of range.");
            if (NdFilter.HasValue && !Enum.IsDefined(typeof(NdFilterState), NdFilter.Value)) throw new ArgumentOutOfRangeException(nameof(NdFilter), "Unknown ND filter state.");
            if (FocusDistance.HasValue && FocusDistance.Value < 1) throw new ArgumentOutOfRangeException(nameof(FocusDistance), "The focus distance is in millimetres and must be at least 1.");
            if (!Enum.IsDefined(typeof(FocusOverrideMode), FocusMode)) throw new ArgumentOutOfRangeException(nameof(FocusMode), "Unknown focus mode.");
            if (FocusMode != FocusOverrideMode.Any && FocusDistance == null) throw new ArgumentException("A focus mode needs a focus distance.");
        }

        /// <summary>
        /// The Lua table <see cref="CaptureScripts.ApplySettings"/> reads: keys <c>tv</c>, <c>av</c>, <c>svm</c>
        /// (market sv96), <c>sv</c> (real sv96), <c>isomode</c>, <c>nd</c>, <c>sd</c> (mm), <c>sdmode</c>
        /// (0 any, 1 AF, 2 AFL, 4 MF); absent keys are not touched.
        /// </summary>
        public IDictionary<string, object> ToLuaTable()
        {
            Validate();
            var t = new Dictionary<string, object>(StringComparer.Ordinal);
            if (Shutter.HasValue) t["tv"] = Shutter.Value.Tv96;
            if (Aperture.HasValue) t["av"] = Aperture.Value.Av96;
            if (Iso.HasValue) t["svm"] = Iso.Value.MarketSv96;
            if (RealSv96.HasValue) t["sv"] = RealSv96.Value;
            if (IsoMode.HasValue) t["isomode"] = IsoMode.Value;
            if (NdFilter.HasValue) t["nd"] = (int)NdFilter.Value;
            if (FocusDistance.HasValue)
            {
                t["sd"] = FocusDistance.Value;
                t["sdmode"] = (int)FocusMode;
            }
            return t;
        }

        /// <summary>E.g. <c>1/250 f/4 ISO 200 ND out focus 1500 mm</c>; empty when nothing is set.</summary>
        public override string ToString()
        {
            var parts = new List<string>();
            if (Shutter.HasValue) parts.Add(Shutter.Value.ToString());
            if (Aperture.HasValue) parts.Add(Aperture.Value.ToString());
            if (Iso.HasValue) parts.Add(Iso.Value.ToString());
            if (RealSv96.HasValue) parts.Add("real sv96=" + RealSv96.Value.ToString(CultureInfo.InvariantCulture));
            if (IsoMode.HasValue) parts.Add("ISO mode " + IsoMode.Value.ToString(CultureInfo.InvariantCulture));
            if (NdFilter.HasValue) parts.Add("ND " + NdFilter.Value.ToString().ToLowerInvariant());
            if (FocusDistance.HasValue)
                parts.Add("focus " + FocusDistance.Value.ToString(CultureInfo.InvariantCulture) + " mm" + (FocusMode == FocusOverrideMode.Any ? string.Empty : " (" + FocusMode + ")"));
            return string.Join(" ", parts);
        }
    }

    /// <summary>How long the host waits for a shot's data (chdkptp's <c>remoteshoot</c> rules).</summary>
    public static class ShotTimeout
    {
        /// <summary>Wait without a known exposure time: 20 s.</summary>
        public static readonly TimeSpan Default = TimeSpan.FromSeconds(20);

        /// <summary>The fixed part with a known exposure: 10 s.</summary>
        public static readonly TimeSpan Base = TimeSpan.FromSeconds(10);

        /// <summary>
        /// <paramref name="overrideTimeout"/> when given (taken as is); otherwise 10 s + 2 × the exposure time when
        /// the shutter is set, else 20 s; and never less than the interval between shots + 10 s.
        /// </summary>
        public static TimeSpan For(ShutterSpeed? shutter, TimeSpan interval = default, TimeSpan? overrideTimeout = null)
        {
            if (overrideTimeout.HasValue)
            {
                if (overrideTimeout.Value <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(overrideTimeout), "The shot timeout must be positive.");
                return overrideTimeout.Value;
            }
            if (interval < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval), "The interval cannot be negative.");
            var t = shutter.HasValue ? Base + TimeSpan.FromTicks(2 * shutter.Value.Duration.Ticks) : Default;
            var floor = interval + Base;
            return t < floor ? floor : t;
        }
    }
}
