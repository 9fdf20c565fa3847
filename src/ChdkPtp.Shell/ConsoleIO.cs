using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ChdkPtp.Shell
{
    /// <summary>
    /// The three standard streams and what is known about them. The host writes only through
    /// this, so tests can run the host UI against string readers and writers.
    /// </summary>
    internal sealed class ConsoleIO
    {
        public ConsoleIO(TextReader input, TextWriter output, TextWriter error,
            bool inputRedirected, bool outputRedirected, bool errorRedirected,
            bool isRealConsole, bool virtualTerminal)
        {
            In = input ?? throw new ArgumentNullException(nameof(input));
            Out = output ?? throw new ArgumentNullException(nameof(output));
            Error = error ?? throw new ArgumentNullException(nameof(error));
            InputRedirected = inputRedirected;
            OutputRedirected = outputRedirected;
            ErrorRedirected = errorRedirected;
            IsRealConsole = isRealConsole;
            VirtualTerminal = virtualTerminal;
            Lines = new InputLines(input);
        }

        public TextReader In { get; }

        /// <summary>Standard input as lines that a Ctrl+C can abandon; every line read goes through it.</summary>
        public InputLines Lines { get; }
        public TextWriter Out { get; }
        public TextWriter Error { get; }

        public bool InputRedirected { get; }
        public bool OutputRedirected { get; }
        public bool ErrorRedirected { get; }

        /// <summary>True when the streams are the process console (System.Console may be queried).</summary>
        public bool IsRealConsole { get; }

        /// <summary>True when a terminal stream understands ANSI escape sequences.</summary>
        public bool VirtualTerminal { get; }

        /// <summary>True when the NO_COLOR convention asks for no colours (https://no-color.org).</summary>
        public bool NoColor { get; set; }

        /// <summary>Serializes writes from the pipeline thread, progress rendering and the Ctrl+C handler.</summary>
        public object WriteLock { get; } = new object();

        /// <summary>Width used for formatting when the output is not a terminal (pwsh uses 120 too).</summary>
        public const int RedirectedWidth = 120;

        /// <summary>Width for formatting: the console window width on a terminal, else 120.</summary>
        public int Width
        {
            get
            {
                if (!IsRealConsole || OutputRedirected)
                {
                    return RedirectedWidth;
                }

                try
                {
                    int width = Console.WindowWidth;
                    return width > 0 ? width : RedirectedWidth;
                }
                catch (IOException)
                {
                    return RedirectedWidth;
                }
                catch (PlatformNotSupportedException)
                {
                    return RedirectedWidth;
                }
            }
        }

        /// <summary>Height of the window on a terminal, else 50.</summary>
        public int Height
        {
            get
            {
                if (!IsRealConsole || OutputRedirected)
                {
                    return 50;
                }

                try
                {
                    int height = Console.WindowHeight;
                    return height > 0 ? height : 50;
                }
                catch (IOException)
                {
                    return 50;
                }
                catch (PlatformNotSupportedException)
                {
                    return 50;
                }
            }
        }

        /// <summary>The process console.</summary>
        public static ConsoleIO FromConsole()
        {
            bool inRedirected = Console.IsInputRedirected;
            bool outRedirected = Console.IsOutputRedirected;
            bool errRedirected = Console.IsErrorRedirected;
            bool vt = !OperatingSystem.IsWindows() || WindowsConsole.TryEnableVirtualTerminal(outRedirected, errRedirected);
            if (string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal))
            {
                vt = false;
            }

            return new ConsoleIO(Console.In, Console.Out, Console.Error, inRedirected, outRedirected, errRedirected,
                isRealConsole: true, virtualTerminal: vt)
            {
                NoColor = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")),
            };
        }

        private static class WindowsConsole
        {
            private const int StdOutputHandle = -11;
            private const int StdErrorHandle = -12;
            private const uint EnableVirtualTerminalProcessing = 0x0004;

            [DllImport("kernel32.dll", SetLastError = true)]
            private static extern IntPtr GetStdHandle(int nStdHandle);

            [DllImport("kernel32.dll", SetLastError = true)]
            private static extern bool GetConsoleMode(IntPtr hConsoleHandle, out uint lpMode);

            [DllImport("kernel32.dll", SetLastError = true)]
            private static extern bool SetConsoleMode(IntPtr hConsoleHandle, uint dwMode);

            public static bool TryEnableVirtualTerminal(bool outRedirected, bool errRedirected)
            {
                try
                {
                    bool ok = true;
                    if (!outRedirected)
                    {
                        ok &= Enable(StdOutputHandle);
                    }

                    if (!errRedirected)
                    {
                        ok &= Enable(StdErrorHandle);
                    }

                    return ok;
                }
                catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
                {
                    return false;
                }
            }

            private static bool Enable(int which)
            {
                IntPtr handle = GetStdHandle(which);
                if (!GetConsoleMode(handle, out uint mode))
                {
                    return false;
                }

                return (mode & EnableVirtualTerminalProcessing) != 0
                    || SetConsoleMode(handle, mode | EnableVirtualTerminalProcessing);
            }
        }
    }
}
