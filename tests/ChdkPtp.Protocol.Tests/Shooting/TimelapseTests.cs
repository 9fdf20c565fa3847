using System;
using System.IO;
using ChdkPtp.Protocol.Chdk.Shooting;

namespace ChdkPtp.Protocol.Tests.Shooting
{
    public sealed class TimelapseTests : IDisposable
    {
        private static readonly DateTime T0 = new DateTime(2026, 3, 28, 12, 0, 0, DateTimeKind.Utc);
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "chdkptp-tl-" + Guid.NewGuid().ToString("N").Substring(0, 8));

        public TimelapseTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, true);

        [Fact]
        public void Slots_are_anchored_to_the_start_and_end_by_count_or_time()
        {
            var s = new TimelapseSchedule(T0, TimeSpan.FromMinutes(5), count: 3);
            Assert.Equal(T0.AddMinutes(10), s.DueUtc(2));
            Assert.False(s.IsPastEnd(2));
            Assert.True(s.IsPastEnd(3));
            var u = new TimelapseSchedule(T0, TimeSpan.FromMinutes(5), untilUtc: T0.AddMinutes(12));
            Assert.False(u.IsPastEnd(2));
            Assert.True(u.IsPastEnd(3));
            Assert.Throws<ArgumentOutOfRangeException>(() => new TimelapseSchedule(T0, TimeSpan.Zero));
            Assert.Throws<ArgumentOutOfRangeException>(() => new TimelapseSchedule(T0, TimeSpan.FromSeconds(1), count: 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => new TimelapseSchedule(T0, TimeSpan.FromSeconds(1), untilUtc: T0.AddSeconds(-1)));
        }

        [Fact]
        public void Next_waits_for_a_future_slot_takes_a_slightly_late_one_and_skips_missed_ones()
        {
            var s = new TimelapseSchedule(T0, TimeSpan.FromMinutes(5), count: 100);
            var lateness = TimeSpan.FromSeconds(30);
            // before the start: slot 0, nothing missed
            Assert.Equal((0L, T0, 0L), s.Next(0, T0.AddMinutes(-1), lateness));
            // 10 s late: still slot 1
            Assert.Equal((1L, T0.AddMinutes(5), 0L), s.Next(1, T0.AddMinutes(5).AddSeconds(10), lateness));
            // a process restarted 17 minutes later: slots 1..3 missed, slot 4 (at 20 min) is next
            Assert.Equal((4L, T0.AddMinutes(20), 3L), s.Next(1, T0.AddMinutes(17), lateness));
            // exactly on a slot boundary past the lateness: that slot counts as too late only beyond the lateness
            Assert.Equal((4L, T0.AddMinutes(20), 3L), s.Next(1, T0.AddMinutes(15).AddSeconds(30).AddTicks(1), lateness));
            Assert.Equal((3L, T0.AddMinutes(15), 2L), s.Next(1, T0.AddMinutes(15).AddSeconds(30), lateness));
            // over: by count, or when every remaining slot is missed
            Assert.Null(s.Next(100, T0, lateness));
            Assert.Null(s.Next(1, T0.AddDays(1), lateness));
        }

        [Fact]
        public void Daylight_saving_changes_do_not_move_the_slots()
        {
            // 2026-03-29 01:00 UTC is the EU spring-forward; slots are UTC, one hour apart, whatever the local clock does.
            var s = new TimelapseSchedule(new DateTime(2026, 3, 28, 23, 0, 0, DateTimeKind.Utc), TimeSpan.FromHours(1));
            Assert.Equal(new DateTime(2026, 3, 29, 3, 0, 0, DateTimeKind.Utc), s.DueUtc(4));
            Assert.Equal(DateTimeKind.Utc, s.DueUtc(4).Kind);
        }

        [Fact]
        public void State_round_trips_through_its_file_and_is_replaced_atomically()
        {
            var path = Path.Combine(_dir, "tl.state");
            Assert.Null(TimelapseState.Load(path));
            var st = new TimelapseState(new TimelapseSchedule(T0, TimeSpan.FromSeconds(90), untilUtc: T0.AddDays(21)), "D:\\shots\n{seq}")
            {
                NextIndex = 42, Sequence = 40, ShotsTaken = 39, Missed = 3, LastShotUtc = T0.AddSeconds(41 * 90),
            };
            st.Save(path);
            st.NextIndex = 43;
            st.Save(path); // over the old one
            var back = TimelapseState.Load(path);
            Assert.Equal(43, back.NextIndex);
            Assert.Equal(40, back.Sequence);
            Assert.Equal(39, back.ShotsTaken);
            Assert.Equal(3, back.Missed);
            Assert.Equal(st.LastShotUtc, back.LastShotUtc);
            Assert.Equal(T0, back.Schedule.StartUtc);
            Assert.Equal(TimeSpan.FromSeconds(90), back.Schedule.Interval);
            Assert.Null(back.Schedule.Count);
            Assert.Equal(T0.AddDays(21), back.Schedule.UntilUtc);
            Assert.Equal("D:\\shots\n{seq}", back.Destination);
            Assert.Single(Directory.GetFiles(_dir)); // no temporary file left
            Assert.Null(back.Mismatch(TimeSpan.FromSeconds(90), null, T0.AddDays(21), "D:\\shots\n{seq}"));
            Assert.Contains("interval", back.Mismatch(TimeSpan.FromSeconds(60), null, T0.AddDays(21), "D:\\shots\n{seq}"));
            Assert.Contains("destination", back.Mismatch(TimeSpan.FromSeconds(90), null, T0.AddDays(21), "elsewhere"));
            Assert.Contains("count", back.Mismatch(TimeSpan.FromSeconds(90), 10, T0.AddDays(21), "D:\\shots\n{seq}"));
        }

        [Fact]
        public void Damaged_or_foreign_files_are_refused_with_a_clear_error()
        {
            var path = Path.Combine(_dir, "x.state");
            File.WriteAllText(path, "hello");
            Assert.Contains("not a timelapse state", Assert.Throws<InvalidDataException>(() => TimelapseState.Load(path)).Message);
            File.WriteAllText(path, "chdkptp-timelapse 99\n");
            Assert.Contains("another version", Assert.Throws<InvalidDataException>(() => TimelapseState.Load(path)).Message);
            File.WriteAllText(path, "chdkptp-timelapse 1\nstart=yesterday\ninterval=1\ncount=\nuntil=\ndestination=x\nnext=0\nsequence=1\ntaken=0\nmissed=0\nlast=\n");
            Assert.Contains("damaged", Assert.Throws<InvalidDataException>(() => TimelapseState.Load(path)).Message);
            File.WriteAllText(path, "chdkptp-timelapse 1\nstart=2026-01-01T00:00:00Z\n");
            Assert.Contains("has no", Assert.Throws<InvalidDataException>(() => TimelapseState.Load(path)).Message);
        }
    }
}
