using System;
using System.Collections.Generic;

namespace ChdkPtp.Protocol.Chdk.Capture
{
    /// <summary>
    /// What a remote capture run asks the camera for. <see cref="Jpeg"/>, <see cref="Raw"/>,
    /// <see cref="DngHeader"/> and <see cref="CanonRaw"/> are the camera's own data types (PROTOCOL.md §5.1),
    /// each saved as its own file; <see cref="Dng"/> asks for raw + DNG header and assembles one DNG file from
    /// them (it cannot be combined with <see cref="Raw"/> or <see cref="DngHeader"/>).
    /// </summary>
    [Flags]
    public enum RemoteCaptureFormats
    {
        None = 0,
        /// <summary>The camera's JPEG file (<c>.jpg</c>).</summary>
        Jpeg = 0x1,
        /// <summary>CHDK's raw framebuffer as the camera holds it, packed (<c>.raw</c>).</summary>
        Raw = 0x2,
        /// <summary>The DNG header alone (<c>.dng_hdr</c>).</summary>
        DngHeader = 0x4,
        /// <summary>Canon's raw file (<c>.cr2</c>, CHDK PTP 2.9, models with Canon raw).</summary>
        CanonRaw = 0x8,
        /// <summary>A complete DNG (<c>.dng</c>): header, thumbnail and byte-swapped raw.</summary>
        Dng = 0x10,
    }

    /// <summary>The kind of one file a remote capture run produces.</summary>
    public enum CaptureFileFormat
    {
        Jpeg,
        Raw,
        DngHeader,
        CanonRaw,
        Dng,
    }

    /// <summary>Names, extensions and wire types of the capture formats.</summary>
    public static class CaptureFormatInfo
    {
        /// <summary>The order chdkptp handles available data in: JPEG, raw, DNG header, Canon raw.</summary>
        public static readonly IReadOnlyList<CaptureTypes> HandlingOrder = new[] { CaptureTypes.Jpeg, CaptureTypes.Raw, CaptureTypes.DngHeader, CaptureTypes.CanonRaw };

        /// <summary>The lower-case extension with its dot: <c>.jpg</c>, <c>.raw</c>, <c>.dng_hdr</c>, <c>.cr2</c>, <c>.dng</c>.</summary>
        public static string Extension(CaptureFileFormat format)
        {
            switch (format)
            {
                case CaptureFileFormat.Jpeg: return ".jpg";
                case CaptureFileFormat.Raw: return ".raw";
                case CaptureFileFormat.DngHeader: return ".dng_hdr";
                case CaptureFileFormat.CanonRaw: return ".cr2";
                case CaptureFileFormat.Dng: return ".dng";
                default: throw new ArgumentOutOfRangeException(nameof(format));
            }
        }

        /// <summary>The upper-case format name chdkptp uses in names: <c>JPG</c>, <c>RAW</c>, <c>DNG_HDR</c>, <c>CR2</c>, <c>DNG</c>.</summary>
        public static string Name(CaptureFileFormat format)
        {
            switch (format)
            {
                case CaptureFileFormat.Jpeg: return "JPG";
                case CaptureFileFormat.Raw: return "RAW";
                case CaptureFileFormat.DngHeader: return "DNG_HDR";
                case CaptureFileFormat.CanonRaw: return "CR2";
                case CaptureFileFormat.Dng: return "DNG";
                default: throw new ArgumentOutOfRangeException(nameof(format));
            }
        }

        /// <summary>Words for messages: "JPEG", "CHDK raw", "DNG header", "Canon raw (CR2)".</summary>
        public static string Describe(CaptureTypes types)
        {
            var parts = new List<string>();
            if ((types & CaptureTypes.Jpeg) != 0) parts.Add("JPEG");
            if ((types & CaptureTypes.Raw) != 0) parts.Add("CHDK raw");
            if ((types & CaptureTypes.DngHeader) != 0) parts.Add("DNG header");
            if ((types & CaptureTypes.CanonRaw) != 0) parts.Add("Canon raw (CR2)");
            var rest = types & ~(CaptureTypes.Jpeg | CaptureTypes.Raw | CaptureTypes.DngHeader | CaptureTypes.CanonRaw);
            if (rest != 0) parts.Add("0x" + ((uint)rest).ToString("X"));
            return parts.Count == 0 ? "nothing" : string.Join(", ", parts);
        }

        /// <summary>
        /// Checks a request: at least one format, nothing unknown, DNG not together with raw or DNG header.
        /// </summary>
        /// <exception cref="ArgumentException">The request is empty or contradicts itself.</exception>
        public static void Validate(RemoteCaptureFormats formats)
        {
            const RemoteCaptureFormats all = RemoteCaptureFormats.Jpeg | RemoteCaptureFormats.Raw | RemoteCaptureFormats.DngHeader | RemoteCaptureFormats.CanonRaw | RemoteCaptureFormats.Dng;
            if (formats == RemoteCaptureFormats.None) throw new ArgumentException("Ask for at least one format (JPEG, raw, DNG header, Canon raw or DNG).", nameof(formats));
            if ((formats & ~all) != 0) throw new ArgumentException($"Unknown capture format bits 0x{(int)(formats & ~all):X}.", nameof(formats));
            if ((formats & RemoteCaptureFormats.Dng) != 0 && (formats & (RemoteCaptureFormats.Raw | RemoteCaptureFormats.DngHeader)) != 0)
                throw new ArgumentException("DNG is assembled from the raw data and the DNG header; it cannot be asked for together with Raw or DngHeader.", nameof(formats));
        }

        /// <summary>The data types the camera must send for <paramref name="formats"/> (the init_usb_capture bits).</summary>
        public static CaptureTypes WireTypes(RemoteCaptureFormats formats)
        {
            var t = CaptureTypes.None;
            if ((formats & RemoteCaptureFormats.Jpeg) != 0) t |= CaptureTypes.Jpeg;
            if ((formats & RemoteCaptureFormats.Raw) != 0) t |= CaptureTypes.Raw;
            if ((formats & RemoteCaptureFormats.DngHeader) != 0) t |= CaptureTypes.DngHeader;
            if ((formats & RemoteCaptureFormats.CanonRaw) != 0) t |= CaptureTypes.CanonRaw;
            if ((formats & RemoteCaptureFormats.Dng) != 0) t |= CaptureTypes.Raw | CaptureTypes.DngHeader;
            return t;
        }

        /// <summary>The files each shot produces, one per format, in enum order (the camera sends DNG header,
        /// raw, JPEG, CR2 in that order, so a shot's files are completed in that order).</summary>
        public static IReadOnlyList<CaptureFileFormat> OutputFormats(RemoteCaptureFormats formats)
        {
            var r = new List<CaptureFileFormat>();
            if ((formats & RemoteCaptureFormats.Jpeg) != 0) r.Add(CaptureFileFormat.Jpeg);
            if ((formats & RemoteCaptureFormats.Raw) != 0) r.Add(CaptureFileFormat.Raw);
            if ((formats & RemoteCaptureFormats.DngHeader) != 0) r.Add(CaptureFileFormat.DngHeader);
            if ((formats & RemoteCaptureFormats.CanonRaw) != 0) r.Add(CaptureFileFormat.CanonRaw);
            if ((formats & RemoteCaptureFormats.Dng) != 0) r.Add(CaptureFileFormat.Dng);
            return r;
        }

        /// <summary>True when line ranges apply (raw data is requested, directly or for a DNG).</summary>
        public static bool UsesRaw(RemoteCaptureFormats formats) => (formats & (RemoteCaptureFormats.Raw | RemoteCaptureFormats.Dng)) != 0;
    }
}
