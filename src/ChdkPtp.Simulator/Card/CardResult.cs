using System;

namespace ChdkPtp.Simulator.Card
{
    /// <summary>errno values the virtual card reports (newlib / Linux numbering) and their strerror texts.</summary>
    public static class CardErrno
    {
        public const int ENOENT = 2;
        public const int EIO = 5;
        public const int EBADF = 9;
        public const int EACCES = 13;
        public const int EEXIST = 17;
        public const int EXDEV = 18;
        public const int ENOTDIR = 20;
        public const int EISDIR = 21;
        public const int EINVAL = 22;
        public const int EMFILE = 24;
        public const int ENOSPC = 28;
        public const int ENAMETOOLONG = 36;
        public const int ENOTEMPTY = 39;

        public static string StrError(int errno)
        {
            switch (errno)
            {
                case ENOENT: return "No such file or directory";
                case EIO: return "Input/output error";
                case EBADF: return "Bad file descriptor";
                case EACCES: return "Permission denied";
                case EEXIST: return "File exists";
                case EXDEV: return "Invalid cross-device link";
                case ENOTDIR: return "Not a directory";
                case EISDIR: return "Is a directory";
                case EINVAL: return "Invalid argument";
                case EMFILE: return "Too many open files";
                case ENOSPC: return "No space left on device";
                case ENAMETOOLONG: return "File name too long";
                case ENOTEMPTY: return "Directory not empty";
                default: return "Unknown error " + errno;
            }
        }
    }

    /// <summary>
    /// Outcome of a card operation, CHDK style: either success (with a value) or an error message
    /// <c>"&lt;path&gt;: &lt;strerror&gt;"</c> and an errno. Card operations never throw for file-system errors.
    /// </summary>
    public readonly struct CardResult<T>
    {
        private CardResult(bool ok, T value, string message, int errno)
        {
            Ok = ok;
            Value = value;
            Message = message;
            Errno = errno;
        }

        public bool Ok { get; }
        public T Value { get; }

        /// <summary>Null on success, else <c>"&lt;camera path&gt;: &lt;strerror&gt;"</c>.</summary>
        public string Message { get; }

        /// <summary>0 on success.</summary>
        public int Errno { get; }

        public static CardResult<T> Success(T value) => new CardResult<T>(true, value, null, 0);

        public static CardResult<T> Failure(string path, int errno) =>
            new CardResult<T>(false, default(T), (path ?? "") + ": " + CardErrno.StrError(errno), errno);

        public CardResult<TOther> CastError<TOther>()
        {
            if (Ok) throw new InvalidOperationException("not an error");
            return CardResult<TOther>.FromError(Message, Errno);
        }

        internal static CardResult<T> FromError(string message, int errno) => new CardResult<T>(false, default(T), message, errno);

        public override string ToString() => Ok ? "ok: " + Value : Message + " (errno " + Errno + ")";
    }

    /// <summary>What <see cref="VirtualCard.Stat"/> returns, in CHDK's <c>os.stat</c> terms.</summary>
    public sealed class CardStat
    {
        public long Size { get; set; }

        /// <summary>Modification time, camera-local seconds since 1970 (as a camera's FAT time stamp reads).</summary>
        public long MTime { get; set; }

        /// <summary>Creation time, camera-local seconds since 1970.</summary>
        public long CTime { get; set; }

        /// <summary>FAT attribute byte: 0x01 read-only, 0x10 directory, 0x20 archive.</summary>
        public int Attributes { get; set; }

        public bool IsDirectory { get; set; }
        public bool IsFile { get; set; }
    }
}
