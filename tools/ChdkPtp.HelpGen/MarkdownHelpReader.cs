using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ChdkPtp.HelpGen
{
    /// <summary>What reading one markdown file produced.</summary>
    public sealed class PageResult
    {
        public PageResult(string path)
        {
            Path = path;
        }

        public string Path { get; }

        /// <summary>The front matter's "document type" (e.g. "cmdlet", "about"); null when missing.</summary>
        public string DocumentType { get; set; }

        /// <summary>The parsed page when it is a cmdlet page, even if it has errors; null otherwise.</summary>
        public CommandHelp Command { get; set; }

        public List<HelpDiagnostic> Errors { get; } = new List<HelpDiagnostic>();

        public bool IsCmdletPage
        {
            get { return string.Equals(DocumentType, "cmdlet", StringComparison.OrdinalIgnoreCase); }
        }
    }

    /// <summary>
    /// Reads one platyPS v2 cmdlet page. Structure problems (unknown or misplaced sections, bad
    /// headings, malformed YAML, examples without code, parameters without metadata) are errors
    /// with a file and line. Missing or empty sections are not errors here: the completeness
    /// checker in the tests reports them against the real cmdlets.
    /// </summary>
    public static class MarkdownHelpReader
    {
        /// <summary>The level-2 sections, in the order they must appear.</summary>
        public static readonly IReadOnlyList<string> SectionOrder = new[]
        {
            "SYNOPSIS", "SYNTAX", "ALIASES", "DESCRIPTION", "EXAMPLES", "PARAMETERS",
            "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS",
        };

        private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
            .UseYamlFrontMatter()
            .UsePreciseSourceLocation()
            .Build();

        private static readonly Regex CmdletName = new Regex(@"^[A-Za-z]+-[A-Za-z0-9]+$", RegexOptions.CultureInvariant);
        private static readonly Regex ParameterHeading = new Regex(@"^-([A-Za-z_][A-Za-z0-9_]*)$", RegexOptions.CultureInvariant);
        private static readonly Regex ExampleHeading = new Regex(@"^Example\s+(\d+)\s*(?:[:.\-]\s*(.*))?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
        private static readonly Regex NoRunComment = new Regex(@"^<!--\s*no-run\b\s*:?\s*(.*?)\s*-->\s*$", RegexOptions.CultureInvariant | RegexOptions.Singleline);
        private static readonly Regex HtmlComment = new Regex(@"^\s*<!--.*-->\s*$", RegexOptions.CultureInvariant | RegexOptions.Singleline);
        private static readonly Regex DefaultSuffix = new Regex(@"\s*\(Default\)\s*$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        public static PageResult ReadFile(string path)
        {
            string text = File.ReadAllText(path, Encoding.UTF8);
            return Read(text, path, System.IO.Path.GetFileNameWithoutExtension(path));
        }

        /// <param name="text">The markdown.</param>
        /// <param name="displayPath">The path used in diagnostics.</param>
        /// <param name="expectedName">The file's name without ".md": a cmdlet page must be titled so. Null to skip that check.</param>
        public static PageResult Read(string text, string displayPath, string expectedName)
        {
            var result = new PageResult(displayPath);
            var ctx = new Context(Normalize(text), displayPath, result.Errors);
            MarkdownDocument doc = Markdown.Parse(ctx.Source, Pipeline);
            List<Block> blocks = doc.ToList();

            int index = 0;
            if (blocks.Count == 0 || !(blocks[0] is YamlFrontMatterBlock))
            {
                ctx.Error(1, "missing YAML front matter: a cmdlet page starts with '---', 'document type: cmdlet', ... '---'");
                return result;
            }

            var front = ReadFrontMatter(ctx, (YamlFrontMatterBlock)blocks[0]);
            index = 1;
            if (front == null)
            {
                return result;
            }

            string docType;
            front.TryGetValue("document type", out docType);
            result.DocumentType = docType;
            if (string.IsNullOrWhiteSpace(docType))
            {
                ctx.Error(1, "front matter has no 'document type' (expected 'document type: cmdlet')");
                return result;
            }
            if (string.Equals(docType, "about", StringComparison.OrdinalIgnoreCase))
            {
                // About topics are hand-written text files (en-US/about_*.help.txt): nothing to generate.
                return result;
            }
            if (!result.IsCmdletPage)
            {
                ctx.Error(1, "unsupported document type '" + docType + "' (expected 'cmdlet' or 'about')");
                return result;
            }

            var cmd = new CommandHelp { FilePath = displayPath };
            result.Command = cmd;
            foreach (var kv in front)
            {
                cmd.FrontMatter[kv.Key] = kv.Value;
            }
            cmd.ExternalHelpFile = Front(front, "external help file");
            cmd.ModuleName = Front(front, "Module Name");
            cmd.OnlineUri = Front(front, "HelpUri");
            if (cmd.OnlineUri.Length == 0)
            {
                cmd.OnlineUri = Front(front, "online version");
            }
            string title = Front(front, "title");
            if (cmd.ExternalHelpFile.Length == 0)
            {
                ctx.Error(1, "front matter has no 'external help file' (expected e.g. 'external help file: ChdkPtp.dll-Help.xml')");
            }
            if (cmd.ModuleName.Length == 0)
            {
                ctx.Error(1, "front matter has no 'Module Name'");
            }
            if (title.Length == 0)
            {
                ctx.Error(1, "front matter has no 'title' (expected the cmdlet name)");
            }

            Outline outline = BuildOutline(ctx, blocks, index);
            if (outline.Title == null)
            {
                ctx.Error(ctx.LastLine, "missing '# " + (title.Length > 0 ? title : "Verb-Noun") + "' heading");
                return result;
            }

            cmd.Name = outline.Title;
            cmd.NameLine = outline.TitleLine;
            if (!CmdletName.IsMatch(cmd.Name))
            {
                ctx.Error(cmd.NameLine, "'" + cmd.Name + "' is not a Verb-Noun cmdlet name");
            }
            else
            {
                int dash = cmd.Name.IndexOf('-');
                cmd.Verb = cmd.Name.Substring(0, dash);
                cmd.Noun = cmd.Name.Substring(dash + 1);
            }
            if (title.Length > 0 && !string.Equals(title, cmd.Name, StringComparison.Ordinal))
            {
                ctx.Error(cmd.NameLine, "heading '# " + cmd.Name + "' does not match the front matter title '" + title + "'");
            }
            if (expectedName != null && !string.Equals(expectedName, cmd.Name, StringComparison.Ordinal))
            {
                ctx.Error(cmd.NameLine, "the page for '" + cmd.Name + "' must be named '" + cmd.Name + ".md' (found '" + expectedName + ".md')");
            }

            foreach (var section in outline.Sections)
            {
                cmd.SectionLines[section.Name] = section.Line;
                switch (section.Name)
                {
                    case "SYNOPSIS":
                        NoSubsections(ctx, section);
                        cmd.Synopsis.AddRange(Paragraphs(ctx, section.Intro));
                        break;
                    case "SYNTAX":
                        ReadSyntax(ctx, section, cmd);
                        break;
                    case "ALIASES":
                        NoSubsections(ctx, section);
                        cmd.Aliases.AddRange(Paragraphs(ctx, section.Intro));
                        break;
                    case "DESCRIPTION":
                        cmd.Description.AddRange(FlattenProse(ctx, section));
                        break;
                    case "EXAMPLES":
                        ReadExamples(ctx, section, cmd);
                        break;
                    case "PARAMETERS":
                        ReadParameters(ctx, section, cmd);
                        break;
                    case "INPUTS":
                        ReadTypes(ctx, section, cmd.Inputs);
                        break;
                    case "OUTPUTS":
                        ReadTypes(ctx, section, cmd.Outputs);
                        break;
                    case "NOTES":
                        cmd.Notes.AddRange(FlattenProse(ctx, section));
                        break;
                    case "RELATED LINKS":
                        ReadLinks(ctx, section, cmd);
                        break;
                }
            }

            CheckParameterSets(ctx, cmd);
            return result;
        }

        private static string Front(IDictionary<string, string> front, string key)
        {
            string v;
            return front.TryGetValue(key, out v) && v != null ? v.Trim() : "";
        }

        internal static string Normalize(string text)
        {
            if (text.Length > 0 && text[0] == '\uFEFF')
            {
                text = text.Substring(1);
            }
            return text.Replace("\r\n", "\n").Replace('\r', '\n');
        }

        // ---------------------------------------------------------------- outline

        private sealed class Outline
        {
            public string Title;
            public int TitleLine;
            public readonly List<Section> Sections = new List<Section>();
        }

        private sealed class Section
        {
            public string Name;
            public int Line;
            public readonly List<Block> Intro = new List<Block>();
            public readonly List<Subsection> Subsections = new List<Subsection>();
        }

        private sealed class Subsection
        {
            public string Heading;
            public int Line;
            public readonly List<Block> Blocks = new List<Block>();
        }

        private static Outline BuildOutline(Context ctx, List<Block> blocks, int start)
        {
            var outline = new Outline();
            Section current = null;
            int lastOrder = -1;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = start; i < blocks.Count; i++)
            {
                Block block = blocks[i];
                int line = block.Line + 1;
                var heading = block as HeadingBlock;
                if (heading != null && heading.Level <= 3)
                {
                    string text = HeadingText(ctx, heading);
                    if (heading.Level == 1)
                    {
                        if (outline.Title != null)
                        {
                            ctx.Error(line, "a second level-1 heading '# " + text + "': a page documents one cmdlet");
                            continue;
                        }
                        outline.Title = text;
                        outline.TitleLine = line;
                        continue;
                    }
                    if (outline.Title == null)
                    {
                        ctx.Error(line, "heading '" + text + "' comes before the '# Verb-Noun' title");
                        continue;
                    }
                    if (heading.Level == 2)
                    {
                        string name = text.ToUpperInvariant();
                        int order = IndexOf(SectionOrder, name);
                        if (order < 0)
                        {
                            ctx.Error(line, "unknown section '## " + text + "' (expected one of: " + string.Join(", ", SectionOrder) + ")");
                            current = null;
                            continue;
                        }
                        if (!seen.Add(name))
                        {
                            ctx.Error(line, "section '## " + name + "' appears twice");
                            current = null;
                            continue;
                        }
                        if (order < lastOrder)
                        {
                            ctx.Error(line, "section '## " + name + "' is out of order: it must come before '## " + SectionOrder[lastOrder] + "'");
                        }
                        lastOrder = Math.Max(lastOrder, order);
                        current = new Section { Name = name, Line = line };
                        outline.Sections.Add(current);
                        continue;
                    }
                    // level 3
                    if (current == null)
                    {
                        ctx.Error(line, "subsection '### " + text + "' is not inside a known '## SECTION'");
                        continue;
                    }
                    current.Subsections.Add(new Subsection { Heading = text, Line = line });
                    continue;
                }

                if (IsIgnorable(ctx, block))
                {
                    continue;
                }
                if (outline.Title == null)
                {
                    ctx.Error(line, "text before the '# Verb-Noun' title");
                    continue;
                }
                if (current == null)
                {
                    if (outline.Sections.Count == 0)
                    {
                        ctx.Error(line, "text between the title and the first '## SECTION'");
                    }
                    // else: content of an unknown or duplicate section, already reported.
                    continue;
                }
                if (current.Subsections.Count > 0)
                {
                    current.Subsections[current.Subsections.Count - 1].Blocks.Add(block);
                }
                else
                {
                    current.Intro.Add(block);
                }
            }
            return outline;
        }

        private static int IndexOf(IReadOnlyList<string> list, string value)
        {
            for (int i = 0; i < list.Count; i++)
            {
                if (string.Equals(list[i], value, StringComparison.Ordinal))
                {
                    return i;
                }
            }
            return -1;
        }

        /// <summary>Blocks that carry no help text: blank link definitions, thematic breaks.</summary>
        private static bool IsIgnorable(Context ctx, Block block)
        {
            return block is LinkReferenceDefinitionGroup || block is ThematicBreakBlock || block is BlankLineBlock;
        }

        private static bool IsComment(Context ctx, Block block)
        {
            return block is HtmlBlock && HtmlComment.IsMatch(ctx.Raw(block));
        }

        // ---------------------------------------------------------------- sections

        private static void NoSubsections(Context ctx, Section section)
        {
            foreach (var sub in section.Subsections)
            {
                ctx.Error(sub.Line, "'## " + section.Name + "' has no subsections (found '### " + sub.Heading + "')");
            }
        }

        /// <summary>Intro paragraphs, then each subsection's heading and paragraphs.</summary>
        private static List<string> FlattenProse(Context ctx, Section section)
        {
            var paras = Paragraphs(ctx, section.Intro);
            foreach (var sub in section.Subsections)
            {
                paras.Add(sub.Heading);
                paras.AddRange(Paragraphs(ctx, sub.Blocks));
            }
            return paras;
        }

        private static void ExpectNoIntro(Context ctx, Section section, string expected)
        {
            foreach (var block in section.Intro)
            {
                if (!IsComment(ctx, block))
                {
                    ctx.Error(block.Line + 1, "text directly under '## " + section.Name + "': put it under " + expected);
                    return;
                }
            }
        }

        private static void ReadSyntax(Context ctx, Section section, CommandHelp cmd)
        {
            ExpectNoIntro(ctx, section, "'### ParameterSetName' (use '### __AllParameterSets' when there is one set)");
            if (section.Subsections.Count == 0)
            {
                ctx.Error(section.Line, "'## SYNTAX' needs one '### ParameterSetName' subsection per parameter set, each with a fenced syntax block");
            }
            var names = new HashSet<string>(StringComparer.Ordinal);
            bool sawDefault = false;
            foreach (var sub in section.Subsections)
            {
                string name = sub.Heading;
                bool isDefault = false;
                if (DefaultSuffix.IsMatch(name))
                {
                    isDefault = true;
                    name = DefaultSuffix.Replace(name, "");
                }
                name = name.Trim();
                if (name.Length == 0 || name.IndexOfAny(new[] { ' ', '\t' }) >= 0 && !ParameterSetHelp.IsAllSetsName(name))
                {
                    ctx.Error(sub.Line, "'### " + sub.Heading + "' is not a parameter set name");
                }
                if (!names.Add(name))
                {
                    ctx.Error(sub.Line, "parameter set '" + name + "' is listed twice in SYNTAX");
                }
                if (isDefault)
                {
                    if (sawDefault)
                    {
                        ctx.Error(sub.Line, "more than one parameter set is marked (Default)");
                    }
                    sawDefault = true;
                }
                var set = new SyntaxSetHelp { Name = name, IsDefault = isDefault, Line = sub.Line };
                var code = new List<string>();
                int codeLine = sub.Line;
                foreach (var block in sub.Blocks)
                {
                    var fenced = block as FencedCodeBlock;
                    if (fenced != null)
                    {
                        if (code.Count == 0)
                        {
                            codeLine = fenced.Line + 2;
                        }
                        code.Add(CodeText(fenced));
                    }
                    else if (!IsComment(ctx, block))
                    {
                        ctx.Error(block.Line + 1, "only a fenced syntax block belongs under '### " + sub.Heading + "'");
                    }
                }
                if (code.Count != 1)
                {
                    ctx.Error(sub.Line, "'### " + sub.Heading + "' needs exactly one fenced syntax block (found " + code.Count + ")");
                }
                set.Text = code.Count > 0 ? code[0] : "";
                if (code.Count > 0 && cmd.Name != null)
                {
                    string first = set.Text.TrimStart().Split(new[] { ' ', '\n', '\t' }, 2)[0];
                    if (!string.Equals(first, cmd.Name, StringComparison.OrdinalIgnoreCase))
                    {
                        ctx.Error(codeLine, "the syntax block for '" + name + "' must start with the cmdlet name '" + cmd.Name + "'");
                    }
                }
                cmd.SyntaxSets.Add(set);
            }
        }

        private static void ReadExamples(Context ctx, Section section, CommandHelp cmd)
        {
            ExpectNoIntro(ctx, section, "'### Example 1: Title'");
            foreach (var sub in section.Subsections)
            {
                Match m = ExampleHeading.Match(sub.Heading);
                if (!m.Success)
                {
                    ctx.Error(sub.Line, "'### " + sub.Heading + "' is not an example heading (expected '### Example " + (cmd.Examples.Count + 1) + ": Title')");
                    continue;
                }
                int number;
                if (!int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number != cmd.Examples.Count + 1)
                {
                    ctx.Error(sub.Line, "examples must be numbered 1, 2, 3...: expected 'Example " + (cmd.Examples.Count + 1) + "', found 'Example " + m.Groups[1].Value + "'");
                }
                var example = new ExampleHelp
                {
                    Number = cmd.Examples.Count + 1,
                    Title = m.Groups[2].Success ? m.Groups[2].Value.Trim() : "",
                    Line = sub.Line,
                };
                var code = new List<string>();
                for (int i = 0; i < sub.Blocks.Count; i++)
                {
                    Block block = sub.Blocks[i];
                    if (block is HtmlBlock)
                    {
                        string raw = ctx.Raw(block).Trim();
                        Match nr = NoRunComment.Match(raw);
                        if (nr.Success)
                        {
                            if (i != 0)
                            {
                                ctx.Error(block.Line + 1, "'<!-- no-run: reason -->' must come right after the example heading");
                            }
                            else if (nr.Groups[1].Value.Length == 0)
                            {
                                ctx.Error(block.Line + 1, "'<!-- no-run -->' needs a reason: '<!-- no-run: reason -->'");
                            }
                            else
                            {
                                example.NoRunReason = nr.Groups[1].Value;
                            }
                            continue;
                        }
                        if (HtmlComment.IsMatch(raw))
                        {
                            continue;
                        }
                    }
                    var fenced = block as FencedCodeBlock;
                    if (fenced != null && IsPowerShell(fenced.Info))
                    {
                        if (code.Count == 0)
                        {
                            example.CodeLine = fenced.Line + 2;
                        }
                        code.Add(CodeText(fenced));
                        continue;
                    }
                    example.Remarks.AddRange(Paragraphs(ctx, new[] { block }));
                }
                if (code.Count == 0)
                {
                    ctx.Error(sub.Line, "'### " + sub.Heading + "' has no ```powershell code block");
                }
                else if (code.Any(c => c.Trim().Length == 0))
                {
                    ctx.Error(example.CodeLine - 1, "'### " + sub.Heading + "' has an empty ```powershell code block");
                }
                example.Code = string.Join("\n\n", code);
                cmd.Examples.Add(example);
            }
        }

        private static bool IsPowerShell(string info)
        {
            return string.Equals(info, "powershell", StringComparison.OrdinalIgnoreCase)
                || string.Equals(info, "pwsh", StringComparison.OrdinalIgnoreCase);
        }

        private static void ReadParameters(Context ctx, Section section, CommandHelp cmd)
        {
            ExpectNoIntro(ctx, section, "'### -ParameterName'");
            foreach (var sub in section.Subsections)
            {
                if (string.Equals(sub.Heading, "CommonParameters", StringComparison.Ordinal))
                {
                    if (cmd.HasCommonParameters)
                    {
                        ctx.Error(sub.Line, "'### CommonParameters' appears twice");
                    }
                    cmd.HasCommonParameters = true;
                    continue;
                }
                Match m = ParameterHeading.Match(sub.Heading);
                if (!m.Success)
                {
                    ctx.Error(sub.Line, "'### " + sub.Heading + "' is not a parameter heading (expected '### -Name' or '### CommonParameters')");
                    continue;
                }
                var p = new ParameterHelp { Name = m.Groups[1].Value, Line = sub.Line };
                if (cmd.FindParameter(p.Name) != null)
                {
                    ctx.Error(sub.Line, "parameter -" + p.Name + " is documented twice");
                    continue;
                }
                FencedCodeBlock yaml = null;
                foreach (var block in sub.Blocks)
                {
                    var fenced = block as FencedCodeBlock;
                    if (fenced != null && string.Equals(fenced.Info, "yaml", StringComparison.OrdinalIgnoreCase))
                    {
                        if (yaml != null)
                        {
                            ctx.Error(block.Line + 1, "parameter -" + p.Name + " has more than one ```yaml block");
                        }
                        yaml = yaml ?? fenced;
                        continue;
                    }
                    if (IsComment(ctx, block))
                    {
                        continue;
                    }
                    if (yaml != null)
                    {
                        ctx.Error(block.Line + 1, "text after the ```yaml block of -" + p.Name + ": the description goes before it");
                        continue;
                    }
                    p.Description.AddRange(Paragraphs(ctx, new[] { block }));
                }
                if (yaml == null)
                {
                    ctx.Error(sub.Line, "parameter -" + p.Name + " has no ```yaml block (Type, DefaultValue, ParameterSets, ...)");
                    cmd.Parameters.Add(p);
                    continue;
                }
                p.YamlLine = yaml.Line + 2;
                ReadParameterYaml(ctx, CodeText(yaml), yaml.Line + 2, p);
                cmd.Parameters.Add(p);
            }
        }

        private static readonly string[] ParameterKeys =
        {
            "Type", "DefaultValue", "SupportsWildcards", "ParameterValue", "Aliases", "ParameterSets",
            "DontShow", "AcceptedValues", "HelpMessage",
        };

        private static readonly string[] SetKeys =
        {
            "Name", "Position", "IsRequired", "ValueFromPipeline", "ValueFromPipelineByPropertyName",
            "ValueFromRemainingArguments",
        };

        private static void ReadParameterYaml(Context ctx, string yaml, int firstLine, ParameterHelp p)
        {
            var y = new YamlReader(ctx, firstLine);
            YamlMappingNode root = y.LoadMapping(yaml, "the ```yaml block of -" + p.Name);
            if (root == null)
            {
                return;
            }
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in root.Children)
            {
                string key = y.Key(entry.Key);
                if (key == null)
                {
                    continue;
                }
                string canonical = ParameterKeys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
                if (canonical == null)
                {
                    y.Error(entry.Key, "unknown key '" + key + "' for -" + p.Name + " (expected " + string.Join(", ", ParameterKeys) + ")");
                    continue;
                }
                if (!seen.Add(canonical))
                {
                    y.Error(entry.Key, "key '" + canonical + "' appears twice");
                    continue;
                }
                switch (canonical)
                {
                    case "Type":
                        p.Type = y.Scalar(entry.Value, canonical) ?? "";
                        if (p.Type.Trim().Length == 0)
                        {
                            y.Error(entry.Value, "-" + p.Name + " has an empty Type");
                        }
                        p.Type = p.Type.Trim();
                        break;
                    case "DefaultValue":
                        p.DefaultValue = (y.Scalar(entry.Value, canonical) ?? "").Trim();
                        break;
                    case "SupportsWildcards":
                        p.SupportsWildcards = y.Bool(entry.Value, canonical);
                        break;
                    case "ParameterValue":
                        p.ParameterValue.AddRange(y.List(entry.Value, canonical));
                        break;
                    case "Aliases":
                        p.Aliases.AddRange(y.List(entry.Value, canonical));
                        break;
                    case "DontShow":
                        p.DontShow = y.Bool(entry.Value, canonical);
                        break;
                    case "AcceptedValues":
                        p.AcceptedValues.AddRange(y.List(entry.Value, canonical));
                        break;
                    case "HelpMessage":
                        p.HelpMessage = (y.Scalar(entry.Value, canonical) ?? "").Trim();
                        break;
                    case "ParameterSets":
                        ReadSets(y, entry.Value, p);
                        break;
                }
            }
            if (!seen.Contains("Type"))
            {
                ctx.Error(firstLine - 1, "the ```yaml block of -" + p.Name + " has no Type");
            }
            if (!seen.Contains("ParameterSets"))
            {
                ctx.Error(firstLine - 1, "the ```yaml block of -" + p.Name + " has no ParameterSets (use '- Name: (All)' for every set)");
            }
        }

        private static void ReadSets(YamlReader y, YamlNode node, ParameterHelp p)
        {
            var seq = node as YamlSequenceNode;
            if (seq == null || seq.Children.Count == 0)
            {
                y.Error(node, "ParameterSets of -" + p.Name + " must be a non-empty list of '- Name: SetName' entries");
                return;
            }
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in seq.Children)
            {
                var map = item as YamlMappingNode;
                if (map == null)
                {
                    y.Error(item, "each ParameterSets entry of -" + p.Name + " is a mapping (Name, Position, IsRequired, ...)");
                    continue;
                }
                var set = new ParameterSetHelp { Line = y.LineOf(item) };
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var entry in map.Children)
                {
                    string key = y.Key(entry.Key);
                    if (key == null)
                    {
                        continue;
                    }
                    string canonical = SetKeys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
                    if (canonical == null)
                    {
                        y.Error(entry.Key, "unknown ParameterSets key '" + key + "' (expected " + string.Join(", ", SetKeys) + ")");
                        continue;
                    }
                    if (!seen.Add(canonical))
                    {
                        y.Error(entry.Key, "key '" + canonical + "' appears twice");
                        continue;
                    }
                    switch (canonical)
                    {
                        case "Name":
                            set.Name = (y.Scalar(entry.Value, canonical) ?? "").Trim();
                            if (ParameterSetHelp.IsAllSetsName(set.Name))
                            {
                                set.Name = ParameterSetHelp.AllSets;
                            }
                            break;
                        case "Position":
                            string pos = (y.Scalar(entry.Value, canonical) ?? "").Trim();
                            int n;
                            if (string.Equals(pos, "Named", StringComparison.OrdinalIgnoreCase))
                            {
                                set.Position = null;
                            }
                            else if (int.TryParse(pos, NumberStyles.None, CultureInfo.InvariantCulture, out n))
                            {
                                set.Position = n;
                            }
                            else
                            {
                                y.Error(entry.Value, "Position must be 'Named' or a number >= 0 (found '" + pos + "')");
                            }
                            break;
                        case "IsRequired":
                            set.IsRequired = y.Bool(entry.Value, canonical);
                            break;
                        case "ValueFromPipeline":
                            set.ValueFromPipeline = y.Bool(entry.Value, canonical);
                            break;
                        case "ValueFromPipelineByPropertyName":
                            set.ValueFromPipelineByPropertyName = y.Bool(entry.Value, canonical);
                            break;
                        case "ValueFromRemainingArguments":
                            set.ValueFromRemainingArguments = y.Bool(entry.Value, canonical);
                            break;
                    }
                }
                if (string.IsNullOrEmpty(set.Name))
                {
                    y.Error(item, "a ParameterSets entry of -" + p.Name + " has no Name");
                    continue;
                }
                if (!names.Add(set.Name))
                {
                    y.Error(item, "-" + p.Name + " lists parameter set '" + set.Name + "' twice");
                    continue;
                }
                p.ParameterSets.Add(set);
            }
            if (p.ParameterSets.Count > 1 && p.ParameterSets.Any(s => s.IsAllSets))
            {
                y.Error(node, "-" + p.Name + " lists '(All)' together with named sets: use one or the other");
            }
        }

        private static void ReadTypes(Context ctx, Section section, List<TypeHelp> types)
        {
            ExpectNoIntro(ctx, section, "'### TypeName' (use '### None' when there is none)");
            foreach (var sub in section.Subsections)
            {
                var t = new TypeHelp { TypeName = sub.Heading.Trim(), Line = sub.Line };
                t.Description.AddRange(Paragraphs(ctx, sub.Blocks));
                types.Add(t);
            }
        }

        private static void ReadLinks(Context ctx, Section section, CommandHelp cmd)
        {
            NoSubsections(ctx, section);
            foreach (var block in section.Intro)
            {
                var list = block as ListBlock;
                if (list != null)
                {
                    foreach (var item in list.OfType<ListItemBlock>())
                    {
                        cmd.RelatedLinks.Add(LinkFrom(ctx, item));
                    }
                    continue;
                }
                var para = block as ParagraphBlock;
                if (para != null)
                {
                    cmd.RelatedLinks.Add(LinkFrom(ctx, para));
                    continue;
                }
                if (!IsComment(ctx, block))
                {
                    ctx.Error(block.Line + 1, "'## RELATED LINKS' holds a list of links: '- [Text](uri)'");
                }
            }
        }

        private static LinkHelp LinkFrom(Context ctx, ContainerBlock item)
        {
            foreach (var para in item.Descendants<ParagraphBlock>())
            {
                var link = para.Inline == null ? null : para.Inline.Descendants<LinkInline>().FirstOrDefault(l => !l.IsImage);
                if (link != null)
                {
                    return new LinkHelp { Text = InlineText(link).Trim(), Uri = link.Url ?? "" };
                }
            }
            return new LinkHelp { Text = JoinLines(ctx.Raw(item.Descendants<ParagraphBlock>().FirstOrDefault() ?? (Block)item)), Uri = "" };
        }

        private static LinkHelp LinkFrom(Context ctx, ParagraphBlock para)
        {
            var link = para.Inline == null ? null : para.Inline.Descendants<LinkInline>().FirstOrDefault(l => !l.IsImage);
            if (link != null)
            {
                return new LinkHelp { Text = InlineText(link).Trim(), Uri = link.Url ?? "" };
            }
            return new LinkHelp { Text = JoinLines(ctx.Raw(para)), Uri = "" };
        }

        private static string InlineText(ContainerInline container)
        {
            var sb = new StringBuilder();
            foreach (var inline in container)
            {
                var literal = inline as LiteralInline;
                if (literal != null)
                {
                    sb.Append(literal.Content.ToString());
                    continue;
                }
                var code = inline as CodeInline;
                if (code != null)
                {
                    sb.Append(code.Content);
                    continue;
                }
                var inner = inline as ContainerInline;
                if (inner != null)
                {
                    sb.Append(InlineText(inner));
                }
            }
            return sb.ToString();
        }

        private static void CheckParameterSets(Context ctx, CommandHelp cmd)
        {
            if (!cmd.HasSection("SYNTAX"))
            {
                ctx.Error(cmd.NameLine, "missing '## SYNTAX': one '### ParameterSetName' subsection per parameter set");
                return;
            }
            if (cmd.SyntaxSets.Count == 0)
            {
                return; // reported with SYNTAX
            }
            var known = new HashSet<string>(cmd.SyntaxSets.Select(s => s.IsAllSets ? ParameterSetHelp.AllSets : s.Name), StringComparer.Ordinal);
            foreach (var p in cmd.Parameters)
            {
                foreach (var set in p.ParameterSets)
                {
                    if (!set.IsAllSets && !known.Contains(set.Name))
                    {
                        ctx.Error(set.Line, "-" + p.Name + " names parameter set '" + set.Name + "', which is not a '### " + set.Name + "' subsection of SYNTAX");
                    }
                }
            }
        }

        // ---------------------------------------------------------------- text

        /// <summary>Help paragraphs for a run of blocks: one per markdown paragraph or list item.</summary>
        private static List<string> Paragraphs(Context ctx, IEnumerable<Block> blocks)
        {
            var paras = new List<string>();
            foreach (var block in blocks)
            {
                AddParagraphs(ctx, block, paras);
            }
            return paras;
        }

        private static void AddParagraphs(Context ctx, Block block, List<string> paras)
        {
            if (block is ThematicBreakBlock || block is LinkReferenceDefinitionGroup || block is BlankLineBlock)
            {
                return;
            }
            var fenced = block as FencedCodeBlock;
            if (fenced != null)
            {
                paras.Add(CodeText(fenced));
                return;
            }
            var code = block as CodeBlock;
            if (code != null)
            {
                paras.Add(CodeText(code));
                return;
            }
            if (block is HtmlBlock)
            {
                string raw = ctx.Raw(block);
                if (!HtmlComment.IsMatch(raw))
                {
                    paras.Add(raw.TrimEnd());
                }
                return;
            }
            var heading = block as HeadingBlock;
            if (heading != null)
            {
                paras.Add(HeadingText(ctx, heading));
                return;
            }
            var list = block as ListBlock;
            if (list != null)
            {
                foreach (var item in list)
                {
                    paras.Add(JoinLines(ctx.Raw(item)));
                }
                return;
            }
            string text = JoinLines(ctx.Raw(block));
            if (text.Length > 0)
            {
                paras.Add(text);
            }
        }

        /// <summary>A paragraph's source with its soft line breaks turned into spaces.</summary>
        private static string JoinLines(string raw)
        {
            var parts = raw.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);
            return string.Join(" ", parts);
        }

        private static string CodeText(LeafBlock block)
        {
            var lines = new List<string>();
            var group = block.Lines;
            for (int i = 0; i < group.Count; i++)
            {
                lines.Add(group.Lines[i].Slice.ToString().TrimEnd());
            }
            while (lines.Count > 0 && lines[lines.Count - 1].Length == 0)
            {
                lines.RemoveAt(lines.Count - 1);
            }
            return string.Join("\n", lines);
        }

        private static string HeadingText(Context ctx, HeadingBlock heading)
        {
            string line = ctx.LineText(heading.Line + 1).Trim();
            if (heading.IsSetext)
            {
                return line;
            }
            line = line.TrimStart('#').Trim();
            // optional closing sequence: "## Title ##"
            string closed = line.TrimEnd('#');
            if (closed.Length < line.Length && (closed.Length == 0 || closed.EndsWith(" ", StringComparison.Ordinal)))
            {
                line = closed;
            }
            return line.Trim();
        }

        // ---------------------------------------------------------------- front matter

        private static Dictionary<string, string> ReadFrontMatter(Context ctx, YamlFrontMatterBlock block)
        {
            string raw = ctx.Raw(block);
            var lines = raw.Split('\n').ToList();
            // drop the opening and closing fences
            if (lines.Count > 0 && lines[0].TrimEnd() == "---")
            {
                lines.RemoveAt(0);
            }
            while (lines.Count > 0 && lines[lines.Count - 1].Trim().Length == 0)
            {
                lines.RemoveAt(lines.Count - 1);
            }
            if (lines.Count > 0 && (lines[lines.Count - 1].TrimEnd() == "---" || lines[lines.Count - 1].TrimEnd() == "..."))
            {
                lines.RemoveAt(lines.Count - 1);
            }
            int firstLine = block.Line + 2;
            var y = new YamlReader(ctx, firstLine);
            YamlMappingNode root = y.LoadMapping(string.Join("\n", lines), "the front matter");
            if (root == null)
            {
                return null;
            }
            var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in root.Children)
            {
                string key = y.Key(entry.Key);
                if (key == null)
                {
                    continue;
                }
                if (result.ContainsKey(key))
                {
                    y.Error(entry.Key, "front matter key '" + key + "' appears twice");
                    continue;
                }
                var scalar = entry.Value as YamlScalarNode;
                // Non-scalar values (lists) carry nothing HelpGen uses; keep the key.
                result[key] = scalar != null ? scalar.Value ?? "" : "";
            }
            return result;
        }

        // ---------------------------------------------------------------- helpers

        private sealed class Context
        {
            private readonly List<HelpDiagnostic> errors;
            private readonly string file;
            private string[] lines;

            public Context(string source, string file, List<HelpDiagnostic> errors)
            {
                Source = source;
                this.file = file;
                this.errors = errors;
            }

            public string Source { get; }

            public int LastLine
            {
                get { return Math.Max(1, Lines.Length); }
            }

            private string[] Lines
            {
                get { return lines ?? (lines = Source.Split('\n')); }
            }

            public void Error(int line, string message)
            {
                errors.Add(new HelpDiagnostic(file, line, message));
            }

            public string Raw(Block block)
            {
                if (block.Span.IsEmpty || block.Span.Start < 0)
                {
                    return "";
                }
                int start = Math.Min(block.Span.Start, Source.Length);
                int end = Math.Min(block.Span.End + 1, Source.Length);
                return Source.Substring(start, Math.Max(0, end - start));
            }

            public string LineText(int line)
            {
                return line >= 1 && line <= Lines.Length ? Lines[line - 1] : "";
            }
        }

        /// <summary>YamlDotNet's representation model with errors mapped to lines of the markdown file.</summary>
        private sealed class YamlReader
        {
            private readonly Context ctx;
            private readonly int firstLine;

            public YamlReader(Context ctx, int firstLine)
            {
                this.ctx = ctx;
                this.firstLine = firstLine;
            }

            public int LineOf(YamlNode node)
            {
                return firstLine + (int)node.Start.Line - 1;
            }

            public void Error(YamlNode node, string message)
            {
                ctx.Error(LineOf(node), message);
            }

            public YamlMappingNode LoadMapping(string text, string what)
            {
                var stream = new YamlStream();
                try
                {
                    stream.Load(new StringReader(text));
                }
                catch (YamlException ex)
                {
                    int line = firstLine + Math.Max(0, (int)ex.Start.Line - 1);
                    string msg = ex.InnerException != null ? ex.InnerException.Message : ex.Message;
                    ctx.Error(line, "invalid YAML in " + what + ": " + msg);
                    return null;
                }
                catch (InvalidOperationException)
                {
                    // YamlDotNet throws this (not a YamlException) for some truncated input, such as
                    // an unclosed '[' at the end of the block; it gives no position.
                    ctx.Error(firstLine, "invalid YAML in " + what + ": the text ends inside an unclosed '[', '{' or quote");
                    return null;
                }
                if (stream.Documents.Count == 0)
                {
                    ctx.Error(firstLine - 1, what + " is empty");
                    return null;
                }
                var map = stream.Documents[0].RootNode as YamlMappingNode;
                if (map == null)
                {
                    ctx.Error(firstLine - 1, what + " must be a YAML mapping of 'Key: value' lines");
                    return null;
                }
                return map;
            }

            public string Key(YamlNode node)
            {
                var scalar = node as YamlScalarNode;
                if (scalar == null || string.IsNullOrEmpty(scalar.Value))
                {
                    Error(node, "keys must be plain text");
                    return null;
                }
                return scalar.Value.Trim();
            }

            public string Scalar(YamlNode node, string key)
            {
                var scalar = node as YamlScalarNode;
                if (scalar == null)
                {
                    Error(node, key + " must be a single value");
                    return null;
                }
                return scalar.Value ?? "";
            }

            public bool Bool(YamlNode node, string key)
            {
                string v = Scalar(node, key);
                if (v == null)
                {
                    return false;
                }
                if (string.Equals(v.Trim(), "true", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
                if (string.Equals(v.Trim(), "false", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
                Error(node, key + " must be true or false (found '" + v + "')");
                return false;
            }

            public List<string> List(YamlNode node, string key)
            {
                var values = new List<string>();
                var seq = node as YamlSequenceNode;
                if (seq != null)
                {
                    foreach (var item in seq.Children)
                    {
                        string v = Scalar(item, key + " entries");
                        if (v != null && v.Trim().Length > 0)
                        {
                            values.Add(v.Trim());
                        }
                    }
                    return values;
                }
                string s = Scalar(node, key);
                if (s != null)
                {
                    values.AddRange(s.Split(',').Select(x => x.Trim()).Where(x => x.Length > 0));
                }
                return values;
            }
        }
    }
}
