using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ChdkPtp.PowerShell.Tests
{
    /// <summary>What a pipeline produced: every stream, and the terminating error if it ended on one.</summary>
    public sealed class PsResult
    {
        public Collection<PSObject> Output { get; init; }
        public List<ErrorRecord> Errors { get; init; }
        public List<InformationRecord> Information { get; init; }
        public List<WarningRecord> Warnings { get; init; }
        public List<ProgressRecord> Progress { get; init; }
        public List<VerboseRecord> Verbose { get; init; }
        public Exception Terminating { get; init; }

        public object[] Values => Output.Select(o => o?.BaseObject).ToArray();

        public string ErrorIds => string.Join(", ", Errors.Select(e => e.FullyQualifiedErrorId));

        /// <summary>Fails with every error's text when anything went wrong.</summary>
        public PsResult AssertClean()
        {
            if (Terminating != null) throw new Xunit.Sdk.XunitException("Terminating error: " + Terminating);
            if (Errors.Count > 0) throw new Xunit.Sdk.XunitException("Errors: " + string.Join("\n", Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
            return this;
        }
    }

    /// <summary>
    /// The real PowerShell engine in-process, with ChdkPtp imported from the repository's
    /// ChdkPtp.psd1 exactly as a user imports it. Each instance is its own runspace.
    /// </summary>
    public sealed class PsHost : IDisposable
    {
        public static readonly string RepoRoot = FindRepoRoot();

        public PsHost(bool importModule = true)
        {
            var iss = InitialSessionState.CreateDefault2();
            if (importModule) iss.ImportPSModule(new[] { Path.Combine(RepoRoot, "ChdkPtp.psd1") });
            Runspace = RunspaceFactory.CreateRunspace(iss);
            Runspace.Open();
            WorkDir = Path.Combine(Path.GetTempPath(), "chdkps-test-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(WorkDir);
            Runspace.SessionStateProxy.Path.SetLocation(WorkDir);
        }

        public Runspace Runspace { get; }

        public string WorkDir { get; }

        public PsResult Run(string script, IDictionary<string, object> variables = null)
        {
            using var ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = Runspace;
            if (variables != null)
                foreach (var kv in variables) Runspace.SessionStateProxy.SetVariable(kv.Key, kv.Value);
            ps.AddScript(script);
            Collection<PSObject> output = new Collection<PSObject>();
            Exception terminating = null;
            try { output = ps.Invoke(); }
            catch (RuntimeException ex) { terminating = ex; }
            return new PsResult
            {
                Output = output,
                Errors = ps.Streams.Error.ToList(),
                Information = ps.Streams.Information.ToList(),
                Warnings = ps.Streams.Warning.ToList(),
                Progress = ps.Streams.Progress.ToList(),
                Verbose = ps.Streams.Verbose.ToList(),
                Terminating = terminating,
            };
        }

        /// <summary>Starts a pipeline without waiting, for Stop tests.</summary>
        public (System.Management.Automation.PowerShell Shell, IAsyncResult Pending) Begin(string script)
        {
            var ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = Runspace;
            ps.AddScript(script);
            return (ps, ps.BeginInvoke());
        }

        public void Dispose()
        {
            try { Run("Get-ChdkCamera | Disconnect-ChdkCamera"); } catch (Exception) { }
            Runspace.Dispose();
            try { Directory.Delete(WorkDir, true); } catch (IOException) { }
        }

        private static string FindRepoRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "ChdkPtp.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (ChdkPtp.sln).");
        }
    }
}
