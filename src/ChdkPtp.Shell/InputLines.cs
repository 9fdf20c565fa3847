using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace ChdkPtp.Shell
{
    /// <summary>
    /// Line input that a Ctrl+C can abandon. A blocking ReadLine on standard input cannot be
    /// interrupted, so the read runs as a task; a cancelled caller walks away from it and the
    /// next caller (usually the interactive prompt) receives the line it eventually returns, so
    /// no typed line is lost or read twice.
    /// </summary>
    internal sealed class InputLines
    {
        private readonly TextReader _reader;
        private readonly object _gate = new object();
        private Task<string> _pending;

        public InputLines(TextReader reader)
        {
            _reader = reader ?? throw new ArgumentNullException(nameof(reader));
        }

        /// <summary>The next line, or null at the end of input.</summary>
        /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled first.</exception>
        public string ReadLine(CancellationToken cancellation)
        {
            Task<string> read;
            lock (_gate)
            {
                if (_pending == null)
                {
                    if (!cancellation.CanBeCanceled)
                    {
                        // Nothing can interrupt this read: no need for a task.
                        return _reader.ReadLine();
                    }

                    _pending = Task.Factory.StartNew(() => _reader.ReadLine(), CancellationToken.None,
                        TaskCreationOptions.LongRunning, TaskScheduler.Default);
                }

                read = _pending;
            }

            try
            {
                read.Wait(cancellation);
            }
            catch (AggregateException ex) when (ex.InnerException != null)
            {
                ClearIfCurrent(read);
                throw ex.InnerException;
            }

            ClearIfCurrent(read);
            return read.Result;
        }

        private void ClearIfCurrent(Task<string> read)
        {
            lock (_gate)
            {
                if (ReferenceEquals(_pending, read))
                {
                    _pending = null;
                }
            }
        }
    }
}
