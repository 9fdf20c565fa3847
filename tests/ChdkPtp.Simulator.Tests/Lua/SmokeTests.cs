using ChdkPtp.Protocol.Chdk;

namespace ChdkPtp.Simulator.Tests.Lua
{
    public class SmokeTests
    {
        [Fact]
        public void Return42()
        {
            using var h = new ScriptHarness();
            var m = h.RunOne("return 42");
            Assert.Equal(ScriptMessageType.Return, m.Type);
            Assert.Equal((uint)ScriptDataType.Integer, m.Subtype);
            Assert.Equal(new byte[] { 42, 0, 0, 0 }, m.Data);
        }
    }
}
