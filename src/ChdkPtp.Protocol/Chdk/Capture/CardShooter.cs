using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading;
using ChdkPtp.Protocol.Chdk.Files;
using ChdkPtp.Protocol.Chdk.Scripting;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Chdk.Capture
{
    /// <summary>What a <see cref="CardShooter"/> run does.</summary>
    public sealed class CardShootOptions
    {
        /// <summary>Exposure and focus overrides applied before each shot (null: the camera's own).</summary>
        public ShotSettings Settings { get; set; }

        /// <summary>Number of shots, at least 1.</summary>
        public int Count { get; set; } = 1;

        /// <summary>Start of one shot to start of the next; zero: one after the other.</summary>
        public TimeSpan Interval { get; set; }

        /// <summary>How long the camera waits for each expected file to appear on the card with a stable size
        /// (the camera writes JPEGs after the shot). Default 3 s.</summary>
        public TimeSpan FileWait { get; set; } = TimeSpan.FromSeconds(3);

        /// <summary>Longest gap between two shot reports; null for <see cref="ShotTimeout.For"/> of the shutter and
        /// interval, plus <see cref="FileWait"/>.</summary>
        public TimeSpan? ShotTimeout { get; set; }

        /// <summary>The sequence number of the first shot (<see cref="CardShot.Sequence"/>). Default 1.</summary>
        public int StartSequence { get; set; } = 1;

        /// <summary>Kill a script already running on the camera instead of failing.</summary>
        public bool KillRunningScript { get; set; }

        /// <summary>How long the script may take to end after a stop message before it is killed. Default 2 s.</summary>
        public TimeSpan StopWait { get; set; } = TimeSpan.FromSeconds(2);

        public CardShootOptions Clone()
        {
            var c = (CardShootOptions)MemberwiseClone();
            c.Settings = Settings?.Clone();
            return c;
        }

        public TimeSpan EffectiveShotTimeout => ShotTimeout ?? Capture.ShotTimeout.For(Settings?.Shutter, Interval) + FileWait;

        public void Validate()
        {
            if (Count < 1) throw new ArgumentOutOfRangeException(nameof(Count), "Take at least one shot.");
            if (Interval < TimeSpan.Zero || Interval.TotalMilliseconds > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(Interval), "The interval must be 0 or more (and under 24 days).");
            if (FileWait < TimeSpan.Zero || FileWait.TotalMilliseconds > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(FileWait), "The file wait must be 0 or more.");
            if (ShotTimeout.HasValue && ShotTimeout.Value <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ShotTimeout), "The shot timeout must be positive.");
            if (StopWait < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(StopWait));
            Settings?.Validate();
        }
    }

    /// <summary>One shot taken to the card, and the files it left there.</summary>
    public sealed class CardShot
    {
        public CardShot(int shot, int sequence, int imageNumber, string directory, IReadOnlyList<CameraItem> files, IReadOnlyList<string> missing, DateTime shotTime)
        {
            Shot = shot;
            Sequence = sequence;
            ImageNumber = imageNumber;
            Directory = directory;
            Files = files;
            Missing = missing;
            ShotTime = shotTime;
        }

        /// <summary>1 for the run's first shot.</summary>
        public int Shot { get; }

        public int Sequence { get; }

        /// <summary><c>get_exp_count()</c> after the shot: the <c>nnnn</c> of <c>IMG_nnnn</c>.</summary>
        public int ImageNumber { get; }

        /// <summary><c>get_image_dir()</c>, e.g. <c>A/DCIM/100CANON</c>.</summary>
        public string Directory { get; }

        /// <summary>The shot's files on the card (download them with <see cref="ChdkFileSystem.Download(CameraItem, System.IO.Stream, IProgress{long}, CancellationToken)"/>,
        /// which needs no script and works while the run goes on).</summary>
        public IReadOnlyList<CameraItem> Files { get; }

        /// <summary>Names the camera's image format promised that did not appear in time.</summary>
        public IReadOnlyList<string> Missing { get; }

        /// <summary>Local time on this computer when the report arrived.</summary>
        public DateTime ShotTime { get; }

        public override string ToString() => $"Shot {Shot}: {Directory} IMG_{ImageNumber:0000} ({Files.Count} files)";
    }

    /// <summary>
    /// Shooting to the card: the camera saves the pictures itself; one script (<see cref="CaptureScripts.ShootToCard"/>)
    /// takes the shots and reports each one's files as a message, which <see cref="Shoot"/> yields as it arrives.
    /// Ending the enumeration early, an error or cancellation sends the script <c>stop</c> and kills it if it does
    /// not end within <see cref="CardShootOptions.StopWait"/>.
    /// </summary>
    public sealed class CardShooter
    {
        private static readonly byte[] s_stop = Encoding.ASCII.GetBytes("stop");

        public CardShooter(ChdkClient client)
        {
            Client = client ?? throw new ArgumentNullException(nameof(client));
        }

        public ChdkClient Client { get; }

        /// <summary>Warnings (files that did not appear, fewer shots than asked, stop failures).</summary>
        public Action<string> Warning { get; set; }

        /// <summary>
        /// Takes the shots and yields one <see cref="CardShot"/> per shot as the camera reports it.
        /// </summary>
        /// <exception cref="ArgumentException">Bad options (thrown at once).</exception>
        /// <remarks>During the enumeration: <see cref="ChdkCaptureException"/> (playback mode, a failed shot, settings
        /// the camera cannot apply), <see cref="ChdkScriptRunningException"/>, <see cref="ChdkScriptException"/>,
        /// <see cref="ChdkTimeoutException"/> (no report within the shot timeout), <see cref="OperationCanceledException"/>.</remarks>
        public IEnumerable<CardShot> Shoot(CardShootOptions options, CancellationToken cancel = default)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            var o = options.Clone();
            o.Validate();
            return Run(o, cancel);
        }

        private IEnumerable<CardShot> Run(CardShootOptions o, CancellationToken cancel)
        {
            cancel.ThrowIfCancellationRequested();
            var settings = o.Settings == null || o.Settings.IsEmpty ? null : o.Settings.ToLuaTable();
            var args = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["count"] = o.Count,
                ["interval"] = (int)Math.Round(o.Interval.TotalMilliseconds),
                ["wait"] = (int)Math.Round(o.FileWait.TotalMilliseconds),
                ["tmo"] = 30000,
            };
            if (settings != null) args["exp"] = settings;
            uint id = ScriptRunner.Start(Client, CaptureScripts.ShootToCardScript, new object[] { args }, o.KillRunningScript, Warning);
            bool running = true;
            int? taken = null;
            int reported = 0;
            var timeout = o.EffectiveShotTimeout;
            try
            {
                var clock = Stopwatch.StartNew();
                var delay = TimeSpan.FromMilliseconds(4);
                while (true)
                {
                    cancel.ThrowIfCancellationRequested();
                    var status = Client.GetScriptStatus();
                    if ((status & ScriptStatus.MessagesQueued) != 0)
                    {
                        var m = Client.ReadScriptMessage();
                        if (m == null) continue;
                        if (m.ScriptId != id)
                        {
                            Warning?.Invoke($"Dropped a {m.Type} message from script {m.ScriptId} while shooting.");
                            continue;
                        }
                        if (m.Type == ScriptMessageType.Error)
                        {
                            running = false;
                            throw CaptureErrors.FromErrorMessage(m, id);
                        }
                        if (m.Type == ScriptMessageType.Return)
                        {
                            if (ScriptRunner.DecodeValue(m, Warning) is int n && !taken.HasValue) taken = n;
                            continue;
                        }
                        var shot = ParseShot(ScriptRunner.DecodeValue(m, Warning), o);
                        reported++;
                        clock.Restart();
                        delay = TimeSpan.FromMilliseconds(4);
                        if (shot.Missing.Count > 0)
                            Warning?.Invoke($"{string.Join(", ", shot.Missing)} did not appear in {shot.Directory} within {o.FileWait.TotalSeconds:0.###} s of shot {shot.Shot}.");
                        yield return shot;
                        continue;
                    }
                    if ((status & ScriptStatus.Running) == 0)
                    {
                        running = false;
                        break;
                    }
                    if (clock.Elapsed >= timeout)
                        throw new ChdkTimeoutException($"Shot {reported + 1} of {o.Count} was not reported within {timeout.TotalSeconds:0.###} s.");
                    if (cancel.WaitHandle.WaitOne(delay)) cancel.ThrowIfCancellationRequested();
                    var next = TimeSpan.FromTicks(delay.Ticks * 2);
                    delay = next > TimeSpan.FromMilliseconds(250) ? TimeSpan.FromMilliseconds(250) : next;
                }
                if (reported < o.Count)
                    Warning?.Invoke($"The camera took {taken ?? reported} of the {o.Count} shots asked for.");
            }
            finally
            {
                if (running) Stop(id, o);
            }
        }

        private CardShot ParseShot(object value, CardShootOptions o)
        {
            if (!(value is object[] a) || a.Length < 5 || !(a[0] is int shot) || !(a[1] is int number) || !(a[2] is string dir) || !(a[3] is object[] files) || !(a[4] is object[] missing))
                throw new PtpProtocolException("A shot report from the camera has an unexpected shape.");
            var items = new List<CameraItem>();
            foreach (var f in files)
            {
                if (!(f is object[] e) || e.Length < 4 || !(e[0] is string name) || !(e[1] is int size) || !(e[2] is int mtime) || !(e[3] is int attrib))
                    throw new PtpProtocolException("A file in a shot report has an unexpected shape.");
                items.Add(new CameraItem(dir, name, (uint)size, mtime, (FatAttributes)(attrib & 0xFF), false));
            }
            var miss = new List<string>();
            foreach (var x in missing)
                if (x is string s) miss.Add(s);
            return new CardShot(shot, unchecked(o.StartSequence + shot - 1), number, dir, items, miss, DateTime.Now);
        }

        private void Stop(uint id, CardShootOptions o)
        {
            try
            {
                var answer = Client.WriteScriptMessage(s_stop, id);
                if (answer == WriteScriptMessageStatus.NotRunning || answer == WriteScriptMessageStatus.BadId) return;
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed < o.StopWait)
                {
                    var st = Client.GetScriptStatus();
                    if ((st & ScriptStatus.MessagesQueued) != 0)
                    {
                        Client.ReadScriptMessage();
                        continue;
                    }
                    if ((st & ScriptStatus.Running) == 0) return;
                    Thread.Sleep(20);
                }
                ScriptRunner.Kill(Client, true, TimeSpan.FromSeconds(5), CancellationToken.None);
            }
            catch (Exception ex) when (ex is PtpException || ex is ObjectDisposedException || ex is InvalidOperationException)
            {
                Warning?.Invoke("The shooting script could not be stopped: " + ex.Message);
            }
        }
    }
}
