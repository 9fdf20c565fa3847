using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ChdkPtp.HelpGen;

namespace ChdkPtp.Help.Tests.Infrastructure
{
    /// <summary>
    /// Compares the cmdlets an assembly declares with the docs pages: every cmdlet has a page with a
    /// synopsis, a description, an example, INPUTS and OUTPUTS; every parameter is documented with
    /// a description and the parameter-set data the code declares; no page documents a cmdlet or a
    /// parameter that does not exist. Each problem is one line, starting with the file (and line).
    /// </summary>
    public static class CompletenessChecker
    {
        public static List<string> Check(IReadOnlyList<CmdletModel> cmdlets, HelpDocSet docs)
        {
            var problems = new List<string>();
            problems.AddRange(docs.Errors.Select(e => e.ToString()));
            string docsDir = docs.Folder;

            var pages = docs.Commands.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
            var names = new HashSet<string>(cmdlets.Select(c => c.Name), StringComparer.OrdinalIgnoreCase);

            foreach (var cmdlet in cmdlets.OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                CommandHelp page;
                if (!pages.TryGetValue(cmdlet.Name, out page))
                {
                    problems.Add(Path.Combine(docsDir, cmdlet.Name + ".md") + ": error: " + cmdlet.Name + " (" + cmdlet.ClassName + ") has no docs page");
                    continue;
                }
                CheckPage(cmdlet, page, problems);
            }

            foreach (var page in docs.Commands)
            {
                if (!names.Contains(page.Name))
                {
                    problems.Add(At(page, page.NameLine, "documents " + page.Name + ", which the module does not declare as a cmdlet"));
                }
            }
            return problems;
        }

        private static string At(CommandHelp page, int line, string message)
        {
            return new HelpDiagnostic(page.FilePath, line, message).ToString();
        }

        private static bool HasText(IEnumerable<string> paras)
        {
            return paras.Any(p => !string.IsNullOrWhiteSpace(p));
        }

        private static void CheckPage(CmdletModel cmdlet, CommandHelp page, List<string> problems)
        {
            if (!page.HasSection("SYNOPSIS") || !HasText(page.Synopsis))
            {
                problems.Add(At(page, page.SectionLine("SYNOPSIS"), "SYNOPSIS is missing or empty"));
            }
            if (!page.HasSection("DESCRIPTION") || !HasText(page.Description))
            {
                problems.Add(At(page, page.SectionLine("DESCRIPTION"), "DESCRIPTION is missing or empty"));
            }
            if (page.Examples.Count == 0)
            {
                problems.Add(At(page, page.SectionLine("EXAMPLES"), "EXAMPLES has no '### Example 1: ...' with a ```powershell block"));
            }
            if (page.Inputs.Count == 0)
            {
                problems.Add(At(page, page.SectionLine("INPUTS"), "INPUTS is missing or empty (write '### None' when nothing is piped in)"));
            }
            if (page.Outputs.Count == 0)
            {
                problems.Add(At(page, page.SectionLine("OUTPUTS"), "OUTPUTS is missing or empty (write '### None' when nothing is written)"));
            }
            if (!page.HasCommonParameters)
            {
                problems.Add(At(page, page.SectionLine("PARAMETERS"), "PARAMETERS has no '### CommonParameters'"));
            }

            CheckSyntax(cmdlet, page, problems);
            CheckOutputs(cmdlet, page, problems);
            CheckInputs(cmdlet, page, problems);

            foreach (var p in cmdlet.Parameters)
            {
                var doc = page.FindParameter(p.Name);
                if (doc == null)
                {
                    if (!p.DontShow)
                    {
                        problems.Add(At(page, page.SectionLine("PARAMETERS"), "parameter -" + p.Name + " is not documented (add '### -" + p.Name + "' to PARAMETERS)"));
                    }
                    continue;
                }
                CheckParameter(p, doc, page, problems);
            }
            foreach (var doc in page.Parameters)
            {
                if (!cmdlet.Parameters.Any(p => string.Equals(p.Name, doc.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    problems.Add(At(page, doc.Line, "documents -" + doc.Name + ", which " + cmdlet.Name + " does not have"));
                }
            }
        }

        private static void CheckSyntax(CmdletModel cmdlet, CommandHelp page, List<string> problems)
        {
            if (page.SyntaxSets.Count == 0)
            {
                return; // the generator already reports a SYNTAX without sets
            }
            var expected = cmdlet.ParameterSetNames();
            var documented = page.SyntaxSets.Select(s => s.IsAllSets ? CmdletModel.AllSets : s.Name).ToList();
            foreach (var name in expected.Where(n => !documented.Contains(n)))
            {
                problems.Add(At(page, page.SectionLine("SYNTAX"), "SYNTAX has no '### " + name + "' although " + cmdlet.Name + " has that parameter set"));
            }
            foreach (var set in page.SyntaxSets)
            {
                string name = set.IsAllSets ? CmdletModel.AllSets : set.Name;
                if (!expected.Contains(name))
                {
                    problems.Add(At(page, set.Line, "SYNTAX lists parameter set '" + set.Name + "', which " + cmdlet.Name + " does not have (its sets: " + string.Join(", ", expected) + ")"));
                }
            }
            if (expected.Count > 1 && !string.IsNullOrEmpty(cmdlet.DefaultParameterSetName))
            {
                var marked = page.SyntaxSets.FirstOrDefault(s => s.IsDefault);
                if (marked == null)
                {
                    problems.Add(At(page, page.SectionLine("SYNTAX"), "SYNTAX should mark '### " + cmdlet.DefaultParameterSetName + " (Default)'"));
                }
                else if (marked.Name != cmdlet.DefaultParameterSetName)
                {
                    problems.Add(At(page, marked.Line, "SYNTAX marks '" + marked.Name + "' as (Default) but the default set is '" + cmdlet.DefaultParameterSetName + "'"));
                }
            }
        }

        private static bool SameType(string documented, string fullName, string shortName)
        {
            documented = documented.Trim();
            return string.Equals(documented, fullName, StringComparison.OrdinalIgnoreCase)
                || string.Equals(documented, shortName, StringComparison.OrdinalIgnoreCase);
        }

        private static string Short(string fullName)
        {
            return MamlWriter.ShortTypeName(fullName);
        }

        private static void CheckOutputs(CmdletModel cmdlet, CommandHelp page, List<string> problems)
        {
            foreach (var type in cmdlet.OutputTypes)
            {
                if (!page.Outputs.Any(o => SameType(o.TypeName, type, Short(type))))
                {
                    problems.Add(At(page, page.SectionLine("OUTPUTS"), "OUTPUTS has no '### " + type + "' although " + cmdlet.Name + " declares [OutputType(" + type + ")]"));
                }
            }
        }

        private static void CheckInputs(CmdletModel cmdlet, CommandHelp page, List<string> problems)
        {
            foreach (var p in cmdlet.Parameters.Where(x => !x.DontShow && x.Sets.Any(s => s.ValueFromPipeline)))
            {
                bool listed = page.Inputs.Any(i => SameType(i.TypeName, p.TypeFullName, p.TypeName)
                    || (p.ElementTypeFullName != null && SameType(i.TypeName, p.ElementTypeFullName, Short(p.ElementTypeFullName))));
                if (!listed)
                {
                    problems.Add(At(page, page.SectionLine("INPUTS"), "INPUTS has no '### " + (p.ElementTypeFullName ?? p.TypeFullName) + "' although -" + p.Name + " takes it from the pipeline"));
                }
            }
        }

        private static void CheckParameter(ParameterModel p, ParameterHelp doc, CommandHelp page, List<string> problems)
        {
            string where = "-" + p.Name + ": ";
            if (!string.Equals(doc.Name, p.Name, StringComparison.Ordinal))
            {
                problems.Add(At(page, doc.Line, where + "documented as -" + doc.Name + " (the parameter is spelled -" + p.Name + ")"));
            }
            if (!HasText(doc.Description))
            {
                problems.Add(At(page, doc.Line, where + "has no description"));
            }
            if (doc.Type != null && !SameType(doc.Type, p.TypeFullName, p.TypeName))
            {
                problems.Add(At(page, doc.YamlLine, where + "Type is '" + doc.Type + "' but the parameter is " + p.TypeFullName));
            }
            if (doc.SupportsWildcards != p.SupportsWildcards)
            {
                problems.Add(At(page, doc.YamlLine, where + "SupportsWildcards is " + Bool(doc.SupportsWildcards) + " but the parameter " + (p.SupportsWildcards ? "has" : "has no") + " [SupportsWildcards]"));
            }
            if (!SameSet(doc.Aliases, p.Aliases))
            {
                problems.Add(At(page, doc.YamlLine, where + "Aliases are [" + string.Join(", ", doc.Aliases) + "] but the parameter has [" + string.Join(", ", p.Aliases) + "]"));
            }
            if (doc.DontShow != p.DontShow)
            {
                problems.Add(At(page, doc.YamlLine, where + "DontShow is " + Bool(doc.DontShow) + " but the parameter says " + Bool(p.DontShow)));
            }
            if (p.ValidateSet != null)
            {
                if (!SameSet(doc.AcceptedValues, p.ValidateSet))
                {
                    problems.Add(At(page, doc.YamlLine, where + "AcceptedValues are [" + string.Join(", ", doc.AcceptedValues) + "] but [ValidateSet] allows [" + string.Join(", ", p.ValidateSet) + "]"));
                }
            }
            else if (p.IsEnum)
            {
                if (doc.AcceptedValues.Count > 0 && !SameSet(doc.AcceptedValues, p.EnumNames))
                {
                    problems.Add(At(page, doc.YamlLine, where + "AcceptedValues are [" + string.Join(", ", doc.AcceptedValues) + "] but the enum has [" + string.Join(", ", p.EnumNames) + "]"));
                }
            }
            else if (doc.AcceptedValues.Count > 0)
            {
                problems.Add(At(page, doc.YamlLine, where + "AcceptedValues are listed but the parameter has no [ValidateSet] and is not an enum"));
            }

            // parameter sets: compare entry by entry
            var docSets = doc.ParameterSets.ToDictionary(s => s.IsAllSets ? CmdletModel.AllSets : s.Name, StringComparer.Ordinal);
            foreach (var set in p.Sets)
            {
                ParameterSetHelp entry;
                string label = set.IsAllSets ? "(All)" : set.Name;
                if (!docSets.TryGetValue(set.Name, out entry))
                {
                    problems.Add(At(page, doc.YamlLine, where + "ParameterSets has no '- Name: " + label + "' entry"));
                    continue;
                }
                Compare(problems, page, entry.Line, where + "in set " + label + ", IsRequired", entry.IsRequired, set.Mandatory);
                if (entry.Position != set.Position)
                {
                    problems.Add(At(page, entry.Line, where + "in set " + label + ", Position is " + Pos(entry.Position) + " but the parameter says " + Pos(set.Position)));
                }
                Compare(problems, page, entry.Line, where + "in set " + label + ", ValueFromPipeline", entry.ValueFromPipeline, set.ValueFromPipeline);
                Compare(problems, page, entry.Line, where + "in set " + label + ", ValueFromPipelineByPropertyName", entry.ValueFromPipelineByPropertyName, set.ValueFromPipelineByPropertyName);
                Compare(problems, page, entry.Line, where + "in set " + label + ", ValueFromRemainingArguments", entry.ValueFromRemainingArguments, set.ValueFromRemainingArguments);
            }
            foreach (var entry in doc.ParameterSets)
            {
                string key = entry.IsAllSets ? CmdletModel.AllSets : entry.Name;
                if (!p.Sets.Any(s => s.Name == key))
                {
                    problems.Add(At(page, entry.Line, where + "ParameterSets lists '" + entry.Name + "' but the parameter is in " + string.Join(", ", p.Sets.Select(s => s.IsAllSets ? "(All)" : s.Name))));
                }
            }
        }

        private static void Compare(List<string> problems, CommandHelp page, int line, string what, bool documented, bool actual)
        {
            if (documented != actual)
            {
                problems.Add(At(page, line, what + " is " + Bool(documented) + " but the parameter says " + Bool(actual)));
            }
        }

        private static string Bool(bool b)
        {
            return b ? "true" : "false";
        }

        private static string Pos(int? position)
        {
            return position.HasValue ? position.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : "Named";
        }

        private static bool SameSet(IEnumerable<string> a, IEnumerable<string> b)
        {
            var x = new HashSet<string>(a, StringComparer.OrdinalIgnoreCase);
            var y = new HashSet<string>(b, StringComparer.OrdinalIgnoreCase);
            return x.SetEquals(y);
        }
    }
}
