using System;
using ChdkPtp.Protocol.Chdk.Files;

namespace ChdkPtp
{
    /// <summary>A file or folder on the camera's card, as Get-ChdkItem lists it (named as FileInfo names them).</summary>
    public sealed class ChdkItem
    {
        internal ChdkItem(CameraItem item, ChdkSession session)
        {
            Item = item ?? throw new ArgumentNullException(nameof(item));
            Session = session;
        }

        /// <summary>The protocol-level item.</summary>
        public CameraItem Item { get; }

        public string Name => Item.Name;

        /// <summary>The camera path, e.g. A/DCIM/100CANON/IMG_0001.JPG.</summary>
        public string FullName => Item.FullName;

        public string DirectoryName => Item.DirectoryName;

        public long Length => Item.Length;

        /// <summary>Modification time in the camera's local time.</summary>
        public DateTime LastWriteTime => Item.LastWriteTime;

        public bool IsDirectory => Item.IsDirectory;

        /// <summary>The FAT attribute byte.</summary>
        public FatAttributes Attributes => Item.Attributes;

        /// <summary>The image number of DCIM-style names (IMG_1234.JPG gives 1234), else null.</summary>
        public int? ImageNumber => Item.ImageNumber;

        /// <summary>Get-ChildItem-style mode string: d (directory), a (archive), r (read-only), h (hidden), s (system).</summary>
        public string Mode =>
            (IsDirectory ? "d" : "-") +
            ((Attributes & FatAttributes.Archive) != 0 ? "a" : "-") +
            ((Attributes & FatAttributes.ReadOnly) != 0 ? "r" : "-") +
            ((Attributes & FatAttributes.Hidden) != 0 ? "h" : "-") +
            ((Attributes & FatAttributes.System) != 0 ? "s" : "-");

        public ChdkSession Session { get; }

        public override string ToString() => FullName;
    }
}
