using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using ChdkPtp.Simulator;

namespace ChdkPtp.UsbBridge
{
    /// <summary>
    /// <c>ChdkPtp.UsbBridge --socket PATH [--root DIR] [--serial HEX32] [--model NAME] [--product-id HEX]
    /// [--no-chdk] [--verbose]</c>: runs a simulated camera and serves its USB function on PATH until
    /// SIGTERM/SIGINT or stdin closes. Prints <c>READY</c> on stdout once it listens.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            var options = new SimulatorOptions();
            string socketPath = null;
            bool verbose = false;
            try
            {
                for (int i = 0; i < args.Length; i++)
                {
                    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                    switch (args[i])
                    {
                        case "--socket": socketPath = Next(); break;
                        case "--root": options.Root = Path.GetFullPath(Next()); break;
                        case "--serial": options.SerialNumber = Next(); break;
                        case "--model": options.Model = Next(); break;
                        case "--product-id": options.ProductId = ushort.Parse(Next(), NumberStyles.HexNumber, CultureInfo.InvariantCulture); break;
                        case "--no-chdk": options.ChdkInstalled = false; break;
                        case "--verbose": verbose = true; break;
                        default: throw new ArgumentException($"Unknown argument {args[i]}.");
                    }
                }
                if (socketPath == null) throw new ArgumentException("--socket PATH is required.");
            }
            catch (Exception ex) when (ex is ArgumentException || ex is FormatException || ex is OverflowException)
            {
                Console.Error.WriteLine("ChdkPtp.UsbBridge: " + ex.Message);
                Console.Error.WriteLine("usage: ChdkPtp.UsbBridge --socket PATH [--root DIR] [--serial HEX32] [--model NAME] [--product-id HEX] [--no-chdk] [--verbose]");
                return 2;
            }

            using var stop = new ManualResetEventSlim();
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Set(); });
            using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Set(); });
            using (var server = new UsbBridgeServer(options, socketPath, verbose ? Console.Error : null))
            {
                Console.Out.WriteLine("READY " + socketPath);
                Console.Out.Flush();
                // The harness holds our stdin; its end (the harness died) also stops the bridge.
                var stdinWatch = new Thread(() =>
                {
                    try { while (Console.In.Read() >= 0) { } } catch (Exception) { }
                    stop.Set();
                }) { IsBackground = true, Name = "stdin-watch" };
                stdinWatch.Start();
                stop.Wait();
                if (verbose)
                    Console.Error.WriteLine($"usb-bridge: {server.Plugs} plug-ins, {server.BytesOut} bytes OUT ({server.ZeroLengthOut} ZLP), {server.BytesIn} bytes IN ({server.ZeroLengthIn} ZLP), {server.Resets} resets");
            }
            return 0;
        }
    }
}
