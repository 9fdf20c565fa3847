using System;
using System.IO;
using System.Linq;
using ChdkPtp.Help.Tests.Infrastructure;
using ChdkPtp.HelpGen;

namespace ChdkPtp.Help.Tests
{
    /// <summary>
    /// The real module: docs/*.md, en-US/ChdkPtp.dll-Help.xml, bin/ChdkPtp.dll, ChdkPtp.psd1.
    /// The cmdlets are discovered from the built assembly, so these tests grow with the module.
    /// The checkers themselves are tested in FixtureModuleTests.
    /// </summary>
    public class RepoHelpTests
    {
        public const string Prelude = "Connect-ChdkCamera -Simulator | Out-Null";

        private static HelpDocSet Docs()
        {
            return HelpDocSet.Load(RepoPaths.Docs, Path.GetFileName(RepoPaths.HelpXml));
        }

        [Fact]
        public void A_CommittedHelpXml_IsWhatTheDocsGenerate()
        {
            string drift = HelpDrift.Check(RepoPaths.Docs, RepoPaths.HelpXml);
            Assert.True(drift == null, drift);
        }

        [Fact]
        public void B_EveryCmdletAndParameter_IsDocumented_AndEveryPageHasACmdlet()
        {
            Assert.True(File.Exists(RepoPaths.ModuleDll), RepoPaths.ModuleDll + " is missing: build ChdkPtp.sln first");
            var cmdlets = CmdletInspector.Inspect(RepoPaths.ModuleDll);
            var problems = CompletenessChecker.Check(cmdlets, Docs());
            Assert.True(problems.Count == 0, problems.Count + " help problem(s):\n" + string.Join("\n", problems));
        }

        [Fact]
        public void C_GetHelp_ShowsTheDocs_ForEveryCmdlet()
        {
            var cmdlets = CmdletInspector.Inspect(RepoPaths.ModuleDll);
            var docs = Docs();
            if (cmdlets.Count == 0 && docs.Commands.Count == 0)
            {
                return; // nothing to show yet; the checker is exercised by FixtureModuleTests
            }
            Assert.True(File.Exists(RepoPaths.Manifest), RepoPaths.Manifest + " is missing, so the module cannot be imported");
            var problems = GetHelpChecker.Check(RepoPaths.Manifest, docs);
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        [Fact]
        public void C_AboutTopic_IsFoundByGetHelp_WhenTheModuleHasCmdlets()
        {
            var cmdlets = CmdletInspector.Inspect(RepoPaths.ModuleDll);
            string about = Path.Combine(RepoPaths.Root, "en-US", "about_ChdkPtp.help.txt");
            if (cmdlets.Count == 0 && !File.Exists(about))
            {
                return;
            }
            Assert.True(File.Exists(about), about + " is missing (the about topic is hand-written, see docs/README.md)");
            Assert.True(File.Exists(RepoPaths.Manifest), RepoPaths.Manifest + " is missing");
            using (var temp = new TempFolder())
            {
                PsRun import;
                using (var rs = PsHost.Open(RepoPaths.Manifest, temp.Path, out import))
                {
                    Assert.False(import.Failed, import.Describe());
                    var run = PsHost.Invoke(rs, "Get-Help about_ChdkPtp", PsHost.DefaultTimeout);
                    Assert.False(run.Failed, run.Describe());
                    string text = string.Join("\n", run.Output.Select(o => o.ToString()));
                    Assert.Contains("about_ChdkPtp", text);
                }
            }
        }

        [Fact]
        public void D_EveryExample_RunsWithoutErrors()
        {
            var docs = Docs();
            Assert.True(docs.Errors.Count == 0, string.Join("\n", docs.Errors));
            if (docs.Commands.All(c => c.Examples.All(e => e.NoRunReason != null)))
            {
                return; // no runnable examples yet; the runner is exercised by FixtureModuleTests
            }
            Assert.True(File.Exists(RepoPaths.Manifest), RepoPaths.Manifest + " is missing, so the examples cannot run");
            var report = ExampleRunner.Run(RepoPaths.Manifest, docs, Prelude, PsHost.DefaultTimeout);
            Assert.True(report.Problems.Count == 0, report.Problems.Count + " of " + report.Ran.Count + " examples failed:\n" + string.Join("\n", report.Problems));
        }
    }
}
