using System;
using System.Linq;

namespace ChdkPtp.PowerShell.Tests
{
    public class MemoryTests : IDisposable
    {
        private readonly PsHost _h = new PsHost();

        public MemoryTests() => _h.Run("$cam = Connect-ChdkCamera -Simulator").AssertClean();

        public void Dispose() => _h.Dispose();

        [Fact]
        public void WriteThenReadBackWithHexDump()
        {
            _h.Run("Set-ChdkMemory -Address 0x1900 -Bytes (0x41,0x42,0x43,0x44) -Confirm:$false").AssertClean();
            var r = _h.Run("$m = Get-ChdkMemory 0x1900 4; $m.Address; $m.Length; $m.Bytes; $m.ToHexDump()").AssertClean();
            Assert.Equal(0x1900u, r.Values[0]);
            Assert.Equal(4, r.Values[1]);
            Assert.Equal(new byte[] { 0x41, 0x42, 0x43, 0x44 }, r.Values.Skip(2).Take(4).Select(Convert.ToByte).ToArray());
            // 12 empty byte columns (3 wide), the gap after byte 8, and two spaces before the text column.
            Assert.Equal("0x00001900  41 42 43 44 " + new string(' ', 12 * 3 + 1) + " ABCD", r.Values[6]);
        }

        [Fact]
        public void HighAddressesWrittenAsPowerShellHexLiteralsWork()
        {
            _h.Run("Set-ChdkMemory 0xFF810000 ([byte[]](1,2)) -Confirm:$false").AssertClean();
            Assert.Equal(new object[] { 0xFF810000u }, _h.Run("(Get-ChdkMemory '0xFF810000' 2).Address").AssertClean().Values);
            Assert.Equal(new object[] { (byte)1, (byte)2 }, _h.Run("(Get-ChdkMemory 0xFF810000 2).Bytes").AssertClean().Values);
            var bad = _h.Run("Get-ChdkMemory 'zz' 2");
            Assert.Contains("ParameterArgumentTransformationError", Assert.Single(bad.Errors).FullyQualifiedErrorId);
        }

        [Fact]
        public void WhatIfWritesNothing()
        {
            _h.Run("Set-ChdkMemory 0x2000 ([byte[]](9,9)) -WhatIf").AssertClean();
            Assert.Equal(new object[] { (byte)0, (byte)0 }, _h.Run("(Get-ChdkMemory 0x2000 2).Bytes").AssertClean().Values);
            _h.Run("Invoke-ChdkFunction 0x1234 -WhatIf").AssertClean();
        }

        [Fact]
        public void FunctionCallsFailAsOnACameraUnlessRegistered()
        {
            var r = _h.Run("Invoke-ChdkFunction 0xFF810001 1,2 -Confirm:$false");
            var e = Assert.Single(r.Errors);
            Assert.Equal("ChdkCameraError,ChdkPtp.Commands.InvokeChdkFunctionCommand", e.FullyQualifiedErrorId);
            Assert.Contains("GeneralError", e.Exception.Message);
            _h.Run("$cam.Simulator.Camera.RegisterFunction([uint32]'0xFF810001', -42)").AssertClean();
            Assert.Equal(new object[] { -42 }, _h.Run("Invoke-ChdkFunction 0xFF810001 6,7 -Confirm:$false").AssertClean().Values);
        }

        [Fact]
        public void ZeroLengthAndAddressZeroAreRefused()
        {
            Assert.Single(_h.Run("Get-ChdkMemory 0x1900 0").Errors);
            var r = _h.Run("Set-ChdkMemory 0 ([byte[]](1)) -Confirm:$false");
            Assert.Equal("ChdkInvalidArgument,ChdkPtp.Commands.SetChdkMemoryCommand", Assert.Single(r.Errors).FullyQualifiedErrorId);
        }
    }
}
