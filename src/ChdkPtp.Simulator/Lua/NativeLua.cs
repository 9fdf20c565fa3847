using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace ChdkPtp.Simulator.Lua
{
    /// <summary>
    /// Makes KeraLua's <c>[DllImport("lua54")]</c> find the native Lua library when the module is
    /// loaded from a folder without a deps.json (PowerShell module folder): the native files sit in
    /// <c>&lt;folder of KeraLua.dll&gt;/runtimes/&lt;rid&gt;/native/</c>.
    /// On .NET Core / .NET 5+ a DllImport resolver is registered for the KeraLua assembly (through
    /// reflection: this library targets netstandard2.0, which has no NativeLibrary type). On .NET
    /// Framework the right <c>lua54.dll</c> is preloaded with LoadLibrary, which makes later DllImports
    /// of "lua54" bind to it.
    /// </summary>
    internal static class NativeLua
    {
        internal const string LibraryName = "lua54";

        private static readonly object s_gate = new object();
        private static bool s_done;
        private static IntPtr s_handle;
        private static IntPtr s_luaError;
        private static string s_loadedFrom;
        private static string s_registration;

        [ThreadStatic] private static bool t_inResolver;

        /// <summary>Where the native library was loaded from by us (null: default probing or not yet loaded).</summary>
        internal static string LoadedFrom { get { lock (s_gate) return s_loadedFrom; } }

        /// <summary>What EnsureLoaded did: "resolver", "resolver-already-set", "preloaded", "none".</summary>
        internal static string Registration { get { lock (s_gate) return s_registration; } }

        internal static bool IsNetFramework =>
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

        /// <summary>Idempotent and thread-safe. Never throws: if nothing can be arranged, default probing still applies.</summary>
        public static void EnsureLoaded()
        {
            lock (s_gate)
            {
                if (s_done) return;
                s_done = true;
                try
                {
                    if (IsNetFramework) PreloadWindows();
                    else RegisterResolver();
                }
                catch (Exception ex)
                {
                    s_registration = "failed: " + ex.Message;
                }
            }
        }

        /// <summary>
        /// Address of the native <c>lua_error</c>, used as a hook function to end a killed script in
        /// a context that cannot yield (the error is raised by native code, never across managed frames).
        /// Zero if it cannot be found.
        /// </summary>
        internal static IntPtr LuaErrorFunction
        {
            get
            {
                lock (s_gate)
                {
                    if (s_luaError != IntPtr.Zero) return s_luaError;
                    try { s_luaError = FindExport("lua_error"); } catch (Exception) { s_luaError = IntPtr.Zero; }
                    return s_luaError;
                }
            }
        }

        // ---------------------------------------------------------------------------------------
        // candidate files

        /// <summary>Candidate native files for the current process, most specific first.</summary>
        internal static IEnumerable<string> CandidatePaths(string baseDirectory)
        {
            return CandidatePaths(baseDirectory, CurrentOs(), RuntimeInformation.ProcessArchitecture);
        }

        internal enum HostOs { Windows, Linux, MacOs, Other }

        internal static HostOs CurrentOs()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return HostOs.Windows;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return HostOs.Linux;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) return HostOs.MacOs;
            return HostOs.Other;
        }

        internal static IEnumerable<string> CandidatePaths(string baseDirectory, HostOs os, Architecture arch)
        {
            if (string.IsNullOrEmpty(baseDirectory)) yield break;
            string archName;
            switch (arch)
            {
                case Architecture.X86: archName = "x86"; break;
                case Architecture.X64: archName = "x64"; break;
                case Architecture.Arm: archName = "arm"; break;
                case Architecture.Arm64: archName = "arm64"; break;
                default: archName = arch.ToString().ToLowerInvariant(); break;
            }
            switch (os)
            {
                case HostOs.Windows:
                    yield return Path.Combine(baseDirectory, "runtimes", "win-" + archName, "native", "lua54.dll");
                    yield return Path.Combine(baseDirectory, archName, "lua54.dll");
                    yield return Path.Combine(baseDirectory, "lua54.dll");
                    break;
                case HostOs.Linux:
                    yield return Path.Combine(baseDirectory, "runtimes", "linux-" + archName, "native", "liblua54.so");
                    yield return Path.Combine(baseDirectory, archName, "liblua54.so");
                    yield return Path.Combine(baseDirectory, "liblua54.so");
                    break;
                case HostOs.MacOs:
                    yield return Path.Combine(baseDirectory, "runtimes", "osx-" + archName, "native", "liblua54.dylib");
                    yield return Path.Combine(baseDirectory, "runtimes", "osx", "native", "liblua54.dylib");
                    yield return Path.Combine(baseDirectory, "liblua54.dylib");
                    break;
            }
        }

        /// <summary>System-wide fallbacks (Debian/Ubuntu package liblua5.4-0, Homebrew), tried after default probing.</summary>
        internal static IEnumerable<string> SystemFallbacks(HostOs os)
        {
            if (os == HostOs.Linux)
            {
                yield return "liblua5.4.so.0";
                yield return "liblua5.4.so";
            }
            else if (os == HostOs.MacOs)
            {
                yield return "/opt/homebrew/lib/liblua5.4.dylib";
                yield return "/usr/local/lib/liblua5.4.dylib";
            }
        }

        internal static string KeraLuaDirectory()
        {
            try
            {
                var location = typeof(KeraLua.Lua).Assembly.Location;
                return string.IsNullOrEmpty(location) ? null : Path.GetDirectoryName(location);
            }
            catch (Exception) { return null; }
        }

        // ---------------------------------------------------------------------------------------
        // .NET Core / .NET 5+: NativeLibrary through reflection

        private static Type NativeLibraryType =>
            typeof(Marshal).Assembly.GetType("System.Runtime.InteropServices.NativeLibrary", false);

        private static void RegisterResolver()
        {
            var nl = NativeLibraryType;
            if (nl == null) { s_registration = "none"; return; }
            var resolverType = typeof(Marshal).Assembly.GetType("System.Runtime.InteropServices.DllImportResolver", false);
            var set = nl.GetMethod("SetDllImportResolver", BindingFlags.Public | BindingFlags.Static);
            if (resolverType == null || set == null) { s_registration = "none"; return; }
            var method = typeof(NativeLua).GetMethod(nameof(Resolve), BindingFlags.NonPublic | BindingFlags.Static);
            var resolver = Delegate.CreateDelegate(resolverType, method);
            try
            {
                set.Invoke(null, new object[] { typeof(KeraLua.Lua).Assembly, resolver });
                s_registration = "resolver";
            }
            catch (TargetInvocationException ex) when (ex.InnerException is InvalidOperationException)
            {
                // Someone (another copy of this code, NLua's host, the application) already set one: carry on.
                s_registration = "resolver-already-set";
            }
        }

        /// <summary>The DllImportResolver. Signature must match System.Runtime.InteropServices.DllImportResolver.</summary>
        private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        {
            if (!IsLuaName(libraryName)) return IntPtr.Zero;
            if (t_inResolver) return IntPtr.Zero;
            t_inResolver = true;
            try
            {
                var os = CurrentOs();
                foreach (var path in CandidatePaths(KeraLuaDirectory()))
                {
                    if (File.Exists(path) && TryLoadPath(path, out var h))
                    {
                        Remember(h, path);
                        return h;
                    }
                }
                // default probing (deps.json, application folder, system search path)
                if (TryLoadDefault(libraryName, assembly, searchPath, out var hd))
                {
                    Remember(hd, null);
                    return hd;
                }
                foreach (var name in SystemFallbacks(os))
                {
                    if (TryLoadPath(name, out var hs))
                    {
                        Remember(hs, name);
                        return hs;
                    }
                }
                return IntPtr.Zero;
            }
            catch (Exception)
            {
                return IntPtr.Zero;
            }
            finally
            {
                t_inResolver = false;
            }
        }

        internal static bool IsLuaName(string libraryName)
        {
            if (string.IsNullOrEmpty(libraryName)) return false;
            var name = Path.GetFileNameWithoutExtension(libraryName);
            return string.Equals(name, "lua54", StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, "liblua54", StringComparison.OrdinalIgnoreCase);
        }

        private static void Remember(IntPtr handle, string path)
        {
            lock (s_gate)
            {
                if (s_handle == IntPtr.Zero)
                {
                    s_handle = handle;
                    s_loadedFrom = path;
                }
            }
        }

        private static bool TryLoadPath(string path, out IntPtr handle)
        {
            handle = IntPtr.Zero;
            var nl = NativeLibraryType;
            if (nl == null) return false;
            var m = nl.GetMethod("TryLoad", BindingFlags.Public | BindingFlags.Static, null,
                new[] { typeof(string), typeof(IntPtr).MakeByRefType() }, null);
            if (m == null) return false;
            var args = new object[] { path, IntPtr.Zero };
            var ok = (bool)m.Invoke(null, args);
            handle = (IntPtr)args[1];
            return ok && handle != IntPtr.Zero;
        }

        private static bool TryLoadDefault(string name, Assembly assembly, DllImportSearchPath? searchPath, out IntPtr handle)
        {
            handle = IntPtr.Zero;
            var nl = NativeLibraryType;
            if (nl == null) return false;
            var m = nl.GetMethod("TryLoad", BindingFlags.Public | BindingFlags.Static, null,
                new[] { typeof(string), typeof(Assembly), typeof(DllImportSearchPath?), typeof(IntPtr).MakeByRefType() }, null);
            if (m == null) return false;
            var args = new object[] { name, assembly, searchPath, IntPtr.Zero };
            var ok = (bool)m.Invoke(null, args);
            handle = (IntPtr)args[3];
            return ok && handle != IntPtr.Zero;
        }

        private static IntPtr FindExport(string symbol)
        {
            if (IsNetFramework)
            {
                var module = s_handle != IntPtr.Zero ? s_handle : GetModuleHandleW("lua54.dll");
                return module == IntPtr.Zero ? IntPtr.Zero : GetProcAddress(module, symbol);
            }
            var nl = NativeLibraryType;
            if (nl == null) return IntPtr.Zero;
            var handle = s_handle;
            if (handle == IntPtr.Zero)
            {
                // Loaded by default probing or someone else's resolver: ask for the same library again
                // (the loader returns the already loaded module).
                if (!TryLoadDefault(LibraryName, typeof(KeraLua.Lua).Assembly, null, out handle))
                {
                    foreach (var path in CandidatePaths(KeraLuaDirectory()))
                        if (File.Exists(path) && TryLoadPath(path, out handle)) break;
                }
                if (handle == IntPtr.Zero) return IntPtr.Zero;
            }
            var m = nl.GetMethod("TryGetExport", BindingFlags.Public | BindingFlags.Static, null,
                new[] { typeof(IntPtr), typeof(string), typeof(IntPtr).MakeByRefType() }, null);
            if (m == null) return IntPtr.Zero;
            var args = new object[] { handle, symbol, IntPtr.Zero };
            return (bool)m.Invoke(null, args) ? (IntPtr)args[2] : IntPtr.Zero;
        }

        // ---------------------------------------------------------------------------------------
        // .NET Framework (Windows PowerShell 5.1)

        private static void PreloadWindows()
        {
            foreach (var path in CandidatePaths(KeraLuaDirectory()))
            {
                if (!File.Exists(path)) continue;
                var h = LoadLibraryW(path);
                if (h != IntPtr.Zero)
                {
                    s_handle = h;
                    s_loadedFrom = path;
                    s_registration = "preloaded";
                    return;
                }
            }
            s_registration = "none";
        }

        [DllImport("kernel32", SetLastError = true, CharSet = CharSet.Unicode)]
        private static extern IntPtr LoadLibraryW(string path);

        [DllImport("kernel32", SetLastError = true, CharSet = CharSet.Unicode)]
        private static extern IntPtr GetModuleHandleW(string name);

        [DllImport("kernel32", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
        private static extern IntPtr GetProcAddress(IntPtr module, string name);
    }
}
