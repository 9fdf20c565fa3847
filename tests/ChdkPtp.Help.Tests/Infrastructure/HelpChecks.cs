using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation.Runspaces;
using ChdkPtp.HelpGen;

namespace ChdkPtp.Help.Tests.Infrastructure
{
    /// <summary>(a) The committed MAML file equals what the generator makes from the docs, byte for byte.</summary>
    public static class HelpDrift
    {
        /// <returns>Null when they match; otherwise what is wrong and how to fix it.</returns>
        public static string Check(string docsDir, string committedXml)
        {
            using (var temp = new TempFolder("chdkhelp-drift"))
            {
                string generated = temp.Combine(Path.GetFileName(committedXml));
                var errors = HelpGenerator.Generate(docsDir, generated);
                if (errors.Count > 0)
                {
                    return "the docs have errors, so " + committedXml + " cannot be regenerated:\n" + string.Join("\n", errors);
                }
                if (!File.Exists(committedXml))
                {
                    return committedXml + " does not exist: build the module (dotnet build src/ChdkPtp) to generate it from " + docsDir + ", then commit it.";
                }
                byte[] expected = File.ReadAllBytes(generated);
                byte[] actual = File.ReadAllBytes(committedXml);
                if (expected.AsSpan().SequenceEqual(actual))
                {
                    return null;
                }
                return committedXml + " is out of date with " + docsDir + ": rebuild (dotnet build src/ChdkPtp) to "
                    + "regenerate it, and commit the result. If it was edited by hand it is newer than the docs and the "
                    + "build skips it: delete it, then rebuild. " + FirstDifference(expected, actual);
            }
        }

        private static string FirstDifference(byte[] expected, byte[] actual)
        {
            string[] e = System.Text.Encoding.UTF8.GetString(expected).Split('\n');
            string[] a = System.Text.Encoding.UTF8.GetString(actual).Split('\n');
            for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
            {
                string el = i < e.Length ? e[i] : "<end of file>";
                string al = i < a.Length ? a[i] : "<end of file>";
                if (el != al)
                {
                    return "First difference at line " + (i + 1) + ": generated '" + el.Trim() + "', committed '" + al.Trim() + "'.";
                }
            }
            return "The files differ in line endings or encoding.";
        }
    }

    /// <summary>(c) Get-Help, in a hosted runspace with the module imported, shows what the docs say.</summary>
    public static class GetHelpChecker
    {
        public static List<string> Check(string manifest, HelpDocSet docs)
        {
            var problems = new List<string>();
            string module = Path.GetFileNameWithoutExtension(manifest);
            using (var temp = new TempFolder("chdkhelp-gethelp"))
            {
                PsRun import;
                using (Runspace rs = PsHost.Open(manifest, temp.Path, out import))
                {
                    if (import.Failed)
                    {
                        problems.Add(manifest + ": Import-Module failed: " + import.Describe());
                        return problems;
                    }
                    var list = PsHost.Invoke(rs, "Get-Command -Module $args[0] -CommandType Cmdlet", PsHost.DefaultTimeout, module);
                    if (list.Failed)
                    {
                        problems.Add(manifest + ": Get-Command failed: " + list.Describe());
                        return problems;
                    }
                    var names = list.Output.Select(o => (string)PsHost.Prop(o, "Name")).OrderBy(n => n, StringComparer.Ordinal).ToList();
                    foreach (var name in names)
                    {
                        var page = docs.Commands.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
                        if (page == null)
                        {
                            problems.Add(name + ": no docs page, so Get-Help has nothing to show");
                            continue;
                        }
                        CheckOne(rs, page, problems);
                    }
                    foreach (var page in docs.Commands.Where(c => !names.Contains(c.Name, StringComparer.OrdinalIgnoreCase)))
                    {
                        problems.Add(At(page, page.NameLine, page.Name + " is documented but the module does not export it"));
                    }
                }
            }
            return problems;
        }

        private static string At(CommandHelp page, int line, string message)
        {
            return new HelpDiagnostic(page.FilePath, line, message).ToString();
        }

        private static void CheckOne(Runspace rs, CommandHelp page, List<string> problems)
        {
            var run = PsHost.Invoke(rs, "Get-Help -Name $args[0] -Full", PsHost.DefaultTimeout, page.Name);
            if (run.Failed || run.Output.Count != 1)
            {
                problems.Add(At(page, page.NameLine, "Get-Help " + page.Name + " -Full failed or returned " + run.Output.Count + " objects: " + run.Describe()));
                return;
            }
            object help = run.Output[0];
            string prefix = "Get-Help " + page.Name + ": ";

            string synopsis = PsHost.Squash(Convert.ToString(PsHost.Prop(help, "Synopsis")));
            string expectedSynopsis = PsHost.Squash(string.Join(" ", page.Synopsis));
            if (synopsis != expectedSynopsis)
            {
                problems.Add(At(page, page.SectionLine("SYNOPSIS"), prefix + "synopsis is '" + synopsis + "', the docs say '" + expectedSynopsis + "' (is en-US/*-Help.xml generated from these docs and next to the module manifest?)"));
            }
            string description = PsHost.Squash(PsHost.Text(PsHost.Prop(help, "description")));
            string expectedDescription = PsHost.Squash(string.Join(" ", page.Description));
            if (description != expectedDescription)
            {
                problems.Add(At(page, page.SectionLine("DESCRIPTION"), prefix + "description is '" + Cut(description) + "', the docs say '" + Cut(expectedDescription) + "'"));
            }

            var parameters = PsHost.Items(PsHost.Prop(PsHost.Prop(help, "parameters"), "parameter")).ToList();
            foreach (var p in page.Parameters.Where(x => !x.DontShow))
            {
                var shown = parameters.FirstOrDefault(x => string.Equals(Convert.ToString(PsHost.Prop(x, "name")), p.Name, StringComparison.OrdinalIgnoreCase));
                if (shown == null)
                {
                    problems.Add(At(page, p.Line, prefix + "parameter -" + p.Name + " is not in the help"));
                    continue;
                }
                string text = PsHost.Squash(PsHost.Text(PsHost.Prop(shown, "description")));
                string expected = PsHost.Squash(string.Join(" ", p.Description));
                if (text != expected)
                {
                    problems.Add(At(page, p.Line, prefix + "-" + p.Name + " is described as '" + Cut(text) + "', the docs say '" + Cut(expected) + "'"));
                }
            }

            var examples = PsHost.Items(PsHost.Prop(PsHost.Prop(help, "examples"), "example")).ToList();
            if (examples.Count != page.Examples.Count)
            {
                problems.Add(At(page, page.SectionLine("EXAMPLES"), prefix + "shows " + examples.Count + " examples, the docs have " + page.Examples.Count));
            }
            else
            {
                for (int i = 0; i < examples.Count; i++)
                {
                    string code = Convert.ToString(PsHost.Prop(examples[i], "code"));
                    if (PsHost.Squash(code) != PsHost.Squash(page.Examples[i].Code))
                    {
                        problems.Add(At(page, page.Examples[i].Line, prefix + "example " + (i + 1) + " shows code '" + Cut(code) + "'"));
                    }
                }
            }
        }

        private static string Cut(string s)
        {
            return s.Length <= 120 ? s : s.Substring(0, 117) + "...";
        }
    }

    public sealed class ExampleReport
    {
        public List<string> Problems { get; } = new List<string>();
        /// <summary>"Verb-Noun #n" of each example that ran.</summary>
        public List<string> Ran { get; } = new List<string>();
        /// <summary>"Verb-Noun #n" of each example marked no-run.</summary>
        public List<string> Skipped { get; } = new List<string>();
    }

    /// <summary>
    /// (d) Every example runs without errors: each in a fresh runspace with the module imported, in
    /// an empty temp folder, after <c>prelude</c> (e.g. Connect-ChdkCamera -Simulator | Out-Null).
    /// Examples that start with &lt;!-- no-run: reason --&gt; are skipped.
    /// </summary>
    public static class ExampleRunner
    {
        public static ExampleReport Run(string manifest, HelpDocSet docs, string prelude, TimeSpan timeout)
        {
            var report = new ExampleReport();
            foreach (var page in docs.Commands)
            {
                foreach (var example in page.Examples)
                {
                    string id = page.Name + " #" + example.Number;
                    string where = page.FilePath + ":" + (example.CodeLine > 0 ? example.CodeLine : example.Line) + ":";
                    if (example.NoRunReason != null)
                    {
                        report.Skipped.Add(id);
                        continue;
                    }
                    report.Ran.Add(id);
                    using (var temp = new TempFolder("chdkhelp-example"))
                    {
                        string problem = RunOne(manifest, temp.Path, prelude, example.Code, timeout);
                        if (problem != null)
                        {
                            report.Problems.Add(where + " error: " + id + " (" + example.Title + ") " + problem);
                        }
                    }
                }
            }
            return report;
        }

        /// <returns>Null when the example ran cleanly, else what went wrong.</returns>
        private static string RunOne(string manifest, string folder, string prelude, string code, TimeSpan timeout)
        {
            PsRun import;
            Runspace rs = PsHost.Open(manifest, folder, out import);
            bool abandoned = false;
            try
            {
                if (import.Failed)
                {
                    return "Import-Module failed: " + import.Describe();
                }
                if (!string.IsNullOrEmpty(prelude))
                {
                    var pre = PsHost.Invoke(rs, prelude, timeout);
                    abandoned = pre.Abandoned;
                    if (pre.Failed)
                    {
                        return "the prelude '" + prelude + "' failed: " + pre.Describe();
                    }
                }
                var run = PsHost.Invoke(rs, code, timeout);
                abandoned = run.Abandoned;
                if (run.Failed)
                {
                    return "failed: " + run.Describe() + " (fix the example, or mark it '<!-- no-run: reason -->' if it cannot run in the test runspace)";
                }
                return null;
            }
            finally
            {
                if (!abandoned)
                {
                    // Removing the module lets it release process-wide state (sessions) before the next example.
                    PsHost.Invoke(rs, "Remove-Module -Name $args[0] -Force -ErrorAction SilentlyContinue", PsHost.DefaultTimeout, Path.GetFileNameWithoutExtension(manifest));
                    rs.Dispose();
                }
            }
        }
    }
}
