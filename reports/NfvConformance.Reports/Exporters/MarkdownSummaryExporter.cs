// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;
using NfvConformance.Reports.Internal;
using NfvConformance.Reports.Model;

namespace NfvConformance.Reports.Exporters;

/// <summary>
/// Writes <c>summary.md</c>: verdict, totals, failures with their failing step and a hint, waived failures and
/// regressions, in GitHub-flavoured Markdown for pull-request comments and CI step summaries. Every string from
/// features, targets or devices is escaped.
/// </summary>
public sealed class MarkdownSummaryExporter : IReportExporter
{
    /// <summary>The file name.</summary>
    public const string FileName = "summary.md";

    /// <inheritdoc />
    public string Name => "markdown";

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> ExportAsync(RunSummary summary, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        string path = Path.Combine(directory, FileName);
        await File.WriteAllTextAsync(path, Render(summary), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        return [path];
    }

    internal static string Render(RunSummary summary)
    {
        RunTotals t = summary.Totals;
        StringBuilder md = new();
        string verdict = summary.Failed ? "❌ FAILED" : "✅ PASSED";
        md.Append(CultureInfo.InvariantCulture, $"## nfvc conformance: {verdict}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Target **{Text.Markdown(summary.Run.Target)}**, profile **{Text.Markdown(summary.Run.Profile)}**, run `{Text.Markdown(summary.Run.Id)}`");
        md.Append(summary.Run.Interrupted ? " (interrupted: partial results)\n\n" : "\n\n");
        md.Append("| passed | failed | waived | skipped | not applicable | undefined | pending | ambiguous | total |\n");
        md.Append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        md.Append(CultureInfo.InvariantCulture, $"| {t.Passed} | {t.Failed} | {t.Waived} | {t.Skipped} | {t.NotApplicable} | {t.Undefined} | {t.Pending} | {t.Ambiguous} | {t.Total} |\n\n");

        List<ScenarioSummary> failures = [.. summary.Scenarios.Where(s => s.Status.FailsRun() && !s.IsWaived)];
        if (failures.Count > 0)
        {
            md.Append("### Failures\n\n");
            foreach (ScenarioSummary s in failures)
            {
                md.Append(CultureInfo.InvariantCulture, $"- **{Text.Markdown(s.Feature)} › {Text.Markdown(s.Name)}** ({s.Status.ToWireName()}, {Text.Markdown(s.Location)})");
                if (s.Requirements.Count > 0)
                {
                    md.Append(" · ").Append(Text.Markdown(string.Join(", ", s.Requirements)));
                }

                md.Append('\n');
                if (s.FailingStep is { } step)
                {
                    md.Append(CultureInfo.InvariantCulture, $"  - step: {Text.Markdown(step.Keyword + step.Text)}\n");
                }

                if (s.Error is not null)
                {
                    md.Append(CultureInfo.InvariantCulture, $"  - error: {Text.Markdown(FirstLine(s.Error))}\n");
                }

                md.Append(CultureInfo.InvariantCulture, $"  - hint: {Text.Markdown(Text.Remediation(s))}\n");
            }

            md.Append('\n');
        }

        List<ScenarioSummary> waived = [.. summary.Scenarios.Where(s => s.IsWaived)];
        if (waived.Count > 0)
        {
            md.Append("### Waived failures\n\n");
            foreach (ScenarioSummary s in waived)
            {
                Waiver w = s.Waiver!;
                md.Append(CultureInfo.InvariantCulture, $"- {Text.Markdown(s.Name)}: {Text.Markdown(w.Uid)} waived by {Text.Markdown(w.Approver)} until {w.Expires:yyyy-MM-dd} ({Text.Markdown(w.Reason)})\n");
            }

            md.Append('\n');
        }

        List<MeasurementTrend> moved = [.. summary.Trends.Where(tr => tr.Verdict is RegressionVerdict.Regression or RegressionVerdict.Improvement)];
        if (moved.Count > 0)
        {
            md.Append("### Trend verdicts\n\n| scenario | measurement | current | median | change | verdict | confidence |\n|---|---|---:|---:|---:|---|---:|\n");
            foreach (MeasurementTrend tr in moved)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {Text.Markdown(tr.ScenarioName)} | {Text.Markdown(tr.Measurement)} | {Text.Si(tr.Current)} {Text.Markdown(tr.Unit)} | {Text.Si(tr.Median)} | {tr.RelativeChange:+0.0%;-0.0%} | {tr.Verdict.ToString().ToLowerInvariant()} | {tr.Confidence:0.0%} |\n");
            }

            md.Append('\n');
        }

        return md.ToString();
    }

    private static string FirstLine(string text)
    {
        int nl = text.IndexOf('\n', StringComparison.Ordinal);
        return nl < 0 ? text : text[..nl];
    }
}
