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

/// <summary>What one sender worker sends in a trial: its share of each port, made of the streams it owns.</summary>
/// <param name="Worker">The worker (its socket or AF_XDP queue on every port).</param>
/// <param name="Ports">Its share of each transmit port: the rate and frames of its own streams only.</param>
internal sealed record WorkerPlan(int Worker, PortPlan[] Ports);

/// <summary>A trial turned into frames: each stream's templates and each port's rate, frame count and schedule.</summary>
internal sealed class TrialPlan
{
    private TrialPlan(StreamTemplates[] streams, PortPlan[] ports, WorkerPlan[] workers, int[] streamWorker, long stopAfterNs)
    {
        Streams = streams;
        Ports = ports;
        Workers = workers;
        StreamWorker = streamWorker;
        StopAfterNs = stopAfterNs;
    }

    /// <summary>Gets the streams' templates, by stream index (the mark's stream id).</summary>
    public StreamTemplates[] Streams { get; }

    /// <summary>Gets the transmit ports that send.</summary>
    public PortPlan[] Ports { get; }

    /// <summary>
    /// Gets each sender worker's share of the ports. A stream belongs to one worker (the k-th stream of a port to
    /// worker k mod N), so its sequence numbers come from one thread and leave through one socket or queue, in order.
    /// </summary>
    public WorkerPlan[] Workers { get; }

    /// <summary>Gets the worker that sends each stream, by stream index.</summary>
    public int[] StreamWorker { get; }

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
        int workers = options.Threads;
        List<PortPlan> ports = [];
        List<PortPlan>[] shares = [.. Enumerable.Range(0, workers).Select(_ => new List<PortPlan>())];
        int[] streamWorker = new int[profile.Streams.Count];
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
            PortPlan whole = new(port, burst ? total : bulk, total, planned, Schedule(members, rates));
            ports.Add(whole);
            for (int k = 0; k < members.Length; k++)
            {
                streamWorker[members[k]] = k % workers;
            }

            if (workers == 1)
            {
                shares[0].Add(whole);
                continue;
            }

            foreach ((int worker, PortPlan share) in Split(whole, members, rates, workers))
            {
                shares[worker].Add(share);
            }
        }

        // A timed trial stops at its duration (a generator behind schedule is flagged, not given extra time); a
        // burst may take twice its nominal time plus 10 s before it is cut.
        double stopSeconds = request.FramesPerPort is null ? request.Duration.TotalSeconds : (2 * longest) + 10;
        WorkerPlan[] workerPlans = [.. shares.Select((list, w) => new WorkerPlan(w, [.. list]))];
        return new TrialPlan(templates, [.. ports], workerPlans, streamWorker, (long)(stopSeconds * 1e9));
    }

    /// <summary>
    /// Splits a port's plan over the workers: worker w takes the port's streams k with k mod N = w, their rates and
    /// the matching share of the port's offered rate; the planned frames are split in proportion to the rates (the
    /// largest remainders get the frames left over), so the shares add up to the port's plan exactly.
    /// </summary>
    private static IEnumerable<(int Worker, PortPlan Share)> Split(PortPlan whole, int[] members, double[] rates, int workers)
    {
        double[] rate = new double[workers];
        long[] frames = new long[workers];
        double[] remainder = new double[workers];
        for (int k = 0; k < members.Length; k++)
        {
            rate[k % workers] += rates[k];
        }

        long given = 0;
        for (int w = 0; w < workers; w++)
        {
            double exact = whole.PlannedFrames * rate[w] / whole.TotalPps;
            frames[w] = (long)Math.Floor(exact);
            remainder[w] = exact - frames[w];
            given += frames[w];
        }

        foreach (int w in Enumerable.Range(0, workers).OrderByDescending(w => remainder[w]).ThenBy(w => w).Take((int)(whole.PlannedFrames - given)))
        {
            frames[w]++;
        }

        for (int w = 0; w < workers; w++)
        {
            if (frames[w] == 0 || !(rate[w] > 0))
            {
                continue;
            }

            int[] mine = [.. Enumerable.Range(0, members.Length).Where(k => k % workers == w).Select(k => members[k])];
            double[] mineRates = [.. Enumerable.Range(0, members.Length).Where(k => k % workers == w).Select(k => rates[k])];
            yield return (w, new PortPlan(whole.Port, whole.BulkPps * rate[w] / whole.TotalPps, rate[w], frames[w], Schedule(mine, mineRates)));
        }
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
