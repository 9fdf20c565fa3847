using System;
using System.Collections.Generic;
using System.Text;
using ChdkPtp.Protocol.Chdk;
using KeraLua;
using LuaState = KeraLua.Lua;

namespace ChdkPtp.Protocol.Tests.Scripting
{
    /// <summary>One value a script returned, converted the way CHDK's lua_create_usb_msg does.</summary>
    internal sealed class ScriptValue
    {
        public ScriptDataType Type;
        public object Value;          // null, bool, long, byte[] (strings and serialized tables)
        public string SerializeError; // set when usb_msg_table_to_string raised an error

        public override string ToString() => Type + ":" + (Value is byte[] b ? Encoding.Latin1.GetString(b) : Value?.ToString() ?? "nil")
                                             + (SerializeError != null ? " error " + SerializeError : "");
    }

    internal sealed class ScriptOutcome
    {
        public ScriptErrorType Error;   // None, Compile (load failed), Runtime (pcall failed)
        public string ErrorText;
        public List<ScriptValue> Values = new List<ScriptValue>();
    }

    /// <summary>
    /// A stock Lua 5.4 state (KeraLua, shipped with NLua) that runs scripts roughly as CHDK does: the
    /// chunk is loaded with an empty chunk name ("=") and every returned table is turned into text
    /// with the global usb_msg_table_to_string.
    /// </summary>
    internal sealed class LuaHost : IDisposable
    {
        private readonly LuaState _l;

        public LuaHost()
        {
            _l = new LuaState(openLibs: true);
            // CHDK's Lua is 5.1: give 5.4 the 5.1 name the library calls.
            if (_l.DoString("loadstring = load"))
                throw new InvalidOperationException("could not define loadstring");
        }

        public ScriptOutcome Run(string code) => Run(Encoding.UTF8.GetBytes(code));

        public ScriptOutcome Run(byte[] code)
        {
            var outcome = new ScriptOutcome();
            _l.SetTop(0);
            var status = _l.LoadBuffer(code, "=");
            if (status != LuaStatus.OK)
            {
                outcome.Error = ScriptErrorType.Compile;
                outcome.ErrorText = Latin1(_l.ToBuffer(-1, false));
                _l.SetTop(0);
                return outcome;
            }
            status = _l.PCall(0, -1, 0);
            if (status != LuaStatus.OK)
            {
                outcome.Error = ScriptErrorType.Runtime;
                outcome.ErrorText = _l.Type(-1) == LuaType.String ? Latin1(_l.ToBuffer(-1, false)) : "(error object of type " + _l.TypeName(-1) + ")";
                _l.SetTop(0);
                return outcome;
            }
            int n = _l.GetTop();
            for (int i = 1; i <= n; i++)
                outcome.Values.Add(Convert(i));
            _l.SetTop(0);
            return outcome;
        }

        private ScriptValue Convert(int index)
        {
            switch (_l.Type(index))
            {
                case LuaType.Nil: return new ScriptValue { Type = ScriptDataType.Nil };
                case LuaType.Boolean: return new ScriptValue { Type = ScriptDataType.Boolean, Value = _l.ToBoolean(index) };
                case LuaType.Number:
                    if (!_l.IsInteger(index)) throw new InvalidOperationException("script returned a non-integer number");
                    return new ScriptValue { Type = ScriptDataType.Integer, Value = _l.ToInteger(index) };
                case LuaType.String: return new ScriptValue { Type = ScriptDataType.String, Value = _l.ToBuffer(index, false) };
                case LuaType.Table:
                {
                    int top = _l.GetTop();
                    _l.GetGlobal("usb_msg_table_to_string");
                    _l.PushCopy(index);
                    var st = _l.PCall(1, 1, 0);
                    ScriptValue v;
                    if (st != LuaStatus.OK)
                        v = new ScriptValue { Type = ScriptDataType.Table, SerializeError = Latin1(_l.ToBuffer(-1, false)) };
                    else if (_l.Type(-1) != LuaType.String)
                        throw new InvalidOperationException("usb_msg_table_to_string returned " + _l.TypeName(-1));
                    else
                        v = new ScriptValue { Type = ScriptDataType.Table, Value = _l.ToBuffer(-1, false) };
                    _l.SetTop(top);
                    return v;
                }
                default:
                    return new ScriptValue { Type = ScriptDataType.Unsupported, Value = Encoding.ASCII.GetBytes(_l.TypeName(index)) };
            }
        }

        private static string Latin1(byte[] b) => b == null ? null : Encoding.Latin1.GetString(b);

        public void Dispose() => _l.Dispose();
    }
}
