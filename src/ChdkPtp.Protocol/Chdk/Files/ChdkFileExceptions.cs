using System;

namespace ChdkPtp.Protocol.Chdk.Files
{
    /// <summary>A camera file operation failed; the camera's own message and errno are kept when it gave them.</summary>
    public class ChdkFileSystemException : ChdkException
    {
        public ChdkFileSystemException(string path, string message, string cameraMessage = null, int? errno = null, Exception inner = null)
            : base(message, inner)
        {
            Path = path;
            CameraMessage = cameraMessage;
            Errno = errno;
        }

        /// <summary>The camera path the operation was about.</summary>
        public string Path { get; }

        /// <summary>What the camera said, e.g. <c>A/X: Invalid argument</c>; null when it said nothing.</summary>
        public string CameraMessage { get; }

        /// <summary>The camera's errno (2 = ENOENT, 17 = EEXIST, 20 = ENOTDIR, 22 = EINVAL, 39 = ENOTEMPTY ...), when known.</summary>
        public int? Errno { get; }
    }

    /// <summary>The camera path does not exist.</summary>
    public class ChdkFileNotFoundException : ChdkFileSystemException
    {
        public ChdkFileNotFoundException(string path, string cameraMessage = null, int? errno = null)
            : base(path, $"Cannot find the camera path '{path}' because it does not exist.", cameraMessage, errno) { }
    }
}
