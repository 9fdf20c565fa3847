using System;
using System.Collections.Generic;
using System.IO;
using ChdkPtp.Simulator.Card;
using KeraLua;
using LuaState = KeraLua.Lua;

namespace ChdkPtp.Simulator.Lua
{
    // os.listdir/stat/mkdir/remove/rename/utime and io on the virtual card.
    internal sealed partial class ScriptRun
    {
        internal const int MaxOpenFiles = 32;

        private readonly Dictionary<int, CardFile> _files = new Dictionary<int, CardFile>();
        private int _nextFile = 1;

        private void RegisterFileFunctions()
        {
            Register("listdir", H_listdir);
            Register("stat", H_stat);
            Register("mkdir", l => BoolResult(l, 1, p => _engine.Card.MakeDirectory(p)));
            Register("remove", l => BoolResult(l, 1, p => _engine.Card.Remove(p)));
            Register("rename", H_rename);
            Register("utime", H_utime);
            Register("fopen", H_fopen);
            Register("fread", H_fread);
            Register("fwrite", H_fwrite);
            Register("fseek", H_fseek);
            Register("fflush", H_fflush);
            Register("fclose", H_fclose);
        }

        /// <summary>nil, "&lt;path as given&gt;: &lt;strerror&gt;", errno (the path keeps the script's bytes).</summary>
        private static int PushCardError(LuaState l, byte[] pathBytes, int errno)
        {
            var tail = LuaText.Ascii(": " + CardErrno.StrError(errno));
            var msg = new byte[(pathBytes?.Length ?? 0) + tail.Length];
            if (pathBytes != null) Buffer.BlockCopy(pathBytes, 0, msg, 0, pathBytes.Length);
            Buffer.BlockCopy(tail, 0, msg, msg.Length - tail.Length, tail.Length);
            l.PushNil();
            l.PushBuffer(msg);
            l.PushInteger(errno);
            return 3;
        }

        private int BoolResult(LuaState l, int index, Func<string, CardResult<bool>> op)
        {
            var bytes = BytesArg(l, index);
            if (bytes == null) return PushCardError(l, bytes, CardErrno.EINVAL);
            var r = op(LuaText.Decode(bytes));
            if (!r.Ok) return PushCardError(l, bytes, r.Errno);
            l.PushBoolean(true);
            return 1;
        }

        private int H_listdir(LuaState l)
        {
            var bytes = BytesArg(l, 1);
            if (bytes == null) return PushCardError(l, bytes, CardErrno.EINVAL);
            var r = _engine.Card.ListDirectory(LuaText.Decode(bytes), l.ToBoolean(2));
            if (!r.Ok) return PushCardError(l, bytes, r.Errno);
            l.CreateTable(r.Value.Length, 0);
            for (int i = 0; i < r.Value.Length; i++)
            {
                l.PushBuffer(LuaText.Encode(r.Value[i]));
                l.RawSetInteger(-2, i + 1);
            }
            return 1;
        }

        private int H_stat(LuaState l)
        {
            var bytes = BytesArg(l, 1);
            if (bytes == null) return PushCardError(l, bytes, CardErrno.EINVAL);
            var r = _engine.Card.Stat(LuaText.Decode(bytes));
            if (!r.Ok) return PushCardError(l, bytes, r.Errno);
            var st = r.Value;
            l.CreateTable(0, 6);
            // CHDK's Lua numbers are 32-bit ints: a file of 2 GiB or more has a negative size there (clients read it as unsigned).
            SetInt(l, "size", unchecked((int)(uint)st.Size));
            SetInt(l, "mtime", st.MTime);
            SetInt(l, "ctime", st.CTime);
            SetInt(l, "attrib", st.Attributes);
            l.PushBoolean(st.IsDirectory);
            l.SetField(-2, "is_dir");
            l.PushBoolean(st.IsFile);
            l.SetField(-2, "is_file");
            return 1;
        }

        private int H_rename(LuaState l)
        {
            var from = BytesArg(l, 1);
            var to = BytesArg(l, 2);
            if (from == null || to == null) return PushCardError(l, from, CardErrno.EINVAL);
            var r = _engine.Card.Rename(LuaText.Decode(from), LuaText.Decode(to));
            if (!r.Ok) return PushCardError(l, from, r.Errno);
            l.PushBoolean(true);
            return 1;
        }

        private int H_utime(LuaState l)
        {
            var bytes = BytesArg(l, 1);
            if (bytes == null) return PushCardError(l, bytes, CardErrno.EINVAL);
            long? m = null, a = null;
            if (TryLong(l, 2, out var mv)) m = mv;
            if (TryLong(l, 3, out var av)) a = av;
            var r = _engine.Card.SetTimes(LuaText.Decode(bytes), m, a);
            if (!r.Ok) return PushCardError(l, bytes, r.Errno);
            l.PushBoolean(true);
            return 1;
        }

        private int H_fopen(LuaState l)
        {
            var bytes = BytesArg(l, 1);
            var mode = StringArg(l, 2) ?? "r";
            if (bytes == null) return PushCardError(l, bytes, CardErrno.EINVAL);
            if (_files.Count >= MaxOpenFiles) return PushCardError(l, bytes, CardErrno.EMFILE);
            var r = _engine.Card.Open(LuaText.Decode(bytes), mode);
            if (!r.Ok) return PushCardError(l, bytes, r.Errno);
            int id = _nextFile++;
            _files[id] = r.Value;
            l.PushInteger(id);
            return 1;
        }

        private static readonly byte[] s_badFd = LuaText.Ascii("Bad file descriptor");

        private int PushFileError(LuaState l, int errno)
        {
            l.PushNil();
            l.PushBuffer(LuaText.Ascii(CardErrno.StrError(errno)));
            l.PushInteger(errno);
            return 3;
        }

        private int H_fread(LuaState l)
        {
            if (!_files.TryGetValue(IntArg(l, 1, 0), out var file)) return PushFileError(l, CardErrno.EBADF);
            if (!file.CanRead) return PushFileError(l, CardErrno.EBADF);
            var s = file.Stream;
            try
            {
                if (l.Type(2) == LuaType.Number)
                {
                    int n = IntArg(l, 2, 0);
                    if (n <= 0)
                    {
                        if (s.Position >= s.Length) { l.PushNil(); return 1; }
                        l.PushBuffer(Array.Empty<byte>());
                        return 1;
                    }
                    var buf = new byte[Math.Min(n, Math.Max(0, s.Length - s.Position))];
                    int got = ReadFully(s, buf);
                    if (got == 0) { l.PushNil(); return 1; }
                    if (got < buf.Length) Array.Resize(ref buf, got);
                    l.PushBuffer(buf);
                    return 1;
                }
                switch (StringArg(l, 2))
                {
                    case "a":
                    {
                        var buf = new byte[Math.Max(0, s.Length - s.Position)];
                        int got = ReadFully(s, buf);
                        if (got < buf.Length) Array.Resize(ref buf, got);
                        l.PushBuffer(buf);
                        return 1;
                    }
                    case "l":
                    case "L":
                    {
                        bool keep = StringArg(l, 2) == "L";
                        var line = new MemoryStream();
                        int c;
                        bool any = false;
                        while ((c = s.ReadByte()) >= 0)
                        {
                            any = true;
                            if (c == '\n')
                            {
                                if (keep) line.WriteByte((byte)c);
                                break;
                            }
                            line.WriteByte((byte)c);
                        }
                        if (!any) { l.PushNil(); return 1; }
                        l.PushBuffer(line.ToArray());
                        return 1;
                    }
                    case "n":
                        return ReadNumber(l, s);
                    default:
                        l.PushNil();
                        return 1;
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
            {
                return PushFileError(l, CardErrno.EIO);
            }
        }

        private static int ReadFully(Stream s, byte[] buf)
        {
            int done = 0;
            while (done < buf.Length)
            {
                int n = s.Read(buf, done, buf.Length - done);
                if (n <= 0) break;
                done += n;
            }
            return done;
        }

        /// <summary>"*n" with CHDK's integer numbers: optional blanks, sign, decimal digits (or 0x hex).</summary>
        private static int ReadNumber(LuaState l, Stream s)
        {
            int c;
            do { c = s.ReadByte(); } while (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v');
            bool neg = false;
            if (c == '+' || c == '-') { neg = c == '-'; c = s.ReadByte(); }
            long value = 0;
            int digits = 0;
            bool hex = false;
            if (c == '0')
            {
                digits = 1;
                c = s.ReadByte();
                if (c == 'x' || c == 'X') { hex = true; digits = 0; c = s.ReadByte(); }
            }
            while (c >= 0)
            {
                int d = c >= '0' && c <= '9' ? c - '0'
                    : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (d < 0) break;
                value = unchecked(value * (hex ? 16 : 10) + d);
                digits++;
                c = s.ReadByte();
            }
            if (c >= 0) s.Seek(-1, SeekOrigin.Current);
            if (digits == 0) { l.PushNil(); return 1; }
            l.PushInteger(unchecked((int)(neg ? -value : value)));
            return 1;
        }

        private int H_fwrite(LuaState l)
        {
            if (!_files.TryGetValue(IntArg(l, 1, 0), out var file)) return PushFileError(l, CardErrno.EBADF);
            if (!file.CanWrite) return PushFileError(l, CardErrno.EBADF);
            var bytes = BytesArg(l, 2) ?? Array.Empty<byte>();
            try
            {
                if (file.Append) file.Stream.Seek(0, SeekOrigin.End);
                file.Stream.Write(bytes, 0, bytes.Length);
                l.PushBoolean(true);
                return 1;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
            {
                return PushFileError(l, VirtualCard.ErrnoOf(ex));
            }
        }

        private int H_fseek(LuaState l)
        {
            if (!_files.TryGetValue(IntArg(l, 1, 0), out var file)) return PushFileError(l, CardErrno.EBADF);
            var whence = StringArg(l, 2);
            long offset = TryLong(l, 3, out var o) ? o : 0;
            var origin = whence == "set" ? SeekOrigin.Begin : whence == "end" ? SeekOrigin.End : SeekOrigin.Current;
            try
            {
                long basePos = origin == SeekOrigin.Begin ? 0 : origin == SeekOrigin.End ? file.Stream.Length : file.Stream.Position;
                if (basePos + offset < 0) return PushFileError(l, CardErrno.EINVAL);
                l.PushInteger(file.Stream.Seek(offset, origin));
                return 1;
            }
            catch (Exception ex) when (ex is IOException || ex is ArgumentException || ex is NotSupportedException)
            {
                return PushFileError(l, CardErrno.EINVAL);
            }
        }

        private int H_fflush(LuaState l)
        {
            if (!_files.TryGetValue(IntArg(l, 1, 0), out var file)) return PushFileError(l, CardErrno.EBADF);
            try
            {
                file.Stream.Flush();
                l.PushBoolean(true);
                return 1;
            }
            catch (IOException ex)
            {
                return PushFileError(l, VirtualCard.ErrnoOf(ex));
            }
        }

        private int H_fclose(LuaState l)
        {
            int id = IntArg(l, 1, 0);
            if (!_files.TryGetValue(id, out var file)) return PushFileError(l, CardErrno.EBADF);
            _files.Remove(id);
            try
            {
                file.Dispose();
                l.PushBoolean(true);
                return 1;
            }
            catch (IOException ex)
            {
                return PushFileError(l, VirtualCard.ErrnoOf(ex));
            }
        }

        private void CloseAllFiles()
        {
            foreach (var f in _files.Values)
            {
                try { f.Dispose(); }
                catch (Exception ex) { _engine.Log("script " + ScriptId + ": closing a file failed: " + ex.Message); }
            }
            _files.Clear();
        }
    }
}
