using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ChdkPtp.Protocol.Chdk.Scripting;

namespace ChdkPtp.Protocol.Tests.Scripting
{
    /// <summary>Deep comparison of decoded Lua values, and a describer for failure messages.</summary>
    internal static class LuaAssert
    {
        public static void DeepEqual(object expected, object actual, bool ignoreOrder = false)
        {
            string diff = Diff(expected, actual, "$", ignoreOrder);
            if (diff != null)
                throw new Xunit.Sdk.XunitException("Values differ at " + diff + "\nexpected: " + Describe(expected) + "\nactual:   " + Describe(actual));
        }

        public static bool AreEqual(object expected, object actual, bool ignoreOrder = false) => Diff(expected, actual, "$", ignoreOrder) == null;

        private static string Diff(object e, object a, string path, bool ignoreOrder)
        {
            if (e == null || a == null)
                return e == null && a == null ? null : path;
            if (e.GetType() != a.GetType())
                return path + " (type " + e.GetType().Name + " vs " + a.GetType().Name + ")";
            switch (e)
            {
                case int _:
                case bool _:
                case string _:
                    return e.Equals(a) ? null : path;
                case object[] ea:
                {
                    var aa = (object[])a;
                    if (ea.Length != aa.Length) return path + " (length " + ea.Length + " vs " + aa.Length + ")";
                    for (int i = 0; i < ea.Length; i++)
                    {
                        var d = Diff(ea[i], aa[i], path + "[" + (i + 1) + "]", ignoreOrder);
                        if (d != null) return d;
                    }
                    return null;
                }
                case LuaRecord er:
                {
                    var ar = (LuaRecord)a;
                    if (er.Count != ar.Count) return path + " (field count " + er.Count + " vs " + ar.Count + ")";
                    for (int i = 0; i < er.Count; i++)
                    {
                        string name = er.Fields[i].Key;
                        if (!ignoreOrder && ar.Fields[i].Key != name) return path + " (field " + i + " is '" + ar.Fields[i].Key + "', expected '" + name + "')";
                        if (!ar.TryGetValue(name, out object av)) return path + "." + name + " (missing)";
                        var d = Diff(er.Fields[i].Value, av, path + "." + name, ignoreOrder);
                        if (d != null) return d;
                    }
                    return null;
                }
                case LuaTable et:
                {
                    var at = (LuaTable)a;
                    if (et.Count != at.Count) return path + " (entry count " + et.Count + " vs " + at.Count + ")";
                    if (!ignoreOrder)
                    {
                        for (int i = 0; i < et.Count; i++)
                        {
                            var dk = Diff(et.Entries[i].Key, at.Entries[i].Key, path + "<key " + i + ">", false);
                            if (dk != null) return dk;
                            var dv = Diff(et.Entries[i].Value, at.Entries[i].Value, path + "[" + Describe(et.Entries[i].Key) + "]", false);
                            if (dv != null) return dv;
                        }
                        return null;
                    }
                    // Unordered: scalar keys are looked up; table keys are matched greedily.
                    var unmatched = at.Entries.ToList();
                    foreach (var ee in et.Entries)
                    {
                        int j = unmatched.FindIndex(ae => Diff(ee.Key, ae.Key, "", true) == null && Diff(ee.Value, ae.Value, "", true) == null);
                        if (j < 0) return path + "[" + Describe(ee.Key) + "] (no matching entry)";
                        unmatched.RemoveAt(j);
                    }
                    return null;
                }
                default:
                    throw new InvalidOperationException("not a decoded Lua value: " + e.GetType());
            }
        }

        /// <summary>DictionaryEntry items of any IDictionary (its IEnumerable side may yield KeyValuePairs).</summary>
        public static IEnumerable<DictionaryEntry> Entries(IDictionary d)
        {
            var e = d.GetEnumerator();
            while (e.MoveNext()) yield return e.Entry;
        }

        public static string Describe(object v)
        {
            switch (v)
            {
                case null: return "nil";
                case string s:
                    var sb = new StringBuilder("\"");
                    foreach (char c in s)
                        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') sb.Append(c);
                        else sb.Append("\\u").Append(((int)c).ToString("X4"));
                    return sb.Append('"').ToString();
                case bool b: return b ? "true" : "false";
                case object[] arr: return "array{" + string.Join(",", arr.Select(Describe)) + "}";
                case LuaRecord r: return "record{" + string.Join(",", r.Fields.Select(f => Describe(f.Key) + "=" + Describe(f.Value))) + "}";
                case LuaTable t: return "table{" + string.Join(",", t.Entries.Select(f => "[" + Describe(f.Key) + "]=" + Describe(f.Value))) + "}";
                case IDictionary d:
                    return d.GetType().Name + "{" + string.Join(",", Entries(d).Select(e => "[" + Describe(e.Key) + "]=" + Describe(e.Value))) + "}";
                case byte[] bytes: return "bytes(" + BitConverter.ToString(bytes) + ")";
                case IEnumerable e: return e.GetType().Name + "{" + string.Join(",", e.Cast<object>().Select(Describe)) + "}";
                default: return v.GetType().Name + ":" + v;
            }
        }
    }
}
