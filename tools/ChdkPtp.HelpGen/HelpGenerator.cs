using System;
using System.Collections.Generic;
using System.IO;

namespace ChdkPtp.HelpGen
{
    public static class HelpGenerator
    {
        /// <summary>
        /// Reads <paramref name="docsFolder"/> and writes the MAML file. Nothing is written when a
        /// page has errors. The file is replaced atomically (temp file + rename), so a concurrent
        /// build or reader never sees half a file.
        /// </summary>
        /// <returns>The errors; empty on success.</returns>
        public static List<HelpDiagnostic> Generate(string docsFolder, string outputPath)
        {
            var docs = HelpDocSet.Load(docsFolder, Path.GetFileName(outputPath));
            if (docs.Errors.Count > 0)
            {
                return docs.Errors;
            }
            byte[] bytes = MamlWriter.ToBytes(docs.Commands);
            string full = Path.GetFullPath(outputPath);
            string dir = Path.GetDirectoryName(full);
            Directory.CreateDirectory(dir);
            string temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                File.WriteAllBytes(temp, bytes);
                File.Move(temp, full, true);
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }
            return docs.Errors;
        }
    }
}
