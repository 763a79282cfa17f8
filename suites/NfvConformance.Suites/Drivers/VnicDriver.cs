// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Placement;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Running;
using NfvConformance.Suites.Support;

namespace NfvConformance.Suites.Drivers;

/// <summary>
/// Asks the target for vNIC bandwidth options (RM Table 4-17) and checks what it guarantees: on a port fast enough,
/// never more in total than the port's speed, refused with the reason otherwise. Grants are released when the scenario ends.
/// </summary>
public sealed class VnicDriver
{
    private readonly RunContext _run;
    private readonly DiscoveryDriver _discovery;
    private readonly ScenarioEvidence _evidence;
    private readonly List<VnicBandwidthGrant> _grants = [];
    private VnicBandwidthResult? _last;

    /// <summary>Creates the driver for one scenario.</summary>
    /// <param name="run">The run.</param>
    /// <param name="discovery">The scenario's discovery.</param>
    /// <param name="evidence">The scenario's evidence.</param>
    /// <param name="teardown">Releases the scenario's grants when it ends.</param>
    public VnicDriver(RunContext run, DiscoveryDriver discovery, ScenarioEvidence evidence, ScenarioTeardown teardown)
    {
        ArgumentNullException.ThrowIfNull(teardown);
        teardown.Add(ReleaseGrantsAsync);
        _run = run;
        _discovery = discovery;
        _evidence = evidence;
    }

    /// <summary>
    /// Asks for an option; when no NIC of the profile's nodes is fast enough to back it, the scenario is not applicable
    /// (the option cannot be offered on this hardware).
    /// </summary>
    /// <param name="option">The option (<c>n25</c>).</param>
    /// <returns>A task that completes when the target answered.</returns>
    public async Task RequestBackableAsync(string option)
    {
        Check.That(VnicBandwidthOptions.TryParse(option, out int gbps), $"'{option}' is not an RM vNIC bandwidth option; use one of {VnicBandwidthOptions.Describe}.");
        int fastest = _discovery.Snapshot.Nodes.Where(n => n.Profile == _run.Target.Profile).SelectMany(n => n.Hardware?.Nics ?? []).Select(n => n.SpeedGbps).DefaultIfEmpty(0).Max();
        if (fastest < gbps)
        {
            throw new ScenarioNotApplicableException(fastest == 0
                ? $"{option} needs a {gbps} Gbps port; no NIC of the {_run.Target.Profile} nodes reports a speed (a virtio NIC reports none), so no bandwidth can be reserved against one"
                : $"{option} needs a {gbps} Gbps port; the fastest NIC of the {_run.Target.Profile} nodes runs at {fastest} Gbps");
        }

        _ = await RequestAsync(option, null, null).ConfigureAwait(false);
    }

    /// <summary>Asks for an option, anywhere or on a given node and port.</summary>
    /// <param name="option">The option.</param>
    /// <param name="nodeId">The node, or null.</param>
    /// <param name="nic">The port, or null.</param>
    /// <returns>The answer.</returns>
    public async Task<VnicBandwidthResult> RequestAsync(string option, string? nodeId, string? nic)
    {
        IVnicBandwidth bandwidth = TargetFacets.Require<IVnicBandwidth>(_run);
        _last = await bandwidth.ReserveAsync(new VnicBandwidthRequest("conformance", option, nodeId, nic)).ConfigureAwait(false);
        if (_last.Grant is { } g)
        {
            _grants.Add(g);
        }

        return _last;
    }

    /// <summary>Checks that the last request was granted on a port at least as fast as the option, with the guarantee within the port's speed.</summary>
    public void CheckGrantedOnFastEnoughPort()
    {
        Check.That(_last is not null, "No vNIC bandwidth option was asked for.");
        Check.That(_last.Granted, $"The option was refused: {string.Join("; ", _last.Problems.Select(p => p.Message))}");
        VnicBandwidthGrant g = _last.Grant!;
        VnicPortBandwidth? port = TargetFacets.Require<IVnicBandwidth>(_run).Ports.FirstOrDefault(p => p.NodeId == g.NodeId && p.Nic == g.Nic);
        int speed = _discovery.Snapshot.FindNode(g.NodeId)?.Hardware?.Nics.FirstOrDefault(n => n.Name == g.Nic)?.SpeedGbps ?? 0;
        _evidence.Record(new($"granted:{g.Option}", g.Gbps, "Gbps"));
        _evidence.Record(new($"port_speed:{g.NodeId}/{g.Nic}", speed, "Gbps", $">= {g.Gbps}", speed >= g.Gbps ? Abstractions.Measurements.MeasurementVerdict.Pass : Abstractions.Measurements.MeasurementVerdict.Fail));
        Check.That(speed >= g.Gbps, $"{g.Option} ({g.Gbps} Gbps) was granted on {g.NodeId}/{g.Nic}, which discovery reports at {speed} Gbps.");
        Check.That(port is not null && port.GuaranteedGbps >= g.Gbps && port.GuaranteedGbps <= speed, $"{g.NodeId}/{g.Nic} accounts {port?.GuaranteedGbps} Gbps guaranteed after granting {g.Gbps} Gbps on a {speed} Gbps port.");
    }

    /// <summary>
    /// Keeps asking for the same option on the granted port until refused, then checks the guarantees never passed
    /// the port's speed, as many were granted as fit, and the refusal names the port and what is left.
    /// </summary>
    /// <returns>A task that completes when the target answered.</returns>
    public async Task FillGrantedPortUntilRefusedAsync()
    {
        Check.That(_last?.Grant is not null, "No grant to fill the port of.");
        VnicBandwidthGrant first = _last!.Grant!;
        int speed = first.PortSpeedGbps;
        int guaranteed = first.PortGuaranteedGbps;
        int granted = 1;
        VnicBandwidthResult next;
        while ((next = await RequestAsync(first.Option, first.NodeId, first.Nic).ConfigureAwait(false)).Granted)
        {
            granted++;
            guaranteed = next.Grant!.PortGuaranteedGbps;
            Check.That(guaranteed <= speed, $"{first.NodeId}/{first.Nic} now guarantees {guaranteed} Gbps on a {speed} Gbps port.");
            Check.That(granted <= speed, "The port never refuses.");
        }

        int expected = speed / first.Gbps;
        _evidence.Record(new($"grants_on:{first.NodeId}/{first.Nic}", granted, "vNICs", $"= {expected}", granted == expected ? Abstractions.Measurements.MeasurementVerdict.Pass : Abstractions.Measurements.MeasurementVerdict.Fail));
        _evidence.Record(new($"guaranteed_on:{first.NodeId}/{first.Nic}", guaranteed, "Gbps", $"<= {speed}"));
        Check.That(granted == expected, $"A {speed} Gbps port should carry {expected} guarantees of {first.Gbps} Gbps; {granted} were granted.");
        string reason = string.Join("; ", next.Problems.Select(p => p.Message));
        Check.That(reason.Contains($"{first.NodeId}/{first.Nic}", StringComparison.Ordinal) && reason.Contains("guaranteed", StringComparison.Ordinal), $"The refusal does not say which port is full and how much is guaranteed: '{reason}'.");
    }

    /// <summary>Checks that the last request was refused with a reason containing a text.</summary>
    /// <param name="text">The text.</param>
    public void CheckRefused(string text)
    {
        Check.That(_last is not null, "No vNIC bandwidth option was asked for.");
        Check.That(!_last.Granted, $"The option was granted on {_last.Grant?.NodeId}/{_last.Grant?.Nic}.");
        string reason = string.Join("; ", _last.Problems.Select(p => p.Message));
        Check.That(reason.Contains(text, StringComparison.Ordinal), $"The refusal '{reason}' does not say '{text}'.");
    }

    private async Task ReleaseGrantsAsync()
    {
        IVnicBandwidth? bandwidth = _grants.Count == 0 ? null : _run.Target.GetFeature<IVnicBandwidth>();
        foreach (VnicBandwidthGrant g in _grants)
        {
            _ = await bandwidth!.ReleaseAsync(g.Id).ConfigureAwait(false);
        }

        _grants.Clear();
    }
}
