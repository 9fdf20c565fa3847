using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace ChdkPtp.Protocol.Chdk.Scripting
{
    /// <summary>
    /// Lua key identity for decoded values: integers, strings and booleans compare by value; tables
    /// (arrays, <see cref="LuaRecord"/>, <see cref="LuaTable"/>) by reference, as in Lua. Integer hashes
    /// are seeded per process so that hostile input cannot force hash collisions (keeps parsing linear).
    /// </summary>
    internal sealed class LuaKeyComparer : IEqualityComparer<object>
    {
        public static readonly LuaKeyComparer Instance = new LuaKeyComparer();

        private static readonly uint Seed = (uint)Guid.NewGuid().GetHashCode();

        private LuaKeyComparer() { }

        public new bool Equals(object x, object y)
        {
            if (ReferenceEquals(x, y)) return true;
            if (x == null || y == null) return false;
            if (x is int xi) return y is int yi && xi == yi;
            if (x is string xs) return y is string ys && string.Equals(xs, ys, StringComparison.Ordinal);
            if (x is bool xb) return y is bool yb && xb == yb;
            return false;
        }

        public int GetHashCode(object obj)
        {
            switch (obj)
            {
                case null: return 0;
                case int i: return (int)Mix((uint)i ^ Seed);
                case string s: return StringComparer.Ordinal.GetHashCode(s); // randomized per process on .NET Core
                case bool b: return (int)Mix(Seed ^ (b ? 0x5bd1e995u : 0x1b873593u));
                default: return RuntimeHelpers.GetHashCode(obj);
            }
        }

        private static uint Mix(uint h)
        {
            h ^= h >> 16;
            h *= 0x85ebca6bu;
            h ^= h >> 13;
            h *= 0xc2b2ae35u;
            h ^= h >> 16;
            return h;
        }

        /// <summary>
        /// Turns a key given by a .NET caller into the form decoded values use: any integral number
        /// in Int32 range becomes <see cref="int"/>, a <see cref="char"/> becomes a one-char string.
        /// </summary>
        public static object NormalizeLookupKey(object key)
        {
            switch (key)
            {
                case int _: return key;
                case long l when l >= int.MinValue && l <= int.MaxValue: return (int)l;
                case short s: return (int)s;
                case sbyte sb: return (int)sb;
                case byte b: return (int)b;
                case ushort us: return (int)us;
                case uint ui when ui <= int.MaxValue: return (int)ui;
                case ulong ul when ul <= int.MaxValue: return (int)ul;
                case char c: return c.ToString();
                default: return key;
            }
        }
    }
}
