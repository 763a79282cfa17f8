// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Gherkin.Tests.Runtime;

/// <summary>Builds pickles by hand, the way the compiler would, for runtime tests.</summary>
internal static class TestPickles
{
    private static int s_id;

    public static Pickle Scenario(string name, string[] tags, params string[] steps) =>
        Scenario("features/Test.feature", "Test feature", name, tags, steps.Select(s => Step(s)).ToArray());

    public static Pickle Scenario(string name, string[] tags, params PickleStep[] steps) =>
        Scenario("features/Test.feature", "Test feature", name, tags, steps);

    public static Pickle Scenario(string uri, string feature, string name, string[] tags, params PickleStep[] steps)
    {
        int id = Interlocked.Increment(ref s_id);
        return new Pickle(
            "p" + id, uri, new Location(10 + id, 3), name, "en", feature, null, steps,
            tags.Select(t => new PickleTag(t, "t" + t)).ToArray(), ["s" + id]);
    }

    public static PickleStep Step(string keywordAndText, PickleStepArgument? argument = null)
    {
        int space = keywordAndText.IndexOf(' ', StringComparison.Ordinal);
        string keyword = keywordAndText[..(space + 1)];
        PickleStepType type = keyword.Trim() switch
        {
            "Given" => PickleStepType.Context,
            "When" => PickleStepType.Action,
            "Then" => PickleStepType.Outcome,
            _ => PickleStepType.Unknown,
        };
        int id = Interlocked.Increment(ref s_id);
        return new PickleStep("st" + id, keywordAndText[(space + 1)..], type, keyword, new Location(id % 1000, 5), argument, ["a" + id]);
    }

    public static PickleStepArgument Table(params string[][] rows) =>
        new(null, rows.Select(r => new PickleTableRow(r.Select(c => new PickleTableCell(c)).ToArray())).ToArray());

    public static PickleStepArgument DocString(string content, string? mediaType = null) => new(new PickleDocString(content, mediaType), null);
}
