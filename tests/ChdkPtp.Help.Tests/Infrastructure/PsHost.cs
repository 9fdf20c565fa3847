using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ChdkPtp.Help.Tests.Infrastructure
{
    /// <summary>The outcome of one script run in a hosted runspace.</summary>
    public sealed class PsRun
    {
        public List<PSObject> Output { get; } = new List<PSObject>();
        public List<ErrorRecord> Errors { get; } = new List<ErrorRecord>();
        /// <summary>A terminating error (parse error, throw, ThrowTerminatingError), or null.</summary>
        public Exception Terminating { get; set; }
        public bool TimedOut { get; set; }
        /// <summary>Timed out and did not stop within <see cref="PsHost.StopGrace"/>: its runspace must not be disposed.</summary>
        public bool Abandoned { get; set; }

        public bool Failed
        {
            get { return Errors.Count > 0 || Terminating != null || TimedOut; }
        }

        public string Describe()
        {
            var parts = new List<string>();
            if (TimedOut)
            {
                parts.Add(Abandoned ? "timed out, and did not stop when asked" : "timed out");
            }
            if (Terminating != null)
            {
                var rec = Terminating is IContainsErrorRecord ? ((IContainsErrorRecord)Terminating).ErrorRecord : null;
                parts.Add("terminating error: " + Terminating.Message + (rec != null ? " [" + rec.FullyQualifiedErrorId + "]" : ""));
            }
            foreach (var e in Errors)
            {
                parts.Add("error: " + e.ToString() + " [" + e.FullyQualifiedErrorId + "]");
            }
            return string.Join("; ", parts);
        }
    }

    /// <summary>Hosted PowerShell 7 runspaces (InitialSessionState.CreateDefault2: core commands only).</summary>
    public static class PsHost
    {
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

        /// <summary>Opens a runspace, imports <paramref name="manifest"/> (when not null) and sets the location.</summary>
        public static Runspace Open(string manifest, string location, out PsRun import)
        {
            var iss = InitialSessionState.CreateDefault2();
            if (OperatingSystem.IsWindows())
            {
                iss.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
            }
            var rs = RunspaceFactory.CreateRunspace(iss);
            rs.Open();
            if (location != null)
            {
                rs.SessionStateProxy.Path.SetLocation(WildcardPattern.Escape(location));
            }
            import = null;
            if (manifest != null)
            {
                import = Invoke(rs, "Import-Module -Name $args[0] -ErrorAction Stop", DefaultTimeout, manifest);
            }
            return rs;
        }

        /// <summary>How long a timed-out script gets to honour Stop before it is abandoned.</summary>
        public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

        public static PsRun Invoke(Runspace rs, string script, TimeSpan timeout, params object[] args)
        {
            var run = new PsRun();
            var ps = PowerShell.Create();
            ps.Runspace = rs;
            ps.AddScript(script);
            foreach (var a in args)
            {
                ps.AddArgument(a);
            }
            var output = new PSDataCollection<PSObject>();
            try
            {
                IAsyncResult async = ps.BeginInvoke<PSObject, PSObject>(null, output);
                if (!async.AsyncWaitHandle.WaitOne(timeout))
                {
                    run.TimedOut = true;
                    IAsyncResult stop = ps.BeginStop(null, null);
                    if (!stop.AsyncWaitHandle.WaitOne(StopGrace))
                    {
                        // It ignores Stop: leave the pipeline (and its runspace) alone rather than hang.
                        run.Abandoned = true;
                    }
                }
                else
                {
                    ps.EndInvoke(async);
                }
            }
            catch (RuntimeException ex)
            {
                // PipelineStoppedException (a RuntimeException) after a timeout is not a second failure
                if (!(run.TimedOut && ex is PipelineStoppedException))
                {
                    run.Terminating = ex;
                }
            }
            run.Output.AddRange(output.ReadAll());
            run.Errors.AddRange(ps.Streams.Error.ReadAll());
            if (!run.Abandoned)
            {
                ps.Dispose();
            }
            return run;
        }

        /// <summary>Reads a property of a PSObject (or null).</summary>
        public static object Prop(object obj, string name)
        {
            var pso = obj as PSObject ?? (obj != null ? PSObject.AsPSObject(obj) : null);
            if (pso == null)
            {
                return null;
            }
            var prop = pso.Properties[name];
            return prop != null ? prop.Value : null;
        }

        /// <summary>The text of a MAML description (an array of objects with a Text property) as one string.</summary>
        public static string Text(object description)
        {
            if (description == null)
            {
                return "";
            }
            var baseObj = description is PSObject ? ((PSObject)description).BaseObject : description;
            if (baseObj is string)
            {
                return (string)baseObj;
            }
            var items = baseObj as System.Collections.IEnumerable;
            if (items != null)
            {
                return string.Join("\n", items.Cast<object>().Select(i => Convert.ToString(Prop(i, "Text") ?? i, System.Globalization.CultureInfo.InvariantCulture)));
            }
            return Convert.ToString(Prop(description, "Text") ?? description, System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>Items of a property that may hold one object or an array.</summary>
        public static IEnumerable<object> Items(object value)
        {
            if (value == null)
            {
                yield break;
            }
            var baseObj = value is PSObject ? ((PSObject)value).BaseObject : value;
            var items = baseObj as object[];
            if (items != null)
            {
                foreach (var i in items)
                {
                    yield return i;
                }
                yield break;
            }
            yield return value;
        }

        /// <summary>Collapses runs of whitespace, for comparing help text across formats.</summary>
        public static string Squash(string text)
        {
            return string.Join(" ", (text ?? "").Split((char[])null, StringSplitOptions.RemoveEmptyEntries));
        }
    }
}
