using System;

namespace ChdkPtp.Protocol.Chdk.Shooting
{
    /// <summary>
    /// When the shots of a timelapse are due: shot k at <see cref="StartUtc"/> + k × <see cref="Interval"/>
    /// (k = 0, 1, ...), until <see cref="Count"/> shots or <see cref="UntilUtc"/>. Times are UTC, so a series
    /// that runs for weeks keeps its pace across daylight-saving changes. The schedule is anchored to its start:
    /// a slow shot does not push the later ones back, and a restarted process finds the same slots.
    /// </summary>
    public sealed class TimelapseSchedule
    {
        public TimelapseSchedule(DateTime startUtc, TimeSpan interval, int? count = null, DateTime? untilUtc = null)
        {
            if (interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval), "The interval must be positive.");
            if (count.HasValue && count.Value < 1) throw new ArgumentOutOfRangeException(nameof(count), "The count must be at least 1.");
            if (untilUtc.HasValue && untilUtc.Value.ToUniversalTime() < startUtc.ToUniversalTime())
                throw new ArgumentOutOfRangeException(nameof(untilUtc), "The end is before the start.");
            StartUtc = DateTime.SpecifyKind(startUtc.ToUniversalTime(), DateTimeKind.Utc);
            Interval = interval;
            Count = count;
            UntilUtc = untilUtc.HasValue ? DateTime.SpecifyKind(untilUtc.Value.ToUniversalTime(), DateTimeKind.Utc) : (DateTime?)null;
        }

        public DateTime StartUtc { get; }

        public TimeSpan Interval { get; }

        /// <summary>Number of shots, or null for no limit by count.</summary>
        public int? Count { get; }

        /// <summary>No shot is due after this time; null for no limit by time.</summary>
        public DateTime? UntilUtc { get; }

        /// <summary>The time shot <paramref name="index"/> is due.</summary>
        public DateTime DueUtc(long index)
        {
            if (index < 0) throw new ArgumentOutOfRangeException(nameof(index));
            double ticks = (double)Interval.Ticks * index;
            if (ticks > (DateTime.MaxValue - StartUtc).Ticks) return DateTime.MaxValue;
            return StartUtc + TimeSpan.FromTicks(Interval.Ticks * index);
        }

        /// <summary>True when shot <paramref name="index"/> is past the end (count or time).</summary>
        public bool IsPastEnd(long index) =>
            (Count.HasValue && index >= Count.Value) || (UntilUtc.HasValue && DueUtc(index) > UntilUtc.Value);

        /// <summary>
        /// The next shot to take at <paramref name="nowUtc"/>, given that shots before <paramref name="nextIndex"/>
        /// are done: that shot if it is due later or is late by less than <paramref name="lateness"/> (it is then
        /// taken at once), else the first slot not yet due (the slots between are missed: a process that was not
        /// running, a camera that was away). Returns null when the series is over.
        /// </summary>
        public (long Index, DateTime DueUtc, long Missed)? Next(long nextIndex, DateTime nowUtc, TimeSpan lateness)
        {
            if (nextIndex < 0) throw new ArgumentOutOfRangeException(nameof(nextIndex));
            nowUtc = nowUtc.ToUniversalTime();
            long index = nextIndex;
            if (IsPastEnd(index)) return null;
            var due = DueUtc(index);
            if (nowUtc - due > lateness)
            {
                // The first slot that is not more than `lateness` late.
                long behind = (long)Math.Ceiling((double)(nowUtc - due - lateness).Ticks / Interval.Ticks);
                index += behind;
                if (IsPastEnd(index)) return null;
                due = DueUtc(index);
            }
            return (index, due, index - nextIndex);
        }
    }
}
