// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;
using NfvConformance.Reports.Internal;
using NfvConformance.Reports.Model;

namespace NfvConformance.Reports.Exporters;

/// <summary>
/// Writes <c>report.html</c>: one self-contained file that makes no network request (a Content-Security-Policy of
/// <c>default-src 'none'</c> enforces it, and there is no script). Verdict per profile on top, failures first with the
/// failing step, error and a remediation hint, the requirement traceability matrix, inline-SVG charts (throughput vs
/// frame size with NDR/PDR, latency percentiles and CDF, the search trace, trends with their regression verdict)
/// where the data exists, and every scenario with its steps. Every string from features, targets or devices is
/// HTML-escaped.
/// </summary>
public sealed class HtmlReportExporter : IReportExporter
{
    /// <summary>The file name.</summary>
    public const string FileName = "report.html";

    private const string Css = """
        :root{--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--muted:#57606a;--na:#6e7781}
        *{box-sizing:border-box}
        body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:12px;color:#1f2328;line-height:1.45}
        h1{font-size:1.4em;margin:.2em 0} h2{font-size:1.15em;border-bottom:1px solid #d0d7de;padding-bottom:4px;margin-top:1.6em}
        .verdicts{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
        .verdict{padding:10px 16px;border-radius:6px;color:#fff;font-weight:bold;font-size:1.1em}
        .verdict.pass{background:var(--ok)} .verdict.fail{background:var(--bad)} .verdict.other{opacity:.75;font-size:.95em}
        .totals{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0}.totals span{background:#f6f8fa;border:1px solid #d0d7de;border-radius:12px;padding:2px 10px}
        .scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
        table{border-collapse:collapse;width:100%;font-size:.92em} th,td{border:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top}
        th{background:#f6f8fa} td.num{text-align:right} table.matrix{min-width:720px}
        .s-passed{color:var(--ok);font-weight:bold} .s-failed,.s-regression{color:var(--bad);font-weight:bold}
        .s-waived{color:var(--warn);font-weight:bold} .s-undefined,.s-pending,.s-ambiguous,.s-error{color:var(--bad)}
        .s-skipped,.s-not_applicable,.s-not_run,.s-not_covered,.s-insufficient_history{color:var(--na)} .s-improvement{color:var(--ok)}
        .card{border:1px solid #d0d7de;border-left:5px solid var(--bad);border-radius:6px;padding:8px 12px;margin:10px 0}
        .card.waived{border-left-color:var(--warn)}
        pre{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;padding:6px;border-radius:4px;font-size:.88em}
        .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:10px}
        .chart{border:1px solid #d0d7de;border-radius:4px;max-width:100%;height:auto}
        .trend{display:grid;grid-template-columns:minmax(280px,2fr) minmax(200px,1fr);gap:10px;align-items:center;margin:10px 0}
        @media (max-width:640px){.trend{grid-template-columns:1fr}body{padding:8px}h1{font-size:1.2em}
          table.matrix{min-width:0} table.matrix thead{display:none} table.matrix,table.matrix tbody,table.matrix tr,table.matrix td{display:block}
          table.matrix tr{border:1px solid #d0d7de;border-radius:6px;margin:6px 0} table.matrix td{border:0;padding:2px 8px}
          table.matrix td[data-label]::before{content:attr(data-label) ": ";font-weight:bold;color:var(--muted)} table.matrix td:empty{display:none}}
        details{margin:4px 0} summary{cursor:pointer} .muted{color:var(--muted)}
        @media print{.scroll{overflow:visible} details{display:block}}
        """;

    /// <inheritdoc />
    public string Name => "html";

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> ExportAsync(RunSummary summary, string directory, CancellationToken cancellationToken = default)
    {
        string path = Path.Combine(directory, FileName);
        await File.WriteAllTextAsync(path, Render(summary), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        return [path];
    }

    internal static string Render(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        StringBuilder h = new(64 * 1024);
        RunInfo run = summary.Run;
        h.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        h.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        h.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
        h.Append("<meta name=\"referrer\" content=\"no-referrer\">");
        h.Append(CultureInfo.InvariantCulture, $"<title>nfvc report {E(run.Id)}: {(summary.Failed ? "FAILED" : "PASSED")}</title><style>{Css}</style></head><body>\n");

        Header(h, summary);
        h.Append('\n');
        Failures(h, summary);
        h.Append('\n');
        Matrix(h, summary);
        h.Append('\n');
        Performance(h, summary);
        h.Append('\n');
        Trends(h, summary);
        h.Append('\n');
        Scenarios(h, summary);
        h.Append('\n');
        Environment(h, summary);
        h.Append("</body></html>\n");
        return h.ToString();
    }

    private static void Header(StringBuilder h, RunSummary summary)
    {
        RunInfo run = summary.Run;
        RunTotals t = summary.Totals;
        h.Append(CultureInfo.InvariantCulture, $"<h1>NFV conformance report: {E(run.Target)}</h1>");
        h.Append("<div class=\"verdicts\" id=\"verdict\">");
        h.Append(CultureInfo.InvariantCulture, $"<div class=\"verdict {(summary.Failed ? "fail" : "pass")}\">{E(run.Profile)}: {(summary.Failed ? "FAILED" : "PASSED")}</div>");
        foreach ((string profile, bool passed) in summary.OtherProfileVerdicts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            h.Append(CultureInfo.InvariantCulture, $"<div class=\"verdict other {(passed ? "pass" : "fail")}\" title=\"latest stored run\">{E(profile)}: {(passed ? "PASSED" : "FAILED")} (latest run)</div>");
        }

        h.Append("</div><div class=\"totals\">");
        Pill(h, "passed", t.Passed);
        Pill(h, "failed", t.Failed);
        Pill(h, "waived", t.Waived);
        Pill(h, "skipped", t.Skipped);
        Pill(h, "not applicable", t.NotApplicable);
        Pill(h, "undefined", t.Undefined);
        Pill(h, "pending", t.Pending);
        Pill(h, "ambiguous", t.Ambiguous);
        h.Append(CultureInfo.InvariantCulture, $"<span>total <b>{t.Total}</b></span></div>");
        h.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Run {E(run.Id)} · {run.Started:yyyy-MM-dd HH:mm:ss} to {run.Finished:HH:mm:ss} UTC · nfvc {E(run.ToolVersion)} · seed {run.Seed}");
        if (run.Tags is not null)
        {
            h.Append(" · tags ").Append(E(run.Tags));
        }

        h.Append("</p>");
        if (run.Interrupted)
        {
            h.Append("<p class=\"s-failed\">The run was interrupted: these are the results it had.</p>");
        }

        int regressions = summary.Trends.Count(x => x.Verdict == RegressionVerdict.Regression);
        if (regressions > 0)
        {
            h.Append(CultureInfo.InvariantCulture, $"<p class=\"s-regression\">{regressions} measurement(s) regressed against comparable past runs: see Trends.</p>");
        }
    }

    private static void Failures(StringBuilder h, RunSummary summary)
    {
        List<ScenarioSummary> failures = [.. summary.Scenarios.Where(s => s.Status.FailsRun() && !s.IsWaived)];
        List<ScenarioSummary> waived = [.. summary.Scenarios.Where(s => s.IsWaived)];
        if (failures.Count == 0 && waived.Count == 0)
        {
            return;
        }

        h.Append("<h2 id=\"failures\">Failures</h2>");
        foreach (ScenarioSummary s in failures.Concat(waived))
        {
            h.Append(CultureInfo.InvariantCulture, $"<div class=\"card{(s.IsWaived ? " waived" : string.Empty)}\"><b>{E(s.Feature)} › {E(s.Name)}</b> <span class=\"s-{Text.StatusLabel(s)}\">{Text.StatusLabel(s)}</span>");
            h.Append(CultureInfo.InvariantCulture, $"<div class=\"muted\">{E(s.Location)}{(s.Requirements.Count > 0 ? " · " + E(string.Join(", ", s.Requirements)) : string.Empty)}</div>");
            if (s.FailingStep is { } step)
            {
                h.Append(CultureInfo.InvariantCulture, $"<div>Failing step: <b>{E(step.Keyword)}{E(step.Text)}</b> <span class=\"muted\">({E(step.Location)})</span></div>");
            }

            if (s.Error is not null)
            {
                h.Append(CultureInfo.InvariantCulture, $"<pre>{E(s.Error)}</pre>");
            }

            foreach (StepSummary st in s.Steps.Where(x => x.Snippet is not null))
            {
                h.Append(CultureInfo.InvariantCulture, $"<div>Binding to add:</div><pre>{E(st.Snippet)}</pre>");
            }

            if (s.IsWaived)
            {
                Waiver w = s.Waiver!;
                h.Append(CultureInfo.InvariantCulture, $"<div>Waived: {E(w.Uid)} by {E(w.Approver)} until {w.Expires:yyyy-MM-dd}: {E(w.Reason)} <span class=\"muted\">({E(w.Location)})</span></div>");
            }
            else
            {
                h.Append(CultureInfo.InvariantCulture, $"<div><b>Hint:</b> {E(Text.Remediation(s))}</div>");
            }

            h.Append("</div>\n");
        }
    }

    private static void Matrix(StringBuilder h, RunSummary summary)
    {
        IReadOnlyList<RequirementTrace> rows = Traceability.Build(summary);
        if (rows.Count == 0)
        {
            return;
        }

        List<RequirementTrace> covered = [.. rows.Where(r => r.Verdict != RequirementVerdict.NotCovered).OrderBy(r => r.Verdict switch { RequirementVerdict.Failed => 0, RequirementVerdict.Error => 1, RequirementVerdict.Waived => 2, RequirementVerdict.Passed => 3, _ => 4 })];
        List<RequirementTrace> uncovered = [.. rows.Where(r => r.Verdict == RequirementVerdict.NotCovered)];
        h.Append(CultureInfo.InvariantCulture, $"<h2 id=\"traceability\">Requirement traceability</h2><p class=\"muted\">{covered.Count} requirement(s) verified by scenarios, {uncovered.Count} catalogue requirement(s) in scope that no scenario covers.</p>");
        MatrixTable(h, covered);
        if (uncovered.Count > 0)
        {
            h.Append(CultureInfo.InvariantCulture, $"<details><summary>{uncovered.Count} requirement(s) not covered by any scenario</summary>");
            MatrixTable(h, uncovered);
            h.Append("</details>");
        }
    }

    private static void MatrixTable(StringBuilder h, List<RequirementTrace> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        h.Append("<div class=\"scroll\"><table class=\"matrix\"><thead><tr><th>uid</th><th>title</th><th>strength</th><th>scenarios</th><th>verdict</th><th>evidence</th></tr></thead><tbody>");
        foreach (RequirementTrace r in rows)
        {
            string scenarios = string.Join("<br>", r.Scenarios.Select(s => $"{E(s.Name)} <span class=\"s-{Text.StatusLabel(s)}\">({Text.StatusLabel(s)})</span>"));
            h.Append(CultureInfo.InvariantCulture, $"<tr><td><b>{E(r.Uid)}</b></td><td>{E(r.Requirement?.Title)}</td><td data-label=\"strength\">{E(r.Requirement?.Strength)}</td><td data-label=\"scenarios\">{scenarios}</td><td data-label=\"verdict\" class=\"s-{r.Verdict.ToWireName()}\">{r.Verdict.ToWireName()}</td><td data-label=\"evidence\">{Evidence(r)}</td></tr>\n");
        }

        h.Append("</tbody></table></div>");
    }

    private static string Evidence(RequirementTrace r)
    {
        List<string> items = [.. r.EvidenceMeasurements.Select(m => E(Text.Measurement(m)))];
        return items.Count <= 3
            ? string.Join("<br>", items)
            : string.Join("<br>", items.Take(2)) + string.Create(CultureInfo.InvariantCulture, $"<details><summary>{items.Count - 2} more</summary>{string.Join("<br>", items.Skip(2))}</details>");
    }

    private static void Performance(StringBuilder h, RunSummary summary)
    {
        List<ScenarioSummary> withCharts = [.. summary.Scenarios.Where(s => s.Evidence is { IsEmpty: false })];
        if (withCharts.Count == 0)
        {
            return;
        }

        h.Append("<h2 id=\"performance\">Performance</h2>");
        foreach (ScenarioSummary s in withCharts)
        {
            h.Append(CultureInfo.InvariantCulture, $"<h3>{E(s.Name)} <span class=\"s-{Text.StatusLabel(s)}\">({Text.StatusLabel(s)})</span></h3><div class=\"charts\">");
            foreach ((string _, string svg) in ReportCharts.ForScenario(s))
            {
                h.Append("<div>").Append(svg).Append("</div>");
            }

            h.Append("</div>");
        }
    }

    private static void Trends(StringBuilder h, RunSummary summary)
    {
        List<MeasurementTrend> trends = [.. summary.Trends.Where(t => t.History.Count > 0)];
        if (trends.Count == 0)
        {
            return;
        }

        h.Append("<h2 id=\"trends\">Trends over comparable past runs</h2><p class=\"muted\">Same target fingerprint, profile and scenario. Verdict: the median and outlier-trimmed spread of the last runs, Student-t confidence; a regression needs ≥ 99.9 % confidence in the worse direction.</p>");
        foreach (MeasurementTrend t in trends.OrderBy(t => t.Verdict == RegressionVerdict.Regression ? 0 : 1))
        {
            string verdict = t.Verdict switch
            {
                RegressionVerdict.InsufficientHistory => "insufficient_history",
                _ => t.Verdict.ToString().ToLowerInvariant(),
            };
            h.Append("<div class=\"trend\"><div>").Append(ReportCharts.Trend(t)).Append("</div><div>");
            h.Append(CultureInfo.InvariantCulture, $"<div><b>{E(t.ScenarioName)}</b> · {E(t.Measurement)}</div>");
            h.Append(CultureInfo.InvariantCulture, $"<div class=\"s-{verdict}\" style=\"font-size:1.2em\">{verdict.Replace('_', ' ')}</div>");
            h.Append(CultureInfo.InvariantCulture, $"<div>confidence {t.Confidence:0.00%}</div>");
            h.Append(CultureInfo.InvariantCulture, $"<div>this run {E(Text.Si(t.Current))} {E(t.Unit)}, median {E(Text.Si(t.Median))} ({t.RelativeChange:+0.0%;-0.0%}), spread {E(Text.Si(t.Spread))}, {t.History.Count} past runs</div>");
            h.Append("</div></div>");
        }
    }

    private static void Scenarios(StringBuilder h, RunSummary summary)
    {
        h.Append("<h2 id=\"scenarios\">Scenarios</h2>");
        foreach (IGrouping<string, ScenarioSummary> feature in summary.Scenarios.GroupBy(s => s.Feature, StringComparer.Ordinal))
        {
            h.Append(CultureInfo.InvariantCulture, $"<h3>{E(feature.Key)}</h3>");
            foreach (ScenarioSummary s in feature)
            {
                string label = Text.StatusLabel(s);
                h.Append(CultureInfo.InvariantCulture, $"<details{(s.Status.FailsRun() ? " open" : string.Empty)}><summary><span class=\"s-{label}\">{label}</span> {E(s.Name)} <span class=\"muted\">{E(s.Location)} · {Text.Num(s.DurationMs, 1)} ms</span></summary>");
                if (s.Reason is not null)
                {
                    h.Append(CultureInfo.InvariantCulture, $"<div class=\"muted\">{E(s.Reason)}</div>");
                }

                if (s.Tags.Count > 0)
                {
                    h.Append(CultureInfo.InvariantCulture, $"<div class=\"muted\">{E(string.Join(' ', s.Tags))}</div>");
                }

                if (s.Steps.Count > 0)
                {
                    h.Append("<div class=\"scroll\"><table><tbody>");
                    foreach (StepSummary st in s.Steps)
                    {
                        h.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"s-{E(st.Status)}\">{E(st.Status)}</td><td>{E(st.Keyword)}{E(st.Text)}{(st.Error is null ? string.Empty : "<pre>" + E(st.Error) + "</pre>")}</td><td class=\"num\">{Text.Num(st.DurationMs, 1)} ms</td></tr>");
                    }

                    h.Append("</tbody></table></div>");
                }

                if (s.Measurements.Count > 0)
                {
                    h.Append("<div class=\"scroll\"><table><thead><tr><th>measurement</th><th>value</th><th>unit</th><th>target</th><th>verdict</th></tr></thead><tbody>");
                    foreach (Abstractions.Measurements.Measurement m in s.Measurements)
                    {
                        string v = m.Verdict.ToString().ToLowerInvariant();
                        h.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(m.Name)}</td><td class=\"num\">{E(m.Value.ToString("0.######", CultureInfo.InvariantCulture))}</td><td>{E(m.Unit)}</td><td>{E(m.Target)}</td><td class=\"s-{(v == "pass" ? "passed" : v == "fail" ? "failed" : "skipped")}\">{v}</td></tr>");
                    }

                    h.Append("</tbody></table></div>");
                }

                h.Append("</details>\n");
            }
        }
    }

    private static void Environment(StringBuilder h, RunSummary summary)
    {
        h.Append("<h2 id=\"environment\">Environment</h2><div class=\"scroll\"><table><tbody>");
        if (summary.Environment is { } env)
        {
            Row(h, "tool version", env.ToolVersion);
            Row(h, "OS", env.Os);
            Row(h, "CPU", $"{env.Cpu} × {env.CpuCount}");
            Row(h, "NICs", env.Nics.Count == 0 ? "(none found)" : string.Join(", ", env.Nics));
            Row(h, "config hash", env.ConfigHash.Length == 0 ? "(no configuration files)" : env.ConfigHash);
            Row(h, "target fingerprint", env.TargetFingerprint(summary.Run.Target));
        }

        if (summary.Capabilities is { } caps)
        {
            Row(h, "capability snapshot", $"version {caps.Version}, profile {caps.Profile}, {caps.Nodes.Count} node(s)");
        }

        h.Append("</tbody></table></div>");
        if (summary.Waivers.Count > 0)
        {
            h.Append("<h2 id=\"waivers\">Waivers</h2><div class=\"scroll\"><table><thead><tr><th>uid</th><th>reason</th><th>approver</th><th>expires</th><th>state</th></tr></thead><tbody>");
            foreach (Waiver w in summary.Waivers)
            {
                bool active = w.IsActiveAt(summary.Run.Started);
                h.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(w.Uid)}</td><td>{E(w.Reason)}</td><td>{E(w.Approver)}</td><td>{w.Expires:yyyy-MM-dd}</td><td class=\"{(active ? "s-waived" : "s-not_run")}\">{(active ? "active" : "expired")}</td></tr>");
            }

            h.Append("</tbody></table></div>");
        }
    }

    private static void Row(StringBuilder h, string name, string value) =>
        h.Append(CultureInfo.InvariantCulture, $"<tr><th>{E(name)}</th><td>{E(value)}</td></tr>");

    private static void Pill(StringBuilder h, string name, int count)
    {
        if (count > 0 || name is "passed" or "failed")
        {
            h.Append(CultureInfo.InvariantCulture, $"<span>{name} <b>{count}</b></span>");
        }
    }

    private static string E(string? text) => Text.Html(text);
}
