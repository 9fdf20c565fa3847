using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Management.Automation;
using ChdkPtp.Protocol.Chdk.Scripting;

namespace ChdkPtp.Internal
{
    /// <summary>Between the codec's .NET values and PowerShell's: records become PSCustomObjects.</summary>
    internal static class LuaValueConverter
    {
        /// <summary>Codec value → PowerShell value: arrays stay arrays, string-keyed tables become
        /// PSCustomObjects with properties in the camera's order, other tables ordered dictionaries.</summary>
        public static object ToPowerShell(object value)
        {
            switch (value)
            {
                case null: return null;
                case object[] array:
                    var r = new object[array.Length];
                    for (int i = 0; i < array.Length; i++) r[i] = ToPowerShell(array[i]);
                    return r;
                case LuaRecord record:
                    var pso = new PSObject();
                    foreach (var f in record.Fields) pso.Properties.Add(new PSNoteProperty(f.Key, ToPowerShell(f.Value)));
                    return pso;
                case LuaTable table:
                    var d = new OrderedDictionary();
                    foreach (var kv in table) d.Add(ToPowerShell(kv.Key), ToPowerShell(kv.Value));
                    return d;
                default:
                    return value;
            }
        }

        /// <summary>PowerShell value → codec input: PSObject wrappers removed, PSCustomObjects become
        /// ordered dictionaries of their properties. Anything the codec cannot take it rejects.</summary>
        public static object FromPowerShell(object value, int depth = 0)
        {
            if (depth > 64) throw new ArgumentException("The argument is nested more than 64 levels deep.");
            if (value == null) return null;
            if (value is PSObject pso)
            {
                if (pso.BaseObject is PSCustomObject)
                {
                    var d = new OrderedDictionary();
                    foreach (var p in pso.Properties) d[p.Name] = FromPowerShell(p.Value, depth + 1);
                    return d;
                }
                value = pso.BaseObject;
            }
            switch (value)
            {
                case string _:
                case byte[] _:
                    return value;
                case IDictionary dict:
                    var od = new OrderedDictionary();
                    foreach (DictionaryEntry e in dict) od[FromPowerShell(e.Key, depth + 1)] = FromPowerShell(e.Value, depth + 1);
                    return od;
                case IEnumerable seq when !(value is LuaRecord) && !(value is LuaTable):
                    var list = new List<object>();
                    foreach (var item in seq) list.Add(FromPowerShell(item, depth + 1));
                    return list;
                default:
                    return value;
            }
        }
    }
}
