using System.Linq;

namespace ChdkPtp.PowerShell.Tests
{
    /// <summary>Test-ChdkEnvironment on this machine, as a user runs it (the checks themselves: UsbEnvironmentTests).</summary>
    public class TestChdkEnvironmentTests
    {
        [Fact]
        public void It_finds_libusb_here_and_every_check_says_what_it_is_about()
        {
            using var h = new PsHost();
            var r = h.Run("Test-ChdkEnvironment -NoProbe").AssertClean();
            var checks = r.Output.Select(o => o.BaseObject).ToList();
            Assert.NotEmpty(checks);
            Assert.All(checks, c => Assert.Equal("ChdkPtp.Protocol.Diagnostics.EnvironmentCheck", c.GetType().FullName));
            string Prop(object c, string name) => c.GetType().GetProperty(name).GetValue(c)?.ToString();

            var lib = checks.Where(c => Prop(c, "Check") == "LibUsb").ToList();
            var libusb = Assert.Single(lib);
            Assert.Equal("Pass", Prop(libusb, "Status")); // libusb-1.0 is installed on the machines that run these tests
            Assert.Matches(@"^libusb 1\.\d+\.\d+", Prop(libusb, "Detail"));
            Assert.Contains("libusb-1.0", Prop(libusb, "Target"));
            Assert.Null(Prop(libusb, "Fix"));
            Assert.Single(checks, c => Prop(c, "Check") == "Cameras");
            Assert.Single(checks, c => Prop(c, "Check") == "UdevRules");
            Assert.DoesNotContain(checks, c => Prop(c, "Check") == "Chdk" && Prop(c, "Detail").Contains("CHDK PTP protocol")); // -NoProbe opened nothing
            // Whatever needs fixing says how
            Assert.All(checks.Where(c => Prop(c, "Status") == "Warning" || Prop(c, "Status") == "Fail"), c => Assert.False(string.IsNullOrEmpty(Prop(c, "Fix")), Prop(c, "Check")));

            // The same checks come out without -NoProbe when no camera is there to probe
            var again = h.Run("Test-ChdkEnvironment | ForEach-Object { $_.Check }").AssertClean().Values;
            Assert.Contains("LibUsb", again);
        }
    }
}
