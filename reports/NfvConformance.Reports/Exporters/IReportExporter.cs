// Licensed under the Apache License, Version 2.0.
using NfvConformance.Reports.Model;

namespace NfvConformance.Reports.Exporters;

/// <summary>Renders a <see cref="RunSummary"/> into files of one format in the run folder.</summary>
public interface IReportExporter
{
    /// <summary>Gets the format's name (for example <c>json</c> or <c>junit</c>).</summary>
    string Name { get; }

    /// <summary>Writes the format's files.</summary>
    /// <param name="summary">The run.</param>
    /// <param name="directory">The run folder; it exists.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    /// <returns>The paths written.</returns>
    ValueTask<IReadOnlyList<string>> ExportAsync(RunSummary summary, string directory, CancellationToken cancellationToken = default);
}
