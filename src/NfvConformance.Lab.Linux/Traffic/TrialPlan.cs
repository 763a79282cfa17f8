// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Traffic;

namespace NfvConformance.Lab.Linux.Traffic;

/// <summary>What one transmit port sends in a trial.</summary>
/// <param name="Port">The generator port.</param>
/// <param name="BulkPps">The offered rate (the request's rate per port).</param>
/// <param name="TotalPps">The bulk rate plus the latency sub-streams' rate: what is actually paced.</param>
/// <param name="PlannedFrames">The frames to send in the trial.</param>
/// <param name="Schedule">Stream indices in sending order, repeated: a smooth weighted round robin of the streams' rates.</param>
internal sealed record PortPlan(int Port, double BulkPps, double TotalPps, long PlannedFrames, int[] Schedule);

/// <summary>A trial turned into frames: each stream's templates and each port's rate, frame count and schedule.</summary>
internal sealed class TrialPlan
{
    private TrialPlan(StreamTemplates[] streams, PortPlan[] ports, long stopAfterNs)
    {
        Streams = streams;
        Ports = ports;
        StopAfterNs = stopAfterNs;
    }

    /// <summary>Gets the streams' templates, by stream index (the mark's stream id).</summary>
    public StreamTemplates[] Streams { get; }

    /// <summary>Gets the transmit ports that send.</summary>
    public PortPlan[] Ports { get; }

    /// <summary>Gets when sending stops even if frames are left (the trial's duration; a burst gets more room).</summary>
    public long StopAfterNs { get; }

    /// <summary>Plans a trial.</summary>
    /// <param name="request">The request (validated).</param>
    /// <param name="options">The generator's settings.</param>
    /// <param name="info">The generator.</param>
    /// <returns>The plan.</returns>
    public static TrialPlan Create(TrialRequest request, AfPacketGeneratorOptions options, TrafficGeneratorInfo info)
    {
        TrafficProfile profile = request.Profile;
        StreamTemplates[] templates = [.. profile.Streams.Select(StreamTemplates.Build)];
        List<PortPlan> ports = [];
        double longest = 0;
        foreach (int port in profile.Streams.Select(s => s.TxPort).Distinct().Order())
        {
            int[] members = [.. Enumerable.Range(0, profile.Streams.Count).Where(i => profile.Streams[i].TxPort == port)];
            double bulk = request.RatePerPort.ToPps(profile.MeanFrameSize(port), info.LineRateBitsPerSecond);
            double shareSum = members.Sum(i => profile.Streams[i].RateShare);
            bool burst = request.FramesPerPort is not null;
            double[] rates = [.. members.Select(i => (bulk * profile.Streams[i].RateShare / shareSum) + (burst ? 0 : request.LatencyPps))];
            double total = rates.Sum();
            if (!(total > 0))
            {
                continue;
            }

            long planned = request.FramesPerPort ?? (long)Math.Round(total * request.Duration.TotalSeconds);
            if (planned <= 0)
            {
                continue;
            }

            longest = Math.Max(longest, planned / total);
            ports.Add(new PortPlan(port, burst ? total : bulk, total, planned, Schedule(members, rates)));
        }

        // A timed trial stops at its duration (a generator behind schedule is flagged, not given extra time); a
        // burst may take twice its nominal time plus 10 s before it is cut.
        double stopSeconds = request.FramesPerPort is null ? request.Duration.TotalSeconds : (2 * longest) + 10;
        return new TrialPlan(templates, [.. ports], (long)(stopSeconds * 1e9));
    }

    /// <summary>A smooth weighted round robin (nginx's): each pick adds every weight to its credit and takes the largest.</summary>
    private static int[] Schedule(int[] members, double[] rates)
    {
        if (members.Length == 1)
        {
            return [members[0]];
        }

        double total = rates.Sum();
        double[] credit = new double[members.Length];
        int length = 1024;
        int[] order = new int[length];
        for (int k = 0; k < length; k++)
        {
            int best = 0;
            for (int i = 0; i < members.Length; i++)
            {
                credit[i] += rates[i];
                if (credit[i] > credit[best])
                {
                    best = i;
                }
            }

            credit[best] -= total;
            order[k] = members[best];
        }

        return order;
    }
}
