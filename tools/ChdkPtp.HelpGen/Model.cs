using System;
using System.Collections.Generic;

namespace ChdkPtp.HelpGen
{
    /// <summary>A problem in a docs page, with the (1-based) line it was found on.</summary>
    public sealed class HelpDiagnostic
    {
        public HelpDiagnostic(string file, int line, string message)
        {
            File = file;
            Line = line;
            Message = message;
        }

        public string File { get; }

        /// <summary>1-based line number; 0 when the problem concerns the whole file.</summary>
        public int Line { get; }

        public string Message { get; }

        public override string ToString()
        {
            return Line > 0 ? File + ":" + Line + ": error: " + Message : File + ": error: " + Message;
        }
    }

    /// <summary>One cmdlet page (docs/Verb-Noun.md) after parsing.</summary>
    public sealed class CommandHelp
    {
        public string FilePath { get; set; }
        public string Name { get; set; }
        public int NameLine { get; set; }
        public string Verb { get; set; }
        public string Noun { get; set; }

        /// <summary>Front matter keys as written (lookups are case-insensitive).</summary>
        public IDictionary<string, string> FrontMatter { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        public string ModuleName { get; set; }
        public string ExternalHelpFile { get; set; }
        /// <summary>HelpUri (or platyPS v1 "online version") from the front matter; empty when none.</summary>
        public string OnlineUri { get; set; } = "";

        /// <summary>Line of each "## SECTION" heading that is present, by upper-case section name.</summary>
        public IDictionary<string, int> SectionLines { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

        public List<string> Synopsis { get; } = new List<string>();
        public List<SyntaxSetHelp> SyntaxSets { get; } = new List<SyntaxSetHelp>();
        public List<string> Aliases { get; } = new List<string>();
        public List<string> Description { get; } = new List<string>();
        public List<ExampleHelp> Examples { get; } = new List<ExampleHelp>();
        public List<ParameterHelp> Parameters { get; } = new List<ParameterHelp>();
        public bool HasCommonParameters { get; set; }
        public List<TypeHelp> Inputs { get; } = new List<TypeHelp>();
        public List<TypeHelp> Outputs { get; } = new List<TypeHelp>();
        public List<string> Notes { get; } = new List<string>();
        public List<LinkHelp> RelatedLinks { get; } = new List<LinkHelp>();

        public bool HasSection(string name)
        {
            return SectionLines.ContainsKey(name);
        }

        public int SectionLine(string name)
        {
            int line;
            return SectionLines.TryGetValue(name, out line) ? line : NameLine;
        }

        public ParameterHelp FindParameter(string name)
        {
            foreach (var p in Parameters)
            {
                if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return p;
                }
            }
            return null;
        }
    }

    /// <summary>A "### SetName" subsection of SYNTAX.</summary>
    public sealed class SyntaxSetHelp
    {
        public string Name { get; set; }
        public bool IsDefault { get; set; }
        public string Text { get; set; }
        public int Line { get; set; }

        /// <summary>True for the implicit set that holds every parameter (__AllParameterSets).</summary>
        public bool IsAllSets
        {
            get { return ParameterSetHelp.IsAllSetsName(Name); }
        }
    }

    public sealed class ExampleHelp
    {
        public int Number { get; set; }
        public string Title { get; set; }
        public int Line { get; set; }
        /// <summary>The powershell fenced block(s), joined by a blank line.</summary>
        public string Code { get; set; }
        public int CodeLine { get; set; }
        public List<string> Remarks { get; } = new List<string>();
        /// <summary>Reason given by &lt;!-- no-run: reason --&gt;; null when the example runs.</summary>
        public string NoRunReason { get; set; }

        /// <summary>The MAML title: "--- Example 1: title ---".</summary>
        public string MamlTitle
        {
            get
            {
                return string.IsNullOrEmpty(Title)
                    ? "--- Example " + Number + " ---"
                    : "--- Example " + Number + ": " + Title + " ---";
            }
        }
    }

    public sealed class ParameterHelp
    {
        public string Name { get; set; }
        public int Line { get; set; }
        public int YamlLine { get; set; }
        public List<string> Description { get; } = new List<string>();
        public string Type { get; set; }
        public string DefaultValue { get; set; } = "";
        public bool SupportsWildcards { get; set; }
        public List<string> ParameterValue { get; } = new List<string>();
        public List<string> Aliases { get; } = new List<string>();
        public List<ParameterSetHelp> ParameterSets { get; } = new List<ParameterSetHelp>();
        public bool DontShow { get; set; }
        public List<string> AcceptedValues { get; } = new List<string>();
        public string HelpMessage { get; set; } = "";

        public bool IsSwitch
        {
            get
            {
                return string.Equals(Type, "System.Management.Automation.SwitchParameter", StringComparison.OrdinalIgnoreCase)
                    || string.Equals(Type, "SwitchParameter", StringComparison.OrdinalIgnoreCase)
                    || string.Equals(Type, "switch", StringComparison.OrdinalIgnoreCase);
            }
        }

        /// <summary>The entry that applies in <paramref name="setName"/>, or null when the parameter is not in that set.</summary>
        public ParameterSetHelp EntryFor(string setName)
        {
            ParameterSetHelp all = null;
            foreach (var s in ParameterSets)
            {
                if (string.Equals(s.Name, setName, StringComparison.Ordinal))
                {
                    return s;
                }
                if (s.IsAllSets)
                {
                    all = s;
                }
            }
            return all;
        }
    }

    public sealed class ParameterSetHelp
    {
        /// <summary>platyPS v2 writes "(All)" for a parameter that belongs to every set.</summary>
        public const string AllSets = "(All)";

        public string Name { get; set; }
        public int Line { get; set; }
        /// <summary>Null when the parameter is named (not positional).</summary>
        public int? Position { get; set; }
        public bool IsRequired { get; set; }
        public bool ValueFromPipeline { get; set; }
        public bool ValueFromPipelineByPropertyName { get; set; }
        public bool ValueFromRemainingArguments { get; set; }

        public bool IsAllSets
        {
            get { return IsAllSetsName(Name); }
        }

        public static bool IsAllSetsName(string name)
        {
            return string.Equals(name, AllSets, StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, "__AllParameterSets", StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>MAML pipelineInput attribute: "True (ByValue, ByPropertyName)", ..., or "False".</summary>
        public string PipelineInputText
        {
            get
            {
                if (ValueFromPipeline && ValueFromPipelineByPropertyName)
                {
                    return "True (ByValue, ByPropertyName)";
                }
                if (ValueFromPipeline)
                {
                    return "True (ByValue)";
                }
                if (ValueFromPipelineByPropertyName)
                {
                    return "True (ByPropertyName)";
                }
                return "False";
            }
        }

        public string PositionText
        {
            get { return Position.HasValue ? Position.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : "named"; }
        }
    }

    /// <summary>A "### TypeName" entry of INPUTS or OUTPUTS.</summary>
    public sealed class TypeHelp
    {
        public string TypeName { get; set; }
        public int Line { get; set; }
        public List<string> Description { get; } = new List<string>();
    }

    public sealed class LinkHelp
    {
        public string Text { get; set; }
        public string Uri { get; set; }
    }
}
