// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Inventory;

/// <summary>
/// A facet: runs IEEE 1588 (PTP) synchronisation of a node's port to the grandmaster for a while and reports what the
/// slave's servo measured, as <c>ptp4l</c> logs it ("master offset", "freq", "path delay"), and the state of the
/// port's Synchronous Ethernet DPLL. A real target runs ptp4l/phc2sys on the port and reads the same figures, for
/// the whole duration asked, so a run is asynchronous and cancellable.
/// </summary>
public interface IPtpSynchronisation
{
    /// <summary>Synchronises a port's clock to the grandmaster for <see cref="PtpRunRequest.Duration"/>.</summary>
    /// <param name="request">The node, port, duration and message rate.</param>
    /// <param name="cancellationToken">Cancels the run (a real target stops its PTP daemon).</param>
    /// <returns>The run; <see cref="PtpRun.Problems"/> says why it could not run (unknown node or port, link down).</returns>
    ValueTask<PtpRun> SynchroniseAsync(PtpRunRequest request, CancellationToken cancellationToken = default);
}

/// <summary>What to synchronise and for how long.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Nic">The port (NIC name).</param>
/// <param name="Duration">How long to run (virtual time on the emulator).</param>
/// <param name="LogSyncInterval">log2 of the Sync interval in seconds (-4 = 16 Sync messages per second, the telecom profiles' rate).</param>
/// <param name="Seed">Seeds the oscillator and time-stamp noise, so a run can be repeated.</param>
public sealed record PtpRunRequest(string NodeId, string Nic, TimeSpan Duration, int LogSyncInterval = -4, int Seed = 1);

/// <summary>One servo sample, as a ptp4l log line.</summary>
/// <param name="At">Time since the run started.</param>
/// <param name="OffsetNs">The measured offset from the master, in ns (<c>master offset</c>).</param>
/// <param name="FrequencyPpb">The frequency adjustment applied to the clock, in ppb (<c>freq</c>).</param>
/// <param name="PathDelayNs">The measured mean path delay, in ns (<c>path delay</c>).</param>
public sealed record PtpSample(TimeSpan At, double OffsetNs, double FrequencyPpb, double PathDelayNs);

/// <summary>The result of a synchronisation run.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Nic">The port.</param>
/// <param name="ClockName">The clock disciplined: <c>/dev/ptpN</c> (hardware time-stamping) or <c>CLOCK_REALTIME</c> (software).</param>
/// <param name="HardwareTimestamping">True when the port time-stamped PTP messages in hardware.</param>
/// <param name="SyncELocked">True when the port's SyncE DPLL was locked to the recovered line clock during the run.</param>
/// <param name="MessagesExchanged">PTP messages encoded and decoded (Sync, Follow_Up, Delay_Req, Delay_Resp).</param>
/// <param name="Samples">The servo's samples, in order.</param>
/// <param name="Problems">Why the run could not happen; empty when it ran.</param>
public sealed record PtpRun(
    string NodeId,
    string Nic,
    string ClockName,
    bool HardwareTimestamping,
    bool SyncELocked,
    int MessagesExchanged,
    IReadOnlyList<PtpSample> Samples,
    IReadOnlyList<Errors.ValidationError> Problems)
{
    /// <summary>Returns the largest absolute offset measured from <paramref name="settle"/> on, in ns (0 when there is no sample).</summary>
    /// <param name="settle">The settling time skipped.</param>
    /// <returns>max|offset| in ns.</returns>
    public double MaxAbsOffsetNs(TimeSpan settle) => Samples.Where(s => s.At >= settle).Select(s => Math.Abs(s.OffsetNs)).DefaultIfEmpty(0).Max();
}
