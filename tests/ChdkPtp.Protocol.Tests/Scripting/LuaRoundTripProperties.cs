using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using System.Text;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Scripting;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ChdkPtp.Protocol.Tests.Scripting
{
    /// <summary>A generated .NET value that LuaLiteralWriter accepts.</summary>
    public sealed class LuaSample
    {
        public LuaSample(object value) { Value = value; }
        public object Value { get; }
        public override string ToString() => LuaAssert.Describe(Value);
    }

    public static class LuaSampleArbitrary
    {
        public static Arbitrary<LuaSample> Samples() =>
            Gen.Sized(size => ValueGen(Math.Min(size, 16), 0)).Select(v => new LuaSample(v)).ToArbitrary();

        private static Gen<object> Box<T>(Gen<T> g) => g.Select(x => (object)x);

        private static Gen<int> AnyInt() =>
            Gen.OneOf(Gen.Choose(-1000, 1000), Gen.Elements(int.MinValue, int.MaxValue, 0, -1, 1), Gen.Choose(int.MinValue, int.MaxValue));

        private static Gen<int> CodePoint() => Gen.Frequency(
            (6, Gen.Choose(0x20, 0x7E)),
            (2, Gen.Choose(0x00, 0x1F)),
            (1, Gen.Constant(0x7F)),
            (2, Gen.Choose(0x80, 0x7FF)),
            (1, Gen.Choose(0x800, 0xD7FF)),
            (1, Gen.Choose(0xE000, 0xFFFF)),
            (1, Gen.Choose(0x10000, 0x10FFFF)));

        public static Gen<string> Text() =>
            Gen.Choose(0, 12).SelectMany(n => Gen.ArrayOf(CodePoint(), n)).Select(cps => string.Concat(cps.Select(char.ConvertFromUtf32)));

        private static Gen<byte[]> Bytes() =>
            Gen.Choose(0, 12).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n));

        private static Gen<object> Scalar() => Gen.Frequency(
            (1, Gen.Constant<object>(null)),
            (2, Box(Gen.Elements(true, false))),
            (4, Box(AnyInt())),
            (1, Box(AnyInt().Select(i => (long)(uint)i))),      // UInt32 range in a long: wraps
            (1, Box(AnyInt().Select(i => (uint)i))),
            (1, Box(Gen.Choose(0, 255).Select(i => (byte)i))),
            (1, Box(Gen.Choose(short.MinValue, short.MaxValue).Select(i => (short)i))),
            (1, Box(Gen.Choose(-100000, 100000).Select(i => (double)i))),
            (4, Box(Text())),
            (2, Box(Bytes())),
            (1, Box(Gen.Choose(0x20, 0xD7FF).Select(c => (char)c))));

        private static Gen<object> ValueGen(int size, int depth)
        {
            if (size <= 1 || depth >= 6)
                return Scalar();
            Gen<object> child = Gen.Sized(_ => ValueGen(size / 2, depth + 1));
            return Gen.Frequency(
                (4, Scalar()),
                (2, ListGen(child)),
                (1, StringDict(child)),
                (1, IntDict(child)),
                (1, MixedDict(child)));
        }

        private static Gen<object> ListGen(Gen<object> child) =>
            Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(child, n)).Select(items => (object)items.ToList());

        private static Gen<object> StringDict(Gen<object> child)
        {
            var key = Gen.OneOf(Text(), Gen.Elements("name", "size", "_x", "a b", "1", "", "end"));
            return Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(key.Zip(child), n)).Select(pairs =>
            {
                var d = new Dictionary<string, object>();
                foreach (var (k, v) in pairs) d.TryAdd(k, v);
                return (object)d;
            });
        }

        private static Gen<object> IntDict(Gen<object> child) =>
            Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(Gen.Choose(-2, 6).Zip(child), n)).Select(pairs =>
            {
                var d = new Dictionary<int, object>();
                foreach (var (k, v) in pairs) d.TryAdd(k, v);
                return (object)d;
            });

        private static Gen<object> MixedDict(Gen<object> child)
        {
            var key = Gen.OneOf(Box(Gen.Choose(-2, 6)), Box(Gen.Elements("a", "b", "x y", "3")), Box(Gen.Choose(1, 3).Select(i => (long)i)));
            return Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(key.Zip(child), n)).Select(pairs =>
            {
                var d = new OrderedDictionary();
                var seen = new HashSet<object>();
                foreach (var (k, v) in pairs)
                {
                    object luaKey = k is long l ? (int)l : k;        // 1 and 1L are the same Lua key
                    if (seen.Add(luaKey)) d.Add(k, v);
                }
                return (object)d;
            });
        }
    }

    /// <summary>The value the reader must produce for a written .NET value (the mapping rules, from the spec).</summary>
    internal static class Expected
    {
        public static object Of(object v)
        {
            switch (v)
            {
                case null: return null;
                case bool b: return b;
                case int i: return i;
                case long l: return unchecked((int)l);
                case uint u: return unchecked((int)u);
                case byte b: return (int)b;
                case short s: return (int)s;
                case double d: return (int)d;
                case string s: return s;
                case char c: return c.ToString();
                case byte[] bytes: return LuaText.Decode(bytes);
                case IDictionary dict:
                    return Table(LuaAssert.Entries(dict)
                        .Where(e => e.Value != null)
                        .Select(e => new KeyValuePair<object, object>(Of(e.Key), Of(e.Value))).ToList());
                case IList list:
                    return Table(list.Cast<object>()
                        .Select((item, i) => new KeyValuePair<object, object>(i + 1, item == null ? null : Of(item)))
                        .Where(e => e.Value != null).ToList());
                default: throw new InvalidOperationException("generator produced " + v.GetType());
            }
        }

        private static object Table(List<KeyValuePair<object, object>> entries)
        {
            if (entries.Count == 0) return new object[0];
            var ints = entries.Where(e => e.Key is int).Select(e => (int)e.Key).ToList();
            if (ints.Count == entries.Count && ints.OrderBy(k => k).SequenceEqual(Enumerable.Range(1, entries.Count)))
                return entries.OrderBy(e => (int)e.Key).Select(e => e.Value).ToArray();
            if (entries.All(e => e.Key is string))
                return new LuaRecord(entries.Select(e => new KeyValuePair<string, object>((string)e.Key, e.Value)));
            return new LuaTable(entries);
        }
    }

    public class LuaRoundTripProperties
    {
        [Property(Arbitrary = new[] { typeof(LuaSampleArbitrary) }, MaxTest = 500)]
        public void Parse_of_Write_is_the_normalised_value(LuaSample sample)
        {
            string literal = LuaLiteralWriter.Write(sample.Value);
            LuaAssert.DeepEqual(Expected.Of(sample.Value), LuaValueReader.Parse(literal));
        }

        [Property(Arbitrary = new[] { typeof(LuaSampleArbitrary) }, MaxTest = 500)]
        public void Written_literals_are_printable_ascii(LuaSample sample)
        {
            string literal = LuaLiteralWriter.Write(sample.Value);
            Assert.All(literal, c => Assert.InRange(c, ' ', '~'));
        }

        [Property(Arbitrary = new[] { typeof(LuaSampleArbitrary) }, MaxTest = 200)]
        public void Value_passed_through_real_lua_and_the_camera_serializer_comes_back(LuaSample sample)
        {
            using var host = new LuaHost();
            var outcome = host.Run(ChdkScriptComposer.Compose("return ...", new[] { sample.Value }));
            Assert.True(outcome.Error == ScriptErrorType.None, outcome.ErrorText);
            var returned = Assert.Single(outcome.Values);
            object actual;
            switch (returned.Type)
            {
                case ScriptDataType.Nil: actual = null; break;
                case ScriptDataType.Boolean: actual = returned.Value; break;
                case ScriptDataType.Integer: actual = checked((int)(long)returned.Value); break;
                case ScriptDataType.String: actual = LuaText.Decode((byte[])returned.Value); break;
                case ScriptDataType.Table:
                    Assert.True(returned.SerializeError == null, returned.SerializeError);
                    actual = LuaValueReader.Parse((byte[])returned.Value);
                    break;
                default: throw new InvalidOperationException(returned.ToString());
            }
            // pairs order in Lua is not the order we wrote, so compare without order.
            LuaAssert.DeepEqual(Expected.Of(sample.Value), actual, ignoreOrder: true);
        }

        [Property(MaxTest = 300)]
        public void Strings_round_trip_exactly(NonNull<string> s)
        {
            string text = s.Get;
            bool encodable = true;
            try { LuaText.Encode(text); } catch (ArgumentException) { encodable = false; }
            if (!encodable)
            {
                Assert.Throws<LuaSerializationException>(() => LuaLiteralWriter.Write(text));
                return;
            }
            Assert.Equal(text, LuaValueReader.Parse(LuaLiteralWriter.Write(text)));
        }

        [Property(MaxTest = 300)]
        public void Byte_strings_round_trip_to_their_decoded_text(byte[] bytes)
        {
            if (bytes == null) return;
            Assert.Equal(LuaText.Decode(bytes), LuaValueReader.Parse(LuaLiteralWriter.Write(bytes)));
        }

        [Property(MaxTest = 300)]
        public void Integers_round_trip(int i, long l)
        {
            Assert.Equal(i, LuaValueReader.Parse(LuaLiteralWriter.Write(i)));
            if (l >= int.MinValue && l <= uint.MaxValue)
                Assert.Equal(unchecked((int)l), LuaValueReader.Parse(LuaLiteralWriter.Write(l)));
            else
                Assert.Throws<LuaSerializationException>(() => LuaLiteralWriter.Write(l));
        }
    }
}
