using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace ChdkPtp.HelpGen
{
    /// <summary>Every page of a docs folder, read and cross-checked.</summary>
    public sealed class HelpDocSet
    {
        /// <summary>The folder the pages were read from, as given.</summary>
        public string Folder { get; private set; }

        public List<PageResult> Pages { get; } = new List<PageResult>();

        /// <summary>The cmdlet pages, ordered by file name (ordinal).</summary>
        public List<CommandHelp> Commands { get; } = new List<CommandHelp>();

        public List<HelpDiagnostic> Errors { get; } = new List<HelpDiagnostic>();

        /// <summary>
        /// Reads docs/*.md (not sub-folders). README.md explains the format and is skipped; pages
        /// whose front matter says 'document type: about' are skipped (about topics are hand-written
        /// en-US/about_*.help.txt). Every other page must be a cmdlet page.
        /// </summary>
        /// <param name="docsFolder">The folder.</param>
        /// <param name="helpFileName">When not null, every page's 'external help file' must be this name.</param>
        public static HelpDocSet Load(string docsFolder, string helpFileName)
        {
            var set = new HelpDocSet { Folder = docsFolder };
            if (!Directory.Exists(docsFolder))
            {
                set.Errors.Add(new HelpDiagnostic(docsFolder, 0, "docs folder not found"));
                return set;
            }
            var files = Directory.GetFiles(docsFolder, "*.md", SearchOption.TopDirectoryOnly)
                .Where(f => string.Equals(Path.GetExtension(f), ".md", StringComparison.Ordinal))
                .Where(f => !string.Equals(Path.GetFileName(f), "README.md", StringComparison.OrdinalIgnoreCase))
                .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
                .ToList();
            var byName = new Dictionary<string, CommandHelp>(StringComparer.OrdinalIgnoreCase);
            foreach (var file in files)
            {
                PageResult page;
                try
                {
                    page = MarkdownHelpReader.ReadFile(file);
                }
                catch (IOException ex)
                {
                    set.Errors.Add(new HelpDiagnostic(file, 0, "cannot read: " + ex.Message));
                    continue;
                }
                set.Pages.Add(page);
                set.Errors.AddRange(page.Errors);
                var cmd = page.Command;
                if (cmd == null || cmd.Name == null)
                {
                    continue;
                }
                CommandHelp other;
                if (byName.TryGetValue(cmd.Name, out other))
                {
                    set.Errors.Add(new HelpDiagnostic(file, cmd.NameLine, "'" + cmd.Name + "' is also documented in " + other.FilePath));
                    continue;
                }
                byName.Add(cmd.Name, cmd);
                set.Commands.Add(cmd);
            }

            string module = null;
            foreach (var cmd in set.Commands)
            {
                if (helpFileName != null && cmd.ExternalHelpFile.Length > 0
                    && !string.Equals(cmd.ExternalHelpFile, helpFileName, StringComparison.Ordinal))
                {
                    set.Errors.Add(new HelpDiagnostic(cmd.FilePath, 1, "'external help file: " + cmd.ExternalHelpFile + "' but the help is generated into '" + helpFileName + "'"));
                }
                if (cmd.ModuleName.Length == 0)
                {
                    continue;
                }
                if (module == null)
                {
                    module = cmd.ModuleName;
                }
                else if (!string.Equals(module, cmd.ModuleName, StringComparison.Ordinal))
                {
                    set.Errors.Add(new HelpDiagnostic(cmd.FilePath, 1, "'Module Name: " + cmd.ModuleName + "' differs from the other pages ('" + module + "')"));
                }
            }
            return set;
        }
    }
}
