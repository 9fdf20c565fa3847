using System;
using System.Collections.Generic;
using System.Text;

namespace ChdkPtp.Simulator.Tests.Translation
{
    /// <summary>
    /// Random arithmetic trees are printed as Lua 5.1 with only the parentheses the 5.1 manual's precedence and
    /// associativity rules require (plus some redundant ones), evaluated here with C int semantics, and compared
    /// with what the translated code computes in Lua 5.4.
    /// </summary>
    public sealed class ExpressionTreeTests : IDisposable
    {
        private readonly Lua54Runner _lua = new Lua54Runner();

        public void Dispose() => _lua.Dispose();

        private abstract class Node
        {
            public abstract int Eval();
            public abstract string Lua(Random r);
            public abstract int Prec { get; }      // binding strength of the printed form
        }

        private sealed class Lit : Node
        {
            public int V;
            public override int Eval() => V;
            // Negative values as hex so the literal is one token with exactly this value.
            public override string Lua(Random r) => V < 0 ? "0x" + ((uint)V).ToString(r.Next(2) == 0 ? "X" : "x") : V.ToString();
            public override int Prec => 100;
        }

        private sealed class Neg : Node
        {
            public Node A;
            public override int Eval() => unchecked(-A.Eval());
            // The operand of unary minus is parsed with priority 8: only '^' (and unary operators) bind tighter.
            public override string Lua(Random r) => "- " + Wrap(A, A.Prec < 10 && !(A is Neg), r);   // "- " never forms "--"
            public override int Prec => 8;
        }

        private sealed class Bin : Node
        {
            public char Op;
            public Node L, R;

            public override int Prec => Op == '^' ? 10 : Op == '+' || Op == '-' ? 6 : 7;

            public override int Eval()
            {
                int a = L.Eval(), b = R.Eval();
                switch (Op)
                {
                    case '+': return unchecked(a + b);
                    case '-': return unchecked(a - b);
                    case '*': return unchecked(a * b);
                    case '/':
                        if (b == 0) return a > 0 ? int.MaxValue : a < 0 ? int.MinValue : 0;
                        if (a == int.MinValue && b == -1) return int.MinValue;
                        return a / b;
                    case '%':
                        if (b == 0 || b == -1) return 0;
                        return a % b;
                    default:
                        if (b < 0) return 0;
                        int p = 1, x = a;
                        while (b > 0)
                        {
                            if ((b & 1) != 0) p = unchecked(p * x);
                            b >>= 1;
                            x = unchecked(x * x);
                        }
                        return p;
                }
            }

            public override string Lua(Random r)
            {
                bool parenL, parenR;
                if (Op == '^')
                {
                    parenL = L.Prec <= 10 && L.Prec != 100;          // right associative; unary binds looser
                    parenR = !(R is Lit) && !(R is Neg) && !(R is Bin b && b.Op == '^');
                }
                else
                {
                    parenL = L.Prec < Prec;                          // left associative
                    parenR = R.Prec <= Prec && !(R is Neg && Prec < 8);
                }
                string sep = r.Next(4) == 0 ? "\n" : r.Next(2) == 0 || Op == '-' ? " " : "";
                return Wrap(L, parenL, r) + sep + Op + sep + Wrap(R, parenR, r);
            }
        }

        private static string Wrap(Node n, bool paren, Random r)
        {
            string s = n.Lua(r);
            return paren || r.Next(12) == 0 ? "(" + s + ")" : s;
        }

        private static Node Gen(Random r, int depth)
        {
            if (depth == 0 || r.Next(4) == 0)
            {
                int[] small = { 0, 1, 2, 3, -1, -2, 7, 31, 32, 65536 };
                int v = r.Next(3) == 0 ? r.Next(int.MinValue, int.MaxValue) : small[r.Next(small.Length)];
                return new Lit { V = v };
            }
            if (r.Next(6) == 0) return new Neg { A = Gen(r, depth - 1) };
            const string ops = "+-*/%^";
            char op = ops[r.Next(ops.Length)];
            Node left = Gen(r, depth - 1), right = Gen(r, depth - 1);
            if (op == '^' && right is Lit lit) lit.V = Math.Abs(lit.V % 40);       // keep powers interesting
            return new Bin { Op = op, L = left, R = right };
        }

        [Fact]
        public void Random_trees_match_the_reference()
        {
            var r = new Random(777);
            var exprs = new List<string>();
            var expected = new List<long>();
            for (int i = 0; i < 1500; i++)
            {
                Node n = Gen(r, r.Next(1, 6));
                exprs.Add(n.Lua(r));
                expected.Add(n.Eval());
            }
            for (int k = 0; k < exprs.Count; k += 100)
            {
                var code = new StringBuilder("return ");
                for (int i = k; i < k + 100; i++)
                {
                    if (i > k) code.Append(",\n");
                    code.Append(exprs[i]);
                }
                object[] got = _lua.Run(code.ToString());
                Assert.Equal(100, got.Length);
                for (int i = 0; i < 100; i++)
                {
                    Assert.True(got[i] is long, $"not an integer: {exprs[k + i]} -> {got[i]}");
                    Assert.True(expected[k + i] == (long)got[i], $"{exprs[k + i].Replace("\n", " ")}: expected {expected[k + i]}, got {got[i]}");
                }
            }
        }
    }
}
