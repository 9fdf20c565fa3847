using System;
using System.IO;
using System.Security.Cryptography;

namespace ChdkPtp.Simulator.Tests.Files
{
    /// <summary>A write-only stream that hands every write to a callback (slow or failing destinations, hashing);
    /// Length is the number of bytes written.</summary>
    internal class CallbackStream : Stream
    {
        private readonly Action<byte[], int, int> _write;
        private long _length;
        public CallbackStream(Action<byte[], int, int> write) { _write = write; }
        public override void Write(byte[] buffer, int offset, int count)
        {
            _write(buffer, offset, count);
            _length += count;
        }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>A destination that keeps only the SHA-256 of what was written, so large files need no buffer.</summary>
    internal sealed class HashingStream : CallbackStream
    {
        private readonly IncrementalHash _hash;
        public HashingStream() : this(IncrementalHash.CreateHash(HashAlgorithmName.SHA256)) { }
        private HashingStream(IncrementalHash hash) : base(hash.AppendData) { _hash = hash; }
        public byte[] Hash() => _hash.GetHashAndReset();
        protected override void Dispose(bool disposing) { if (disposing) _hash.Dispose(); base.Dispose(disposing); }
    }
}
