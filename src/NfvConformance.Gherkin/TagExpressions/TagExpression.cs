// Licensed under the Apache License, Version 2.0.
using System.Text;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Gherkin.TagExpressions;

/// <summary>
/// A Cucumber tag expression such as <c>@smoke and not (@slow or @wip)</c>: literals, <c>and</c>, <c>or</c>,
/// <c>not</c>, parentheses, and backslash escapes of <c>(</c>, <c>)</c>, <c>\</c> and whitespace inside a tag.
/// Precedence is <c>not</c> over <c>and</c> over <c>or</c>; the empty expression matches everything.
/// </summary>
public sealed class TagExpression
{
    private readonly Node _root;

    private TagExpression(string source, Node root)
    {
        Source = source;
        _root = root;
    }

    /// <summary>Gets the expression that matches every tag set.</summary>
    public static TagExpression Always { get; } = new(string.Empty, new TrueNode());

    /// <summary>Gets the expression as written.</summary>
    public string Source { get; }

    /// <summary>Parses a tag expression.</summary>
    /// <param name="expression">The expression; empty or whitespace gives <see cref="Always"/>.</param>
    /// <returns>The parsed expression.</returns>
    /// <exception cref="ConfigurationException">
    /// The expression is malformed; the message names the 1-based position and what was expected there.
    /// </exception>
    public static TagExpression Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        List<Token> tokens = Tokenize(expression);
        if (tokens.Count == 0)
        {
            return new TagExpression(expression, new TrueNode());
        }

        return new TagExpression(expression, new Parser(expression, tokens).ParseAll());
    }

    /// <summary>Tells whether a set of tags satisfies the expression. Tags compare ordinally, as written (with <c>@</c>).</summary>
    /// <param name="tags">The tags of a scenario, for example <c>@smoke</c>.</param>
    /// <returns>True when the tags satisfy the expression.</returns>
    public bool Evaluate(IEnumerable<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        IReadOnlyCollection<string> set = tags as IReadOnlyCollection<string> ?? tags.ToList();
        return _root.Evaluate(set);
    }

    /// <inheritdoc />
    public override string ToString() => _root.ToString()!;

    private static List<Token> Tokenize(string text)
    {
        List<Token> tokens = [];
        StringBuilder literal = new();
        int literalStart = -1;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    Fail(text, i, "a character to escape after '\\' (one of '(', ')', '\\' or whitespace), but the expression ends");
                }

                char next = text[i + 1];
                if (next is not ('(' or ')' or '\\') && !char.IsWhiteSpace(next))
                {
                    Fail(text, i, $"'(', ')', '\\' or whitespace after '\\', not '{next}' (write the character without the backslash)");
                }

                if (literalStart < 0)
                {
                    literalStart = i;
                }

                literal.Append(next);
                i++;
                continue;
            }

            if (char.IsWhiteSpace(c) || c is '(' or ')')
            {
                Flush();
                if (!char.IsWhiteSpace(c))
                {
                    tokens.Add(new Token(c.ToString(), i, TokenKind.Structural));
                }

                continue;
            }

            if (literalStart < 0)
            {
                literalStart = i;
            }

            literal.Append(c);
        }

        Flush();
        return tokens;

        void Flush()
        {
            if (literalStart < 0)
            {
                return;
            }

            string value = literal.ToString();
            string raw = text[literalStart..Math.Min(text.Length, literalStart + RawLength(literalStart))];
            TokenKind kind = raw switch
            {
                "and" => TokenKind.And,
                "or" => TokenKind.Or,
                "not" => TokenKind.Not,
                _ => TokenKind.Literal,
            };
            tokens.Add(new Token(value, literalStart, kind));
            literal.Clear();
            literalStart = -1;
        }

        int RawLength(int start)
        {
            int j = start;
            while (j < text.Length && !char.IsWhiteSpace(text[j]) && text[j] is not ('(' or ')'))
            {
                j += text[j] == '\\' ? 2 : 1;
            }

            return j - start;
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Fail(string text, int index, string expected) =>
        throw new ConfigurationException(
            $"Tag expression \"{text}\" is malformed at position {index + 1}: expected {expected}. " +
            "Tag expressions use tags (@name), 'and', 'or', 'not' and parentheses, for example \"@smoke and not (@slow or @wip)\".");

    private enum TokenKind
    {
        Literal,
        And,
        Or,
        Not,
        Structural,
    }

    private readonly record struct Token(string Text, int Index, TokenKind Kind);

    // Recursive descent: or := and ('or' and)*; and := unary ('and' unary)*; unary := 'not' unary | '(' or ')' | literal.
    private sealed class Parser(string text, List<Token> tokens)
    {
        private int _position;

        public Node ParseAll()
        {
            Node node = ParseOr();
            if (_position < tokens.Count)
            {
                Token token = tokens[_position];
                Fail(text, token.Index, token.Text == ")"
                    ? "an operand or the end of the expression, but found an unmatched ')'"
                    : $"'and', 'or' or the end of the expression, but found \"{token.Text}\"");
            }

            return node;
        }

        private Node ParseOr()
        {
            Node left = ParseAnd();
            while (Peek(TokenKind.Or))
            {
                _position++;
                left = new OrNode(left, ParseAnd());
            }

            return left;
        }

        private Node ParseAnd()
        {
            Node left = ParseUnary();
            while (Peek(TokenKind.And))
            {
                _position++;
                left = new AndNode(left, ParseUnary());
            }

            return left;
        }

        private Node ParseUnary()
        {
            if (_position >= tokens.Count)
            {
                Fail(text, text.Length, "a tag, 'not' or '(', but the expression ends");
            }

            Token token = tokens[_position++];
            switch (token.Kind)
            {
                case TokenKind.Not:
                    return new NotNode(ParseUnary());
                case TokenKind.Literal:
                    return new LiteralNode(token.Text);
                case TokenKind.Structural when token.Text == "(":
                    Node inner = ParseOr();
                    if (_position >= tokens.Count || tokens[_position].Text != ")" || tokens[_position].Kind != TokenKind.Structural)
                    {
                        Fail(text, _position < tokens.Count ? tokens[_position].Index : text.Length, $"')' to close the '(' at position {token.Index + 1}");
                    }

                    _position++;
                    return inner;
                default:
                    Fail(text, token.Index, $"a tag, 'not' or '(', but found \"{token.Text}\"");
                    return null!;
            }
        }

        private bool Peek(TokenKind kind) => _position < tokens.Count && tokens[_position].Kind == kind;
    }

    private abstract class Node
    {
        public abstract bool Evaluate(IReadOnlyCollection<string> tags);
    }

    private sealed class TrueNode : Node
    {
        public override bool Evaluate(IReadOnlyCollection<string> tags) => true;

        public override string ToString() => "true";
    }

    private sealed class LiteralNode(string name) : Node
    {
        public override bool Evaluate(IReadOnlyCollection<string> tags)
        {
            foreach (string tag in tags)
            {
                if (string.Equals(tag, name, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        public override string ToString() =>
            name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("(", "\\(", StringComparison.Ordinal)
                .Replace(")", "\\)", StringComparison.Ordinal).Replace(" ", "\\ ", StringComparison.Ordinal);
    }

    private sealed class NotNode(Node operand) : Node
    {
        public override bool Evaluate(IReadOnlyCollection<string> tags) => !operand.Evaluate(tags);

        public override string ToString() => operand is AndNode or OrNode ? $"not {operand}" : $"not ( {operand} )";
    }

    private sealed class AndNode(Node left, Node right) : Node
    {
        public override bool Evaluate(IReadOnlyCollection<string> tags) => left.Evaluate(tags) && right.Evaluate(tags);

        public override string ToString() => $"( {left} and {right} )";
    }

    private sealed class OrNode(Node left, Node right) : Node
    {
        public override bool Evaluate(IReadOnlyCollection<string> tags) => left.Evaluate(tags) || right.Evaluate(tags);

        public override string ToString() => $"( {left} or {right} )";
    }
}
