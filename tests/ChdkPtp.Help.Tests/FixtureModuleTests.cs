using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ChdkPtp.Help.Tests.Infrastructure;
using ChdkPtp.HelpGen;

namespace ChdkPtp.Help.Tests
{
    /// <summary>
    /// The checkers of RepoHelpTests, run against the throwaway HelpFixture module: complete docs
    /// pass, and docs with known defects are reported defect by defect. This is what keeps the
    /// checkers honest while the real module has few or no cmdlets.
    /// </summary>
    public class FixtureModuleTests
    {
        private static List<CmdletModel> Cmdlets()
        {
            return CmdletInspector.Inspect(FixtureModule.DllPath);
        }

        // ------------------------------------------------------------ the inspector

        [Fact]
        public void Inspector_FindsEveryCmdletClassWithItsParameterMetadata()
        {
            var cmdlets = Cmdlets();
            Assert.Equal(new[] { "Connect-FixtureCamera", "Get-FixtureItem", "Remove-FixtureItem" }, cmdlets.Select(c => c.Name).OrderBy(n => n, StringComparer.Ordinal));

            var get = cmdlets.Single(c => c.Name == "Get-FixtureItem");
            Assert.Equal("ByName", get.DefaultParameterSetName);
            Assert.False(get.SupportsShouldProcess);
            Assert.Equal(new[] { "HelpFixture.FixtureItem" }, get.OutputTypes);
            Assert.Equal(new[] { "ByName", "ById" }, get.ParameterSetNames());

            var name = get.Parameters.Single(p => p.Name == "Name");
            Assert.Equal("System.String[]", name.TypeFullName);
            Assert.Equal("System.String", name.ElementTypeFullName);
            Assert.Equal(new[] { "N" }, name.Aliases);
            Assert.True(name.SupportsWildcards);
            var nameSet = Assert.Single(name.Sets);
            Assert.Equal("ByName", nameSet.Name);
            Assert.True(nameSet.Mandatory);
            Assert.Equal(0, nameSet.Position);
            Assert.True(nameSet.ValueFromPipeline);
            Assert.False(nameSet.ValueFromPipelineByPropertyName);

            var session = get.Parameters.Single(p => p.Name == "Session");
            Assert.Equal(CmdletModel.AllSets, Assert.Single(session.Sets).Name);
            Assert.Null(session.Sets[0].Position);
            Assert.True(session.Sets[0].ValueFromPipelineByPropertyName);

            Assert.True(get.Parameters.Single(p => p.Name == "Internal").DontShow);
            Assert.DoesNotContain(get.Parameters, p => p.Name == "WhatIf");

            var remove = cmdlets.Single(c => c.Name == "Remove-FixtureItem");
            Assert.True(remove.SupportsShouldProcess);
            Assert.Equal(new[] { "File", "Folder" }, remove.Parameters.Single(p => p.Name == "Kind").ValidateSet);
            Assert.Contains(remove.Parameters, p => p.Name == "WhatIf" && p.IsCommon && p.Aliases.SequenceEqual(new[] { "wi" }));
            Assert.Contains(remove.Parameters, p => p.Name == "Confirm" && p.IsCommon && p.Aliases.SequenceEqual(new[] { "cf" }));
            Assert.Equal(new[] { CmdletModel.AllSets }, remove.ParameterSetNames());
        }

        [Fact]
        public void Inspector_AgreesWithTheEngine()
        {
            // What the metadata says must be what PowerShell itself binds: compare with Get-Command.
            var cmdlets = Cmdlets();
            using (var temp = new TempFolder())
            {
                string manifest = FixtureModule.CreateManifest(temp.Combine("module"), null);
                PsRun import;
                using (var rs = PsHost.Open(manifest, temp.Path, out import))
                {
                    Assert.False(import.Failed, import.Describe());
                    foreach (var cmdlet in cmdlets)
                    {
                        var run = PsHost.Invoke(rs,
                            "foreach ($set in (Get-Command $args[0]).ParameterSets) { foreach ($p in $set.Parameters) { " +
                            "'{0}|{1}|{2}|{3}|{4}|{5}' -f $set.Name, $p.Name, $p.IsMandatory, $p.Position, $p.ValueFromPipeline, $p.ValueFromPipelineByPropertyName } }",
                            PsHost.DefaultTimeout, cmdlet.Name);
                        Assert.False(run.Failed, run.Describe());
                        var engine = new HashSet<string>(run.Output.Select(o => o.ToString()));
                        var common = new HashSet<string>(System.Management.Automation.Cmdlet.CommonParameters);
                        engine.RemoveWhere(line => common.Contains(line.Split('|')[1]));

                        var expected = new HashSet<string>();
                        foreach (var setName in cmdlet.ParameterSetNames())
                        {
                            foreach (var p in cmdlet.Parameters)
                            {
                                var entry = p.Sets.FirstOrDefault(s => s.Name == setName) ?? p.Sets.FirstOrDefault(s => s.IsAllSets);
                                if (entry != null)
                                {
                                    expected.Add(string.Format("{0}|{1}|{2}|{3}|{4}|{5}", setName, p.Name, entry.Mandatory,
                                        entry.Position ?? int.MinValue, entry.ValueFromPipeline, entry.ValueFromPipelineByPropertyName));
                                }
                            }
                        }
                        Assert.Equal(expected.OrderBy(x => x), engine.OrderBy(x => x));
                    }
                }
            }
        }

        // ------------------------------------------------------------ (b) completeness

        [Fact]
        public void Completeness_GoodDocs_HaveNoProblems()
        {
            var docs = HelpDocSet.Load(FixtureModule.GoodDocs, FixtureModule.HelpFileName);
            Assert.Empty(docs.Errors);
            Assert.Equal(3, docs.Commands.Count);
            Assert.Empty(CompletenessChecker.Check(Cmdlets(), docs));
        }

        [Fact]
        public void Completeness_DefectDocs_ReportEveryKnownDefectAndNothingElse()
        {
            var docs = HelpDocSet.Load(FixtureModule.DefectDocs, FixtureModule.HelpFileName);
            Assert.Empty(docs.Errors);
            var problems = CompletenessChecker.Check(Cmdlets(), docs);

            string connect = Path.Combine(FixtureModule.DefectDocs, "Connect-FixtureCamera.md");
            string get = Path.Combine(FixtureModule.DefectDocs, "Get-FixtureItem.md");
            string ghost = Path.Combine(FixtureModule.DefectDocs, "Get-FixtureGhost.md");
            string remove = Path.Combine(FixtureModule.DefectDocs, "Remove-FixtureItem.md");
            var expected = new[]
            {
                connect + ":10: error: SYNOPSIS is missing or empty",
                connect + ":8: error: DESCRIPTION is missing or empty",
                connect + ":20: error: EXAMPLES has no",
                connect + ":8: error: INPUTS is missing or empty",
                connect + ":22: error: PARAMETERS has no '### CommonParameters'",
                connect + ":35: error: OUTPUTS has no '### HelpFixture.FixtureSession'",
                connect + ":24: error: -Simulator: has no description",
                connect + ":27: error: -Simulator: Type is 'System.String' but the parameter is System.Management.Automation.SwitchParameter",
                get + ":28: error: SYNTAX lists parameter set 'ByPath', which Get-FixtureItem does not have",
                get + ":22: error: SYNTAX marks 'ById' as (Default) but the default set is 'ByName'",
                get + ":124: error: INPUTS has no '### System.String' although -Name takes it from the pipeline",
                get + ":78: error: parameter -Id is not documented",
                get + ":97: error: -Name: SupportsWildcards is false but the parameter has [SupportsWildcards]",
                get + ":97: error: -Name: Aliases are [] but the parameter has [N]",
                get + ":101: error: -Name: in set ByName, IsRequired is false but the parameter says true",
                get + ":101: error: -Name: in set ByName, Position is Named but the parameter says 0",
                get + ":101: error: -Name: in set ByName, ValueFromPipeline is false but the parameter says true",
                get + ":112: error: -Session: ParameterSets has no '- Name: (All)' entry",
                get + ":114: error: -Session: ParameterSets lists 'ByName' but the parameter is in (All)",
                get + ":80: error: documents -Bogus, which Get-FixtureItem does not have",
                remove + ": error: Remove-FixtureItem (HelpFixture.RemoveFixtureItemCommand) has no docs page",
                ghost + ":8: error: documents Get-FixtureGhost, which the module does not declare as a cmdlet",
            };
            var unmatched = expected.Where(e => !problems.Any(p => p.StartsWith(e, StringComparison.Ordinal))).ToList();
            Assert.True(unmatched.Count == 0, "not reported:\n" + string.Join("\n", unmatched) + "\n\nreported:\n" + string.Join("\n", problems));
            Assert.True(problems.Count == expected.Length, "unexpected extra problems:\n" + string.Join("\n", problems.Where(p => !expected.Any(e => p.StartsWith(e, StringComparison.Ordinal)))));
            // the hidden parameter needs no docs
            Assert.DoesNotContain(problems, p => p.Contains("-Internal"));
        }

        /// <summary>One defect at a time, made in a copy of the good docs.</summary>
        [Theory]
        [InlineData("Remove-FixtureItem.md", "### -WhatIf\n", "### -WhatIfX\n", "parameter -WhatIf is not documented")]
        [InlineData("Remove-FixtureItem.md", "### -WhatIf\n", "### -WhatIfX\n", "documents -WhatIfX, which Remove-FixtureItem does not have")]
        [InlineData("Connect-FixtureCamera.md", "  Position: Named\n", "  Position: 1\n", "-Simulator: in set (All), Position is 1 but the parameter says Named")]
        [InlineData("Remove-FixtureItem.md", "- File\n- Folder\n", "- File\n", "-Kind: AcceptedValues are [File] but [ValidateSet] allows [File, Folder]")]
        [InlineData("Connect-FixtureCamera.md", "AcceptedValues: []", "AcceptedValues: [On, Off]", "-Simulator: AcceptedValues are listed but the parameter has no [ValidateSet]")]
        [InlineData("Get-FixtureItem.md", "### ByName (Default)", "### ByName", "SYNTAX should mark '### ByName (Default)'")]
        [InlineData("Get-FixtureItem.md", "### ById\n\n```\nGet-FixtureItem -Id <int> [-Session <FixtureSession>] [<CommonParameters>]\n```\n", "", "-Id names parameter set 'ById', which is not a '### ById' subsection of SYNTAX")]
        [InlineData("Get-FixtureItem.md", "  IsRequired: true\n  ValueFromPipeline: false\n  ValueFromPipelineByPropertyName: true", "  IsRequired: true\n  ValueFromPipeline: false\n  ValueFromPipelineByPropertyName: false", "-Id: in set ById, ValueFromPipelineByPropertyName is false but the parameter says true")]
        [InlineData("Get-FixtureItem.md", "### -Session\n", "### -session\n", "-Session: documented as -session")]
        [InlineData("Get-FixtureItem.md", "Type: HelpFixture.FixtureSession", "Type: FixtureSession", null)]
        [InlineData("Get-FixtureItem.md", "DontShow: false\nAcceptedValues: []\nHelpMessage: ''\n```\n\n### -Name", "DontShow: true\nAcceptedValues: []\nHelpMessage: ''\n```\n\n### -Name", "-Id: DontShow is true but the parameter says false")]
        [InlineData("Get-FixtureItem.md", "## OUTPUTS\n\n### HelpFixture.FixtureItem\n", "## OUTPUTS\n\n### System.Object\n", "OUTPUTS has no '### HelpFixture.FixtureItem'")]
        [InlineData("Get-FixtureItem.md", "### System.String\n\nYou can pipe", "### System.Object\n\nYou can pipe", "INPUTS has no '### System.String'")]
        [InlineData("Connect-FixtureCamera.md", "Connects to the built-in simulated camera instead of real hardware.\n", "", "-Simulator: has no description")]
        [InlineData("Remove-FixtureItem.md", "## INPUTS\n\n### System.String\n\nA Name property of piped objects is bound to -Name.\n", "## INPUTS\n", "INPUTS is missing or empty")]
        public void Completeness_ReportsASingleDefect(string file, string find, string replace, string expected)
        {
            using (var temp = new TempFolder())
            {
                CopyDocs(FixtureModule.GoodDocs, temp.Path);
                Mutate(temp.Combine(file), find, replace);
                var docs = HelpDocSet.Load(temp.Path, FixtureModule.HelpFileName);
                var problems = CompletenessChecker.Check(Cmdlets(), docs);
                if (expected == null)
                {
                    // a short type name is accepted; an unchanged page stays clean
                    Assert.Empty(problems);
                    return;
                }
                Assert.True(problems.Any(p => p.Contains(expected)), "expected '" + expected + "' in:\n" + string.Join("\n", problems));
                Assert.All(problems, p => Assert.StartsWith(temp.Combine(file), p));
            }
        }

        // ------------------------------------------------------------ (c) Get-Help

        [Fact]
        public void GetHelp_ShowsTheDocs_WhenTheHelpIsGeneratedFromThem()
        {
            using (var temp = new TempFolder())
            {
                string manifest = FixtureModule.CreateManifest(temp.Combine("module"), FixtureModule.GoodDocs);
                var docs = HelpDocSet.Load(FixtureModule.GoodDocs, FixtureModule.HelpFileName);
                Assert.Empty(GetHelpChecker.Check(manifest, docs));
            }
        }

        [Fact]
        public void GetHelp_ReportsEveryCmdlet_WhenThereIsNoHelpFile()
        {
            using (var temp = new TempFolder())
            {
                string manifest = FixtureModule.CreateManifest(temp.Combine("module"), null);
                var docs = HelpDocSet.Load(FixtureModule.GoodDocs, FixtureModule.HelpFileName);
                var problems = GetHelpChecker.Check(manifest, docs);
                foreach (var name in new[] { "Connect-FixtureCamera", "Get-FixtureItem", "Remove-FixtureItem" })
                {
                    Assert.Contains(problems, p => p.Contains("Get-Help " + name + ": synopsis is"));
                    Assert.Contains(problems, p => p.Contains("Get-Help " + name + ": description is"));
                }
            }
        }

        [Fact]
        public void GetHelp_ReportsTheTextThatDiffers_WhenTheHelpIsStale()
        {
            using (var temp = new TempFolder())
            {
                string manifest = FixtureModule.CreateManifest(temp.Combine("module"), FixtureModule.GoodDocs);
                string docsDir = temp.Combine("docs");
                CopyDocs(FixtureModule.GoodDocs, docsDir);
                Mutate(Path.Combine(docsDir, "Get-FixtureItem.md"), "Gets items from the fixture camera.", "Gets things.");
                Mutate(Path.Combine(docsDir, "Remove-FixtureItem.md"), "Returns the removed item.", "Returns the item it removed.");
                var problems = GetHelpChecker.Check(manifest, HelpDocSet.Load(docsDir, FixtureModule.HelpFileName));
                Assert.Equal(2, problems.Count);
                Assert.Contains(problems, p => p.Contains("Get-Help Get-FixtureItem: synopsis is 'Gets items from the fixture camera.', the docs say 'Gets things.'"));
                Assert.Contains(problems, p => p.Contains("Get-Help Remove-FixtureItem: -PassThru is described as 'Returns the removed item.'"));
            }
        }

        [Fact]
        public void GetHelp_ReportsAPageForACmdletTheModuleDoesNotExport()
        {
            using (var temp = new TempFolder())
            {
                string manifest = FixtureModule.CreateManifest(temp.Combine("module"), FixtureModule.GoodDocs);
                string docsDir = temp.Combine("docs");
                CopyDocs(FixtureModule.GoodDocs, docsDir);
                File.Copy(Path.Combine(FixtureModule.DefectDocs, "Get-FixtureGhost.md"), Path.Combine(docsDir, "Get-FixtureGhost.md"));
                var problems = GetHelpChecker.Check(manifest, HelpDocSet.Load(docsDir, FixtureModule.HelpFileName));
                Assert.Equal("Get-FixtureGhost is documented but the module does not export it", Assert.Single(problems).Split(": error: ")[1]);
            }
        }

        // ------------------------------------------------------------ (d) examples

        [Fact]
        public void Examples_GoodDocs_AllRunCleanly_AndNoRunIsHonoured()
        {
            using (var temp = new TempFolder())
            {
                string manifest = FixtureModule.CreateManifest(temp.Combine("module"), FixtureModule.GoodDocs);
                var docs = HelpDocSet.Load(FixtureModule.GoodDocs, FixtureModule.HelpFileName);
                var report = ExampleRunner.Run(manifest, docs, FixtureModule.Prelude, PsHost.DefaultTimeout);
                Assert.True(report.Problems.Count == 0, string.Join("\n", report.Problems));
                Assert.Equal(new[] { "Connect-FixtureCamera #1", "Get-FixtureItem #1", "Get-FixtureItem #2", "Get-FixtureItem #3", "Remove-FixtureItem #1", "Remove-FixtureItem #2", "Remove-FixtureItem #3" }, report.Ran);
                Assert.Equal(new[] { "Connect-FixtureCamera #2" }, report.Skipped);
            }
        }

        [Fact]
        public void Examples_RunAfterThePrelude_InTheSameRunspace()
        {
            // Without the prelude the Get/Remove examples have no session: terminating errors.
            using (var temp = new TempFolder())
            {
                string manifest = FixtureModule.CreateManifest(temp.Combine("module"), FixtureModule.GoodDocs);
                var docs = HelpDocSet.Load(FixtureModule.GoodDocs, FixtureModule.HelpFileName);
                var report = ExampleRunner.Run(manifest, docs, null, PsHost.DefaultTimeout);
                Assert.Equal(6, report.Problems.Count);
                Assert.All(report.Problems, p => Assert.Contains("FixtureNoSession", p));
                Assert.DoesNotContain(report.Problems, p => p.Contains("Connect-FixtureCamera #1"));
            }
        }

        [Fact]
        public void Examples_DefectDocs_ReportErrorsThrowsParseErrorsAndHangs()
        {
            using (var temp = new TempFolder())
            {
                string manifest = FixtureModule.CreateManifest(temp.Combine("module"), FixtureModule.GoodDocs);
                var docs = HelpDocSet.Load(FixtureModule.DefectDocs, FixtureModule.HelpFileName);
                var report = ExampleRunner.Run(manifest, docs, FixtureModule.Prelude, TimeSpan.FromSeconds(5));
                string get = Path.Combine(FixtureModule.DefectDocs, "Get-FixtureItem.md");
                Assert.Equal(new[] { "Get-FixtureItem #1", "Get-FixtureItem #2", "Get-FixtureItem #3", "Get-FixtureItem #5", "Get-FixtureItem #6" }, report.Ran);
                Assert.Equal(new[] { "Get-FixtureGhost #1", "Get-FixtureItem #4" }, report.Skipped);
                Assert.True(report.Problems.Count == 4, string.Join("\n", report.Problems));
                Assert.StartsWith(get + ":43: error: Get-FixtureItem #1", report.Problems[0]);
                Assert.Contains("FixtureItemNotFound", report.Problems[0]);
                Assert.StartsWith(get + ":49: error: Get-FixtureItem #2", report.Problems[1]);
                Assert.Contains("terminating error: boom", report.Problems[1]);
                Assert.StartsWith(get + ":69: error: Get-FixtureItem #5", report.Problems[2]);
                Assert.Contains("terminating error", report.Problems[2]);
                Assert.StartsWith(get + ":75: error: Get-FixtureItem #6", report.Problems[3]);
                Assert.Contains("timed out", report.Problems[3]);
            }
        }

        [Fact]
        public void Examples_ReportAModuleThatDoesNotImport()
        {
            using (var temp = new TempFolder())
            {
                string manifest = temp.Combine("Nothing.psd1");
                File.WriteAllText(manifest, "@{ RootModule = 'bin/Nothing.dll'; ModuleVersion = '0.1.0' }");
                var docs = HelpDocSet.Load(FixtureModule.GoodDocs, FixtureModule.HelpFileName);
                var report = ExampleRunner.Run(manifest, docs, FixtureModule.Prelude, PsHost.DefaultTimeout);
                Assert.Equal(report.Ran.Count, report.Problems.Count);
                Assert.All(report.Problems, p => Assert.Contains("Import-Module failed", p));
            }
        }

        // ------------------------------------------------------------ helpers

        internal static void CopyDocs(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var f in Directory.GetFiles(from, "*.md"))
            {
                File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
            }
        }

        internal static void Mutate(string file, string find, string replace)
        {
            string text = File.ReadAllText(file).Replace("\r\n", "\n");
            int first = text.IndexOf(find, StringComparison.Ordinal);
            Assert.True(first >= 0, "fixture text not found in " + file + ": " + find);
            Assert.True(text.IndexOf(find, first + 1, StringComparison.Ordinal) < 0, "fixture text is not unique in " + file + ": " + find);
            File.WriteAllText(file, text.Substring(0, first) + replace + text.Substring(first + find.Length));
        }
    }
}
