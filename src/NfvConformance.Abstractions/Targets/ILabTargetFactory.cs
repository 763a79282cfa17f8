// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Targets;

/// <summary>Creates targets of one kind; the registry of factories is what <c>--target NAME</c> chooses from.</summary>
public interface ILabTargetFactory
{
    /// <summary>Gets the name users type after <c>--target</c>.</summary>
    string Name { get; }

    /// <summary>Gets a one-line description shown in help and in "unknown target" errors.</summary>
    string Description { get; }

    /// <summary>Checks the options before anything starts and returns every problem at once.</summary>
    /// <param name="options">The options to check.</param>
    /// <returns>All problems; empty when the options are usable.</returns>
    IReadOnlyList<Errors.ValidationError> Validate(LabTargetOptions options);

    /// <summary>Creates a target (not yet started).</summary>
    /// <param name="options">Validated options.</param>
    /// <returns>The target.</returns>
    ILabTarget Create(LabTargetOptions options);
}
