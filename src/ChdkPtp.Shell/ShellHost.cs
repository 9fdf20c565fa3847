using System;
using System.Globalization;
using System.Management.Automation.Host;
using System.Reflection;

namespace ChdkPtp.Shell
{
    /// <summary>The PSHost behind $Host: name, version, UI, and the exit request made by 'exit N'.</summary>
    internal sealed class ShellHost : PSHost
    {
        private readonly ShellHostUserInterface _ui;
        private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
        private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;
        private readonly object _gate = new object();
        private bool _shouldExit;
        private int _exitCode;

        public ShellHost(ShellHostUserInterface ui)
        {
            _ui = ui ?? throw new ArgumentNullException(nameof(ui));
        }

        public override string Name => "chdkps";

        public override Version Version => ShellVersion;

        public override Guid InstanceId { get; } = Guid.NewGuid();

        public override PSHostUserInterface UI => _ui;

        public override CultureInfo CurrentCulture => _culture;

        public override CultureInfo CurrentUICulture => _uiCulture;

        /// <summary>True once 'exit' ran at the top level (or a -File script called exit).</summary>
        public bool ShouldExit
        {
            get { lock (_gate) { return _shouldExit; } }
        }

        public int ExitCode
        {
            get { lock (_gate) { return _exitCode; } }
        }

        public override void SetShouldExit(int exitCode)
        {
            lock (_gate)
            {
                _shouldExit = true;
                _exitCode = exitCode;
            }
        }

        public override void EnterNestedPrompt()
        {
            throw new NotSupportedException("chdkps does not support nested prompts.");
        }

        public override void ExitNestedPrompt()
        {
            throw new NotSupportedException("chdkps does not support nested prompts.");
        }

        public override void NotifyBeginApplication()
        {
        }

        public override void NotifyEndApplication()
        {
        }

        internal static Version ShellVersion { get; } = typeof(ShellHost).Assembly.GetName().Version ?? new Version(0, 0);

        /// <summary>"7.6.9" for the engine that runs the commands.</summary>
        internal static string EngineVersion
        {
            get
            {
                Assembly engine = typeof(System.Management.Automation.PSObject).Assembly;
                string informational = engine.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
                if (string.IsNullOrEmpty(informational))
                {
                    return engine.GetName().Version?.ToString() ?? "unknown";
                }

                int cut = informational.IndexOfAny(new[] { '+', ' ' });
                return cut > 0 ? informational.Substring(0, cut) : informational;
            }
        }
    }
}
