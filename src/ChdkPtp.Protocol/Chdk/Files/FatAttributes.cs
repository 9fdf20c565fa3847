using System;

namespace ChdkPtp.Protocol.Chdk.Files
{
    /// <summary>The FAT directory-entry attribute byte, as CHDK's <c>os.stat</c> reports it in <c>attrib</c>.</summary>
    [Flags]
    public enum FatAttributes
    {
        None = 0,
        ReadOnly = 0x01,
        Hidden = 0x02,
        System = 0x04,
        VolumeLabel = 0x08,
        Directory = 0x10,
        Archive = 0x20,
    }
}
