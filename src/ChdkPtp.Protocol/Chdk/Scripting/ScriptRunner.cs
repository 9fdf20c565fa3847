using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Chdk.Scripting
{
    /// <summary>How <see cref="ScriptRunner.Run"/> behaves.</summary>
    public sealed class ScriptRunOptions
    {
        /// <summary>Longest wait for the script to end; null waits as long as it takes (until cancelled).</summary>
        public TimeSpan? Timeout { get; set; }

        /// <summary>Kill a running script first (flags 0x600) instead of failing (0x700, chdkptp's default).</summary>
        public bool KillRunning { get; set; }

        /// <summary>Called for every USER message of this script, with its decoded value, on the calling thread.</summary>
        public Action<ChdkScriptMessage, object> UserMessage { get; set; }

        /// <summary>Called for things worth a warning (messages of another script, undecodable tables).</summary>
        public Action<string> Warning { get; set; }

        /// <summary>First poll interval; doubles up to <see cref="MaxPollInterval"/> (chdkptp: 4 ms to 250 ms).</summary>
        public TimeSpan InitialPollInterval { get; set; } = TimeSpan.FromMilliseconds(4);

        public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
    }

    /// <summary>The outcome of a script that ran to its end.</summary>
    public sealed class ScriptRunResult
    {
        public ScriptRunResult(uint scriptId, IReadOnlyList<object> returns)
        {
            ScriptId = scriptId;
            Returns = returns;
        }

        public uint ScriptId { get; }

        /// <summary>Every returned value, in order, nils kept as null.</summary>
        public IReadOnlyList<object> Returns { get; }
    }

    /// <summary>
    /// chdkptp's exec / execwait (PROTOCOL.md §3.7): start a script with our library prefixed, poll
    /// ScriptStatus with a back-off, read and route messages by type and script id, collect returns.
    /// </summary>
    public static class ScriptRunner
    {
        /// <summary>Starts <paramref name="userCode"/> with <paramref name="arguments"/> as its <c>...</c>; returns the script id.</summary>
        public static uint Start(ChdkClient client, string userCode, IReadOnlyList<object> arguments, bool killRunning, Action<string> warning = null)
        {
            var code = ChdkScriptComposer.Compose(userCode ?? throw new ArgumentNullException(nameof(userCode)), arguments ?? Array.Empty<object>());
            return StartRaw(client, code, killRunning, warning);
        }

        /// <summary>Starts code exactly as given (no library, no arguments); returns the script id.</summary>
        public static uint StartRaw(ChdkClient client, string code, bool killRunning, Action<string> warning = null)
        {
            (uint id, uint status) r;
            if (client.Supports(ChdkClient.MinorScriptFlags))
            {
                var flags = ExecuteScriptFlags.FlushCameraMessages | ExecuteScriptFlags.FlushHostMessages;
                if (!killRunning) flags |= ExecuteScriptFlags.NoKill;
                r = client.ExecuteScript(code, flags);
            }
            else
            {
                // Before protocol 2.6 there are no flags: check and flush by hand, as chdkptp does.
                if (!killRunning && (client.GetScriptStatus() & ScriptStatus.Running) != 0) throw new ChdkScriptRunningException();
                while (client.ReadScriptMessage() != null) { }
                r = client.ExecuteScript(code, ExecuteScriptFlags.None);
            }
            switch (r.status)
            {
                case 0: return r.id;
                case ChdkConstants.ScriptErrorScriptRunning: throw new ChdkScriptRunningException();
                case (uint)ScriptErrorType.Compile: throw CompileError(client, r.id);
                default: throw new ChdkException($"ExecuteScript returned the unknown status 0x{r.status:X}.");
            }
        }

        private static Exception CompileError(ChdkClient client, uint id)
        {
            for (int i = 0; i < 32; i++)
            {
                var m = client.ReadScriptMessage();
                if (m == null) break;
                if (m.Type == ScriptMessageType.Error && m.ScriptId == id)
                    return ToException(m, id);
            }
            return new ChdkScriptException("The script failed to compile; the camera sent no error text.", ScriptErrorType.Compile, null, null, id);
        }

        /// <summary>Turns an ERR message into the exception scripts can catch, with the user's line.</summary>
        public static ChdkScriptException ToException(ChdkScriptMessage m, uint scriptId)
        {
            var text = LuaText.Decode(m.Data);
            var info = ChdkScriptComposer.ParseError(text, m.ErrorType);
            var kind = info.Kind == LuaErrorKind.Compile ? ScriptErrorType.Compile : ScriptErrorType.Runtime;
            int? line = info.LineIsInComposedScript ? null : info.Line;
            string where = line.HasValue ? $" at line {line}" : string.Empty;
            string label = kind == ScriptErrorType.Compile ? "Lua compile error" : "Lua runtime error";
            return new ChdkScriptException($"{label}{where}: {info.Message}", kind, line, info.Message, scriptId);
        }

        /// <summary>Runs a script to its end and returns its values (chdkptp's luar).</summary>
        public static ScriptRunResult Run(ChdkClient client, string userCode, IReadOnlyList<object> arguments, ScriptRunOptions options, CancellationToken cancel)
        {
            options = options ?? new ScriptRunOptions();
            uint id = Start(client, userCode, arguments, options.KillRunning, options.Warning);
            return Wait(client, id, options, cancel);
        }

        /// <summary>Waits for script <paramref name="id"/> to end, routing its messages, and collects its returns.</summary>
        public static ScriptRunResult Wait(ChdkClient client, uint id, ScriptRunOptions options, CancellationToken cancel)
        {
            options = options ?? new ScriptRunOptions();
            var returns = new List<object>();
            var clock = Stopwatch.StartNew();
            var delay = options.InitialPollInterval;
            while (true)
            {
                cancel.ThrowIfCancellationRequested();
                var status = client.GetScriptStatus();
                if ((status & ScriptStatus.MessagesQueued) != 0)
                {
                    var m = client.ReadScriptMessage();
                    if (m != null) Route(m, id, returns, options);
                    delay = options.InitialPollInterval;
                    continue;
                }
                if ((status & ScriptStatus.Running) == 0) return new ScriptRunResult(id, returns);
                if (options.Timeout.HasValue && clock.Elapsed >= options.Timeout.Value)
                    throw new ChdkTimeoutException($"Script {id} was still running after {options.Timeout.Value.TotalSeconds:0.###} s.");
                var sleep = delay;
                if (options.Timeout.HasValue)
                {
                    var left = options.Timeout.Value - clock.Elapsed;
                    if (left < sleep) sleep = left < TimeSpan.Zero ? TimeSpan.Zero : left;
                }
                if (cancel.WaitHandle.WaitOne(sleep)) cancel.ThrowIfCancellationRequested();
                var next = TimeSpan.FromTicks(delay.Ticks * 2);
                delay = next > options.MaxPollInterval ? options.MaxPollInterval : next;
            }
        }

        private static void Route(ChdkScriptMessage m, uint id, List<object> returns, ScriptRunOptions options)
        {
            if (m.ScriptId != id)
            {
                options.Warning?.Invoke($"Dropped a {m.Type} message from script {m.ScriptId} while waiting for script {id}.");
                return;
            }
            switch (m.Type)
            {
                case ScriptMessageType.Return:
                    returns.Add(DecodeValue(m, options.Warning));
                    break;
                case ScriptMessageType.User:
                    options.UserMessage?.Invoke(m, DecodeValue(m, options.Warning));
                    break;
                case ScriptMessageType.Error:
                    throw ToException(m, id);
                default:
                    options.Warning?.Invoke($"Ignored a message of unknown type {(uint)m.Type} from script {id}.");
                    break;
            }
        }

        /// <summary>The value a RET or USER message carries (PROTOCOL.md §3.4); tables are parsed safely.</summary>
        public static object DecodeValue(ChdkScriptMessage m, Action<string> warning = null)
        {
            if (m.Type == ScriptMessageType.Error) return LuaText.Decode(m.Data);
            switch (m.DataType)
            {
                case ScriptDataType.Nil: return null;
                case ScriptDataType.Boolean: return ReadInt(m) != 0;
                case ScriptDataType.Integer: return ReadInt(m);
                case ScriptDataType.String: return LuaText.Decode(m.Data);
                case ScriptDataType.Table:
                    try { return LuaValueReader.Parse(m.Data); }
                    catch (LuaValueFormatException ex)
                    {
                        warning?.Invoke($"A table from script {m.ScriptId} could not be read ({ex.Message}); it is passed on as text.");
                        return LuaText.Decode(m.Data);
                    }
                case ScriptDataType.Unsupported:
                    return new LuaUnsupportedValue(LuaText.Decode(m.Data));
                default:
                    warning?.Invoke($"A message from script {m.ScriptId} has the unknown data type {m.Subtype}; it is passed on as text.");
                    return LuaText.Decode(m.Data);
            }
        }

        private static int ReadInt(ChdkScriptMessage m)
        {
            if (m.Data.Length < 4) throw new PtpProtocolException($"A {m.DataType} message needs 4 bytes; it has {m.Data.Length}.");
            return BitConverter.ToInt32(m.Data, 0);
        }

        /// <summary>chdkptp's killscript: ExecuteScript("" , 0x600) ends any running script, flushes both queues,
        /// then waits until the empty script is done.</summary>
        public static void Kill(ChdkClient client, bool flush, TimeSpan timeout, CancellationToken cancel)
        {
            var flags = ExecuteScriptFlags.None;
            if (client.Supports(ChdkClient.MinorScriptFlags) && flush)
                flags = ExecuteScriptFlags.FlushCameraMessages | ExecuteScriptFlags.FlushHostMessages;
            client.ExecuteScript(string.Empty, flags);
            var clock = Stopwatch.StartNew();
            while ((client.GetScriptStatus() & ScriptStatus.Running) != 0)
            {
                if (clock.Elapsed > timeout) throw new ChdkTimeoutException($"The camera's script did not stop within {timeout.TotalSeconds:0.#} s.");
                if (cancel.WaitHandle.WaitOne(10)) cancel.ThrowIfCancellationRequested();
            }
            if (flush)
                while (client.ReadScriptMessage() != null) { }
        }
    }

    /// <summary>A Lua value that cannot cross the wire (function, userdata, thread): CHDK sends its type name.</summary>
    public sealed class LuaUnsupportedValue
    {
        public LuaUnsupportedValue(string typeName) { TypeName = typeName; }
        public string TypeName { get; }
        public override string ToString() => "<" + TypeName + ">";
    }
}
