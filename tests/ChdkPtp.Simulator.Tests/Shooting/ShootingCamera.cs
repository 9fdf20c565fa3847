using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using ChdkPtp.Protocol.Chdk;
using ChdkPtp.Protocol.Chdk.Scripting;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Simulator.Lua;

namespace ChdkPtp.Simulator.Tests.Shooting
{
    /// <summary>One remote capture chunk as the host received it.</summary>
    internal sealed class ReceivedChunk
    {
        public int Type;
        public byte[] Data;
        public bool More;
        public long Offset;
    }

    /// <summary>What the host fetched for one shot: chunks per type, in arrival order, and the image number.</summary>
    internal sealed class CaptureResult
    {
        public uint ImageNumber;
        public List<int> Order = new List<int>();
        public List<ReceivedChunk> Chunks = new List<ReceivedChunk>();

        public IEnumerable<ReceivedChunk> Of(int type) => Chunks.Where(c => c.Type == type);

        /// <summary>The type's data written as a client writes it: seek to each given offset, else append.</summary>
        public byte[] File(int type)
        {
            using var ms = new MemoryStream();
            foreach (var c in Of(type))
            {
                if (c.Offset >= 0) ms.Position = c.Offset;
                ms.Write(c.Data, 0, c.Data.Length);
            }
            return ms.ToArray();
        }
    }

    /// <summary>A simulated camera in record mode, a connected client, and the host side of remote capture.</summary>
    internal sealed class ShootingCamera : IDisposable
    {
        public ShootingCamera(SimulatorOptions options = null, bool record = true)
        {
            options ??= new SimulatorOptions();
            options.StartInRecordMode = record;
            Sim = new InProcessSimulator(options);
            Engine.ModeSwitchDelayMs = 20;
            Engine.ShootHalfPressTimeoutMs = 200;
            Engine.ShotDurationMs = 10;
            Client = ChdkClient.Connect(Sim.CreateTransport());
        }

        public InProcessSimulator Sim { get; }
        public ChdkClient Client { get; }
        public VirtualCamera Camera => Sim.Camera;
        public LuaScriptEngine Engine => (LuaScriptEngine)Camera.Scripts;

        public string Host(string cameraPath) =>
            Path.Combine(Camera.CardRoot, cameraPath.Substring(2).Replace('/', Path.DirectorySeparatorChar));

        /// <summary>Runs Lua to its end and returns its values.</summary>
        public IReadOnlyList<object> Lua(string code, int timeoutMs = 10000) =>
            ScriptRunner.Run(Client, code, null, new ScriptRunOptions { Timeout = TimeSpan.FromMilliseconds(timeoutMs) }, CancellationToken.None).Returns;

        public object Lua1(string code) => Lua(code)[0];

        /// <summary>Starts Lua (e.g. a shot) without waiting for it.</summary>
        public uint Start(string code) => ScriptRunner.Start(Client, code, null, killRunning: true);

        /// <summary>Waits for a started script to end; returns its values.</summary>
        public IReadOnlyList<object> Wait(uint id, int timeoutMs = 10000) =>
            ScriptRunner.Wait(Client, id, new ScriptRunOptions { Timeout = TimeSpan.FromMilliseconds(timeoutMs) }, CancellationToken.None).Returns;

        public (uint Status, uint Image) IsReady() => Client.RemoteCaptureIsReady();

        /// <summary>Polls RemoteCaptureIsReady until something other than 0 (nothing yet) comes, or throws.</summary>
        public (uint Status, uint Image) WaitReady(int timeoutMs = 5000)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var r = IsReady();
                if (r.Status != 0) return r;
                if (clock.ElapsedMilliseconds > timeoutMs) throw new TimeoutException("no remote capture data became available");
                Thread.Sleep(2);
            }
        }

        /// <summary>One GetData transaction, raw: response, data bytes, whether a data phase came.</summary>
        public (PtpResponse R, byte[] Data, bool GotData) GetDataRaw(uint type)
        {
            var sink = new MemoryDataSink();
            var r = Client.Session.ExecuteRaw(PtpOperation.Chdk, new uint[] { (uint)ChdkCommand.RemoteCaptureGetData, type }, null, sink, out bool got);
            return (r, sink.ToArray(), got);
        }

        /// <summary>
        /// The host loop of chdkptp's capture_get_data: poll IsReady, fetch every chunk of each available type
        /// (GetData until "no more"), until all <paramref name="types"/> arrived. Throws if capture is cancelled.
        /// </summary>
        public CaptureResult Fetch(int types, int timeoutMs = 5000)
        {
            var result = new CaptureResult();
            int left = types;
            while (left != 0)
            {
                var (status, image) = WaitReady(timeoutMs);
                if (status == ChdkConstants.CaptureNotSet) throw new InvalidOperationException("remote capture was cancelled");
                if ((status & left) == 0) throw new InvalidOperationException("unexpected type " + status);
                result.ImageNumber = image;
                result.Order.Add((int)status);
                for (int n = 0; n < 200; n++)
                {
                    var sink = new MemoryDataSink();
                    var c = Client.RemoteCaptureGetData((CaptureTypes)status, sink);
                    var data = sink.ToArray();
                    Assert.Equal(c.Length == 0 ? 1 : c.Length, data.Length);
                    result.Chunks.Add(new ReceivedChunk { Type = (int)status, Data = c.Length == 0 ? Array.Empty<byte>() : data, More = c.More, Offset = c.Offset });
                    if (!c.More) break;
                }
                left &= ~(int)status;
            }
            return result;
        }

        public void Dispose()
        {
            Client.Dispose(); // closes the transport, which shuts the simulator down
        }
    }
}
