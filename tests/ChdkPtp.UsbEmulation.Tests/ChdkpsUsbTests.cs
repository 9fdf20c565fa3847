using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using ChdkPtp.Simulator;

namespace ChdkPtp.UsbEmulation.Tests
{
    /// <summary>What one chdkps script printed: its "@@tag json" lines by tag, and the whole run.</summary>
    public sealed class ChdkpsRun
    {
        private readonly Dictionary<string, List<JsonElement>> _tags = new Dictionary<string, List<JsonElement>>();

        public ChdkpsRun(EmulationResult run)
        {
            Run = run;
            foreach (var line in run.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("@@", StringComparison.Ordinal)))
            {
                int space = line.IndexOf(' ');
                Assert.True(space > 2, "a tag line without a value: " + line);
                var tag = line.Substring(2, space - 2);
                using var doc = JsonDocument.Parse(line.Substring(space + 1));
                if (!_tags.TryGetValue(tag, out var list)) _tags[tag] = list = new List<JsonElement>();
                list.Add(doc.RootElement.Clone());
            }
            Assert.True(_tags.ContainsKey("done"), "the script did not run to its end.\n" + run);
        }

        public EmulationResult Run { get; }

        public IReadOnlyList<JsonElement> All(string tag) => _tags.TryGetValue(tag, out var l) ? l : (IReadOnlyList<JsonElement>)Array.Empty<JsonElement>();

        /// <summary>The single value printed under <paramref name="tag"/>.</summary>
        public JsonElement One(string tag)
        {
            var all = All(tag);
            Assert.True(all.Count == 1, $"expected one '@@{tag}' line, got {all.Count}.\n{Run}");
            return all[0];
        }

        public string Text(string tag) => One(tag).GetString();

        /// <summary>An Outcome line: "ok", or "ErrorId,Command | message".</summary>
        public (string Id, string Message) Outcome(string tag)
        {
            var t = Text(tag);
            if (t == "ok") return ("ok", "");
            int bar = t.IndexOf(" | ", StringComparison.Ordinal);
            Assert.True(bar > 0, $"'{tag}' is not an outcome: {t}");
            var id = t.Substring(0, bar);
            int comma = id.IndexOf(',');
            return (comma > 0 ? id.Substring(0, comma) : id, t.Substring(bar + 3));
        }

        public override string ToString() => Run.ToString();
    }

    /// <summary>
    /// The module as a user runs it against a camera on USB: chdkps processes (real libusb, through the umockdev
    /// emulation of tests/usb-emulation) run PowerShell scripts that print what they saw as JSON lines, and the
    /// simulated camera behind the emulation (in this process) shows what really reached the card.
    /// </summary>
    public sealed class ChdkpsUsbTests
    {
        private readonly Xunit.Abstractions.ITestOutputHelper _out;

        public ChdkpsUsbTests(Xunit.Abstractions.ITestOutputHelper output) => _out = output;

        private const string Serial = "0123456789ABCDEF0123456789ABCDEF";

        /// <summary>Functions every script gets: Emit prints a tagged JSON line; Outcome runs a block and says "ok" or
        /// which error stopped it; Cam and Ses pick the fields of an available camera and a session.</summary>
        private const string Prelude = @"
function Emit([string]$tag, $value) { '@@' + $tag + ' ' + [System.Text.Json.JsonSerializer]::Serialize([object]$value, [object], [System.Text.Json.JsonSerializerOptions]$null) }
function Outcome([scriptblock]$block) {
    $ErrorActionPreference = 'Stop'
    try { $null = & $block; 'ok' } catch { $_.FullyQualifiedErrorId + ' | ' + $_.Exception.Message }
}
function Cam($c) { @{ Location = $c.Location; Bus = $c.Bus; Address = $c.Address; PortPath = $c.PortPath; VendorId = [int]$c.VendorId; ProductId = [int]$c.ProductId; Model = $c.Model; SerialNumber = $c.SerialNumber; ProtocolVersion = [string]$c.ProtocolVersion; Status = $c.Status; SessionId = $c.SessionId; Error = $c.Error; Type = $c.GetType().Name } }
function Ses($s) { @{ Id = $s.Id; Location = $s.Location; Transport = $s.Transport; SerialNumber = $s.SerialNumber; Model = $s.Model; IsConnected = $s.IsConnected; ReconnectCount = $s.ReconnectCount; ProtocolVersion = [string]$s.ProtocolVersion; Type = $s.GetType().Name } }
function Env($c) { @{ Check = $c.Check; Status = [string]$c.Status; Target = $c.Target; Detail = $c.Detail; Fix = $c.Fix } }
";

        private static string RepoRoot
        {
            get
            {
                for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                    if (File.Exists(Path.Combine(dir.FullName, "ChdkPtp.sln"))) return dir.FullName;
                throw new InvalidOperationException("ChdkPtp.sln not found above " + AppContext.BaseDirectory);
            }
        }

        /// <summary>src/ChdkPtp.Shell/bin/&lt;this build's configuration&gt;/net10.0/chdkps.dll (built with this project).</summary>
        private static string ChdkpsDll
        {
            get
            {
                var configuration = typeof(ChdkpsUsbTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
                var dll = Path.Combine(RepoRoot, "src", "ChdkPtp.Shell", "bin", configuration, "net10.0", "chdkps.dll");
                Assert.True(File.Exists(dll), "chdkps is not built: " + dll);
                return dll;
            }
        }

        private static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

        /// <summary>Runs <paramref name="script"/> (after the prelude, followed by "@@done") in chdkps under the harness.</summary>
        private static ChdkpsRun Chdkps(EmulatedCamera cam, string script, params string[] harnessArgs)
        {
            var file = Path.Combine(cam.WorkDir, "test-" + Guid.NewGuid().ToString("N").Substring(0, 6) + ".ps1");
            File.WriteAllText(file, Prelude + script + "\nEmit done 1\n");
            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is string host && File.Exists(host) ? host : "dotnet";
            var args = new List<string> { "--serial", Serial };
            args.AddRange(harnessArgs);
            var r = cam.Run($"export CHDKPTP_MODULE={Quote(Path.Combine(RepoRoot, "ChdkPtp.psd1"))}; exec {Quote(dotnet)} {Quote(ChdkpsDll)} -File {Quote(file)}",
                false, args.ToArray());
            Assert.True(r.UnknownIoctls.Count == 0, "ioctls the emulation does not know: " + string.Join(", ", r.UnknownIoctls) + "\n" + r);
            return new ChdkpsRun(r);
        }

        private static void AssertSession(JsonElement s, string location, int reconnects, bool connected = true)
        {
            Assert.Equal("ChdkSession", s.GetProperty("Type").GetString());
            Assert.Equal("USB", s.GetProperty("Transport").GetString());
            Assert.Equal(location, s.GetProperty("Location").GetString());
            Assert.Equal(Serial, s.GetProperty("SerialNumber").GetString(), ignoreCase: true);
            Assert.Equal("Canon PowerShot SX160 IS", s.GetProperty("Model").GetString());
            Assert.Equal("2.9", s.GetProperty("ProtocolVersion").GetString());
            Assert.Equal(connected, s.GetProperty("IsConnected").GetBoolean());
            Assert.Equal(reconnects, s.GetProperty("ReconnectCount").GetInt32());
        }

        private static void AssertSameBytes(byte[] expected, string file)
        {
            Assert.True(File.Exists(file), file + " does not exist");
            var got = File.ReadAllBytes(file);
            Assert.Equal(expected.Length, got.Length);
            Assert.True(expected.AsSpan().SequenceEqual(got), file + " differs from what was sent");
        }

        [Fact]
        public void ListAvailable_ShowsTheCamera_AndEverySelectorConnectsToIt_ButNeverTwice()
        {
            using var cam = new EmulatedCamera();
            var r = Chdkps(cam, @"
Get-ChdkCamera -ListAvailable -NoProbe | ForEach-Object { Emit noprobe (Cam $_) }
Get-ChdkCamera -ListAvailable | ForEach-Object { Emit free (Cam $_) }
Get-ChdkCamera -ListAvailable -AnyVendor | ForEach-Object { Emit anyvendor (Cam $_) }
Test-ChdkEnvironment -NoProbe | ForEach-Object { Emit envNoProbe (Env $_) }
Test-ChdkEnvironment | ForEach-Object { Emit envFree (Env $_) }
Emit wrongSerial (Outcome { Connect-ChdkCamera -Serial FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF })
Emit wrongModel (Outcome { Connect-ChdkCamera -Model 'Canon PowerShot G*' })
Emit wrongAddress (Outcome { Connect-ChdkCamera -Bus 1 -Address 9 })
Emit wrongBus (Outcome { Connect-ChdkCamera -Bus 2 })
Emit addressOnly (Outcome { Connect-ChdkCamera -Address 2 })
Emit sessionsAfterFailures @(Get-ChdkCamera).Count
$s = Connect-ChdkCamera
Emit first (Ses $s)
Get-ChdkCamera -ListAvailable | ForEach-Object { Emit held (Cam $_) }
Test-ChdkEnvironment | ForEach-Object { Emit envHeld (Env $_) }
Emit again (Outcome { Connect-ChdkCamera })
Emit againBySerial (Outcome { Connect-ChdkCamera -Serial " + Serial + @" })
Emit againByAddress (Outcome { Connect-ChdkCamera -Bus 1 -Address 2 })
Emit againByPipe (Outcome { Get-ChdkCamera -ListAvailable | Connect-ChdkCamera })
Emit lua @(Invoke-ChdkLua 'return 6*7, get_buildinfo().platform' | ForEach-Object { [string]$_ })
Disconnect-ChdkCamera $s
Emit disconnected $s.IsConnected
$bySerial = Connect-ChdkCamera -Serial " + Serial.ToLowerInvariant() + @"
Emit bySerial (Ses $bySerial); Disconnect-ChdkCamera $bySerial
$byModel = Connect-ChdkCamera -Model 'Canon PowerShot SX*'
Emit byModel (Ses $byModel); Disconnect-ChdkCamera $byModel
$byAddress = Connect-ChdkCamera -Bus 1 -Address 2
Emit byAddress (Ses $byAddress); Disconnect-ChdkCamera $byAddress
$byPipe = Get-ChdkCamera -ListAvailable | Connect-ChdkCamera
Emit byPipe (Ses $byPipe)
Emit luaAfterReconnects ([string](Invoke-ChdkLua 'return 1+1'))
Emit ids @(Get-ChdkCamera | ForEach-Object { $_.Id })
");
            // Before any connect: -NoProbe does not open the camera, the probe reads model, serial and CHDK version
            var noProbe = r.One("noprobe");
            Assert.Equal("NotProbed", noProbe.GetProperty("Status").GetString());
            Assert.Equal(JsonValueKind.Null, noProbe.GetProperty("Model").ValueKind);
            Assert.Equal(JsonValueKind.Null, noProbe.GetProperty("SerialNumber").ValueKind);
            Assert.Equal("usb:001/002", noProbe.GetProperty("Location").GetString());
            foreach (var free in new[] { r.One("free"), r.One("anyvendor") })
            {
                Assert.Equal("ChdkAvailableCamera", free.GetProperty("Type").GetString());
                Assert.Equal("Available", free.GetProperty("Status").GetString());
                Assert.Equal("usb:001/002", free.GetProperty("Location").GetString());
                Assert.Equal(1, free.GetProperty("Bus").GetInt32());
                Assert.Equal(2, free.GetProperty("Address").GetInt32());
                Assert.Equal("1-1", free.GetProperty("PortPath").GetString());
                Assert.Equal(0x04A9, free.GetProperty("VendorId").GetInt32());
                Assert.Equal(0x325A, free.GetProperty("ProductId").GetInt32());
                Assert.Equal("Canon PowerShot SX160 IS", free.GetProperty("Model").GetString());
                Assert.Equal(Serial, free.GetProperty("SerialNumber").GetString(), ignoreCase: true);
                Assert.Equal("2.9", free.GetProperty("ProtocolVersion").GetString());
                Assert.Equal(JsonValueKind.Null, free.GetProperty("SessionId").ValueKind);
                Assert.Equal(JsonValueKind.Null, free.GetProperty("Error").ValueKind);
            }

            // Test-ChdkEnvironment: -NoProbe does not open the camera; the probe reads CHDK; a held camera is not opened
            var envNoProbe = r.All("envNoProbe").ToList();
            Assert.Equal("Pass", Check(envNoProbe, "Cameras").GetProperty("Status").GetString());
            Assert.Contains("usb:001/002 04A9:325A port 1-1", Check(envNoProbe, "Cameras").GetProperty("Detail").GetString());
            Assert.Equal("Pass", Check(envNoProbe, "Permissions").GetProperty("Status").GetString());
            Assert.DoesNotContain(envNoProbe, e => e.GetProperty("Check").GetString() == "Chdk");
            var chdk = Check(r.All("envFree").ToList(), "Chdk");
            Assert.Equal("Pass", chdk.GetProperty("Status").GetString());
            Assert.Equal("usb:001/002", chdk.GetProperty("Target").GetString());
            Assert.Contains("Canon PowerShot SX160 IS: CHDK PTP protocol 2.9, serial " + Serial, chdk.GetProperty("Detail").GetString(), StringComparison.OrdinalIgnoreCase);
            var held = Check(r.All("envHeld").ToList(), "Chdk");
            Assert.Equal("Pass", held.GetProperty("Status").GetString());
            Assert.Equal("In use by session 1 in this process.", held.GetProperty("Detail").GetString());

            // Selections that match nothing: not found, and nothing was left connected
            foreach (var tag in new[] { "wrongSerial", "wrongModel", "wrongAddress", "wrongBus" })
                Assert.Equal("ChdkCameraNotFound", r.Outcome(tag).Id);
            Assert.Contains("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", r.Outcome("wrongSerial").Message);
            Assert.Contains("Get-ChdkCamera -ListAvailable", r.Outcome("wrongSerial").Message);
            Assert.Contains("'Canon PowerShot G*'", r.Outcome("wrongModel").Message);
            Assert.Contains("is the camera at usb:001/009.", r.Outcome("wrongAddress").Message);
            Assert.Contains("is the camera on bus 2.", r.Outcome("wrongBus").Message);
            Assert.Equal(("ChdkInvalidArgument", "-Address needs -Bus: addresses are numbered per bus."), r.Outcome("addressOnly"));
            Assert.Equal(0, r.One("sessionsAfterFailures").GetInt32());

            AssertSession(r.One("first"), "usb:001/002", 0);
            Assert.Equal(1, r.One("first").GetProperty("Id").GetInt32());
            // While connected the list says so and which session has it (the camera is not opened a second time)
            var listed = r.One("held");
            Assert.Equal("Connected", listed.GetProperty("Status").GetString());
            Assert.Equal(1, listed.GetProperty("SessionId").GetInt32());
            Assert.Equal(Serial, listed.GetProperty("SerialNumber").GetString(), ignoreCase: true);
            foreach (var tag in new[] { "again", "againBySerial", "againByAddress", "againByPipe" })
            {
                var (id, message) = r.Outcome(tag);
                Assert.True(id == "ChdkAlreadyConnected", $"{tag}: {id} {message}");
                Assert.Contains("session 1", message);
            }
            Assert.Equal(new[] { "42", "sx160is" }, r.One("lua").EnumerateArray().Select(e => e.GetString()).ToArray());
            Assert.False(r.One("disconnected").GetBoolean());

            // After a disconnect the camera is free again for every kind of selection (serial in any case)
            AssertSession(r.One("bySerial"), "usb:001/002", 0);
            AssertSession(r.One("byModel"), "usb:001/002", 0);
            AssertSession(r.One("byAddress"), "usb:001/002", 0);
            AssertSession(r.One("byPipe"), "usb:001/002", 0);
            Assert.Equal("2", r.Text("luaAfterReconnects"));
            Assert.Equal(new[] { 5 }, r.One("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray());
            Assert.Equal(1, cam.Server.Plugs); // plugged in once: no connect reset or replugged the camera
        }

        [Fact]
        public void FilesGoBothWaysByteExact_WithTheZeroLengthPacketSizes_AndLiveViewGivesAFrame()
        {
            using var cam = new EmulatedCamera();
            // Downloads: the DATA container is 12 + file bytes, so 512k - 12 needs a zero-length packet; uploads: 12 + 4 +
            // name + file bytes ("A/UP/Un.BIN" is 11 bytes). Their neighbours, and a few MiB.
            var down = new Dictionary<string, byte[]>();
            int[] downSizes = { 512 - 12, 512 - 11, 512 * 2048 - 12, 512 * 6144 - 12, 3 * 1024 * 1024 + 7 };
            for (int i = 0; i < downSizes.Length; i++) down[$"D{i}.BIN"] = cam.PutFile($"DN/D{i}.BIN", downSizes[i], 100 + i);
            int upHead = 12 + 4 + "A/UP/U0.BIN".Length;
            int[] upSizes = { 512 - upHead, 512 * 2048 - upHead, 512 * 6144 - upHead, 512 * 6144 - upHead - 1, 2 * 1024 * 1024 };
            var up = new Dictionary<string, byte[]>();
            Directory.CreateDirectory(Path.Combine(cam.WorkDir, "up"));
            Directory.CreateDirectory(Path.Combine(cam.CardRoot, "UP"));
            for (int i = 0; i < upSizes.Length; i++)
            {
                var data = new byte[upSizes[i]];
                new Random(200 + i).NextBytes(data);
                File.WriteAllBytes(Path.Combine(cam.WorkDir, "up", $"U{i}.BIN"), data);
                up[$"U{i}.BIN"] = data;
            }
            var r = Chdkps(cam, @"
$s = Connect-ChdkCamera
Emit received @(Receive-ChdkFile A/DN -Destination ./dn -PassThru | ForEach-Object { $_.Name })
Emit sent @(Send-ChdkFile ./up/*.BIN A/UP/ -PassThru | ForEach-Object { $_.FullName })
Emit back @(Receive-ChdkFile A/UP -Destination ./back -PassThru | ForEach-Object { $_.Name })
Emit lua @(Invoke-ChdkLua 'local t = {} for i = 1, 3 do t[i] = i * i end return unpack(t)' | ForEach-Object { [int]$_ })
Set-ChdkCameraMode Record
$f = Get-ChdkLiveView
Emit frame @{ Type = $f.GetType().Name; Version = $f.Version; W = $f.ViewportWidth; H = $f.ViewportHeight; BW = $f.BitmapWidth; BH = $f.BitmapHeight; Bytes = $f.Payload.Length; Source = $f.Source; Sequence = $f.Sequence }
Emit frames @(Get-ChdkLiveView -Count 3 | ForEach-Object { $_.Sequence })
Emit connected $s.IsConnected
");
            Assert.Equal(down.Keys.OrderBy(k => k), r.One("received").EnumerateArray().Select(e => e.GetString()).OrderBy(k => k));
            foreach (var kv in down) AssertSameBytes(kv.Value, Path.Combine(cam.WorkDir, "dn", kv.Key));
            Assert.Equal(up.Keys.Select(k => "A/UP/" + k).OrderBy(k => k), r.One("sent").EnumerateArray().Select(e => e.GetString()).OrderBy(k => k));
            foreach (var kv in up)
            {
                AssertSameBytes(kv.Value, Path.Combine(cam.CardRoot, "UP", kv.Key)); // what reached the card
                AssertSameBytes(kv.Value, Path.Combine(cam.WorkDir, "back", kv.Key)); // and what came back
            }
            // The packet sizes really were exercised: zero-length packets ended the whole-packet containers each way
            Assert.True(r.Run.Number("zlp_out") >= 3, "zero-length packets OUT: " + r.Run.Number("zlp_out") + "\n" + r);
            Assert.True(r.Run.Number("zlp_in") >= 3, "zero-length packets IN: " + r.Run.Number("zlp_in") + "\n" + r);
            Assert.Equal(new[] { 1, 4, 9 }, r.One("lua").EnumerateArray().Select(e => e.GetInt32()));

            var frame = r.One("frame");
            Assert.Equal("ChdkLiveFrame", frame.GetProperty("Type").GetString());
            Assert.StartsWith("2.", frame.GetProperty("Version").GetString());
            Assert.True(frame.GetProperty("W").GetInt32() > 0 && frame.GetProperty("H").GetInt32() > 0, frame.ToString());
            Assert.True(frame.GetProperty("BW").GetInt32() > 0 && frame.GetProperty("BH").GetInt32() > 0, frame.ToString());
            Assert.True(frame.GetProperty("Bytes").GetInt32() > frame.GetProperty("W").GetInt32() * frame.GetProperty("H").GetInt32(), frame.ToString());
            Assert.Equal("camera", frame.GetProperty("Source").GetString());
            Assert.Equal(1, frame.GetProperty("Sequence").GetInt64());
            Assert.Equal(new long[] { 1, 2, 3 }, r.One("frames").EnumerateArray().Select(e => e.GetInt64()));
            Assert.True(r.One("connected").GetBoolean());
        }

        [Fact]
        public void ACameraHeldByAnotherProgram_IsBusy_WithWhatToDo()
        {
            using var cam = new EmulatedCamera();
            var r = Chdkps(cam, @"
Get-ChdkCamera -ListAvailable | ForEach-Object { Emit list (Cam $_) }
Emit connect (Outcome { Connect-ChdkCamera })
Emit bySerial (Outcome { Connect-ChdkCamera -Serial " + Serial + @" })
Emit sessions @(Get-ChdkCamera).Count
Test-ChdkEnvironment | ForEach-Object { Emit env (Env $_) }
", "--mode", "busy");
            var list = r.One("list");
            Assert.Equal("Busy", list.GetProperty("Status").GetString());
            Assert.Contains("in use by another program", list.GetProperty("Error").GetString());
            foreach (var tag in new[] { "connect", "bySerial" })
            {
                var (id, message) = r.Outcome(tag);
                Assert.True(id == "ChdkDeviceBusy", $"{tag}: {id} {message}");
                Assert.Contains("usb:001/002", message);
                Assert.Contains("in use by another program", message);
                Assert.Contains("Close that program", message);
                Assert.Contains("gvfs-gphoto2-volume-monitor", message);
            }
            Assert.Equal(0, r.One("sessions").GetInt32());
            var env = r.All("env").ToList();
            Assert.Equal("Pass", Check(env, "Permissions").GetProperty("Status").GetString()); // the node opens; the claim fails
            var chdk = Check(env, "Chdk");
            Assert.Equal("Fail", chdk.GetProperty("Status").GetString());
            Assert.Equal("usb:001/002", chdk.GetProperty("Target").GetString());
            Assert.Contains("Close that program", chdk.GetProperty("Fix").GetString());
        }

        [Fact]
        public void ACameraWithoutPermission_IsAccessDenied_PointingAtTheUdevRules()
        {
            using var cam = new EmulatedCamera();
            var r = Chdkps(cam, @"
Get-ChdkCamera -ListAvailable | ForEach-Object { Emit list (Cam $_) }
Emit connect (Outcome { Connect-ChdkCamera })
Emit byAddress (Outcome { Connect-ChdkCamera -Bus 1 -Address 2 })
Test-ChdkEnvironment | ForEach-Object { Emit env (Env $_) }
", "--mode", "denied");
            var list = r.One("list");
            Assert.Equal("AccessDenied", list.GetProperty("Status").GetString());
            Assert.Contains("60-chdkptp.rules", list.GetProperty("Error").GetString());
            foreach (var tag in new[] { "connect", "byAddress" })
            {
                var (id, message) = r.Outcome(tag);
                Assert.True(id == "ChdkAccessDenied", $"{tag}: {id} {message}");
                Assert.Contains("/dev/bus/usb/001/002", message);
                Assert.Contains("udev", message);
                Assert.Contains("60-chdkptp.rules", message);
            }
            var env = r.All("env").ToList();
            Assert.Equal("Pass", Check(env, "LibUsb").GetProperty("Status").GetString());
            Assert.Equal("Pass", Check(env, "Cameras").GetProperty("Status").GetString());
            var permissions = Check(env, "Permissions");
            Assert.Equal("Fail", permissions.GetProperty("Status").GetString());
            Assert.Equal("usb:001/002", permissions.GetProperty("Target").GetString());
            Assert.Contains("permission denied", permissions.GetProperty("Detail").GetString());
            Assert.Contains("60-chdkptp.rules", permissions.GetProperty("Fix").GetString());
            // The camera could not be opened, so the rules are needed here, whoever runs this (the harness runs the
            // command as root without the capability that overrides file modes, as in a locked-down container).
            var udev = Check(env, "UdevRules");
            Assert.Equal("Warning", udev.GetProperty("Status").GetString());
            Assert.DoesNotContain("not needed", udev.GetProperty("Detail").GetString());
            Assert.Contains("60-chdkptp.rules", udev.GetProperty("Fix").GetString());
        }

        private static JsonElement Check(List<JsonElement> env, string check)
        {
            var found = env.Where(e => e.GetProperty("Check").GetString() == check).ToList();
            Assert.True(found.Count == 1, $"{found.Count} '{check}' checks in: {string.Join("\n", env)}");
            return found[0];
        }

        [Fact]
        public void WithAutoReconnect_ADownloadCarriesOnAcrossAnUnplug_AndAScriptIsNotRepeated()
        {
            using var cam = new EmulatedCamera();
            var big = cam.PutFile("BIG.BIN", 32 * 1024 * 1024, 32);
            File.WriteAllBytes(Path.Combine(cam.WorkDir, "small.bin"), new byte[] { 1, 2, 3 });
            var r = Chdkps(cam, @"
$s = Connect-ChdkCamera -AutoReconnect -ReconnectTimeout 20
Emit before (Ses $s)
Emit arm (& python3 $env:CHDK_UMOCKCTL unplug-after-in bytes=8000000 gap=0.5)
Emit receive (Outcome { Receive-ChdkFile A/BIG.BIN -Destination ./big.bin })
Emit afterDownload (Ses $s)
Emit parts @([IO.Directory]::GetFiles($PWD.Path, '*.chdkpart'))
Emit replug (& python3 $env:CHDK_UMOCKCTL replug gap=0.3)
Emit send (Outcome { Send-ChdkFile ./small.bin A/SMALL.BIN })
Emit afterUpload (Ses $s)
Emit replug2 (& python3 $env:CHDK_UMOCKCTL replug gap=0.3)
Emit lua (Outcome { Invoke-ChdkLua 'return 1' })
Emit afterLua (Ses $s)
Emit list @(Get-ChdkItem A/ | ForEach-Object { $_.Name })
Get-ChdkCamera -ListAvailable | ForEach-Object { Emit available (Cam $_) }
");
            AssertSession(r.One("before"), "usb:001/002", 0);
            Assert.Equal("ok", r.Outcome("receive").Id);
            AssertSameBytes(big, Path.Combine(cam.WorkDir, "big.bin"));
            AssertSession(r.One("afterDownload"), "usb:001/003", 1); // replugged at the next address
            Assert.Empty(r.One("parts").EnumerateArray());
            Assert.Contains("Lost the camera during the download of A/BIG.BIN", r.Run.Output);
            Assert.Contains("reconnected to Canon PowerShot SX160 IS", r.Run.Output);

            // Replugged while idle: Send-ChdkFile finds the link gone at its first step (a check of the destination, a
            // read), reconnects, asks again and uploads
            Assert.StartsWith("ok plugged bus=1 dev=4", r.Text("replug"));
            Assert.Equal(("ok", ""), r.Outcome("send"));
            Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(Path.Combine(cam.CardRoot, "SMALL.BIN")));
            AssertSession(r.One("afterUpload"), "usb:001/004", 2);
            // A script is not safe to repeat: the session reconnects, but the script fails and says so
            Assert.StartsWith("ok plugged bus=1 dev=5", r.Text("replug2"));
            var (id, message) = r.Outcome("lua");
            Assert.True(id == "ChdkNotRetried", id + " " + message);
            Assert.Contains("was not repeated", message);
            AssertSession(r.One("afterLua"), "usb:001/005", 3);
            Assert.Contains("SMALL.BIN", r.One("list").EnumerateArray().Select(e => e.GetString()));
            var available = r.One("available");
            Assert.Equal("Connected", available.GetProperty("Status").GetString());
            Assert.Equal("usb:001/005", available.GetProperty("Location").GetString());
            Assert.Equal(4, cam.Server.Plugs);
        }

        [Fact]
        public void ADifferentCameraAfterTheReplug_IsRefused_AndTheSessionStaysDisconnected()
        {
            const string other = "11111111111111111111111111111111";
            using var cam = new EmulatedCamera();
            cam.PutFile("BIG.BIN", 16 * 1024 * 1024, 16);
            var r = Chdkps(cam, @"
$s = Connect-ChdkCamera -AutoReconnect -ReconnectTimeout 10
Emit arm (& python3 $env:CHDK_UMOCKCTL unplug-after-in bytes=4000000 gap=0.3)
Emit receive (Outcome { Receive-ChdkFile A/BIG.BIN -Destination ./big.bin })
Emit after (Ses $s)
Emit files @([IO.Directory]::GetFiles($PWD.Path, '*big*'))
Emit next (Outcome { Get-ChdkItem A/ })
Get-ChdkCamera -ListAvailable | ForEach-Object { Emit available (Cam $_) }
$n = Connect-ChdkCamera
Emit newSession @{ Id = $n.Id; Serial = $n.SerialNumber; Location = $n.Location }
", "--replug-serial", other);
            var (id, message) = r.Outcome("receive");
            Assert.True(id == "ChdkDifferentCamera", id + " " + message);
            Assert.Contains($"the serial number is '{other}'", message);
            Assert.Contains("stays disconnected", message);
            var after = r.One("after");
            Assert.False(after.GetProperty("IsConnected").GetBoolean());
            Assert.Equal(0, after.GetProperty("ReconnectCount").GetInt32());
            Assert.Equal("usb:001/002", after.GetProperty("Location").GetString());
            Assert.Empty(r.One("files").EnumerateArray()); // neither the file nor its partial download
            Assert.Equal("ChdkDifferentCamera", r.Outcome("next").Id); // the next command does not go to the other camera either
            var available = r.One("available");
            Assert.Equal("Available", available.GetProperty("Status").GetString());
            Assert.Equal(other, available.GetProperty("SerialNumber").GetString());
            Assert.Equal("usb:001/003", available.GetProperty("Location").GetString());
            var n = r.One("newSession");
            Assert.Equal(2, n.GetProperty("Id").GetInt32());
            Assert.Equal(other, n.GetProperty("Serial").GetString());
            Assert.Equal("usb:001/003", n.GetProperty("Location").GetString());
        }

        [Fact]
        public void WithoutAutoReconnect_AnUnplugEndsTheCommand_AndConnectSessionReconnectsInPlace()
        {
            using var cam = new EmulatedCamera();
            var big = cam.PutFile("BIG.BIN", 16 * 1024 * 1024, 17);
            var r = Chdkps(cam, @"
$s = Connect-ChdkCamera
Emit arm (& python3 $env:CHDK_UMOCKCTL unplug-after-in bytes=4000000 replug=no)
Emit receive (Outcome { Receive-ChdkFile A/BIG.BIN -Destination ./big.bin })
Emit lost (Ses $s)
Emit next (Outcome { Invoke-ChdkLua 'return 1' })
Emit early (Outcome { Connect-ChdkCamera -Session $s -ReconnectTimeout 1 })
Emit plug (& python3 $env:CHDK_UMOCKCTL plug)
$again = Connect-ChdkCamera -Session $s -ReconnectTimeout 10
Emit same ([object]::ReferenceEquals($again, $s))
Emit back (Ses $s)
Emit receiveAgain (Outcome { Receive-ChdkFile A/BIG.BIN -Destination ./big.bin })
Emit sessions @(Get-ChdkCamera).Count
");
            var (id, message) = r.Outcome("receive");
            Assert.True(id == "ChdkConnectionLost", id + " " + message);
            Assert.Contains("usb:001/002", message);
            AssertSession(r.One("lost"), "usb:001/002", 0, connected: false);
            (id, message) = r.Outcome("next");
            Assert.True(id == "ChdkSessionClosed", id + " " + message);
            Assert.Contains("Reconnect it with Connect-ChdkCamera -Session", message);
            (id, message) = r.Outcome("early"); // still unplugged
            Assert.True(id == "ChdkReconnectFailed", id + " " + message);
            Assert.Contains("did not come back within 1 s", message);
            Assert.StartsWith("ok plugged bus=1 dev=3", r.Text("plug"));
            Assert.True(r.One("same").GetBoolean());
            AssertSession(r.One("back"), "usb:001/003", 1);
            Assert.Equal("ok", r.Outcome("receiveAgain").Id);
            AssertSameBytes(big, Path.Combine(cam.WorkDir, "big.bin"));
            Assert.Equal(1, r.One("sessions").GetInt32());
        }

        [Fact]
        public void ATimelapseWithAutoReconnect_GoesOnAfterAReplug()
        {
            using var cam = new EmulatedCamera();
            var r = Chdkps(cam, @"
$s = Connect-ChdkCamera -AutoReconnect -ReconnectTimeout 20
Set-ChdkCameraMode Record
Start-ChdkTimelapse -Interval 0.5 -Count 16 -Destination './t/{Sequence}{Extension}' -StatePath ./t.state -ErrorVariable failures | ForEach-Object {
    Emit shot @{ Sequence = $_.Sequence; Name = $_.Name; Length = $_.Length; Location = $s.Location }
    if ($_.Sequence -eq 2) { Emit replug (& python3 $env:CHDK_UMOCKCTL replug gap=0.5) }
}
Emit failures @($failures | ForEach-Object { $_.FullyQualifiedErrorId })
Emit after (Ses $s)
Emit state ([IO.File]::ReadAllText([IO.Path]::Combine($PWD.Path, 't.state')))
");
            var shots = r.All("shot").ToList();
            Assert.StartsWith("ok plugged bus=1 dev=3", r.Text("replug"));
            Assert.Equal(new long[] { 1, 2 }, shots.Take(2).Select(s => s.GetProperty("Sequence").GetInt64()));
            Assert.All(shots.Take(2), s => Assert.Equal("usb:001/002", s.GetProperty("Location").GetString()));
            // The shot during which the camera was gone failed; the series went on at the new address
            var later = shots.Where(s => s.GetProperty("Sequence").GetInt64() > 2).ToList();
            Assert.True(later.Count >= 2, "shots after the replug: " + later.Count + "\n" + r);
            Assert.All(later, s => Assert.Equal("usb:001/003", s.GetProperty("Location").GetString()));
            foreach (var s in shots)
            {
                var file = Path.Combine(cam.WorkDir, "t", s.GetProperty("Name").GetString());
                Assert.True(File.Exists(file) && new FileInfo(file).Length == s.GetProperty("Length").GetInt64() && s.GetProperty("Length").GetInt64() > 0, file);
            }
            Assert.All(r.One("failures").EnumerateArray(), e => Assert.StartsWith("ChdkConnectionLost", e.GetString()));
            Assert.Contains("the series goes on", r.Run.Output);
            AssertSession(r.One("after"), "usb:001/003", 1);
            var state = r.Text("state");
            Assert.Contains("next=16", state);
            Assert.Contains($"taken={shots.Count}\n", state);
        }

        [Fact]
        public void StoppingALongDownload_EndsItWithinASecondAndAHalf_AndTheSessionCanGoOn()
        {
            using var cam = new EmulatedCamera();
            cam.PutFile("HUGE.BIN", 96 * 1024 * 1024, 96);
            var small = cam.PutFile("SMALL.BIN", 100_000, 1);
            // A stop cannot be sent to another process's pipeline, so the script runs the download in a pipeline of its
            // own (a second runspace of the same chdkps process, which holds the camera) and stops that, as Ctrl+C does.
            var r = Chdkps(cam, @"
$s = Connect-ChdkCamera
$ps = [powershell]::Create([initialsessionstate]::CreateDefault2())
$null = $ps.AddScript('param($s, $module, $to) Import-Module $module; Receive-ChdkFile A/HUGE.BIN -Destination $to -Session $s').AddArgument($s).AddArgument($env:CHDKPTP_MODULE).AddArgument([IO.Path]::Combine($PWD.Path, 'huge.bin'))
$pending = $ps.BeginInvoke()
$wait = [Diagnostics.Stopwatch]::StartNew()
while ($wait.ElapsedMilliseconds -lt 20000 -and @([IO.Directory]::GetFiles($PWD.Path, '*.chdkpart') | Where-Object { ([IO.FileInfo]$_).Length -gt 2MB }).Count -eq 0) { [Threading.Thread]::Sleep(20) }
Emit running ([string]$ps.InvocationStateInfo.State)
$clock = [Diagnostics.Stopwatch]::StartNew()
$ps.Stop()
Emit stopMs $clock.ElapsedMilliseconds
Emit state ([string]$ps.InvocationStateInfo.State)
Emit files @([IO.Directory]::GetFiles($PWD.Path, '*huge*'))
Emit session (Ses $s)
Emit next (Outcome { Invoke-ChdkLua 'return 1' })
if (-not $s.IsConnected) { Emit reconnect (Outcome { Connect-ChdkCamera -Session $s -ReconnectTimeout 10 }) }
Emit receive (Outcome { Receive-ChdkFile A/SMALL.BIN -Destination ./small.bin })
Emit after (Ses $s)
");
            Assert.Equal("Running", r.Text("running"));
            long stopMs = r.One("stopMs").GetInt64();
            _out.WriteLine($"the stop took {stopMs} ms; the session was {(r.One("session").GetProperty("IsConnected").GetBoolean() ? "kept" : "abandoned")}");
            Assert.True(stopMs < 1500, $"the stop took {stopMs} ms\n{r}");
            Assert.Equal("Stopped", r.Text("state"));
            Assert.Empty(r.One("files").EnumerateArray()); // neither huge.bin nor its partial download
            // Either the session survived the stop, or it says that it must be reconnected, and it can be.
            var (id, message) = r.Outcome("next");
            if (r.One("session").GetProperty("IsConnected").GetBoolean())
                Assert.Equal("ok", id);
            else
            {
                Assert.True(id == "ChdkSessionClosed", id + " " + message);
                Assert.Contains("lost its link", message);
                Assert.Contains("Connect-ChdkCamera -Session", message);
                Assert.Equal("ok", r.Outcome("reconnect").Id);
            }
            Assert.Equal("ok", r.Outcome("receive").Id);
            AssertSameBytes(small, Path.Combine(cam.WorkDir, "small.bin"));
            Assert.True(r.One("after").GetProperty("IsConnected").GetBoolean());
        }
    }
}
