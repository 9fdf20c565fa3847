using System;
using System.IO;

namespace ChdkPtp.Help.Tests.Infrastructure
{
    /// <summary>Paths in the repository, found by walking up from the test binaries to ChdkPtp.sln.</summary>
    public static class RepoPaths
    {
        private static readonly Lazy<string> root = new Lazy<string>(FindRoot);

        public static string Root
        {
            get { return root.Value; }
        }

        public static string Docs
        {
            get { return Path.Combine(Root, "docs"); }
        }

        public static string HelpXml
        {
            get { return Path.Combine(Root, "en-US", "ChdkPtp.dll-Help.xml"); }
        }

        public static string ModuleDll
        {
            get { return Path.Combine(Root, "bin", "ChdkPtp.dll"); }
        }

        public static string Manifest
        {
            get { return Path.Combine(Root, "ChdkPtp.psd1"); }
        }

        public static string Fixtures
        {
            get { return Path.Combine(Root, "tests", "ChdkPtp.Help.Tests", "Fixtures"); }
        }

        private static string FindRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ChdkPtp.sln")))
                {
                    return dir.FullName;
                }
                dir = dir.Parent;
            }
            throw new InvalidOperationException("ChdkPtp.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A temp folder deleted on dispose.</summary>
    public sealed class TempFolder : IDisposable
    {
        public TempFolder(string prefix = "chdkhelp")
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string Combine(params string[] parts)
        {
            var all = new string[parts.Length + 1];
            all[0] = Path;
            Array.Copy(parts, 0, all, 1, parts.Length);
            return System.IO.Path.Combine(all);
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
