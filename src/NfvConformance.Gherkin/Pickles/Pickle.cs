// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Gherkin.Pickles;

/// <summary>A line and column in a feature file, both 1-based.</summary>
/// <param name="Line">The 1-based line.</param>
/// <param name="Column">The 1-based column, or 0 when unknown.</param>
public readonly record struct Location(int Line, int Column);

/// <summary>The kind of a step, from its keyword (Cucumber messages <c>PickleStepType</c>).</summary>
public enum PickleStepType
{
    /// <summary>A conjunction or <c>*</c> step with no preceding step to inherit from.</summary>
    Unknown = 0,

    /// <summary>A <c>Given</c> step (or a conjunction after one).</summary>
    Context,

    /// <summary>A <c>When</c> step (or a conjunction after one).</summary>
    Action,

    /// <summary>A <c>Then</c> step (or a conjunction after one).</summary>
    Outcome,
}

/// <summary>A tag on a pickle, inherited from the feature, rule, scenario or examples block.</summary>
/// <param name="Name">The tag with its <c>@</c> (for example <c>@RM:e.cap.001</c>).</param>
/// <param name="AstNodeId">The id of the tag in the document.</param>
public sealed record PickleTag(string Name, string AstNodeId);

/// <summary>A cell of a data table argument.</summary>
/// <param name="Value">The unescaped cell text.</param>
public sealed record PickleTableCell(string Value);

/// <summary>A row of a data table argument.</summary>
/// <param name="Cells">The cells.</param>
public sealed record PickleTableRow(IReadOnlyList<PickleTableCell> Cells);

/// <summary>A step argument: a doc string, a data table, or (rarely) one of each.</summary>
/// <param name="DocString">The doc string, if the step has one.</param>
/// <param name="DataTable">The data table rows, if the step has one.</param>
public sealed record PickleStepArgument(PickleDocString? DocString, IReadOnlyList<PickleTableRow>? DataTable)
{
    /// <summary>
    /// Gets a value indicating whether the doc string is written before the data table, when a step has both
    /// (the grammar allows one of each, in either order); false otherwise.
    /// </summary>
    public bool DocStringFirst { get; init; }
}

/// <summary>A doc string argument.</summary>
/// <param name="Content">The text between the delimiters, indentation removed and escapes resolved.</param>
/// <param name="MediaType">The media type after the opening delimiter (for example <c>json</c>), if any.</param>
public sealed record PickleDocString(string Content, string? MediaType);

/// <summary>One executable step of a pickle, with outline placeholders already substituted.</summary>
/// <param name="Id">A unique id.</param>
/// <param name="Text">The step text without its keyword.</param>
/// <param name="Type">The step kind.</param>
/// <param name="Keyword">The keyword as written, with its trailing space (for example <c>Given </c>).</param>
/// <param name="Location">Where the step is written.</param>
/// <param name="Argument">A doc string or data table, if any.</param>
/// <param name="AstNodeIds">The step's node id, then the example row's id for outline steps.</param>
public sealed record PickleStep(
    string Id,
    string Text,
    PickleStepType Type,
    string Keyword,
    Location Location,
    PickleStepArgument? Argument,
    IReadOnlyList<string> AstNodeIds);

/// <summary>
/// A compiled, executable scenario: background steps prepended, outline rows expanded, tags inherited.
/// Shaped like Cucumber messages' <c>Pickle</c>, plus the names a runner and a report need.
/// </summary>
/// <param name="Id">A unique id.</param>
/// <param name="Uri">The feature file path as given to the parser.</param>
/// <param name="Location">The scenario line, or the examples row line for an outline.</param>
/// <param name="Name">The scenario name with placeholders substituted.</param>
/// <param name="Language">The dialect code (for example <c>en</c>).</param>
/// <param name="FeatureName">The name of the feature the pickle belongs to.</param>
/// <param name="RuleName">The name of the enclosing rule, if any.</param>
/// <param name="Steps">The steps in execution order.</param>
/// <param name="Tags">Tags, inherited ones first.</param>
/// <param name="AstNodeIds">The scenario's node id, then the example row's id for an outline.</param>
public sealed record Pickle(
    string Id,
    string Uri,
    Location Location,
    string Name,
    string Language,
    string FeatureName,
    string? RuleName,
    IReadOnlyList<PickleStep> Steps,
    IReadOnlyList<PickleTag> Tags,
    IReadOnlyList<string> AstNodeIds);
