// Test fixture, not part of any product: ChdkPtp.Help.Tests compiles this file with Roslyn into a
// throwaway module (HelpFixture.psd1 + bin/HelpFixture.dll) in a temp folder, to exercise the help
// generator, the completeness checker, Get-Help and the example runner end to end while the real
// module has few or no cmdlets. The shapes mirror what ChdkPtp cmdlets use: parameter sets, a
// default set, positional and pipeline parameters, aliases, wildcards, ValidateSet, DontShow,
// ShouldProcess, a session stored by a Connect cmdlet.
using System;
using System.Management.Automation;

namespace HelpFixture
{
    public sealed class FixtureSession
    {
        public FixtureSession(string name)
        {
            Name = name;
        }

        public string Name { get; }
    }

    public sealed class FixtureItem
    {
        public FixtureItem(string name, int id, FixtureSession session)
        {
            Name = name;
            Id = id;
            Session = session;
        }

        public string Name { get; }
        public int Id { get; }
        public FixtureSession Session { get; }
    }

    internal static class Sessions
    {
        public const string VariableName = "HelpFixtureDefaultSession";

        public static FixtureSession Resolve(PSCmdlet cmdlet, FixtureSession given)
        {
            if (given != null)
            {
                return given;
            }
            var session = cmdlet.SessionState.PSVariable.GetValue(VariableName) as FixtureSession;
            if (session == null)
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException("No fixture session: run Connect-FixtureCamera -Simulator first."),
                    "FixtureNoSession", ErrorCategory.ConnectionError, null));
            }
            return session;
        }
    }

    [Cmdlet(VerbsCommunications.Connect, "FixtureCamera")]
    [OutputType(typeof(FixtureSession))]
    public sealed class ConnectFixtureCameraCommand : PSCmdlet
    {
        [Parameter]
        public SwitchParameter Simulator { get; set; }

        protected override void ProcessRecord()
        {
            if (!Simulator)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException("The fixture has no hardware: use -Simulator."),
                    "FixtureNoHardware", ErrorCategory.NotImplemented, null));
            }
            var session = new FixtureSession("simulator");
            SessionState.PSVariable.Set(new PSVariable(Sessions.VariableName, session, ScopedItemOptions.None));
            WriteObject(session);
        }
    }

    [Cmdlet(VerbsCommon.Get, "FixtureItem", DefaultParameterSetName = "ByName")]
    [OutputType(typeof(FixtureItem))]
    public sealed class GetFixtureItemCommand : PSCmdlet
    {
        [Parameter(ParameterSetName = "ByName", Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("N")]
        [SupportsWildcards]
        public string[] Name { get; set; }

        [Parameter(ParameterSetName = "ById", Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public int Id { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public FixtureSession Session { get; set; }

        [Parameter(DontShow = true)]
        public SwitchParameter Internal { get; set; }

        protected override void ProcessRecord()
        {
            var session = Sessions.Resolve(this, Session);
            if (ParameterSetName == "ById")
            {
                WriteObject(new FixtureItem("item" + Id, Id, session));
                return;
            }
            foreach (var name in Name)
            {
                if (string.Equals(name, "missing", StringComparison.OrdinalIgnoreCase))
                {
                    WriteError(new ErrorRecord(
                        new ItemNotFoundException("No fixture item named 'missing'."),
                        "FixtureItemNotFound", ErrorCategory.ObjectNotFound, name));
                    continue;
                }
                WriteObject(new FixtureItem(name, name.Length, session));
            }
        }
    }

    [Cmdlet(VerbsCommon.Remove, "FixtureItem", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(FixtureItem))]
    public sealed class RemoveFixtureItemCommand : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public string Name { get; set; }

        [Parameter]
        [ValidateSet("File", "Folder")]
        public string Kind { get; set; } = "File";

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var session = Sessions.Resolve(this, null);
            if (Force || ShouldProcess(Name, "Remove fixture " + Kind.ToLowerInvariant()))
            {
                if (PassThru)
                {
                    WriteObject(new FixtureItem(Name, 0, session));
                }
            }
        }
    }
}
