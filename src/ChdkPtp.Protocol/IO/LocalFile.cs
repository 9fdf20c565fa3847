using System.IO;

namespace ChdkPtp.Protocol.IO
{
    /// <summary>Local files written under a temporary name and put in place when complete.</summary>
    public static class LocalFile
    {
        /// <summary>
        /// Gives the completed <paramref name="temp"/> its final name: replaces an existing
        /// <paramref name="final"/> in one step (File.Replace, a rename on Unix), or moves when there is none (which
        /// fails if a file appeared meanwhile). Either way the final name never holds a partial file.
        /// </summary>
        public static void MoveIntoPlace(string temp, string final)
        {
            if (File.Exists(final)) File.Replace(temp, final, null, true);
            else File.Move(temp, final);
        }
    }
}
