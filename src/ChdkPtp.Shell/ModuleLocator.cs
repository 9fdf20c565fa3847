using System;
using System.IO;

namespace ChdkPtp.Shell
{
    /// <summary>Decides which ChdkPtp module manifest chdkps imports.</summary>
    internal static class ModuleLocator
    {
        public const string EnvironmentVariable = "CHDKPTP_MODULE";
        public const string ManifestName = "ChdkPtp.psd1";

        /// <summary>
        /// The module to import: <paramref name="environmentValue"/> (CHDKPTP_MODULE) when set,
        /// else the first ChdkPtp.psd1 in <paramref name="startDirectory"/> or a folder above it.
        /// Returns null with a <paramref name="warning"/> when there is nothing to import.
        /// </summary>
        public static string Locate(string environmentValue, string startDirectory, out string warning)
        {
            warning = null;
            if (!string.IsNullOrWhiteSpace(environmentValue))
            {
                string path;
                try
                {
                    path = Path.GetFullPath(environmentValue.Trim());
                }
                catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
                {
                    warning = $"{EnvironmentVariable} is set to '{environmentValue}', which is not a valid path ({ex.Message}). Continuing without the ChdkPtp module.";
                    return null;
                }

                if (File.Exists(path) || Directory.Exists(path))
                {
                    return path;
                }

                warning = $"{EnvironmentVariable} is set to '{environmentValue}', which does not exist. Continuing without the ChdkPtp module.";
                return null;
            }

            string found = FindUpwards(startDirectory);
            if (found == null)
            {
                warning = $"The ChdkPtp module was not found: there is no {ManifestName} in '{startDirectory}' or any folder above it. " +
                    $"Set {EnvironmentVariable} to the module's {ManifestName}, or pass -NoModule. Continuing without it.";
            }

            return found;
        }

        /// <summary>The first <see cref="ManifestName"/> in <paramref name="startDirectory"/> or its ancestors, or null.</summary>
        public static string FindUpwards(string startDirectory)
        {
            if (string.IsNullOrEmpty(startDirectory))
            {
                return null;
            }

            DirectoryInfo directory;
            try
            {
                directory = new DirectoryInfo(Path.GetFullPath(startDirectory));
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
            {
                return null;
            }

            for (; directory != null; directory = directory.Parent)
            {
                string candidate = Path.Combine(directory.FullName, ManifestName);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }
    }
}
