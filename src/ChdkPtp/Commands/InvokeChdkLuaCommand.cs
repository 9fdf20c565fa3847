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
    [OutputType(typeof(object), ParameterSetName = new[] { CodeSet, PathSet })]
    [OutputType(typeof(ChdkScriptInfo))]
    [OutputType(typeof(ChdkMessage))]
    public sealed class InvokeChdkLuaCommand : ChdkSessionCmdlet
    {
        private const string CodeSet = "Code";
        private const string PathSet = "Path";

        /// <summary>The Lua code to run.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = CodeSet, ValueFromPipeline = true)]
        [AllowEmptyString]
        public string Code { get; set; }

        /// <summary>A file of Lua code to run.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PathSet)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

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
            if (ParameterSetName == PathSet)
            {
                code = ReadScriptFile();
                if (code == null) return;
            }
            object[] args;
            try
            {
                var list = new List<object>();
                if (ArgumentList != null) foreach (var a in ArgumentList) list.Add(LuaValueConverter.FromPowerShell(a));
                args = list.ToArray();
                // Reject bad arguments before anything reaches the camera.
                foreach (var a in args) LuaLiteralWriter.Write(a);
            }
            catch (ArgumentException ex)
            {
                WriteChdkError(ex, ArgumentList);
                return;
            }

            using (session.Acquire(Stopping))
            {
                uint id = 0;
                bool started = false;
                try
                {
                    id = ScriptRunner.Start(session.Client, code, args, Force, WriteWarning);
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
                    var result = ScriptRunner.Wait(session.Client, id, options, Stopping);
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
                    WriteChdkError(ex, session);
                }
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
                string where = ParameterSetName == PathSet ? $"{Path}:{n}" : $"line {n}";
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
            string file;
            try
            {
                var resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(Path, out var provider);
                if (provider.Name != "FileSystem" || resolved.Count != 1)
                {
                    WriteError(new ErrorRecord(new ArgumentException($"'{Path}' must name exactly one Lua file."),
                        "ChdkInvalidPath", ErrorCategory.InvalidArgument, Path));
                    return null;
                }
                file = resolved[0];
            }
            catch (ItemNotFoundException ex)
            {
                WriteError(new ErrorRecord(ex, "ChdkFileNotFound", ErrorCategory.ObjectNotFound, Path));
                return null;
            }
            try { return File.ReadAllText(file, new UTF8Encoding(false)); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(ex, "ChdkFileNotFound", ErrorCategory.ReadError, Path));
                return null;
            }
        }
    }
}
