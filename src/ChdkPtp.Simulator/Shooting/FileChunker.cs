using System;
using System.Collections.Generic;

namespace ChdkPtp.Simulator.Shooting
{
    /// <summary>Splits a Canon file into the chunks the filewrite hook hands to remote capture (PROTOCOL.md §5.3).</summary>
    public static class FileChunker
    {
        /// <summary>
        /// The chunks of <paramref name="file"/> in delivery order. <paramref name="headerLength"/> is where the file's
        /// header ends (the multipass modes write it in a separate session).
        /// </summary>
        public static IReadOnlyList<FileChunk> Split(byte[] file, int headerLength, FileWriteMode mode, int chunkCount)
        {
            if (file == null) throw new ArgumentNullException(nameof(file));
            var list = new List<FileChunk>();
            if (mode == FileWriteMode.SinglePass || headerLength <= 0 || headerLength >= file.Length || file.Length < 4)
            {
                AddParts(list, file, 0, file.Length, Math.Max(1, chunkCount), -1);
                return list;
            }
            int n = Math.Max(2, chunkCount);
            if (mode == FileWriteMode.MultipassSeek)
            {
                // session 1: the scan data, written first at its own offset; session 2: the header, seeking back to 0
                AddParts(list, file, headerLength, file.Length - headerLength, n - 1, headerLength);
                AddParts(list, file, 0, headerLength, 1, 0);
            }
            else
            {
                // session 1: the whole file with a placeholder header; last session: the header again, at offset 0
                var draft = (byte[])file.Clone();
                Array.Clear(draft, 0, headerLength);
                AddParts(list, draft, 0, draft.Length, n - 1, -1);
                AddParts(list, file, 0, headerLength, 1, 0);
            }
            return list;
        }

        private static void AddParts(List<FileChunk> list, byte[] data, int start, int length, int parts, int firstPosition)
        {
            parts = Math.Max(1, Math.Min(parts, Math.Max(1, length)));
            int done = 0;
            for (int i = 0; i < parts; i++)
            {
                int size = (length - done) / (parts - i);
                list.Add(new FileChunk(data, start + done, size, i == 0 ? firstPosition : -1));
                done += size;
            }
        }

        /// <summary>Writes chunks as a client does (seek to a position when given, else append): the file they make.</summary>
        public static byte[] Reassemble(IEnumerable<FileChunk> chunks)
        {
            using (var ms = new System.IO.MemoryStream())
            {
                foreach (var c in chunks)
                {
                    if (c.Position >= 0) ms.Position = c.Position;
                    ms.Write(c.Data, c.Offset, c.Length);
                }
                return ms.ToArray();
            }
        }
    }
}
