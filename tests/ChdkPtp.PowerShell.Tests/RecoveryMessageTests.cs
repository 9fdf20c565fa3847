using System.IO;
using System.Linq;

namespace ChdkPtp.PowerShell.Tests
{
    /// <summary>What a session says and does after its camera went away, against an in-process simulator whose cable is
    /// pulled and plugged back (the same flows over USB and PTP/IP: ChdkpsUsbTests, NetworkReconnectTests).</summary>
    public class RecoveryMessageTests
    {
        [Fact]
        public void A_Send_ChdkFile_after_the_camera_came_back_checks_its_destination_again_and_uploads()
        {
            using var h = new PsHost();
            File.WriteAllText(Path.Combine(h.WorkDir, "a.txt"), "hello");
            var card = (string)h.Run("$s = Connect-ChdkCamera -Simulator -AutoReconnect -ReconnectTimeout 20; $s.SimulatorRoot").AssertClean().Values.Single();
            // The camera went away and came back while nothing ran: the command's first step (a look at the
            // destination, a read) finds the link dead, reconnects and goes on.
            var r = h.Run("$s.Simulator.Unplug(); $s.Simulator.PlugIn(); Send-ChdkFile a.txt A/A.TXT -PassThru | ForEach-Object FullName");
            r.AssertClean();
            Assert.Equal(new object[] { "A/A.TXT" }, r.Values);
            Assert.Equal("hello", File.ReadAllText(Path.Combine(card, "A.TXT")));
            Assert.Equal(new object[] { 1, true }, h.Run("$s.ReconnectCount; $s.IsConnected").Values);
        }

        [Fact]
        public void A_session_whose_link_failed_says_how_to_reconnect_it_and_a_disconnected_one_says_to_connect_again()
        {
            using var h = new PsHost();
            var r = h.Run("$s = Connect-ChdkCamera -Simulator; $s.Simulator.Unplug(); Invoke-ChdkLua 'return 1'");
            Assert.StartsWith("ChdkConnectionLost,", r.ErrorIds);
            r = h.Run("Get-ChdkItem A/");
            var e = Assert.Single(r.Errors);
            Assert.StartsWith("ChdkSessionClosed,", e.FullyQualifiedErrorId);
            Assert.Contains("lost its link to the camera", e.Exception.Message);
            Assert.Contains("Reconnect it with Connect-ChdkCamera -Session", e.Exception.Message);
            // which works
            h.Run("$s.Simulator.PlugIn(); Connect-ChdkCamera -Session $s -ReconnectTimeout 5 | Out-Null").AssertClean();
            Assert.Equal(new object[] { 1 }, h.Run("Invoke-ChdkLua 'return 1'").AssertClean().Values);

            r = h.Run("Disconnect-ChdkCamera $s; Get-ChdkItem A/ -Session $s");
            e = Assert.Single(r.Errors);
            Assert.StartsWith("ChdkSessionClosed,", e.FullyQualifiedErrorId);
            Assert.Contains("is not connected. Connect again with Connect-ChdkCamera.", e.Exception.Message);
            Assert.DoesNotContain("-Session", e.Exception.Message);
        }
    }
}
