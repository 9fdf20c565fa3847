using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ChdkPtp.Shell.Tests
{
    /// <summary>The outcome of one chdkps process.</summary>
    internal sealed class ShellResult
    {
        public int ExitCode { get; set; }
        public string StdOut { get; set; }
        public string StdErr { get; set; }

        public override string ToString() =>
            $"exit code {ExitCode}\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";
    }

    /// <summary>Runs the built chdkps.dll as a child process: 'dotnet chdkps.dll args'.</summary>
    internal static class ChdkpsRunner
    {
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

        private static readonly Lazy<string> RepoRootLazy = new Lazy<string>(FindRepoRoot);
        private static readonly Lazy<string> DllLazy = new Lazy<string>(FindDll);

        public static string RepoRoot => RepoRootLazy.Value;

        /// <summary>src/ChdkPtp.Shell/bin/&lt;this test build's configuration&gt;/net10.0/chdkps.dll.</summary>
        public static string DllPath => DllLazy.Value;

        public static string Configuration =>
            typeof(ChdkpsRunner).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

        public static string DotNet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is string host && File.Exists(host)
            ? host
            : "dotnet";

        public static ShellResult Run(IEnumerable<string> args, string stdin = null,
            IDictionary<string, string> environment = null, string workingDirectory = null, string dllPath = null,
            TimeSpan? timeout = null)
        {
            using (Process process = Start(args, environment, workingDirectory, dllPath))
            {
                Task<string> stdout = process.StandardOutput.ReadToEndAsync();
                Task<string> stderr = process.StandardError.ReadToEndAsync();
                if (stdin != null)
                {
                    process.StandardInput.Write(stdin);
                }

                process.StandardInput.Close();
                if (!process.WaitForExit((int)(timeout ?? DefaultTimeout).TotalMilliseconds))
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit();
                    throw new TimeoutException($"chdkps did not exit in time.\n--- stdout ---\n{stdout.Result}\n--- stderr ---\n{stderr.Result}");
                }

                process.WaitForExit();
                return new ShellResult { ExitCode = process.ExitCode, StdOut = stdout.Result, StdErr = stderr.Result };
            }
        }

        /// <summary>
        /// Starts chdkps with redirected streams. CHDKPTP_MODULE is removed from the inherited
        /// environment unless <paramref name="environment"/> sets it (a null value removes a variable).
        /// </summary>
        public static Process Start(IEnumerable<string> args, IDictionary<string, string> environment = null,
            string workingDirectory = null, string dllPath = null, bool defaultSigInt = false)
        {
            var info = new ProcessStartInfo
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = new UTF8Encoding(false),
                StandardErrorEncoding = new UTF8Encoding(false),
                WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
            };

            if (defaultSigInt && SigIntIgnoredHere())
            {
                // A process started with SIGINT ignored passes that on, and .NET keeps it ignored:
                // restore the default disposition for the child (coreutils env).
                info.FileName = "/usr/bin/env";
                info.ArgumentList.Add("--default-signal=INT");
                info.ArgumentList.Add(DotNet);
            }
            else
            {
                info.FileName = DotNet;
            }

            info.ArgumentList.Add(dllPath ?? DllPath);
            foreach (string arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            info.Environment.Remove("CHDKPTP_MODULE");
            info.Environment.Remove("CHDKPS_CONFIGURATION");
            info.Environment.Remove("NO_COLOR");
            if (environment != null)
            {
                foreach (KeyValuePair<string, string> pair in environment)
                {
                    if (pair.Value == null)
                    {
                        info.Environment.Remove(pair.Key);
                    }
                    else
                    {
                        info.Environment[pair.Key] = pair.Value;
                    }
                }
            }

            return Process.Start(info) ?? throw new InvalidOperationException("Could not start chdkps.");
        }

        [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
        private static extern int SysKill(int pid, int signal);

        /// <summary>Sends SIGINT (what Ctrl+C sends) to a process. Linux and macOS only.</summary>
        public static void SendSigInt(Process process)
        {
            if (SysKill(process.Id, 2) != 0)
            {
                throw new InvalidOperationException($"kill(SIGINT) failed: errno {Marshal.GetLastWin32Error()}");
            }
        }

        private static bool SigIntIgnoredHere()
        {
            try
            {
                foreach (string line in File.ReadLines("/proc/self/status"))
                {
                    if (line.StartsWith("SigIgn:", StringComparison.Ordinal))
                    {
                        ulong mask = Convert.ToUInt64(line.Substring(7).Trim(), 16);
                        return (mask & 0x2) != 0;
                    }
                }
            }
            catch (IOException)
            {
            }

            return false;
        }

        /// <summary>
        /// Reads until the text read so far contains <paramref name="marker"/> (which need not end a
        /// line: prompts do not); returns everything read.
        /// </summary>
        public static string ReadUntil(StreamReader reader, string marker, TimeSpan timeout)
        {
            var seen = new StringBuilder();
            var buffer = new char[1];
            using (var cts = new CancellationTokenSource(timeout))
            {
                while (seen.ToString().IndexOf(marker, StringComparison.Ordinal) < 0)
                {
                    int read;
                    try
                    {
                        read = reader.ReadAsync(buffer.AsMemory(), cts.Token).AsTask().GetAwaiter().GetResult();
                    }
                    catch (OperationCanceledException)
                    {
                        throw new TimeoutException($"'{marker}' did not appear. Output so far:\n{seen}");
                    }

                    if (read == 0)
                    {
                        throw new InvalidOperationException($"Output ended before '{marker}'. Output:\n{seen}");
                    }

                    seen.Append(buffer, 0, read);
                }
            }

            return seen.ToString();
        }

        private static string FindRepoRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ChdkPtp.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("ChdkPtp.sln not found above " + AppContext.BaseDirectory);
        }

        private static string FindDll()
        {
            string built = Path.Combine(RepoRoot, "src", "ChdkPtp.Shell", "bin", Configuration, "net10.0", "chdkps.dll");
            if (File.Exists(built))
            {
                return built;
            }

            throw new FileNotFoundException("Build chdkps first (dotnet build): not found at " + built, built);
        }
    }

    /// <summary>A temporary folder removed at dispose.</summary>
    internal sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "chdkps-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string Write(string relativePath, string content)
        {
            string full = System.IO.Path.Combine(Path, relativePath);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full));
            File.WriteAllText(full, content);
            return full;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
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
