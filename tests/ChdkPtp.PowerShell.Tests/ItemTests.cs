using System;
using System.IO;
using System.Linq;

namespace ChdkPtp.PowerShell.Tests
{
    /// <summary>Get-ChdkItem, New-ChdkDirectory and Remove-ChdkItem against the simulator's card.</summary>
    public class ItemTests : IDisposable
    {
        private readonly PsHost _h = new PsHost();
        private readonly string _card;

        public ItemTests()
        {
            _card = (string)_h.Run("$cam = Connect-ChdkCamera -Simulator; $cam.SimulatorRoot").AssertClean().Values.Single();
            var dcim = Path.Combine(_card, "DCIM", "100CANON");
            Directory.CreateDirectory(dcim);
            Write(Path.Combine(dcim, "IMG_0001.JPG"), 1000, new DateTime(2026, 11, 20, 10, 0, 0));
            Write(Path.Combine(dcim, "IMG_0002.JPG"), 2000, new DateTime(2026, 11, 22, 10, 0, 0));
            Write(Path.Combine(dcim, "IMG_0002.CR2"), 3000, new DateTime(2026, 11, 22, 10, 0, 0));
            Directory.CreateDirectory(Path.Combine(_card, "CHDK", "SCRIPTS"));
            Write(Path.Combine(_card, "CHDK", "SCRIPTS", "TEST.LUA"), 10, new DateTime(2025, 1, 1, 0, 0, 0));
        }

        private static void Write(string path, int size, DateTime time)
        {
            File.WriteAllBytes(path, new byte[size]);
            File.SetLastWriteTime(path, time);
        }

        public void Dispose() => _h.Dispose();

        [Fact]
        public void AFolderListsItsContentsAsObjects()
        {
            var r = _h.Run("Get-ChdkItem A/DCIM/100CANON").AssertClean();
            Assert.Equal(new[] { "IMG_0001.JPG", "IMG_0002.CR2", "IMG_0002.JPG" }, r.Output.Select(o => (string)o.Properties["Name"].Value).OrderBy(x => x).ToArray());
            var first = r.Output.Single(o => (string)o.Properties["Name"].Value == "IMG_0001.JPG");
            Assert.Equal("A/DCIM/100CANON/IMG_0001.JPG", first.Properties["FullName"].Value);
            Assert.Equal(1000L, first.Properties["Length"].Value);
            Assert.Equal(1, first.Properties["ImageNumber"].Value);
            Assert.Equal(false, first.Properties["IsDirectory"].Value);
            Assert.Equal(new DateTime(2026, 11, 20, 10, 0, 0), first.Properties["LastWriteTime"].Value);
            Assert.Equal("ChdkPtp.ChdkItem", first.BaseObject.GetType().FullName);
        }

        [Fact]
        public void RecurseFileDirectoryFilterAndDates()
        {
            Assert.Equal(4, _h.Run("@(Get-ChdkItem A/ -Recurse -File).Count").AssertClean().Values.Single());
            var dirs = _h.Run("Get-ChdkItem -Recurse -Directory | ForEach-Object FullName").AssertClean().Values.Cast<string>().OrderBy(x => x).ToArray();
            Assert.Equal(new[] { "A/CHDK", "A/CHDK/SCRIPTS", "A/DCIM", "A/DCIM/100CANON" }, dirs);
            Assert.Equal(new object[] { "A/DCIM", "A/CHDK" }.OrderBy(x => x), _h.Run("Get-ChdkItem -Depth 0 | ForEach-Object FullName").AssertClean().Values.OrderBy(x => x));
            var jpgs = _h.Run("Get-ChdkItem A/ -Recurse -Filter *.jpg | ForEach-Object Name").AssertClean().Values.Cast<string>().OrderBy(x => x).ToArray();
            Assert.Equal(new[] { "IMG_0001.JPG", "IMG_0002.JPG" }, jpgs);
            var recent = _h.Run("Get-ChdkItem A/DCIM -Recurse -File -After ([datetime]'2026-11-21') | ForEach-Object Name").AssertClean().Values.Cast<string>().OrderBy(x => x).ToArray();
            Assert.Equal(new[] { "IMG_0002.CR2", "IMG_0002.JPG" }, recent);
            var old = _h.Run("Get-ChdkItem A/ -Recurse -File -Before ([datetime]'2026-01-01') | ForEach-Object Name").AssertClean().Values;
            Assert.Equal(new object[] { "TEST.LUA" }, old);
        }

        [Fact]
        public void WildcardsInTheLastComponentsAndCaseInsensitiveNames()
        {
            // Names come with the card's case; the typed part of the path keeps the typed case, as on FAT under Windows.
            var r = _h.Run("Get-ChdkItem a/dcim/*/img_000?.jpg | ForEach-Object FullName").AssertClean().Values.Cast<string>().OrderBy(x => x).ToArray();
            Assert.Equal(new[] { "A/dcim/100CANON/IMG_0001.JPG", "A/dcim/100CANON/IMG_0002.JPG" }, r);
            Assert.Equal(new object[] { "TEST.LUA" }, _h.Run("Get-ChdkItem CHDK\\SCRIPTS\\TEST.LUA | ForEach-Object Name").AssertClean().Values);
        }

        [Fact]
        public void MissingPathsAreErrorsAndTheRestGoesOn()
        {
            var r = _h.Run("Get-ChdkItem A/NOPE, A/CHDK/SCRIPTS | ForEach-Object Name");
            Assert.Equal("ChdkFileNotFound,ChdkPtp.Commands.GetChdkItemCommand", Assert.Single(r.Errors).FullyQualifiedErrorId);
            Assert.Equal(new object[] { "TEST.LUA" }, r.Values);
            var bad = _h.Run("Get-ChdkItem A/../etc");
            Assert.Equal("ChdkInvalidArgument,ChdkPtp.Commands.GetChdkItemCommand", Assert.Single(bad.Errors).FullyQualifiedErrorId);
        }

        [Fact]
        public void NewDirectoryCreatesEveryLevelAndEmitsIt()
        {
            var r = _h.Run("New-ChdkDirectory A/CHDK/LOGS/2026/NOV").AssertClean();
            Assert.Equal("A/CHDK/LOGS/2026/NOV", r.Output.Single().Properties["FullName"].Value);
            Assert.True(Directory.Exists(Path.Combine(_card, "CHDK", "LOGS", "2026", "NOV")));
            _h.Run("New-ChdkDirectory A/CHDK/LOGS").AssertClean(); // already there: fine
            var inTheWay = _h.Run("New-ChdkDirectory A/CHDK/SCRIPTS/TEST.LUA/X");
            Assert.Equal("ChdkCameraFileError,ChdkPtp.Commands.NewChdkDirectoryCommand", Assert.Single(inTheWay.Errors).FullyQualifiedErrorId);
            _h.Run("New-ChdkDirectory A/WHATIF -WhatIf").AssertClean();
            Assert.False(Directory.Exists(Path.Combine(_card, "WHATIF")));
        }

        [Fact]
        public void RemoveAsksRefusesFullFoldersWithoutRecurseAndPipes()
        {
            _h.Run("Get-ChdkItem A/DCIM/100CANON/*.CR2 | Remove-ChdkItem -Confirm:$false").AssertClean();
            Assert.False(File.Exists(Path.Combine(_card, "DCIM", "100CANON", "IMG_0002.CR2")));
            Assert.True(File.Exists(Path.Combine(_card, "DCIM", "100CANON", "IMG_0002.JPG")));

            _h.Run("Remove-ChdkItem A/DCIM/100CANON/IMG_0001.JPG -WhatIf").AssertClean();
            Assert.True(File.Exists(Path.Combine(_card, "DCIM", "100CANON", "IMG_0001.JPG")));

            var full = _h.Run("Remove-ChdkItem A/CHDK -Confirm:$false");
            Assert.Equal("ChdkDirectoryNotEmpty,ChdkPtp.Commands.RemoveChdkItemCommand", Assert.Single(full.Errors).FullyQualifiedErrorId);
            Assert.True(Directory.Exists(Path.Combine(_card, "CHDK", "SCRIPTS")));
            _h.Run("Remove-ChdkItem A/CHDK -Recurse -Confirm:$false").AssertClean();
            Assert.False(Directory.Exists(Path.Combine(_card, "CHDK")));

            var missing = _h.Run("Remove-ChdkItem A/NOPE.TXT -Confirm:$false");
            Assert.Equal("ChdkFileNotFound,ChdkPtp.Commands.RemoveChdkItemCommand", Assert.Single(missing.Errors).FullyQualifiedErrorId);
            var root = _h.Run("Remove-ChdkItem A/ -Recurse -Confirm:$false");
            Assert.Single(root.Errors);
            Assert.True(Directory.Exists(Path.Combine(_card, "DCIM")));
        }

        [Fact]
        public void ItemsCarryTheirSession()
        {
            var r = _h.Run("(Get-ChdkItem A/DCIM | ForEach-Object Session).Id -eq $cam.Id").AssertClean();
            Assert.Equal(new object[] { true }, r.Values);
        }

        [Fact]
        public void APipedSessionBindsSessionOnlyNotThePath()
        {
            var r = _h.Run("Get-ChdkCamera -Default | Get-ChdkItem | ForEach-Object FullName").AssertClean();
            Assert.Equal(new[] { "A/CHDK", "A/DCIM" }, r.Values.Cast<string>().OrderBy(x => x).ToArray());
            var lua = _h.Run("Get-ChdkCamera -Default | Invoke-ChdkLua 'return 5'").AssertClean();
            Assert.Equal(new object[] { 5 }, lua.Values);
        }

        [Fact]
        public void PipedItemsAreTakenLiterallyNotAsWildcards()
        {
            var dcim = Path.Combine(_card, "DCIM", "100CANON");
            File.WriteAllBytes(Path.Combine(dcim, "A[1].JPG"), new byte[] { 1 });
            File.WriteAllBytes(Path.Combine(dcim, "A1.JPG"), new byte[] { 2 });
            _h.Run("Get-ChdkItem -LiteralPath 'A/DCIM/100CANON/A[1].JPG' | Remove-ChdkItem -Confirm:$false").AssertClean();
            Assert.False(File.Exists(Path.Combine(dcim, "A[1].JPG")));
            Assert.True(File.Exists(Path.Combine(dcim, "A1.JPG")));
            // An escaped -Path is literal too.
            File.WriteAllBytes(Path.Combine(dcim, "B[2].JPG"), new byte[] { 1 });
            _h.Run("Remove-ChdkItem 'A/DCIM/100CANON/B`[2`].JPG' -Confirm:$false").AssertClean();
            Assert.False(File.Exists(Path.Combine(dcim, "B[2].JPG")));
            Assert.Equal(new object[] { "A1.JPG" }, _h.Run("Get-ChdkItem -LiteralPath A/DCIM/100CANON/A1.JPG | ForEach-Object Name").AssertClean().Values);
        }

        [Fact]
        public void UtcTimesAreComparedAsTheCameraClock()
        {
            var local = new DateTime(2026, 11, 21, 12, 0, 0, DateTimeKind.Local);
            _h.Runspace.SessionStateProxy.SetVariable("t", local.ToUniversalTime());
            var r = _h.Run("Get-ChdkItem A/DCIM -Recurse -File -After $t | ForEach-Object Name").AssertClean();
            Assert.Equal(new[] { "IMG_0002.CR2", "IMG_0002.JPG" }, r.Values.Cast<string>().OrderBy(x => x).ToArray());
        }

        [Theory]
        [InlineData("Get-ChdkItem A/ -Recurse")]
        [InlineData("New-ChdkDirectory A/STOPPED")]
        [InlineData("Remove-ChdkItem A/CHDK -Recurse -Confirm:$false")]
        public void StopEndsAFileCommandWaitingForTheCamera(string command)
        {
            // Another runspace holds the session with a long script, so the command waits its turn.
            using var other = new PsHost();
            var (busy, busyPending) = other.Begin("Get-ChdkCamera -Default | ForEach-Object { Invoke-ChdkLua 'sleep(4000)' -Session $_ }");
            System.Threading.Thread.Sleep(300);
            var (ps, pending) = _h.Begin(command);
            System.Threading.Thread.Sleep(300);
            Assert.False(pending.IsCompleted);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            ps.Stop();
            Assert.True(clock.ElapsedMilliseconds < 1000, $"Stop took {clock.ElapsedMilliseconds} ms");
            Assert.Equal(System.Management.Automation.PSInvocationState.Stopped, ps.InvocationStateInfo.State);
            ps.Dispose();
            busy.Stop();
            busy.Dispose();
            Assert.False(Directory.Exists(Path.Combine(_card, "STOPPED")));
            Assert.True(Directory.Exists(Path.Combine(_card, "CHDK")));
        }
    }
}
