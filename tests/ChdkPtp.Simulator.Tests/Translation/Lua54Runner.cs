using System;
using System.Collections.Generic;
using System.Text;
using ChdkPtp.Simulator.Lua;
using KeraLua;
using LuaState = KeraLua.Lua;

namespace ChdkPtp.Simulator.Tests.Translation
{
    /// <summary>
    /// A real Lua 5.4 state (KeraLua) with the prelude loaded. Chunks are loaded with the chunk name "=", as CHDK
    /// names string chunks, so error messages look like ":LINE: message".
    /// Values come back as long (Lua integer), double (Lua float), string, bool, null (nil) or "&lt;table&gt;" etc.
    /// </summary>
    internal sealed class Lua54Runner : IDisposable
    {
        private readonly LuaState _l;

        public Lua54Runner(bool prelude = true)
        {
            _l = new LuaState(true) { Encoding = Encoding.UTF8 };
            if (prelude)
            {
                object[] r = RunRaw(Lua51Translator.RuntimePrelude, "=prelude", out string err);
                if (err != null) throw new InvalidOperationException("prelude failed: " + err);
                if (r.Length != 0) throw new InvalidOperationException("prelude returned values");
            }
        }

        /// <summary>Translates and runs CHDK code; throws if it fails at run time.</summary>
        public object[] Run(string chdkSource)
        {
            object[] r = RunRaw(Lua51Translator.Translate(chdkSource), "=", out string err);
            if (err != null) throw new InvalidOperationException("Lua error: " + err);
            return r;
        }

        public object Run1(string chdkSource)
        {
            object[] r = Run(chdkSource);
            Assert.Single(r);
            return r[0];
        }

        /// <summary>Translates and runs CHDK code that must fail at run time; returns the error message.</summary>
        public string RunError(string chdkSource)
        {
            RunRaw(Lua51Translator.Translate(chdkSource), "=", out string err);
            Assert.NotNull(err);
            return err;
        }

        /// <summary>Loads and runs Lua 5.4 code as is.</summary>
        public object[] RunRaw(string lua54Source, string chunkName, out string error)
        {
            error = null;
            int top = _l.GetTop();
            LuaStatus st = _l.LoadString(lua54Source, chunkName);
            if (st == LuaStatus.OK) st = _l.PCall(0, -1, 0);
            if (st != LuaStatus.OK)
            {
                error = _l.ToString(-1, false) ?? ("(error object " + _l.TypeName(-1) + ")");
                _l.SetTop(top);
                return Array.Empty<object>();
            }
            var results = new List<object>();
            for (int i = top + 1; i <= _l.GetTop(); i++) results.Add(Convert(i));
            _l.SetTop(top);
            return results.ToArray();
        }

        private object Convert(int i)
        {
            switch (_l.Type(i))
            {
                case LuaType.Nil: return null;
                case LuaType.Boolean: return _l.ToBoolean(i);
                case LuaType.Number: return _l.IsInteger(i) ? (object)_l.ToInteger(i) : _l.ToNumber(i);
                case LuaType.String: return _l.ToString(i, false);
                default: return "<" + _l.TypeName(i) + ">";
            }
        }

        public void Dispose() => _l.Dispose();
    }
}
