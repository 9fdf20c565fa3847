using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;

namespace ChdkPtp.Protocol.Chdk.Capture
{
    /// <summary>
    /// Where captured files go. A shooting run calls <see cref="Create"/> once per file, writes the data into
    /// <see cref="ICaptureFile.Stream"/> (seeking as the camera's chunk offsets say), then calls
    /// <see cref="ICaptureFile.Commit"/>; disposing an uncommitted file abandons it (error, cancellation).
    /// Calls come from the thread that enumerates the run.
    /// </summary>
    public interface ICaptureDestination
    {
        /// <exception cref="IOException">The file cannot be created (e.g. <see cref="CaptureFileExistsException"/>).</exception>
        ICaptureFile Create(CaptureFileInfo file);
    }

    /// <summary>One file being written. Dispose without <see cref="Commit"/> removes what was written.</summary>
    public interface ICaptureFile : IDisposable
    {
        /// <summary>Writable and seekable.</summary>
        Stream Stream { get; }

        /// <summary>Completes the file and returns where it now is (a path, or a name for in-memory destinations).</summary>
        string Commit();
    }

    /// <summary>What <see cref="FolderCaptureDestination"/> does when the final name is taken.</summary>
    public enum CaptureConflictAction
    {
        /// <summary>Throw <see cref="CaptureFileExistsException"/> (the run stops; the camera's data for that file is dropped).</summary>
        Fail,
        /// <summary>Replace the existing file.</summary>
        Overwrite,
        /// <summary>Keep both: the new file gets <c>name (1).ext</c>, <c>name (2).ext</c>...</summary>
        KeepBoth,
    }

    /// <summary>
    /// Files in a local folder named by a <see cref="CaptureNameTemplate"/> (default <c>IMG_nnnn.ext</c>),
    /// creating sub-folders the template names. Each file is written under a temporary name in its final
    /// folder (<c>name.xxxxxxxx.partial</c>) and renamed when complete, so a half-written file never carries
    /// the final name; an abandoned file is deleted.
    /// </summary>
    public sealed class FolderCaptureDestination : ICaptureDestination
    {
        /// <summary>Ending of temporary files.</summary>
        public const string PartialSuffix = ".partial";

        /// <param name="folder">The destination folder (created if missing).</param>
        /// <param name="template">A name template, or null for <see cref="CaptureNameTemplate.DefaultTemplate"/>.</param>
        /// <param name="conflict">What to do when a name is taken.</param>
        /// <exception cref="CaptureTemplateException">The template is malformed or unsafe.</exception>
        public FolderCaptureDestination(string folder, string template = null, CaptureConflictAction conflict = CaptureConflictAction.Fail)
        {
            if (string.IsNullOrEmpty(folder)) throw new ArgumentException("A destination folder is required.", nameof(folder));
            Folder = Path.GetFullPath(folder);
            Template = CaptureNameTemplate.Parse(template ?? CaptureNameTemplate.DefaultTemplate);
            Conflict = conflict;
        }

        public string Folder { get; }

        public CaptureNameTemplate Template { get; }

        public CaptureConflictAction Conflict { get; }

        /// <summary>The final local path a file would get (before conflict handling).</summary>
        /// <exception cref="CaptureTemplateException">The expansion is unsafe.</exception>
        public string PathFor(CaptureFileInfo file)
        {
            var parts = Template.ExpandComponents(file);
            string path = Folder;
            foreach (var p in parts) path = Path.Combine(path, p);
            var full = Path.GetFullPath(path);
            var root = Folder.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;
            if (!full.StartsWith(root, StringComparison.Ordinal))
                throw new CaptureTemplateException($"The name template '{Template.Text}' gives a path outside '{Folder}'.", Template.Text);
            return full;
        }

        /// <summary>
        /// Refuses, before any shot, a template that would give two files of a run the same name: several formats
        /// per shot without <c>{Extension}</c> or <c>{Format}</c> (always: one format would replace the other), or,
        /// when that is an error (<see cref="CaptureConflictAction.Fail"/>), several shots without any per-shot token
        /// (<c>{ImageNumber}</c>, <c>{BaseName}</c>, <c>{Sequence}</c>, <c>{Shot}</c>, <c>{Date}</c>, <c>{Time}</c>);
        /// with <see cref="CaptureConflictAction.Overwrite"/> one name for every shot is allowed (a "latest picture").
        /// Callers call it with the run's formats and number of shots before shooting.
        /// </summary>
        /// <exception cref="CaptureTemplateException">Names would collide.</exception>
        public void CheckNames(RemoteCaptureFormats formats, int shots)
        {
            if (CaptureFormatInfo.OutputFormats(formats).Count > 1 && !Template.SeparatesFormats)
                throw new CaptureTemplateException($"The name template '{Template.Text}' gives every format of a shot the same name; add {{Extension}} or {{Format}}.", Template.Text);
            if (Conflict != CaptureConflictAction.Fail) return;
            if (shots > 1 && !Template.VariesPerShot)
                throw new CaptureTemplateException($"The name template '{Template.Text}' gives every shot the same name; add {{ImageNumber}}, {{Sequence}} or {{Shot}}.", Template.Text);
        }

        public ICaptureFile Create(CaptureFileInfo file)
        {
            var final = PathFor(file);
            if (Conflict == CaptureConflictAction.Fail && (File.Exists(final) || Directory.Exists(final)))
                throw new CaptureFileExistsException(final);
            var dir = Path.GetDirectoryName(final);
            Directory.CreateDirectory(dir);
            string temp = final + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + PartialSuffix;
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920);
            return new FolderFile(this, final, temp, stream);
        }

        private sealed class FolderFile : ICaptureFile
        {
            private readonly FolderCaptureDestination _owner;
            private readonly string _final;
            private readonly string _temp;
            private FileStream _stream;
            private bool _done;

            public FolderFile(FolderCaptureDestination owner, string final, string temp, FileStream stream)
            {
                _owner = owner;
                _final = final;
                _temp = temp;
                _stream = stream;
            }

            public Stream Stream => _stream ?? throw new ObjectDisposedException(nameof(ICaptureFile));

            public string Commit()
            {
                if (_done) throw new InvalidOperationException("The file was already completed or abandoned.");
                _stream.Flush(true);
                _stream.Dispose();
                _stream = null;
                string target = _final;
                try
                {
                    switch (_owner.Conflict)
                    {
                        case CaptureConflictAction.Overwrite:
                            if (Directory.Exists(target)) throw new CaptureFileExistsException(target);
                            IO.LocalFile.MoveIntoPlace(_temp, target);
                            break;
                        case CaptureConflictAction.KeepBoth:
                            target = MoveUnique(_temp, target);
                            break;
                        default:
                            if (File.Exists(target) || Directory.Exists(target)) throw new CaptureFileExistsException(target);
                            File.Move(_temp, target);
                            break;
                    }
                }
                catch
                {
                    TryDelete(_temp);
                    _done = true;
                    throw;
                }
                _done = true;
                return target;
            }

            private static string MoveUnique(string temp, string target)
            {
                string dir = Path.GetDirectoryName(target);
                string stem = Path.GetFileNameWithoutExtension(target);
                string ext = Path.GetExtension(target);
                string candidate = target;
                for (int n = 1; ; n++)
                {
                    if (!File.Exists(candidate) && !Directory.Exists(candidate))
                    {
                        try
                        {
                            File.Move(temp, candidate);
                            return candidate;
                        }
                        catch (IOException) when (File.Exists(candidate) && n < 10000)
                        {
                            // taken in between: try the next number
                        }
                    }
                    if (n >= 10000) throw new CaptureFileExistsException(target);
                    candidate = Path.Combine(dir, stem + " (" + n.ToString(CultureInfo.InvariantCulture) + ")" + ext);
                }
            }

            public void Dispose()
            {
                if (_done) return;
                _done = true;
                try { _stream?.Dispose(); } catch (IOException) { }
                _stream = null;
                TryDelete(_temp);
            }

            private static void TryDelete(string path)
            {
                try { if (File.Exists(path)) File.Delete(path); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
    }

    /// <summary>Keeps captured files in memory (tests, or callers that process the bytes themselves).</summary>
    public sealed class MemoryCaptureDestination : ICaptureDestination
    {
        private readonly List<MemoryCapturedFile> _files = new List<MemoryCapturedFile>();
        private readonly CaptureNameTemplate _template;

        /// <param name="template">Names reported by Commit; null for the default template.</param>
        public MemoryCaptureDestination(string template = null)
        {
            _template = CaptureNameTemplate.Parse(template ?? CaptureNameTemplate.DefaultTemplate);
        }

        /// <summary>Completed files, in order.</summary>
        public IReadOnlyList<MemoryCapturedFile> Files
        {
            get { lock (_files) return _files.ToArray(); }
        }

        public ICaptureFile Create(CaptureFileInfo file) => new MemoryFile(this, file, _template.Expand(file));

        private sealed class MemoryFile : ICaptureFile
        {
            private readonly MemoryCaptureDestination _owner;
            private readonly CaptureFileInfo _info;
            private readonly string _name;
            private MemoryStream _stream = new MemoryStream();

            public MemoryFile(MemoryCaptureDestination owner, CaptureFileInfo info, string name)
            {
                _owner = owner;
                _info = info;
                _name = name;
            }

            public Stream Stream => _stream ?? throw new ObjectDisposedException(nameof(ICaptureFile));

            public string Commit()
            {
                var s = Interlocked.Exchange(ref _stream, null) ?? throw new InvalidOperationException("The file was already completed or abandoned.");
                lock (_owner._files) _owner._files.Add(new MemoryCapturedFile(_info, _name, s.ToArray()));
                return _name;
            }

            public void Dispose() => _stream = null;
        }
    }

    /// <summary>A file <see cref="MemoryCaptureDestination"/> holds.</summary>
    public sealed class MemoryCapturedFile
    {
        public MemoryCapturedFile(CaptureFileInfo info, string name, byte[] data)
        {
            Info = info;
            Name = name;
            Data = data;
        }

        public CaptureFileInfo Info { get; }
        public string Name { get; }
        public byte[] Data { get; }
    }
}
