using System;
using System.Linq;
using System.Management.Automation.Runspaces;

namespace ChdkPtp.Shell.Tests
{
    public class CommandLineParserTests
    {
        [Fact]
        public void No_arguments_is_the_interactive_prompt()
        {
            ShellOptions o = CommandLineParser.Parse(Array.Empty<string>());
            Assert.Equal(ShellMode.Interactive, o.Mode);
            Assert.False(o.NonInteractive);
            Assert.False(o.NoModule);
        }

        [Theory]
        [InlineData("-Command")]
        [InlineData("-command")]
        [InlineData("-c")]
        [InlineData("-C")]
        [InlineData("-com")]
        [InlineData("--command")]
        public void Command_takes_every_remaining_argument_joined_by_spaces(string name)
        {
            ShellOptions o = CommandLineParser.Parse(new[] { "-NoModule", name, "Get-Thing", "-Name", "x y", "-File", "z" });
            Assert.Equal(ShellMode.Command, o.Mode);
            Assert.Equal("Get-Thing -Name x y -File z", o.CommandText);
            Assert.False(o.CommandFromStdin);
            Assert.True(o.NoModule);
        }

        [Fact]
        public void Command_dash_reads_stdin_and_takes_nothing_else()
        {
            ShellOptions o = CommandLineParser.Parse(new[] { "-Command", "-" });
            Assert.True(o.CommandFromStdin);
            Assert.Null(o.CommandText);

            var ex = Assert.Throws<CommandLineException>(() => CommandLineParser.Parse(new[] { "-c", "-", "more" }));
            Assert.Contains("standard input", ex.Message);
        }

        [Fact]
        public void File_takes_the_path_and_passes_the_rest_to_the_script_untouched()
        {
            ShellOptions o = CommandLineParser.Parse(new[] { "-nop", "-NonInteractive", "-ep", "Bypass", "-FILE", "s.ps1", "-NoModule", "-c", "x" });
            Assert.Equal(ShellMode.File, o.Mode);
            Assert.Equal("s.ps1", o.FilePath);
            Assert.Equal(new[] { "-NoModule", "-c", "x" }, o.FileArguments);
            Assert.True(o.NoProfile);
            Assert.True(o.NonInteractive);
            Assert.Equal("Bypass", o.ExecutionPolicy);
            Assert.False(o.NoModule); // it was an argument of the script, not of chdkps
        }

        [Fact]
        public void The_first_bare_argument_is_the_script_file_as_in_pwsh()
        {
            ShellOptions o = CommandLineParser.Parse(new[] { "-noni", "job.ps1", "a", "-b" });
            Assert.Equal(ShellMode.File, o.Mode);
            Assert.Equal("job.ps1", o.FilePath);
            Assert.Equal(new[] { "a", "-b" }, o.FileArguments);
            Assert.True(o.NonInteractive);
        }

        [Theory]
        [InlineData("-Version", "Version")]
        [InlineData("-v", "Version")]
        [InlineData("--version", "Version")]
        [InlineData("-Help", "Help")]
        [InlineData("-h", "Help")]
        [InlineData("-?", "Help")]
        [InlineData("--help", "Help")]
        public void Version_and_help(string arg, string mode)
        {
            Assert.Equal(mode, CommandLineParser.Parse(new[] { arg }).Mode.ToString());
        }

        [Theory]
        [InlineData("-NoExit")]
        [InlineData("-noe")]
        public void NoExit_is_recognised(string arg)
        {
            Assert.True(CommandLineParser.Parse(new[] { arg, "-c", "1" }).NoExit);
        }

        [Theory]
        [InlineData(new[] { "-Bogus" }, "Unknown parameter '-Bogus'")]
        [InlineData(new[] { "-no" }, "Unknown parameter")]          // too short to name any switch
        [InlineData(new[] { "-Commandx", "1" }, "Unknown parameter")] // longer than the name
        [InlineData(new[] { "-Command" }, "Missing the command text")]
        [InlineData(new[] { "-File" }, "Missing the script file name")]
        [InlineData(new[] { "-File", " " }, "Missing the script file name")]
        [InlineData(new[] { "-ExecutionPolicy" }, "Missing the execution policy")]
        [InlineData(new[] { "-ep", "-c", "1" }, "Missing the execution policy")]
        public void Bad_command_lines_are_rejected_with_a_message(string[] args, string expected)
        {
            var ex = Assert.Throws<CommandLineException>(() => CommandLineParser.Parse(args));
            Assert.Contains(expected, ex.Message);
        }

        [Fact]
        public void Null_arguments_are_a_programming_error()
        {
            Assert.Throws<ArgumentNullException>(() => CommandLineParser.Parse(null));
        }
    }

    public class ScriptArgumentsTests
    {
        private static (string Name, object Value)[] Convert(params string[] args) =>
            ScriptArguments.ToParameters(args).Select(p => (p.Name, p.Value)).ToArray();

        [Fact]
        public void Bare_values_are_positional_and_parameter_tokens_keep_their_dash()
        {
            var result = Convert("one", "-Count", "3", "-Loud");
            Assert.Equal(new (string, object)[] { (null, "one"), ("-Count", null), (null, "3"), ("-Loud", null) }, result);
        }

        [Fact]
        public void Colon_forms_bind_a_value_and_true_false_become_booleans()
        {
            var result = Convert("-Name:bob", "-Loud:false", "-Quiet:TRUE", "-Path:", "x y", "-Url:http://h:1/");
            Assert.Equal(new (string, object)[]
            {
                ("Name", "bob"), ("Loud", false), ("Quiet", true), ("Path", "x y"), ("Url", "http://h:1/"),
            }, result);
        }

        [Theory]
        [InlineData("-5")]
        [InlineData("-1.5")]
        [InlineData("-")]
        [InlineData("--")]
        [InlineData("-:x")]
        [InlineData("")]
        public void Negative_numbers_and_dash_oddities_are_positional(string arg)
        {
            var result = Convert(arg);
            Assert.Equal(new (string, object)[] { (null, arg) }, result);
        }

        [Fact]
        public void A_trailing_name_colon_without_value_stays_a_parameter_token()
        {
            var result = Convert("-Name:");
            Assert.Equal(new (string, object)[] { ("-Name", null) }, result);
        }
    }
}
