// Licensed under the Apache License, Version 2.0.
using System.Text;
using NfvConformance.Reports.Internal;
using NfvConformance.Reports.Model;

namespace NfvConformance.Reports.Exporters;

/// <summary>
/// Writes <c>traceability.csv</c>: one row per requirement × scenario with both verdicts, and one row (with an
/// empty scenario) for each catalogue requirement no scenario covers. RFC 4180 quoting; cells that a spreadsheet
/// would run as a formula are prefixed with an apostrophe.
/// </summary>
public sealed class TraceabilityCsvExporter : IReportExporter
{
    /// <summary>The file name.</summary>
    public const string FileName = "traceability.csv";

    /// <summary>The header row.</summary>
    public const string Header = "requirement_uid,title,strength,requirement_verdict,scenario_id,scenario_name,scenario_status,evidence";

    /// <inheritdoc />
    public string Name => "traceability";

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> ExportAsync(RunSummary summary, string directory, CancellationToken cancellationToken = default)
    {
        string path = Path.Combine(directory, FileName);
        await File.WriteAllTextAsync(path, Render(summary), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        return [path];
    }

    internal static string Render(RunSummary summary)
    {
        StringBuilder csv = new();
        csv.Append(Header).Append("\r\n");
        foreach (RequirementTrace row in Traceability.Build(summary))
        {
            string head = string.Join(',', Text.Csv(row.Uid), Text.Csv(row.Requirement?.Title), Text.Csv(row.Requirement?.Strength), Text.Csv(row.Verdict.ToWireName()));
            if (row.Scenarios.Count == 0)
            {
                csv.Append(head).Append(",,,,\r\n");
                continue;
            }

            foreach (ScenarioSummary s in row.Scenarios)
            {
                string evidence = string.Join("; ", s.Measurements.Select(Text.Measurement));
                csv.Append(head).Append(',').Append(string.Join(',', Text.Csv(s.Id), Text.Csv(s.Name), Text.Csv(Text.StatusLabel(s)), Text.Csv(evidence))).Append("\r\n");
            }
        }

        return csv.ToString();
    }
}
