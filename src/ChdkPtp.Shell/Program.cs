using System;

namespace ChdkPtp.Shell
{
    /// <summary>chdkps: a PowerShell 7 host with the ChdkPtp module loaded.</summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            // The engine package reports usage telemetry over the network from its static
            // initializers (pwsh's own opt-out switch). chdkps is not pwsh and is often run
            // offline from scheduled jobs, where the attempt also delays start-up by seconds:
            // opt out before any engine type is touched.
            Environment.SetEnvironmentVariable("POWERSHELL_TELEMETRY_OPTOUT", "1");

            ShellOptions options;
            try
            {
                options = CommandLineParser.Parse(args);
            }
            catch (CommandLineException ex)
            {
                Console.Error.WriteLine("chdkps: " + ex.Message);
                Console.Error.WriteLine("Run 'chdkps -Help' for usage.");
                return ShellSession.ExitBadCommandLine;
            }

            switch (options.Mode)
            {
                case ShellMode.Help:
                    Console.Out.Write(CommandLineParser.Usage);
                    return ShellSession.ExitSuccess;
                case ShellMode.Version:
                    Console.Out.WriteLine($"chdkps {ShellHost.ShellVersion.ToString(3)} (PowerShell {ShellHost.EngineVersion})");
                    return ShellSession.ExitSuccess;
            }

            try
            {
                using (var session = new ShellSession(options, ConsoleIO.FromConsole()))
                {
                    return session.Run();
                }
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                Console.Error.WriteLine("chdkps: " + ex.Message);
                if (Environment.GetEnvironmentVariable("CHDKPS_DEBUG") == "1")
                {
                    Console.Error.WriteLine(ex);
                }

                return ShellSession.ExitFailure;
            }
            finally
            {
                Console.Out.Flush();
                Console.Error.Flush();
            }
        }
    }
}
