using System;
using System.Management.Automation.Runspaces;
using System.Reflection;

namespace ChdkPtp.Shell
{
    /// <summary>
    /// The one engine switch that has no public API. pwsh's own console host sets
    /// ExecutionContext.ScriptCommandProcessorShouldRethrowExit before running a -File script so
    /// that 'exit N' in the script ends the process with N (the engine otherwise turns it into
    /// $LASTEXITCODE, which native commands also set). chdkps sets the same flag by reflection;
    /// if a future engine renames it, the caller falls back to $LASTEXITCODE.
    /// </summary>
    internal static class EngineInternals
    {
        private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;

        public static bool TryRequestExitRethrow(Runspace runspace)
        {
            if (runspace == null)
            {
                return false;
            }

            try
            {
                object context = typeof(Runspace).GetProperty("ExecutionContext", Instance)?.GetValue(runspace);
                PropertyInfo flag = context?.GetType().GetProperty("ScriptCommandProcessorShouldRethrowExit", Instance);
                if (flag == null || flag.PropertyType != typeof(bool) || !flag.CanWrite)
                {
                    return false;
                }

                flag.SetValue(context, true);
                return true;
            }
            catch (Exception ex) when (ex is TargetInvocationException || ex is MemberAccessException || ex is InvalidOperationException)
            {
                return false;
            }
        }
    }
}
