using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;

namespace ChdkPtp.PowerShell.Tests
{
    /// <summary>Send-ChdkFile against the simulator's card (a host folder), with local files in the runspace's $PWD.</summary>
    public class SendFileTests : IDisposable
    {
        private const string Id = ",ChdkPtp.Commands.SendChdkFileCommand";
        private static readonly DateTime s_old = new DateTime(2025, 6, 1, 12, 34, 56);
        private readonly PsHost _h = new PsHost();
        private readonly string _card;

        public SendFileTests()
        {
            _card = (string)_h.Run("$cam = Connect-ChdkCamera -Simulator; $cam.SimulatorRoot").AssertClean().Values.Single();
        }

        public void Dispose() => _h.Dispose();

        /// <summary>A local file under $PWD with bytes from a seed, dated <paramref name="time"/> (default s_old).</summary>
        private byte[] Local(string relative, int size = 1000, DateTime? time = null)
        {
            var path = Path.Combine(_h.WorkDir, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path));
            var bytes = new byte[size];
            new Random(relative.GetHashCode() ^ size).NextBytes(bytes);
            File.WriteAllBytes(path, bytes);
            File.SetLastWriteTime(path, time ?? s_old);
            return bytes;
        }

        private string Card(string cameraPath) =>
            Path.Combine(new[] { _card }.Concat(cameraPath.Substring(2).Split('/')).ToArray());

        private static string[] Sorted(PsResult r) => r.Values.Cast<string>().OrderBy(x => x, StringComparer.Ordinal).ToArray();

        [Fact]
        public void OneFileToAFolderAndToAFileNameByteExactWithItsTime()
        {
            var bytes = Local("photo.jpg", 300_000);
            _h.Run("Send-ChdkFile ./photo.jpg A/DCIM/100CANON/").AssertClean();
            Assert.Equal(bytes, File.ReadAllBytes(Card("A/DCIM/100CANON/photo.jpg")));
            Assert.Equal(s_old, File.GetLastWriteTime(Card("A/DCIM/100CANON/photo.jpg")));
            var listed = _h.Run("Get-ChdkItem A/DCIM/100CANON/photo.jpg").AssertClean().Output.Single();
            Assert.Equal(s_old, listed.Properties["LastWriteTime"].Value);
            Assert.Equal(300_000L, listed.Properties["Length"].Value);

            // A destination that does not end in '/' and is not a camera folder names the file; its folder is created.
            _h.Run("Send-ChdkFile photo.jpg -Destination A/CHDK/NEW/IMG_0001.JPG").AssertClean();
            Assert.Equal(bytes, File.ReadAllBytes(Card("A/CHDK/NEW/IMG_0001.JPG")));
            // An existing camera folder without the '/' is a folder.
            _h.Run("Send-ChdkFile photo.jpg A/CHDK/NEW").AssertClean();
            Assert.Equal(bytes, File.ReadAllBytes(Card("A/CHDK/NEW/photo.jpg")));
            // The root.
            _h.Run("Send-ChdkFile photo.jpg A/").AssertClean();
            Assert.True(File.Exists(Card("A/photo.jpg")));
            // Empty files too.
            Local("empty.txt", 0);
            _h.Run("Send-ChdkFile empty.txt A/").AssertClean();
            Assert.Equal(0, new FileInfo(Card("A/empty.txt")).Length);
        }

        [Fact]
        public void WildcardsSendIntoAFolderEvenForOneMatch()
        {
            Local("a.lua", 10);
            Local("b.lua", 20);
            Local("c.txt", 30);
            _h.Run("Send-ChdkFile *.lua A/CHDK/SCRIPTS").AssertClean();
            Assert.Equal(new[] { "a.lua", "b.lua" }, Directory.GetFiles(Card("A/CHDK/SCRIPTS")).Select(Path.GetFileName).OrderBy(x => x).ToArray());
            _h.Run("Send-ChdkFile c*.txt A/TXT").AssertClean();
            Assert.True(File.Exists(Card("A/TXT/c.txt")));
            // Several paths: a folder too.
            _h.Run("Send-ChdkFile a.lua, c.txt A/TWO").AssertClean();
            Assert.True(File.Exists(Card("A/TWO/a.lua")) && File.Exists(Card("A/TWO/c.txt")));
            // A wildcard that matches nothing sends nothing and is not an error.
            _h.Run("Send-ChdkFile *.nothing A/NONE/").AssertClean();
            Assert.False(Directory.Exists(Card("A/NONE")));
        }

        [Fact]
        public void LiteralPathTakesWildcardCharactersAsPartOfTheName()
        {
            var lit = Local("a[1].txt", 11);
            var one = Local("a1.txt", 12);
            _h.Run("Send-ChdkFile -LiteralPath 'a[1].txt' -Destination A/LIT/").AssertClean();
            Assert.Equal(new[] { "a[1].txt" }, Directory.GetFiles(Card("A/LIT")).Select(Path.GetFileName).ToArray());
            Assert.Equal(lit, File.ReadAllBytes(Card("A/LIT/a[1].txt")));
            // As -Path, [1] is a wildcard: it matches a1.txt.
            _h.Run("Send-ChdkFile -Path 'a[1].txt' -Destination A/WILD/").AssertClean();
            Assert.Equal(new[] { "a1.txt" }, Directory.GetFiles(Card("A/WILD")).Select(Path.GetFileName).ToArray());
            Assert.Equal(one, File.ReadAllBytes(Card("A/WILD/a1.txt")));
        }

        [Fact]
        public void FileInfoObjectsBindByFullNameOrPSPath()
        {
            Local("IMG_0001.JPG", 100);
            Local("IMG_0002.JPG", 200);
            Local("notes.txt", 5);
            // .NET FileInfo objects have FullName but no PSPath.
            _h.Run("[IO.DirectoryInfo]::new($pwd.Path).GetFiles('*.JPG') | Send-ChdkFile -Destination A/DCIM/101TEST/").AssertClean();
            Assert.Equal(new[] { "IMG_0001.JPG", "IMG_0002.JPG" }, Directory.GetFiles(Card("A/DCIM/101TEST")).Select(Path.GetFileName).OrderBy(x => x).ToArray());
            Assert.Equal(s_old, File.GetLastWriteTime(Card("A/DCIM/101TEST/IMG_0002.JPG")));
            // Get-ChildItem's objects carry a provider-qualified PSPath.
            _h.Run("[pscustomobject]@{ PSPath = 'Microsoft.PowerShell.Core\\FileSystem::' + [IO.Path]::Combine($pwd.Path, 'notes.txt') } | Send-ChdkFile -Destination A/").AssertClean();
            Assert.True(File.Exists(Card("A/notes.txt")));
            // A DirectoryInfo piped with -Recurse.
            Local("tree/x/X.TXT", 3);
            _h.Run("[IO.DirectoryInfo]::new([IO.Path]::Combine($pwd.Path, 'tree')) | Send-ChdkFile -Destination A/T -Recurse").AssertClean();
            Assert.True(File.Exists(Card("A/T/tree/x/X.TXT")));
        }

        [Fact]
        public void PipedFilesAlwaysGoIntoAFolder()
        {
            var a = Local("a.txt", 1);
            var b = Local("b.txt", 2);
            _h.Run("[IO.FileInfo]::new([IO.Path]::Combine($pwd.Path, 'a.txt')), [IO.FileInfo]::new([IO.Path]::Combine($pwd.Path, 'b.txt')) | Send-ChdkFile -Destination A/ONE").AssertClean();
            Assert.Equal(a, File.ReadAllBytes(Card("A/ONE/a.txt")));
            Assert.Equal(b, File.ReadAllBytes(Card("A/ONE/b.txt")));
            // even a single piped file: the cmdlet cannot know that no more will come
            _h.Run("[IO.FileInfo]::new([IO.Path]::Combine($pwd.Path, 'a.txt')) | Send-ChdkFile -Destination A/TWO.TXT").AssertClean();
            Assert.Equal(a, File.ReadAllBytes(Card("A/TWO.TXT/a.txt")));
        }

        [Fact]
        public void RecurseMirrorsTheTreeWithTimesAndEmptyFolders()
        {
            var a = Local("scripts/a.lua", 100, new DateTime(2024, 2, 3, 4, 5, 6));
            var b = Local("scripts/lib/b.lua", 200, new DateTime(2023, 1, 1, 0, 0, 0));
            Directory.CreateDirectory(Path.Combine(_h.WorkDir, "scripts", "empty"));
            var r = _h.Run("Send-ChdkFile ./scripts -Destination A/CHDK/ -Recurse -PassThru | ForEach-Object FullName").AssertClean();
            Assert.Equal(new[] { "A/CHDK/scripts/a.lua", "A/CHDK/scripts/lib/b.lua" }, Sorted(r));
            Assert.Equal(a, File.ReadAllBytes(Card("A/CHDK/scripts/a.lua")));
            Assert.Equal(b, File.ReadAllBytes(Card("A/CHDK/scripts/lib/b.lua")));
            Assert.Equal(new DateTime(2024, 2, 3, 4, 5, 6), File.GetLastWriteTime(Card("A/CHDK/scripts/a.lua")));
            Assert.Equal(new DateTime(2023, 1, 1, 0, 0, 0), File.GetLastWriteTime(Card("A/CHDK/scripts/lib/b.lua")));
            Assert.True(Directory.Exists(Card("A/CHDK/scripts/empty")));
            var times = _h.Run("Get-ChdkItem A/CHDK/scripts -Recurse -File | ForEach-Object { $_.Name + ' ' + $_.LastWriteTime.ToString('s') }").AssertClean();
            Assert.Equal(new[] { "a.lua 2024-02-03T04:05:06", "b.lua 2023-01-01T00:00:00" }, Sorted(times));

            // A destination that does not exist yet: the folder still keeps its name inside it.
            _h.Run("Send-ChdkFile ./scripts A/NEW -Recurse").AssertClean();
            Assert.True(File.Exists(Card("A/NEW/scripts/lib/b.lua")));
            // The contents without the folder: a wildcard.
            _h.Run("Send-ChdkFile ./scripts/* A/FLAT/ -Recurse").AssertClean();
            Assert.True(File.Exists(Card("A/FLAT/a.lua")) && File.Exists(Card("A/FLAT/lib/b.lua")) && Directory.Exists(Card("A/FLAT/empty")));

            // A folder without -Recurse is an error; the files named with it still go.
            var noRecurse = _h.Run("Send-ChdkFile ./scripts, ./scripts/a.lua A/NOREC/");
            Assert.Equal("ChdkIsDirectory" + Id, Assert.Single(noRecurse.Errors).FullyQualifiedErrorId);
            Assert.Equal(new[] { "a.lua" }, Directory.GetFileSystemEntries(Card("A/NOREC")).Select(Path.GetFileName).ToArray());
        }

        [Fact]
        public void ExistingFilesNeedForceAndTheRestGoesOn()
        {
            Local("a.txt", 10);
            Local("b.txt", 20);
            Directory.CreateDirectory(Card("A/DEST"));
            var old = new byte[] { 1, 2, 3 };
            File.WriteAllBytes(Card("A/DEST/a.txt"), old);
            var r = _h.Run("Send-ChdkFile a.txt, b.txt A/DEST -PassThru | ForEach-Object Name");
            Assert.Null(r.Terminating);
            var e = Assert.Single(r.Errors);
            Assert.Equal("ChdkFileExists" + Id, e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ResourceExists, e.CategoryInfo.Category);
            Assert.Equal("A/DEST/a.txt", e.TargetObject);
            Assert.Equal(new object[] { "b.txt" }, r.Values);
            Assert.Equal(old, File.ReadAllBytes(Card("A/DEST/a.txt")));
            Assert.True(File.Exists(Card("A/DEST/b.txt")));

            var bytes = Local("a.txt", 10_000);
            _h.Run("Send-ChdkFile a.txt A/DEST -Force").AssertClean();
            Assert.Equal(bytes, File.ReadAllBytes(Card("A/DEST/a.txt")));
            Assert.Equal(s_old, File.GetLastWriteTime(Card("A/DEST/a.txt")));

            // A camera folder where the file would go.
            Directory.CreateDirectory(Card("A/DEST/c.txt"));
            Local("c.txt", 5);
            var folder = _h.Run("Send-ChdkFile c.txt A/DEST/ -Force");
            Assert.Equal("ChdkIsDirectory" + Id, Assert.Single(folder.Errors).FullyQualifiedErrorId);
            Assert.True(Directory.Exists(Card("A/DEST/c.txt")));
            // A camera file where the destination folder would be.
            var file = _h.Run("Send-ChdkFile a.txt, c.txt A/DEST/b.txt");
            Assert.Equal("ChdkCameraFileError" + Id, Assert.Single(file.Errors).FullyQualifiedErrorId);
        }

        [Fact]
        public void WarnsAboutNamesThatAreNot83AndLongPaths()
        {
            Local("long file name.text", 1);
            Local("OK.TXT", 1);
            var r = _h.Run("Send-ChdkFile 'long file name.text', OK.TXT A/CHDK/").AssertClean();
            var w = Assert.Single(r.Warnings).Message;
            Assert.Contains("'long file name.text'", w);
            Assert.Contains("8.3", w);

            const string at33 = "A/CHDK/SCRIPTS/LIB/SUBDIRX/OK.TXT", at32 = "A/CHDK/SCRIPTS/LIB/SUBDIR/OK.TXT";
            Assert.Equal(33, at33.Length);
            Assert.Equal(32, at32.Length);
            var deep = _h.Run("Send-ChdkFile OK.TXT " + at33).AssertClean();
            Assert.Contains("'" + at33 + "' is 33 characters", Assert.Single(deep.Warnings).Message);
            Assert.Empty(_h.Run("Send-ChdkFile OK.TXT " + at32).AssertClean().Warnings);

            // A long folder name is reported once for all the files that go into it.
            Local("t/A.TXT", 1);
            Local("t/B.TXT", 1);
            var folder = _h.Run("Send-ChdkFile ./t/* 'A/My Folder/'").AssertClean();
            Assert.Single(folder.Warnings);
            Assert.Contains("'My Folder'", folder.Warnings[0].Message);
        }

        [Fact]
        public void WhatIfSendsAndCreatesNothing()
        {
            Local("a.txt", 10);
            Local("tree/b.txt", 10);
            Directory.CreateDirectory(Path.Combine(_h.WorkDir, "tree", "empty"));
            _h.Run("Send-ChdkFile a.txt A/WHATIF/X/ -WhatIf; Send-ChdkFile ./tree A/WHATIF/ -Recurse -WhatIf").AssertClean();
            Assert.False(Directory.Exists(Card("A/WHATIF")));
            Assert.Equal(new[] { "DCIM" }, Directory.GetFileSystemEntries(_card).Select(Path.GetFileName).ToArray()); // a new card's only folder
        }

        [Fact]
        public void PassThruEmitsTheCameraItems()
        {
            Local("a.txt", 123);
            var r = _h.Run("Send-ChdkFile a.txt A/CHDK/ -PassThru").AssertClean();
            var item = r.Output.Single();
            Assert.Equal("ChdkPtp.ChdkItem", item.BaseObject.GetType().FullName);
            Assert.Equal("A/CHDK/a.txt", item.Properties["FullName"].Value);
            Assert.Equal(123L, item.Properties["Length"].Value);
            Assert.Equal(s_old, item.Properties["LastWriteTime"].Value);
            Assert.Equal(false, item.Properties["IsDirectory"].Value);
            Assert.Equal(new object[] { true }, _h.Run("(Send-ChdkFile a.txt A/ -PassThru).Session.Id -eq $cam.Id").AssertClean().Values);
            Assert.Empty(_h.Run("Send-ChdkFile a.txt A/ -Force").AssertClean().Output);
        }

        [Fact]
        public void MissingLocalPathsAndBadDestinations()
        {
            Local("a.txt", 1);
            var r = _h.Run("Send-ChdkFile nope.txt, a.txt A/X/ -PassThru | ForEach-Object Name");
            var e = Assert.Single(r.Errors);
            Assert.Equal("ChdkFileNotFound" + Id, e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
            Assert.Equal(new object[] { "a.txt" }, r.Values);
            Assert.Equal("ChdkFileNotFound" + Id, Assert.Single(_h.Run("Send-ChdkFile -LiteralPath nope.txt A/").Errors).FullyQualifiedErrorId);
            Assert.Equal("ChdkInvalidArgument" + Id, Assert.Single(_h.Run("Send-ChdkFile env:PATH A/").Errors).FullyQualifiedErrorId);

            // A bad -Destination stops the command (try/catch sees only terminating errors) before anything is sent.
            var bad = _h.Run("try { Send-ChdkFile a.txt A/../x; 'went on' } catch { $_.FullyQualifiedErrorId }").AssertClean();
            Assert.Equal(new object[] { "ChdkInvalidArgument" + Id }, bad.Values);
            Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_card), "x")));
        }

        [Fact]
        public void FilesTooLargeForTheCardAreErrors()
        {
            var huge = Path.Combine(_h.WorkDir, "huge.bin");
            using (var f = File.Create(huge)) f.SetLength(uint.MaxValue + 1L); // sparse: nothing is written or read
            Local("a.txt", 1);
            var r = _h.Run("Send-ChdkFile huge.bin, a.txt A/");
            var e = Assert.Single(r.Errors);
            Assert.Equal("ChdkFileTooLarge" + Id, e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.LimitsExceeded, e.CategoryInfo.Category);
            Assert.False(File.Exists(Card("A/huge.bin")));
            Assert.True(File.Exists(Card("A/a.txt")));
        }

        [Fact]
        public void NoSessionOrAClosedSessionStops()
        {
            Local("a.txt", 1);
            _h.Run("$cam | Disconnect-ChdkCamera").AssertClean();
            var closed = _h.Run("try { Send-ChdkFile a.txt A/ -Session $cam; 'went on' } catch { $_.FullyQualifiedErrorId }").AssertClean();
            Assert.Equal(new object[] { "ChdkSessionClosed" + Id }, closed.Values);
            var none = _h.Run("try { Send-ChdkFile a.txt A/; 'went on' } catch { $_.FullyQualifiedErrorId }").AssertClean();
            Assert.Equal(new object[] { "ChdkNoSession" + Id }, none.Values);
        }

        [Fact]
        public void StopEndsASendWaitingForTheCamera()
        {
            Local("a.txt", 10);
            // Another runspace holds the session with a long script, so the command waits its turn.
            using var other = new PsHost();
            var (busy, _) = other.Begin("Get-ChdkCamera -Default | ForEach-Object { Invoke-ChdkLua 'sleep(4000)' -Session $_ }");
            Thread.Sleep(300);
            var (ps, pending) = _h.Begin("Send-ChdkFile a.txt A/WAITED/");
            Thread.Sleep(300);
            Assert.False(pending.IsCompleted);
            var clock = Stopwatch.StartNew();
            ps.Stop();
            Assert.True(clock.ElapsedMilliseconds < 1000, $"Stop took {clock.ElapsedMilliseconds} ms");
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
            ps.Dispose();
            busy.Stop();
            busy.Dispose();
            Assert.False(Directory.Exists(Card("A/WAITED")));
        }

        [Fact]
        public void StopMidTransferRemovesTheCameraFileAndTheSessionGoesOn()
        {
            var big = Path.Combine(_h.WorkDir, "big.bin");
            using (var f = File.Create(big)) f.SetLength(128L << 20); // sparse, reads as zeros
            var ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = _h.Runspace;
            ps.AddScript("Send-ChdkFile ./big.bin A/BIG.BIN");
            // Progress records are written on the pipeline thread, before Upload (0 bytes) and then at most every
            // 250 ms. Holding the first for 300 ms makes the next one come with the first chunk, whatever the speed;
            // the stop is asked for there, with the transfer under way.
            ProgressRecord stoppedAt = null;
            ps.Streams.Progress.DataAdded += (sender, e) =>
            {
                var record = ps.Streams.Progress[e.Index];
                if (e.Index == 0) Thread.Sleep(300);
                else if (stoppedAt == null && record.RecordType == ProgressRecordType.Processing)
                {
                    stoppedAt = record;
                    ps.BeginStop(null, null);
                }
            };
            var pending = ps.BeginInvoke();
            Assert.True(pending.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(30)), "The stopped command did not end.");
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
            Assert.NotNull(stoppedAt);
            Assert.Equal("A/BIG.BIN", stoppedAt.CurrentOperation);
            Assert.InRange(stoppedAt.PercentComplete, 0, 99);
            ps.Dispose();
            Assert.False(File.Exists(Card("A/BIG.BIN")));

            var small = Local("a.txt", 1000);
            var r = _h.Run("Send-ChdkFile a.txt A/ -PassThru | ForEach-Object FullName; Get-ChdkItem A/ -File | ForEach-Object Name").AssertClean();
            Assert.Equal(new object[] { "A/a.txt", "a.txt" }, r.Values);
            Assert.Equal(small, File.ReadAllBytes(Card("A/a.txt")));
        }
    }
}
