// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Gherkin.Bindings;

/// <summary>A binding that cannot work as declared, found when the registry is built (before any scenario runs).</summary>
/// <param name="Method">The method, as <c>Type.Method(parameter types)</c>.</param>
/// <param name="Location">The method's <c>file:line</c> from its PDB, or null when there is none.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record BindingError(string Method, string? Location, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Location is null ? $"{Method}: {Message}" : $"{Location}: {Method}: {Message}";
}
