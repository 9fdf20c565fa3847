using System;

namespace ChdkPtp.Simulator
{
    /// <summary>How a virtual camera presents itself.</summary>
    public sealed class SimulatorOptions
    {
        /// <summary>Folder that holds the virtual SD card (camera path <c>A/</c>). Null: a fresh temporary folder.</summary>
        public string Root { get; set; }

        public string Manufacturer { get; set; } = "Canon Inc.";
        public string Model { get; set; } = "Canon PowerShot SX160 IS";
        public string DeviceVersion { get; set; } = "1-14.0.1.0";

        /// <summary>32 hex digits. Null: derived from a random GUID.</summary>
        public string SerialNumber { get; set; }

        /// <summary>USB product id, also get_buildinfo().platformid.</summary>
        public ushort ProductId { get; set; } = 0x325A;

        public string Platform { get; set; } = "sx160is";
        public string PlatformSub { get; set; } = "100a";
        public string BuildVersion { get; set; } = "CHDK";
        public string BuildNumber { get; set; } = "1.6.1";
        public string BuildRevision { get; set; } = "6200";
        public string OperatingSystem { get; set; } = "dryos";
        public int Digic { get; set; } = 4;

        /// <summary>False simulates a Canon camera without CHDK: no 0x9999 operation.</summary>
        public bool ChdkInstalled { get; set; } = true;

        /// <summary>CHDK PTP protocol version the camera reports (older versions let clients test their gates).</summary>
        public int ProtocolMajor { get; set; } = 2;
        public int ProtocolMinor { get; set; } = 9;

        /// <summary>Start in record mode (true) or playback (false, as a camera does when USB connects).</summary>
        public bool StartInRecordMode { get; set; }

        /// <summary>
        /// Lua (5.1, as scripts are) run in every script's fresh state after CHDK's functions are defined and
        /// before the script: replace or add functions to imitate a particular camera, or a faulty or hostile one
        /// (e.g. an <c>os.listdir</c> that reports names no FAT card holds). Read when each script starts, so it
        /// may be changed on a running camera (<c>$session.Simulator.Camera.Options.ScriptPrelude</c>). An error
        /// in it makes every script fail to start.
        /// </summary>
        public string ScriptPrelude { get; set; }

        internal SimulatorOptions Clone() => (SimulatorOptions)MemberwiseClone();
    }
}
