// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Lab.Linux;

/// <summary>What a lab cleanup did (or, in a dry run, would do).</summary>
/// <param name="Removed">Each resource removed, as <c>kind name (run id)</c>.</param>
/// <param name="Failed">Each resource that could not be removed, with the reason.</param>
/// <param name="LeftAlone">Each run found alive and therefore not touched, with its owner.</param>
public sealed record LabCleanReport(IReadOnlyList<string> Removed, IReadOnlyList<string> Failed, IReadOnlyList<string> LeftAlone);
