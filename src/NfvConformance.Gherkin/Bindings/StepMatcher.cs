// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Gherkin.Bindings;

/// <summary>One binding that matches a step, with the matched text of each expression argument.</summary>
internal readonly record struct StepMatch(StepBinding Binding, string?[] Arguments);

/// <summary>
/// Finds every binding whose expression matches a step's text. Bindings are indexed in a character trie on the
/// literal text their expression starts with, so a step only tries the regexes of bindings whose prefix it
/// starts with (plus those with no literal prefix), instead of all of them.
/// </summary>
internal sealed class StepMatcher
{
    private readonly Node _root = new();

    public StepMatcher(IEnumerable<StepBinding> bindings)
    {
        foreach (StepBinding binding in bindings)
        {
            Node node = _root;
            foreach (char c in binding.Expression.LiteralPrefix)
            {
                node.Children ??= [];
                if (!node.Children.TryGetValue(c, out Node? child))
                {
                    child = new Node();
                    node.Children.Add(c, child);
                }

                node = child;
            }

            (node.Bindings ??= []).Add(binding);
        }
    }

    /// <summary>Matches a step's text against every candidate binding of its kind.</summary>
    /// <param name="type">The step's kind.</param>
    /// <param name="text">The step's text.</param>
    /// <param name="otherKinds">Receives bindings that match the text but are for another step kind (for hints), when not null.</param>
    /// <returns>Every matching binding; more than one means the step is ambiguous.</returns>
    public List<StepMatch> Match(PickleStepType type, string text, List<StepBinding>? otherKinds = null)
    {
        List<StepMatch> matches = new(1);
        Node? node = _root;
        int i = 0;
        while (node is not null)
        {
            if (node.Bindings is { } bindings)
            {
                foreach (StepBinding binding in bindings)
                {
                    bool accepts = binding.Accepts(type);
                    if (!accepts && otherKinds is null)
                    {
                        continue;
                    }

                    string?[]? arguments = binding.Expression.Match(text);
                    if (arguments is null)
                    {
                        continue;
                    }

                    if (accepts)
                    {
                        matches.Add(new StepMatch(binding, arguments));
                    }
                    else
                    {
                        otherKinds!.Add(binding);
                    }
                }
            }

            if (i >= text.Length || node.Children is null || !node.Children.TryGetValue(text[i], out node))
            {
                break;
            }

            i++;
        }

        return matches;
    }

    private sealed class Node
    {
        public Dictionary<char, Node>? Children { get; set; }

        public List<StepBinding>? Bindings { get; set; }
    }
}
