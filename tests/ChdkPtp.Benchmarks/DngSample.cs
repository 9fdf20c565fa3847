using System;
using System.IO;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Scripting;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Simulator;
using ChdkPtp.Simulator.Imaging;

namespace ChdkPtp.Benchmarks
{
    /// <summary>
    /// Sample files for checking with outside tools (dcraw, exiftool): one remote-capture shot of every type
    /// (DNGHDR, RAW, JPG and CRAW on a Canon-raw camera) fetched through the protocol client as a host does, with
    /// the DNG assembled as chdkptp assembles it (header ‖ 128×96 thumbnail ‖ byte-swapped raw).
    /// <code>dotnet run --project tests/ChdkPtp.Benchmarks -- --dng-sample DIR [BPP ...]</code>
    /// writes DIR/IMG_&lt;bpp&gt;.dng, .jpg, .cr2 and .raw for each depth (default 10 12 14).
    /// </summary>
    internal static class DngSample
    {
        public static int Run(string[] args)
        {
            if (args.Length < 1)
            {
                Console.Error.WriteLine("usage: --dng-sample DIR [BPP ...]");
                return 2;
            }
            Directory.CreateDirectory(args[0]);
            var depths = args.Length > 1 ? Array.ConvertAll(args[1..], int.Parse) : new[] { 10, 12, 14 };
            foreach (int bpp in depths) Shoot(args[0], bpp);
            return 0;
        }

        private static void Shoot(string dir, int bpp)
        {
            using var client = ChdkClient.Connect(new InProcessSimulator(new SimulatorOptions
            {
                StartInRecordMode = true, RawBitsPerPixel = bpp, CanonRaw = true,
            }).CreateTransport());
            ScriptRunner.Run(client, "set_canon_image_format(3) return init_usb_capture(15)", null, null, CancellationToken.None);
            uint id = ScriptRunner.Start(client, "shoot()", null, true);
            var files = new MemoryStream[16];
            int left = 15;
            while (left != 0)
            {
                var (status, _) = client.RemoteCaptureIsReady();
                if (status == 0) { Thread.Sleep(5); continue; }
                if (status == ChdkConstants.CaptureNotSet) throw new InvalidOperationException("remote capture was cancelled");
                var file = files[status] = new MemoryStream();
                while (true)
                {
                    var sink = new MemoryDataSink();
                    var chunk = client.RemoteCaptureGetData((CaptureTypes)status, sink);
                    if (chunk.Offset >= 0) file.Position = chunk.Offset;
                    file.Write(sink.ToArray(), 0, chunk.Length);
                    if (!chunk.More) break;
                }
                left &= ~(int)status;
            }
            ScriptRunner.Wait(client, id, null, CancellationToken.None);
            var thumb = SceneRenderer.Render(DngHeader.ThumbnailWidth, DngHeader.ThumbnailHeight, new SceneInfo { Label = "THUMB", Time = DateTime.Now });
            var dng = DngHeader.Assemble(files[4].ToArray(), thumb.Pixels, files[2].ToArray());
            string name = Path.Combine(dir, "IMG_" + bpp);
            File.WriteAllBytes(name + ".dng", dng);
            File.WriteAllBytes(name + ".raw", files[2].ToArray());
            File.WriteAllBytes(name + ".jpg", files[1].ToArray());
            File.WriteAllBytes(name + ".cr2", files[8].ToArray());
            Console.WriteLine($"{name}.dng: header {files[4].Length} + thumbnail {DngHeader.ThumbnailBytes} + raw {files[2].Length} = {dng.Length} bytes; jpg {files[1].Length}; cr2 {files[8].Length}");
        }
    }
}
