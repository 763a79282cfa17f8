// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;

namespace NfvConformance.Reports.Internal;

/// <summary>How a series is drawn.</summary>
internal enum SeriesStyle
{
    Line,
    Dashed,
    Points,
    LineAndPoints,
}

/// <summary>One data series of a chart; <see cref="PointColours"/> overrides the colour per point when set.</summary>
internal sealed record ChartSeries(string Name, string Colour, IReadOnlyList<(double X, double Y)> Points, SeriesStyle Style = SeriesStyle.LineAndPoints)
{
    public IReadOnlyList<string>? PointColours { get; init; }
}

/// <summary>A horizontal reference line (a target, a median) or band.</summary>
internal sealed record ChartRule(double Y, string Label, string Colour, double BandTo = double.NaN);

/// <summary>
/// Inline SVG charts for the HTML report and the Allure attachments: axes with rounded ticks, series, rules and a
/// legend. Every label is escaped. The output scales to its container (viewBox, width 100 %), so it reads on a phone.
/// </summary>
internal static class SvgChart
{
    private const int Width = 640;
    private const int Height = 320;
    private const int Left = 64;
    private const int Right = 16;
    private const int Top = 36;
    private const int Bottom = 56;

    public static string Line(
        string title,
        string xLabel,
        string yLabel,
        IReadOnlyList<ChartSeries> series,
        IReadOnlyList<ChartRule>? rules = null,
        IReadOnlyList<(double X, string Label)>? xTicks = null,
        bool yFromZero = true)
    {
        rules ??= [];
        List<(double X, double Y)> all = [.. series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y))];
        if (all.Count == 0)
        {
            return string.Empty;
        }

        double xMin = all.Min(p => p.X), xMax = all.Max(p => p.X);
        IEnumerable<double> ys = all.Select(p => p.Y).Concat(rules.Where(r => double.IsFinite(r.Y)).Select(r => r.Y))
            .Concat(rules.Where(r => double.IsFinite(r.BandTo)).Select(r => r.BandTo));
        double yMin = ys.Min(), yMax = ys.Max();
        if (yFromZero && yMin > 0)
        {
            yMin = 0;
        }

        (double lo, double hi, double step) = NiceRange(yMin, yMax);
        if (xMax == xMin)
        {
            xMin -= 1;
            xMax += 1;
        }

        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double Sx(double x) => Left + ((x - xMin) / (xMax - xMin) * plotW);
        double Sy(double y) => Top + plotH - ((y - lo) / (hi - lo) * plotH);

        StringBuilder svg = Begin(title);
        for (double y = lo; y <= hi + (step / 2); y += step)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(Sy(y))}\" y2=\"{F(Sy(y))}\" stroke=\"#e3e3e3\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{F(Sy(y) + 4)}\" text-anchor=\"end\">{Text.Html(Text.Si(y))}</text>");
        }

        IReadOnlyList<(double X, string Label)> ticks = xTicks ?? [.. NiceTicks(xMin, xMax).Select(x => (x, Text.Si(x)))];
        foreach ((double x, string label) in ticks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(Sx(x))}\" x2=\"{F(Sx(x))}\" y1=\"{Top + plotH}\" y2=\"{Top + plotH + 4}\" stroke=\"#888\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(Sx(x))}\" y=\"{F(Top + plotH + 18)}\" text-anchor=\"middle\">{Text.Html(label)}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(Top + plotH)}\" y2=\"{F(Top + plotH)}\" stroke=\"#888\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{F(Top + plotH)}\" stroke=\"#888\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(Left + (plotW / 2))}\" y=\"{Height - 22}\" text-anchor=\"middle\">{Text.Html(xLabel)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(14 {F(Top + (plotH / 2))}) rotate(-90)\" text-anchor=\"middle\">{Text.Html(yLabel)}</text>");

        foreach (ChartRule rule in rules)
        {
            if (double.IsFinite(rule.BandTo))
            {
                double y0 = Sy(Math.Max(rule.Y, rule.BandTo)), y1 = Sy(Math.Min(rule.Y, rule.BandTo));
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{F(y0)}\" width=\"{F(plotW)}\" height=\"{F(Math.Max(y1 - y0, 1))}\" fill=\"{rule.Colour}\" fill-opacity=\"0.15\"/>");
            }
            else
            {
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(Sy(rule.Y))}\" y2=\"{F(Sy(rule.Y))}\" stroke=\"{rule.Colour}\" stroke-dasharray=\"6 4\"/>");
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right - 4}\" y=\"{F(Sy(rule.Y) - 4)}\" text-anchor=\"end\" fill=\"{rule.Colour}\">{Text.Html(rule.Label)}</text>");
            }
        }

        foreach (ChartSeries s in series)
        {
            List<(double X, double Y)> pts = [.. s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y))];
            if (s.Style is SeriesStyle.Line or SeriesStyle.Dashed or SeriesStyle.LineAndPoints && pts.Count > 1)
            {
                string dash = s.Style == SeriesStyle.Dashed ? " stroke-dasharray=\"4 3\"" : string.Empty;
                svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{s.Colour}\" stroke-width=\"2\"{dash} points=\"{string.Join(' ', pts.Select(p => F(Sx(p.X)) + "," + F(Sy(p.Y))))}\"><title>{Text.Html(s.Name)}</title></polyline>");
            }

            if (s.Style is SeriesStyle.Points or SeriesStyle.LineAndPoints)
            {
                for (int i = 0; i < s.Points.Count; i++)
                {
                    (double x, double y) = s.Points[i];
                    if (!double.IsFinite(x) || !double.IsFinite(y))
                    {
                        continue;
                    }

                    string colour = s.PointColours is { } pc && i < pc.Count ? pc[i] : s.Colour;
                    svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(Sx(x))}\" cy=\"{F(Sy(y))}\" r=\"4\" fill=\"{colour}\"><title>{Text.Html(s.Name)}: {Text.Html(Text.Si(x))}, {Text.Html(Text.Si(y))}</title></circle>");
                }
            }
        }

        Legend(svg, series.Select(s => (s.Name, s.Colour)).ToList());
        return End(svg);
    }

    public static string Bars(string title, string yLabel, IReadOnlyList<(string Label, double Value)> bars, string colour)
    {
        List<(string Label, double Value)> data = [.. bars.Where(b => double.IsFinite(b.Value))];
        if (data.Count == 0)
        {
            return string.Empty;
        }

        (double lo, double hi, double step) = NiceRange(Math.Min(0, data.Min(b => b.Value)), data.Max(b => b.Value));
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double Sy(double y) => Top + plotH - ((y - lo) / (hi - lo) * plotH);
        StringBuilder svg = Begin(title);
        for (double y = lo; y <= hi + (step / 2); y += step)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(Sy(y))}\" y2=\"{F(Sy(y))}\" stroke=\"#e3e3e3\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{F(Sy(y) + 4)}\" text-anchor=\"end\">{Text.Html(Text.Si(y))}</text>");
        }

        double slot = plotW / data.Count;
        for (int i = 0; i < data.Count; i++)
        {
            double x = Left + (i * slot) + (slot * 0.15);
            double y = Sy(data[i].Value);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(slot * 0.7)}\" height=\"{F(Math.Max(Sy(lo) - y, 1))}\" fill=\"{colour}\"><title>{Text.Html(data[i].Label)}: {Text.Html(Text.Num(data[i].Value))}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x + (slot * 0.35))}\" y=\"{F(y - 4)}\" text-anchor=\"middle\">{Text.Html(Text.Num(data[i].Value, 1))}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x + (slot * 0.35))}\" y=\"{F(Top + plotH + 18)}\" text-anchor=\"middle\">{Text.Html(data[i].Label)}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(Top + plotH)}\" y2=\"{F(Top + plotH)}\" stroke=\"#888\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(14 {F(Top + (plotH / 2))}) rotate(-90)\" text-anchor=\"middle\">{Text.Html(yLabel)}</text>");
        return End(svg);
    }

    internal static (double Lo, double Hi, double Step) NiceRange(double min, double max)
    {
        if (max <= min)
        {
            double pad = Math.Abs(max) > 0 ? Math.Abs(max) * 0.1 : 1;
            min -= pad;
            max += pad;
        }

        double raw = (max - min) / 5;
        double mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double norm = raw / mag;
        double step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
        return (Math.Floor(min / step) * step, Math.Ceiling(max / step) * step, step);
    }

    private static IEnumerable<double> NiceTicks(double min, double max)
    {
        (double lo, double hi, double step) = NiceRange(min, max);
        for (double x = lo; x <= hi + (step / 2); x += step)
        {
            if (x >= min - 1e-9 && x <= max + 1e-9)
            {
                yield return x;
            }
        }
    }

    private static StringBuilder Begin(string title)
    {
        StringBuilder svg = new();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {Width} {Height}\" width=\"100%\" role=\"img\" aria-label=\"{Text.Html(title)}\" font-family=\"DejaVu Sans,Verdana,sans-serif\" font-size=\"12\" fill=\"#333\">");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"#fff\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{Text.Html(title)}</text>");
        return svg;
    }

    private static void Legend(StringBuilder svg, List<(string Name, string Colour)> entries)
    {
        double x = Left;
        foreach ((string name, string colour) in entries)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(x)}\" y=\"{Height - 14}\" width=\"12\" height=\"4\" fill=\"{colour}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x + 16)}\" y=\"{Height - 9}\">{Text.Html(name)}</text>");
            x += 28 + (name.Length * 7);
        }
    }

    private static string End(StringBuilder svg) => svg.Append("</svg>").ToString();

    private static string F(double v) => Math.Round(v, 1).ToString(CultureInfo.InvariantCulture);
}
