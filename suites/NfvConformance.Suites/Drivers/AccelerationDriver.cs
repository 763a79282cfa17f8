// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Running;
using NfvConformance.Suites.Support;

namespace NfvConformance.Suites.Drivers;

/// <summary>
/// Asks the target for accelerator instances by class and standard interface and checks what it grants: real
/// hardware of that class, bound through standard interfaces, usable without privileges, finite. Grants are
/// released when the scenario ends.
/// </summary>
public sealed class AccelerationDriver
{
    private static readonly string[] s_standardHostBindings = ["vfio-pci", "vhost-user-crypto"];
    private static readonly string[] s_elevated = ["CAP_SYS_ADMIN", "CAP_SYS_RAWIO", "CAP_NET_ADMIN", "CAP_SYS_MODULE"];

    private readonly RunContext _run;
    private readonly DiscoveryDriver _discovery;
    private readonly ScenarioEvidence _evidence;
    private readonly List<AcceleratorGrant> _grants = [];
    private AcceleratorResult? _last;

    /// <summary>Creates the driver for one scenario.</summary>
    /// <param name="run">The run.</param>
    /// <param name="discovery">The scenario's discovery.</param>
    /// <param name="evidence">The scenario's evidence.</param>
    /// <param name="teardown">Releases the scenario's grants when it ends.</param>
    public AccelerationDriver(RunContext run, DiscoveryDriver discovery, ScenarioEvidence evidence, ScenarioTeardown teardown)
    {
        ArgumentNullException.ThrowIfNull(teardown);
        teardown.Add(ReleaseGrantsAsync);
        _run = run;
        _discovery = discovery;
        _evidence = evidence;
    }

    /// <summary>Asks for an instance.</summary>
    /// <param name="accelerationClass">The class.</param>
    /// <param name="interfaceName">The interface.</param>
    /// <param name="vendor">A vendor to name, or null.</param>
    /// <returns>The answer.</returns>
    public async Task<AcceleratorResult> RequestAsync(string accelerationClass, string interfaceName, string? vendor = null)
    {
        _last = await TargetFacets.Require<IAcceleration>(_run).RequestAsync(new AcceleratorRequest("conformance", accelerationClass, interfaceName, vendor)).ConfigureAwait(false);
        if (_last.Grant is { } g)
        {
            _grants.Add(g);
        }

        return _last;
    }

    /// <summary>Checks the last grant is an instance of the class, through the interface, on a device discovery found on that node.</summary>
    /// <param name="accelerationClass">The class.</param>
    /// <param name="interfaceName">The interface.</param>
    public void CheckGranted(string accelerationClass, string interfaceName)
    {
        AcceleratorGrant g = Last();
        AcceleratorInfo? device = _discovery.Snapshot.FindNode(g.NodeId)?.Hardware?.Accelerators.FirstOrDefault(a => a.Name == g.Device);
        Check.That(device is not null, $"{g.Id} names {g.NodeId}/{g.Device}, which discovery does not report.");
        Check.That(device!.Kind == accelerationClass && g.Class == accelerationClass, $"{g.Id} is a {g.Class} grant on {g.NodeId}/{g.Device}, a {device.Kind} device; {accelerationClass} was asked.");
        Check.That(g.Interface == interfaceName, $"{g.Id} is reached through {g.Interface}, not {interfaceName}.");
        Check.That(SameDevice(device.PciAddress, g.InstanceAddress), $"{g.Id}'s instance {g.InstanceAddress} is not a function of {g.Device} ({device.PciAddress}).");
        _evidence.Record(new($"granted:{g.NodeId}/{g.Device}", 1, "instance"));
    }

    /// <summary>Checks the host exposes the last grant through a standard binding (VFIO or vhost-user), not the vendor's driver.</summary>
    public void CheckStandardHostBinding()
    {
        AcceleratorGrant g = Last();
        Check.That(s_standardHostBindings.Contains(g.HostBinding), $"{g.Id} is exposed by the host through '{g.HostBinding}', not a standard binding ({string.Join(", ", s_standardHostBindings)}).");
        Check.That(StandardAcceleratorInterfaces.ByClass.TryGetValue(g.Class, out IReadOnlyList<string>? std) && std.Contains(g.Interface), $"{g.Id} is consumed through '{g.Interface}', not a standard interface for {g.Class}.");
    }

    /// <summary>Checks the last grant needs no privileged workload, no elevated capability, and passes only its own device nodes.</summary>
    public void CheckUnprivileged()
    {
        AcceleratorGrant g = Last();
        List<string> problems = [];
        if (g.Privileged)
        {
            problems.Add("the workload must run privileged");
        }

        problems.AddRange(g.Capabilities.Where(c => s_elevated.Contains(c)).Select(c => $"it needs {c}"));
        if (g.DeviceNodes.Count == 0)
        {
            problems.Add("no device node is passed, so the workload cannot reach the instance");
        }

        problems.AddRange(g.DeviceNodes.Where(d => !(d.StartsWith("/dev/vfio/", StringComparison.Ordinal) || d.StartsWith("/var/run/vhost/", StringComparison.Ordinal))).Select(d => $"it passes {d}, which is not the instance's own VFIO group or vhost-user socket"));
        _evidence.Record(new("device_nodes", g.DeviceNodes.Count, "nodes"));
        Check.That(problems.Count == 0, $"{g.Id} ({g.NodeId}/{g.Device}) is not usable without elevated privileges: {string.Join("; ", problems)} (device nodes: {string.Join(", ", g.DeviceNodes)}).");
    }

    /// <summary>Checks the last request was refused, the reason containing a text.</summary>
    /// <param name="text">The text.</param>
    public void CheckRefused(string text)
    {
        Check.That(_last is not null, "No accelerator was asked for.");
        Check.That(!_last!.Granted, $"It was granted: {_last.Grant?.NodeId}/{_last.Grant?.Device}.");
        string reason = string.Join("; ", _last.Problems.Select(p => p.Message));
        Check.That(reason.Contains(text, StringComparison.Ordinal), $"The refusal '{reason}' does not say '{text}'.");
    }

    /// <summary>
    /// Keeps asking until refused and checks the count equals the instances discovery reports for devices of the
    /// class behind the interface, no instance granted twice, and the refusal says every instance is taken.
    /// </summary>
    /// <param name="accelerationClass">The class.</param>
    /// <param name="interfaceName">The interface.</param>
    /// <returns>A task that completes when the target answered.</returns>
    public async Task ExhaustAndCheckAsync(string accelerationClass, string interfaceName)
    {
        int expected = _discovery.Snapshot.Nodes.SelectMany(n => n.Hardware?.Accelerators ?? []).Where(a => a.Kind == accelerationClass && a.Interface == interfaceName).Sum(a => a.Instances);
        Check.That(expected > 0, $"Discovery reports no {accelerationClass} accelerator behind {interfaceName}.");
        int granted = 0;
        while ((await RequestAsync(accelerationClass, interfaceName).ConfigureAwait(false)).Granted)
        {
            Check.That(++granted <= expected, $"More than the {expected} {accelerationClass} instances discovered were granted.");
        }

        int distinct = _grants.Select(g => (g.NodeId, g.InstanceAddress)).Distinct().Count();
        _evidence.Record(new($"instances_granted:{accelerationClass}", granted, "instances", $"= {expected}", granted == expected ? Abstractions.Measurements.MeasurementVerdict.Pass : Abstractions.Measurements.MeasurementVerdict.Fail));
        Check.That(granted == expected, $"{granted} {accelerationClass} instances were granted, discovery reports {expected}.");
        Check.That(distinct == _grants.Count, $"An instance was granted twice ({_grants.Count} grants, {distinct} distinct instances).");
        CheckRefused("instance is taken");
    }

    private async Task ReleaseGrantsAsync()
    {
        IAcceleration? service = _grants.Count == 0 ? null : _run.Target.GetFeature<IAcceleration>();
        foreach (AcceleratorGrant g in _grants)
        {
            _ = await service!.ReleaseAsync(g.Id).ConfigureAwait(false);
        }

        _grants.Clear();
    }

    private AcceleratorGrant Last()
    {
        Check.That(_last is not null, "No accelerator was asked for.");
        Check.That(_last!.Granted, $"The request was refused: {string.Join("; ", _last.Problems.Select(p => p.Message))}");
        return _last.Grant!;
    }

    private static bool SameDevice(string pf, string vf) => string.Equals(pf[..pf.LastIndexOf(':')], vf[..vf.LastIndexOf(':')], StringComparison.OrdinalIgnoreCase);
}
