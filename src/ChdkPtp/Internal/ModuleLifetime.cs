using System.Management.Automation;

namespace ChdkPtp.Internal
{
    /// <summary>Closes every session when the module is removed, so no camera stays claimed.</summary>
    public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        public void OnImport() { }

        public void OnRemove(PSModuleInfo psModuleInfo) => SessionRegistry.CloseAll();
    }
}
