using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Runtime.InteropServices;

namespace ChdkPtp.Help.Tests.Infrastructure
{
    /// <summary>What a cmdlet class declares, read from metadata (the assembly is never executed).</summary>
    public sealed class CmdletModel
    {
        public string Name { get { return Verb + "-" + Noun; } }
        public string Verb { get; set; }
        public string Noun { get; set; }
        public string ClassName { get; set; }
        public bool SupportsShouldProcess { get; set; }
        public string DefaultParameterSetName { get; set; }
        public List<string> OutputTypes { get; } = new List<string>();
        public List<ParameterModel> Parameters { get; } = new List<ParameterModel>();

        /// <summary>
        /// The parameter sets as Get-Command shows them: the named sets (plus the default set when it
        /// is named), or __AllParameterSets alone when there are none.
        /// </summary>
        public List<string> ParameterSetNames()
        {
            var names = new List<string>();
            foreach (var p in Parameters)
            {
                foreach (var s in p.Sets)
                {
                    if (!s.IsAllSets && !names.Contains(s.Name))
                    {
                        names.Add(s.Name);
                    }
                }
            }
            if (!string.IsNullOrEmpty(DefaultParameterSetName) && DefaultParameterSetName != AllSets && !names.Contains(DefaultParameterSetName))
            {
                names.Add(DefaultParameterSetName);
            }
            if (names.Count == 0)
            {
                names.Add(AllSets);
            }
            return names;
        }

        public const string AllSets = "__AllParameterSets";
    }

    public sealed class ParameterModel
    {
        public string Name { get; set; }
        /// <summary>Type.ToString(): "System.String[]", "System.Nullable`1[System.Int32]".</summary>
        public string TypeFullName { get; set; }
        public string TypeName { get; set; }
        public string ElementTypeFullName { get; set; }
        public bool IsEnum { get; set; }
        public List<string> EnumNames { get; } = new List<string>();
        public List<string> Aliases { get; } = new List<string>();
        public bool SupportsWildcards { get; set; }
        /// <summary>ValidateSet values; null when there is no ValidateSet.</summary>
        public List<string> ValidateSet { get; set; }
        public List<ParameterSetModel> Sets { get; } = new List<ParameterSetModel>();

        /// <summary>True when every [Parameter] on it says DontShow: such parameters need no docs.</summary>
        public bool DontShow
        {
            get { return Sets.Count > 0 && Sets.All(s => s.DontShow); }
        }

        /// <summary>A synthetic parameter added by the engine (WhatIf, Confirm for ShouldProcess cmdlets).</summary>
        public bool IsCommon { get; set; }
    }

    public sealed class ParameterSetModel
    {
        public string Name { get; set; }
        public bool Mandatory { get; set; }
        /// <summary>Null when named.</summary>
        public int? Position { get; set; }
        public bool ValueFromPipeline { get; set; }
        public bool ValueFromPipelineByPropertyName { get; set; }
        public bool ValueFromRemainingArguments { get; set; }
        public bool DontShow { get; set; }
        public string HelpMessage { get; set; }

        public bool IsAllSets
        {
            get { return Name == CmdletModel.AllSets; }
        }
    }

    /// <summary>
    /// Finds every cmdlet class ([Cmdlet] on a public, non-abstract class) in an assembly with
    /// MetadataLoadContext, so that a netstandard2.0 module built against PowerShellStandard.Library
    /// can be inspected without loading it into the test process.
    /// </summary>
    public static class CmdletInspector
    {
        private const string Sma = "System.Management.Automation.";

        public static List<CmdletModel> Inspect(string assemblyPath)
        {
            string moduleDir = Path.GetDirectoryName(Path.GetFullPath(assemblyPath));
            var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            // Framework first, then the module's own folder, then this test's folder (which holds
            // System.Management.Automation 7.x to stand in for the PowerShellStandard reference).
            AddCandidates(byName, RuntimeEnvironment.GetRuntimeDirectory());
            AddCandidates(byName, moduleDir);
            AddCandidates(byName, AppContext.BaseDirectory);
            byName[Path.GetFileNameWithoutExtension(assemblyPath)] = Path.GetFullPath(assemblyPath);
            string smaPath = typeof(System.Management.Automation.PSObject).Assembly.Location;
            if (!string.IsNullOrEmpty(smaPath))
            {
                byName["System.Management.Automation"] = smaPath;
            }

            var resolver = new PathAssemblyResolver(byName.Values);
            using (var mlc = new MetadataLoadContext(resolver, "System.Private.CoreLib"))
            {
                Assembly asm = mlc.LoadFromAssemblyPath(Path.GetFullPath(assemblyPath));
                Type[] types;
                try
                {
                    types = asm.GetTypes();
                }
                catch (ReflectionTypeLoadException ex)
                {
                    var missing = ex.LoaderExceptions.Where(e => e != null).Select(e => e.Message).Distinct();
                    throw new InvalidOperationException("Cannot read the types of " + assemblyPath + ": " + string.Join("; ", missing), ex);
                }
                var result = new List<CmdletModel>();
                foreach (var type in types.OrderBy(t => t.FullName, StringComparer.Ordinal))
                {
                    if (!type.IsClass || type.IsAbstract || !(type.IsPublic || type.IsNestedPublic))
                    {
                        continue;
                    }
                    var cmdletAttr = type.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == Sma + "CmdletAttribute");
                    if (cmdletAttr == null)
                    {
                        continue;
                    }
                    result.Add(ReadCmdlet(type, cmdletAttr));
                }
                return result;
            }
        }

        private static void AddCandidates(Dictionary<string, string> byName, string dir)
        {
            if (string.IsNullOrEmpty(dir) || !Directory.Exists(dir))
            {
                return;
            }
            foreach (var file in Directory.GetFiles(dir, "*.dll"))
            {
                string name = Path.GetFileNameWithoutExtension(file);
                if (!byName.ContainsKey(name) && IsManagedAssembly(file))
                {
                    byName[name] = file;
                }
            }
        }

        private static bool IsManagedAssembly(string file)
        {
            try
            {
                using (var stream = File.OpenRead(file))
                using (var pe = new System.Reflection.PortableExecutable.PEReader(stream))
                {
                    return pe.HasMetadata && pe.GetMetadataReader().IsAssembly;
                }
            }
            catch (Exception ex) when (ex is BadImageFormatException || ex is IOException || ex is InvalidOperationException)
            {
                return false;
            }
        }

        private static CmdletModel ReadCmdlet(Type type, CustomAttributeData cmdletAttr)
        {
            var model = new CmdletModel
            {
                Verb = (string)cmdletAttr.ConstructorArguments[0].Value,
                Noun = (string)cmdletAttr.ConstructorArguments[1].Value,
                ClassName = type.FullName,
            };
            foreach (var named in cmdletAttr.NamedArguments)
            {
                if (named.MemberName == "SupportsShouldProcess")
                {
                    model.SupportsShouldProcess = (bool)named.TypedValue.Value;
                }
                else if (named.MemberName == "DefaultParameterSetName")
                {
                    model.DefaultParameterSetName = (string)named.TypedValue.Value;
                }
            }
            foreach (var attr in type.GetCustomAttributesData().Where(a => a.AttributeType.FullName == Sma + "OutputTypeAttribute"))
            {
                foreach (var arg in attr.ConstructorArguments)
                {
                    foreach (var value in Flatten(arg))
                    {
                        var t = value as Type;
                        model.OutputTypes.Add(t != null ? t.ToString() : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                    }
                }
            }

            var members = new List<MemberInfo>();
            members.AddRange(type.GetProperties(BindingFlags.Public | BindingFlags.Instance));
            members.AddRange(type.GetFields(BindingFlags.Public | BindingFlags.Instance));
            foreach (var member in members)
            {
                var paramAttrs = member.GetCustomAttributesData().Where(a => a.AttributeType.FullName == Sma + "ParameterAttribute").ToList();
                if (paramAttrs.Count == 0)
                {
                    continue;
                }
                Type memberType = member is PropertyInfo ? ((PropertyInfo)member).PropertyType : ((FieldInfo)member).FieldType;
                var p = new ParameterModel
                {
                    Name = member.Name,
                    TypeFullName = memberType.ToString(),
                    TypeName = memberType.Name,
                    ElementTypeFullName = memberType.IsArray ? memberType.GetElementType().ToString() : null,
                    IsEnum = memberType.IsEnum,
                };
                if (memberType.IsEnum)
                {
                    p.EnumNames.AddRange(memberType.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name));
                }
                foreach (var attr in member.GetCustomAttributesData())
                {
                    string name = attr.AttributeType.FullName;
                    if (name == Sma + "AliasAttribute")
                    {
                        p.Aliases.AddRange(attr.ConstructorArguments.SelectMany(Flatten).Select(v => (string)v));
                    }
                    else if (name == Sma + "SupportsWildcardsAttribute")
                    {
                        p.SupportsWildcards = true;
                    }
                    else if (name == Sma + "ValidateSetAttribute")
                    {
                        p.ValidateSet = attr.ConstructorArguments.SelectMany(Flatten).Select(v => (string)v).ToList();
                    }
                }
                foreach (var attr in paramAttrs)
                {
                    var set = new ParameterSetModel { Name = CmdletModel.AllSets };
                    foreach (var named in attr.NamedArguments)
                    {
                        object v = named.TypedValue.Value;
                        switch (named.MemberName)
                        {
                            case "ParameterSetName": set.Name = (string)v; break;
                            case "Mandatory": set.Mandatory = (bool)v; break;
                            case "Position": set.Position = (int)v == int.MinValue ? (int?)null : (int)v; break;
                            case "ValueFromPipeline": set.ValueFromPipeline = (bool)v; break;
                            case "ValueFromPipelineByPropertyName": set.ValueFromPipelineByPropertyName = (bool)v; break;
                            case "ValueFromRemainingArguments": set.ValueFromRemainingArguments = (bool)v; break;
                            case "DontShow": set.DontShow = (bool)v; break;
                            case "HelpMessage": set.HelpMessage = (string)v; break;
                        }
                    }
                    p.Sets.Add(set);
                }
                model.Parameters.Add(p);
            }
            if (model.SupportsShouldProcess)
            {
                model.Parameters.Add(CommonSwitch("WhatIf", "wi"));
                model.Parameters.Add(CommonSwitch("Confirm", "cf"));
            }
            return model;
        }

        private static ParameterModel CommonSwitch(string name, string alias)
        {
            var p = new ParameterModel
            {
                Name = name,
                TypeFullName = "System.Management.Automation.SwitchParameter",
                TypeName = "SwitchParameter",
                IsCommon = true,
            };
            p.Aliases.Add(alias);
            p.Sets.Add(new ParameterSetModel { Name = CmdletModel.AllSets });
            return p;
        }

        private static IEnumerable<object> Flatten(CustomAttributeTypedArgument arg)
        {
            var list = arg.Value as ReadOnlyCollection<CustomAttributeTypedArgument>;
            if (list != null)
            {
                foreach (var item in list)
                {
                    yield return item.Value;
                }
            }
            else if (arg.Value != null)
            {
                yield return arg.Value;
            }
        }
    }
}
