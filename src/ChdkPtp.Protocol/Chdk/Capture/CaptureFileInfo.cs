using System;

namespace ChdkPtp.Protocol.Chdk.Capture
{
    /// <summary>What is known about a capture file before its data arrives: what a destination needs to name it.</summary>
    public sealed class CaptureFileInfo
    {
        public CaptureFileInfo(CaptureFileFormat format, int imageNumber, int sequence, int shot, DateTime shotTime, string cameraSerial = null, string cameraModel = null)
        {
            Format = format;
            ImageNumber = imageNumber;
            Sequence = sequence;
            Shot = shot;
            ShotTime = shotTime;
            CameraSerial = cameraSerial ?? string.Empty;
            CameraModel = cameraModel ?? string.Empty;
        }

        public CaptureFileFormat Format { get; }

        /// <summary>The camera's image number (the <c>nnnn</c> of <c>IMG_nnnn</c>), as remote capture reports it.</summary>
        public int ImageNumber { get; }

        /// <summary>The run's shot sequence number (<see cref="RemoteCaptureOptions.StartSequence"/> + shot − 1).</summary>
        public int Sequence { get; }

        /// <summary>1 for the run's first shot, 2 for the next...</summary>
        public int Shot { get; }

        /// <summary>Local time on this computer when the shot's first data became available.</summary>
        public DateTime ShotTime { get; }

        public string CameraSerial { get; }

        public string CameraModel { get; }

        /// <summary><c>.jpg</c>, <c>.raw</c>, <c>.dng_hdr</c>, <c>.cr2</c> or <c>.dng</c>.</summary>
        public string Extension => CaptureFormatInfo.Extension(Format);

        /// <summary><c>IMG_nnnn</c> + extension: the default file name.</summary>
        public string DefaultName => "IMG_" + ImageNumber.ToString("0000", System.Globalization.CultureInfo.InvariantCulture) + Extension;

        public override string ToString() => DefaultName;
    }

    /// <summary>A file a shooting run saved.</summary>
    public sealed class CapturedFile
    {
        public CapturedFile(CaptureFileInfo info, string path, long length)
        {
            Info = info ?? throw new ArgumentNullException(nameof(info));
            Path = path;
            Length = length;
        }

        public CaptureFileInfo Info { get; }

        /// <summary>Where the destination put it (a local path for <see cref="FolderCaptureDestination"/>).</summary>
        public string Path { get; }

        public long Length { get; }

        public CaptureFileFormat Format => Info.Format;
        public int ImageNumber => Info.ImageNumber;
        public int Sequence => Info.Sequence;
        public int Shot => Info.Shot;
        public DateTime ShotTime => Info.ShotTime;

        public override string ToString() => Path ?? Info.DefaultName;
    }
}
