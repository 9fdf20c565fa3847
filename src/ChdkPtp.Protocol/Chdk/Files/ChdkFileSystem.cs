using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using ChdkPtp.Protocol.Chdk.Scripting;
using ChdkPtp.Protocol.Ptp;

namespace ChdkPtp.Protocol.Chdk.Files
{
    /// <summary>
    /// The camera's card through CHDK: listings and file operations run small Lua scripts (one script per
    /// call), transfers use UploadFile / TempData + DownloadFile. Methods are not thread-safe with respect to
    /// each other: while a <see cref="List"/> enumeration is in progress its script runs on the camera, so other
    /// script-based calls (Stat, MakeDirectory, Remove, Rename, SetLastWriteTime, Download by path) fail with
    /// <see cref="ChdkScriptRunningException"/> until it ends; <see cref="Download(CameraItem, System.IO.Stream, IProgress{long}, CancellationToken)"/>
    /// and <see cref="Upload"/> need no script and work during a listing.
    /// </summary>
    public sealed partial class ChdkFileSystem
    {
        public ChdkFileSystem(ChdkClient client)
        {
            Client = client ?? throw new ArgumentNullException(nameof(client));
        }

        public ChdkClient Client { get; }

        /// <summary>Longest wait for one of the small scripts (Stat, MakeDirectory, ...).</summary>
        public TimeSpan ScriptTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Kill a script already running on the camera instead of failing (small scripts; List has its own option).</summary>
        public bool KillRunningScript { get; set; }

        /// <summary>Receives warnings (messages of other scripts that were dropped, ...).</summary>
        public Action<string> Warning { get; set; }

        // ---------------------------------------------------------------------------------------
        // listing

        /// <summary>
        /// Lists <paramref name="path"/> with one camera script, streaming: items are yielded as the batched
        /// USER messages arrive. A folder lists its contents; a file lists itself; wildcards in the last
        /// component(s) (<c>A/DCIM/*/IMG_*.JPG</c>) list the matching items themselves (folders among them are
        /// not expanded unless <see cref="CameraListOptions.Recurse"/>). No match is not an error (nothing is
        /// yielded). Stopping the enumeration early (Dispose) kills the camera script.
        /// </summary>
        /// <exception cref="ChdkFileNotFoundException">The path (before any wildcard) does not exist.</exception>
        /// <exception cref="ChdkFileSystemException">The camera refused the path (its message and errno are kept).</exception>
        /// <exception cref="ArgumentException">A <c>.</c>/<c>..</c>/control-character component, a malformed wildcard, contradicting options.</exception>
        public IEnumerable<CameraItem> List(string path, CameraListOptions options = null, CancellationToken cancel = default)
        {
            var o = (options ?? new CameraListOptions()).Clone();
            if (o.FilesOnly && o.DirectoriesOnly) throw new ArgumentException("FilesOnly and DirectoriesOnly exclude each other.", nameof(options));
            if (o.Depth.HasValue && o.Depth.Value < 0) throw new ArgumentOutOfRangeException(nameof(options), "Depth must be 0 or more.");
            if (o.BatchSize < 1 || o.BatchSize > 500) throw new ArgumentOutOfRangeException(nameof(options), "BatchSize must be 1 to 500.");
            if (o.MaxItems.HasValue && o.MaxItems.Value < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxItems must be at least 1.");
            if (o.MessageTimeout <= TimeSpan.Zero || o.MessageTimeout.TotalMilliseconds > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(options), "MessageTimeout must be positive and fit 32 bits of milliseconds.");

            var normal = CameraPath.Normalize(path);
            var parts = CameraPath.Components(normal);
            int firstWild = Array.FindIndex(parts, CameraPath.HasWildcard);
            var literal = new List<string>();
            var patterns = new List<object>();
            for (int i = 0; i < parts.Length; i++)
            {
                if (firstWild < 0 || i < firstWild)
                {
                    var name = CameraPath.Unescape(parts[i]);
                    if (!CameraPath.IsSafeName(name))
                        throw new ArgumentException($"The camera path '{path}' has the component '{CameraPath.Printable(name)}', which is not allowed (empty, '.', '..' or a control character).", nameof(path));
                    literal.Add(name);
                }
                else
                {
                    if (parts[i] == "." || parts[i] == "..")
                        throw new ArgumentException($"The camera path '{path}' has a '{parts[i]}' component, which is not allowed.", nameof(path));
                    patterns.Add(CameraPath.ToLuaPattern(parts[i]));
                }
            }
            var basePath = literal.Count == 0 ? CameraPath.Root : CameraPath.Root + string.Join("/", literal);
            object filter = string.IsNullOrEmpty(o.Filter) ? null : CameraPath.ToLuaPattern(o.Filter);
            int maxDepth = o.Depth ?? (o.Recurse ? -1 : 0);
            int mode = o.FilesOnly ? 1 : o.DirectoriesOnly ? 2 : 0;
            string parent = CameraPath.GetDirectoryName(basePath) ?? CameraPath.Root;
            string leaf = CameraPath.GetFileName(basePath);
            var args = new object[]
            {
                basePath, parent, leaf, patterns, filter, maxDepth, mode, o.BatchSize,
                (int)o.MessageTimeout.TotalMilliseconds, o.MaxItems ?? -1,
            };
            return ListIterator(basePath, args, o, cancel);
        }

        private IEnumerable<CameraItem> ListIterator(string basePath, object[] args, CameraListOptions o, CancellationToken cancel)
        {
            cancel.ThrowIfCancellationRequested();
            uint id = ScriptRunner.Start(Client, CameraScripts.List, args, o.KillRunningScript, Warning);
            bool ended = false;
            var clock = Stopwatch.StartNew();
            var pending = new Queue<CameraItem>();
            var returns = new List<object>();
            var state = new ListState();
            try
            {
                var delay = TimeSpan.FromMilliseconds(2);
                while (true)
                {
                    cancel.ThrowIfCancellationRequested();
                    var status = Client.GetScriptStatus();
                    if ((status & ScriptStatus.MessagesQueued) != 0)
                    {
                        var m = Client.ReadScriptMessage();
                        if (m != null)
                        {
                            if (m.ScriptId != id)
                            {
                                Warning?.Invoke($"Dropped a {m.Type} message from script {m.ScriptId} while listing {basePath}.");
                            }
                            else if (m.Type == ScriptMessageType.Error)
                            {
                                ended = true;
                                throw ScriptRunner.ToException(m, id);
                            }
                            else if (m.Type == ScriptMessageType.Return)
                            {
                                returns.Add(ScriptRunner.DecodeValue(m, Warning));
                            }
                            else if (m.Type == ScriptMessageType.User)
                            {
                                Decode(m, state, pending);
                            }
                        }
                        while (pending.Count > 0)
                        {
                            if (o.MaxItems.HasValue && state.Yielded >= o.MaxItems.Value) { pending.Clear(); break; }
                            state.Yielded++;
                            yield return pending.Dequeue();
                        }
                        delay = TimeSpan.FromMilliseconds(2);
                        continue;
                    }
                    if ((status & ScriptStatus.Running) == 0)
                    {
                        ended = true;
                        break;
                    }
                    if (o.Timeout.HasValue && clock.Elapsed >= o.Timeout.Value)
                        throw new ChdkTimeoutException($"Listing {basePath} took longer than {o.Timeout.Value.TotalSeconds:0.###} s.");
                    if (cancel.WaitHandle.WaitOne(delay)) cancel.ThrowIfCancellationRequested();
                    var next = TimeSpan.FromTicks(delay.Ticks * 2);
                    delay = next > TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) : next;
                }
            }
            finally
            {
                if (!ended) TryKill();
            }
            if (returns.Count >= 1 && returns[0] is bool ok && ok) yield break;
            throw ErrorFromReturns(basePath, returns, "list");
        }

        private sealed class ListState
        {
            public string Directory;
            public int Depth;
            public int Yielded;
        }

        private static void Decode(ChdkScriptMessage m, ListState state, Queue<CameraItem> into)
        {
            if (m.DataType != ScriptDataType.Table)
                throw new PtpProtocolException($"A listing message should be a table; it is a {m.DataType}.");
            object value;
            try { value = LuaValueReader.Parse(m.Data); }
            catch (LuaValueFormatException ex) { throw new PtpProtocolException("A listing message could not be read: " + ex.Message, ex); }
            if (!(value is object[] batch)) throw new PtpProtocolException("A listing message is not an array.");
            foreach (var element in batch)
            {
                if (element is object[] e && e.Length == 2 && e[0] is string dir && e[1] is int depth)
                {
                    state.Directory = dir;
                    state.Depth = depth;
                }
                else if (element is object[] f && f.Length == 5 && f[0] is string name && f[1] is int size && f[2] is int mtime && f[3] is int attrib && f[4] is bool isDir)
                {
                    if (state.Directory == null) throw new PtpProtocolException("A listing message has an item before its folder.");
                    into.Enqueue(new CameraItem(state.Directory, name, (uint)size, mtime, (FatAttributes)(attrib & 0xFF), isDir, state.Depth));
                }
                else throw new PtpProtocolException("A listing message has an element of unexpected shape.");
            }
        }

        private void TryKill()
        {
            try { ScriptRunner.Kill(Client, true, TimeSpan.FromSeconds(5), CancellationToken.None); }
            catch (Exception ex) when (ex is PtpException || ex is ObjectDisposedException)
            {
                Warning?.Invoke("Stopping the listing script failed: " + ex.Message);
            }
        }

        // ---------------------------------------------------------------------------------------
        // single operations

        /// <summary>The item at <paramref name="path"/>, or null when it does not exist.</summary>
        /// <exception cref="ChdkFileSystemException">The camera refused the path for another reason (e.g. <c>A/NUL</c>: EINVAL).</exception>
        public CameraItem Stat(string path, CancellationToken cancel = default)
        {
            var p = CameraPath.Validate(path);
            var r = RunScript(CameraScripts.Stat, cancel, p);
            if (r.Count >= 1 && r[0] is object[] t && t.Length == 4 && t[0] is int size && t[1] is int mtime && t[2] is int attrib && t[3] is bool isDir)
            {
                if (p == CameraPath.Root) return new CameraItem(CameraPath.Root, string.Empty, 0, 0, FatAttributes.Directory, true);
                return new CameraItem(CameraPath.GetDirectoryName(p), CameraPath.GetFileName(p), (uint)size, mtime, (FatAttributes)(attrib & 0xFF), isDir);
            }
            var error = ErrorFromReturns(p, r, "stat");
            if (error is ChdkFileNotFoundException) return null;
            throw error;
        }

        /// <summary>Creates the folder and every missing level above it (chdkptp's mkdir_m). An existing folder is fine;
        /// a file in the way is a <see cref="ChdkFileSystemException"/> (errno 20).</summary>
        public void MakeDirectory(string path, CancellationToken cancel = default)
        {
            var p = CameraPath.Validate(path);
            var parts = CameraPath.Components(p);
            if (parts.Length == 0) return;
            Check(p, RunScript(CameraScripts.MakeDirectory, cancel, (object)parts), "create the folder"); // one argument: the list of levels
        }

        /// <summary>Removes a file or an empty folder (os.remove).</summary>
        public void Remove(string path, CancellationToken cancel = default)
        {
            var p = CameraPath.Validate(path);
            if (p == CameraPath.Root) throw new ArgumentException("The root of the card cannot be removed.", nameof(path));
            Check(p, RunScript(CameraScripts.Remove, cancel, p), "remove");
        }

        /// <summary>Sets the modification time (os.utime), in camera-local seconds since 1970
        /// (<see cref="CameraItem.ToCameraSeconds"/> converts a local DateTime).</summary>
        public void SetLastWriteTime(string path, long cameraSeconds, CancellationToken cancel = default)
        {
            var p = CameraPath.Validate(path);
            if (cameraSeconds < 0 || cameraSeconds > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(cameraSeconds), "CHDK times are 32-bit seconds since 1970 (1970 to 2038).");
            Check(p, RunScript(CameraScripts.SetTime, cancel, p, (int)cameraSeconds), "set the time of");
        }

        /// <summary>Renames or moves a file or folder on the card (os.rename; the target must not exist).</summary>
        public void Rename(string from, string to, CancellationToken cancel = default)
        {
            var a = CameraPath.Validate(from, nameof(from));
            var b = CameraPath.Validate(to, nameof(to));
            if (a == CameraPath.Root || b == CameraPath.Root) throw new ArgumentException("The root of the card cannot be renamed.");
            Check(a, RunScript(CameraScripts.Rename, cancel, a, b), "rename");
        }

        private IReadOnlyList<object> RunScript(string code, CancellationToken cancel, params object[] args)
        {
            var options = new ScriptRunOptions { Timeout = ScriptTimeout, KillRunning = KillRunningScript, Warning = Warning };
            return ScriptRunner.Run(Client, code, args, options, cancel).Returns;
        }

        private static void Check(string path, IReadOnlyList<object> r, string verb)
        {
            if (r.Count >= 1 && r[0] is bool ok && ok) return;
            throw ErrorFromReturns(path, r, verb);
        }

        /// <summary>The exception for a script's <c>false, msg, errno</c> returns.</summary>
        internal static ChdkFileSystemException ErrorFromReturns(string path, IReadOnlyList<object> r, string verb)
        {
            string msg = r.Count >= 2 ? r[1] as string : null;
            int? errno = r.Count >= 3 && r[2] is int e ? e : (int?)null;
            if (msg == null && errno == null)
                return new ChdkFileSystemException(path, $"Could not {verb} '{path}': the camera script returned no result.");
            return FromCamera(path, msg, errno, verb);
        }

        internal static ChdkFileSystemException FromCamera(string path, string msg, int? errno, string verb)
        {
            bool notFound = errno == 2 || (errno == null && msg != null && msg.EndsWith("No such file or directory", StringComparison.Ordinal));
            if (notFound) return new ChdkFileNotFoundException(path, msg, errno);
            string detail = msg ?? "errno " + errno.Value.ToString(CultureInfo.InvariantCulture);
            if (errno.HasValue && msg != null) detail += " (errno " + errno.Value.ToString(CultureInfo.InvariantCulture) + ")";
            return new ChdkFileSystemException(path, $"Could not {verb} '{path}': {detail}", msg, errno);
        }
    }
}
