using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace ChdkPtp.Protocol.Chdk.Scripting
{
    /// <summary>
    /// A Lua table whose keys are all strings (decoded with <see cref="LuaText"/>), with its fields in
    /// the order the camera's <c>pairs</c> produced them. Read-only.
    /// </summary>
    /// <remarks>
    /// Implements <see cref="IReadOnlyDictionary{TKey,TValue}"/> (the indexer throws
    /// <see cref="KeyNotFoundException"/> for a missing name) and the non-generic, read-only
    /// <see cref="IDictionary"/> (whose indexer returns null for a missing name), so PowerShell can
    /// read fields as <c>$record.name</c>. Equality is by reference, like Lua tables.
    /// </remarks>
    public sealed class LuaRecord : IReadOnlyDictionary<string, object>, IDictionary
    {
        private readonly KeyValuePair<string, object>[] _fields;
        private readonly Dictionary<string, int> _index;

        /// <summary>Creates a record from fields in order.</summary>
        /// <exception cref="ArgumentException">A name is null or appears twice.</exception>
        public LuaRecord(IEnumerable<KeyValuePair<string, object>> fields)
        {
            if (fields == null) throw new ArgumentNullException(nameof(fields));
            var list = new List<KeyValuePair<string, object>>(fields);
            _fields = list.ToArray();
            _index = new Dictionary<string, int>(_fields.Length, StringComparer.Ordinal);
            for (int i = 0; i < _fields.Length; i++)
            {
                string name = _fields[i].Key;
                if (name == null) throw new ArgumentException("A field name is null.", nameof(fields));
                if (_index.ContainsKey(name)) throw new ArgumentException("Duplicate field name '" + name + "'.", nameof(fields));
                _index.Add(name, i);
            }
            Fields = new ReadOnlyCollection<KeyValuePair<string, object>>(_fields);
        }

        /// <summary>The fields, in order.</summary>
        public IReadOnlyList<KeyValuePair<string, object>> Fields { get; }

        /// <summary>Number of fields.</summary>
        public int Count => _fields.Length;

        /// <summary>The value of a field.</summary>
        /// <exception cref="KeyNotFoundException">No field has that name.</exception>
        public object this[string name]
        {
            get
            {
                if (name == null) throw new ArgumentNullException(nameof(name));
                if (_index.TryGetValue(name, out int i)) return _fields[i].Value;
                throw new KeyNotFoundException("The record has no field '" + name + "'.");
            }
        }

        /// <summary>Field names, in order.</summary>
        public IEnumerable<string> Keys
        {
            get { foreach (var f in _fields) yield return f.Key; }
        }

        /// <summary>Field values, in order.</summary>
        public IEnumerable<object> Values
        {
            get { foreach (var f in _fields) yield return f.Value; }
        }

        public bool ContainsKey(string name) => name != null && _index.ContainsKey(name);

        public bool TryGetValue(string name, out object value)
        {
            if (name != null && _index.TryGetValue(name, out int i))
            {
                value = _fields[i].Value;
                return true;
            }
            value = null;
            return false;
        }

        public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object>>)_fields).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>The record as a Lua table constructor.</summary>
        public override string ToString() => LuaLiteralWriter.TryWriteForDisplay(this) ?? "LuaRecord (" + Count + " fields)";

        // ---- non-generic IDictionary (read-only) ----
        bool IDictionary.IsFixedSize => true;
        bool IDictionary.IsReadOnly => true;
        ICollection IDictionary.Keys => new List<string>(Keys);
        ICollection IDictionary.Values => new List<object>(Values);
        bool ICollection.IsSynchronized => false;
        object ICollection.SyncRoot => this;

        object IDictionary.this[object key]
        {
            get => key is string s && TryGetValue(s, out object v) ? v : null;
            set => throw ReadOnly();
        }

        bool IDictionary.Contains(object key) => key is string s && ContainsKey(s);
        void IDictionary.Add(object key, object value) => throw ReadOnly();
        void IDictionary.Clear() => throw ReadOnly();
        void IDictionary.Remove(object key) => throw ReadOnly();
        IDictionaryEnumerator IDictionary.GetEnumerator() => new EntryEnumerator(_fields);

        void ICollection.CopyTo(Array array, int index)
        {
            if (array == null) throw new ArgumentNullException(nameof(array));
            foreach (var f in _fields)
                array.SetValue(new DictionaryEntry(f.Key, f.Value), index++);
        }

        private static NotSupportedException ReadOnly() => new NotSupportedException("LuaRecord is read-only.");

        private sealed class EntryEnumerator : IDictionaryEnumerator
        {
            private readonly KeyValuePair<string, object>[] _items;
            private int _i = -1;
            public EntryEnumerator(KeyValuePair<string, object>[] items) { _items = items; }
            public DictionaryEntry Entry => new DictionaryEntry(_items[_i].Key, _items[_i].Value);
            public object Key => _items[_i].Key;
            public object Value => _items[_i].Value;
            public object Current => Entry;
            public bool MoveNext() => ++_i < _items.Length;
            public void Reset() { _i = -1; }
        }
    }
}
