// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Gherkin.Parsing;

/// <summary>The kind of a step keyword (Cucumber messages <c>StepKeywordType</c>).</summary>
public enum StepKeywordType
{
    /// <summary>A keyword of several kinds, such as <c>* </c>.</summary>
    Unknown = 0,

    /// <summary>A <c>Given</c> keyword.</summary>
    Context,

    /// <summary>A <c>When</c> keyword.</summary>
    Action,

    /// <summary>A <c>Then</c> keyword.</summary>
    Outcome,

    /// <summary>An <c>And</c> or <c>But</c> keyword: the step takes the kind of the step before it.</summary>
    Conjunction,
}

/// <summary>A parsed feature file (Cucumber messages <c>GherkinDocument</c>).</summary>
/// <param name="Uri">The path or URI given to the parser.</param>
/// <param name="Feature">The feature, or null when the file holds only comments and blank lines.</param>
/// <param name="Comments">Every comment line, in file order.</param>
public sealed record GherkinDocument(string Uri, Feature? Feature, IReadOnlyList<Comment> Comments)
{
    // The next free id after the document's node ids, so pickle ids never collide with them.
    internal int NextId { get; init; }
}

/// <summary>A comment line.</summary>
/// <param name="Location">Where the line is (column 1).</param>
/// <param name="Text">The whole line, indentation included.</param>
public sealed record Comment(Location Location, string Text);

/// <summary>A tag such as <c>@req:NFV-123</c>.</summary>
/// <param name="Location">Where the tag starts.</param>
/// <param name="Name">The tag with its <c>@</c>.</param>
/// <param name="Id">The node id.</param>
public sealed record Tag(Location Location, string Name, string Id);

/// <summary>A <c>Feature:</c> block.</summary>
/// <param name="Location">Where the keyword is.</param>
/// <param name="Tags">The tags above the keyword.</param>
/// <param name="Language">The dialect code (for example <c>en</c>).</param>
/// <param name="Keyword">The keyword as written, without the colon.</param>
/// <param name="Name">The text after the colon, trimmed.</param>
/// <param name="Description">The free text under the keyword line; empty when there is none.</param>
/// <param name="Children">The background, scenarios and rules, in file order.</param>
public sealed record Feature(
    Location Location,
    IReadOnlyList<Tag> Tags,
    string Language,
    string Keyword,
    string Name,
    string Description,
    IReadOnlyList<FeatureChild> Children);

/// <summary>One child of a feature: exactly one of the properties is set.</summary>
/// <param name="Rule">A rule.</param>
/// <param name="Background">A background.</param>
/// <param name="Scenario">A scenario or scenario outline.</param>
public sealed record FeatureChild(Rule? Rule, Background? Background, Scenario? Scenario);

/// <summary>A <c>Rule:</c> block.</summary>
/// <param name="Location">Where the keyword is.</param>
/// <param name="Tags">The tags above the keyword.</param>
/// <param name="Keyword">The keyword as written.</param>
/// <param name="Name">The text after the colon, trimmed.</param>
/// <param name="Description">The free text under the keyword line.</param>
/// <param name="Children">The background and scenarios of the rule.</param>
/// <param name="Id">The node id.</param>
public sealed record Rule(
    Location Location,
    IReadOnlyList<Tag> Tags,
    string Keyword,
    string Name,
    string Description,
    IReadOnlyList<RuleChild> Children,
    string Id);

/// <summary>One child of a rule: exactly one of the properties is set.</summary>
/// <param name="Background">A background.</param>
/// <param name="Scenario">A scenario or scenario outline.</param>
public sealed record RuleChild(Background? Background, Scenario? Scenario);

/// <summary>A <c>Background:</c> block.</summary>
/// <param name="Location">Where the keyword is.</param>
/// <param name="Keyword">The keyword as written.</param>
/// <param name="Name">The text after the colon, trimmed.</param>
/// <param name="Description">The free text under the keyword line.</param>
/// <param name="Steps">The steps.</param>
/// <param name="Id">The node id.</param>
public sealed record Background(
    Location Location,
    string Keyword,
    string Name,
    string Description,
    IReadOnlyList<Step> Steps,
    string Id);

/// <summary>A <c>Scenario:</c>, <c>Example:</c> or <c>Scenario Outline:</c> block.</summary>
/// <param name="Location">Where the keyword is.</param>
/// <param name="Tags">The tags above the keyword.</param>
/// <param name="Keyword">The keyword as written.</param>
/// <param name="Name">The text after the colon, trimmed.</param>
/// <param name="Description">The free text under the keyword line.</param>
/// <param name="Steps">The steps.</param>
/// <param name="Examples">The examples blocks; a scenario with none is run once.</param>
/// <param name="Id">The node id.</param>
public sealed record Scenario(
    Location Location,
    IReadOnlyList<Tag> Tags,
    string Keyword,
    string Name,
    string Description,
    IReadOnlyList<Step> Steps,
    IReadOnlyList<Examples> Examples,
    string Id);

/// <summary>An <c>Examples:</c> block of an outline.</summary>
/// <param name="Location">Where the keyword is.</param>
/// <param name="Tags">The tags above the keyword.</param>
/// <param name="Keyword">The keyword as written.</param>
/// <param name="Name">The text after the colon, trimmed.</param>
/// <param name="Description">The free text under the keyword line.</param>
/// <param name="TableHeader">The first row (placeholder names), or null when the block has no table.</param>
/// <param name="TableBody">The value rows.</param>
/// <param name="Id">The node id.</param>
public sealed record Examples(
    Location Location,
    IReadOnlyList<Tag> Tags,
    string Keyword,
    string Name,
    string Description,
    TableRow? TableHeader,
    IReadOnlyList<TableRow> TableBody,
    string Id);

/// <summary>A step line with its optional arguments.</summary>
/// <param name="Location">Where the keyword is.</param>
/// <param name="Keyword">The keyword as written, with its trailing space (for example <c>Given </c>).</param>
/// <param name="KeywordType">The kind of the keyword.</param>
/// <param name="Text">The text after the keyword.</param>
/// <param name="DocString">The doc string argument, if any.</param>
/// <param name="DataTable">The data table argument, if any.</param>
/// <param name="Id">The node id.</param>
public sealed record Step(
    Location Location,
    string Keyword,
    StepKeywordType KeywordType,
    string Text,
    DocString? DocString,
    DataTable? DataTable,
    string Id);

/// <summary>A doc string argument.</summary>
/// <param name="Location">Where the opening delimiter is.</param>
/// <param name="MediaType">The text after the opening delimiter, or null when there is none.</param>
/// <param name="Content">The lines between the delimiters, opening indentation removed, escaped delimiters resolved.</param>
/// <param name="Delimiter">The delimiter: <c>"""</c> or <c>```</c>.</param>
public sealed record DocString(Location Location, string? MediaType, string Content, string Delimiter);

/// <summary>A data table argument.</summary>
/// <param name="Location">Where the first row is.</param>
/// <param name="Rows">The rows; every row has the same number of cells.</param>
public sealed record DataTable(Location Location, IReadOnlyList<TableRow> Rows);

/// <summary>A table row.</summary>
/// <param name="Location">Where the first <c>|</c> is.</param>
/// <param name="Cells">The cells.</param>
/// <param name="Id">The node id.</param>
public sealed record TableRow(Location Location, IReadOnlyList<TableCell> Cells, string Id);

/// <summary>A table cell.</summary>
/// <param name="Location">Where the cell's text starts.</param>
/// <param name="Value">The trimmed, unescaped text (<c>\|</c>, <c>\\</c> and <c>\n</c> resolved).</param>
public sealed record TableCell(Location Location, string Value);
