using System.IO;
using ChdkPtp.Help.Tests.Infrastructure;
using ChdkPtp.HelpGen;

namespace ChdkPtp.Help.Tests
{
    /// <summary>The drift check of RepoHelpTests.A, on the fixture pages.</summary>
    public class DriftTests
    {
        private static string Committed(TempFolder temp)
        {
            string xml = temp.Combine("en-US", FixtureModule.HelpFileName);
            Assert.Empty(HelpGenerator.Generate(FixtureModule.GoodDocs, xml));
            return xml;
        }

        [Fact]
        public void UpToDateXml_PassesByteForByte()
        {
            using (var temp = new TempFolder())
            {
                Assert.Null(HelpDrift.Check(FixtureModule.GoodDocs, Committed(temp)));
            }
        }

        [Fact]
        public void ChangedPage_IsReportedWithTheFirstDifferentLine()
        {
            using (var temp = new TempFolder())
            {
                string xml = Committed(temp);
                string docs = temp.Combine("docs");
                FixtureModuleTests.CopyDocs(FixtureModule.GoodDocs, docs);
                FixtureModuleTests.Mutate(Path.Combine(docs, "Remove-FixtureItem.md"), "Returns the removed item.", "Returns what was removed.");
                string drift = HelpDrift.Check(docs, xml);
                Assert.NotNull(drift);
                Assert.Contains("is out of date", drift);
                Assert.Contains("rebuild (dotnet build src/ChdkPtp)", drift);
                Assert.Contains("generated '<maml:para>Returns what was removed.</maml:para>', committed '<maml:para>Returns the removed item.</maml:para>'", drift);
            }
        }

        [Fact]
        public void HandEditedXml_IsReported()
        {
            using (var temp = new TempFolder())
            {
                string xml = Committed(temp);
                File.WriteAllText(xml, File.ReadAllText(xml).Replace("Gets two items.", "Gets 2 items."));
                Assert.Contains("is out of date", HelpDrift.Check(FixtureModule.GoodDocs, xml));
            }
        }

        [Fact]
        public void LineEndChanges_AreReported()
        {
            using (var temp = new TempFolder())
            {
                string xml = Committed(temp);
                File.WriteAllText(xml, File.ReadAllText(xml).Replace("\n", "\r\n"));
                Assert.Contains("is out of date", HelpDrift.Check(FixtureModule.GoodDocs, xml));
            }
        }

        [Fact]
        public void MissingXml_IsReported()
        {
            using (var temp = new TempFolder())
            {
                string drift = HelpDrift.Check(FixtureModule.GoodDocs, temp.Combine("en-US", FixtureModule.HelpFileName));
                Assert.Contains("does not exist", drift);
            }
        }

        [Fact]
        public void BrokenDocs_AreReportedWithTheirErrors()
        {
            using (var temp = new TempFolder())
            {
                string xml = Committed(temp);
                string drift = HelpDrift.Check(Path.Combine(RepoPaths.Fixtures, "Malformed"), xml);
                Assert.Contains("the docs have errors", drift);
                Assert.Contains("Test-ParamBadBool.md:45: error:", drift);
            }
        }
    }
}
