using System;
using System.Management.Automation;
using ChdkPtp.Internal;
using ChdkPtp.Protocol.Diagnostics;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Commands
{
    /// <summary>Test-ChdkEnvironment: checks what USB cameras need on this machine, with a fix for each problem.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "ChdkEnvironment")]
    [OutputType(typeof(EnvironmentCheck))]
    public sealed class TestChdkEnvironmentCommand : ChdkCmdlet
    {
        /// <summary>Do not open a short session with each camera (its model and CHDK version are then not checked).</summary>
        [Parameter]
        public SwitchParameter NoProbe { get; set; }

        protected override void EndProcessing()
        {
            var environment = new UsbEnvironment
            {
                Probe = !NoProbe,
                HeldBySession = camera => SessionRegistry.FindUsb(camera.Location, connectedOnly: false) is ChdkSession s ? $"session {s.Id}" : null,
            };
            try
            {
                foreach (var check in environment.Run(CancelToken)) WriteObject(check);
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
        }
    }
}
