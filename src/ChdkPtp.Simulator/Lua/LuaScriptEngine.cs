using ChdkPtp.Simulator.Scripting;

namespace ChdkPtp.Simulator.Lua
{
    /// <summary>Placeholder until the Lua engine lands.</summary>
    public sealed class LuaScriptEngine : IScriptEngine
    {
        public LuaScriptEngine(VirtualCamera camera) { }
        public bool IsRunning => false;
        public string Start(string code, uint scriptId) => ":1: scripting not implemented";
        public void Kill() { }
        public void Dispose() { }
    }
}
