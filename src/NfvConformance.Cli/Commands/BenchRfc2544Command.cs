// Licensed under the Apache License, Version 2.0.
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Traffic.Devices;
using NfvConformance.Traffic.Generators;
using NfvConformance.Traffic.Methods;

namespace NfvConformance.Cli.Commands;

/// <summary><c>nfvc bench rfc2544</c>: the four RFC 2544 benchmarks (throughput, latency, frame loss rate, back-to-back) against an emulated device, in virtual time.</summary>
internal sealed class BenchRfc2544Command : IBenchSubcommand
{
    public Command Create()
    {
        Option<string> dut = new("--dut") { Description = "YAML describing the emulated device under test (as for bench ndr).", Required = true };
        Option<int> frameSize = new("--frame-size") { Description = "Frame size in bytes (RFC 2544 sizes: 64, 128, 256, 512, 1024, 1280, 1518).", DefaultValueFactory = _ => 64 };
        Option<double> trial = new("--trial-seconds") { Description = "Throughput and frame-loss trial length (section 24: at least 60).", DefaultValueFactory = _ => 60 };
        Option<double> latency = new("--latency-seconds") { Description = "Latency stream length (section 26.2: at least 120).", DefaultValueFactory = _ => 120 };
        Option<int> latencyRepetitions = new("--latency-repetitions") { Description = "Latency trials averaged (section 26.2: at least 20).", DefaultValueFactory = _ => 20 };
        Option<int> backToBackRepetitions = new("--back-to-back-repetitions") { Description = "Back-to-back searches averaged (section 26.4: at least 50).", DefaultValueFactory = _ => 50 };
        Option<bool> json = new("--json") { Description = "Print the result as one JSON object." };
        Command command = new("rfc2544", "Run the RFC 2544 benchmarks (throughput, latency, frame loss rate, back-to-back frames) against an emulated device, in virtual time.")
        {
            dut, frameSize, trial, latency, latencyRepetitions, backToBackRepetitions, json,
        };
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            try
            {
                Rfc2544Options options = new()
                {
                    TrialDuration = TimeSpan.FromSeconds(pr.GetValue(trial)),
                    LatencyTrialDuration = TimeSpan.FromSeconds(pr.GetValue(latency)),
                    LatencyRepetitions = pr.GetValue(latencyRepetitions),
                    BackToBackRepetitions = pr.GetValue(backToBackRepetitions),
                };
                options.EnsureValid();
                DeviceModel device = DeviceFile.Load(pr.GetValue(dut)!);
                TrafficProfile profile = new([new TrafficStream { Name = "rfc2544", FrameSizes = FrameSizeMix.Single(pr.GetValue(frameSize)) }]);
                EmulatedDeviceGenerator generator = new(device);
                NdrPdrResult throughput = await Rfc2544.ThroughputAsync(generator, profile, options, ct).ConfigureAwait(false);
                Rfc2544LatencyResult latencyResult = await Rfc2544.LatencyAsync(generator, profile, throughput.NdrPps, LatencyBias.None, options, ct).ConfigureAwait(false);
                IReadOnlyList<FrameLossPoint> loss = await Rfc2544.FrameLossRateAsync(generator, profile, options, ct).ConfigureAwait(false);
                BackToBackResult b2b = await Rfc2544.BackToBackAsync(generator, profile, throughput.NdrPps, options, ct).ConfigureAwait(false);
                Console.Out.WriteLine(pr.GetValue(json)
                    ? Json(device, pr.GetValue(frameSize), throughput, latencyResult, loss, b2b)
                    : Text(device, pr.GetValue(frameSize), throughput, latencyResult, loss, b2b));
                return ExitCodes.Success;
            }
            catch (ConfigurationException ex)
            {
                await Console.Error.WriteLineAsync($"nfvc bench rfc2544: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
        });
        return command;
    }

    private static string Text(DeviceModel device, int size, NdrPdrResult t, Rfc2544LatencyResult l, IReadOnlyList<FrameLossPoint> loss, BackToBackResult b) =>
        string.Create(CultureInfo.InvariantCulture, $"""
            RFC 2544 on {device.Name}, {size} B frames
              throughput (26.1): {t.NdrPps:F0} pps per port ({t.NdrPps / t.LineRatePps:P2} of line), {t.Trials.Count} trials
              latency (26.2):    {l.AverageOfMeansUs:F2} us average over {l.Repetitions.Count} trials at {l.RatePps:F0} pps
              frame loss (26.3): {string.Join(", ", loss.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.PercentOfLine:F0} %: {p.LossPercent:F2} % lost")))}
              back-to-back (26.4): {b.AverageFrames:F0} frames average (min {b.MinFrames}, max {b.MaxFrames}, sd {b.StdDevFrames:F1}) over {b.Bursts.Count} searches of {b.Trials} trials in all; implied buffer {b.ImpliedBufferTime.TotalMilliseconds:F3} ms
            """);

    private static string Json(DeviceModel device, int size, NdrPdrResult t, Rfc2544LatencyResult l, IReadOnlyList<FrameLossPoint> loss, BackToBackResult b)
    {
        using MemoryStream stream = new();
        using (Utf8JsonWriter w = new(stream))
        {
            w.WriteStartObject();
            w.WriteString("device", device.Name);
            w.WriteNumber("frame_size", size);
            w.WriteNumber("throughput_pps", t.NdrPps);
            w.WriteNumber("line_rate_pps", t.LineRatePps);
            w.WriteNumber("latency_average_us", l.AverageOfMeansUs);
            w.WriteNumber("latency_rate_pps", l.RatePps);
            w.WriteStartArray("frame_loss");
            foreach (FrameLossPoint p in loss)
            {
                w.WriteStartObject();
                w.WriteNumber("percent_of_line", p.PercentOfLine);
                w.WriteNumber("loss_percent", p.LossPercent);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("back_to_back_frames", b.AverageFrames);
            w.WriteNumber("back_to_back_searches", b.Bursts.Count);
            w.WriteNumber("back_to_back_trials", b.Trials);
            w.WriteNumber("implied_buffer_ms", b.ImpliedBufferTime.TotalMilliseconds);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
