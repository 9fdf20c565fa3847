using System;
using System.Management.Automation;
using System.Threading;

namespace ChdkPtp.Internal
{
    /// <summary>Closes every session when the module is removed or the process ends, so no camera stays
    /// claimed and no simulator leaves its temporary SD card folder behind.</summary>
    public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static int _hooked;

        public void OnImport()
        {
            if (Interlocked.Exchange(ref _hooked, 1) == 0)
                AppDomain.CurrentDomain.ProcessExit += (sender, e) => SessionRegistry.CloseAll();
        }

        public void OnRemove(PSModuleInfo psModuleInfo) => SessionRegistry.CloseAll();
    }
}
