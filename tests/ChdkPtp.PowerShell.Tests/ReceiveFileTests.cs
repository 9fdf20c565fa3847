using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;

namespace ChdkPtp.PowerShell.Tests
{
    /// <summary>Receive-ChdkFile against the simulator's card, as a user runs it.</summary>
    public class ReceiveFileTests : IDisposable
    {
        private readonly PsHost _h = new PsHost();
        private readonly string _card;
        private static readonly DateTime Old = new DateTime(2026, 11, 20, 10, 0, 0);
        private static readonly DateTime Recent = new DateTime(2026, 11, 22, 18, 30, 15);

        public ReceiveFileTests()
        {
            _card = (string)_h.Run("$cam = Connect-ChdkCamera -Simulator; $cam.SimulatorRoot").AssertClean().Values.Single();
            Card("DCIM/100CANON/IMG_0001.JPG", 1000, Old);
            Card("DCIM/100CANON/IMG_0002.JPG", 70_000, Recent);
            Card("DCIM/100CANON/IMG_0002.CR2", 513, Recent);
            Card("DCIM/101CANON/IMG_0003.JPG", 0x23F4 + 7 * 512, Recent);
            Card("DCIM/101CANON/IMG_0004.JPG", 0, Recent);
            Card("CHDK/SCRIPTS/TEST.LUA", 10, Old);
        }

        public void Dispose() => _h.Dispose();

        /// <summary>A camera file with content that differs per file and per offset.</summary>
        private byte[] Card(string relative, int size, DateTime time)
        {
            var path = Path.Combine(_card, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path));
            var data = new byte[size];
            new Random(relative.GetHashCode() ^ size).NextBytes(data);
            File.WriteAllBytes(path, data);
            File.SetLastWriteTime(path, time);
            return data;
        }

        private byte[] CardBytes(string relative) => File.ReadAllBytes(Path.Combine(_card, relative));

        private string Local(string relative) => Path.Combine(_h.WorkDir, relative);

        private void AssertReceived(string cardRelative, string localRelative)
        {
            var local = Local(localRelative);
            Assert.True(File.Exists(local), local + " is missing");
            Assert.Equal(CardBytes(cardRelative), File.ReadAllBytes(local));
            Assert.Equal(File.GetLastWriteTime(Path.Combine(_card, cardRelative)), File.GetLastWriteTime(local));
        }

        private string[] LocalFiles(string folder = "") =>
            Directory.GetFiles(Local(folder), "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(_h.WorkDir, f).Replace('\\', '/')).OrderBy(f => f, StringComparer.Ordinal).ToArray();

        [Fact]
        public void TheDoneMeansPipelineReceivesRecentFilesFlatKeepingTimes()
        {
            var r = _h.Run("Get-ChdkItem A/DCIM -Recurse -File -After ([datetime]'2026-11-21') | Receive-ChdkFile -Destination ./today").AssertClean();
            Assert.Empty(r.Output); // no -PassThru
            Assert.Equal(new[] { "today/IMG_0002.CR2", "today/IMG_0002.JPG", "today/IMG_0003.JPG", "today/IMG_0004.JPG" }, LocalFiles("today"));
            AssertReceived("DCIM/100CANON/IMG_0002.JPG", "today/IMG_0002.JPG");
            AssertReceived("DCIM/100CANON/IMG_0002.CR2", "today/IMG_0002.CR2");
            AssertReceived("DCIM/101CANON/IMG_0003.JPG", "today/IMG_0003.JPG");
            AssertReceived("DCIM/101CANON/IMG_0004.JPG", "today/IMG_0004.JPG"); // zero length: from the listing's size
            Assert.Equal(Recent, File.GetLastWriteTime(Local("today/IMG_0002.JPG")));
            // progress: files, bytes and rate
            Assert.Contains(r.Progress, p => p.StatusDescription != null && p.StatusDescription.Contains("files") && p.StatusDescription.Contains("/s"));
            Assert.Equal(ProgressRecordType.Completed, r.Progress.Last().RecordType);
        }

        [Fact]
        public void PathsWildcardsAndDateFiltersWithoutAListing()
        {
            var r = _h.Run("Receive-ChdkFile A/DCIM/*/IMG_000[12].* -Destination out -Before ([datetime]'2026-11-22 18:30:15') -PassThru").AssertClean();
            var info = (FileInfo)Assert.Single(r.Output).BaseObject;
            Assert.Equal(Local("out/IMG_0001.JPG"), info.FullName);
            Assert.Equal("A/DCIM/100CANON/IMG_0001.JPG", Assert.Single(r.Output).Properties["CameraPath"].Value);
            Assert.Equal(1, Assert.Single(r.Output).Properties["ImageNumber"].Value);
            AssertReceived("DCIM/100CANON/IMG_0001.JPG", "out/IMG_0001.JPG");
            // -After is strict, as Get-ChdkItem's: the exact time is excluded
            _h.Run("Receive-ChdkFile A/DCIM/100CANON -Destination out2 -After ([datetime]'2026-11-22 18:30:14')").AssertClean();
            Assert.Equal(new[] { "out2/IMG_0002.CR2", "out2/IMG_0002.JPG" }, LocalFiles("out2"));
        }

        [Fact]
        public void RecurseMirrorsTheFoldersBelowTheListedPathFromAPathOrFromThePipeline()
        {
            _h.Run("Receive-ChdkFile A/DCIM -Recurse -Destination tree").AssertClean();
            var expected = new[] { "100CANON/IMG_0001.JPG", "100CANON/IMG_0002.CR2", "100CANON/IMG_0002.JPG", "101CANON/IMG_0003.JPG", "101CANON/IMG_0004.JPG" };
            Assert.Equal(expected.Select(e => "tree/" + e), LocalFiles("tree"));
            foreach (var e in expected) AssertReceived("DCIM/" + e, "tree/" + e);

            _h.Run("Get-ChdkItem A/DCIM -Recurse -File | Receive-ChdkFile -Recurse -Destination piped").AssertClean();
            Assert.Equal(expected.Select(e => "piped/" + e), LocalFiles("piped"));

            // piped folders with -Recurse bring their trees; the files listed as well are not received twice
            var r = _h.Run("Get-ChdkItem A/ -Recurse | Receive-ChdkFile -Recurse -Destination all -Verbose").AssertClean();
            Assert.Equal(new[] { "all/CHDK/SCRIPTS/TEST.LUA" }.Concat(expected.Select(e => "all/DCIM/" + e)), LocalFiles("all"));
            Assert.Contains(r.Verbose, v => v.Message.Contains("already received"));
        }

        [Fact]
        public void ATreeSentAndReceivedBackIsByteExactWithItsTimes()
        {
            var files = new Dictionary<string, DateTime>
            {
                ["src/A.TXT"] = new DateTime(2021, 3, 4, 5, 6, 7),
                ["src/SUB/B.BIN"] = new DateTime(2019, 12, 31, 23, 59, 59),
                ["src/SUB/DEEP/C.JPG"] = new DateTime(2026, 11, 23, 0, 0, 1),
                ["src/SUB/DEEP/EMPTY.DAT"] = new DateTime(2000, 1, 1, 0, 0, 0),
            };
            var sizes = new[] { 513, 0x23F4 + 512, 512 * 9 - 11, 0 };
            int i = 0;
            foreach (var f in files)
            {
                var path = Local(f.Key);
                Directory.CreateDirectory(Path.GetDirectoryName(path));
                var data = new byte[sizes[i++]];
                new Random(i).NextBytes(data);
                File.WriteAllBytes(path, data);
                File.SetLastWriteTime(path, f.Value);
            }
            _h.Run("Send-ChdkFile ./src A/RT/ -Recurse; Receive-ChdkFile A/RT -Recurse -Destination back").AssertClean();
            foreach (var f in files)
            {
                var back = Local("back/" + f.Key);
                Assert.Equal(File.ReadAllBytes(Local(f.Key)), File.ReadAllBytes(back));
                Assert.Equal(f.Value, File.GetLastWriteTime(back));
            }
            Assert.Equal(files.Keys.Select(k => "back/" + k).OrderBy(k => k, StringComparer.Ordinal), LocalFiles("back"));
        }

        [Fact]
        public void FoldersWithoutRecurseAreWarnedAbout()
        {
            var r = _h.Run("Receive-ChdkFile A/DCIM -Destination x").AssertClean();
            Assert.Equal(2, r.Warnings.Count(w => w.Message.Contains("use -Recurse")));
            Assert.False(Directory.Exists(Local("x")) && Directory.EnumerateFileSystemEntries(Local("x")).Any());
        }

        [Fact]
        public void ASingleFileTakesTheDestinationAsItsNameUnlessThatIsAFolder()
        {
            _h.Run("Receive-ChdkFile A/DCIM/100CANON/IMG_0001.JPG first.jpg").AssertClean();
            AssertReceived("DCIM/100CANON/IMG_0001.JPG", "first.jpg");
            Directory.CreateDirectory(Local("existing"));
            _h.Run("Receive-ChdkFile A/DCIM/100CANON/IMG_0001.JPG existing").AssertClean();
            AssertReceived("DCIM/100CANON/IMG_0001.JPG", "existing/IMG_0001.JPG");
            _h.Run("Receive-ChdkFile A/DCIM/100CANON/IMG_0001.JPG new/folder/").AssertClean();
            AssertReceived("DCIM/100CANON/IMG_0001.JPG", "new/folder/IMG_0001.JPG");
            // default destination: the current folder; -LiteralPath
            _h.Run("Receive-ChdkFile -LiteralPath A/CHDK/SCRIPTS/TEST.LUA").AssertClean();
            AssertReceived("CHDK/SCRIPTS/TEST.LUA", "TEST.LUA");
            // a folder that holds one file is still a folder: the destination is a folder too
            _h.Run("Receive-ChdkFile A/CHDK/SCRIPTS -Destination scripts").AssertClean();
            AssertReceived("CHDK/SCRIPTS/TEST.LUA", "scripts/TEST.LUA");
            // several files and a file as the destination: refused, nothing written
            var r = _h.Run("Receive-ChdkFile A/DCIM/100CANON -Destination first.jpg");
            Assert.Equal("ChdkDestinationIsFile,ChdkPtp.Commands.ReceiveChdkFileCommand", Assert.Single(r.Errors).FullyQualifiedErrorId);
            AssertReceived("DCIM/100CANON/IMG_0001.JPG", "first.jpg");
        }

        [Fact]
        public void ExistingFilesAreNotOverwrittenUnlessForcedOrOlderWithUpdate()
        {
            Directory.CreateDirectory(Local("d"));
            File.WriteAllText(Local("d/IMG_0001.JPG"), "mine");
            File.SetLastWriteTime(Local("d/IMG_0001.JPG"), Old.AddDays(1)); // newer than the camera's
            File.WriteAllText(Local("d/IMG_0002.JPG"), "mine too");
            File.SetLastWriteTime(Local("d/IMG_0002.JPG"), Recent.AddSeconds(-1)); // older than the camera's

            var r = _h.Run("Receive-ChdkFile A/DCIM/100CANON -Destination d");
            Assert.Equal(2, r.Errors.Count);
            Assert.All(r.Errors, e => Assert.Equal("ChdkFileExists,ChdkPtp.Commands.ReceiveChdkFileCommand", e.FullyQualifiedErrorId));
            Assert.Equal("mine", File.ReadAllText(Local("d/IMG_0001.JPG")));
            Assert.Equal("mine too", File.ReadAllText(Local("d/IMG_0002.JPG")));
            AssertReceived("DCIM/100CANON/IMG_0002.CR2", "d/IMG_0002.CR2"); // the rest went on

            var u = _h.Run("Receive-ChdkFile A/DCIM/100CANON -Destination d -Update -Verbose").AssertClean();
            Assert.Equal("mine", File.ReadAllText(Local("d/IMG_0001.JPG")));
            AssertReceived("DCIM/100CANON/IMG_0002.JPG", "d/IMG_0002.JPG");
            Assert.Equal(2, u.Verbose.Count(v => v.Message.Contains("as new as")));
            // a second -Update run finds everything up to date
            Assert.Equal(3, _h.Run("Receive-ChdkFile A/DCIM/100CANON -Destination d -Update -Verbose").AssertClean().Verbose.Count(v => v.Message.Contains("as new as")));

            File.SetAttributes(Local("d/IMG_0001.JPG"), FileAttributes.ReadOnly);
            _h.Run("Receive-ChdkFile A/DCIM/100CANON -Destination d -Force").AssertClean();
            AssertReceived("DCIM/100CANON/IMG_0001.JPG", "d/IMG_0001.JPG");

            var both = _h.Run("Receive-ChdkFile A/DCIM -Force -Update");
            Assert.StartsWith("ChdkInvalidArgument,", Assert.Single(both.Errors).FullyQualifiedErrorId);
        }

        [Fact]
        public void FlatNamesThatClashAreErrorsNotSilentSkips()
        {
            Card("DCIM/101CANON/IMG_0001.JPG", 77, Recent);
            var r = _h.Run("Get-ChdkItem A/DCIM -Recurse -File -Filter IMG_0001.JPG | Receive-ChdkFile -Destination flat");
            var e = Assert.Single(r.Errors);
            Assert.Equal("ChdkFileExists,ChdkPtp.Commands.ReceiveChdkFileCommand", e.FullyQualifiedErrorId);
            Assert.Contains("-Recurse", e.Exception.Message);
            AssertReceived("DCIM/100CANON/IMG_0001.JPG", "flat/IMG_0001.JPG");
        }

        [Fact]
        public void RemoveDeletesCameraFilesOnlyAfterTheyArrived()
        {
            Directory.CreateDirectory(Local("r"));
            File.WriteAllText(Local("r/IMG_0002.JPG"), "keep");
            var r = _h.Run("Get-ChdkItem A/DCIM/100CANON/*.JPG | Receive-ChdkFile -Destination r -Remove");
            Assert.Equal("ChdkFileExists,ChdkPtp.Commands.ReceiveChdkFileCommand", Assert.Single(r.Errors).FullyQualifiedErrorId);
            Assert.False(File.Exists(Path.Combine(_card, "DCIM/100CANON/IMG_0001.JPG")), "received file was not removed");
            Assert.True(File.Exists(Path.Combine(_card, "DCIM/100CANON/IMG_0002.JPG")), "a file that was not received was removed");
            Assert.Equal(1000, new FileInfo(Local("r/IMG_0001.JPG")).Length);

            // a zero-length file (CHDK cannot send it) arrives empty and may be removed
            _h.Run("Receive-ChdkFile A/DCIM/101CANON/IMG_0004.JPG -Destination r/ -Remove").AssertClean();
            Assert.Equal(0, new FileInfo(Local("r/IMG_0004.JPG")).Length);
            Assert.False(File.Exists(Path.Combine(_card, "DCIM/101CANON/IMG_0004.JPG")));
        }

        [Fact]
        public void WhatIfListsThePlanAndChangesNothing()
        {
            var r = _h.Run("Receive-ChdkFile A/DCIM -Recurse -Destination plan -Remove -WhatIf").AssertClean();
            Assert.False(Directory.Exists(Local("plan")));
            Assert.True(File.Exists(Path.Combine(_card, "DCIM/100CANON/IMG_0001.JPG")));
            Assert.Empty(r.Output);
        }

        [Fact]
        public void TransferSizesOfTheCameraSuiteArriveByteExact()
        {
            var sizes = new[] { 1, 511, 512, 513, 4096, 256 * 1024, 500 * 1024, 0x23F4, 0x23F4 + 512, 512 * 7 - 11, 512 * 7 - 1 };
            foreach (var s in sizes) Card($"SIZES/S{s}.BIN", s, Old);
            _h.Run("Receive-ChdkFile A/SIZES -Destination sizes").AssertClean();
            foreach (var s in sizes) AssertReceived($"SIZES/S{s}.BIN", $"sizes/S{s}.BIN");
        }

        [Fact]
        public void HostileNamesAreRefusedAndNothingIsWrittenOutsideTheDestination()
        {
            Card("H/OK.JPG", 4, Old);
            // A camera that reports names no FAT card can hold (the simulator's ScriptPrelude imitates one).
            _h.Run(@"$cam.Simulator.Camera.Options.ScriptPrelude = @'
local real_listdir, real_stat = os.listdir, os.stat
os.idir = nil
local evil = { '../../evil.jpg', 'a:b.jpg', 'COM1.JPG', 'con', 'nul.txt', 'trail.', 'sp ', 'x\\..\\..\\evil.jpg', 'C:\\evil.jpg', '/tmp/evil.jpg', 'ctl\1.jpg', 'q?.jpg', 'p|q<r>.jpg', 'ok.jpg' }
os.listdir = function(d, all) if string.upper(d) == 'A/H' then return evil end return real_listdir(d, all) end
os.stat = function(p) if string.upper(string.sub(p, 1, 4)) == 'A/H/' then return real_stat('A/H/OK.JPG') end return real_stat(p) end
'@").AssertClean();
            Directory.CreateDirectory(Local("box/inner"));
            foreach (var command in new[] { "Get-ChdkItem A/H | Receive-ChdkFile -Destination box/inner", "Receive-ChdkFile A/H -Recurse -Destination box/inner" })
            {
                var r = _h.Run(command);
                Assert.Null(r.Terminating);
                Assert.Equal(13, r.Errors.Count);
                Assert.All(r.Errors, e => Assert.Equal("ChdkUnsafeName,ChdkPtp.Commands.ReceiveChdkFileCommand", e.FullyQualifiedErrorId));
                Assert.Equal(new[] { "box/inner/ok.jpg" }, LocalFiles("box"));
                File.Delete(Local("box/inner/ok.jpg"));
            }
            Assert.Empty(Directory.GetFiles(_h.WorkDir, "*evil*", SearchOption.AllDirectories));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_h.WorkDir), "evil.jpg"));
        }

        [Fact]
        public void BadInputGivesClearErrors()
        {
            Assert.Equal("ChdkFileNotFound,ChdkPtp.Commands.ReceiveChdkFileCommand", Assert.Single(_h.Run("Receive-ChdkFile A/NOPE.JPG").Errors).FullyQualifiedErrorId);
            Assert.Equal("ChdkInvalidArgument,ChdkPtp.Commands.ReceiveChdkFileCommand", Assert.Single(_h.Run("Receive-ChdkFile A/../x").Errors).FullyQualifiedErrorId);
            var provider = _h.Run("Receive-ChdkFile A/DCIM/100CANON/IMG_0001.JPG -Destination variable:x");
            Assert.StartsWith("ChdkInvalidArgument,", Assert.Single(provider.Errors).FullyQualifiedErrorId);
            // a session piped in stands for nothing here
            var session = _h.Run("$cam | Receive-ChdkFile");
            Assert.Contains("ParameterArgumentTransformationError", Assert.Single(session.Errors).FullyQualifiedErrorId);
            // items of a closed session
            var closed = _h.Run("$i = Get-ChdkItem A/DCIM/100CANON/IMG_0001.JPG; Disconnect-ChdkCamera $cam; $i | Receive-ChdkFile -Destination c");
            Assert.StartsWith("ChdkSessionClosed,", Assert.Single(closed.Errors).FullyQualifiedErrorId);
            Assert.False(Directory.Exists(Local("c")));
        }

        [Fact]
        public void ALostLinkStopsTheCommandAfterOneError()
        {
            // The camera is unplugged after the first file: the next one fails and the rest are not attempted.
            var r = _h.Run("Get-ChdkItem A/DCIM/100CANON | ForEach-Object { if ($_.Name -ne 'IMG_0001.JPG') { $cam.Simulator.Unplug() }; $_ } | Receive-ChdkFile -Destination u");
            var e = Assert.Single(r.Errors);
            Assert.Matches("^(ChdkConnectionLost|ChdkSessionClosed),", e.FullyQualifiedErrorId);
            Assert.Equal(new[] { "u/IMG_0001.JPG" }, LocalFiles("u"));
        }

        [Fact]
        public void StopMidTransferLeavesNoPartialFileAndTheSessionStillWorks()
        {
            var big = Path.Combine(_card, "BIG.BIN");
            using (var f = new FileStream(big, FileMode.Create)) f.SetLength(192L << 20); // sparse 192 MiB: long enough to stop midway, short enough to discard the rest within the 2 s limit
            var (ps, pending) = _h.Begin("Receive-ChdkFile A/BIG.BIN -Destination stop/");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            string part = null;
            while (part == null && clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                Thread.Sleep(5);
                if (Directory.Exists(Local("stop")))
                    part = Directory.GetFiles(Local("stop"), "*.chdkpart").FirstOrDefault(p => new FileInfo(p).Length > 0);
            }
            Assert.NotNull(part);
            Assert.False(pending.IsCompleted, "the transfer ended before it could be stopped");
            clock.Restart();
            ps.Stop();
            Assert.True(clock.ElapsedMilliseconds < 3000, $"Stop took {clock.ElapsedMilliseconds} ms");
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
            ps.Dispose();
            Assert.Empty(Directory.GetFileSystemEntries(Local("stop")));
            // the session goes on: a script and another download
            Assert.Equal(new object[] { 1 }, _h.Run("Invoke-ChdkLua 'return 1'").AssertClean().Values);
            _h.Run("Receive-ChdkFile A/DCIM/100CANON/IMG_0002.JPG -Destination stop").AssertClean();
            AssertReceived("DCIM/100CANON/IMG_0002.JPG", "stop/IMG_0002.JPG");
        }
    }
}
