using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ChdkPtp.HelpGen;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ChdkPtp.Help.Tests.Infrastructure
{
    /// <summary>
    /// A throwaway module built at test time from Fixtures/FixtureModule/*.cs, laid out like the
    /// real one (HelpFixture.psd1 at the top, bin/HelpFixture.dll, en-US/HelpFixture.dll-Help.xml).
    /// It lives only in the temp folder.
    /// </summary>
    public static class FixtureModule
    {
        public const string Name = "HelpFixture";
        public const string HelpFileName = Name + ".dll-Help.xml";
        public const string Prelude = "Connect-FixtureCamera -Simulator | Out-Null";

        private static readonly Lazy<string> home = new Lazy<string>(Build);

        /// <summary>The folder of the compiled module: bin/HelpFixture.dll and (no help yet) nothing else.</summary>
        public static string Home
        {
            get { return home.Value; }
        }

        public static string DllPath
        {
            get { return Path.Combine(Home, "bin", Name + ".dll"); }
        }

        public static string GoodDocs
        {
            get { return Path.Combine(RepoPaths.Fixtures, "GoodDocs"); }
        }

        public static string DefectDocs
        {
            get { return Path.Combine(RepoPaths.Fixtures, "DefectDocs"); }
        }

        /// <summary>
        /// Writes a manifest into <paramref name="folder"/> whose RootModule is the one compiled dll
        /// (so the process loads it from one path only), and, when <paramref name="docsDir"/> is not
        /// null, generates folder/en-US/HelpFixture.dll-Help.xml from those docs.
        /// </summary>
        public static string CreateManifest(string folder, string docsDir)
        {
            Directory.CreateDirectory(folder);
            string manifest = Path.Combine(folder, Name + ".psd1");
            File.WriteAllText(manifest,
                "@{\n" +
                "    RootModule = '" + DllPath.Replace("'", "''") + "'\n" +
                "    ModuleVersion = '0.1.0'\n" +
                "    GUID = '6b0c5bb6-6c5e-4a57-9d5e-2f7f5a3c9a10'\n" +
                "    CmdletsToExport = '*'\n" +
                "    FunctionsToExport = @()\n" +
                "    AliasesToExport = @()\n" +
                "    VariablesToExport = @()\n" +
                "}\n");
            if (docsDir != null)
            {
                var errors = HelpGenerator.Generate(docsDir, Path.Combine(folder, "en-US", HelpFileName));
                if (errors.Count > 0)
                {
                    throw new InvalidOperationException("fixture docs do not generate:\n" + string.Join("\n", errors));
                }
            }
            return manifest;
        }

        private static string Build()
        {
            string dir = Path.Combine(Path.GetTempPath(), "chdkhelp-fixture-" + Guid.NewGuid().ToString("N"));
            string bin = Path.Combine(dir, "bin");
            Directory.CreateDirectory(bin);
            AppDomain.CurrentDomain.ProcessExit += (s, e) =>
            {
                try
                {
                    Directory.Delete(dir, true);
                }
                catch (Exception)
                {
                    // a loaded dll may be locked (Windows); the temp folder is throwaway
                }
            };

            var sources = Directory.GetFiles(Path.Combine(RepoPaths.Fixtures, "FixtureModule"), "*.cs")
                .OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), path: f))
                .ToList();
            var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES"))
                .Split(Path.PathSeparator)
                .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && !Path.GetFileName(p).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .ToList();
            var compilation = CSharpCompilation.Create(
                Name,
                sources,
                references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, deterministic: true));
            var result = compilation.Emit(Path.Combine(bin, Name + ".dll"));
            if (!result.Success)
            {
                var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString());
                throw new InvalidOperationException("the fixture module does not compile:\n" + string.Join("\n", errors));
            }
            return dir;
        }
    }
}
