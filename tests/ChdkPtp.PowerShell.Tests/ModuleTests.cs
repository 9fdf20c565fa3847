using System.Linq;

namespace ChdkPtp.PowerShell.Tests
{
    public class ModuleTests
    {
        [Fact]
        public void ManifestIsValidAndExportsExactlyTheCmdlets()
        {
            using var h = new PsHost(importModule: false);
            var r = h.Run($"Test-ModuleManifest -Path '{PsHost.RepoRoot}/ChdkPtp.psd1'").AssertClean();
            var m = r.Output.Single();
            Assert.Equal("ChdkPtp", m.Properties["Name"].Value);
            var exported = h.Run($"Import-Module '{PsHost.RepoRoot}/ChdkPtp.psd1' -PassThru | ForEach-Object {{ $_.ExportedCmdlets.Keys }}").AssertClean().Values.Cast<string>().OrderBy(x => x).ToArray();
            var declared = m.Properties["ExportedCmdlets"].Value as System.Collections.IDictionary;
            var implemented = h.Run(@"(Get-Module ChdkPtp).ImplementingAssembly.GetExportedTypes() |
                ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
                ForEach-Object { $_.VerbName + '-' + $_.NounName }").AssertClean().Values.Cast<string>().OrderBy(x => x).ToArray();
            Assert.NotEmpty(exported);
            Assert.Equal(declared.Keys.Cast<string>().OrderBy(x => x).ToArray(), exported);
            Assert.Equal(implemented, exported);
        }

        [Fact]
        public void NoSessionGivesChdkNoSession()
        {
            using var h = new PsHost();
            h.Run("Get-ChdkCamera | Disconnect-ChdkCamera");
            var r = h.Run("Invoke-ChdkLua 'return 1'; 'went on'");
            var err = Assert.Single(r.Errors);
            Assert.Equal(new object[] { "went on" }, r.Values);
            Assert.Equal("ChdkNoSession,ChdkPtp.Commands.InvokeChdkLuaCommand", err.FullyQualifiedErrorId);
            Assert.Contains("Connect-ChdkCamera", err.Exception.Message);
        }

        [Fact]
        public void ConnectGivesADefaultSessionThatDisconnects()
        {
            using var h = new PsHost();
            var r = h.Run("$s = Connect-ChdkCamera -Simulator; $s; Get-ChdkCamera -Default").AssertClean();
            Assert.Equal(2, r.Output.Count);
            Assert.Same(r.Output[0].BaseObject, r.Output[1].BaseObject);
            Assert.Equal("ChdkPtp.ChdkSession", r.Output[0].BaseObject.GetType().FullName);
            Assert.Equal("Canon Inc.", r.Output[0].Properties["Manufacturer"].Value);
            Assert.Matches("^[0-9A-F]{32}$", (string)r.Output[0].Properties["SerialNumber"].Value);
            Assert.Equal("2.9", r.Output[0].Properties["ProtocolVersion"].Value.ToString());
            h.Run("$s | Disconnect-ChdkCamera").AssertClean();
            Assert.Empty(h.Run("Get-ChdkCamera").AssertClean().Output);
            Assert.Equal(false, h.Run("$s.IsConnected").Values.Single());
        }
    }
}
