// Licensed under the Apache License, Version 2.0.
using System.Text;
using System.Text.Json;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Traffic.Methods;

namespace NfvConformance.Traffic.Bench;

/// <summary>Writes <see cref="NdrBenchReport"/> as the JSON of issue 5; field names are a contract used outside the repo.</summary>
internal static class NdrBenchJson
{
    public static string Write(NdrBenchReport report)
    {
        using MemoryStream ms = new();
        using (Utf8JsonWriter w = new(ms, new JsonWriterOptions { Indented = true }))
        {
            NdrPdrResult s = report.Search;
            w.WriteStartObject();
            w.WriteString("dut", report.Device.Name);
            w.WriteString("method", s.Method.ToString().ToLowerInvariant());
            w.WriteString("frame_size", report.FrameSizes.Name);
            w.WriteNumber("line_rate_gbps", report.Device.LineRateGbps);
            w.WriteNumber("line_rate_pps", Round(s.LineRatePps, 1));
            w.WriteNumber("ndr_pps", Round(s.NdrPps, 1));
            w.WriteNumber("pdr_pps", Round(s.PdrPps, 1));
            w.WriteNumber("ndr_pct_line", Round(s.NdrPercentOfLine, 6));
            w.WriteNumber("pdr_pct_line", Round(s.PdrPercentOfLine, 6));
            w.WriteNumber("trials", s.Trials.Count);
            w.WriteNumber("trial_seconds_total", Round(s.TrialTimeTotal.TotalSeconds, 3));
            w.WriteBoolean("conclusive", s.IsConclusive);
            w.WriteBoolean("generator_bound", s.IsGeneratorBound);
            WriteFlags(w, "flags", s.Flags);
            if (s.Note is not null)
            {
                w.WriteString("note", s.Note);
            }

            w.WriteStartObject("latency");
            w.WriteString("unit", "us");
            w.WriteNumber("generator_bias_us", Round(report.Bias.BiasNs / 1000.0, 3));
            w.WriteString("measured_at", "ndr");
            w.WriteNumber("measured_at_pps", Round(report.LatencyAtNdr.RatePps, 1));
            WriteSummary(w, report.LatencyAtNdr.Latency);
            WriteVariation(w, report.LatencyAtNdr.DelayVariation);
            w.WriteStartObject("at_pct_pdr");
            foreach (LatencyAtLoad l in report.LatencyAtLoads)
            {
                w.WriteStartObject(l.PercentOfPdr.ToString(System.Globalization.CultureInfo.InvariantCulture));
                w.WriteNumber("rate_pps", Round(l.RatePps, 1));
                w.WriteNumber("loss_ratio", l.LossRatio);
                WriteSummary(w, l.Latency);
                WriteVariation(w, l.DelayVariation);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteStartArray("search");
            foreach (TrialRecord t in s.Trials)
            {
                w.WriteStartObject();
                w.WriteNumber("trial", t.Index);
                w.WriteString("phase", t.Phase);
                w.WriteNumber("rate_pps", Round(t.RatePps, 1));
                w.WriteNumber("pct_line", Round(t.PercentOfLine, 6));
                w.WriteNumber("duration_s", Round(t.Duration.TotalSeconds, 3));
                w.WriteNumber("tx", t.TxPackets);
                w.WriteNumber("rx", t.RxPackets);
                w.WriteNumber("loss_ratio", t.LossRatio);
                w.WriteNumber("loss_pct", t.LossRatio * 100);
                WriteFlags(w, "flags", t.Flags & ~MeasurementFlags.LatencyUnavailable);
                w.WriteStartObject("latency");
                w.WriteNumber("min", Round(t.Latency.MinUs, 3));
                w.WriteNumber("mean", Round(t.Latency.MeanUs, 3));
                w.WriteNumber("max", Round(t.Latency.MaxUs, 3));
                w.WriteNumber("p99", Round(t.Latency.P99Us, 3));
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteSummary(Utf8JsonWriter w, LatencySummary l)
    {
        w.WriteNumber("samples", l.Count);
        w.WriteNumber("min", Round(l.MinUs, 3));
        w.WriteNumber("mean", Round(l.MeanUs, 3));
        w.WriteNumber("max", Round(l.MaxUs, 3));
        w.WriteNumber("p50", Round(l.P50Us, 3));
        w.WriteNumber("p90", Round(l.P90Us, 3));
        w.WriteNumber("p99", Round(l.P99Us, 3));
        w.WriteNumber("p99_9", Round(l.P999Us, 3));
        w.WriteNumber("p99_99", Round(l.P9999Us, 3));
    }

    private static void WriteVariation(Utf8JsonWriter w, DelayVariationSummary d)
    {
        w.WriteNumber("ipdv_mean_abs", Round(d.IpdvMeanAbsUs, 3));
        w.WriteNumber("ipdv_p99_abs", Round(d.IpdvP99AbsUs, 3));
        w.WriteNumber("pdv_p99", Round(d.PdvP99Us, 3));
        w.WriteNumber("pdv_p99_9", Round(d.PdvP999Us, 3));
        w.WriteNumber("jitter_rfc3550", Round(d.Rfc3550JitterUs, 3));
    }

    private static void WriteFlags(Utf8JsonWriter w, string name, MeasurementFlags flags)
    {
        w.WriteStartArray(name);
        foreach (MeasurementFlags f in Enum.GetValues<MeasurementFlags>())
        {
            if (f != MeasurementFlags.None && (flags & f) == f)
            {
                w.WriteStringValue(f switch
                {
                    MeasurementFlags.OfferedLoadNotReached => "offered_load_not_reached",
                    MeasurementFlags.Disturbed => "disturbed",
                    MeasurementFlags.LatencyUnavailable => "latency_unavailable",
                    MeasurementFlags.LimitReached => "limit_reached",
                    _ => f.ToString(),
                });
            }
        }

        w.WriteEndArray();
    }

    private static double Round(double v, int digits) => Math.Round(v, digits, MidpointRounding.AwayFromZero);
}
