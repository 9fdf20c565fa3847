using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Scripting;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Commands
{
    /// <summary>Invoke-ChdkLua: runs Lua on the camera and emits its return values as objects.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "ChdkLua", DefaultParameterSetName = CodeSet)]
    [OutputType(typeof(object), ParameterSetName = new[] { CodeSet, PathSet, LiteralPathSet })]
    [OutputType(typeof(ChdkScriptInfo))]
    [OutputType(typeof(ChdkMessage))]
    public sealed class InvokeChdkLuaCommand : ChdkSessionCmdlet
    {
        private const string CodeSet = "Code";
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";

        /// <summary>The Lua code to run.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = CodeSet, ValueFromPipeline = true)]
        [AllowEmptyString]
        [NotASession]
        public string Code { get; set; }

        /// <summary>A file of Lua code to run (wildcards allowed; they must match exactly one file).</summary>
        [Parameter(Mandatory = true, ParameterSetName = PathSet)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string Path { get; set; }

        /// <summary>A file of Lua code to run, its name taken exactly as written (no wildcards).</summary>
        [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
        [ValidateNotNullOrEmpty]
        [Alias("PSPath", "LP")]
        public string LiteralPath { get; set; }

        /// <summary>Values passed to the script; it reads them as <c>...</c>.</summary>
        [Parameter(Position = 1)]
        [Alias("Args")]
        [AllowNull, AllowEmptyCollection]
        public object[] ArgumentList { get; set; }

        /// <summary>Seconds to wait for the script to end; then it is stopped and a ChdkTimeout error raised.</summary>
        [Parameter]
        [ValidateRange(0.001, 31536000)]
        public double Timeout { get; set; }

        /// <summary>Start the script and return at once with its id (chdkptp's lua command).</summary>
        [Parameter]
        public SwitchParameter NoWait { get; set; }

        /// <summary>Kill a script that is already running instead of failing with ChdkScriptRunning.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Emit the script's write_usb_msg messages as output objects instead of information records.</summary>
        [Parameter]
        public SwitchParameter OutputMessages { get; set; }

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            string code = Code;
            if (ParameterSetName != CodeSet)
            {
                code = ReadScriptFile();
                if (code == null) return;
            }
            string script;
            try
            {
                var list = new List<object>();
                if (ArgumentList != null) foreach (var a in ArgumentList) list.Add(LuaValueConverter.FromPowerShell(a));
                // Bad arguments (and too many of them) are refused here, before anything reaches the camera.
                script = ChdkScriptComposer.Compose(code, list);
            }
            catch (ArgumentException ex)
            {
                WriteChdkError(ex, ArgumentList);
                return;
            }

            uint id = 0;
            bool started = false;
            IDisposable hold = null;
            try
            {
                hold = Hold(session);
                id = ScriptRunner.StartRaw(session.Client, script, Force, WriteWarning);
                started = true;
                session.LastScriptId = id;
                if (NoWait)
                {
                    WriteObject(new ChdkScriptInfo(id, session));
                    return;
                }
                var options = new ScriptRunOptions
                {
                    Timeout = MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) ? TimeSpan.FromSeconds(Timeout) : (TimeSpan?)null,
                    Warning = WriteWarning,
                    UserMessage = (m, v) => EmitMessage(new ChdkMessage(m, LuaValueConverter.ToPowerShell(v), session)),
                };
                var result = ScriptRunner.Wait(session.Client, id, options, CancelToken);
                foreach (var value in result.Returns) WriteObject(LuaValueConverter.ToPowerShell(value), false);
            }
            catch (OperationCanceledException)
            {
                if (started) KillQuietly(session);
                throw new PipelineStoppedException();
            }
            catch (ChdkTimeoutException ex)
            {
                KillQuietly(session);
                WriteChdkError(new ChdkTimeoutException(ex.Message + " It was stopped."), code);
            }
            catch (ChdkScriptException ex)
            {
                WriteError(ScriptError(ex, code));
            }
            catch (PtpException ex)
            {
                WriteChdkError(Recover(session, ex, "the script"), session);
            }
            finally
            {
                hold?.Dispose();
            }
        }

        private void EmitMessage(ChdkMessage message)
        {
            if (OutputMessages) WriteObject(message);
            else WriteInformation(new InformationRecord(message, "ChdkPtp") { Tags = { "ChdkScriptMessage" } });
        }

        private ErrorRecord ScriptError(ChdkScriptException ex, string code)
        {
            var record = ErrorFor(ex, code);
            if (ex.Line.HasValue)
            {
                var lines = (code ?? string.Empty).Replace("\r\n", "\n").Split('\n');
                int n = ex.Line.Value;
                string where = ParameterSetName != CodeSet ? $"{Path ?? LiteralPath}:{n}" : $"line {n}";
                string text = n >= 1 && n <= lines.Length ? lines[n - 1].Trim() : null;
                record.ErrorDetails = new ErrorDetails(text == null ? ex.Message : $"{ex.Message}\n  {where}: {text}");
            }
            record.CategoryInfo.Activity = "Invoke-ChdkLua";
            return record;
        }

        private void KillQuietly(ChdkSession session)
        {
            try { ScriptRunner.Kill(session.Client, true, TimeSpan.FromSeconds(2), default); }
            catch (PtpException) { }
        }

        private string ReadScriptFile()
        {
            string given = Path ?? LiteralPath;
            string file;
            try
            {
                ProviderInfo provider;
                if (ParameterSetName == LiteralPathSet)
                {
                    file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(LiteralPath, out provider, out _);
                    if (!File.Exists(file)) throw new ItemNotFoundException($"Cannot find path '{LiteralPath}' because it does not exist.");
                }
                else
                {
                    var resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(Path, out provider);
                    if (resolved.Count != 1)
                    {
                        WriteError(new ErrorRecord(new ArgumentException($"'{Path}' matches {resolved.Count} files; it must name exactly one Lua file."),
                            "ChdkInvalidArgument", ErrorCategory.InvalidArgument, Path));
                        return null;
                    }
                    file = resolved[0];
                }
                if (provider.Name != "FileSystem")
                {
                    WriteError(new ErrorRecord(new ArgumentException($"'{given}' is not a file-system path."),
                        "ChdkInvalidArgument", ErrorCategory.InvalidArgument, given));
                    return null;
                }
            }
            catch (SessionStateException ex)
            {
                // Item or drive not found.
                WriteError(new ErrorRecord(ex, "ChdkFileNotFound", ErrorCategory.ObjectNotFound, given));
                return null;
            }
            try { return File.ReadAllText(file, new UTF8Encoding(false)); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(ex, "ChdkFileNotFound", ErrorCategory.ReadError, given));
                return null;
            }
        }
    }
}
