// Licensed under the Apache License, Version 2.0.
using System.CommandLine;
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.Dataplane.Bench;

namespace NfvConformance.Cli.Commands;

/// <summary><c>nfvc bench dataplane</c>: real-time throughput of the emulator dataplane (io forwarding or a VNF chain).</summary>
/// <remarks>It measures the emulator itself, so it lives in the composition root beside KnownTargets.</remarks>
internal sealed class BenchDataplaneCommand : IBenchSubcommand
{
    public Command Create()
    {
        Option<string> chain = new("--chain") { Description = "io (port-to-port forwarding), memif (io forwarding between the two ends of a shared-memory connection, as testpmd over a net_memif pair) or VNFs joined by commas: " + string.Join(", ", DataplaneBenchOptions.ChainElements) + ".", DefaultValueFactory = _ => "io" };
        Option<int> frameSize = new("--frame-size") { Description = "Frame size in bytes (60-9000).", DefaultValueFactory = _ => 64 };
        Option<int> flows = new("--flows") { Description = "Distinct flows (1-1000000).", DefaultValueFactory = _ => 1 };
        Option<double> seconds = new("--seconds") { Description = "Measured seconds, after a warm-up of a fifth of it (0.1-3600).", DefaultValueFactory = _ => 5 };
        Option<int> cores = new("--cores") { Description = "Worker threads, each with its own pool, ports and graph (1-64).", DefaultValueFactory = _ => 1 };
        Option<bool> json = new("--json") { Description = "Print the result as one JSON object." };
        Command command = new("dataplane", "Measure the emulator dataplane in real time: Mpps, ns per packet, bytes allocated per packet, per-node cost.")
        {
            chain, frameSize, flows, seconds, cores, json,
        };
        command.SetAction((ParseResult pr, CancellationToken ct) =>
        {
            DataplaneBenchOptions options = new()
            {
                Chain = pr.GetValue(chain)!,
                FrameSize = pr.GetValue(frameSize),
                Flows = pr.GetValue(flows),
                Seconds = pr.GetValue(seconds),
                Cores = pr.GetValue(cores),
            };
            IReadOnlyList<ValidationError> errors = options.Validate();
            if (errors.Count > 0)
            {
                foreach (ValidationError error in errors)
                {
                    Console.Error.WriteLine($"nfvc bench dataplane: {error}");
                }

                return Task.FromResult(ExitCodes.Usage);
            }

            DataplaneBenchResult result = DataplaneBench.Run(options, ct);
            Console.WriteLine(pr.GetValue(json) ? result.ToJson() : Describe(result));
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static string Describe(DataplaneBenchResult r)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        List<string> lines =
        [
            string.Create(c, $"chain {r.Chain}, {r.FrameSize} B, {r.Flows} flows, {r.Cores} core(s): {r.Mpps:F2} Mpps, {r.NsPerPacket:F1} ns/packet, {r.AllocatedBytesPerPacket:F4} B allocated/packet ({r.Packets} packets in {r.Seconds:F2} s; workers on CPU {r.CpuShare:P0} of it, {r.CpuNsPerPacket:F1} CPU ns/packet)"),
        ];
        lines.AddRange(r.Nodes.Select(n => string.Create(c, $"  {n.Name,-16} {n.NsPerPacket,8:F1} ns/packet {n.Packets,14} packets {n.Drops,10} drops")));
        return string.Join(Environment.NewLine, lines);
    }
}
