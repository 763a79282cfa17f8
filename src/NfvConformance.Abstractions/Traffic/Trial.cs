// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Abstractions.Traffic;

/// <summary>What made a trial's figures less than trustworthy; any flag but <see cref="LatencyUnavailable"/> makes it inconclusive.</summary>
[Flags]
public enum MeasurementFlags
{
    /// <summary>Nothing: the trial is conclusive.</summary>
    None = 0,

    /// <summary>The generator sent measurably less than offered (by more than its tolerance); the DUT was not tested at the load.</summary>
    OfferedLoadNotReached = 1,

    /// <summary>Something other than the device disturbed the trial (generator stall, clock jump, link flap, neighbour load).</summary>
    Disturbed = 2,

    /// <summary>No latency samples came back (latency figures are absent, loss figures stand).</summary>
    LatencyUnavailable = 4,

    /// <summary>A search stopped at its maximum number of trials or time before it converged.</summary>
    LimitReached = 8,
}

/// <summary>One trial: offer a profile at a rate for a duration (or a number of frames) and count what comes back.</summary>
public sealed record TrialRequest
{
    /// <summary>Gets the streams.</summary>
    public required TrafficProfile Profile { get; init; }

    /// <summary>Gets the rate offered on each transmit port (per direction, as NFVbench and TRex count it).</summary>
    public required TrafficRate RatePerPort { get; init; }

    /// <summary>Gets how long to send.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets, for back-to-back bursts, the exact number of frames per port to send at the rate; null to send for <see cref="Duration"/>.</summary>
    public long? FramesPerPort { get; init; }

    /// <summary>Gets the rate of each stream's latency sub-stream in packets per second (NFVbench and VSPERF use 1000; 0 = none).</summary>
    public double LatencyPps { get; init; } = 1000;

    /// <summary>Gets a label kept with the trial in the search trace (for example <c>narrow</c> or <c>confirm</c>).</summary>
    public string Phase { get; init; } = "trial";
}

/// <summary>What one stream sent and got back in a trial.</summary>
/// <param name="Name">The stream.</param>
/// <param name="TxPackets">Packets sent (latency sub-stream included).</param>
/// <param name="RxPackets">Packets received (duplicates included).</param>
/// <param name="OutOfOrder">Latency packets that arrived after a later one.</param>
/// <param name="Duplicates">Latency packets that arrived twice.</param>
/// <param name="LatencyPackets">Latency packets received and timed.</param>
public sealed record StreamCounters(string Name, long TxPackets, long RxPackets, long OutOfOrder, long Duplicates, long LatencyPackets);

/// <summary>The outcome of one trial; a value, never an exception, whatever the device did.</summary>
public sealed record TrialResult
{
    /// <summary>Gets the rate offered per port in packets per second.</summary>
    public required double OfferedPpsPerPort { get; init; }

    /// <summary>Gets the rate the generator achieved per port (tx / duration / ports).</summary>
    public required double AchievedPpsPerPort { get; init; }

    /// <summary>Gets how long traffic was sent.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Gets packets sent, all ports.</summary>
    public required long TxPackets { get; init; }

    /// <summary>Gets packets received, all ports.</summary>
    public required long RxPackets { get; init; }

    /// <summary>Gets per-stream counters.</summary>
    public IReadOnlyList<StreamCounters> Streams { get; init; } = [];

    /// <summary>Gets the merged latency of all latency sub-streams in nanoseconds (empty when none came back).</summary>
    public LatencyHistogram Latency { get; init; } = new();

    /// <summary>Gets delay variation over the latency sub-streams.</summary>
    public DelayVariationSummary DelayVariation { get; init; } = DelayVariationSummary.Empty;

    /// <summary>Gets what makes the trial less than trustworthy.</summary>
    public MeasurementFlags Flags { get; init; }

    /// <summary>Gets a human-readable note for the flags (what disturbed the trial), or null.</summary>
    public string? Note { get; init; }

    /// <summary>Gets packets lost (sent minus received; duplicates may make it negative, then 0).</summary>
    public long LostPackets => Math.Max(0, TxPackets - RxPackets);

    /// <summary>Gets the loss ratio (lost / sent), 0 when nothing was sent.</summary>
    public double LossRatio => TxPackets == 0 ? 0 : (double)LostPackets / TxPackets;

    /// <summary>Gets whether the figures can be trusted for a pass or a fail.</summary>
    public bool IsConclusive => (Flags & (MeasurementFlags.OfferedLoadNotReached | MeasurementFlags.Disturbed)) == 0;
}

/// <summary>What a generator can do.</summary>
/// <param name="PortCount">Ports.</param>
/// <param name="LineRateBitsPerSecond">Speed of each port.</param>
/// <param name="MaxPpsPerPort">The most packets per second it can send per port (it flags trials above).</param>
/// <param name="VirtualTime">True when trials run in virtual time (take no wall-clock time).</param>
/// <param name="TimestampResolutionNs">Resolution of its latency timestamps.</param>
public sealed record TrafficGeneratorInfo(int PortCount, double LineRateBitsPerSecond, double MaxPpsPerPort, bool VirtualTime, long TimestampResolutionNs);

/// <summary>
/// The traffic facet of a lab target (<c>ILabTarget.GetFeature&lt;ITrafficGeneration&gt;()</c>): the emulator's
/// in-process generator, TRex, an AF_PACKET generator and the virtual-time emulated device all implement it.
/// </summary>
/// <remarks>
/// A trial is one call: validate the request (throw <see cref="ConfigurationException"/> before any traffic when it
/// cannot run as asked), send, wait for residual frames, and return the counters as a value. Device behaviour (loss,
/// latency) is never an exception. A generator that cannot reach the offered rate sends what it can and sets
/// <see cref="MeasurementFlags.OfferedLoadNotReached"/>; a broken environment (link down, lost connection) throws
/// <see cref="TrafficEnvironmentException"/>, which searches report apart from device failures.
/// </remarks>
public interface ITrafficGeneration
{
    /// <summary>Gets a name for reports (<c>trex</c>, <c>emulator</c>, <c>virtual-dut</c>).</summary>
    string Name { get; }

    /// <summary>Gets what the generator can do.</summary>
    TrafficGeneratorInfo Info { get; }

    /// <summary>Gets the clock trials run on (virtual for emulated devices, <see cref="TimeProvider.System"/> for real ones).</summary>
    TimeProvider Clock { get; }

    /// <summary>Runs one trial.</summary>
    /// <param name="request">The trial.</param>
    /// <param name="cancellationToken">Stops traffic and abandons the trial.</param>
    /// <returns>The counters.</returns>
    /// <exception cref="ConfigurationException">The request cannot run (rate above line rate, unknown port); nothing was sent.</exception>
    /// <exception cref="TrafficEnvironmentException">The environment failed during the trial.</exception>
    ValueTask<TrialResult> RunTrialAsync(TrialRequest request, CancellationToken cancellationToken = default);
}

/// <summary>The test environment (not the device under test) failed: a generator crashed, a link went down, a connection was lost.</summary>
public sealed class TrafficEnvironmentException : NfvConformanceException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and what to check.</param>
    /// <param name="innerException">The cause, if any.</param>
    public TrafficEnvironmentException(string message, Exception? innerException = null)
        : base(message, Severity.Configuration, innerException)
    {
    }
}

/// <summary>Checks requests the same way for every generator.</summary>
public static class TrialRequestValidator
{
    /// <summary>Collects every problem that keeps a request from running on a generator.</summary>
    /// <param name="request">The request.</param>
    /// <param name="info">The generator.</param>
    /// <returns>The problems; empty when it can run.</returns>
    public static IReadOnlyList<ValidationError> Validate(TrialRequest request, TrafficGeneratorInfo info)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(info);
        List<ValidationError> errors = [];
        if (request.Duration <= TimeSpan.Zero && request.FramesPerPort is null)
        {
            errors.Add(new(true, $"trial duration {request.Duration} must be > 0.", "trial"));
        }

        if (request.FramesPerPort is <= 0)
        {
            errors.Add(new(true, $"frames per port {request.FramesPerPort} must be > 0.", "trial"));
        }

        if (request.LatencyPps < 0 || !double.IsFinite(request.LatencyPps))
        {
            errors.Add(new(true, $"latency rate {request.LatencyPps} pps must be >= 0.", "trial"));
        }

        foreach (TrafficStream s in request.Profile.Streams)
        {
            if (s.TxPort >= info.PortCount || s.RxPort >= info.PortCount)
            {
                errors.Add(new(true, $"uses port {Math.Max(s.TxPort, s.RxPort)} but the generator has {info.PortCount} ports.", $"stream '{s.Name}'"));
            }

            double mean = request.Profile.MeanFrameSize(s.TxPort);
            double pct = request.RatePerPort.ToPercentOfLine(mean, info.LineRateBitsPerSecond);
            if (pct > 100.0 + 1e-9)
            {
                errors.Add(new(true, string.Create(CultureInfo.InvariantCulture, $"rate {request.RatePerPort} is {pct:F3} % of line rate at {mean:F2} B; offer at most 100 %."), $"stream '{s.Name}'"));
            }
        }

        return errors;
    }

    /// <summary>Throws when the request cannot run.</summary>
    /// <param name="request">The request.</param>
    /// <param name="info">The generator.</param>
    /// <exception cref="ConfigurationException">Lists every problem.</exception>
    public static void EnsureValid(TrialRequest request, TrafficGeneratorInfo info)
    {
        IReadOnlyList<ValidationError> errors = Validate(request, info);
        if (errors.Count > 0)
        {
            ThrowHelper.ThrowConfiguration("invalid trial: " + string.Join("; ", errors));
        }
    }
}
