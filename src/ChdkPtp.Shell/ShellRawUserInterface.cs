using System;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Host;

namespace ChdkPtp.Shell
{
    /// <summary>
    /// Window and key access for the engine. Sizes come from the console window on a terminal and
    /// are 120 columns when the output is redirected; a script may set BufferSize to widen the
    /// formatted output of a scheduled job (the new width is then used for formatting).
    /// There is no screen buffer: reading or scrolling it is not supported.
    /// </summary>
    internal sealed class ShellRawUserInterface : PSHostRawUserInterface
    {
        private readonly ConsoleIO _io;
        private readonly Func<bool> _nonInteractive;
        private ConsoleColor _foreground = ConsoleColor.Gray;
        private ConsoleColor _background = ConsoleColor.Black;
        private Size? _bufferOverride;
        private string _title = "chdkps";
        private int _cursorSize = 25;

        public ShellRawUserInterface(ConsoleIO io, Func<bool> nonInteractive)
        {
            _io = io ?? throw new ArgumentNullException(nameof(io));
            _nonInteractive = nonInteractive ?? (() => false);
            if (io.IsRealConsole && !io.OutputRedirected)
            {
                try
                {
                    ConsoleColor fg = Console.ForegroundColor;
                    ConsoleColor bg = Console.BackgroundColor;
                    if (fg >= ConsoleColor.Black && fg <= ConsoleColor.White)
                    {
                        _foreground = fg;
                    }

                    if (bg >= ConsoleColor.Black && bg <= ConsoleColor.White)
                    {
                        _background = bg;
                    }
                }
                catch (IOException)
                {
                }
            }
        }

        private bool OnTerminal => _io.IsRealConsole && !_io.OutputRedirected;

        private bool KeysFromTerminal => _io.IsRealConsole && !_io.InputRedirected;

        public override ConsoleColor ForegroundColor
        {
            get => _foreground;
            set
            {
                _foreground = value;
                if (OnTerminal)
                {
                    TryConsole(() => Console.ForegroundColor = value);
                }
            }
        }

        public override ConsoleColor BackgroundColor
        {
            get => _background;
            set
            {
                _background = value;
                if (OnTerminal)
                {
                    TryConsole(() => Console.BackgroundColor = value);
                }
            }
        }

        public override Size BufferSize
        {
            get => _bufferOverride ?? new Size(_io.Width, _io.Height);
            set
            {
                if (value.Width < 1 || value.Height < 1)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), "The buffer size must be at least 1 x 1.");
                }

                // Only the formatting width changes: a child process cannot resize its terminal.
                _bufferOverride = value;
            }
        }

        public override Coordinates CursorPosition
        {
            get
            {
                // Console.CursorLeft queries the terminal through standard input: only do it when
                // both are the terminal, otherwise the query would swallow piped input.
                if (OnTerminal && KeysFromTerminal)
                {
                    try
                    {
                        return new Coordinates(Console.CursorLeft, Console.CursorTop);
                    }
                    catch (IOException)
                    {
                    }
                }

                return new Coordinates(0, 0);
            }

            set
            {
                if (OnTerminal)
                {
                    TryConsole(() => Console.SetCursorPosition(Math.Max(0, value.X), Math.Max(0, value.Y)));
                }
            }
        }

        public override int CursorSize
        {
            get => _cursorSize;
            set => _cursorSize = value;
        }

        public override Coordinates WindowPosition
        {
            get => new Coordinates(0, 0);
            set { /* a child process cannot move its terminal window */ }
        }

        public override Size WindowSize
        {
            get
            {
                Size buffer = BufferSize;
                return new Size(Math.Min(buffer.Width, _io.Width), Math.Min(buffer.Height, _io.Height));
            }

            set { /* a child process cannot resize its terminal window */ }
        }

        public override Size MaxWindowSize => new Size(_io.Width, _io.Height);

        public override Size MaxPhysicalWindowSize => new Size(_io.Width, _io.Height);

        public override string WindowTitle
        {
            get => _title;
            set
            {
                _title = value ?? string.Empty;
                if (OnTerminal)
                {
                    TryConsole(() => Console.Title = _title);
                }
            }
        }

        public override bool KeyAvailable
        {
            get
            {
                if (!KeysFromTerminal)
                {
                    return false;
                }

                try
                {
                    return Console.KeyAvailable;
                }
                catch (InvalidOperationException)
                {
                    return false;
                }
            }
        }

        public override KeyInfo ReadKey(ReadKeyOptions options)
        {
            if (_nonInteractive())
            {
                throw ShellHostUserInterface.NonInteractiveError("read a key");
            }

            bool noEcho = (options & ReadKeyOptions.NoEcho) != 0;
            if (KeysFromTerminal)
            {
                ConsoleKeyInfo key = Console.ReadKey(noEcho);
                return new KeyInfo((int)key.Key, key.KeyChar, ToControlKeyStates(key.Modifiers), keyDown: true);
            }

            int c = _io.In.Read();
            if (c < 0)
            {
                throw new PSInvalidOperationException("Cannot read a key: the end of standard input was reached.");
            }

            return new KeyInfo(0, (char)c, 0, keyDown: true);
        }

        public override void FlushInputBuffer()
        {
            if (!KeysFromTerminal)
            {
                return;
            }

            try
            {
                while (Console.KeyAvailable)
                {
                    Console.ReadKey(true);
                }
            }
            catch (InvalidOperationException)
            {
            }
        }

        public override BufferCell[,] GetBufferContents(Rectangle rectangle)
        {
            throw new NotSupportedException("chdkps cannot read the screen buffer.");
        }

        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill)
        {
            throw new NotSupportedException("chdkps cannot scroll the screen buffer.");
        }

        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents)
        {
            throw new NotSupportedException("chdkps cannot write cells to the screen buffer.");
        }

        public override void SetBufferContents(Rectangle rectangle, BufferCell fill)
        {
            // Rectangle (-1,-1,-1,-1) means "the whole screen": that is how Clear-Host style code clears.
            if (rectangle.Left == -1 && rectangle.Top == -1 && rectangle.Right == -1 && rectangle.Bottom == -1)
            {
                if (OnTerminal)
                {
                    TryConsole(Console.Clear);
                }

                return;
            }

            throw new NotSupportedException("chdkps can only clear the whole screen, not fill a part of it.");
        }

        private static ControlKeyStates ToControlKeyStates(ConsoleModifiers modifiers)
        {
            ControlKeyStates states = 0;
            if ((modifiers & ConsoleModifiers.Alt) != 0)
            {
                states |= ControlKeyStates.LeftAltPressed;
            }

            if ((modifiers & ConsoleModifiers.Control) != 0)
            {
                states |= ControlKeyStates.LeftCtrlPressed;
            }

            if ((modifiers & ConsoleModifiers.Shift) != 0)
            {
                states |= ControlKeyStates.ShiftPressed;
            }

            return states;
        }

        private static void TryConsole(Action action)
        {
            try
            {
                action();
            }
            catch (IOException)
            {
            }
            catch (PlatformNotSupportedException)
            {
            }
            catch (ArgumentOutOfRangeException)
            {
            }
        }
    }
}
