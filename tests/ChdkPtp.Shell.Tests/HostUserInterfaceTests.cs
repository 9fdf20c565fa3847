using System;
using System.Collections.ObjectModel;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Host;

namespace ChdkPtp.Shell.Tests
{
    /// <summary>The host UI against string streams: where text goes, colours, prompts.</summary>
    public class HostUserInterfaceTests
    {
        private sealed class Fixture
        {
            public Fixture(string input = "", bool terminal = false, bool nonInteractive = false)
            {
                Out = new StringWriter();
                Err = new StringWriter();
                IO = new ConsoleIO(new StringReader(input), Out, Err,
                    inputRedirected: true, outputRedirected: !terminal, errorRedirected: !terminal,
                    isRealConsole: false, virtualTerminal: true);
                UI = new ShellHostUserInterface(IO, nonInteractive);
            }

            public StringWriter Out { get; }
            public StringWriter Err { get; }
            public ConsoleIO IO { get; }
            public ShellHostUserInterface UI { get; }
        }

        private static Collection<ChoiceDescription> YesNo() => new Collection<ChoiceDescription>
        {
            new ChoiceDescription("&Yes", "Do it."),
            new ChoiceDescription("&No", "Skip it."),
        };

        [Fact]
        public void Warnings_verbose_debug_and_errors_go_to_stderr_with_their_prefixes()
        {
            var f = new Fixture();
            f.UI.WriteWarningLine("careful");
            f.UI.WriteVerboseLine("details");
            f.UI.WriteDebugLine("internals");
            f.UI.WriteErrorLine("broken");
            f.UI.WriteLine("data");

            string nl = Environment.NewLine;
            Assert.Equal($"WARNING: careful{nl}VERBOSE: details{nl}DEBUG: internals{nl}broken{nl}", f.Err.ToString());
            Assert.Equal("data" + nl, f.Out.ToString());
        }

        [Fact]
        public void Colours_are_used_on_a_terminal_and_never_in_redirected_output()
        {
            var redirected = new Fixture();
            redirected.UI.WriteLine(ConsoleColor.Green, ConsoleColor.Black, "green");
            redirected.UI.WriteWarningLine("w");
            Assert.DoesNotContain("\u001b", redirected.Out.ToString() + redirected.Err.ToString(), StringComparison.Ordinal);

            var terminal = new Fixture(terminal: true);
            terminal.UI.WriteLine(ConsoleColor.Green, ConsoleColor.Black, "green");
            terminal.UI.WriteWarningLine("w");
            Assert.Contains("\u001b[92mgreen\u001b[0m", terminal.Out.ToString(), StringComparison.Ordinal);
            Assert.Contains("\u001b[93mWARNING: w\u001b[0m", terminal.Err.ToString(), StringComparison.Ordinal);
        }

        [Fact]
        public void NO_COLOR_and_PlainText_rendering_turn_colours_off_on_a_terminal()
        {
            var noColor = new Fixture(terminal: true);
            noColor.IO.NoColor = true;
            noColor.UI.WriteWarningLine("w");
            noColor.UI.WriteLine(ConsoleColor.Green, ConsoleColor.Black, "green");
            Assert.DoesNotContain("\u001b", noColor.Out.ToString() + noColor.Err.ToString(), StringComparison.Ordinal);

            OutputRendering saved = PSStyle.Instance.OutputRendering;
            try
            {
                PSStyle.Instance.OutputRendering = OutputRendering.PlainText;
                var plain = new Fixture(terminal: true);
                plain.UI.WriteWarningLine("w");
                plain.UI.WriteLine("\u001b[32;1mHeader\u001b[0m");
                Assert.Equal("WARNING: w" + Environment.NewLine, plain.Err.ToString());
                Assert.Equal("Header" + Environment.NewLine, plain.Out.ToString());
            }
            finally
            {
                PSStyle.Instance.OutputRendering = saved;
            }
        }

        [Fact]
        public void Engine_styling_sequences_are_stripped_when_output_is_redirected()
        {
            var redirected = new Fixture();
            redirected.UI.WriteLine("\u001b[32;1mHeader\u001b[0m");
            Assert.Equal("Header" + Environment.NewLine, redirected.Out.ToString());

            var terminal = new Fixture(terminal: true);
            terminal.UI.WriteLine("\u001b[32;1mHeader\u001b[0m");
            Assert.Equal("\u001b[32;1mHeader\u001b[0m" + Environment.NewLine, terminal.Out.ToString());
            Assert.True(terminal.UI.SupportsVirtualTerminal);
            Assert.False(redirected.UI.SupportsVirtualTerminal);
        }

        [Fact]
        public void PromptForChoice_accepts_hotkeys_labels_help_and_the_default()
        {
            var f = new Fixture("maybe\n?\nno\n");
            int chosen = f.UI.PromptForChoice("Confirm", "Proceed?", YesNo(), 0);
            Assert.Equal(1, chosen);
            string shown = f.Out.ToString();
            Assert.Contains("Confirm", shown);
            Assert.Contains("Proceed?", shown);
            Assert.Contains("[Y] Yes  [N] No  [?] Help (default is \"Y\"): ", shown);
            Assert.Contains("N - Skip it.", shown); // the '?' answer

            Assert.Equal(0, new Fixture("\n").UI.PromptForChoice(null, "q", YesNo(), 0));
            Assert.Equal(1, new Fixture(" n \n").UI.PromptForChoice(null, "q", YesNo(), 0));
            Assert.Equal(0, new Fixture("YES\n").UI.PromptForChoice(null, "q", YesNo(), 1));

            // No default: an empty answer asks again.
            var noDefault = new Fixture("\ny\n");
            Assert.Equal(0, noDefault.UI.PromptForChoice(null, "q", YesNo(), -1));
            Assert.DoesNotContain("default is", noDefault.Out.ToString());
        }

        [Fact]
        public void PromptForChoice_fails_clearly_at_end_of_input_and_in_NonInteractive_mode()
        {
            var eof = Assert.Throws<PSInvalidOperationException>(() => new Fixture("x\n").UI.PromptForChoice("Confirm", "q", YesNo(), 0));
            Assert.Contains("end of standard input", eof.Message);

            var f = new Fixture("y\n", nonInteractive: true);
            var ex = Assert.Throws<PSInvalidOperationException>(() => f.UI.PromptForChoice("Confirm", "q", YesNo(), 0));
            Assert.Contains("NonInteractive", ex.Message);
            Assert.Contains("Confirm", ex.Message);
            Assert.Equal(string.Empty, f.Out.ToString()); // nothing was asked

            Assert.Throws<PSInvalidOperationException>(() => f.UI.ReadLine());
            Assert.Throws<PSInvalidOperationException>(() => f.UI.ReadLineAsSecureString());
            Assert.Throws<PSInvalidOperationException>(() => f.UI.RawUI.ReadKey(ReadKeyOptions.IncludeKeyDown));
        }

        [Fact]
        public void PromptForChoice_rejects_bad_arguments()
        {
            var f = new Fixture("y\n");
            Assert.Throws<ArgumentException>(() => f.UI.PromptForChoice("c", "m", new Collection<ChoiceDescription>(), 0));
            Assert.Throws<ArgumentException>(() => f.UI.PromptForChoice("c", "m", null, 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => f.UI.PromptForChoice("c", "m", YesNo(), 2));
        }

        [Theory]
        [InlineData("&Yes", "Yes", "Y")]
        [InlineData("Yes to &All", "Yes to All", "A")]
        [InlineData("Plain", "Plain", "")]
        [InlineData("Salt && &Pepper", "Salt & Pepper", "P")]
        [InlineData("Trailing&", "Trailing&", "")]
        [InlineData("", "", "")]
        public void Choice_labels_lose_their_ampersand_and_give_the_hotkey(string label, string plain, string hotkey)
        {
            Assert.Equal(plain, ShellHostUserInterface.PlainLabel(label, out string key));
            Assert.Equal(hotkey, key);
        }

        [Fact]
        public void Prompt_reads_strings_arrays_and_secure_strings_and_refuses_credentials()
        {
            var f = new Fixture("camera-1\na\nb\n\nsecret\n");
            var fields = new Collection<FieldDescription>
            {
                new FieldDescription("Name"),
                new FieldDescription("Items") { },
                new FieldDescription("Password"),
            };
            fields[1].SetParameterType(typeof(string[]));
            fields[2].SetParameterType(typeof(System.Security.SecureString));

            var values = f.UI.Prompt("Supply values", null, fields);
            Assert.Equal("camera-1", values["Name"].BaseObject);
            Assert.Equal(new[] { "a", "b" }, (string[])values["Items"].BaseObject);
            var secure = (System.Security.SecureString)values["Password"].BaseObject;
            Assert.Equal(6, secure.Length);
            Assert.Contains("Items[2]: ", f.Out.ToString());

            var credential = new Collection<FieldDescription> { new FieldDescription("Cred") };
            credential[0].SetParameterType(typeof(PSCredential));
            Assert.Throws<PSNotSupportedException>(() => new Fixture("x\n").UI.Prompt(null, null, credential));
            Assert.Throws<PSNotSupportedException>(() => f.UI.PromptForCredential("c", "m", "user", "target"));

            Assert.Throws<PSInvalidOperationException>(() => new Fixture("").UI.Prompt(null, null,
                new Collection<FieldDescription> { new FieldDescription("Name") }));
        }

        [Fact]
        public void RawUI_is_120_columns_when_redirected_and_BufferSize_can_widen_it()
        {
            var f = new Fixture();
            Assert.Equal(120, f.UI.RawUI.BufferSize.Width);
            Assert.Equal(120, f.UI.RawUI.WindowSize.Width);
            f.UI.RawUI.BufferSize = new Size(250, 100);
            Assert.Equal(250, f.UI.RawUI.BufferSize.Width);
            Assert.Throws<ArgumentOutOfRangeException>(() => f.UI.RawUI.BufferSize = new Size(0, 10));
            Assert.Throws<NotSupportedException>(() => f.UI.RawUI.GetBufferContents(new Rectangle(0, 0, 1, 1)));
            Assert.False(f.UI.RawUI.KeyAvailable);
        }

        [Fact]
        public void ReadKey_from_redirected_input_reads_characters_until_the_end()
        {
            var f = new Fixture("ab");
            Assert.Equal('a', f.UI.RawUI.ReadKey(ReadKeyOptions.IncludeKeyDown).Character);
            Assert.Equal('b', f.UI.RawUI.ReadKey(ReadKeyOptions.IncludeKeyDown).Character);
            Assert.Throws<PSInvalidOperationException>(() => f.UI.RawUI.ReadKey(ReadKeyOptions.IncludeKeyDown));
        }
    }
}
