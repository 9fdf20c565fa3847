using System;
using System.IO;

namespace ChdkPtp.HelpGen
{
    public static class Program
    {
        public static int Main(string[] args)
        {
            return Run(args, Console.Out, Console.Error);
        }

        /// <summary>HelpGen &lt;docsFolder&gt; &lt;outputXml&gt;. 0: written; 1: the docs have errors; 2: usage.</summary>
        public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
        {
            if (args.Length != 2 || args[0].Length == 0 || args[1].Length == 0)
            {
                stderr.WriteLine("usage: HelpGen <docsFolder> <outputXml>");
                stderr.WriteLine("  Reads the platyPS v2 cmdlet pages in <docsFolder> (docs/README.md describes them)");
                stderr.WriteLine("  and writes MAML help for Get-Help to <outputXml>.");
                return 2;
            }
            try
            {
                var errors = HelpGenerator.Generate(args[0], args[1]);
                if (errors.Count > 0)
                {
                    foreach (var e in errors)
                    {
                        stderr.WriteLine(e.ToString());
                    }
                    stderr.WriteLine("HelpGen: " + errors.Count + " error(s); " + args[1] + " was not written.");
                    return 1;
                }
                stdout.WriteLine("HelpGen: wrote " + args[1]);
                return 0;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException)
            {
                stderr.WriteLine("HelpGen: error: " + ex.Message);
                return 1;
            }
        }
    }
}
