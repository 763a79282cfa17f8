// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;
using NfvConformance.Reports.Internal;
using NfvConformance.Reports.Model;

namespace NfvConformance.Reports.Exporters;

/// <summary>Writes <c>badge.svg</c>: a shields-style badge, "conformance | 12/14 passed" in green, or red when the run fails.</summary>
public sealed class BadgeSvgExporter : IReportExporter
{
    /// <summary>The file name.</summary>
    public const string FileName = "badge.svg";

    /// <inheritdoc />
    public string Name => "badge";

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> ExportAsync(RunSummary summary, string directory, CancellationToken cancellationToken = default)
    {
        string path = Path.Combine(directory, FileName);
        await File.WriteAllTextAsync(path, Render(summary), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        return [path];
    }

    internal static string Render(RunSummary summary)
    {
        RunTotals t = summary.Totals;
        int applicable = t.Total - t.NotApplicable - t.Skipped;
        string label = "conformance " + summary.Run.Profile;
        string message = string.Create(CultureInfo.InvariantCulture, $"{t.Passed}/{applicable} passed") + (t.Waived > 0 ? string.Create(CultureInfo.InvariantCulture, $", {t.Waived} waived") : string.Empty);
        string colour = summary.Failed ? "#e05d44" : t.Waived > 0 ? "#dfb317" : "#4c1";
        // 6.5 px per character approximates Verdana 11 px, which shields.io badges use.
        int lw = (int)Math.Ceiling(label.Length * 6.5) + 10;
        int mw = (int)Math.Ceiling(message.Length * 6.5) + 10;
        int w = lw + mw;
        return string.Create(CultureInfo.InvariantCulture, $"""
            <svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="20" role="img" aria-label="{Text.Html(label)}: {Text.Html(message)}">
            <title>{Text.Html(label)}: {Text.Html(message)}</title>
            <rect width="{lw}" height="20" fill="#555"/>
            <rect x="{lw}" width="{mw}" height="20" fill="{colour}"/>
            <g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">
            <text x="{lw / 2.0}" y="14">{Text.Html(label)}</text>
            <text x="{lw + (mw / 2.0)}" y="14">{Text.Html(message)}</text>
            </g>
            </svg>

            """);
    }
}
