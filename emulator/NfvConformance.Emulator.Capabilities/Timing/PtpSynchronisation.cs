// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Targets;

namespace NfvConformance.Emulator.Capabilities.Timing;

/// <summary>Physical constants of the emulated timing path; tests change them to make a run non-conformant.</summary>
public sealed record PtpModel
{
    /// <summary>Gets the one-way fibre delay between the grandmaster (or T-BC) and the port, in ns (about 5 ns per metre).</summary>
    public double PathDelayNs { get; init; } = 500;

    /// <summary>Gets the difference between the two directions' delays, in ns (uncorrected asymmetry becomes time error, half of it).</summary>
    public double AsymmetryNs { get; init; }

    /// <summary>Gets the standard deviation of one hardware time-stamp, in ns (E810/ConnectX class PHCs: a few ns).</summary>
    public double HardwareStampNoiseNs { get; init; } = 2.5;

    /// <summary>Gets the standard deviation of one software time-stamp, in ns (interrupt and scheduling latency).</summary>
    public double SoftwareStampNoiseNs { get; init; } = 1500;

    /// <summary>Gets the largest frequency error of a free-running local oscillator, in ppb (G.8262 EEC option 1: +-4.6 ppm).</summary>
    public double FreeRunFrequencyErrorPpb { get; init; } = 4600;

    /// <summary>Gets the oscillator's frequency wander per second, in ppb (random walk) when not syntonised by SyncE.</summary>
    public double WanderPpbPerSecond { get; init; } = 2;
}

/// <summary>
/// The emulator's PTP slave: exchanges real PTPv2 frames (two-step Sync/Follow_Up, Delay_Req/Delay_Resp) with an
/// emulated grandmaster, computes offset and path delay from the four timestamps (IEEE 1588 delay request-response)
/// and disciplines the port's clock with a PI servo (linuxptp's default constants, kp 0.7, ki 0.3, first step over
/// 20 us). The clock is the port's PHC with hardware time-stamping, or the system clock with software time-stamps;
/// SyncE, when the port supports it, syntonises the oscillator to the line so only the time offset remains to servo.
/// </summary>
public sealed class PtpSynchronisation : IPtpSynchronisation
{
    private const double Kp = 0.7;
    private const double Ki = 0.3;
    private const double FirstStepThresholdNs = 20_000;
    private const ulong GrandmasterClock = 0x001B19FFFE000001;
    private static readonly byte[] s_gmMac = [0x00, 0x1B, 0x19, 0x00, 0x00, 0x01];
    private static readonly byte[] s_slaveMac = [0x02, 0x4E, 0x46, 0x00, 0x50, 0x01];

    private readonly IHardwareInventory _inventory;
    private readonly PtpModel _model;

    /// <summary>Creates the service over an inventory.</summary>
    /// <param name="inventory">The live inventory (ports, time-stamping, SyncE, link state).</param>
    /// <param name="model">The timing path's physical constants.</param>
    public PtpSynchronisation(IHardwareInventory inventory, PtpModel? model = null)
    {
        _inventory = inventory;
        _model = model ?? new PtpModel();
    }

    /// <inheritdoc />
    public ValueTask<PtpRun> SynchroniseAsync(PtpRunRequest request, CancellationToken cancellationToken = default) =>
        FacetCall.Completed(() => Synchronise(request), cancellationToken);

    private PtpRun Synchronise(PtpRunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        NodeHardware? node = _inventory.Current.Nodes.FirstOrDefault(n => n.Id == request.NodeId);
        NicInfo? nic = node?.Nics.FirstOrDefault(n => n.Name == request.Nic);
        List<ValidationError> problems = [];
        if (node is null)
        {
            problems.Add(new ValidationError(true, $"node '{request.NodeId}' is not in the inventory; known: {string.Join(", ", _inventory.Current.Nodes.Select(n => n.Id))}.", "node"));
        }
        else if (nic is null)
        {
            problems.Add(new ValidationError(true, $"node '{request.NodeId}' has no port '{request.Nic}'; known: {string.Join(", ", node.Nics.Select(n => n.Name))}.", "nic"));
        }
        else if (!nic.LinkUp)
        {
            problems.Add(new ValidationError(true, $"{request.NodeId}/{request.Nic}: link down, no PTP message can be exchanged; bring the link up first.", "nic"));
        }

        if (request.Duration <= TimeSpan.Zero || request.LogSyncInterval is < -7 or > 4)
        {
            problems.Add(new ValidationError(true, $"duration {request.Duration} and logSyncInterval {request.LogSyncInterval}: give a positive duration and a logSyncInterval in -7..4.", "request"));
        }

        if (problems.Count > 0 || nic is null)
        {
            return new PtpRun(request.NodeId, request.Nic, string.Empty, false, false, 0, [], problems);
        }

        bool hardware = nic.Timestamping is { PtpHardwareClock: true };
        bool synce = nic.Timestamping is { SyncE: true } && nic.LinkUp;
        string clock = hardware ? $"/dev/ptp{nic.Timestamping!.PtpClockIndex}" : "CLOCK_REALTIME";
        double stampNoise = hardware ? _model.HardwareStampNoiseNs : _model.SoftwareStampNoiseNs;
        Random rng = new(StableSeed.Derive(request.Seed, request.NodeId, request.Nic));

        double intervalS = Math.Pow(2, request.LogSyncInterval);
        double intervalNs = intervalS * 1e9;
        int steps = (int)Math.Ceiling(request.Duration.TotalSeconds / intervalS);

        // The local clock: offset from the grandmaster (ns) and oscillator frequency error (ppb). SyncE locks the
        // oscillator to the line's frequency, which the grandmaster's frequency also drives.
        double theta = (rng.NextDouble() - 0.5) * 2e6; // up to +-1 ms at start
        double oscillatorPpb = synce ? 0 : (rng.NextDouble() * 2 - 1) * _model.FreeRunFrequencyErrorPpb;
        double wander = synce ? 0 : _model.WanderPpbPerSecond * Math.Sqrt(intervalS);
        double adjustmentPpb = 0;
        double integralPpb = 0;
        bool stepped = false;
        int messages = 0;
        List<PtpSample> samples = new(steps);
        byte[] frame = new byte[80];
        long epoch = 1_700_000_000L * 1_000_000_000L;

        for (int k = 0; k < steps; k++)
        {
            double t = k * intervalNs;
            double rate = (oscillatorPpb + adjustmentPpb) * 1e-9;
            double dForward = _model.PathDelayNs + (_model.AsymmetryNs / 2);
            double dBackward = _model.PathDelayNs - (_model.AsymmetryNs / 2);

            // Sync (two-step) then Follow_Up from the grandmaster; the slave stamps the Sync on receipt.
            long t1 = epoch + (long)Math.Round(t + Gaussian(rng, 1.0));
            ushort seq = (ushort)k;
            Exchange(frame, s_gmMac, new PtpMessage(PtpMessageType.Sync, 24, seq, GrandmasterClock, 0, 0), ref messages);
            long t1Received = Exchange(frame, s_gmMac, new PtpMessage(PtpMessageType.FollowUp, 24, seq, GrandmasterClock, t1, 0), ref messages).Timestamp;
            double arrive = t + dForward;
            long t2 = epoch + (long)Math.Round(arrive + theta + (rate * (arrive - t)) + Gaussian(rng, stampNoise));

            // Delay_Req half an interval later; the grandmaster answers with its receive time.
            double send = t + (intervalNs / 2);
            long t3 = epoch + (long)Math.Round(send + theta + (rate * (send - t)) + Gaussian(rng, stampNoise));
            Exchange(frame, s_slaveMac, new PtpMessage(PtpMessageType.DelayReq, 24, seq, 0x024E46FFFE005001, 0, 0), ref messages);
            long t4 = epoch + (long)Math.Round(send + dBackward + Gaussian(rng, 1.0));
            long t4Received = Exchange(frame, s_gmMac, new PtpMessage(PtpMessageType.DelayResp, 24, seq, GrandmasterClock, t4, 0), ref messages, 0x024E46FFFE005001).Timestamp;

            double offset = ((t2 - t1Received) - (t4Received - t3)) / 2.0;
            double delay = ((t2 - t1Received) + (t4Received - t3)) / 2.0;

            // Servo (linuxptp pi.c): step once if far off, then proportional-integral frequency control.
            if (!stepped && Math.Abs(offset) > FirstStepThresholdNs)
            {
                theta -= offset;
                stepped = true;
                samples.Add(new PtpSample(TimeSpan.FromTicks((long)(t / 100)), offset, adjustmentPpb, delay));
            }
            else
            {
                stepped = true;
                integralPpb += Ki * offset / intervalS;
                adjustmentPpb = -((Kp * offset / intervalS) + integralPpb);
                adjustmentPpb = Math.Clamp(adjustmentPpb, -62_499_999, 62_499_999);
                samples.Add(new PtpSample(TimeSpan.FromTicks((long)(t / 100)), offset, adjustmentPpb, delay));
            }

            // The clock runs one interval with the new frequency; the oscillator wanders.
            theta += (oscillatorPpb + adjustmentPpb) * intervalS;
            oscillatorPpb += Gaussian(rng, wander);
        }

        return new PtpRun(request.NodeId, request.Nic, clock, hardware, synce, messages, samples, []);
    }

    private static PtpMessage Exchange(byte[] frame, byte[] source, PtpMessage message, ref int messages, ulong requesting = 0)
    {
        int length = PtpMessages.WriteFrame(frame, source, message, requesting);
        messages++;
        return PtpMessages.ReadFrame(frame.AsSpan(0, length));
    }

    private static double Gaussian(Random rng, double sigma)
    {
        if (sigma <= 0)
        {
            return 0;
        }

        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return sigma * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
