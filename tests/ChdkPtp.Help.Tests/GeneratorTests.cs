using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using ChdkPtp.Help.Tests.Infrastructure;
using ChdkPtp.HelpGen;

namespace ChdkPtp.Help.Tests
{
    /// <summary>The markdown reader, the MAML writer and the command line, on the fixture pages.</summary>
    public class GeneratorTests
    {
        private static string Good(string name)
        {
            return Path.Combine(FixtureModule.GoodDocs, name + ".md");
        }

        private static XmlDocument GenerateGood(out XmlNamespaceManager ns)
        {
            var docs = HelpDocSet.Load(FixtureModule.GoodDocs, FixtureModule.HelpFileName);
            Assert.Empty(docs.Errors);
            var xml = new XmlDocument();
            using (var ms = new MemoryStream(MamlWriter.ToBytes(docs.Commands)))
            {
                xml.Load(ms);
            }
            ns = new XmlNamespaceManager(xml.NameTable);
            ns.AddNamespace("msh", MamlWriter.MshNs);
            ns.AddNamespace("maml", MamlWriter.MamlNs);
            ns.AddNamespace("command", MamlWriter.CommandNs);
            ns.AddNamespace("dev", MamlWriter.DevNs);
            return xml;
        }

        private static XmlNode Command(XmlDocument xml, XmlNamespaceManager ns, string name)
        {
            var node = xml.SelectSingleNode("/msh:helpItems/command:command[command:details/command:name='" + name + "']", ns);
            Assert.NotNull(node);
            return node;
        }

        private static string[] Texts(XmlNode node, string xpath, XmlNamespaceManager ns)
        {
            return node.SelectNodes(xpath, ns).Cast<XmlNode>().Select(n => n.InnerText).ToArray();
        }

        // ------------------------------------------------------------ reading

        [Fact]
        public void Reader_ReadsEverySectionOfAPage()
        {
            var result = MarkdownHelpReader.ReadFile(Good("Get-FixtureItem"));
            Assert.Empty(result.Errors);
            var cmd = result.Command;
            Assert.Equal("Get-FixtureItem", cmd.Name);
            Assert.Equal("Get", cmd.Verb);
            Assert.Equal("FixtureItem", cmd.Noun);
            Assert.Equal("HelpFixture", cmd.ModuleName);
            Assert.Equal("HelpFixture.dll-Help.xml", cmd.ExternalHelpFile);
            Assert.Equal("https://example.invalid/help/Get-FixtureItem", cmd.OnlineUri);
            Assert.Equal(new[] { "Gets items from the fixture camera." }, cmd.Synopsis);
            Assert.Equal(new[] { "ByName", "ById" }, cmd.SyntaxSets.Select(s => s.Name));
            Assert.Equal(new[] { true, false }, cmd.SyntaxSets.Select(s => s.IsDefault));
            Assert.Equal("Get-FixtureItem -Id <int> [-Session <FixtureSession>] [<CommonParameters>]", cmd.SyntaxSets[1].Text);
            Assert.Equal(new[] { "This cmdlet has no aliases." }, cmd.Aliases);
            Assert.Equal(new[]
            {
                "The Get-FixtureItem cmdlet gets items by name or by id from the default session, or from the session given with -Session.",
                "- Names may contain wildcards.",
                "- Unknown names are reported as non-terminating errors.",
            }, cmd.Description);

            Assert.Equal(3, cmd.Examples.Count);
            Assert.Equal("Get items by name", cmd.Examples[0].Title);
            Assert.Equal("Get-FixtureItem -Name a, b", cmd.Examples[0].Code);
            Assert.Equal(new[] { "Gets two items." }, cmd.Examples[0].Remarks);
            Assert.Empty(cmd.Examples[1].Remarks);
            Assert.Equal("$item = Get-FixtureItem -Id 3\nif ($item.Id -ne 3) { throw \"wrong item: $($item.Id)\" }", cmd.Examples[2].Code);
            Assert.All(cmd.Examples, e => Assert.Null(e.NoRunReason));

            Assert.Equal(new[] { "Id", "Name", "Session" }, cmd.Parameters.Select(p => p.Name));
            var name = cmd.FindParameter("Name");
            Assert.Equal(new[] { "The names of the items to get. Wildcards are permitted." }, name.Description);
            Assert.Equal("System.String[]", name.Type);
            Assert.True(name.SupportsWildcards);
            Assert.Equal(new[] { "N" }, name.Aliases);
            var set = Assert.Single(name.ParameterSets);
            Assert.Equal("ByName", set.Name);
            Assert.Equal(0, set.Position);
            Assert.True(set.IsRequired);
            Assert.True(set.ValueFromPipeline);
            Assert.False(set.ValueFromPipelineByPropertyName);
            Assert.Equal("True (ByValue)", set.PipelineInputText);
            var session = cmd.FindParameter("Session");
            Assert.True(Assert.Single(session.ParameterSets).IsAllSets);
            Assert.Null(session.ParameterSets[0].Position);
            Assert.Equal("named", session.ParameterSets[0].PositionText);
            Assert.True(cmd.HasCommonParameters);

            Assert.Equal(new[] { "System.String", "HelpFixture.FixtureSession" }, cmd.Inputs.Select(t => t.TypeName));
            Assert.Equal(new[] { "You can pipe item names to this cmdlet." }, cmd.Inputs[0].Description);
            Assert.Equal("HelpFixture.FixtureItem", Assert.Single(cmd.Outputs).TypeName);
            Assert.Empty(cmd.Notes);
            Assert.Equal(new[] { "Connect-FixtureCamera", "Remove-FixtureItem" }, cmd.RelatedLinks.Select(l => l.Text));
            Assert.Equal(new[] { "Connect-FixtureCamera.md", "Remove-FixtureItem.md" }, cmd.RelatedLinks.Select(l => l.Uri));
        }

        [Fact]
        public void Reader_ReadsNoRunReasons_AndAcceptedValues()
        {
            var connect = MarkdownHelpReader.ReadFile(Good("Connect-FixtureCamera")).Command;
            Assert.Null(connect.Examples[0].NoRunReason);
            Assert.Equal("the fixture has no hardware", connect.Examples[1].NoRunReason);
            var remove = MarkdownHelpReader.ReadFile(Good("Remove-FixtureItem")).Command;
            Assert.Equal(new[] { "File", "Folder" }, remove.FindParameter("Kind").AcceptedValues);
            Assert.Equal("File", remove.FindParameter("Kind").DefaultValue);
            Assert.True(remove.FindParameter("Force").IsSwitch);
            Assert.False(remove.FindParameter("Kind").IsSwitch);
        }

        [Fact]
        public void Reader_SkipsReadmeAndAboutPages()
        {
            var docs = HelpDocSet.Load(FixtureModule.GoodDocs, null);
            Assert.Equal(new[] { "Connect-FixtureCamera", "Get-FixtureItem", "Remove-FixtureItem" }, docs.Commands.Select(c => c.Name));
            var about = docs.Pages.Single(p => p.Path.EndsWith("about_HelpFixture.md", StringComparison.Ordinal));
            Assert.Equal("about", about.DocumentType);
            Assert.Null(about.Command);
            Assert.DoesNotContain(docs.Pages, p => p.Path.EndsWith("README.md", StringComparison.Ordinal));
        }

        [Fact]
        public void Reader_KeepsCodeAndJoinsWrappedLines()
        {
            string page = File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "Malformed", "Test-Valid.md"))
                .Replace("Longer text.\n", "First line\nsecond line with `code` & <angle>.\n\n```powershell\n$a = 1\n  $b = 2\n```\n\n1. one\n2. two\n");
            var result = MarkdownHelpReader.Read(page, "Test-Valid.md", "Test-Valid");
            Assert.Empty(result.Errors);
            Assert.Equal(new[] { "First line second line with `code` & <angle>.", "$a = 1\n  $b = 2", "1. one", "2. two" }, result.Command.Description);
        }

        [Fact]
        public void Reader_AcceptsWindowsLineEndsAndABom()
        {
            string page = File.ReadAllText(Good("Get-FixtureItem"));
            var lf = MarkdownHelpReader.Read(page, "a.md", "Get-FixtureItem");
            var crlf = MarkdownHelpReader.Read("\uFEFF" + page.Replace("\n", "\r\n"), "a.md", "Get-FixtureItem");
            Assert.Empty(crlf.Errors);
            Assert.Equal(MamlWriter.ToBytes(new[] { lf.Command }), MamlWriter.ToBytes(new[] { crlf.Command }));
        }

        [Fact]
        public void DocSet_ReportsPagesThatDisagree()
        {
            using (var temp = new TempFolder())
            {
                FixtureModuleTests.CopyDocs(FixtureModule.GoodDocs, temp.Path);
                FixtureModuleTests.Mutate(temp.Combine("Get-FixtureItem.md"), "Module Name: HelpFixture", "Module Name: Other");
                var docs = HelpDocSet.Load(temp.Path, "Other.dll-Help.xml");
                Assert.Contains(docs.Errors, e => e.File == temp.Combine("Get-FixtureItem.md") && e.Message.Contains("'Module Name: Other' differs from the other pages ('HelpFixture')"));
                Assert.Equal(3, docs.Errors.Count(e => e.Message.Contains("'external help file: HelpFixture.dll-Help.xml' but the help is generated into 'Other.dll-Help.xml'")));
                Assert.Equal(4, docs.Errors.Count);
            }
        }

        [Fact]
        public void DocSet_ReportsAMissingFolder()
        {
            var docs = HelpDocSet.Load(Path.Combine(Path.GetTempPath(), "no-such-docs-" + Guid.NewGuid().ToString("N")), null);
            Assert.Contains("docs folder not found", Assert.Single(docs.Errors).Message);
        }

        /// <summary>Every truncation, and every single-line deletion, of every good page: the reader
        /// reports problems but never throws, and whatever it accepts can be written.</summary>
        [Fact]
        public void Reader_NeverThrows_OnDamagedPages()
        {
            int accepted = 0, rejected = 0;
            foreach (var file in Directory.GetFiles(FixtureModule.GoodDocs, "*-*.md"))
            {
                string[] lines = File.ReadAllText(file).Replace("\r\n", "\n").Split('\n');
                string name = Path.GetFileNameWithoutExtension(file);
                for (int i = 0; i <= lines.Length; i++)
                {
                    foreach (var variant in new[]
                    {
                        string.Join("\n", lines.Take(i)),
                        string.Join("\n", lines.Where((l, k) => k != i)),
                        string.Join("\n", lines.Select((l, k) => k == i ? l.TrimStart() : l)),
                    })
                    {
                        PageResult result = null;
                        var ex = Record.Exception(() => result = MarkdownHelpReader.Read(variant, name + ".md", name));
                        Assert.True(ex == null, "line " + i + " of " + file + ": " + ex);
                        if (result.Errors.Count == 0 && result.Command != null)
                        {
                            accepted++;
                            Assert.NotEmpty(MamlWriter.ToBytes(new[] { result.Command }));
                        }
                        else
                        {
                            rejected++;
                            Assert.All(result.Errors, e => Assert.InRange(e.Line, 0, lines.Length + 1));
                        }
                    }
                }
            }
            Assert.True(accepted > 0 && rejected > 0, accepted + " accepted, " + rejected + " rejected");
        }

        // ------------------------------------------------------------ writing

        [Fact]
        public void Maml_HasOneCommandPerPage_InFileNameOrder()
        {
            XmlNamespaceManager ns;
            var xml = GenerateGood(out ns);
            Assert.Equal("maml", xml.DocumentElement.GetAttribute("schema"));
            Assert.Equal(new[] { "Connect-FixtureCamera", "Get-FixtureItem", "Remove-FixtureItem" },
                Texts(xml, "/msh:helpItems/command:command/command:details/command:name", ns));
        }

        [Fact]
        public void Maml_Details_Description_AndSyntaxPerParameterSet()
        {
            XmlNamespaceManager ns;
            var xml = GenerateGood(out ns);
            var get = Command(xml, ns, "Get-FixtureItem");
            Assert.Equal("Get", get.SelectSingleNode("command:details/command:verb", ns).InnerText);
            Assert.Equal("FixtureItem", get.SelectSingleNode("command:details/command:noun", ns).InnerText);
            Assert.Equal(new[] { "Gets items from the fixture camera." }, Texts(get, "command:details/maml:description/maml:para", ns));
            Assert.Equal(3, get.SelectNodes("maml:description/maml:para", ns).Count);

            var items = get.SelectNodes("command:syntax/command:syntaxItem", ns).Cast<XmlNode>().ToList();
            Assert.Equal(2, items.Count);
            Assert.All(items, i => Assert.Equal("Get-FixtureItem", i.SelectSingleNode("maml:name", ns).InnerText));
            Assert.Equal(new[] { "Name", "Session" }, Texts(items[0], "command:parameter/maml:name", ns));
            Assert.Equal(new[] { "Id", "Session" }, Texts(items[1], "command:parameter/maml:name", ns));

            var name = (XmlElement)items[0].SelectSingleNode("command:parameter[maml:name='Name']", ns);
            Assert.Equal("true", name.GetAttribute("required"));
            Assert.Equal("0", name.GetAttribute("position"));
            Assert.Equal("true", name.GetAttribute("globbing"));
            Assert.Equal("True (ByValue)", name.GetAttribute("pipelineInput"));
            Assert.Equal("N", name.GetAttribute("aliases"));
            Assert.Equal("String[]", name.SelectSingleNode("command:parameterValue", ns).InnerText);
            Assert.Equal("System.String[]", name.SelectSingleNode("dev:type/maml:name", ns).InnerText);
            Assert.Equal("None", name.SelectSingleNode("dev:defaultValue", ns).InnerText);

            var id = (XmlElement)items[1].SelectSingleNode("command:parameter[maml:name='Id']", ns);
            Assert.Equal("named", id.GetAttribute("position"));
            Assert.Equal("True (ByPropertyName)", id.GetAttribute("pipelineInput"));
            Assert.Equal("none", id.GetAttribute("aliases"));
            Assert.Equal("false", id.GetAttribute("globbing"));
        }

        [Fact]
        public void Maml_OrdersSyntaxPositionalFirst_AndWritesSwitchesAndAcceptedValues()
        {
            XmlNamespaceManager ns;
            var xml = GenerateGood(out ns);
            var remove = Command(xml, ns, "Remove-FixtureItem");
            var item = remove.SelectSingleNode("command:syntax/command:syntaxItem", ns);
            Assert.Equal(new[] { "Name", "Confirm", "Force", "Kind", "PassThru", "WhatIf" }, Texts(item, "command:parameter/maml:name", ns));
            // a switch has no value in the syntax, and a SwitchParameter value in the parameter list
            Assert.Null(item.SelectSingleNode("command:parameter[maml:name='Force']/command:parameterValue", ns));
            var force = (XmlElement)remove.SelectSingleNode("command:parameters/command:parameter[maml:name='Force']/command:parameterValue", ns);
            Assert.Equal("SwitchParameter", force.InnerText);
            Assert.Equal("false", force.GetAttribute("required"));
            Assert.Equal("cf", ((XmlElement)remove.SelectSingleNode("command:parameters/command:parameter[maml:name='Confirm']", ns)).GetAttribute("aliases"));
            Assert.Equal(new[] { "File", "Folder" }, Texts(item, "command:parameter[maml:name='Kind']/command:parameterValueGroup/command:parameterValue", ns));
            Assert.Equal("File", remove.SelectSingleNode("command:parameters/command:parameter[maml:name='Kind']/dev:defaultValue", ns).InnerText);
            Assert.Equal(new[] { "Confirm", "Force", "Kind", "Name", "PassThru", "WhatIf" }, Texts(remove, "command:parameters/command:parameter/maml:name", ns));
        }

        [Fact]
        public void Maml_TypesNotesExamplesAndLinks()
        {
            XmlNamespaceManager ns;
            var xml = GenerateGood(out ns);
            var get = Command(xml, ns, "Get-FixtureItem");
            Assert.Equal(new[] { "System.String", "HelpFixture.FixtureSession" }, Texts(get, "command:inputTypes/command:inputType/dev:type/maml:name", ns));
            Assert.Equal(new[] { "HelpFixture.FixtureItem" }, Texts(get, "command:returnValues/command:returnValue/dev:type/maml:name", ns));
            Assert.Equal(new[] { "One object per item found." }, Texts(get, "command:returnValues/command:returnValue/maml:description/maml:para", ns));
            Assert.Null(get.SelectSingleNode("maml:alertSet", ns)); // empty NOTES
            Assert.Equal(new[] { "--- Example 1: Get items by name ---", "--- Example 2: Pipe names ---", "--- Example 3: Get an item by id ---" },
                Texts(get, "command:examples/command:example/maml:title", ns));
            Assert.Equal("'a', 'b' | Get-FixtureItem", get.SelectNodes("command:examples/command:example/dev:code", ns)[1].InnerText);
            Assert.Equal(new[] { "Gets two items." }, Texts(get, "command:examples/command:example[1]/dev:remarks/maml:para", ns));
            Assert.Equal(new[] { "Online Version:", "Connect-FixtureCamera", "Remove-FixtureItem" }, Texts(get, "command:relatedLinks/maml:navigationLink/maml:linkText", ns));
            Assert.Equal("https://example.invalid/help/Get-FixtureItem", get.SelectSingleNode("command:relatedLinks/maml:navigationLink/maml:uri", ns).InnerText);

            var connect = Command(xml, ns, "Connect-FixtureCamera");
            Assert.Equal(new[] { "The fixture keeps its session in a runspace variable." }, Texts(connect, "maml:alertSet/maml:alert/maml:para", ns));
            // HelpUri: '' adds no "Online Version:" link
            Assert.Equal(new[] { "Get-FixtureItem" }, Texts(connect, "command:relatedLinks/maml:navigationLink/maml:linkText", ns));
        }

        [Fact]
        public void Maml_LeavesOutDontShowParameters()
        {
            using (var temp = new TempFolder())
            {
                FixtureModuleTests.CopyDocs(FixtureModule.GoodDocs, temp.Path);
                FixtureModuleTests.Mutate(temp.Combine("Get-FixtureItem.md"),
                    "DontShow: false\nAcceptedValues: []\nHelpMessage: ''\n```\n\n### -Name", "DontShow: true\nAcceptedValues: []\nHelpMessage: ''\n```\n\n### -Name");
                var docs = HelpDocSet.Load(temp.Path, null);
                string text = Encoding.UTF8.GetString(MamlWriter.ToBytes(docs.Commands));
                Assert.DoesNotContain("<maml:name>Id</maml:name>", text);
                Assert.Contains("<maml:name>Session</maml:name>", text);
            }
        }

        [Fact]
        public void Maml_EscapesMarkupInText()
        {
            string page = File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "Malformed", "Test-Valid.md"))
                .Replace("Does a thing.", "Copies A & B to <dest> \"now\".");
            var cmd = MarkdownHelpReader.Read(page, "Test-Valid.md", "Test-Valid").Command;
            var xml = new XmlDocument();
            xml.LoadXml(Encoding.UTF8.GetString(MamlWriter.ToBytes(new[] { cmd })));
            Assert.Equal("Copies A & B to <dest> \"now\".", xml.GetElementsByTagName("maml:para")[0].InnerText);
        }

        [Theory]
        [InlineData("System.String", "String")]
        [InlineData("System.String[]", "String[]")]
        [InlineData("ChdkPtp.ChdkSession", "ChdkSession")]
        [InlineData("System.Nullable`1[System.Int32]", "Nullable`1[System.Int32]")]
        [InlineData("int", "int")]
        [InlineData("", "")]
        public void ShortTypeName_DropsTheNamespace(string full, string expected)
        {
            Assert.Equal(expected, MamlWriter.ShortTypeName(full));
        }

        // ------------------------------------------------------------ determinism and files

        [Fact]
        public void Output_IsDeterministic_AndIndependentOfLineEndsAndDates()
        {
            using (var temp = new TempFolder())
            {
                string a = temp.Combine("a", FixtureModule.HelpFileName);
                string b = temp.Combine("b", FixtureModule.HelpFileName);
                string c = temp.Combine("c", FixtureModule.HelpFileName);
                Assert.Empty(HelpGenerator.Generate(FixtureModule.GoodDocs, a));
                Assert.Empty(HelpGenerator.Generate(FixtureModule.GoodDocs, b));
                Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));

                string crlf = temp.Combine("crlf");
                Directory.CreateDirectory(crlf);
                foreach (var f in Directory.GetFiles(FixtureModule.GoodDocs, "*.md"))
                {
                    string text = File.ReadAllText(f).Replace("\r\n", "\n").Replace("ms.date: 11/23/2025", "ms.date: 01/01/2031");
                    File.WriteAllText(Path.Combine(crlf, Path.GetFileName(f)), "\uFEFF" + text.Replace("\n", "\r\n"), new UTF8Encoding(false));
                }
                Assert.Empty(HelpGenerator.Generate(crlf, c));
                Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(c));

                byte[] bytes = File.ReadAllBytes(a);
                Assert.DoesNotContain((byte)'\r', bytes);
                Assert.Equal((byte)'<', bytes[0]); // no BOM
                Assert.Equal((byte)'\n', bytes[bytes.Length - 1]);
                Assert.DoesNotContain("2025", Encoding.UTF8.GetString(bytes));
            }
        }

        [Fact]
        public void Output_ForAFolderWithoutCmdletPages_IsAnEmptyHelpItems()
        {
            using (var temp = new TempFolder())
            {
                File.WriteAllText(temp.Combine("README.md"), "# docs\n");
                string output = temp.Combine("out", "ChdkPtp.dll-Help.xml");
                Assert.Empty(HelpGenerator.Generate(temp.Path, output));
                Assert.Equal("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<helpItems schema=\"maml\" xmlns=\"http://msh\" />\n", File.ReadAllText(output));
            }
        }

        [Fact]
        public void Output_IsReplacedWhole_AndLeftAloneOnErrors()
        {
            using (var temp = new TempFolder())
            {
                string output = temp.Combine(FixtureModule.HelpFileName);
                File.WriteAllText(output, "old");
                Assert.Empty(HelpGenerator.Generate(FixtureModule.GoodDocs, output));
                Assert.StartsWith("<?xml", File.ReadAllText(output));
                Assert.Equal(new[] { output }, Directory.GetFiles(temp.Path)); // no temp files left

                File.WriteAllText(output, "old");
                Assert.NotEmpty(HelpGenerator.Generate(FixtureModule.DefectDocs.Replace("DefectDocs", "Malformed"), output));
                Assert.Equal("old", File.ReadAllText(output));
                Assert.Equal(new[] { output }, Directory.GetFiles(temp.Path));
            }
        }

        // ------------------------------------------------------------ command line

        [Fact]
        public void Cli_WithoutTwoArguments_PrintsUsage()
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            Assert.Equal(2, Program.Run(new[] { "docs" }, stdout, stderr));
            Assert.Contains("usage: HelpGen <docsFolder> <outputXml>", stderr.ToString());
            Assert.Equal(2, Program.Run(new string[0], stdout, stderr));
        }

        [Fact]
        public void Cli_ReportsFileAndLine_AndExitsNonZero()
        {
            using (var temp = new TempFolder())
            {
                string docs = temp.Combine("docs");
                Directory.CreateDirectory(docs);
                File.Copy(Path.Combine(RepoPaths.Fixtures, "Malformed", "Test-ParamBadBool.md"), Path.Combine(docs, "Test-ParamBadBool.md"));
                string output = temp.Combine(FixtureModule.HelpFileName);
                var stdout = new StringWriter();
                var stderr = new StringWriter();
                Assert.Equal(1, Program.Run(new[] { docs, output }, stdout, stderr));
                Assert.Contains(Path.Combine(docs, "Test-ParamBadBool.md") + ":45: error: IsRequired must be true or false (found 'yes')", stderr.ToString());
                Assert.Contains("1 error(s)", stderr.ToString());
                Assert.False(File.Exists(output));
            }
        }

        [Fact]
        public void Cli_RunsAsAProcess()
        {
            using (var temp = new TempFolder())
            {
                string output = temp.Combine(FixtureModule.HelpFileName);
                var good = RunHelpGen(FixtureModule.GoodDocs, output);
                Assert.True(good.Item1 == 0, good.Item2);
                Assert.Equal(File.ReadAllBytes(output), MamlWriter.ToBytes(HelpDocSet.Load(FixtureModule.GoodDocs, null).Commands));

                var bad = RunHelpGen(Path.Combine(RepoPaths.Fixtures, "Malformed"), temp.Combine("bad.xml"));
                Assert.Equal(1, bad.Item1);
                Assert.Contains("Test-ParamBadBool.md:45: error: ", bad.Item2);
                Assert.False(File.Exists(temp.Combine("bad.xml")));
            }
        }

        private static Tuple<int, string> RunHelpGen(string docs, string output)
        {
            string dll = typeof(Program).Assembly.Location;
            string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (string.IsNullOrEmpty(dotnet) || !File.Exists(dotnet))
            {
                dotnet = "dotnet";
            }
            var psi = new ProcessStartInfo(dotnet)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add(dll);
            psi.ArgumentList.Add(docs);
            psi.ArgumentList.Add(output);
            using (var p = Process.Start(psi))
            {
                var err = p.StandardError.ReadToEndAsync();
                string stdout = p.StandardOutput.ReadToEnd();
                Assert.True(p.WaitForExit(60000), "HelpGen did not exit");
                return Tuple.Create(p.ExitCode, stdout + err.Result);
            }
        }
    }
}
