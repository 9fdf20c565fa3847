using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace ChdkPtp.Protocol.Chdk.Scripting
{
    /// <summary>
    /// A Lua table that is neither a sequence (keys exactly 1..n, see <c>object[]</c>) nor a record
    /// (all keys strings, see <see cref="LuaRecord"/>): mixed keys, sparse integer keys, boolean or
    /// table keys. Entries keep the order the camera's <c>pairs</c> produced. Read-only.
    /// </summary>
    /// <remarks>
    /// Keys are <see cref="int"/>, <see cref="string"/>, <see cref="bool"/> or decoded tables
    /// (compared by reference, as in Lua). Lookups accept any integral type in Int32 range for an
    /// integer key (<c>table[2L]</c> finds key 2). Implements <see cref="IReadOnlyDictionary{TKey,TValue}"/>
    /// (indexer throws <see cref="KeyNotFoundException"/>) and the read-only non-generic
    /// <see cref="IDictionary"/> (indexer returns null for a missing key).
    /// </remarks>
    public sealed class LuaTable : IReadOnlyDictionary<object, object>, IDictionary
    {
        private readonly KeyValuePair<object, object>[] _entries;
        private readonly Dictionary<object, int> _index;

        /// <summary>Creates a table from entries in order. Integral keys are stored as <see cref="int"/>.</summary>
        /// <exception cref="ArgumentException">A key is null, or two keys are the same Lua key.</exception>
        public LuaTable(IEnumerable<KeyValuePair<object, object>> entries)
        {
            if (entries == null) throw new ArgumentNullException(nameof(entries));
            var list = new List<KeyValuePair<object, object>>();
            foreach (var e in entries)
            {
                if (e.Key == null) throw new ArgumentException("A table key is null.", nameof(entries));
                list.Add(new KeyValuePair<object, object>(LuaKeyComparer.NormalizeLookupKey(e.Key), e.Value));
            }
            _entries = list.ToArray();
            _index = new Dictionary<object, int>(_entries.Length, LuaKeyComparer.Instance);
            for (int i = 0; i < _entries.Length; i++)
            {
                if (_index.ContainsKey(_entries[i].Key))
                    throw new ArgumentException("Duplicate table key " + DescribeKey(_entries[i].Key) + ".", nameof(entries));
                _index.Add(_entries[i].Key, i);
            }
            Entries = new ReadOnlyCollection<KeyValuePair<object, object>>(_entries);
        }

        /// <summary>The entries, in order.</summary>
        public IReadOnlyList<KeyValuePair<object, object>> Entries { get; }

        /// <summary>Number of entries.</summary>
        public int Count => _entries.Length;

        /// <summary>The value for a key.</summary>
        /// <exception cref="KeyNotFoundException">The table has no such key.</exception>
        public object this[object key]
        {
            get
            {
                if (key == null) throw new ArgumentNullException(nameof(key));
                if (TryGetValue(key, out object v)) return v;
                throw new KeyNotFoundException("The table has no key " + DescribeKey(key) + ".");
            }
        }

        /// <summary>Keys, in order.</summary>
        public IEnumerable<object> Keys
        {
            get { foreach (var e in _entries) yield return e.Key; }
        }

        /// <summary>Values, in order.</summary>
        public IEnumerable<object> Values
        {
            get { foreach (var e in _entries) yield return e.Value; }
        }

        public bool ContainsKey(object key) => key != null && _index.ContainsKey(LuaKeyComparer.NormalizeLookupKey(key));

        public bool TryGetValue(object key, out object value)
        {
            if (key != null && _index.TryGetValue(LuaKeyComparer.NormalizeLookupKey(key), out int i))
            {
                value = _entries[i].Value;
                return true;
            }
            value = null;
            return false;
        }

        public IEnumerator<KeyValuePair<object, object>> GetEnumerator() => ((IEnumerable<KeyValuePair<object, object>>)_entries).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>The table as a Lua table constructor.</summary>
        public override string ToString() => LuaLiteralWriter.TryWriteForDisplay(this) ?? "LuaTable (" + Count + " entries)";

        internal static string DescribeKey(object key) => key is string s ? "\"" + s + "\"" : Convert.ToString(key, System.Globalization.CultureInfo.InvariantCulture);

        // ---- non-generic IDictionary (read-only) ----
        bool IDictionary.IsFixedSize => true;
        bool IDictionary.IsReadOnly => true;
        ICollection IDictionary.Keys => new List<object>(Keys);
        ICollection IDictionary.Values => new List<object>(Values);
        bool ICollection.IsSynchronized => false;
        object ICollection.SyncRoot => this;

        object IDictionary.this[object key]
        {
            get => TryGetValue(key, out object v) ? v : null;
            set => throw ReadOnly();
        }

        bool IDictionary.Contains(object key) => ContainsKey(key);
        void IDictionary.Add(object key, object value) => throw ReadOnly();
        void IDictionary.Clear() => throw ReadOnly();
        void IDictionary.Remove(object key) => throw ReadOnly();
        IDictionaryEnumerator IDictionary.GetEnumerator() => new EntryEnumerator(_entries);

        void ICollection.CopyTo(Array array, int index)
        {
            if (array == null) throw new ArgumentNullException(nameof(array));
            foreach (var e in _entries)
                array.SetValue(new DictionaryEntry(e.Key, e.Value), index++);
        }

        private static NotSupportedException ReadOnly() => new NotSupportedException("LuaTable is read-only.");

        private sealed class EntryEnumerator : IDictionaryEnumerator
        {
            private readonly KeyValuePair<object, object>[] _items;
            private int _i = -1;
            public EntryEnumerator(KeyValuePair<object, object>[] items) { _items = items; }
            public DictionaryEntry Entry => new DictionaryEntry(_items[_i].Key, _items[_i].Value);
            public object Key => _items[_i].Key;
            public object Value => _items[_i].Value;
            public object Current => Entry;
            public bool MoveNext() => ++_i < _items.Length;
            public void Reset() { _i = -1; }
        }
    }
}
