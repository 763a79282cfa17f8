// Licensed under the Apache License, Version 2.0.
using System.Xml.Linq;
using NfvConformance.Reports.Internal;
using NfvConformance.Reports.Model;
using NfvConformance.Reports.Tests.Support;

namespace NfvConformance.Reports.Tests.Internal;

public sealed class ReportChartsTests
{
    private static readonly XNamespace s_svg = "http://www.w3.org/2000/svg";

    [Test]
    public void SearchTrace_TwoFrameSizes_OneLinePerSizeAndPointPerTrial()
    {
        PerformanceEvidence e = new()
        {
            SearchTrace = [new SearchTrial(1, 64, 10e6, 0.5, false), new SearchTrial(2, 64, 5e6, 0, true), new SearchTrial(1, 1518, 0.8e6, 0, true)],
        };

        XDocument svg = XDocument.Parse(ReportCharts.SearchTrace(e));

        Assert.That(svg.Descendants(s_svg + "polyline").Count(), Is.EqualTo(1), "a one-trial size has no line");
        Assert.That(svg.Descendants(s_svg + "circle").Select(c => (string?)c.Attribute("fill")), Is.EqualTo(new[] { ReportCharts.Red, ReportCharts.Green, ReportCharts.Green }));
        Assert.That(svg.Descendants(s_svg + "text").Select(t => t.Value), Does.Contain("64 B").And.Contain("1518 B"));
    }

    [Test]
    public void ForScenario_NoEvidence_NoCharts()
    {
        ScenarioSummary s = SampleRuns.Mixed().Scenarios[0];

        Assert.That(ReportCharts.ForScenario(s), Is.Empty);
    }

    [Test]
    public void ForScenario_EveryKindOfEvidence_FourWellFormedCharts()
    {
        ScenarioSummary s = SampleRuns.Mixed().Scenarios[1];

        List<(string Name, string Svg)> charts = [.. ReportCharts.ForScenario(s)];

        Assert.That(charts.Select(c => c.Name), Is.EqualTo(new[] { "throughput", "latency-percentiles", "latency-cdf", "search-trace" }));
        Assert.That(charts.Select(c => XDocument.Parse(c.Svg).Root!.Name), Is.All.EqualTo(s_svg + "svg"));
    }

    [TestCase(0.0, 14.88e6, 0.0, 15e6, 5e6)]
    [TestCase(0.0, 0.999, 0.0, 1.0, 0.2)]
    [TestCase(12.5, 77.0, 0.0, 80.0, 20.0)]
    public void NiceRange_Values_RoundedBoundsAndStep(double min, double max, double lo, double hi, double step)
    {
        (double l, double h, double s) = SvgChart.NiceRange(min, max);

        Assert.That((l, h, s), Is.EqualTo((lo, hi, step)));
    }
}
