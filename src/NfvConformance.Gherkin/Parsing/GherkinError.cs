// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Gherkin.Parsing;

/// <summary>One problem in a feature file, worded exactly as cucumber's parser words it.</summary>
/// <param name="Uri">The file.</param>
/// <param name="Location">The line and column; column 0 for an unexpected end of file.</param>
/// <param name="Message">The message with its <c>(line:column): </c> prefix, as cucumber writes it.</param>
public sealed record GherkinError(string Uri, Location Location, string Message)
{
    /// <summary>Formats the error as <c>file:line:col: message</c>, without cucumber's location prefix.</summary>
    /// <returns>The formatted error.</returns>
    public override string ToString()
    {
        string prefix = string.Create(CultureInfo.InvariantCulture, $"({Location.Line}:{Location.Column}): ");
        string text = Message.StartsWith(prefix, StringComparison.Ordinal) ? Message[prefix.Length..] : Message;
        return string.Create(CultureInfo.InvariantCulture, $"{Uri}:{Location.Line}:{Location.Column}: {text}");
    }
}

/// <summary>A feature file that is not valid Gherkin. Carries every error found, not only the first.</summary>
public sealed class GherkinParseException : ConfigurationException
{
    /// <summary>Creates the exception from the errors found.</summary>
    /// <param name="errors">Every error, in the order found; at least one.</param>
    public GherkinParseException(IReadOnlyList<GherkinError> errors)
        : base(Format(errors))
    {
        Errors = errors;
    }

    /// <summary>Gets every error found, in the order found.</summary>
    public IReadOnlyList<GherkinError> Errors { get; }

    private static string Format(IReadOnlyList<GherkinError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        StringBuilder text = new();
        text.Append(CultureInfo.InvariantCulture, $"{errors.Count} Gherkin error(s); fix each line below (see docs/gherkin.md):");
        foreach (GherkinError error in errors)
        {
            text.AppendLine().Append(error.ToString());
        }

        return text.ToString();
    }
}
