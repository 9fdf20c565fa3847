using System;
using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text;

namespace ChdkPtp.Protocol.Transport.Usb.Native
{
    /// <summary>
    /// Loads a shared library by name or path and finds its symbols, without NativeLibrary
    /// (netstandard2.0): dlopen/dlsym/dladdr on Linux (libdl.so.2, else libc) and macOS (libSystem),
    /// LoadLibraryW/GetProcAddress/GetModuleFileNameW on Windows.
    /// </summary>
    internal static class NativeLibraryLoader
    {
        private const int RTLD_NOW = 2;

        public static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        public static bool IsMacOS => RuntimeInformation.IsOSPlatform(OSPlatform.OSX);
        public static bool IsLinux => RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

        /// <summary>Loads <paramref name="name"/>; returns IntPtr.Zero and the loader's reason on failure.</summary>
        public static IntPtr Load(string name, out string error)
        {
            error = null;
            if (IsWindows)
            {
                var h = Win.LoadLibraryW(name);
                if (h == IntPtr.Zero) error = new Win32Exception(Marshal.GetLastWin32Error()).Message;
                return h;
            }
            try
            {
                var h = Dl.Open(name, RTLD_NOW);
                if (h == IntPtr.Zero) error = Dl.Error() ?? "dlopen failed";
                return h;
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                error = "the dynamic loader itself could not be reached: " + e.Message;
                return IntPtr.Zero;
            }
        }

        public static IntPtr Symbol(IntPtr library, string name) =>
            IsWindows ? Win.GetProcAddress(library, name) : Dl.Symbol(library, name);

        /// <summary>The file the library was loaded from, found through one of its symbols; null if unknown.</summary>
        public static string PathOf(IntPtr library, IntPtr symbol)
        {
            try
            {
                if (IsWindows)
                {
                    var sb = new StringBuilder(1024);
                    int n = Win.GetModuleFileNameW(library, sb, sb.Capacity);
                    return n > 0 ? sb.ToString(0, n) : null;
                }
                return Dl.PathOf(symbol);
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                return null;
            }
        }

        public static void Free(IntPtr library)
        {
            if (library == IntPtr.Zero) return;
            try
            {
                if (IsWindows) Win.FreeLibrary(library);
                else Dl.Close(library);
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException) { }
        }

        private static class Win
        {
            [DllImport("kernel32", SetLastError = true, CharSet = CharSet.Unicode)]
            public static extern IntPtr LoadLibraryW(string fileName);

            [DllImport("kernel32", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
            public static extern IntPtr GetProcAddress(IntPtr module, string procName);

            [DllImport("kernel32", SetLastError = true, CharSet = CharSet.Unicode)]
            public static extern int GetModuleFileNameW(IntPtr module, StringBuilder fileName, int size);

            [DllImport("kernel32", SetLastError = true)]
            public static extern bool FreeLibrary(IntPtr module);
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct DlInfo
        {
            public IntPtr dli_fname;
            public IntPtr dli_fbase;
            public IntPtr dli_sname;
            public IntPtr dli_saddr;
        }

        /// <summary>The dl* functions, from whichever library of this system has them.</summary>
        private static class Dl
        {
            // 0 = not chosen yet; 1 libdl.so.2 (glibc); 2 libc.so.6 (glibc >= 2.34 has dlopen in libc);
            // 3 "libc" (musl); 4 libSystem (macOS).
            private static int _which;

            private static int Which()
            {
                if (_which != 0) return _which;
                if (IsMacOS) return _which = 4;
                foreach (int w in new[] { 1, 2, 3 })
                {
                    try
                    {
                        Error(w);
                        return _which = w;
                    }
                    catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException) { }
                }
                throw new DllNotFoundException("Neither libdl.so.2 nor libc provides dlopen.");
            }

            public static IntPtr Open(string name, int flags)
            {
                switch (Which())
                {
                    case 1: return LibDl.dlopen(name, flags);
                    case 2: return LibC6.dlopen(name, flags);
                    case 3: return LibC.dlopen(name, flags);
                    default: return LibSystem.dlopen(name, flags);
                }
            }

            public static IntPtr Symbol(IntPtr h, string name)
            {
                switch (Which())
                {
                    case 1: return LibDl.dlsym(h, name);
                    case 2: return LibC6.dlsym(h, name);
                    case 3: return LibC.dlsym(h, name);
                    default: return LibSystem.dlsym(h, name);
                }
            }

            public static void Close(IntPtr h)
            {
                switch (Which())
                {
                    case 1: LibDl.dlclose(h); break;
                    case 2: LibC6.dlclose(h); break;
                    case 3: LibC.dlclose(h); break;
                    default: LibSystem.dlclose(h); break;
                }
            }

            public static string Error() => Error(Which());

            private static string Error(int which)
            {
                IntPtr p;
                switch (which)
                {
                    case 1: p = LibDl.dlerror(); break;
                    case 2: p = LibC6.dlerror(); break;
                    case 3: p = LibC.dlerror(); break;
                    default: p = LibSystem.dlerror(); break;
                }
                return p == IntPtr.Zero ? null : Marshal.PtrToStringAnsi(p);
            }

            public static string PathOf(IntPtr symbol)
            {
                if (symbol == IntPtr.Zero) return null;
                DlInfo info;
                int ok;
                switch (Which())
                {
                    case 1: ok = LibDl.dladdr(symbol, out info); break;
                    case 2: ok = LibC6.dladdr(symbol, out info); break;
                    case 3: ok = LibC.dladdr(symbol, out info); break;
                    default: ok = LibSystem.dladdr(symbol, out info); break;
                }
                return ok != 0 && info.dli_fname != IntPtr.Zero ? Marshal.PtrToStringAnsi(info.dli_fname) : null;
            }
        }

        private static class LibDl
        {
            private const string Lib = "libdl.so.2";
            [DllImport(Lib)] public static extern IntPtr dlopen([MarshalAs(UnmanagedType.LPStr)] string file, int flags);
            [DllImport(Lib)] public static extern IntPtr dlsym(IntPtr handle, [MarshalAs(UnmanagedType.LPStr)] string name);
            [DllImport(Lib)] public static extern int dlclose(IntPtr handle);
            [DllImport(Lib)] public static extern IntPtr dlerror();
            [DllImport(Lib)] public static extern int dladdr(IntPtr addr, out DlInfo info);
        }

        private static class LibC6
        {
            private const string Lib = "libc.so.6";
            [DllImport(Lib)] public static extern IntPtr dlopen([MarshalAs(UnmanagedType.LPStr)] string file, int flags);
            [DllImport(Lib)] public static extern IntPtr dlsym(IntPtr handle, [MarshalAs(UnmanagedType.LPStr)] string name);
            [DllImport(Lib)] public static extern int dlclose(IntPtr handle);
            [DllImport(Lib)] public static extern IntPtr dlerror();
            [DllImport(Lib)] public static extern int dladdr(IntPtr addr, out DlInfo info);
        }

        private static class LibC
        {
            private const string Lib = "libc";
            [DllImport(Lib)] public static extern IntPtr dlopen([MarshalAs(UnmanagedType.LPStr)] string file, int flags);
            [DllImport(Lib)] public static extern IntPtr dlsym(IntPtr handle, [MarshalAs(UnmanagedType.LPStr)] string name);
            [DllImport(Lib)] public static extern int dlclose(IntPtr handle);
            [DllImport(Lib)] public static extern IntPtr dlerror();
            [DllImport(Lib)] public static extern int dladdr(IntPtr addr, out DlInfo info);
        }

        private static class LibSystem
        {
            private const string Lib = "/usr/lib/libSystem.B.dylib";
            [DllImport(Lib)] public static extern IntPtr dlopen([MarshalAs(UnmanagedType.LPStr)] string file, int flags);
            [DllImport(Lib)] public static extern IntPtr dlsym(IntPtr handle, [MarshalAs(UnmanagedType.LPStr)] string name);
            [DllImport(Lib)] public static extern int dlclose(IntPtr handle);
            [DllImport(Lib)] public static extern IntPtr dlerror();
            [DllImport(Lib)] public static extern int dladdr(IntPtr addr, out DlInfo info);
        }
    }
}
