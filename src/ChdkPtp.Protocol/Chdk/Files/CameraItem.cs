using System;

namespace ChdkPtp.Protocol.Chdk.Files
{
    /// <summary>
    /// A file or folder on the camera's card, as <c>os.stat</c> describes it. Property names follow
    /// <see cref="System.IO.FileInfo"/>. The name is whatever the camera reported: before using it for a
    /// local path, check it with <see cref="CameraPath.IsSafeName"/>.
    /// </summary>
    public sealed class CameraItem
    {
        private static readonly DateTime s_epoch = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);

        /// <param name="directoryName">The containing folder (a normalised camera path such as <c>A/DCIM</c> or <c>A/</c>).</param>
        /// <param name="name">The entry name.</param>
        /// <param name="length">Size in bytes (0 for folders).</param>
        /// <param name="lastWriteSeconds">CHDK's mtime: camera-local seconds since 1970.</param>
        /// <param name="attributes">The FAT attribute byte.</param>
        /// <param name="isDirectory">os.stat's is_dir.</param>
        /// <param name="depth">0 for the items the listed path names, 1 for their children, ...</param>
        public CameraItem(string directoryName, string name, long length, long lastWriteSeconds, FatAttributes attributes, bool isDirectory, int depth = 0)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            DirectoryName = directoryName ?? throw new ArgumentNullException(nameof(directoryName));
            FullName = CameraPath.Join(directoryName, name);
            Length = length;
            LastWriteSeconds = lastWriteSeconds;
            Attributes = attributes;
            IsDirectory = isDirectory;
            Depth = depth;
            ImageNumber = isDirectory ? null : ParseImageNumber(name);
        }

        public string Name { get; }

        /// <summary>The camera path, e.g. <c>A/DCIM/100CANON/IMG_0001.JPG</c>.</summary>
        public string FullName { get; }

        /// <summary>The containing folder's camera path (<c>A/</c> for the root).</summary>
        public string DirectoryName { get; }

        public long Length { get; }

        /// <summary>Camera-local time (Kind Unspecified: cameras keep no time zone).</summary>
        public DateTime LastWriteTime => ToDateTime(LastWriteSeconds);

        /// <summary>The raw mtime: camera-local seconds since 1970-01-01 00:00.</summary>
        public long LastWriteSeconds { get; }

        public bool IsDirectory { get; }

        public FatAttributes Attributes { get; }

        /// <summary>The 4 digits of DCIM names like <c>IMG_1234.JPG</c> (three letters, <c>_</c>, four digits, a
        /// three-character extension); null for other names and for folders.</summary>
        public int? ImageNumber { get; }

        /// <summary>0 for the items the listed path names (a folder's contents, a wildcard's matches, a named
        /// file), 1 for the children of those, and so on.</summary>
        public int Depth { get; }

        public override string ToString() => FullName;

        /// <summary>Camera-local seconds since 1970 as a DateTime of Kind Unspecified (clamped to DateTime's range).</summary>
        public static DateTime ToDateTime(long cameraSeconds)
        {
            const long min = -62135596800L, max = 253402300799L;
            if (cameraSeconds < min) cameraSeconds = min;
            if (cameraSeconds > max) cameraSeconds = max;
            return s_epoch.AddSeconds(cameraSeconds);
        }

        /// <summary>A DateTime (its wall-clock value, whatever its Kind) as camera-local seconds since 1970.</summary>
        public static long ToCameraSeconds(DateTime localTime) =>
            (long)Math.Floor((DateTime.SpecifyKind(localTime, DateTimeKind.Unspecified) - s_epoch).TotalSeconds);

        /// <summary>The image number of a DCIM-style name (<c>AAA_1234.EXT</c>), else null.</summary>
        public static int? ParseImageNumber(string name)
        {
            if (name == null || name.Length != 12 || name[3] != '_' || name[8] != '.') return null;
            for (int i = 0; i < 3; i++)
                if (!IsAsciiLetter(name[i])) return null;
            int n = 0;
            for (int i = 4; i < 8; i++)
            {
                char c = name[i];
                if (c < '0' || c > '9') return null;
                n = n * 10 + (c - '0');
            }
            for (int i = 9; i < 12; i++)
                if (!IsAsciiLetter(name[i]) && (name[i] < '0' || name[i] > '9')) return null;
            return n;
        }

        private static bool IsAsciiLetter(char c) => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }
}
