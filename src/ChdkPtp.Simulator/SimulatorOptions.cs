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

        /// <summary>
        /// Digic generation (get_buildinfo().digic). 6 and 7 are CHDK's THUMB_FW cameras, and change the live view to
        /// their layout (as a G7 X): a 3:2 LCD, a YUV8B viewport in a 736-pixel buffer on a 720×480 screen, a YUV8B
        /// overlay with an opacity plane, no palette. Needs protocol 2.7 or later. Default 4 (SX160 IS layout: YUV8
        /// 720×240 viewport, PAL8 overlay 720×240 in a 960-byte buffer, palette type 3).
        /// </summary>
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

        // ------------------------------------------------------------------------------------------
        // shooting

        /// <summary>Width of the JPEG the camera writes for each shot (pixels). Default 640.</summary>
        public int JpegWidth { get; set; } = 640;

        /// <summary>Height of the JPEG the camera writes for each shot (pixels). Default 480.</summary>
        public int JpegHeight { get; set; } = 480;

        /// <summary>JPEG quality, 1 to 100. Default 85.</summary>
        public int JpegQuality { get; set; } = 85;

        /// <summary>
        /// Width of the sensor's active (image) area in raw pixels; even. Default 1024. The raw buffer adds masked
        /// borders: <see cref="RawMaskedLeft"/> columns on the left, at least 8 on the right (the row is rounded up to a
        /// multiple of 16 pixels), <see cref="RawMaskedTop"/> rows on top and 8 at the bottom.
        /// </summary>
        public int RawActiveWidth { get; set; } = 1024;

        /// <summary>Height of the sensor's active area in raw rows; even. Default 768.</summary>
        public int RawActiveHeight { get; set; } = 768;

        /// <summary>Masked (optical black) columns left of the active area; even. Default 48.</summary>
        public int RawMaskedLeft { get; set; } = 48;

        /// <summary>Masked rows above the active area; even. Default 16.</summary>
        public int RawMaskedTop { get; set; } = 16;

        /// <summary>Bits per pixel of CHDK's packed raw buffer: 10, 12 or 14. Default 12 (as the SX160 IS).</summary>
        public int RawBitsPerPixel { get; set; } = 12;

        /// <summary>
        /// The camera can write Canon raw (CR2) files: set_canon_image_format accepts 2 (CR2) and 3 (JPEG and CR2),
        /// get_canon_raw_support() is true and remote capture offers CRAW (0x8, protocol 2.9). Default false (the
        /// SX160 IS has no Canon raw).
        /// </summary>
        public bool CanonRaw { get; set; }

        /// <summary>
        /// Remote capture types get_usb_capture_support() reports (JPG 1, RAW 2, DNGHDR 4, CRAW 8). Null (the default):
        /// JPG | RAW | DNGHDR (7), plus CRAW with <see cref="CanonRaw"/> on protocol 2.9. Types outside the mask are
        /// refused by init_usb_capture; a mask without JPG imitates a camera without the filewrite hook.
        /// </summary>
        public int? UsbCaptureSupport { get; set; }

        /// <summary>
        /// How the Canon file writer hands a JPEG or CR2 to remote capture (PROTOCOL.md §5.3). SinglePass: one
        /// session of <see cref="FileChunkCount"/> chunks at offset -1 (append). MultipassSeek: DryOS r50+ with
        /// CAM_FILEWRITETASK_SEEKS, the scan data first (first chunk at its file offset), then the header (first chunk
        /// at offset 0). MultipassRewrite: multipass without seeks, the whole file appended with a placeholder header,
        /// then the header again at offset 0; such cameras refuse remote capture unless the drive mode is single.
        /// </summary>
        public FileWriteMode FileWriteMode { get; set; } = FileWriteMode.SinglePass;

        /// <summary>Chunks each JPEG/CR2 is delivered in over remote capture (at least 1; multipass modes use at least 2). Default 3.</summary>
        public int FileChunkCount { get; set; } = 3;

        /// <summary>
        /// The longest time an exposure really takes, in milliseconds: a shot's exposure lasts its shutter time
        /// (2^(-tv96/96) s) up to this limit, so a 30 s exposure does not hold a test for 30 s. Default 1000.
        /// </summary>
        public int ExposureTimeLimitMs { get; set; } = 1000;

        // ------------------------------------------------------------------------------------------
        // live view

        /// <summary>
        /// How many times a second the live view picture changes in record mode (a camera's is about 30): requests in
        /// between get the same picture, as on a camera. 0 makes every request a new frame. Default 30.
        /// </summary>
        public int LiveViewFrameRate { get; set; } = 30;

        internal SimulatorOptions Clone() => (SimulatorOptions)MemberwiseClone();
    }

    /// <summary>How the simulated Canon file writer delivers a JPEG or CR2 to remote capture.</summary>
    public enum FileWriteMode
    {
        /// <summary>One write session: chunks in order, file offset -1 (append).</summary>
        SinglePass = 0,

        /// <summary>Several sessions, each starting with a seek: the scan data at its offset, then the header at 0.</summary>
        MultipassSeek = 1,

        /// <summary>Several sessions without seeks: the whole file, then the header rewritten at offset 0.</summary>
        MultipassRewrite = 2,
    }
}
