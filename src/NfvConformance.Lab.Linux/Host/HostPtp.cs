// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text.RegularExpressions;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Host;

/// <summary>
/// Runs PTP for real on a host port: <c>ptp4l</c> as a slave on the port's PTP hardware clock for the asked time, its
/// servo's "master offset", "freq" and "path delay" read from its log. A port without a PTP hardware clock
/// (<c>ethtool -T</c>: <c>PTP Hardware Clock: none</c>), or a host without <c>ptp4l</c>, is refused with the reason.
/// </summary>
internal sealed partial class HostPtp : IPtpSynchronisation
{
    private readonly HostPublisher _publisher;

    /// <summary>Creates the facet.</summary>
    /// <param name="publisher">The host as discovered.</param>
    public HostPtp(HostPublisher publisher)
    {
        _publisher = publisher;
    }

    /// <summary>Parses ptp4l's servo lines (<c>ptp4l[123.456]: master offset -12 s2 freq +345 path delay 678</c>).</summary>
    /// <param name="log">ptp4l's output.</param>
    /// <returns>The samples, timed from the first.</returns>
    public static IReadOnlyList<PtpSample> ParseLog(string log)
    {
        List<PtpSample> samples = [];
        double? first = null;
        foreach (Match m in ServoLine().Matches(log))
        {
            double at = double.Parse(m.Groups["t"].Value, CultureInfo.InvariantCulture);
            first ??= at;
            samples.Add(new PtpSample(
                TimeSpan.FromSeconds(at - first.Value),
                double.Parse(m.Groups["offset"].Value, CultureInfo.InvariantCulture),
                double.Parse(m.Groups["freq"].Value, CultureInfo.InvariantCulture),
                double.Parse(m.Groups["delay"].Value, CultureInfo.InvariantCulture)));
        }

        return samples;
    }

    /// <inheritdoc />
    public async ValueTask<PtpRun> SynchroniseAsync(PtpRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        HostNode node = _publisher.Node;
        PtpRun Refused(string message, string subject) => new(request.NodeId, request.Nic, "none", false, false, 0, [], [new ValidationError(true, message, subject)]);
        if (request.NodeId != node.Id)
        {
            return Refused($"unknown node '{request.NodeId}': this host is node '{node.Id}'.", "node");
        }

        NicInfo? nic = node.Hardware.Nics.FirstOrDefault(n => n.Name == request.Nic);
        if (nic is null)
        {
            return Refused($"{node.Id} has no port '{request.Nic}'.", "nic");
        }

        if (!nic.LinkUp)
        {
            return Refused($"{node.Id}/{nic.Name} is down.", "nic");
        }

        if (nic.Timestamping is not { PtpHardwareClock: true } ts)
        {
            return Refused($"{node.Id}/{nic.Name} ({nic.Driver}) has no PTP hardware clock with hardware time-stamping (ethtool -T {nic.Name}: [{string.Join(" ", nic.Timestamping?.Capabilities ?? [])}], PTP Hardware Clock: none).", "nic");
        }

        if (Shell.Find("ptp4l") is null)
        {
            return Refused("ptp4l is not installed (apt-get install linuxptp).", "tool");
        }

        ShellResult run = await Shell.RunAsync("timeout", [request.Duration.TotalSeconds.ToString("0", CultureInfo.InvariantCulture), "ptp4l", "-i", nic.Name, "-s", "-m", "-2", "--logSyncInterval", request.LogSyncInterval.ToString(CultureInfo.InvariantCulture)], cancellationToken, request.Duration + TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        IReadOnlyList<PtpSample> samples = ParseLog(run.Stdout);
        return samples.Count == 0
            ? new PtpRun(node.Id, nic.Name, $"/dev/ptp{ts.PtpClockIndex}", true, false, 0, [], [new ValidationError(true, $"ptp4l on {nic.Name} reported no servo sample in {request.Duration.TotalSeconds:0} s (no grandmaster on the link?): {run.Stderr.Trim()}", "ptp4l")])
            : new PtpRun(node.Id, nic.Name, $"/dev/ptp{ts.PtpClockIndex}", true, ts.SyncE, samples.Count * 4, samples, []);
    }

    [GeneratedRegex(@"ptp4l\[(?<t>[0-9.]+)\]: master offset\s+(?<offset>-?[0-9]+) s\d freq\s+(?<freq>[+-]?[0-9]+) path delay\s+(?<delay>-?[0-9]+)")]
    private static partial Regex ServoLine();
}
