// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Reports;

/// <summary>What <see cref="ReportWriter.WriteAllAsync"/> needs besides the run itself.</summary>
public sealed record ReportOptions
{
    /// <summary>The default number of comparable past runs a regression verdict looks at.</summary>
    public const int DefaultTrendWindow = 10;

    /// <summary>
    /// Gets the run history: a path to an SQLite file (created when missing), or a PostgreSQL connection string
    /// (<c>Host=...;Username=...;Database=...</c> or <c>postgresql://...</c>). Null: the run is not stored and no
    /// trend is shown.
    /// </summary>
    public string? HistoryStore { get; init; }

    /// <summary>Gets the waivers YAML file, if any.</summary>
    public string? WaiversFile { get; init; }

    /// <summary>Gets the feature files the run used; they go into the evidence bundle.</summary>
    public IReadOnlyList<string> FeatureFiles { get; init; } = [];

    /// <summary>Gets the configuration files (targets, profile, suite settings); they go into the bundle and the config hash.</summary>
    public IReadOnlyList<string> ConfigurationFiles { get; init; } = [];

    /// <summary>Gets raw trial data files (captures, generator logs) to put into the bundle beside the run folder.</summary>
    public IReadOnlyList<string> RawDataFiles { get; init; } = [];

    /// <summary>Gets the number of comparable past runs a regression verdict uses (the trend window N).</summary>
    public int TrendWindow { get; init; } = DefaultTrendWindow;

    /// <summary>Gets the fewest comparable past runs needed before a regression verdict is given.</summary>
    public int MinimumHistory { get; init; } = 5;

    /// <summary>Gets a value indicating whether the evidence bundle (<c>evidence.zip</c>) is written.</summary>
    public bool WriteBundle { get; init; } = true;

    /// <summary>Gets the exporters to run, by name (for example <c>html</c>, <c>junit</c>); empty means all.</summary>
    public IReadOnlyList<string> Formats { get; init; } = [];
}
