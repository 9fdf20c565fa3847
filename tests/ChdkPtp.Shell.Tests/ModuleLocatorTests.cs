using System.IO;

namespace ChdkPtp.Shell.Tests
{
    public class ModuleLocatorTests
    {
        [Fact]
        public void The_environment_variable_wins_when_it_names_an_existing_file_or_folder()
        {
            using (var temp = new TempFolder())
            {
                string manifest = temp.Write(Path.Combine("m", "X.psd1"), "@{}");
                temp.Write(Path.Combine("start", "ChdkPtp.psd1"), "@{}");
                string start = Path.Combine(temp.Path, "start");

                Assert.Equal(manifest, ModuleLocator.Locate(manifest, start, out string warning));
                Assert.Null(warning);
                Assert.Equal(Path.GetDirectoryName(manifest), ModuleLocator.Locate(Path.GetDirectoryName(manifest), start, out warning));
                Assert.Null(warning);
            }
        }

        [Fact]
        public void A_missing_environment_path_gives_a_warning_and_no_fallback()
        {
            using (var temp = new TempFolder())
            {
                temp.Write(Path.Combine("start", "ChdkPtp.psd1"), "@{}");
                string missing = Path.Combine(temp.Path, "nope.psd1");
                Assert.Null(ModuleLocator.Locate(missing, Path.Combine(temp.Path, "start"), out string warning));
                Assert.Contains("CHDKPTP_MODULE", warning);
                Assert.Contains(missing, warning);
            }
        }

        [Fact]
        public void Without_the_variable_the_nearest_ChdkPtp_psd1_upwards_is_used()
        {
            using (var temp = new TempFolder())
            {
                string outer = temp.Write("ChdkPtp.psd1", "@{}");
                string inner = temp.Write(Path.Combine("a", "ChdkPtp.psd1"), "@{}");
                string deep = Path.Combine(temp.Path, "a", "b", "c");
                Directory.CreateDirectory(deep);

                Assert.Equal(inner, ModuleLocator.Locate(null, deep, out string warning));
                Assert.Null(warning);
                Assert.Equal(inner, ModuleLocator.Locate("  ", deep, out warning));

                File.Delete(inner);
                Assert.Equal(outer, ModuleLocator.FindUpwards(deep));

                // A folder named ChdkPtp.psd1 is not a manifest.
                File.Delete(outer);
                Directory.CreateDirectory(Path.Combine(temp.Path, "a", "b", "ChdkPtp.psd1"));
                Assert.Null(ModuleLocator.FindUpwards(deep));
            }
        }

        [Fact]
        public void Nothing_found_gives_a_warning_that_says_how_to_fix_it()
        {
            using (var temp = new TempFolder())
            {
                // The temp folder's ancestors (the system temp folder, the root) hold no ChdkPtp.psd1.
                Assert.Null(ModuleLocator.Locate(null, temp.Path, out string warning));
                Assert.Contains("not found", warning);
                Assert.Contains("CHDKPTP_MODULE", warning);
                Assert.Contains("-NoModule", warning);
            }

            Assert.Null(ModuleLocator.FindUpwards(null));
            Assert.Null(ModuleLocator.FindUpwards(""));
        }
    }

    public class IncompleteInputTests
    {
        [Theory]
        [InlineData("function f {", true)]
        [InlineData("if ($x) {", true)]
        [InlineData("'unterminated", true)]
        [InlineData("$s = @\"", true)]
        [InlineData("1 + 1", false)]
        [InlineData("function f { 1 }", false)]
        [InlineData("}", false)]      // an error, but not one more lines can fix
        [InlineData("", false)]
        public void Incomplete_input_asks_for_continuation_lines(string text, bool incomplete)
        {
            Assert.Equal(incomplete, ShellSession.IsIncomplete(text));
        }
    }
}
