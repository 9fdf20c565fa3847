using System;
using System.Collections.Generic;
using System.Text;

namespace ChdkPtp.Simulator.Lua.Translation
{
    /// <summary>
    /// One translation run: a recursive-descent parser for Lua 5.1 (grammar, precedences, limits and error messages
    /// of 5.1's <c>lparser.c</c>) that writes Lua 5.4 source while it parses.
    /// </summary>
    /// <remarks>
    /// Output model: every source token becomes an <see cref="Entry"/> that remembers the line it came from. When a
    /// binary arithmetic operator is found after its left operand has already been written, the helper name is
    /// attached as a prefix to the operand's first entry (no text is ever moved), the operator entry becomes ","
    /// and a ")" entry is appended. Rendering then emits entries in order, inserting newlines so that every token
    /// lands on its original line; synthetic text never needs a line of its own. Everything is linear in the size
    /// of the source.
    /// </remarks>
    internal sealed class Lua51Translation
    {
        private const int MaxLevels = 200;          // LUAI_MAXCCALLS in CHDK's luaconf.h
        private const int UnaryPriority = 8;

        // Helper functions the output refers to (each is a global defined by the prelude).
        [Flags]
        private enum Helper
        {
            None = 0, Add = 1, Sub = 2, Mul = 4, Div = 8, Mod = 16, Pow = 32, Unm = 64, ForNum = 128, CallMethod = 256,
        }

        private static readonly (Helper Flag, string Name)[] HelperNames =
        {
            (Helper.Add, "__chdk_add"), (Helper.Sub, "__chdk_sub"), (Helper.Mul, "__chdk_mul"),
            (Helper.Div, "__chdk_div"), (Helper.Mod, "__chdk_mod"), (Helper.Pow, "__chdk_pow"),
            (Helper.Unm, "__chdk_unm"), (Helper.ForNum, "__chdk_fornum"), (Helper.CallMethod, "__chdk_callmethod"),
        };

        private sealed class Entry
        {
            public string Text;
            public int Line;            // 0 for synthetic text: never moves the output to a new line
            public int EndLine;
            public List<string> Prefixes;   // rendered last-added first
        }

        private enum Kind { Other, Number, Helper, Call, Name, Indexed, String }

        private struct Exp
        {
            public int Start;           // index of the expression's first entry
            public Kind Kind;
            public int Value;           // Kind.Number
        }

        // Binary operators: index into the priority tables (5.1 order).
        private const int OpAdd = 0, OpSub = 1, OpMul = 2, OpDiv = 3, OpMod = 4, OpPow = 5, OpConcat = 6, OpNe = 7,
            OpEq = 8, OpLt = 9, OpLe = 10, OpGt = 11, OpGe = 12, OpAnd = 13, OpOr = 14, NoOp = -1;
        private static readonly int[] LeftPriority = { 6, 6, 7, 7, 7, 10, 5, 3, 3, 3, 3, 3, 3, 2, 1 };
        private static readonly int[] RightPriority = { 6, 6, 7, 7, 7, 9, 4, 3, 3, 3, 3, 3, 3, 2, 1 };
        private static readonly Helper[] ArithHelper =
            { Helper.Add, Helper.Sub, Helper.Mul, Helper.Div, Helper.Mod, Helper.Pow };
        private static readonly string[] ArithCall =
            { "__chdk_add(", "__chdk_sub(", "__chdk_mul(", "__chdk_div(", "__chdk_mod(", "__chdk_pow(" };

        private readonly Lua51Lexer _lex;
        private readonly string _src;
        private readonly List<Entry> _out;
        private Token _t;
        private Token _ahead;
        private bool _hasAhead;
        private int _lastLine = 1;
        private int _level;
        private Helper _used;
        // Per-function state.
        private bool _isVararg = true;
        private int _loops;

        public Lua51Translation(string source)
        {
            _src = source;
            _lex = new Lua51Lexer(source);
            _out = new List<Entry>(Math.Max(16, source.Length / 3));
        }

        public string Run()
        {
            Next();
            Block();
            if (_t.Type != Tk.Eos) throw ErrorExpected(Tk.Eos);
            return Render();
        }

        // ------------------------------------------------------------------ tokens and output

        private void Next()
        {
            _lastLine = _lex.Line;               // 5.1: ls->lastline = ls->linenumber
            if (_hasAhead)
            {
                _t = _ahead;
                _hasAhead = false;
            }
            else _lex.Next(ref _t);
        }

        private int LookAheadType()
        {
            if (!_hasAhead)
            {
                _lex.Next(ref _ahead);
                _hasAhead = true;
            }
            return _ahead.Type;
        }

        private int Add(string text, int line, int endLine)
        {
            _out.Add(new Entry { Text = text, Line = line, EndLine = endLine });
            return _out.Count - 1;
        }

        private int AddSynthetic(string text) => Add(text, 0, 0);

        /// <summary>Writes the current token unchanged (names renamed if needed) and advances.</summary>
        private int EmitNext()
        {
            int i = Add(CurrentText(), _t.Line, _t.EndLine);
            Next();
            return i;
        }

        private string CurrentText()
        {
            switch (_t.Type)
            {
                case Tk.Name: return VariableName(_t.Text);
                case Tk.Number: return ChdkNumber.ToLuaLiteral(_t.Value);
                case Tk.String:
                    if (_t.IsLong || !_t.NeedsRewrite) return _src.Substring(_t.Start, _t.End - _t.Start);
                    return RewriteShortString(_t.Start, _t.End);
                default: return Tk.ToText(_t.Type);
            }
        }

        /// <summary>
        /// Names that are reserved in Lua 5.4 but not in 5.1 (<c>goto</c>), and <c>_ENV</c> (an ordinary name in 5.1
        /// but the environment in 5.4), are renamed wherever they are used as variables. As field names and table
        /// keys they keep their string value (see <see cref="FieldName"/>).
        /// </summary>
        private static string VariableName(string name)
        {
            if (name == "goto") return "__chdk_goto_";
            if (name == "_ENV") return "__chdk_ENV_";
            return name;
        }

        private static bool IsReserved54(string name) => name == "goto";

        /// <summary>
        /// Lua 5.1 keeps the character after an unknown escape (<c>"\q"</c> is <c>"q"</c>, <c>"\x41"</c> is
        /// <c>"x41"</c>); 5.4 rejects unknown escapes and reads <c>\x</c>, <c>\z</c>, <c>\u</c> differently. Such
        /// escapes lose their backslash; everything else (including escaped line breaks) is copied, so the line
        /// count of the literal is unchanged.
        /// </summary>
        private string RewriteShortString(int start, int end)
        {
            var sb = new StringBuilder(end - start);
            int i = start;
            while (i < end)
            {
                char c = _src[i];
                if (c != '\\')
                {
                    sb.Append(c);
                    i++;
                    continue;
                }
                char e = _src[i + 1];
                bool keep = e == 'a' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't' || e == 'v'
                            || e == '\\' || e == '"' || e == '\'' || e == '\n' || e == '\r' || ChdkNumber.IsDigit(e);
                if (keep) sb.Append('\\');
                sb.Append(e);
                i += 2;
            }
            return sb.ToString();
        }

        private string Render()
        {
            var sb = new StringBuilder(_src.Length + _src.Length / 2 + 64);
            bool lineStart = true;
            if (_used != Helper.None)
            {
                // Helpers become locals of the chunk, fetched through the string metatable (the prelude also stores
                // them in the string library table): faster than globals, and independent of the chunk's _ENV, so
                // setfenv-style environment changes made before the chunk runs cannot hide them.
                var sbNames = new StringBuilder();
                var sbValues = new StringBuilder();
                foreach (var (flag, name) in HelperNames)
                {
                    if ((_used & flag) == 0) continue;
                    if (sbNames.Length > 0)
                    {
                        sbNames.Append(',');
                        sbValues.Append(',');
                    }
                    sbNames.Append(name);
                    sbValues.Append("(\"\").").Append(name);
                }
                sb.Append("local ").Append(sbNames).Append('=').Append(sbValues).Append(';');
                lineStart = false;
            }
            int line = 1;
            foreach (Entry e in _out)
            {
                if (e.Line > line)
                {
                    sb.Append('\n', e.Line - line);
                    line = e.Line;
                    lineStart = true;
                }
                if (e.Prefixes != null)
                {
                    for (int k = e.Prefixes.Count - 1; k >= 0; k--) Append(sb, e.Prefixes[k], ref lineStart);
                }
                Append(sb, e.Text, ref lineStart);
                if (e.EndLine > line) line = e.EndLine;
            }
            return sb.ToString();
        }

        private static void Append(StringBuilder sb, string text, ref bool lineStart)
        {
            if (text.Length == 0) return;
            if (!lineStart) sb.Append(' ');
            sb.Append(text);
            lineStart = false;
        }

        private void AddPrefix(int entry, string prefix)
        {
            Entry e = _out[entry];
            if (e.Prefixes == null) e.Prefixes = new List<string>(2);
            e.Prefixes.Add(prefix);
        }

        // ------------------------------------------------------------------ errors

        private LuaSyntaxException SyntaxError(string reason) => _lex.Error(reason, _lex.TokenText(_t));

        private LuaSyntaxException ErrorExpected(int token) => SyntaxError("'" + Tk.ToText(token) + "' expected");

        private void Check(int token)
        {
            if (_t.Type != token) throw ErrorExpected(token);
        }

        private void CheckEmit(int token)
        {
            Check(token);
            EmitNext();
        }

        private void CheckMatchEmit(int what, int who, int where)
        {
            if (_t.Type != what)
            {
                if (where == _lex.Line) throw ErrorExpected(what);
                throw SyntaxError("'" + Tk.ToText(what) + "' expected (to close '" + Tk.ToText(who) + "' at line "
                                  + where.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")");
            }
            EmitNext();
        }

        private string CheckName()
        {
            Check(Tk.Name);
            return _t.Text;
        }

        private void EnterLevel()
        {
            if (++_level > MaxLevels) throw _lex.Error("chunk has too many syntax levels", null);
        }

        private void LeaveLevel() => _level--;

        // ------------------------------------------------------------------ statements

        private static bool BlockFollow(int token) =>
            token == Tk.Else || token == Tk.ElseIf || token == Tk.End || token == Tk.Until || token == Tk.Eos;

        /// <summary>5.1 <c>chunk</c>: statements until a block end; <c>return</c>/<c>break</c> must come last.</summary>
        private void Block()
        {
            EnterLevel();
            bool last = false;
            while (!last && !BlockFollow(_t.Type))
            {
                // In 5.1 a statement cannot continue onto a line starting with '(' (that is an "ambiguous syntax"
                // error), so a '(' here always starts a new statement. In 5.4 the previous statement could now end
                // in a helper call or a parenthesised literal that would swallow the '(' as a call: separate them.
                if (_t.Type == '(') AddSynthetic(";");
                last = Statement();
                if (_t.Type == ';') EmitNext();
            }
            LeaveLevel();
        }

        private bool Statement()
        {
            int line = _t.Line;
            switch (_t.Type)
            {
                case Tk.If:
                    IfStat(line);
                    return false;
                case Tk.While:
                    EmitNext();
                    Expr();
                    CheckEmit(Tk.Do);
                    LoopBlock();
                    CheckMatchEmit(Tk.End, Tk.While, line);
                    return false;
                case Tk.Do:
                    EmitNext();
                    Block();
                    CheckMatchEmit(Tk.End, Tk.Do, line);
                    return false;
                case Tk.For:
                    ForStat(line);
                    return false;
                case Tk.Repeat:
                    EmitNext();
                    _loops++;
                    Block();
                    CheckMatchEmit(Tk.Until, Tk.Repeat, line);
                    Expr();
                    _loops--;
                    return false;
                case Tk.Function:
                    FuncStat(line);
                    return false;
                case Tk.Local:
                    EmitNext();
                    if (_t.Type == Tk.Function)
                    {
                        EmitNext();
                        CheckName();
                        EmitNext();
                        Body(_lex.Line, false);             // 5.1 uses the line after the name here
                    }
                    else LocalStat();
                    return false;
                case Tk.Return:
                    RetStat();
                    return true;
                case Tk.Break:
                    EmitNext();
                    if (_loops == 0) throw SyntaxError("no loop to break");
                    return true;
                default:
                    ExprStat();
                    return false;
            }
        }

        private void LoopBlock()
        {
            _loops++;
            Block();
            _loops--;
        }

        private void IfStat(int line)
        {
            EmitNext();                                        // if
            Expr();
            CheckEmit(Tk.Then);
            Block();
            while (_t.Type == Tk.ElseIf)
            {
                EmitNext();
                Expr();
                CheckEmit(Tk.Then);
                Block();
            }
            if (_t.Type == Tk.Else)
            {
                EmitNext();
                Block();
            }
            CheckMatchEmit(Tk.End, Tk.If, line);
        }

        private void ForStat(int line)
        {
            EmitNext();                                        // for
            CheckName();
            EmitNext();
            if (_t.Type == '=')
            {
                EmitNext();
                ForValue(1);
                CheckEmit(',');
                ForValue(2);
                if (_t.Type == ',')
                {
                    EmitNext();
                    ForValue(3);
                }
            }
            else if (_t.Type == ',' || _t.Type == Tk.In)
            {
                while (_t.Type == ',')
                {
                    EmitNext();
                    CheckName();
                    EmitNext();
                }
                CheckEmit(Tk.In);
                ExpList();
            }
            else throw SyntaxError("'=' or 'in' expected");
            CheckEmit(Tk.Do);
            LoopBlock();
            CheckMatchEmit(Tk.End, Tk.For, line);
        }

        /// <summary>
        /// A numeric-for value (<paramref name="which"/>: 1 initial value, 2 limit, 3 step). 5.1 converts numeric
        /// strings here ("1" is a valid start) and words its errors differently from 5.4, so non-literal values go
        /// through <c>__chdk_fornum(value, which)</c>.
        /// </summary>
        private void ForValue(int which)
        {
            Exp e = Expr();
            if (e.Kind == Kind.Number) return;
            AddPrefix(e.Start, "__chdk_fornum(");
            AddSynthetic(which == 1 ? ", 1)" : which == 2 ? ", 2)" : ", 3)");
            _used |= Helper.ForNum;
        }

        private void FuncStat(int line)
        {
            int kw = EmitNext();                               // function
            int nameStart = _out.Count;
            CheckName();
            EmitNext();
            bool method = false;
            bool needsAssignment = false;                      // a field named like a 5.4 keyword
            while (_t.Type == '.' || _t.Type == ':')
            {
                bool colon = _t.Type == ':';
                int sepLine = _t.Line, sepEnd = _t.EndLine;
                Next();
                string field = CheckName();
                if (IsReserved54(field))
                {
                    needsAssignment = true;
                    Add("[\"" + field + "\"]", sepLine, sepEnd);
                    Add("", _t.Line, _t.EndLine);
                }
                else
                {
                    Add(colon ? ":" : ".", sepLine, sepEnd);
                    Add(field, _t.Line, _t.EndLine);
                }
                Next();
                if (colon)
                {
                    method = true;
                    break;
                }
            }
            if (needsAssignment)
            {
                // "function a.goto:m() end" cannot be written in 5.4; emit "a["goto"].m = function(self) end".
                _out[kw].Text = "";
                for (int i = nameStart; i < _out.Count; i++)
                    if (_out[i].Text == ":") _out[i].Text = ".";
                AddSynthetic("= function");
                Body(line, method);
            }
            else Body(line, false);
        }

        private void LocalStat()
        {
            do
            {
                CheckName();
                EmitNext();
                if (_t.Type != ',') break;
                EmitNext();
            } while (true);
            if (_t.Type == '=')
            {
                EmitNext();
                ExpList();
            }
        }

        private void RetStat()
        {
            EmitNext();                                        // return
            if (BlockFollow(_t.Type) || _t.Type == ';') return;
            int count = ExpList(out Exp last);
            if (count == 1 && last.Kind == Kind.Helper)
            {
                // Not a tail call: the helper must see the caller's frame to report errors at the right line.
                AddPrefix(last.Start, "(");
                AddSynthetic(")");
            }
        }

        private void ExprStat()
        {
            Exp e = PrimaryExp();
            if (e.Kind == Kind.Call && _t.Type != '=' && _t.Type != ',') return;
            for (;;)
            {
                if (e.Kind != Kind.Name && e.Kind != Kind.Indexed) throw SyntaxError("syntax error");
                if (_t.Type != ',') break;
                EmitNext();
                e = PrimaryExp();
            }
            CheckEmit('=');
            ExpList();
        }

        // ------------------------------------------------------------------ functions

        /// <summary>Parameter list and body. <paramref name="addSelf"/> inserts the implicit method parameter.</summary>
        private void Body(int line, bool addSelf)
        {
            CheckEmit('(');
            bool vararg = false;
            if (addSelf) AddSynthetic(_t.Type == ')' ? "self" : "self,");
            if (_t.Type != ')')
            {
                do
                {
                    if (_t.Type == Tk.Name) EmitNext();
                    else if (_t.Type == Tk.Dots)
                    {
                        EmitNext();
                        vararg = true;
                    }
                    else throw SyntaxError("<name> or '...' expected");
                    if (vararg || _t.Type != ',') break;
                    EmitNext();
                } while (true);
            }
            CheckEmit(')');
            bool savedVararg = _isVararg;
            int savedLoops = _loops;
            _isVararg = vararg;
            _loops = 0;
            Block();
            CheckMatchEmit(Tk.End, Tk.Function, line);
            _isVararg = savedVararg;
            _loops = savedLoops;
        }

        // ------------------------------------------------------------------ expressions

        private int ExpList() => ExpList(out _);

        private int ExpList(out Exp last)
        {
            int n = 1;
            last = Expr();
            while (_t.Type == ',')
            {
                EmitNext();
                last = Expr();
                n++;
            }
            return n;
        }

        private Exp Expr()
        {
            SubExpr(0, out Exp e);
            return e;
        }

        private static int BinaryOp(int token)
        {
            switch (token)
            {
                case '+': return OpAdd;
                case '-': return OpSub;
                case '*': return OpMul;
                case '/': return OpDiv;
                case '%': return OpMod;
                case '^': return OpPow;
                case Tk.Concat: return OpConcat;
                case Tk.Ne: return OpNe;
                case Tk.Eq: return OpEq;
                case '<': return OpLt;
                case Tk.Le: return OpLe;
                case '>': return OpGt;
                case Tk.Ge: return OpGe;
                case Tk.And: return OpAnd;
                case Tk.Or: return OpOr;
                default: return NoOp;
            }
        }

        /// <summary>5.1 <c>subexpr</c>: unary operators, then binary operators above <paramref name="limit"/>.</summary>
        private int SubExpr(int limit, out Exp e)
        {
            EnterLevel();
            int start = _out.Count;
            if (_t.Type == '-')
            {
                int minus = Add("__chdk_unm(", _t.Line, _t.EndLine);
                Next();
                SubExpr(UnaryPriority, out Exp operand);
                if (operand.Kind == Kind.Number)
                {
                    // Constant: fold it (5.1 folds it too) so literals like -1 stay literals.
                    int v = unchecked(-operand.Value);
                    _out[minus].Text = ChdkNumber.ToLuaLiteral(v);
                    _out[operand.Start].Text = "";
                    e = new Exp { Start = start, Kind = Kind.Number, Value = v };
                }
                else
                {
                    AddSynthetic(")");
                    _used |= Helper.Unm;
                    e = new Exp { Start = start, Kind = Kind.Helper };
                }
            }
            else if (_t.Type == Tk.Not || _t.Type == '#')
            {
                EmitNext();
                SubExpr(UnaryPriority, out _);
                e = new Exp { Start = start, Kind = Kind.Other };
            }
            else e = SimpleExp();

            int op = BinaryOp(_t.Type);
            while (op != NoOp && LeftPriority[op] > limit)
            {
                bool arith = op <= OpPow;
                if (arith) Add(",", _t.Line, _t.EndLine);
                else Add(Tk.ToText(_t.Type), _t.Line, _t.EndLine);
                Next();
                int nextOp = SubExpr(RightPriority[op], out _);
                if (arith)
                {
                    AddPrefix(start, ArithCall[op]);
                    AddSynthetic(")");
                    _used |= ArithHelper[op];
                    e = new Exp { Start = start, Kind = Kind.Helper };
                }
                else e = new Exp { Start = start, Kind = Kind.Other };
                op = nextOp;
            }
            LeaveLevel();
            return op;
        }

        private Exp SimpleExp()
        {
            int start = _out.Count;
            switch (_t.Type)
            {
                case Tk.Number:
                {
                    int v = _t.Value;
                    EmitNext();
                    return new Exp { Start = start, Kind = Kind.Number, Value = v };
                }
                case Tk.String:
                    EmitNext();
                    return new Exp { Start = start, Kind = Kind.String };
                case Tk.Nil:
                case Tk.True:
                case Tk.False:
                    EmitNext();
                    return new Exp { Start = start, Kind = Kind.Other };
                case Tk.Dots:
                    if (!_isVararg) throw SyntaxError("cannot use '...' outside a vararg function");
                    EmitNext();
                    return new Exp { Start = start, Kind = Kind.Other };
                case '{':
                    Constructor();
                    return new Exp { Start = start, Kind = Kind.Other };
                case Tk.Function:
                {
                    EmitNext();
                    Body(_lex.Line, false);                 // 5.1 uses the line after 'function' here
                    return new Exp { Start = start, Kind = Kind.Other };
                }
                default:
                    return PrimaryExp();
            }
        }

        /// <summary>5.1 <c>primaryexp</c>: a name or parenthesised expression followed by fields, indexes and calls.</summary>
        private Exp PrimaryExp()
        {
            int start = _out.Count;
            Kind kind;
            if (_t.Type == Tk.Name)
            {
                EmitNext();
                kind = Kind.Name;
            }
            else if (_t.Type == '(')
            {
                int line = _t.Line;
                EmitNext();
                Expr();
                CheckMatchEmit(')', '(', line);
                kind = Kind.Other;
            }
            else throw SyntaxError("unexpected symbol");

            for (;;)
            {
                switch (_t.Type)
                {
                    case '.':
                    {
                        int line = _t.Line, endLine = _t.EndLine;
                        Next();
                        string field = CheckName();
                        if (IsReserved54(field))
                        {
                            Add("[\"" + field + "\"]", line, endLine);
                            Add("", _t.Line, _t.EndLine);
                        }
                        else
                        {
                            Add(".", line, endLine);
                            Add(field, _t.Line, _t.EndLine);
                        }
                        Next();
                        kind = Kind.Indexed;
                        break;
                    }
                    case '[':
                        EmitNext();
                        Expr();
                        CheckEmit(']');
                        kind = Kind.Indexed;
                        break;
                    case ':':
                    {
                        int line = _t.Line, endLine = _t.EndLine;
                        Next();
                        string method = CheckName();
                        if (IsReserved54(method))
                        {
                            // obj:goto(...) -> __chdk_callmethod(obj, "goto", ...)
                            AddPrefix(start, "__chdk_callmethod(");
                            Add(",", line, endLine);
                            Add("\"" + method + "\"", _t.Line, _t.EndLine);
                            Next();
                            FuncArgs(true);
                            _used |= Helper.CallMethod;
                        }
                        else
                        {
                            Add(":", line, endLine);
                            Add(method, _t.Line, _t.EndLine);
                            Next();
                            FuncArgs(false);
                        }
                        kind = Kind.Call;
                        break;
                    }
                    case '(':
                    case Tk.String:
                    case '{':
                        FuncArgs(false);
                        kind = Kind.Call;
                        break;
                    default:
                        return new Exp { Start = start, Kind = kind };
                }
            }
        }

        /// <summary>
        /// Call arguments. With <paramref name="extraArgs"/> the arguments continue an already opened helper call:
        /// "(a, b)" becomes ", a, b)" and a string or table argument becomes ", arg )".
        /// </summary>
        private void FuncArgs(bool extraArgs)
        {
            int line = _t.Line;
            switch (_t.Type)
            {
                case '(':
                    if (line != _lastLine) throw SyntaxError("ambiguous syntax (function call x new statement)");
                    if (extraArgs)
                    {
                        Next();
                        if (_t.Type != ')')
                        {
                            AddSynthetic(",");
                            ExpList();
                        }
                    }
                    else
                    {
                        EmitNext();
                        if (_t.Type != ')') ExpList();
                    }
                    CheckMatchEmit(')', '(', line);
                    break;
                case '{':
                    if (extraArgs) AddSynthetic(",");
                    Constructor();
                    if (extraArgs) AddSynthetic(")");
                    break;
                case Tk.String:
                    if (extraArgs) AddSynthetic(",");
                    EmitNext();
                    if (extraArgs) AddSynthetic(")");
                    break;
                default:
                    throw SyntaxError("function arguments expected");
            }
        }

        private void Constructor()
        {
            int line = _t.Line;
            CheckEmit('{');
            do
            {
                if (_t.Type == '}') break;
                if (_t.Type == Tk.Name && LookAheadType() == '=')
                {
                    // name = exp: keys that are 5.4 keywords keep their string value.
                    if (IsReserved54(_t.Text))
                    {
                        Add("[\"" + _t.Text + "\"]", _t.Line, _t.EndLine);
                        Next();
                    }
                    else
                    {
                        Add(_t.Text, _t.Line, _t.EndLine);
                        Next();
                    }
                    EmitNext();                                // =
                    Expr();
                }
                else if (_t.Type == '[')
                {
                    EmitNext();
                    Expr();
                    CheckEmit(']');
                    CheckEmit('=');
                    Expr();
                }
                else Expr();
                if (_t.Type != ',' && _t.Type != ';') break;
                EmitNext();
            } while (true);
            CheckMatchEmit('}', '{', line);
        }
    }
}
