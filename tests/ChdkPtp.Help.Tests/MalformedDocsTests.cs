using System.IO;
using System.Linq;
using ChdkPtp.Help.Tests.Infrastructure;
using ChdkPtp.HelpGen;

namespace ChdkPtp.Help.Tests
{
    /// <summary>
    /// Fixtures/Malformed: each page is the valid Test-Valid.md with one defect. The reader must
    /// report it at the right line, and report nothing else.
    /// </summary>
    public class MalformedDocsTests
    {
        private static string Page(string name)
        {
            return Path.Combine(RepoPaths.Fixtures, "Malformed", name + ".md");
        }

        [Fact]
        public void TheTemplate_IsValid()
        {
            var result = MarkdownHelpReader.ReadFile(Page("Test-Valid"));
            Assert.Empty(result.Errors);
            Assert.Equal("Test-Valid", result.Command.Name);
            Assert.Equal("Path", Assert.Single(result.Command.Parameters).Name);
        }

        [Theory]
        [InlineData("Test-NoFrontMatter", 1, "missing YAML front matter")]
        [InlineData("Test-BadFrontMatter", 2, "invalid YAML in the front matter")]
        [InlineData("Test-NoDocType", 1, "front matter has no 'document type'")]
        [InlineData("Test-WrongDocType", 1, "unsupported document type 'module'")]
        [InlineData("Test-TitleMismatch", 8, "does not match the front matter title 'Test-Other'")]
        [InlineData("Test-FileName", 8, "must be named 'Test-Renamed.md' (found 'Test-FileName.md')")]
        [InlineData("TestNoDash", 8, "'TestNoDash' is not a Verb-Noun cmdlet name")]
        [InlineData("Test-UnknownSection", 26, "unknown section '## EXTRA'")]
        [InlineData("Test-OutOfOrder", 18, "section '## SYNTAX' is out of order")]
        [InlineData("Test-DuplicateSection", 64, "section '## NOTES' appears twice")]
        [InlineData("Test-TwoTitles", 64, "a second level-1 heading")]
        [InlineData("Test-TextBeforeSection", 10, "text between the title and the first")]
        [InlineData("Test-SyntaxNoBlock", 16, "needs exactly one fenced syntax block (found 0)")]
        [InlineData("Test-SyntaxWrongName", 19, "must start with the cmdlet name 'Test-SyntaxWrongName'")]
        [InlineData("Test-MissingSyntax", 8, "missing '## SYNTAX'")]
        [InlineData("Test-ExampleNoCode", 28, "has no ```powershell code block")]
        [InlineData("Test-ExampleNumbering", 28, "expected 'Example 1', found 'Example 2'")]
        [InlineData("Test-ExampleHeading", 28, "'### Sample' is not an example heading")]
        [InlineData("Test-NoRunMisplaced", 34, "must come right after the example heading")]
        [InlineData("Test-NoRunNoReason", 30, "needs a reason")]
        [InlineData("Test-ParamNoYaml", 36, "parameter -Path has no ```yaml block")]
        [InlineData("Test-ParamBadYaml", 41, "invalid YAML in the ```yaml block of -Path")]
        [InlineData("Test-ParamUnknownKey", 44, "unknown ParameterSets key 'Postion'")]
        [InlineData("Test-ParamBadBool", 45, "IsRequired must be true or false (found 'yes')")]
        [InlineData("Test-ParamBadPosition", 44, "Position must be 'Named' or a number")]
        [InlineData("Test-ParamUnknownSet", 43, "-Path names parameter set 'ByPath', which is not a '### ByPath' subsection of SYNTAX")]
        [InlineData("Test-ParamNoSets", 40, "has no ParameterSets")]
        [InlineData("Test-ParamTwice", 48, "parameter -Path is documented twice")]
        [InlineData("Test-ParamHeading", 36, "'### Path' is not a parameter heading")]
        [InlineData("Test-ParamTextAfterYaml", 48, "text after the ```yaml block of -Path")]
        [InlineData("Test-InputsProse", 54, "text directly under '## INPUTS'")]
        [InlineData("Test-SetTwice", 44, "-Path lists parameter set '(All)' twice")]
        [InlineData("Test-AllAndNamed", 43, "-Path lists '(All)' together with named sets")]
        [InlineData("Test-BadExampleYamlFence", 46, "parameter -Path has more than one ```yaml block")]
        public void EachDefect_IsReportedAtItsLine(string name, int line, string message)
        {
            var result = MarkdownHelpReader.ReadFile(Page(name));
            var error = Assert.Single(result.Errors);
            Assert.Equal(Page(name), error.File);
            Assert.Contains(message, error.Message);
            Assert.Equal(line, error.Line);
            Assert.StartsWith(Page(name) + ":" + line + ": error: ", error.ToString());
        }

        [Fact]
        public void SyntaxWithoutSets_ReportsBothTheStrayBlockAndTheMissingSets()
        {
            var result = MarkdownHelpReader.ReadFile(Page("Test-SyntaxNoSets"));
            Assert.Equal(new[] { 16, 14 }, result.Errors.Select(e => e.Line));
            Assert.Contains("text directly under '## SYNTAX'", result.Errors[0].Message);
            Assert.Contains("needs one '### ParameterSetName' subsection", result.Errors[1].Message);
        }

        [Fact]
        public void EveryMalformedFixture_IsCovered()
        {
            // A new fixture file without an expectation above would test nothing.
            var covered = typeof(MalformedDocsTests).GetMethod(nameof(EachDefect_IsReportedAtItsLine))
                .GetCustomAttributesData()
                .Where(a => a.AttributeType == typeof(InlineDataAttribute))
                .Select(a => (string)((System.Collections.ObjectModel.ReadOnlyCollection<System.Reflection.CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value)[0].Value)
                .Concat(new[] { "Test-Valid", "Test-SyntaxNoSets" });
            var files = Directory.GetFiles(Path.Combine(RepoPaths.Fixtures, "Malformed"), "*.md").Select(Path.GetFileNameWithoutExtension);
            Assert.Empty(files.Except(covered));
        }

        [Fact]
        public void TheFolder_FailsAsAWhole_AndNothingIsWritten()
        {
            using (var temp = new TempFolder())
            {
                string output = temp.Combine("HelpFixture.dll-Help.xml");
                var errors = HelpGenerator.Generate(Path.Combine(RepoPaths.Fixtures, "Malformed"), output);
                // one error per defective page (Test-SyntaxNoSets has two), none for Test-Valid
                int pages = Directory.GetFiles(Path.Combine(RepoPaths.Fixtures, "Malformed"), "*.md").Length;
                Assert.Equal(pages, errors.Count);
                Assert.False(File.Exists(output));
                Assert.Empty(Directory.GetFiles(temp.Path));
            }
        }
    }
}
