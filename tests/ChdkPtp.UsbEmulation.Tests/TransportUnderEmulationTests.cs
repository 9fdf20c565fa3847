using System;
using System.IO;
using System.Text.RegularExpressions;

namespace ChdkPtp.UsbEmulation.Tests
{
    /// <summary>
    /// The libusb transport's own end-to-end tests (tests/ChdkPtp.Protocol.Tests, Category=UsbEmulation: listing, probe,
    /// class requests, zero-length packets both ways, cancel, timeout, busy, unplug and replug...) need the harness's
    /// preload in their own test process, so the Protocol test run skips them. They run here, as a nested
    /// <c>dotnet test</c> under the harness, so that CI runs them too.
    /// </summary>
    public sealed class TransportUnderEmulationTests
    {
        [Fact]
        public void TheLibUsbTransportTests_PassUnderTheHarness()
        {
            using var cam = new EmulatedCamera();
            var repo = Path.GetFullPath(Path.Combine(cam.HarnessDirectory, "..", ".."));
            var project = Path.Combine(repo, "tests", "ChdkPtp.Protocol.Tests", "ChdkPtp.Protocol.Tests.csproj");
            string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
            var r = cam.Run($"dotnet test '{project}' -c {configuration} --no-build --filter Category=UsbEmulation");
            Assert.True(r.ExitCode == 0, r.ToString());
            var summary = Regex.Match(r.Stdout, @"Failed:\s+(\d+), Passed:\s+(\d+), Skipped:\s+(\d+)");
            Assert.True(summary.Success, r.ToString());
            Assert.Equal("0", summary.Groups[1].Value);
            Assert.Equal("0", summary.Groups[3].Value); // skipped would mean the harness's environment did not reach them
            Assert.True(int.Parse(summary.Groups[2].Value) >= 10, r.ToString());
        }
    }
}
