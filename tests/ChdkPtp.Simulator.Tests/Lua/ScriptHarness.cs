using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Simulator;
using ChdkPtp.Simulator.Lua;
using ChdkPtp.Simulator.Scripting;

namespace ChdkPtp.Simulator.Tests.Lua
{
    /// <summary>A virtual camera with helpers to run scripts and collect their messages.</summary>
    internal sealed class ScriptHarness : IDisposable
    {
        public ScriptHarness(SimulatorOptions options = null)
        {
            Camera = new VirtualCamera(options);
            Engine = (LuaScriptEngine)Camera.Scripts;
            Engine.ModeSwitchDelayMs = 20;
            Engine.ShootHalfPressTimeoutMs = 300;
        }

        public VirtualCamera Camera { get; }
        public LuaScriptEngine Engine { get; }
        public string CardRoot => Camera.CardRoot;
        public uint LastId { get; private set; }

        /// <summary>Starts a script with a fresh id; returns the compile error or null.</summary>
        public string Start(string code)
        {
            LastId = Camera.NextScriptRunId();
            return Camera.Scripts.Start(code, LastId);
        }

        public bool WaitEnd(int timeoutMs = 10000)
        {
            var sw = Stopwatch.StartNew();
            while (Camera.Scripts.IsRunning)
            {
                if (sw.ElapsedMilliseconds > timeoutMs) return false;
                Thread.Sleep(2);
            }
            return true;
        }

        public List<ScriptMessage> Drain()
        {
            var list = new List<ScriptMessage>();
            ScriptMessage m;
            while ((m = Camera.CameraToHost.TryDequeue()) != null) list.Add(m);
            return list;
        }

        /// <summary>Runs a script to its end and returns every message it queued.</summary>
        public List<ScriptMessage> Run(string code, int timeoutMs = 10000)
        {
            var err = Start(code);
            if (err != null) throw new InvalidOperationException("compile error: " + err);
            if (!WaitEnd(timeoutMs)) throw new TimeoutException("script still running: " + code);
            return Drain();
        }

        /// <summary>Runs a script that must end with exactly one RET message and returns it.</summary>
        public ScriptMessage RunOne(string code)
        {
            var msgs = Run(code);
            if (msgs.Count != 1) throw new InvalidOperationException("expected one message, got " + msgs.Count + ": " + Describe(msgs));
            return msgs[0];
        }

        /// <summary>Runs a script that returns a string and gives its text (Latin-1).</summary>
        public string RunString(string code)
        {
            var m = RunOne(code);
            if (m.Type != ScriptMessageType.Return || m.Subtype != (uint)ScriptDataType.String)
                throw new InvalidOperationException("expected a string return, got " + Describe(new List<ScriptMessage> { m }));
            return Latin1(m.Data);
        }

        public int RunInt(string code)
        {
            var m = RunOne(code);
            if (m.Type != ScriptMessageType.Return || m.Subtype != (uint)ScriptDataType.Integer)
                throw new InvalidOperationException("expected an integer return, got " + Describe(new List<ScriptMessage> { m }));
            return BitConverter.ToInt32(m.Data, 0);
        }

        public bool RunBool(string code)
        {
            var m = RunOne(code);
            if (m.Type != ScriptMessageType.Return || m.Subtype != (uint)ScriptDataType.Boolean)
                throw new InvalidOperationException("expected a boolean return, got " + Describe(new List<ScriptMessage> { m }));
            return BitConverter.ToInt32(m.Data, 0) != 0;
        }

        public static string Latin1(byte[] b)
        {
            var sb = new StringBuilder(b.Length);
            foreach (var x in b) sb.Append((char)x);
            return sb.ToString();
        }

        public static string Describe(IEnumerable<ScriptMessage> msgs)
        {
            var sb = new StringBuilder();
            foreach (var m in msgs)
                sb.Append('[').Append(m.Type).Append('/').Append(m.Subtype).Append(" id=").Append(m.ScriptId)
                  .Append(" '").Append(Latin1(m.Data)).Append("'] ");
            return sb.ToString();
        }

        public string HostPath(string relative) => Path.Combine(CardRoot, relative.Replace('/', Path.DirectorySeparatorChar));

        public void Dispose() => Camera.Dispose();
    }
}
