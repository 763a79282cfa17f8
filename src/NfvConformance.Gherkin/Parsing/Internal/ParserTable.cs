// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Gherkin.Parsing.Internal;

/// <summary>The grammar's non-terminals; each becomes a node while the AST is built.</summary>
internal enum RuleType
{
    None = 0,
    GherkinDocument,
    Feature,
    FeatureHeader,
    Rule,
    RuleHeader,
    Background,
    ScenarioDefinition,
    Scenario,
    ExamplesDefinition,
    Examples,
    ExamplesTable,
    Step,
    DataTable,
    DocString,
    Tags,
    Description,
}

/// <summary>Which token a tag line must lead to (skipping blank, comment and tag lines) for a transition to apply.</summary>
internal enum Lookahead
{
    None = 0,
    ScenarioLine,
    ExamplesLine,
}

/// <summary>One transition: on <see cref="Token"/> (and the lookahead), end rules, start rules, build the token, go to <see cref="Next"/>.</summary>
/// <param name="Token">The token kind to match.</param>
/// <param name="Lookahead">The lookahead that must also hold.</param>
/// <param name="EndRules">How many open rules to end first; -1 ends all but the document (end of file).</param>
/// <param name="StartRules">The rules to start, outermost first.</param>
/// <param name="Next">The next state.</param>
internal readonly record struct Transition(TokenType Token, Lookahead Lookahead, int EndRules, RuleType[] StartRules, int Next);

/// <summary>A parser state: its transitions in the order they are tried, and the token list an error names.</summary>
internal sealed record ParserState(string Name, Transition[] Transitions, string[] ExpectedTokens);

/// <summary>
/// The LL(1) state machine for cucumber's grammar (gherkin.berp, with DescriptionHelper := #Empty* Description?,
/// Description := (#Other | #Comment)+ and StepArg := DataTable DocString? | DocString DataTable?).
/// Transitions are written in grammar order; <see cref="Finish"/> orders them as cucumber's generator does:
/// #EOF first, then token kinds by first appearance, #Other last, then #Comment and #Empty as ignored tokens
/// unless the state already names them or accepts #Other. That order is also the order of the "expected:" lists.
/// </summary>
internal static class ParserTable
{
    public const int Start = 0;

    private static readonly RuleType[] s_none = [];

    public static readonly ParserState[] States = Build();

    private enum S
    {
        Start, Language, FeatureTags, FeatureLine, FeatureDescription,
        BgLine, BgDescription,
        ScTags, ScLine, ScDescription,
        ExTags, ExLine, ExDescription, ExTable,
        RuleTags, RuleLine, RuleDescription,
        RBgLine, RBgDescription,
        RScTags, RScLine, RScDescription,
        RExTags, RExLine, RExDescription, RExTable,
        BgStep, ScStep = BgStep + StepGroupSize, RBgStep = ScStep + StepGroupSize, RScStep = RBgStep + StepGroupSize,
        Count = RScStep + StepGroupSize,
    }

    // A step group: the step line, then its arguments: a table (T1) or a doc string (D1, open then closed),
    // optionally followed by the other kind (D2 after T1, T2 after D1).
    private const int StepGroupSize = 7;
    private const int T1 = 1, D1Open = 2, D1Closed = 3, D2Open = 4, D2Closed = 5, T2 = 6;

    private static ParserState[] Build()
    {
        var states = new ParserState[(int)S.Count];
        void Set(S state, string name, List<Transition> transitions, bool eof = true) =>
            states[(int)state] = Finish(name, transitions, eof);

        Set(S.Start, "Start", [
            T(TokenType.Language, 0, [RuleType.Feature, RuleType.FeatureHeader], S.Language),
            T(TokenType.TagLine, 0, [RuleType.Feature, RuleType.FeatureHeader, RuleType.Tags], S.FeatureTags),
            T(TokenType.FeatureLine, 0, [RuleType.Feature, RuleType.FeatureHeader], S.FeatureLine)]);
        Set(S.Language, "Language", [
            T(TokenType.TagLine, 0, [RuleType.Tags], S.FeatureTags),
            T(TokenType.FeatureLine, 0, s_none, S.FeatureLine)], eof: false);
        Set(S.FeatureTags, "FeatureTags", [
            T(TokenType.TagLine, 0, s_none, S.FeatureTags),
            T(TokenType.FeatureLine, 1, s_none, S.FeatureLine)], eof: false);

        // Feature header: depth = rules to end to get back to the Feature node.
        Set(S.FeatureLine, "FeatureLine", [.. Header(S.FeatureDescription), .. AfterFeatureHeader(1)]);
        Set(S.FeatureDescription, "FeatureDescription", [.. InDescription(S.FeatureDescription), .. AfterFeatureHeader(2)]);

        Set(S.BgLine, "Background", [.. Header(S.BgDescription), T(TokenType.StepLine, 0, [RuleType.Step], S.BgStep), .. FeatureTail(1)]);
        Set(S.BgDescription, "BackgroundDescription", [.. InDescription(S.BgDescription), T(TokenType.StepLine, 1, [RuleType.Step], S.BgStep), .. FeatureTail(2)]);
        StepGroup(states, S.BgStep, "Background", 2, FeatureTail);

        Set(S.ScTags, "ScenarioTags", [.. Tags(S.ScTags), T(TokenType.ScenarioLine, 1, [RuleType.Scenario], S.ScLine)], eof: false);
        Set(S.ScLine, "Scenario", [.. Header(S.ScDescription), T(TokenType.StepLine, 0, [RuleType.Step], S.ScStep), .. ScenarioTail(0, rule: false)]);
        Set(S.ScDescription, "ScenarioDescription", [.. InDescription(S.ScDescription), T(TokenType.StepLine, 1, [RuleType.Step], S.ScStep), .. ScenarioTail(1, rule: false)]);
        StepGroup(states, S.ScStep, "Scenario", 1, d => ScenarioTail(d, rule: false));
        Set(S.ExTags, "ExamplesTags", [.. Tags(S.ExTags), T(TokenType.ExamplesLine, 1, [RuleType.Examples], S.ExLine)], eof: false);
        Set(S.ExLine, "Examples", [.. Header(S.ExDescription), T(TokenType.TableRow, 0, [RuleType.ExamplesTable], S.ExTable), .. ScenarioTail(2, rule: false)]);
        Set(S.ExDescription, "ExamplesDescription", [.. InDescription(S.ExDescription), T(TokenType.TableRow, 1, [RuleType.ExamplesTable], S.ExTable), .. ScenarioTail(3, rule: false)]);
        Set(S.ExTable, "ExamplesTable", [T(TokenType.TableRow, 0, s_none, S.ExTable), .. ScenarioTail(3, rule: false)]);

        // Rule: depth = rules to end to get back to the Rule node.
        Set(S.RuleTags, "RuleTags", [.. Tags(S.RuleTags), T(TokenType.RuleLine, 1, s_none, S.RuleLine)], eof: false);
        Set(S.RuleLine, "Rule", [.. Header(S.RuleDescription), .. AfterRuleHeader(1)]);
        Set(S.RuleDescription, "RuleDescription", [.. InDescription(S.RuleDescription), .. AfterRuleHeader(2)]);
        Set(S.RBgLine, "RuleBackground", [.. Header(S.RBgDescription), T(TokenType.StepLine, 0, [RuleType.Step], S.RBgStep), .. RuleTail(1)]);
        Set(S.RBgDescription, "RuleBackgroundDescription", [.. InDescription(S.RBgDescription), T(TokenType.StepLine, 1, [RuleType.Step], S.RBgStep), .. RuleTail(2)]);
        StepGroup(states, S.RBgStep, "RuleBackground", 2, RuleTail);
        Set(S.RScTags, "RuleScenarioTags", [.. Tags(S.RScTags), T(TokenType.ScenarioLine, 1, [RuleType.Scenario], S.RScLine)], eof: false);
        Set(S.RScLine, "RuleScenario", [.. Header(S.RScDescription), T(TokenType.StepLine, 0, [RuleType.Step], S.RScStep), .. ScenarioTail(0, rule: true)]);
        Set(S.RScDescription, "RuleScenarioDescription", [.. InDescription(S.RScDescription), T(TokenType.StepLine, 1, [RuleType.Step], S.RScStep), .. ScenarioTail(1, rule: true)]);
        StepGroup(states, S.RScStep, "RuleScenario", 1, d => ScenarioTail(d, rule: true));
        Set(S.RExTags, "RuleExamplesTags", [.. Tags(S.RExTags), T(TokenType.ExamplesLine, 1, [RuleType.Examples], S.RExLine)], eof: false);
        Set(S.RExLine, "RuleExamples", [.. Header(S.RExDescription), T(TokenType.TableRow, 0, [RuleType.ExamplesTable], S.RExTable), .. ScenarioTail(2, rule: true)]);
        Set(S.RExDescription, "RuleExamplesDescription", [.. InDescription(S.RExDescription), T(TokenType.TableRow, 1, [RuleType.ExamplesTable], S.RExTable), .. ScenarioTail(3, rule: true)]);
        Set(S.RExTable, "RuleExamplesTable", [T(TokenType.TableRow, 0, s_none, S.RExTable), .. ScenarioTail(3, rule: true)]);
        return states;
    }

    /// <summary>
    /// The seven states of a step and its arguments. <paramref name="tail"/> takes the depth back to the step's
    /// container, which is <paramref name="depth"/> from the step line (one more from an argument).
    /// </summary>
    private static void StepGroup(ParserState[] states, S step, string name, int depth, Func<int, List<Transition>> tail)
    {
        int s = (int)step;
        Transition NextStep(int end) => new(TokenType.StepLine, Lookahead.None, end, [RuleType.Step], s);

        states[s] = Finish(name + "Step", [
            new(TokenType.TableRow, Lookahead.None, 0, [RuleType.DataTable], s + T1),
            new(TokenType.DocStringSeparator, Lookahead.None, 0, [RuleType.DocString], s + D1Open),
            NextStep(1), .. tail(depth)], eof: true);
        states[s + T1] = Finish(name + "StepDataTable", [
            new(TokenType.TableRow, Lookahead.None, 0, s_none, s + T1),
            new(TokenType.DocStringSeparator, Lookahead.None, 1, [RuleType.DocString], s + D2Open),
            NextStep(2), .. tail(depth + 1)], eof: true);
        states[s + D1Open] = Finish(name + "StepDocString", [
            new(TokenType.DocStringSeparator, Lookahead.None, 0, s_none, s + D1Closed),
            new(TokenType.Other, Lookahead.None, 0, s_none, s + D1Open)], eof: false);
        states[s + D1Closed] = Finish(name + "StepDocStringEnd", [
            new(TokenType.TableRow, Lookahead.None, 1, [RuleType.DataTable], s + T2),
            NextStep(2), .. tail(depth + 1)], eof: true);
        states[s + D2Open] = Finish(name + "StepSecondDocString", [
            new(TokenType.DocStringSeparator, Lookahead.None, 0, s_none, s + D2Closed),
            new(TokenType.Other, Lookahead.None, 0, s_none, s + D2Open)], eof: false);
        states[s + D2Closed] = Finish(name + "StepSecondDocStringEnd", [NextStep(2), .. tail(depth + 1)], eof: true);
        states[s + T2] = Finish(name + "StepSecondDataTable", [
            new(TokenType.TableRow, Lookahead.None, 0, s_none, s + T2),
            NextStep(2), .. tail(depth + 1)], eof: true);
    }

    private static List<Transition> Header(S description) =>
    [
        T(TokenType.Empty, 0, s_none, description - 1),
        T(TokenType.Other, 0, [RuleType.Description], description),
        T(TokenType.Comment, 0, [RuleType.Description], description),
    ];

    private static List<Transition> InDescription(S description) =>
    [
        T(TokenType.Other, 0, s_none, description),
        T(TokenType.Comment, 0, s_none, description),
    ];

    private static List<Transition> Tags(S tags) => [T(TokenType.TagLine, 0, s_none, tags)];

    private static List<Transition> AfterFeatureHeader(int depth) =>
        [T(TokenType.BackgroundLine, depth, [RuleType.Background], S.BgLine), .. FeatureTail(depth)];

    private static List<Transition> AfterRuleHeader(int depth) =>
        [T(TokenType.BackgroundLine, depth, [RuleType.Background], S.RBgLine), .. RuleTail(depth)];

    /// <summary>What may follow inside a feature: scenarios, then rules. <paramref name="depth"/> ends back to the Feature node.</summary>
    private static List<Transition> FeatureTail(int depth) =>
    [
        T(TokenType.TagLine, depth, [RuleType.ScenarioDefinition, RuleType.Tags], S.ScTags, Lookahead.ScenarioLine),
        T(TokenType.ScenarioLine, depth, [RuleType.ScenarioDefinition, RuleType.Scenario], S.ScLine),
        .. Rules(depth),
    ];

    /// <summary>What may follow inside a rule: its scenarios, then further rules. <paramref name="depth"/> ends back to the Rule node.</summary>
    private static List<Transition> RuleTail(int depth) =>
    [
        T(TokenType.TagLine, depth, [RuleType.ScenarioDefinition, RuleType.Tags], S.RScTags, Lookahead.ScenarioLine),
        T(TokenType.ScenarioLine, depth, [RuleType.ScenarioDefinition, RuleType.Scenario], S.RScLine),
        .. Rules(depth + 1),
    ];

    private static List<Transition> Rules(int depthToFeature) =>
    [
        T(TokenType.TagLine, depthToFeature, [RuleType.Rule, RuleType.RuleHeader, RuleType.Tags], S.RuleTags),
        T(TokenType.RuleLine, depthToFeature, [RuleType.Rule, RuleType.RuleHeader], S.RuleLine),
    ];

    /// <summary>What may follow inside a scenario: examples blocks, then the container's tail. <paramref name="depth"/> ends back to the Scenario node.</summary>
    private static List<Transition> ScenarioTail(int depth, bool rule) =>
    [
        T(TokenType.TagLine, depth, [RuleType.ExamplesDefinition, RuleType.Tags], rule ? S.RExTags : S.ExTags, Lookahead.ExamplesLine),
        T(TokenType.ExamplesLine, depth, [RuleType.ExamplesDefinition, RuleType.Examples], rule ? S.RExLine : S.ExLine),
        .. rule ? RuleTail(depth + 2) : FeatureTail(depth + 2),
    ];

    private static Transition T(TokenType token, int end, RuleType[] start, S next, Lookahead lookahead = Lookahead.None) =>
        new(token, lookahead, end, start, (int)next);

    private static ParserState Finish(string name, List<Transition> transitions, bool eof)
    {
        List<Transition> ordered = [];
        if (eof)
        {
            ordered.Add(new Transition(TokenType.EOF, Lookahead.None, -1, s_none, -1));
        }

        // Group by token kind in order of first appearance; the order within a kind is kept.
        List<TokenType> kinds = [];
        foreach (Transition t in transitions)
        {
            if (!kinds.Contains(t.Token))
            {
                kinds.Add(t.Token);
            }
        }

        kinds.Remove(TokenType.Other);
        foreach (TokenType kind in kinds)
        {
            ordered.AddRange(transitions.Where(t => t.Token == kind));
        }

        bool acceptsOther = transitions.Any(t => t.Token == TokenType.Other);
        ordered.AddRange(transitions.Where(t => t.Token == TokenType.Other));
        int self = -2;
        if (!acceptsOther)
        {
            // Ignored tokens: built (comments are kept) and the state does not change.
            foreach (TokenType ignored in (TokenType[])[TokenType.Comment, TokenType.Empty])
            {
                if (!kinds.Contains(ignored))
                {
                    ordered.Add(new Transition(ignored, Lookahead.None, 0, s_none, self));
                }
            }
        }

        string[] expected = [.. ordered.Select(t => "#" + t.Token).Distinct(StringComparer.Ordinal)];
        return new ParserState(name, [.. ordered], expected);
    }
}
