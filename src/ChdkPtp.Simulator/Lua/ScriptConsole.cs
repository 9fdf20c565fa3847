using System;
using System.Collections.Generic;
using System.Text;

namespace ChdkPtp.Simulator.Lua
{
    /// <summary>
    /// The camera's script console: what scripts <c>print</c> (and write to io.stdout), plus engine notes
    /// such as a kill that did not complete. Keeps the last <see cref="Capacity"/> lines. Thread-safe.
    /// </summary>
    public sealed class ScriptConsole
    {
        private readonly LinkedList<string> _lines = new LinkedList<string>();
        private readonly StringBuilder _partial = new StringBuilder();
        private readonly object _gate = new object();

        public int Capacity { get; } = 2000;

        /// <summary>Raised (on the script thread) for every completed line.</summary>
        public event Action<string> LineAdded;

        public string[] GetLines()
        {
            lock (_gate)
            {
                var r = new string[_lines.Count];
                _lines.CopyTo(r, 0);
                return r;
            }
        }

        public void Clear()
        {
            lock (_gate)
            {
                _lines.Clear();
                _partial.Clear();
            }
        }

        /// <summary>Adds a whole line (print).</summary>
        public void AddLine(string line)
        {
            string done;
            lock (_gate)
            {
                if (_partial.Length > 0)
                {
                    _partial.Append(line);
                    done = _partial.ToString();
                    _partial.Clear();
                }
                else done = line ?? "";
                Push(done);
            }
            LineAdded?.Invoke(done);
        }

        /// <summary>Adds text that may hold several or partial lines (io.write to stdout).</summary>
        public void Write(string text)
        {
            if (string.IsNullOrEmpty(text)) return;
            var completed = new List<string>();
            lock (_gate)
            {
                foreach (var c in text)
                {
                    if (c == '\n')
                    {
                        var l = _partial.ToString();
                        _partial.Clear();
                        Push(l);
                        completed.Add(l);
                    }
                    else if (c != '\r') _partial.Append(c);
                }
            }
            var handler = LineAdded;
            if (handler != null) foreach (var l in completed) handler(l);
        }

        private void Push(string line)
        {
            _lines.AddLast(line);
            while (_lines.Count > Capacity) _lines.RemoveFirst();
        }
    }
}
