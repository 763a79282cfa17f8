// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Gherkin.Expressions;

/// <summary>A compiled step expression: a Cucumber Expression or a regular expression.</summary>
internal interface IStepExpression
{
    /// <summary>Gets the expression as written in the attribute.</summary>
    string Source { get; }

    /// <summary>Gets the text every matching step starts with (possibly empty); the matcher indexes on it.</summary>
    string LiteralPrefix { get; }

    /// <summary>Gets the text every matching step ends with (possibly empty); the matcher indexes on it too.</summary>
    string LiteralSuffix { get; }

    /// <summary>Gets a literal every matching step contains besides its prefix and suffix (possibly empty); a cheap filter before the regex.</summary>
    string RequiredLiteral { get; }

    /// <summary>Gets one entry per argument: its parameter type, or null for a regular-expression group (text).</summary>
    IReadOnlyList<ParameterType?> Parameters { get; }

    /// <summary>Matches a whole step text.</summary>
    /// <param name="text">The step text.</param>
    /// <returns>The matched text of each argument (null for a group that did not participate), or null if no match.</returns>
    string?[]? Match(string text);
}
