namespace ChdkPtp.Simulator.Lua
{
    /// <summary>
    /// Translates CHDK Lua (Lua 5.1 with 32-bit integer numbers) into Lua 5.4 source that behaves the
    /// same when run after <see cref="RuntimePrelude"/>. Placeholder: identity until implemented.
    /// </summary>
    public static class Lua51Translator
    {
        /// <summary>Lua 5.4 code that defines the helper functions translated code calls. Run once per Lua state.</summary>
        public const string RuntimePrelude = "";

        public static string Translate(string source) => source;
    }
}
