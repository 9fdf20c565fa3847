using System;
using System.Collections;
using System.Management.Automation;

namespace ChdkPtp.Internal
{
    /// <summary>The -SimulatorOptions hashtable of Connect-ChdkCamera and Start-ChdkSimulator, as SimulatorOptions.</summary>
    internal static class SimulatorOptionsBuilder
    {
        /// <summary>The SimulatorOptions <paramref name="table"/> describes (property names, case-insensitive) with the
        /// card folder <paramref name="root"/>, or a terminating ChdkInvalidArgument error on <paramref name="cmdlet"/>.</summary>
        internal static Simulator.SimulatorOptions Build(Cmdlet cmdlet, string root, Hashtable table)
        {
            var o = new Simulator.SimulatorOptions { Root = root };
            if (table == null) return o;
            var settable = Array.FindAll(typeof(Simulator.SimulatorOptions).GetProperties(), p => p.CanWrite && p.Name != "Root");
            foreach (DictionaryEntry e in table)
            {
                var name = e.Key?.ToString();
                var prop = Array.Find(settable, p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
                if (prop == null)
                {
                    var known = string.Join(", ", Array.ConvertAll(settable, p => p.Name));
                    cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException($"'{name}' is not a simulator option (use -SimulatorRoot for the card folder). Options: {known}."),
                        "ChdkInvalidArgument", ErrorCategory.InvalidArgument, name));
                }
                try { prop.SetValue(o, LanguagePrimitives.ConvertTo(e.Value, prop.PropertyType, System.Globalization.CultureInfo.InvariantCulture)); }
                catch (Exception ex) when (ex is PSInvalidCastException || ex is ArgumentException || ex is System.Reflection.TargetInvocationException)
                {
                    cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException($"The simulator option {prop.Name} takes a {prop.PropertyType.Name}; '{e.Value}' cannot be one.", ex),
                        "ChdkInvalidArgument", ErrorCategory.InvalidArgument, name));
                }
            }
            return o;
        }
    }
}
