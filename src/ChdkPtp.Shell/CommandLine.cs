using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation.Runspaces;
using System.Text;

namespace ChdkPtp.Shell
{
    /// <summary>What chdkps was asked to do.</summary>
    internal enum ShellMode
    {
        Interactive,
        Command,
        File,
        Version,
        Help,
    }

    /// <summary>The parsed command line.</summary>
    internal sealed class ShellOptions
    {
        public ShellMode Mode { get; set; } = ShellMode.Interactive;

        /// <summary>-Command text (all remaining arguments joined by spaces, as pwsh does).</summary>
        public string CommandText { get; set; }

        /// <summary>-Command - : the command text is read from standard input.</summary>
        public bool CommandFromStdin { get; set; }

        /// <summary>-File path, as typed.</summary>
        public string FilePath { get; set; }

        /// <summary>Arguments after the -File path, passed to the script.</summary>
        public List<string> FileArguments { get; } = new List<string>();

        public bool NoProfile { get; set; }
        public bool NonInteractive { get; set; }
        public bool NoModule { get; set; }
        public bool NoLogo { get; set; }
        public bool NoExit { get; set; }
        public string ExecutionPolicy { get; set; }
    }

    /// <summary>A command line chdkps cannot run; exit code 64, like pwsh.</summary>
    internal sealed class CommandLineException : Exception
    {
        public CommandLineException(string message) : base(message) { }
    }

    /// <summary>
    /// Parses chdkps's command line the way pwsh parses its own: parameter names are
    /// case-insensitive, may start with '-' or '--' (or '/' on Windows) and may be abbreviated
    /// down to a documented minimum; the first argument that is not a parameter is the -File path.
    /// </summary>
    internal static class CommandLineParser
    {
        private sealed class Switch
        {
            public Switch(string name, int minimumLength, params string[] aliases)
            {
                Name = name;
                MinimumLength = minimumLength;
                Aliases = aliases;
            }

            public string Name { get; }
            public int MinimumLength { get; }
            public string[] Aliases { get; }

            public bool Matches(string key)
            {
                foreach (string alias in Aliases)
                {
                    if (string.Equals(alias, key, StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }
                }

                return key.Length >= MinimumLength && key.Length <= Name.Length
                    && Name.StartsWith(key, StringComparison.OrdinalIgnoreCase);
            }
        }

        private static readonly Switch CommandSwitch = new Switch("Command", 1);
        private static readonly Switch FileSwitch = new Switch("File", 1);
        private static readonly Switch NoProfileSwitch = new Switch("NoProfile", 3);
        private static readonly Switch NonInteractiveSwitch = new Switch("NonInteractive", 4);
        private static readonly Switch NoLogoSwitch = new Switch("NoLogo", 3);
        private static readonly Switch NoExitSwitch = new Switch("NoExit", 3);
        private static readonly Switch NoModuleSwitch = new Switch("NoModule", 3);
        private static readonly Switch ExecutionPolicySwitch = new Switch("ExecutionPolicy", 2, "ep");
        private static readonly Switch VersionSwitch = new Switch("Version", 1);
        private static readonly Switch HelpSwitch = new Switch("Help", 1, "?");

        private static readonly Switch[] AllSwitches =
        {
            CommandSwitch, FileSwitch, NoProfileSwitch, NonInteractiveSwitch, NoLogoSwitch, NoExitSwitch,
            NoModuleSwitch, ExecutionPolicySwitch, VersionSwitch, HelpSwitch,
        };

        public static ShellOptions Parse(IReadOnlyList<string> args)
        {
            if (args == null)
            {
                throw new ArgumentNullException(nameof(args));
            }

            var options = new ShellOptions();
            for (int i = 0; i < args.Count; i++)
            {
                string arg = args[i];
                string key = GetSwitchKey(arg);
                if (key == null)
                {
                    // pwsh: the first argument that is not a parameter is the script file.
                    ReadFile(options, args, i);
                    return options;
                }

                Switch match = Find(key, arg);
                if (match == HelpSwitch)
                {
                    options.Mode = ShellMode.Help;
                    return options;
                }

                if (match == VersionSwitch)
                {
                    options.Mode = ShellMode.Version;
                    return options;
                }

                if (match == CommandSwitch)
                {
                    ReadCommand(options, args, i + 1, arg);
                    return options;
                }

                if (match == FileSwitch)
                {
                    if (i + 1 >= args.Count || string.IsNullOrWhiteSpace(args[i + 1]))
                    {
                        throw new CommandLineException($"Missing the script file name after '{arg}'.");
                    }

                    ReadFile(options, args, i + 1);
                    return options;
                }

                if (match == ExecutionPolicySwitch)
                {
                    if (i + 1 >= args.Count || GetSwitchKey(args[i + 1]) != null)
                    {
                        throw new CommandLineException($"Missing the execution policy after '{arg}'.");
                    }

                    options.ExecutionPolicy = args[++i];
                }
                else if (match == NoProfileSwitch)
                {
                    options.NoProfile = true;
                }
                else if (match == NonInteractiveSwitch)
                {
                    options.NonInteractive = true;
                }
                else if (match == NoLogoSwitch)
                {
                    options.NoLogo = true;
                }
                else if (match == NoExitSwitch)
                {
                    options.NoExit = true;
                }
                else if (match == NoModuleSwitch)
                {
                    options.NoModule = true;
                }
            }

            options.Mode = ShellMode.Interactive;
            return options;
        }

        /// <summary>The switch name without its '-', '--' or '/' prefix, or null if <paramref name="arg"/> is not a switch.</summary>
        private static string GetSwitchKey(string arg)
        {
            if (string.IsNullOrEmpty(arg) || arg.Length < 2)
            {
                return null;
            }

            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                return arg.Substring(2);
            }

            if (arg[0] == '-' || IsDash(arg[0]) || (arg[0] == '/' && OperatingSystem.IsWindows()))
            {
                return arg.Substring(1);
            }

            return null;
        }

        private static bool IsDash(char c) => c == '\u2013' || c == '\u2014' || c == '\u2015';

        private static Switch Find(string key, string arg)
        {
            Switch found = null;
            foreach (Switch candidate in AllSwitches)
            {
                if (candidate.Matches(key))
                {
                    if (found != null)
                    {
                        throw new CommandLineException($"The parameter '{arg}' is ambiguous.");
                    }

                    found = candidate;
                }
            }

            if (found == null)
            {
                throw new CommandLineException($"Unknown parameter '{arg}'.");
            }

            return found;
        }

        private static void ReadCommand(ShellOptions options, IReadOnlyList<string> args, int start, string switchText)
        {
            if (start >= args.Count)
            {
                throw new CommandLineException($"Missing the command text after '{switchText}'.");
            }

            options.Mode = ShellMode.Command;
            if (args[start] == "-")
            {
                if (start + 1 < args.Count)
                {
                    throw new CommandLineException($"'{switchText} -' reads the command from standard input and takes no further arguments.");
                }

                options.CommandFromStdin = true;
                return;
            }

            var text = new StringBuilder();
            for (int i = start; i < args.Count; i++)
            {
                if (i > start)
                {
                    text.Append(' ');
                }

                text.Append(args[i]);
            }

            options.CommandText = text.ToString();
        }

        private static void ReadFile(ShellOptions options, IReadOnlyList<string> args, int pathIndex)
        {
            options.Mode = ShellMode.File;
            options.FilePath = args[pathIndex];
            for (int i = pathIndex + 1; i < args.Count; i++)
            {
                options.FileArguments.Add(args[i]);
            }
        }

        public const string Usage =
@"chdkps - a PowerShell 7 host with the ChdkPtp module loaded

Usage:
  chdkps [options] [-File] <script.ps1> [script arguments...]
  chdkps [options] -Command <text...>
  chdkps [options] -Command -           (read the command text from standard input)
  chdkps [options]                      (interactive prompt; 'exit' leaves)

Options (case-insensitive, may be abbreviated like pwsh's):
  -File, -f <path> [args]   Run a script file. Arguments are bound as pwsh binds them:
                            '-Name value', '-Name:value' and switches by name, others by position.
  -Command, -c <text>       Run the text (all remaining arguments, joined by spaces).
  -NonInteractive, -noni    Fail instead of prompting (confirmation, Read-Host style prompts).
  -NoExit, -noe             Stay at the interactive prompt after -File / -Command.
  -NoModule, -nom           Do not import the ChdkPtp module.
  -NoProfile, -nop          Accepted for compatibility; chdkps never runs profiles.
  -NoLogo, -nol             Accepted for compatibility; chdkps prints no logo.
  -ExecutionPolicy, -ep <p> Accepted and ignored (chdkps runs scripts with policy Bypass).
  -Version, -v              Print the version and exit.
  -Help, -h, -?             Print this help and exit.

Module: imported from $env:CHDKPTP_MODULE if set, else the first ChdkPtp.psd1 found in the
folder of chdkps.dll or any folder above it.

Exit codes: 'exit N' gives N; a terminating error (throw, -ErrorAction Stop) gives 1;
otherwise 0; a bad command line or a missing script file gives 64; Ctrl+C gives 130.
";
    }

    /// <summary>
    /// Turns the string arguments that follow a -File path into parameters, as pwsh does:
    /// '-Name' becomes a parameter token (the binder pairs it with the next argument unless it
    /// is a switch), '-Name:value' a named argument ('true'/'false' become booleans, so
    /// '-Switch:false' works), '-Name:' takes the next argument as its value, and anything else
    /// (including negative numbers) is positional.
    /// </summary>
    internal static class ScriptArguments
    {
        public static List<CommandParameter> ToParameters(IReadOnlyList<string> args)
        {
            var result = new List<CommandParameter>();
            for (int i = 0; i < args.Count; i++)
            {
                string arg = args[i];
                if (!LooksLikeParameter(arg))
                {
                    result.Add(new CommandParameter(null, arg));
                    continue;
                }

                int colon = arg.IndexOf(':');
                if (colon < 0)
                {
                    // A bare parameter token: "-Name". The engine's binder decides whether it takes
                    // the following argument (normal parameter) or not (switch).
                    result.Add(new CommandParameter(arg));
                    continue;
                }

                string name = arg.Substring(1, colon - 1);
                if (name.Length == 0)
                {
                    result.Add(new CommandParameter(null, arg));
                    continue;
                }

                if (colon == arg.Length - 1)
                {
                    // "-Name:" "value"
                    if (i + 1 < args.Count)
                    {
                        result.Add(new CommandParameter(name, args[++i]));
                    }
                    else
                    {
                        result.Add(new CommandParameter("-" + name));
                    }

                    continue;
                }

                string value = arg.Substring(colon + 1);
                if (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) || value == "$true")
                {
                    result.Add(new CommandParameter(name, true));
                }
                else if (string.Equals(value, "false", StringComparison.OrdinalIgnoreCase) || value == "$false")
                {
                    result.Add(new CommandParameter(name, false));
                }
                else
                {
                    result.Add(new CommandParameter(name, value));
                }
            }

            return result;
        }

        private static bool LooksLikeParameter(string arg)
        {
            if (string.IsNullOrEmpty(arg) || arg.Length < 2 || arg[0] != '-')
            {
                return false;
            }

            // "-5", "-1.5": a negative number, not a parameter named "5".
            if (double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                return false;
            }

            // "--" and "-:x" are not parameter names.
            return char.IsLetter(arg[1]) || arg[1] == '_' || arg[1] == '?';
        }
    }
}
