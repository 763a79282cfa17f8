// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Gherkin.Parsing;

namespace NfvConformance.Gherkin.Pickles;

/// <summary>
/// Compiles a parsed document into pickles exactly as cucumber's pickle compiler does: one pickle per scenario and
/// per examples row, background steps first (feature, then rule), tags inherited (feature, rule, scenario, examples),
/// <c>&lt;placeholder&gt;</c> values substituted in names, step text, doc strings and table cells.
/// </summary>
public static class PickleCompiler
{
    /// <summary>Compiles the document's scenarios.</summary>
    /// <param name="document">A document from <see cref="GherkinParser"/>.</param>
    /// <returns>The pickles in file order; empty when the document has no feature.</returns>
    public static IReadOnlyList<Pickle> Compile(GherkinDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        List<Pickle> pickles = [];
        if (document.Feature is not { } feature)
        {
            return pickles;
        }

        Context context = new(document.Uri, feature.Language, feature.Name, document.NextId, pickles);
        List<Step> backgroundSteps = [];
        foreach (FeatureChild child in feature.Children)
        {
            if (child.Background is { } background)
            {
                backgroundSteps.AddRange(background.Steps);
            }
            else if (child.Rule is { } rule)
            {
                CompileRule(context, feature.Tags, backgroundSteps, rule);
            }
            else if (child.Scenario is { } scenario)
            {
                CompileScenario(context, feature.Tags, backgroundSteps, scenario, ruleName: null);
            }
        }

        return pickles;
    }

    private static void CompileRule(Context context, IReadOnlyList<Tag> featureTags, List<Step> featureBackground, Rule rule)
    {
        List<Step> backgroundSteps = [.. featureBackground];
        List<Tag> tags = [.. featureTags, .. rule.Tags];
        foreach (RuleChild child in rule.Children)
        {
            if (child.Background is { } background)
            {
                backgroundSteps.AddRange(background.Steps);
            }
            else if (child.Scenario is { } scenario)
            {
                CompileScenario(context, tags, backgroundSteps, scenario, rule.Name);
            }
        }
    }

    private static void CompileScenario(Context context, IReadOnlyList<Tag> inheritedTags, List<Step> backgroundSteps, Scenario scenario, string? ruleName)
    {
        if (scenario.Examples.Count == 0)
        {
            List<PickleStep> steps = CompileSteps(context, backgroundSteps, scenario.Steps, [], null);
            context.Pickles.Add(new Pickle(
                context.NewId(),
                context.Uri,
                scenario.Location,
                scenario.Name,
                context.Language,
                context.FeatureName,
                ruleName,
                steps,
                PickleTags(inheritedTags, scenario.Tags, []),
                [scenario.Id]));
            return;
        }

        foreach (Examples examples in scenario.Examples)
        {
            if (examples.TableHeader is not { } header)
            {
                continue;
            }

            string[] placeholders = new string[header.Cells.Count];
            for (int i = 0; i < placeholders.Length; i++)
            {
                placeholders[i] = "<" + header.Cells[i].Value + ">";
            }

            foreach (TableRow row in examples.TableBody)
            {
                List<PickleStep> steps = CompileSteps(context, backgroundSteps, scenario.Steps, placeholders, row);
                context.Pickles.Add(new Pickle(
                    context.NewId(),
                    context.Uri,
                    row.Location,
                    Interpolate(scenario.Name, placeholders, row.Cells),
                    context.Language,
                    context.FeatureName,
                    ruleName,
                    steps,
                    PickleTags(inheritedTags, scenario.Tags, examples.Tags),
                    [scenario.Id, row.Id]));
            }
        }
    }

    private static List<PickleStep> CompileSteps(
        Context context,
        List<Step> backgroundSteps,
        IReadOnlyList<Step> scenarioSteps,
        string[] variables,
        TableRow? values)
    {
        List<PickleStep> steps = new(backgroundSteps.Count + scenarioSteps.Count);
        StepKeywordType lastType = StepKeywordType.Unknown;

        // A scenario without steps gets no background steps either (cucumber's rule).
        if (scenarioSteps.Count > 0)
        {
            foreach (Step step in backgroundSteps)
            {
                steps.Add(CompileStep(context, step, [], null, ref lastType));
            }
        }

        foreach (Step step in scenarioSteps)
        {
            steps.Add(CompileStep(context, step, variables, values, ref lastType));
        }

        return steps;
    }

    private static PickleStep CompileStep(Context context, Step step, string[] variables, TableRow? values, ref StepKeywordType lastType)
    {
        if (step.KeywordType != StepKeywordType.Conjunction)
        {
            lastType = step.KeywordType;
        }

        IReadOnlyList<TableCell> valueCells = values?.Cells ?? [];
        PickleStepArgument? argument = null;
        if (step.DocString is not null || step.DataTable is not null)
        {
            PickleDocString? docString = step.DocString is { } d
                ? new PickleDocString(
                    Interpolate(d.Content, variables, valueCells),
                    d.MediaType is null ? null : Interpolate(d.MediaType, variables, valueCells))
                : null;
            PickleTableRow[]? table = step.DataTable is { } t ? CompileTable(t, variables, valueCells) : null;
            argument = new PickleStepArgument(docString, table)
            {
                DocStringFirst = step.DocString is not null && step.DataTable is not null && step.DocString.Location.Line < step.DataTable.Location.Line,
            };
        }

        string[] astNodeIds = values is null ? [step.Id] : [step.Id, values.Id];
        return new PickleStep(
            context.NewId(),
            Interpolate(step.Text, variables, valueCells),
            ToPickleStepType(lastType),
            step.Keyword,
            step.Location,
            argument,
            astNodeIds);
    }

    private static PickleTableRow[] CompileTable(DataTable table, string[] variables, IReadOnlyList<TableCell> values)
    {
        PickleTableRow[] rows = new PickleTableRow[table.Rows.Count];
        for (int r = 0; r < rows.Length; r++)
        {
            IReadOnlyList<TableCell> cells = table.Rows[r].Cells;
            PickleTableCell[] compiled = new PickleTableCell[cells.Count];
            for (int c = 0; c < compiled.Length; c++)
            {
                compiled[c] = new PickleTableCell(Interpolate(cells[c].Value, variables, values));
            }

            rows[r] = new PickleTableRow(compiled);
        }

        return rows;
    }

    private static PickleStepType ToPickleStepType(StepKeywordType type) => type switch
    {
        StepKeywordType.Context => PickleStepType.Context,
        StepKeywordType.Action => PickleStepType.Action,
        StepKeywordType.Outcome => PickleStepType.Outcome,
        _ => PickleStepType.Unknown,
    };

    /// <summary>Replaces each <c>&lt;name&gt;</c> in header order, so a value may itself feed a later placeholder, as in cucumber.</summary>
    private static string Interpolate(string text, string[] placeholders, IReadOnlyList<TableCell> values)
    {
        if (placeholders.Length == 0 || !text.Contains('<', StringComparison.Ordinal))
        {
            return text;
        }

        for (int i = 0; i < placeholders.Length && i < values.Count; i++)
        {
            text = text.Replace(placeholders[i], values[i].Value, StringComparison.Ordinal);
        }

        return text;
    }

    private static PickleTag[] PickleTags(IReadOnlyList<Tag> inherited, IReadOnlyList<Tag> scenario, IReadOnlyList<Tag> examples)
    {
        PickleTag[] result = new PickleTag[inherited.Count + scenario.Count + examples.Count];
        int n = 0;
        foreach (IReadOnlyList<Tag> tags in (IReadOnlyList<Tag>[])[inherited, scenario, examples])
        {
            for (int i = 0; i < tags.Count; i++)
            {
                result[n++] = new PickleTag(tags[i].Name, tags[i].Id);
            }
        }

        return result;
    }

    private sealed class Context(string uri, string language, string featureName, int firstId, List<Pickle> pickles)
    {
        private int _nextId = firstId;

        public string Uri { get; } = uri;

        public string Language { get; } = language;

        public string FeatureName { get; } = featureName;

        public List<Pickle> Pickles { get; } = pickles;

        public string NewId() => (_nextId++).ToString(CultureInfo.InvariantCulture);
    }
}
