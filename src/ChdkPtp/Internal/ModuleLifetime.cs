using System;
using System.Management.Automation;
using System.Threading;

namespace ChdkPtp.Internal
{
    /// <summary>Closes every session when the module is removed or the process ends, so no camera stays
    /// claimed, no simulator leaves its temporary SD card folder behind and no simulator server keeps its port.</summary>
    public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static int _hooked;

        public void OnImport()
        {
            if (Interlocked.Exchange(ref _hooked, 1) == 0)
                AppDomain.CurrentDomain.ProcessExit += (sender, e) => { SessionRegistry.CloseAll(); SimulatorServerRegistry.StopAll(); };
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            SessionRegistry.CloseAll();
            SimulatorServerRegistry.StopAll();
        }
    }
}
