using System;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Text;
using System.Threading;

namespace ChdkPtp.Shell
{
    /// <summary>
    /// One run of chdkps: opens the runspace, imports the module, runs -File / -Command / the
    /// interactive prompt, and turns the outcome into an exit code.
    /// </summary>
    internal sealed class ShellSession : IDisposable
    {
        public const int ExitSuccess = 0;
        public const int ExitFailure = 1;
        public const int ExitBadCommandLine = 64;
        public const int ExitStopped = 130;

        private static readonly TimeSpan ForceExitWindow = TimeSpan.FromSeconds(2);

        private readonly ShellOptions _options;
        private readonly ConsoleIO _io;
        private readonly ShellHostUserInterface _ui;
        private readonly ShellHost _host;
        private readonly object _gate = new object();
        private Runspace _runspace;
        private Pipeline _current;
        private CancellationTokenSource _stopping;
        private DateTime? _stopRequestedUtc;
        private bool _atPrompt;

        private enum Outcome
        {
            Completed,
            Failed,
            Stopped,
        }

        public ShellSession(ShellOptions options, ConsoleIO io)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            _io = io ?? throw new ArgumentNullException(nameof(io));
            _ui = new ShellHostUserInterface(io, options.NonInteractive);
            _ui.StopToken = CurrentStopToken;
            _host = new ShellHost(_ui);
        }

        public int Run()
        {
            string scriptPath = null;
            if (_options.Mode == ShellMode.File)
            {
                scriptPath = ResolveScript(_options.FilePath);
                if (scriptPath == null)
                {
                    WriteStartupError(
                        $"The argument '{_options.FilePath}' is not recognized as the name of a script file. " +
                        "Check the spelling of the name, or if a path was included, verify that the path is correct and try again.");
                    return ExitBadCommandLine;
                }
            }

            Console.CancelKeyPress += OnCancelKeyPress;
            try
            {
                OpenRunspace();
                ImportModule();

                int code;
                switch (_options.Mode)
                {
                    case ShellMode.Command:
                        code = RunCommand();
                        break;
                    case ShellMode.File:
                        code = RunFile(scriptPath);
                        break;
                    default:
                        return RunInteractive();
                }

                if (_options.NoExit && !_host.ShouldExit)
                {
                    return RunInteractive();
                }

                return code;
            }
            finally
            {
                Console.CancelKeyPress -= OnCancelKeyPress;
            }
        }

        public void Dispose()
        {
            _runspace?.Dispose();
            _runspace = null;
        }

        // ---- start-up -------------------------------------------------------------------------

        private void OpenRunspace()
        {
            InitialSessionState state = InitialSessionState.CreateDefault2();

            // Execution policies exist only on Windows; -ExecutionPolicy is accepted and ignored,
            // and scripts always run there (as with pwsh -ExecutionPolicy Bypass).
            if (OperatingSystem.IsWindows())
            {
                state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
            }

            _runspace = RunspaceFactory.CreateRunspace(_host, state);
            _runspace.Open();
        }

        private void ImportModule()
        {
            if (_options.NoModule)
            {
                return;
            }

            string path = ModuleLocator.Locate(
                Environment.GetEnvironmentVariable(ModuleLocator.EnvironmentVariable),
                AppContext.BaseDirectory,
                out string warning);
            if (path == null)
            {
                _ui.WriteWarningLine(warning);
                return;
            }

            Pipeline pipeline = _runspace.CreatePipeline();
            var import = new Command("Import-Module");
            import.Parameters.Add("Name", path);
            import.Parameters.Add("ErrorAction", ActionPreference.Stop);
            pipeline.Commands.Add(import);
            try
            {
                using (pipeline)
                {
                    InvokeTracked(pipeline);
                }
            }
            catch (PipelineStoppedException)
            {
                _ui.WriteWarningLine("Importing the ChdkPtp module was stopped. Continuing without it.");
            }
            catch (Exception ex) when (ex is RuntimeException || ex is IOException || ex is UnauthorizedAccessException)
            {
                string reason = ex.Message.TrimEnd();
                if (!reason.EndsWith(".", StringComparison.Ordinal))
                {
                    reason += ".";
                }

                _ui.WriteWarningLine($"Could not import the ChdkPtp module from '{path}': {reason} Continuing without it.");
            }
        }

        private static string ResolveScript(string path)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                return null;
            }

            try
            {
                string full = Path.GetFullPath(path);
                return File.Exists(full) ? full : null;
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
            {
                return null;
            }
        }

        private void WriteStartupError(string message) => _ui.WriteErrorLine(message);

        // ---- the three modes ------------------------------------------------------------------

        private int RunCommand()
        {
            string text = _options.CommandFromStdin ? _io.In.ReadToEnd() : _options.CommandText;
            Outcome outcome = Execute(CreateScriptPipeline(text, addToHistory: false));
            return ExitCodeFor(outcome);
        }

        private int RunFile(string scriptPath)
        {
            Command command;
            if (string.Equals(Path.GetExtension(scriptPath), ".ps1", StringComparison.OrdinalIgnoreCase))
            {
                // Run as a script file (not pasted text) so $PSCommandPath / $PSScriptRoot and
                // param() binding work exactly as with pwsh -File. Like pwsh, the script runs
                // in the global scope (useLocalScope: false) so -NoExit can inspect its variables.
                command = new Command(scriptPath, isScript: false, useLocalScope: false);
            }
            else
            {
                // A file without the .ps1 extension (a '#!/usr/bin/env chdkps' script): the engine
                // only runs *.ps1 files as scripts, so run its text; $PSCommandPath is then empty.
                command = new Command(File.ReadAllText(scriptPath), isScript: true, useLocalScope: false);
            }

            foreach (CommandParameter parameter in ScriptArguments.ToParameters(_options.FileArguments))
            {
                command.Parameters.Add(parameter);
            }

            Pipeline pipeline = _runspace.CreatePipeline();
            pipeline.Commands.Add(command);
            AddOutDefault(pipeline);

            bool exitRethrown = EngineInternals.TryRequestExitRethrow(_runspace);
            Outcome outcome = Execute(pipeline);
            if (!_host.ShouldExit && !exitRethrown && outcome == Outcome.Completed
                && _runspace.SessionStateProxy.GetVariable("LASTEXITCODE") is int lastExitCode && lastExitCode != 0)
            {
                // Fallback for an engine without the internal switch: 'exit N' left N in $LASTEXITCODE.
                return lastExitCode;
            }

            return ExitCodeFor(outcome);
        }

        private int RunInteractive()
        {
            if (!_options.NoLogo && _io.IsRealConsole && !_io.InputRedirected)
            {
                _ui.WriteLine($"chdkps {ShellHost.ShellVersion.ToString(3)} (PowerShell {ShellHost.EngineVersion}). Type 'exit' to leave.");
            }

            Outcome last = Outcome.Completed;
            while (!_host.ShouldExit)
            {
                _ui.Write(GetPrompt());
                string text = ReadStatement();
                if (text == null)
                {
                    // End of input: leave as a finished -Command would.
                    _ui.WriteLine();
                    return ExitCodeFor(last);
                }

                if (text.Trim().Length == 0)
                {
                    continue;
                }

                last = Execute(CreateScriptPipeline(text, addToHistory: true));
            }

            return _host.ExitCode;
        }

        /// <summary>
        /// Reads one statement: the first line, then continuation lines ('>> ') while the parser
        /// says the input is incomplete. An empty continuation line ends it (as in pwsh).
        /// Returns null at the end of input.
        /// </summary>
        private string ReadStatement()
        {
            string line = ReadPromptLine();
            if (line == null)
            {
                return null;
            }

            var text = new StringBuilder(line);
            while (IsIncomplete(text.ToString()))
            {
                _ui.Write(">> ");
                string next = ReadPromptLine();
                if (next == null || next.Length == 0)
                {
                    break;
                }

                text.Append('\n').Append(next);
            }

            return text.ToString();
        }

        private string ReadPromptLine()
        {
            lock (_gate)
            {
                _atPrompt = true;
            }

            try
            {
                _io.Out.Flush();
                return _io.Lines.ReadLine(CancellationToken.None);
            }
            finally
            {
                lock (_gate)
                {
                    _atPrompt = false;
                }
            }
        }

        internal static bool IsIncomplete(string text)
        {
            Parser.ParseInput(text, out _, out ParseError[] errors);
            return errors.Any(e => e.IncompleteInput);
        }

        private string GetPrompt()
        {
            const string fallback = "PS> ";
            try
            {
                Collection<PSObject> result;
                using (Pipeline pipeline = _runspace.CreatePipeline("prompt"))
                {
                    result = InvokeTracked(pipeline);
                }

                string prompt = string.Concat(result.Where(o => o != null).Select(o => o.ToString()));
                return prompt.Length > 0 ? prompt : fallback;
            }
            catch (Exception ex) when (ex is RuntimeException || ex is InvalidOperationException)
            {
                return fallback;
            }
        }

        // ---- running pipelines ----------------------------------------------------------------

        private Pipeline CreateScriptPipeline(string text, bool addToHistory)
        {
            Pipeline pipeline = _runspace.CreatePipeline(text ?? string.Empty, addToHistory);
            AddOutDefault(pipeline);
            return pipeline;
        }

        /// <summary>
        /// Errors are merged into the output so Out-Default renders them in order with the
        /// objects (pwsh's error view, on standard error), and Out-Default formats every object
        /// with the loaded format views.
        /// </summary>
        private static void AddOutDefault(Pipeline pipeline)
        {
            pipeline.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
            pipeline.Commands.Add(new Command("Out-Default", isScript: false, useLocalScope: true));
        }

        private Outcome Execute(Pipeline pipeline)
        {
            try
            {
                InvokeTracked(pipeline);

                // A pipeline stopped by Ctrl+C does not always throw: check its final state.
                return pipeline.PipelineStateInfo.State == PipelineState.Stopped ? Outcome.Stopped : Outcome.Completed;
            }
            catch (PipelineStoppedException)
            {
                return Outcome.Stopped;
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                ReportException(ex);
                return Outcome.Failed;
            }
            finally
            {
                pipeline.Dispose();
                _ui.ResetProgress();
            }
        }

        /// <summary>Invokes a pipeline so that Ctrl+C can stop it. The caller disposes the pipeline.</summary>
        private Collection<PSObject> InvokeTracked(Pipeline pipeline)
        {
            var stopping = new CancellationTokenSource();
            lock (_gate)
            {
                _current = pipeline;
                _stopping = stopping;
                _stopRequestedUtc = null;
            }

            try
            {
                return pipeline.Invoke();
            }
            finally
            {
                lock (_gate)
                {
                    _current = null;
                    _stopping = null;
                    _stopRequestedUtc = null;
                }

                stopping.Dispose();
            }
        }

        /// <summary>
        /// Writes a terminating error out the way pwsh does: the ErrorRecord, marked as coming from
        /// the error stream, through Out-Default, which renders it with $ErrorView (position and
        /// all) on standard error.
        /// </summary>
        private void ReportException(Exception exception)
        {
            ErrorRecord record = exception is IContainsErrorRecord container && container.ErrorRecord != null
                ? new ErrorRecord(container.ErrorRecord, exception)
                : new ErrorRecord(exception, "chdkps.UnhandledException", ErrorCategory.NotSpecified, null);

            try
            {
                var wrapped = new PSObject(record);
                using (Pipeline pipeline = _runspace.CreatePipeline())
                {
                    if (EngineInternals.TryMarkAsErrorStream(wrapped))
                    {
                        pipeline.Commands.Add(new Command("Out-Default", isScript: false, useLocalScope: true));
                        pipeline.Invoke(new object[] { wrapped });
                    }
                    else
                    {
                        // Fallback: send the record down an error stream merged into Out-Default.
                        // -ErrorAction Continue keeps a script's $ErrorActionPreference = 'Stop'
                        // from turning the report itself into a failure.
                        var command = new Command(
                            "[CmdletBinding()] param([System.Management.Automation.ErrorRecord] $Record) $PSCmdlet.WriteError($Record)",
                            isScript: true, useLocalScope: true);
                        command.Parameters.Add("Record", record);
                        command.Parameters.Add("ErrorAction", ActionPreference.Continue);
                        pipeline.Commands.Add(command);
                        AddOutDefault(pipeline);
                        pipeline.Invoke();
                    }
                }
            }
            catch (Exception ex) when (ex is RuntimeException || ex is InvalidOperationException)
            {
                _ui.WriteErrorLine(exception.Message);
            }
        }

        private int ExitCodeFor(Outcome outcome)
        {
            if (_host.ShouldExit)
            {
                return _host.ExitCode;
            }

            switch (outcome)
            {
                case Outcome.Failed:
                    return ExitFailure;
                case Outcome.Stopped:
                    return ExitStopped;
                default:
                    return ExitSuccess;
            }
        }

        private CancellationToken CurrentStopToken()
        {
            lock (_gate)
            {
                return _stopping?.Token ?? CancellationToken.None;
            }
        }

        // ---- Ctrl+C ---------------------------------------------------------------------------

        /// <summary>
        /// Ctrl+C stops the running pipeline instead of killing the process; at the interactive
        /// prompt it is ignored. A second Ctrl+C within two seconds, while the pipeline is still
        /// stopping, lets the process end.
        /// </summary>
        private void OnCancelKeyPress(object sender, ConsoleCancelEventArgs e)
        {
            Pipeline toStop;
            lock (_gate)
            {
                toStop = _current;
                if (toStop == null)
                {
                    // Nothing to stop: at the prompt, ignore the key; while starting or ending, let
                    // Ctrl+C end the process as usual.
                    e.Cancel = _atPrompt;
                    return;
                }

                DateTime now = DateTime.UtcNow;
                if (_stopRequestedUtc.HasValue && now - _stopRequestedUtc.Value < ForceExitWindow)
                {
                    e.Cancel = false;
                    lock (_io.WriteLock)
                    {
                        _io.Error.WriteLine();
                        _io.Error.WriteLine("chdkps: the pipeline did not stop; exiting.");
                        _io.Error.Flush();
                    }

                    return;
                }

                _stopRequestedUtc = now;
                e.Cancel = true;
                _stopping?.Cancel();
            }

            try
            {
                toStop.StopAsync();
            }
            catch (InvalidOperationException)
            {
                // The pipeline finished in the meantime.
            }
        }
    }
}
