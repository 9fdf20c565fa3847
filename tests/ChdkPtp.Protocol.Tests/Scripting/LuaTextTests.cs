using System;
using System.Linq;
using System.Text;
using ChdkPtp.Protocol.Chdk.Scripting;

namespace ChdkPtp.Protocol.Tests.Scripting
{
    public class LuaTextTests
    {
        [Fact]
        public void Empty_decodes_to_empty_string()
        {
            Assert.Equal("", LuaText.Decode(ReadOnlySpan<byte>.Empty));
        }

        [Theory]
        [InlineData(new byte[] { 0x41, 0x42 }, "AB")]
        [InlineData(new byte[] { 0xC3, 0xA9 }, "\u00E9")]                    // é, 2 bytes
        [InlineData(new byte[] { 0xE2, 0x82, 0xAC }, "\u20AC")]              // €, 3 bytes
        [InlineData(new byte[] { 0xF0, 0x9F, 0x93, 0xB7 }, "\U0001F4F7")]    // camera emoji, 4 bytes
        [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, 0x41 }, "\uFEFFA")]       // BOM is kept
        [InlineData(new byte[] { 0x00, 0x7F }, "\0\u007F")]
        public void Valid_utf8_decodes_as_utf8(byte[] bytes, string expected)
        {
            Assert.Equal(expected, LuaText.Decode(bytes));
        }

        [Theory]
        [InlineData(new byte[] { 0xE9 })]                         // Latin-1 é alone
        [InlineData(new byte[] { 0x41, 0xC3 })]                   // truncated sequence
        [InlineData(new byte[] { 0xC0, 0xAF })]                   // overlong '/'
        [InlineData(new byte[] { 0xE0, 0x80, 0xAF })]             // overlong, 3 bytes
        [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]             // encoded surrogate D800
        [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]       // above U+10FFFF
        [InlineData(new byte[] { 0xF5, 0x80, 0x80, 0x80 })]
        [InlineData(new byte[] { 0x80 })]                         // lone continuation byte
        [InlineData(new byte[] { 0xC3, 0xA9, 0xFF })]             // valid start, invalid end: whole string Latin-1
        [InlineData(new byte[] { 0xE2, 0x82, 0x41 })]             // bad continuation
        public void Invalid_utf8_decodes_as_latin1_one_char_per_byte(byte[] bytes)
        {
            string s = LuaText.Decode(bytes);
            Assert.Equal(bytes.Length, s.Length);
            Assert.Equal(bytes, s.Select(c => (byte)c).ToArray());
            Assert.False(LuaText.IsValidUtf8(bytes));
        }

        [Fact]
        public void All_256_byte_values_survive_as_latin1()
        {
            var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
            string s = LuaText.Decode(bytes);
            Assert.Equal(256, s.Length);
            for (int i = 0; i < 256; i++) Assert.Equal(i, (int)s[i]);
        }

        [Fact]
        public void Validator_agrees_with_strict_dotnet_decoder_on_random_bytes()
        {
            var strict = new UTF8Encoding(false, true);
            var rnd = new Random(1234);
            for (int n = 0; n < 20000; n++)
            {
                var bytes = new byte[rnd.Next(0, 6)];
                for (int i = 0; i < bytes.Length; i++)
                    bytes[i] = (byte)(rnd.Next(3) == 0 ? rnd.Next(0x80, 0x100) : rnd.Next(0xC0, 0xF6) ^ (rnd.Next(2) * 0x40));
                bool expected;
                try { strict.GetString(bytes); expected = true; }
                catch (DecoderFallbackException) { expected = false; }
                Assert.True(expected == LuaText.IsValidUtf8(bytes), BitConverter.ToString(bytes));
            }
        }

        [Fact]
        public void Encode_is_utf8_without_bom()
        {
            Assert.Equal(new byte[] { 0x61, 0xC3, 0xA9, 0xF0, 0x9F, 0x93, 0xB7 }, LuaText.Encode("a\u00E9\U0001F4F7"));
            Assert.Empty(LuaText.Encode(""));
        }

        [Fact]
        public void Encode_rejects_unpaired_surrogate()
        {
            Assert.Throws<ArgumentException>(() => LuaText.Encode("a\uD800b"));
            Assert.Throws<ArgumentException>(() => LuaText.Encode("\uDC00"));
        }

        [Fact]
        public void Encode_then_decode_round_trips_text()
        {
            const string text = "Hello, \u00E9t\u00E9 \u20AC \U0001F4F7 \0 end";
            Assert.Equal(text, LuaText.Decode(LuaText.Encode(text)));
        }
    }
}
