// Licensed under the Apache License, Version 2.0.
using System.Text;
using System.Text.Json;

namespace NfvConformance.Emulator.Dataplane.Bench;

/// <summary>One node's share of a run, summed over workers.</summary>
/// <param name="Name">The node's name.</param>
/// <param name="NsPerPacket">Time in the node per packet it processed, in nanoseconds.</param>
/// <param name="Packets">Packets the node processed in the measured window.</param>
/// <param name="Drops">Packets the node dropped in the measured window.</param>
public sealed record DataplaneBenchNode(string Name, double NsPerPacket, long Packets, long Drops);

/// <summary>The outcome of a <see cref="DataplaneBench.Run"/>.</summary>
/// <param name="Chain">The chain as given.</param>
/// <param name="FrameSize">Frame size in bytes.</param>
/// <param name="Flows">Distinct flows.</param>
/// <param name="Cores">Workers.</param>
/// <param name="Packets">Packets forwarded (transmitted) in the measured window, all workers.</param>
/// <param name="Seconds">The measured window's length.</param>
/// <param name="Mpps">Forwarded packets per second, in millions, all workers.</param>
/// <param name="NsPerPacket">Worker time per forwarded packet: seconds × cores × 10^9 / packets.</param>
/// <param name="AllocatedBytesPerPacket">Bytes the workers allocated in the window (GC.GetAllocatedBytesForCurrentThread) per packet.</param>
/// <param name="Nodes">Per node (for "io", per forwarding direction).</param>
/// <param name="CpuSeconds">CPU time the workers got in the window (CLOCK_THREAD_CPUTIME_ID; NaN off Linux); not part of the JSON contract.</param>
public sealed record DataplaneBenchResult(
    string Chain,
    int FrameSize,
    int Flows,
    int Cores,
    long Packets,
    double Seconds,
    double Mpps,
    double NsPerPacket,
    double AllocatedBytesPerPacket,
    IReadOnlyList<DataplaneBenchNode> Nodes,
    double CpuSeconds = double.NaN)
{
    /// <summary>Gets the workers' CPU nanoseconds per forwarded packet: the cost with other processes' turns taken out.</summary>
    public double CpuNsPerPacket => Packets == 0 ? 0 : CpuSeconds * 1e9 / Packets;

    /// <summary>Gets the share of the window's worker time the workers were on a CPU (1 on an idle machine).</summary>
    public double CpuShare => Seconds <= 0 ? 0 : CpuSeconds / (Seconds * Cores);

    /// <summary>Writes the result as the <c>nfvc bench dataplane --json</c> contract: exactly these keys, in this order.</summary>
    /// <returns>One JSON object.</returns>
    public string ToJson()
    {
        using MemoryStream stream = new();
        using (Utf8JsonWriter w = new(stream, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteString("chain", Chain);
            w.WriteNumber("frame_size", FrameSize);
            w.WriteNumber("flows", Flows);
            w.WriteNumber("cores", Cores);
            w.WriteNumber("packets", Packets);
            w.WriteNumber("seconds", Math.Round(Seconds, 6));
            w.WriteNumber("mpps", Math.Round(Mpps, 4));
            w.WriteNumber("ns_per_packet", Math.Round(NsPerPacket, 3));
            w.WriteNumber("allocated_bytes_per_packet", Math.Round(AllocatedBytesPerPacket, 6));
            w.WriteStartArray("nodes");
            foreach (DataplaneBenchNode n in Nodes)
            {
                w.WriteStartObject();
                w.WriteString("name", n.Name);
                w.WriteNumber("ns_per_packet", Math.Round(n.NsPerPacket, 3));
                w.WriteNumber("packets", n.Packets);
                w.WriteNumber("drops", n.Drops);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
