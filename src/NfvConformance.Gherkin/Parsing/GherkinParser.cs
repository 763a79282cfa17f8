// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Gherkin.Parsing.Internal;

namespace NfvConformance.Gherkin.Parsing;

/// <summary>
/// Parses Gherkin 6+ feature files with the token matching, error messages and error recovery of cucumber's
/// reference parser: every error in a file is reported, not only the first. A URI ending in <c>.md</c> is read
/// as Gherkin in Markdown (<c>*.feature.md</c>), as cucumber does.
/// </summary>
public static class GherkinParser
{
    /// <summary>Parses feature text.</summary>
    /// <param name="text">The content of a feature file.</param>
    /// <param name="uri">The path or URI of the file; it names the file in errors and pickles.</param>
    /// <returns>The parsed document.</returns>
    /// <exception cref="GherkinParseException">The text is not valid Gherkin; <see cref="GherkinParseException.Errors"/> lists every error.</exception>
    public static GherkinDocument Parse(string text, string uri)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(uri);
        GherkinDocument document = StateMachineParser.Parse(text, uri, CreateMatcher(uri), out IReadOnlyList<GherkinError> errors);
        if (errors.Count > 0)
        {
            throw new GherkinParseException(errors);
        }

        return document;
    }

    /// <summary>Parses feature text and returns the errors as values instead of throwing.</summary>
    /// <param name="text">The content of a feature file.</param>
    /// <param name="uri">The path or URI of the file.</param>
    /// <param name="errors">Every error found; empty when the text is valid.</param>
    /// <returns>The document, or null when there are errors.</returns>
    public static GherkinDocument? TryParse(string text, string uri, out IReadOnlyList<GherkinError> errors)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(uri);
        GherkinDocument document = StateMachineParser.Parse(text, uri, CreateMatcher(uri), out errors);
        return errors.Count > 0 ? null : document;
    }

    /// <summary>Reads and parses a feature file (UTF-8; a byte-order mark is skipped).</summary>
    /// <param name="path">The file; the path as given becomes the document's URI.</param>
    /// <returns>The parsed document.</returns>
    /// <exception cref="GherkinParseException">The file is not valid Gherkin.</exception>
    /// <exception cref="ConfigurationException">The file cannot be read.</exception>
    public static GherkinDocument ParseFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(ReadFile(path), path);
    }

    // Like cucumber, a ".md" file is Gherkin in Markdown (MDG).
    private static ITokenMatcher CreateMatcher(string uri) =>
        uri.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? new MarkdownTokenMatcher() : new TokenMatcher();

    internal static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{path}: cannot read the feature file ({e.Message}); check the path and its permissions.", e);
        }
    }
}
