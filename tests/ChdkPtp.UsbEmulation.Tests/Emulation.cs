using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using ChdkPtp.Simulator;
using ChdkPtp.UsbBridge;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace ChdkPtp.UsbEmulation.Tests
{
    /// <summary>The tools the emulation needs; a test that lacks them fails and says how to install them.</summary>
    public static class Tools
    {
        public const string AptCommand =
            "sudo apt-get update && sudo apt-get install -y --no-install-recommends umockdev gir1.2-umockdev-1.0 python3-gi libusb-1.0-0 gphoto2";

        private static readonly Lazy<(string Python, string Missing)> Found = new Lazy<(string, string)>(Find);

        /// <summary>A python3 that has the UMockdev GObject bindings (the system one: pyenv/venv pythons lack gi).</summary>
        public static string Python
        {
            get
            {
                Require();
                return Found.Value.Python;
            }
        }

        public static void Require()
        {
            var missing = Found.Value.Missing;
            if (missing.Length > 0)
                Assert.Fail($"The USB emulation tests cannot run: {missing}. Install the tools with: {AptCommand} " +
                            "(.ci/run does this on a clean Debian/Ubuntu machine; see tests/usb-emulation/README.md).");
        }

        private static (string, string) Find()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
                return (null, "they need Linux (umockdev emulates Linux's sysfs and usbdevfs)");
            var missing = new List<string>();
            string python = null;
            foreach (var candidate in new[] { "/usr/bin/python3", "python3" })
            {
                var (code, _) = RunQuiet(candidate, "-c \"import gi; gi.require_version('UMockdev', '1.0'); from gi.repository import UMockdev\"");
                if (code == 0) { python = candidate; break; }
            }
            if (python == null) missing.Add("no python3 with umockdev's GObject bindings (packages python3-gi, gir1.2-umockdev-1.0)");
            if (!LibraryExists("libumockdev-preload.so.0")) missing.Add("libumockdev-preload.so.0 (package umockdev)");
            if (!LibraryExists("libusb-1.0.so.0")) missing.Add("libusb-1.0.so.0 (package libusb-1.0-0)");
            if (OnPath("gphoto2") == null) missing.Add("gphoto2 (package gphoto2)");
            return (python, string.Join("; ", missing));
        }

        private static bool LibraryExists(string name)
        {
            foreach (var dir in new[] { "/usr/lib", "/lib", "/usr/lib64", "/lib64", "/usr/local/lib" })
            {
                if (File.Exists(Path.Combine(dir, name))) return true;
                if (!Directory.Exists(dir)) continue;
                foreach (var sub in Directory.EnumerateDirectories(dir, "*-linux-gnu*"))
                    if (File.Exists(Path.Combine(sub, name))) return true;
            }
            return false;
        }

        private static string OnPath(string exe) =>
            (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(d => Path.Combine(d, exe)).FirstOrDefault(File.Exists);

        private static (int, string) RunQuiet(string file, string args)
        {
            try
            {
                var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                using var p = Process.Start(psi);
                string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
                p.WaitForExit();
                return (p.ExitCode, output);
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception || ex is FileNotFoundException)
            {
                return (-1, ex.Message);
            }
        }

        /// <summary>tests/usb-emulation, found from the test's output folder upwards.</summary>
        public static string HarnessDirectory
        {
            get
            {
                for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                {
                    var candidate = Path.Combine(dir.FullName, "tests", "usb-emulation");
                    if (File.Exists(Path.Combine(candidate, "emulate.py"))) return candidate;
                }
                throw new InvalidOperationException("tests/usb-emulation/emulate.py not found above " + AppContext.BaseDirectory);
            }
        }
    }

    public sealed class EmulationResult
    {
        public int ExitCode { get; set; }
        public string Stdout { get; set; }
        public string Stderr { get; set; }
        public string Output => Stdout + Stderr;
        public JsonElement Summary { get; set; }

        public int Ioctls(string name) =>
            Summary.GetProperty("ioctls").TryGetProperty(name, out var v) ? v.GetInt32() : 0;

        public int Urbs(string key) =>
            Summary.GetProperty("urbs").TryGetProperty(key, out var v) ? v.GetInt32() : 0;

        public long Number(string name) => Summary.GetProperty(name).GetInt64();

        public IReadOnlyList<string> UnknownIoctls =>
            Summary.GetProperty("unknown_ioctls").EnumerateObject().Select(p => p.Name).ToList();

        public IReadOnlyList<string> Warnings =>
            Summary.GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ToList();

        public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    /// <summary>
    /// A simulated camera served in-process by <see cref="UsbBridgeServer"/>, plugged into a umockdev testbed by
    /// tests/usb-emulation/emulate.py for each <see cref="Run"/>: the script runs under the harness as a user's
    /// shell would, with HOME pointing at a fresh folder (gphoto2's settings) and LANG=C.
    /// </summary>
    public sealed class EmulatedCamera : IDisposable
    {
        private readonly string _dir;

        public EmulatedCamera(SimulatorOptions options = null)
        {
            Tools.Require();
            _dir = Path.Combine(Path.GetTempPath(), "chdk-umock-test-" + Guid.NewGuid().ToString("N").Substring(0, 10));
            CardRoot = Path.Combine(_dir, "card");
            WorkDir = Path.Combine(_dir, "work");
            Directory.CreateDirectory(CardRoot);
            Directory.CreateDirectory(WorkDir);
            options ??= new SimulatorOptions();
            options.Root = CardRoot;
            Server = new UsbBridgeServer(options, Path.Combine(_dir, "bridge.sock"));
        }

        public UsbBridgeServer Server { get; }

        /// <summary>The camera's SD card (A/).</summary>
        public string CardRoot { get; }

        /// <summary>The script's working directory (where gphoto2 saves files).</summary>
        public string WorkDir { get; }

        public string HarnessDirectory => Tools.HarnessDirectory;

        /// <summary>Writes a file on the card; returns its bytes.</summary>
        public byte[] PutFile(string cameraPath, int length, int seed)
        {
            var data = new byte[length];
            new Random(seed).NextBytes(data);
            var path = Path.Combine(CardRoot, cameraPath.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path));
            File.WriteAllBytes(path, data);
            return data;
        }

        /// <param name="script">POSIX shell script, run with <c>sh -c</c> under the harness.</param>
        /// <param name="chdk">Write <c>ptp2=chdk=on</c> to gphoto2's settings (its CHDK driver).</param>
        /// <param name="harnessArgs">Extra emulate.py options (--mode busy, --scatter-gather, --strict...).</param>
        public EmulationResult Run(string script, bool chdk = true, params string[] harnessArgs)
        {
            var home = Path.Combine(_dir, "home");
            Directory.CreateDirectory(Path.Combine(home, ".gphoto"));
            File.WriteAllText(Path.Combine(home, ".gphoto", "settings"), chdk ? "ptp2=chdk=on\n" : "");
            var summary = Path.Combine(_dir, "summary-" + Guid.NewGuid().ToString("N") + ".json");
            var psi = new ProcessStartInfo(Tools.Python)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = WorkDir,
            };
            psi.ArgumentList.Add(Path.Combine(HarnessDirectory, "emulate.py"));
            psi.ArgumentList.Add("--bridge-socket");
            psi.ArgumentList.Add(Server.SocketPath);
            psi.ArgumentList.Add("--summary");
            psi.ArgumentList.Add(summary);
            foreach (var a in harnessArgs) psi.ArgumentList.Add(a);
            psi.ArgumentList.Add("--");
            psi.ArgumentList.Add("/bin/sh");
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("ulimit -c 0; " + script);
            psi.Environment["HOME"] = home;
            psi.Environment["LANG"] = "C";
            psi.Environment["LC_ALL"] = "C";
            psi.Environment["UMOCKCTL"] = Path.Combine(HarnessDirectory, "umockctl.py");
            psi.Environment["HARNESS"] = HarnessDirectory;

            using var p = Process.Start(psi);
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (stdout) stdout.AppendLine(e.Data); };
            p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (stderr) stderr.AppendLine(e.Data); };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            // A hang is a failure, not a wait for ever (this is a limit, not a timing assertion).
            if (!p.WaitForExit(180_000))
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit();
                Assert.Fail($"The emulation run did not end within 3 minutes.\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
            }
            p.WaitForExit();
            var result = new EmulationResult { ExitCode = p.ExitCode, Stdout = stdout.ToString(), Stderr = stderr.ToString() };
            if (File.Exists(summary))
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(summary));
                result.Summary = doc.RootElement.Clone();
            }
            else
            {
                Assert.Fail("The harness wrote no summary.\n" + result);
            }
            return result;
        }

        public void Dispose()
        {
            Server.Dispose();
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
