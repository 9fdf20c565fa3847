using System;

namespace ChdkPtp.Simulator.Scripting
{
    /// <summary>
    /// The camera's script runner as the PTP responder sees it (CHDK's kbd task). Implementations
    /// run one script at a time, asynchronously, and post RET / ERR messages to
    /// <see cref="VirtualCamera.CameraToHost"/> tagged with the script id given to <see cref="Start"/>.
    /// </summary>
    public interface IScriptEngine : IDisposable
    {
        /// <summary>True from a successful <see cref="Start"/> until the script has returned, failed or been killed.
        /// Return-value messages are queued before this drops (CHDK core/script.c).</summary>
        bool IsRunning { get; }

        /// <summary>
        /// Compiles <paramref name="code"/>. On success starts it asynchronously and returns null.
        /// On a compile error returns Lua's message (CHDK form, e.g. <c>:1: '=' expected near ']'</c>)
        /// and starts nothing; the caller queues the ERR/COMPILE message.
        /// </summary>
        string Start(string code, uint scriptId);

        /// <summary>Ends the running script without any message and waits until it has ended.</summary>
        void Kill();
    }
}
