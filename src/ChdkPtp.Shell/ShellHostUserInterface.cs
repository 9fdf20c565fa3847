using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;
using System.Threading;

namespace ChdkPtp.Shell
{
    /// <summary>
    /// Where the engine's streams go. Output, host writes and information records go to standard
    /// output; errors, warnings, verbose and debug lines go to standard error (so a scheduled job's
    /// stdout holds only its data); progress is one line rewritten in place on standard error,
    /// suppressed when standard error is redirected. Colours and ANSI sequences are used only on a
    /// terminal; redirected text is plain.
    /// </summary>
    internal sealed class ShellHostUserInterface : PSHostUserInterface
    {
        private const string Reset = "\u001b[0m";

        private readonly ConsoleIO _io;
        private readonly ShellRawUserInterface _rawUI;
        private readonly ProgressRenderer _progress;

        public ShellHostUserInterface(ConsoleIO io, bool nonInteractive)
        {
            _io = io ?? throw new ArgumentNullException(nameof(io));
            NonInteractive = nonInteractive;
            _rawUI = new ShellRawUserInterface(io, () => NonInteractive);
            _progress = new ProgressRenderer(io);
        }

        /// <summary>When true, every read or prompt fails with a clear error instead of waiting for input.</summary>
        public bool NonInteractive { get; set; }

        public override PSHostRawUserInterface RawUI => _rawUI;

        /// <summary>True when ANSI sequences reach a terminal; the engine then styles its output.</summary>
        public override bool SupportsVirtualTerminal => !_io.OutputRedirected && _io.VirtualTerminal;

        // ---- writing --------------------------------------------------------------------------

        public override void Write(string value) => WriteTo(false, value, null, null, false);

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) =>
            WriteTo(false, value, ForegroundOrNull(foregroundColor), BackgroundOrNull(backgroundColor), false);

        public override void WriteLine() => WriteTo(false, string.Empty, null, null, true);

        public override void WriteLine(string value) => WriteTo(false, value, null, null, true);

        public override void WriteLine(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) =>
            WriteTo(false, value, ForegroundOrNull(foregroundColor), BackgroundOrNull(backgroundColor), true);

        public override void WriteErrorLine(string value) => WriteTo(true, value, ConsoleColor.Red, null, true);

        public override void WriteWarningLine(string message) => WriteTo(true, "WARNING: " + message, ConsoleColor.Yellow, null, true);

        public override void WriteVerboseLine(string message) => WriteTo(true, "VERBOSE: " + message, ConsoleColor.Yellow, null, true);

        public override void WriteDebugLine(string message) => WriteTo(true, "DEBUG: " + message, ConsoleColor.Yellow, null, true);

        /// <summary>
        /// Called for every information record that is not ignored. Like pwsh's console host this
        /// shows nothing itself: the engine writes the records that should be seen (Write-Host
        /// style PSHOST records always, others when InformationAction is Continue) through
        /// Write/WriteLine, so they appear on standard output exactly as in pwsh.
        /// </summary>
        public override void WriteInformation(InformationRecord record)
        {
        }

        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
            lock (_io.WriteLock)
            {
                _progress.Update(sourceId, record);
            }
        }

        /// <summary>Erases the progress line and forgets its activities (called when a pipeline ends).</summary>
        internal void ResetProgress()
        {
            lock (_io.WriteLock)
            {
                _progress.Reset();
            }
        }

        /// <summary>False when NO_COLOR is set or $PSStyle.OutputRendering is PlainText.</summary>
        private bool ColoursWanted => !_io.NoColor && PSStyle.Instance.OutputRendering != OutputRendering.PlainText;

        private ConsoleColor? ForegroundOrNull(ConsoleColor color) => color == _rawUI.ForegroundColor ? (ConsoleColor?)null : color;

        private ConsoleColor? BackgroundOrNull(ConsoleColor color) => color == _rawUI.BackgroundColor ? (ConsoleColor?)null : color;

        private void WriteTo(bool toError, string value, ConsoleColor? foreground, ConsoleColor? background, bool newLine)
        {
            value = value ?? string.Empty;
            lock (_io.WriteLock)
            {
                bool terminal = toError ? !_io.ErrorRedirected : !_io.OutputRedirected;
                TextWriter writer = toError ? _io.Error : _io.Out;
                bool ansi = terminal && _io.VirtualTerminal;

                // Strips the engine's $PSStyle sequences when they would land in a file or pipe
                // (unless $PSStyle.OutputRendering says otherwise).
                string text = GetOutputString(value, ansi);
                if (terminal)
                {
                    _progress.Hide();
                }

                bool colour = terminal && (foreground.HasValue || background.HasValue) && text.Length > 0
                    && text.IndexOf('\u001b') < 0 && ColoursWanted;
                if (colour && ansi)
                {
                    writer.Write(AnsiColour(foreground, background) + text + Reset);
                }
                else if (colour && _io.IsRealConsole)
                {
                    WriteWithConsoleColours(writer, text, foreground, background);
                }
                else
                {
                    writer.Write(text);
                }

                if (newLine)
                {
                    writer.WriteLine();
                }

                if (toError)
                {
                    writer.Flush();
                }

                if (terminal && (newLine || text.EndsWith("\n", StringComparison.Ordinal)))
                {
                    _progress.Restore();
                }
            }
        }

        private static void WriteWithConsoleColours(TextWriter writer, string text, ConsoleColor? foreground, ConsoleColor? background)
        {
            ConsoleColor oldForeground = Console.ForegroundColor;
            ConsoleColor oldBackground = Console.BackgroundColor;
            try
            {
                if (foreground.HasValue)
                {
                    Console.ForegroundColor = foreground.Value;
                }

                if (background.HasValue)
                {
                    Console.BackgroundColor = background.Value;
                }

                writer.Write(text);
                writer.Flush();
            }
            finally
            {
                Console.ForegroundColor = oldForeground;
                Console.BackgroundColor = oldBackground;
            }
        }

        internal static string AnsiColour(ConsoleColor? foreground, ConsoleColor? background)
        {
            var sb = new StringBuilder();
            if (foreground.HasValue)
            {
                sb.Append("\u001b[").Append(AnsiCode(foreground.Value).ToString(CultureInfo.InvariantCulture)).Append('m');
            }

            if (background.HasValue)
            {
                sb.Append("\u001b[").Append((AnsiCode(background.Value) + 10).ToString(CultureInfo.InvariantCulture)).Append('m');
            }

            return sb.ToString();
        }

        private static int AnsiCode(ConsoleColor color)
        {
            switch (color)
            {
                case ConsoleColor.Black: return 30;
                case ConsoleColor.DarkRed: return 31;
                case ConsoleColor.DarkGreen: return 32;
                case ConsoleColor.DarkYellow: return 33;
                case ConsoleColor.DarkBlue: return 34;
                case ConsoleColor.DarkMagenta: return 35;
                case ConsoleColor.DarkCyan: return 36;
                case ConsoleColor.Gray: return 37;
                case ConsoleColor.DarkGray: return 90;
                case ConsoleColor.Red: return 91;
                case ConsoleColor.Green: return 92;
                case ConsoleColor.Yellow: return 93;
                case ConsoleColor.Blue: return 94;
                case ConsoleColor.Magenta: return 95;
                case ConsoleColor.Cyan: return 96;
                default: return 97;
            }
        }

        // ---- reading and prompting ------------------------------------------------------------

        internal static PSInvalidOperationException NonInteractiveError(string what)
        {
            return new PSInvalidOperationException(
                $"chdkps is running with -NonInteractive and cannot {what}. " +
                "Supply the value on the command line instead (for confirmations, -Confirm:$false), or run without -NonInteractive.");
        }

        private static PSInvalidOperationException EndOfInputError(string what)
        {
            return new PSInvalidOperationException(
                $"chdkps cannot {what}: the end of standard input was reached before an answer was read.");
        }

        private void EnsureInteractive(string what)
        {
            if (NonInteractive)
            {
                throw NonInteractiveError(what);
            }
        }

        /// <summary>
        /// Cancelled when Ctrl+C asks the running pipeline to stop, so that a prompt waiting for
        /// an answer gives up (the pipeline then stops) instead of holding the stop back.
        /// </summary>
        internal Func<CancellationToken> StopToken { get; set; } = () => CancellationToken.None;

        private string ReadInputLine()
        {
            lock (_io.WriteLock)
            {
                _progress.Hide();
                _io.Out.Flush();
            }

            try
            {
                return _io.Lines.ReadLine(StopToken());
            }
            catch (OperationCanceledException)
            {
                WriteLine();
                throw new PipelineStoppedException();
            }
        }

        public override string ReadLine()
        {
            EnsureInteractive("read a line of input");
            return ReadInputLine();
        }

        public override SecureString ReadLineAsSecureString()
        {
            EnsureInteractive("read a secure string");
            var secure = new SecureString();
            if (_io.IsRealConsole && !_io.InputRedirected)
            {
                while (true)
                {
                    ConsoleKeyInfo key = Console.ReadKey(intercept: true);
                    if (key.Key == ConsoleKey.Enter)
                    {
                        WriteLine();
                        break;
                    }

                    if (key.Key == ConsoleKey.Backspace)
                    {
                        if (secure.Length > 0)
                        {
                            secure.RemoveAt(secure.Length - 1);
                            Write("\b \b");
                        }

                        continue;
                    }

                    if (key.KeyChar != '\0' && !char.IsControl(key.KeyChar))
                    {
                        secure.AppendChar(key.KeyChar);
                        Write("*");
                    }
                }
            }
            else
            {
                string line = ReadInputLine();
                if (line == null)
                {
                    throw EndOfInputError("read a secure string");
                }

                foreach (char c in line)
                {
                    secure.AppendChar(c);
                }
            }

            secure.MakeReadOnly();
            return secure;
        }

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
        {
            if (descriptions == null)
            {
                throw new ArgumentNullException(nameof(descriptions));
            }

            string firstName = descriptions.Count > 0 ? descriptions[0].Name : "a value";
            EnsureInteractive($"prompt for '{firstName}'");
            WriteCaptionAndMessage(caption, message);

            var results = new Dictionary<string, PSObject>(StringComparer.OrdinalIgnoreCase);
            foreach (FieldDescription field in descriptions)
            {
                string label = PlainLabel(string.IsNullOrEmpty(field.Label) ? field.Name : field.Label, out _);
                string type = field.ParameterTypeFullName ?? string.Empty;
                if (type == typeof(PSCredential).FullName)
                {
                    throw new PSNotSupportedException(
                        $"chdkps cannot prompt for the credential '{field.Name}'; pass a PSCredential object instead.");
                }

                if (type == typeof(SecureString).FullName)
                {
                    Write(label + ": ");
                    results[field.Name] = PSObject.AsPSObject(ReadLineAsSecureString());
                    continue;
                }

                if (type.EndsWith("[]", StringComparison.Ordinal))
                {
                    // An array: one element per line, an empty line ends it (as pwsh does).
                    var items = new List<string>();
                    while (true)
                    {
                        Write(string.Format(CultureInfo.InvariantCulture, "{0}[{1}]: ", label, items.Count));
                        string item = ReadInputLine();
                        if (item == null)
                        {
                            throw EndOfInputError($"prompt for '{field.Name}'");
                        }

                        if (item.Length == 0)
                        {
                            break;
                        }

                        items.Add(item);
                    }

                    results[field.Name] = PSObject.AsPSObject(items.ToArray());
                    continue;
                }

                Write(label + ": ");
                string line = ReadInputLine();
                if (line == null)
                {
                    throw EndOfInputError($"prompt for '{field.Name}'");
                }

                results[field.Name] = PSObject.AsPSObject(line);
            }

            return results;
        }

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            if (choices == null || choices.Count == 0)
            {
                throw new ArgumentException("There must be at least one choice.", nameof(choices));
            }

            if (defaultChoice < -1 || defaultChoice >= choices.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(defaultChoice));
            }

            string question = string.IsNullOrEmpty(caption) ? message : caption;
            EnsureInteractive($"ask '{question}'");

            var hotkeys = new string[choices.Count];
            var labels = new string[choices.Count];
            for (int i = 0; i < choices.Count; i++)
            {
                labels[i] = PlainLabel(choices[i].Label, out hotkeys[i]);
            }

            WriteCaptionAndMessage(caption, message);
            while (true)
            {
                Write(ChoiceLine(labels, hotkeys, defaultChoice));
                string answer = ReadInputLine();
                if (answer == null)
                {
                    WriteLine();
                    throw EndOfInputError($"answer '{question}'");
                }

                answer = answer.Trim();
                if (answer.Length == 0)
                {
                    if (defaultChoice >= 0)
                    {
                        return defaultChoice;
                    }

                    continue;
                }

                if (answer == "?")
                {
                    for (int i = 0; i < choices.Count; i++)
                    {
                        string key = hotkeys[i].Length > 0 ? hotkeys[i] : labels[i];
                        WriteLine(key + " - " + (string.IsNullOrEmpty(choices[i].HelpMessage) ? labels[i] : choices[i].HelpMessage));
                    }

                    continue;
                }

                int chosen = MatchChoice(answer, labels, hotkeys);
                if (chosen >= 0)
                {
                    return chosen;
                }
            }
        }

        /// <summary>"[Y] Yes  [N] No  [?] Help (default is "Y"): "</summary>
        internal static string ChoiceLine(string[] labels, string[] hotkeys, int defaultChoice)
        {
            var line = new StringBuilder();
            for (int i = 0; i < labels.Length; i++)
            {
                if (hotkeys[i].Length > 0)
                {
                    line.Append('[').Append(hotkeys[i]).Append("] ");
                }

                line.Append(labels[i]).Append("  ");
            }

            line.Append("[?] Help");
            if (defaultChoice >= 0)
            {
                string key = hotkeys[defaultChoice].Length > 0 ? hotkeys[defaultChoice] : labels[defaultChoice];
                line.Append(" (default is \"").Append(key).Append("\")");
            }

            line.Append(": ");
            return line.ToString();
        }

        /// <summary>The index chosen by <paramref name="answer"/> (a hotkey or a whole label), or -1.</summary>
        internal static int MatchChoice(string answer, string[] labels, string[] hotkeys)
        {
            for (int i = 0; i < labels.Length; i++)
            {
                if (hotkeys[i].Length > 0 && string.Equals(answer, hotkeys[i], StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            for (int i = 0; i < labels.Length; i++)
            {
                if (string.Equals(answer, labels[i], StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>"&amp;Yes to All" -> "Yes to All" with hotkey "Y"; "&amp;&amp;" is a literal ampersand.</summary>
        internal static string PlainLabel(string label, out string hotkey)
        {
            hotkey = string.Empty;
            if (string.IsNullOrEmpty(label))
            {
                return string.Empty;
            }

            var plain = new StringBuilder(label.Length);
            for (int i = 0; i < label.Length; i++)
            {
                char c = label[i];
                if (c == '&' && i + 1 < label.Length)
                {
                    if (label[i + 1] == '&')
                    {
                        plain.Append('&');
                        i++;
                        continue;
                    }

                    if (hotkey.Length == 0 && !char.IsWhiteSpace(label[i + 1]))
                    {
                        hotkey = char.ToUpperInvariant(label[i + 1]).ToString();
                    }

                    continue;
                }

                plain.Append(c);
            }

            return plain.ToString();
        }

        private void WriteCaptionAndMessage(string caption, string message)
        {
            if (!string.IsNullOrEmpty(caption))
            {
                WriteLine(caption);
            }

            if (!string.IsNullOrEmpty(message))
            {
                WriteLine(message);
            }
        }

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName)
        {
            throw new PSNotSupportedException(
                "chdkps does not prompt for credentials; create a PSCredential object and pass it instead.");
        }

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options)
        {
            return PromptForCredential(caption, message, userName, targetName);
        }
    }
}
