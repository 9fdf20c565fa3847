using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using ChdkPtp.Simulator.PtpIp;
using Xunit.Abstractions;

namespace ChdkPtp.Simulator.Tests.PtpIp
{
    /// <summary>
    /// Real gphoto2 processes against the simulator over PTP/IP (PTPIP.md §2, §3, §5 item 17): its CHDK driver
    /// (settings <c>ptp2=chdk=on</c>) and its plain PTP path. gphoto2 must be installed (<c>apt-get install gphoto2</c>);
    /// without it these tests fail, they do not skip.
    /// </summary>
    public sealed class GphotoInteropTests : IDisposable
    {
        private readonly ITestOutputHelper _out;
        private readonly PtpIpServer _server;
        private readonly string _home;
        private readonly string _work;

        public GphotoInteropTests(ITestOutputHelper output)
        {
            _out = output;
            _server = new PtpIpServer(new SimulatorOptions(), port: 0);
            _server.Start();
            var tmp = Path.Combine(Path.GetTempPath(), "chdk-gp-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            _home = Path.Combine(tmp, "home");
            _work = Path.Combine(tmp, "work");
            Directory.CreateDirectory(Path.Combine(_home, ".gphoto"));
            Directory.CreateDirectory(_work);
        }

        public void Dispose()
        {
            _server.Dispose();
            try { Directory.Delete(Path.GetDirectoryName(_home), true); } catch (IOException) { }
        }

        private string Card(string relative) => Path.Combine(_server.Camera.CardRoot, relative.Replace('/', Path.DirectorySeparatorChar));

        /// <summary>Runs gphoto2 with its own HOME, LANG=C, in the work folder; returns exit code and output.</summary>
        private (int Exit, string Output) Gphoto(bool chdk, params string[] args)
        {
            var settings = new StringBuilder();
            if (chdk) settings.Append("ptp2=chdk=on\n");
            settings.Append("ptp2_ip=guid=01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef\n");
            File.WriteAllText(Path.Combine(_home, ".gphoto", "settings"), settings.ToString());

            var psi = new ProcessStartInfo("gphoto2")
            {
                WorkingDirectory = _work,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            psi.Environment["HOME"] = _home;
            psi.Environment["LANG"] = "C";
            psi.Environment["LC_ALL"] = "C";
            // gphoto2's event port defaults to 15740 whatever the command port (libgphoto2 2.5.30): give both.
            psi.ArgumentList.Add("--port");
            psi.ArgumentList.Add($"ptpip:127.0.0.1:{_server.Port}:{_server.Port}");
            foreach (var a in args) psi.ArgumentList.Add(a);
            Process p;
            try { p = Process.Start(psi); }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new Xunit.Sdk.XunitException($"gphoto2 is not installed (apt-get install gphoto2): the PTP/IP interoperability tests need it. ({ex.Message})");
            }
            using (p)
            {
                p.StandardInput.Close();
                var stdout = p.StandardOutput.ReadToEndAsync();
                var stderr = p.StandardError.ReadToEndAsync();
                if (!p.WaitForExit(90_000))
                {
                    p.Kill(true);
                    throw new Xunit.Sdk.XunitException($"gphoto2 {string.Join(" ", args)} did not finish within 90 s.");
                }
                var output = stdout.Result + stderr.Result;
                _out.WriteLine($"$ gphoto2 {string.Join(" ", psi.ArgumentList)}  (exit {p.ExitCode})\n{output}");
                if (_server.LastError != null) _out.WriteLine("server: " + _server.LastError.Message);
                return (p.ExitCode, output);
            }
        }

        [Fact]
        public void Summary_through_the_CHDK_driver()
        {
            var (exit, output) = Gphoto(true, "--summary");
            Assert.Equal(0, exit);
            Assert.Contains("CHDK 2.9 Status:", output);
            Assert.Matches(@"Mode: \d+", output);
            Assert.Matches(@"SV96: \d+, ISO: \d+", output);
            Assert.Contains("Flash Mode:", output);
            Assert.DoesNotContain("rror", output);
        }

        [Fact]
        public void Summary_as_a_plain_PTP_camera_without_the_CHDK_setting()
        {
            var (exit, output) = Gphoto(false, "--summary");
            Assert.Equal(0, exit);
            Assert.Contains("Manufacturer: Canon Inc.", output);
            Assert.Contains("Model: " + _server.Camera.Options.Model, output);
            Assert.Contains("Serial Number: " + _server.Camera.Options.SerialNumber, output);
            Assert.Contains("Vendor Extension ID: 0xb", output); // normalised to Canon, the CHDK driver's condition
            Assert.Contains("store_00010001", output);
            Assert.Contains("Removable RAM", output);
            Assert.Matches(@"Battery Level\(0x5001\):.*value: 100%", output);
            Assert.DoesNotContain("rror", output);
        }

        [Fact]
        public void List_files_and_get_all_files_byte_exact()
        {
            var a = RandomBytes(150_000, 1);
            var b = RandomBytes(70_000, 2);
            Directory.CreateDirectory(Card("DCIM/100CANON"));
            File.WriteAllBytes(Card("DCIM/100CANON/IMG_0001.JPG"), a);
            File.WriteAllBytes(Card("DCIM/100CANON/IMG_0002.JPG"), b);

            var (exit, output) = Gphoto(true, "--list-files");
            Assert.Equal(0, exit);
            Assert.Contains("There are 2 files in folder '/DCIM/100CANON'.", output);
            Assert.Matches(@"#1\s+IMG_0001\.JPG\s+147 KB", output);
            Assert.Matches(@"#2\s+IMG_0002\.JPG\s+69 KB", output);

            (exit, output) = Gphoto(true, "--get-all-files");
            Assert.Equal(0, exit);
            Assert.Equal(a, File.ReadAllBytes(Path.Combine(_work, "IMG_0001.JPG")));
            Assert.Equal(b, File.ReadAllBytes(Path.Combine(_work, "IMG_0002.JPG")));
        }

        [Fact]
        public void Capture_image_and_download()
        {
            var (exit, output) = Gphoto(true, "--capture-image-and-download");
            Assert.Equal(0, exit);
            Assert.Contains("New file is in location /DCIM/100CANON/IMG_0001.JPG on the camera", output);
            var local = Path.Combine(_work, "IMG_0001.JPG");
            Assert.True(File.Exists(local), output);
            var jpeg = File.ReadAllBytes(local);
            Assert.Equal(new byte[] { 0xFF, 0xD8 }, jpeg.Take(2).ToArray());
            Assert.Equal((640, 480), JpegSize(jpeg));
            // gphoto2 deletes the shot from the card after downloading it (no --keep).
            Assert.False(File.Exists(Card("DCIM/100CANON/IMG_0001.JPG")));
        }

        [Fact]
        public void Capture_preview_is_the_live_view_as_a_jpeg()
        {
            var (exit, output) = Gphoto(true, "--capture-preview");
            Assert.Equal(0, exit);
            Assert.Contains("capture_preview.jpg", output);
            var jpeg = File.ReadAllBytes(Path.Combine(_work, "capture_preview.jpg"));
            Assert.Equal(new byte[] { 0xFF, 0xD8 }, jpeg.Take(2).ToArray());
            // The SX160 IS viewport is 720×240; gphoto2 halves it horizontally (PTPIP.md §3.5).
            Assert.Equal((360, 240), JpegSize(jpeg));
        }

        private static byte[] RandomBytes(int n, int seed)
        {
            var b = new byte[n];
            new Random(seed).NextBytes(b);
            return b;
        }

        /// <summary>Width and height from a JPEG's SOF marker.</summary>
        private static (int, int) JpegSize(byte[] j)
        {
            int i = 2;
            while (i + 9 < j.Length)
            {
                if (j[i] != 0xFF) throw new Xunit.Sdk.XunitException($"Not a JPEG marker at {i}.");
                byte m = j[i + 1];
                int len = j[i + 2] << 8 | j[i + 3];
                if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC)
                    return (j[i + 7] << 8 | j[i + 8], j[i + 5] << 8 | j[i + 6]);
                i += 2 + len;
            }
            throw new Xunit.Sdk.XunitException("No SOF marker.");
        }
    }
}
