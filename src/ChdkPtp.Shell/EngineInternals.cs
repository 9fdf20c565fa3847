using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;

namespace ChdkPtp.Shell
{
    /// <summary>
    /// Two engine switches that have no public API and that pwsh's own console host uses.
    ///
    /// Exit codes: pwsh's console host sets
    /// ExecutionContext.ScriptCommandProcessorShouldRethrowExit before running a -File script so
    /// that 'exit N' in the script ends the process with N (the engine otherwise turns it into
    /// $LASTEXITCODE, which native commands also set). chdkps sets the same flag by reflection;
    /// if a future engine renames it, the caller falls back to $LASTEXITCODE.
    ///
    /// Error rendering: Out-Default renders an ErrorRecord with the error view, on the host's
    /// error line, only when its PSObject is marked as coming from the error stream
    /// (PSObject.WriteStream). pwsh marks the records of terminating errors that way before
    /// handing them to Out-Default; chdkps does the same by reflection, and falls back to
    /// writing the record through an error stream if the property is not there.
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

        public static bool TryMarkAsErrorStream(PSObject value)
        {
            if (value == null)
            {
                return false;
            }

            try
            {
                PropertyInfo stream = typeof(PSObject).GetProperty("WriteStream", Instance);
                if (stream == null || !stream.PropertyType.IsEnum || !stream.CanWrite
                    || !Enum.IsDefined(stream.PropertyType, "Error"))
                {
                    return false;
                }

                stream.SetValue(value, Enum.Parse(stream.PropertyType, "Error"));
                return true;
            }
            catch (Exception ex) when (ex is TargetInvocationException || ex is MemberAccessException
                || ex is InvalidOperationException || ex is ArgumentException)
            {
                return false;
            }
        }
    }
}
