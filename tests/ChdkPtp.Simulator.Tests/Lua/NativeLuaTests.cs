using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Threading;
using System.Threading.Tasks;
using ChdkPtp.Simulator.Lua;

namespace ChdkPtp.Simulator.Tests.Lua
{
    /// <summary>Finding the native Lua library without deps.json (the PowerShell module case).</summary>
    public class NativeLuaTests
    {
        [Fact]
        public void EnsureLoaded_IsIdempotentAndThreadSafe_AndUsesTheResolver()
        {
            var tasks = Enumerable.Range(0, 8).Select(_ => Task.Run(NativeLua.EnsureLoaded)).ToArray();
            Task.WaitAll(tasks);
            NativeLua.EnsureLoaded();
            Assert.Contains(NativeLua.Registration, new[] { "resolver", "resolver-already-set" });
            using (var h = new ScriptHarness()) Assert.Equal(3, h.RunInt("return 1 + 2"));
            if (NativeLua.Registration == "resolver")
            {
                // the first DllImport of lua54 went through our resolver, to the package's runtimes folder
                var expected = NativeLua.CandidatePaths(NativeLua.KeraLuaDirectory()).First(File.Exists);
                Assert.Equal(Path.GetFullPath(expected), Path.GetFullPath(NativeLua.LoadedFrom));
            }
        }

        [Fact]
        public void LuaError_IsExported()
        {
            NativeLua.EnsureLoaded();
            using (var h = new ScriptHarness()) h.Run("return");
            Assert.NotEqual(IntPtr.Zero, NativeLua.LuaErrorFunction);
        }

        [Theory]
        [InlineData("Linux", Architecture.X64, "runtimes/linux-x64/native/liblua54.so")]
        [InlineData("Linux", Architecture.Arm64, "runtimes/linux-arm64/native/liblua54.so")]
        [InlineData("Windows", Architecture.X64, "runtimes/win-x64/native/lua54.dll")]
        [InlineData("Windows", Architecture.X86, "runtimes/win-x86/native/lua54.dll")]
        [InlineData("Windows", Architecture.Arm64, "runtimes/win-arm64/native/lua54.dll")]
        [InlineData("MacOs", Architecture.Arm64, "runtimes/osx-arm64/native/liblua54.dylib")]
        public void CandidatePaths_StartWithTheRuntimesFolder(string osName, Architecture arch, string first)
        {
            var os = Enum.Parse<NativeLua.HostOs>(osName);
            var baseDir = Path.Combine(Path.GetTempPath(), "module");
            var paths = NativeLua.CandidatePaths(baseDir, os, arch).ToArray();
            Assert.Equal(Path.Combine(baseDir, first.Replace('/', Path.DirectorySeparatorChar)), paths[0]);
            Assert.All(paths, p => Assert.StartsWith(baseDir, p));
            if (os == NativeLua.HostOs.MacOs)
                Assert.Contains(Path.Combine(baseDir, "runtimes", "osx", "native", "liblua54.dylib"), paths);
            Assert.Empty(NativeLua.CandidatePaths(null, os, arch));
        }

        [Fact]
        public void SystemFallbacks()
        {
            Assert.Contains("liblua5.4.so.0", NativeLua.SystemFallbacks(NativeLua.HostOs.Linux));
            Assert.Empty(NativeLua.SystemFallbacks(NativeLua.HostOs.Windows));
        }

        [Theory]
        [InlineData("lua54", true)]
        [InlineData("liblua54", true)]
        [InlineData("liblua54.so", true)]
        [InlineData("lua54.dll", true)]
        [InlineData("LUA54", true)]
        [InlineData("lua53", false)]
        [InlineData("libusb-1.0", false)]
        [InlineData("", false)]
        [InlineData(null, false)]
        public void OnlyLuaIsResolved(string name, bool expected) => Assert.Equal(expected, NativeLua.IsLuaName(name));

        private sealed class FolderContext : AssemblyLoadContext
        {
            private readonly string _dir;
            public FolderContext(string dir) : base("chdkptp-module-test", isCollectible: true) { _dir = dir; }
            protected override Assembly Load(AssemblyName name)
            {
                var p = Path.Combine(_dir, name.Name + ".dll");
                return File.Exists(p) ? LoadFromAssemblyPath(p) : null;
            }
        }

        /// <summary>
        /// The module layout: our assemblies and KeraLua.dll in one folder, the native library only in
        /// runtimes/&lt;rid&gt;/native below it, no deps.json. Loaded in its own load context.
        /// </summary>
        [Fact]
        public void ModuleFolder_WithoutDepsJson_FindsTheNativeLibrary()
        {
            var binDir = NativeLua.KeraLuaDirectory();
            var native = NativeLua.CandidatePaths(binDir).FirstOrDefault(File.Exists);
            if (native == null) return; // no packaged native library for this platform
            var dir = Path.Combine(Path.GetTempPath(), "chdkptp-module-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                foreach (var asm in new[] { typeof(VirtualCamera).Assembly, typeof(ChdkPtp.Protocol.Chdk.ChdkConstants).Assembly, typeof(KeraLua.Lua).Assembly })
                    File.Copy(asm.Location, Path.Combine(dir, Path.GetFileName(asm.Location)));
                var relative = Path.GetRelativePath(binDir, native);
                var target = Path.Combine(dir, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target));
                File.Copy(native, target);
                Assert.False(File.Exists(Path.Combine(dir, Path.GetFileName(native))));

                var ctx = new FolderContext(dir);
                var sim = ctx.LoadFromAssemblyPath(Path.Combine(dir, "ChdkPtp.Simulator.dll"));
                Assert.NotSame(typeof(VirtualCamera).Assembly, sim);
                var camType = sim.GetType("ChdkPtp.Simulator.VirtualCamera");
                var camera = (IDisposable)Activator.CreateInstance(camType, new object[] { null });
                try
                {
                    var scripts = camType.GetProperty("Scripts").GetValue(camera);
                    var start = scripts.GetType().GetMethod("Start");
                    Assert.Null(start.Invoke(scripts, new object[] { "return 6 * 7", 1u }));
                    var running = scripts.GetType().GetProperty("IsRunning");
                    var deadline = DateTime.UtcNow.AddSeconds(10);
                    while ((bool)running.GetValue(scripts) && DateTime.UtcNow < deadline) Thread.Sleep(5);
                    var queue = camType.GetProperty("CameraToHost").GetValue(camera);
                    var msg = queue.GetType().GetMethod("TryDequeue").Invoke(queue, null);
                    Assert.NotNull(msg);
                    Assert.Equal(new byte[] { 42, 0, 0, 0 }, (byte[])msg.GetType().GetProperty("Data").GetValue(msg));

                    var nl = sim.GetType("ChdkPtp.Simulator.Lua.NativeLua");
                    var loadedFrom = (string)nl.GetProperty("LoadedFrom", BindingFlags.NonPublic | BindingFlags.Static).GetValue(null);
                    Assert.Equal(Path.GetFullPath(target), Path.GetFullPath(loadedFrom));
                    Assert.Equal("resolver", (string)nl.GetProperty("Registration", BindingFlags.NonPublic | BindingFlags.Static).GetValue(null));
                }
                finally
                {
                    camera.Dispose();
                }
            }
            finally
            {
                try { Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }
}
