namespace ChdkPtp.Simulator.Lua
{
    /// <summary>
    /// Translates CHDK Lua (Lua 5.1 with 32-bit integer numbers) into Lua 5.4 source that behaves the
    /// same when run with the simulator's helper functions. Placeholder: identity until implemented.
    /// </summary>
    public static class Lua51Translator
    {
        public static string Translate(string source) => source;
    }
}
