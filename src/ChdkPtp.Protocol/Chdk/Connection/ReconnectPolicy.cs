using System;

namespace ChdkPtp.Protocol.Chdk.Connection
{
    /// <summary>
    /// How a session waits for a camera that went away (unplugged, asleep, a hub that dropped) and how often
    /// one operation may reconnect before its failure is final.
    /// </summary>
    public sealed class ReconnectPolicy
    {
        /// <summary>Wait before the first attempt, so a camera that is still booting or a hub that is still
        /// enumerating is not caught half-way (chdkptp's reconnect waits 2 s).</summary>
        public TimeSpan SettleDelay { get; set; } = TimeSpan.FromSeconds(2);

        /// <summary>How long to wait for the camera to come back before giving up.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>Pause between attempts while the camera is not there.</summary>
        public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>Reconnects allowed within one operation (a download, a listing, one timelapse shot)
        /// before its failure is reported; guards against an operation that itself knocks the camera off.</summary>
        public int MaxReconnectsPerOperation { get; set; } = 3;

        public ReconnectPolicy Clone() => (ReconnectPolicy)MemberwiseClone();

        public override string ToString() => $"wait up to {Timeout.TotalSeconds:0.#} s, {MaxReconnectsPerOperation} reconnect(s) per operation";
    }
}
