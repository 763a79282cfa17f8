// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Lifecycle;
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Emulator.Capabilities.Internal.Placement;
using VnfState = NfvConformance.Descriptors.Vnfd.VnfInstanceRecord<NfvConformance.Abstractions.Lifecycle.VnfcInfo>;

namespace NfvConformance.Emulator.Capabilities.Internal.Lifecycle;

/// <summary>
/// VNF lifecycle over the placement service, timed on the virtual clock. Components of one operation start in
/// parallel, so an operation lasts as long as its slowest component. Every operation validates first and changes
/// nothing when it reports a problem; replacements are make-before-break.
/// </summary>
internal sealed class LifecycleManager : IVnfLifecycle
{
    private readonly Lock _gate = new();
    private readonly PlacementEngine _placement;
    private readonly VirtualClock _clock;
    private readonly VnfdCatalogue _descriptors = new();
    private readonly Dictionary<string, VnfState> _instances = new(StringComparer.Ordinal);
    private int _sequence;

    public LifecycleManager(PlacementEngine placement, VirtualClock clock)
    {
        _placement = placement;
        _clock = clock;
    }

    public TimeProvider Clock => _clock;

    public IReadOnlyList<VnfDescriptor> Descriptors => _descriptors.All;

    public LifecycleResult Onboard(string yaml, string file) => LifecycleChecks.Onboard(_descriptors, yaml, file, _clock);

    public ValueTask<LifecycleResult> InstantiateAsync(string vnfdId, string? version = null, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Instantiate(vnfdId, version));

    private LifecycleResult Instantiate(string vnfdId, string? version)
    {
        lock (_gate)
        {
            (VnfDescriptor? d, ValidationError? unknown) = _descriptors.Resolve(vnfdId, version);
            if (d is null)
            {
                return Fail("instantiate", null, [unknown!]);
            }

            string id = string.Create(CultureInfo.InvariantCulture, $"{d.Id}-{++_sequence}");
            VnfState state = new(id, d, new Dictionary<string, string>(d.Configuration, StringComparer.Ordinal), v => v.DeploymentUnit);
            List<(DeploymentUnit Unit, PlacementRequest Request)> requests = [.. d.DeploymentUnits.Where(u => u.Instances > 0).Select(u => (u, Request(state, d, u, u.Instances)))];
            PlacementResult placed = _placement.PlaceAll([.. requests.Select(r => r.Request)]);
            if (!placed.Succeeded)
            {
                _sequence--;
                return Fail("instantiate", null, placed.Problems);
            }

            List<LifecycleEvent> events = [Event("instantiate-started", id, $"{d.Id}@{d.Version}")];
            TimeSpan duration = Start(state, d, placed.Instances, events);
            foreach (DeploymentUnit u in d.DeploymentUnits.Where(u => u.EventDriven))
            {
                events.Add(Event("scaled-to-zero", $"{id}.{u.Name}", "event-driven: starts on the first event"));
            }

            _instances[id] = state;
            events.Add(Event("instantiated", id, $"{state.Vnfcs.Count} VNFC(s) in {Seconds(duration)}"));
            return new LifecycleResult(true, "instantiate", id, duration, events, []);
        }
    }

    public VnfInstanceInfo? Get(string vnfInstanceId)
    {
        lock (_gate)
        {
            return _instances.TryGetValue(vnfInstanceId, out VnfState? s)
                ? new VnfInstanceInfo(s.Id, s.Descriptor.Id, s.Descriptor.Version, s.Terminated, [.. s.Vnfcs], new Dictionary<string, string>(s.Configuration, StringComparer.Ordinal))
                : null;
        }
    }

    public ValueTask<LifecycleResult> ScaleAsync(string vnfInstanceId, string aspect, int steps, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Scale(vnfInstanceId, aspect, steps));

    private LifecycleResult Scale(string vnfInstanceId, string aspect, int steps)
    {
        lock (_gate)
        {
            List<ValidationError> problems = [];
            VnfState? s = Running(vnfInstanceId, problems);
            (ScalingAspect? a, DeploymentUnit? unit, int current, int target) = LifecycleChecks.Scale(s?.Descriptor, name => s!.Count(name), vnfInstanceId, aspect, steps, problems);
            if (problems.Count > 0)
            {
                return Fail("scale", vnfInstanceId, problems);
            }

            List<LifecycleEvent> events = [];
            TimeSpan duration = target > current
                ? Grow(s!, unit!, target - current, events, problems)
                : Shrink(s!, unit!, current - target, events);
            if (problems.Count > 0)
            {
                return Fail("scale", vnfInstanceId, problems);
            }

            events.Add(Event("scaled", $"{s!.Id}.{unit!.Name}", $"{current} -> {target} instance(s) in {Seconds(duration)}"));
            return new LifecycleResult(true, "scale", vnfInstanceId, duration, events, []);
        }
    }

    public ValueTask<LifecycleResult> HealAsync(string vnfInstanceId, string vnfcId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Heal(vnfInstanceId, vnfcId));

    private LifecycleResult Heal(string vnfInstanceId, string vnfcId)
    {
        lock (_gate)
        {
            List<ValidationError> problems = [];
            VnfState? s = Running(vnfInstanceId, problems);
            VnfcInfo? vnfc = LifecycleChecks.Component(s?.Vnfcs, v => v.Id, vnfInstanceId, vnfcId, problems);

            if (problems.Count > 0)
            {
                return Fail("heal", vnfInstanceId, problems);
            }

            DeploymentUnit unit = s!.Descriptor.DeploymentUnits.First(u => u.Name == vnfc!.DeploymentUnit);
            PlacementResult replacement = _placement.Place(Request(s, s.Descriptor, unit, 1) with { AvoidNodes = [vnfc!.Placement.NodeId] });
            if (!replacement.Succeeded)
            {
                return Fail("heal", vnfInstanceId, replacement.Problems);
            }

            List<LifecycleEvent> events = [Event("heal-started", vnfcId, $"failed on {vnfc!.Placement.NodeId}")];
            TimeSpan duration = Start(s, s.Descriptor, replacement.Instances, events);
            duration += Stop(s, [vnfc], events);
            events.Add(Event("healed", vnfcId, $"replaced by {replacement.Instances[0].InstanceId} on {replacement.Instances[0].NodeId} in {Seconds(duration)}"));
            return new LifecycleResult(true, "heal", vnfInstanceId, duration, events, []);
        }
    }

    public ValueTask<LifecycleResult> ChangeConfigurationAsync(string vnfInstanceId, IReadOnlyDictionary<string, string> changes, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ChangeConfiguration(vnfInstanceId, changes));

    private LifecycleResult ChangeConfiguration(string vnfInstanceId, IReadOnlyDictionary<string, string> changes)
    {
        lock (_gate)
        {
            List<ValidationError> problems = [];
            VnfState? s = Running(vnfInstanceId, problems);
            LifecycleChecks.Configuration(s?.Descriptor, changes, vnfInstanceId, problems);

            if (problems.Count > 0)
            {
                return Fail("change-configuration", vnfInstanceId, problems);
            }

            List<LifecycleEvent> events = [];
            foreach (KeyValuePair<string, string> kv in changes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                string old = s!.Configuration[kv.Key];
                s.Configuration[kv.Key] = kv.Value;
                _clock.Advance(OperationCosts.ConfigKey);
                events.Add(Event("config-applied", kv.Key, $"'{old}' -> '{kv.Value}' on {s.Vnfcs.Count} VNFC(s)"));
            }

            return new LifecycleResult(true, "change-configuration", vnfInstanceId, OperationCosts.ConfigKey * changes.Count, events, []);
        }
    }

    public ValueTask<LifecycleResult> UpgradeAsync(string vnfInstanceId, string version, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Upgrade(vnfInstanceId, version));

    private LifecycleResult Upgrade(string vnfInstanceId, string version)
    {
        lock (_gate)
        {
            List<ValidationError> problems = [];
            VnfState? s = Running(vnfInstanceId, problems);
            VnfDescriptor? target = LifecycleChecks.Upgrade(_descriptors, s?.Descriptor, vnfInstanceId, version, problems);

            if (problems.Count > 0)
            {
                return Fail("upgrade", vnfInstanceId, problems);
            }

            // Make before break: the new version's components are placed while the old ones still run.
            List<PlacementRequest> requests = [];
            foreach (DeploymentUnit u in target!.DeploymentUnits)
            {
                int count = LifecycleChecks.UpgradeCount(s!.Descriptor, s.Count, u);
                if (count > 0)
                {
                    requests.Add(Request(s, target, u, count));
                }
            }

            PlacementResult placed = _placement.PlaceAll(requests);
            if (!placed.Succeeded)
            {
                return Fail("upgrade", vnfInstanceId, placed.Problems);
            }

            List<LifecycleEvent> events = [Event("upgrade-started", vnfInstanceId, $"{s!.Descriptor.Version} -> {version}")];
            List<VnfcInfo> old = [.. s.Vnfcs];
            TimeSpan duration = Start(s, target, placed.Instances, events);
            duration += Stop(s, old, events);
            s.Descriptor = target;
            foreach (KeyValuePair<string, string> kv in target.Configuration)
            {
                s.Configuration.TryAdd(kv.Key, kv.Value);
            }

            events.Add(Event("upgraded", vnfInstanceId, $"now {target.Id}@{target.Version} in {Seconds(duration)}"));
            return new LifecycleResult(true, "upgrade", vnfInstanceId, duration, events, []);
        }
    }

    public ValueTask<LifecycleResult> TerminateAsync(string vnfInstanceId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Terminate(vnfInstanceId));

    private LifecycleResult Terminate(string vnfInstanceId)
    {
        lock (_gate)
        {
            List<ValidationError> problems = [];
            VnfState? s = Running(vnfInstanceId, problems);
            if (problems.Count > 0)
            {
                return Fail("terminate", vnfInstanceId, problems);
            }

            List<LifecycleEvent> events = [];
            TimeSpan duration = Stop(s!, [.. s!.Vnfcs], events);
            s.Terminated = true;
            events.Add(Event("terminated", vnfInstanceId, $"released everything in {Seconds(duration)}"));
            return new LifecycleResult(true, "terminate", vnfInstanceId, duration, events, []);
        }
    }

    public ValueTask<LifecycleResult> DeliverEventAsync(string vnfInstanceId, string deploymentUnit, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(DeliverEvent(vnfInstanceId, deploymentUnit));

    private LifecycleResult DeliverEvent(string vnfInstanceId, string deploymentUnit)
    {
        lock (_gate)
        {
            List<ValidationError> problems = [];
            DeploymentUnit? unit = EventDrivenUnit(vnfInstanceId, deploymentUnit, problems, out VnfState? s);
            if (problems.Count > 0)
            {
                return Fail("deliver-event", vnfInstanceId, problems);
            }

            if (s!.Count(unit!.Name) > 0)
            {
                return new LifecycleResult(true, "deliver-event", vnfInstanceId, TimeSpan.Zero, [Event("event-served", $"{s.Id}.{unit.Name}", "warm: an instance is running")], []);
            }

            PlacementResult placed = _placement.Place(Request(s, s.Descriptor, unit, 1));
            if (!placed.Succeeded)
            {
                return Fail("deliver-event", vnfInstanceId, placed.Problems);
            }

            List<LifecycleEvent> events = [];
            TimeSpan duration = Start(s, s.Descriptor, placed.Instances, events);
            events.Add(Event("cold-start", $"{s.Id}.{unit.Name}", $"first event waited {Seconds(duration)} for {placed.Instances[0].InstanceId} on {placed.Instances[0].NodeId}"));
            events.Add(Event("event-served", $"{s.Id}.{unit.Name}", "after a cold start"));
            return new LifecycleResult(true, "deliver-event", vnfInstanceId, duration, events, []);
        }
    }

    public ValueTask<LifecycleResult> ScaleToZeroAsync(string vnfInstanceId, string deploymentUnit, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ScaleToZero(vnfInstanceId, deploymentUnit));

    private LifecycleResult ScaleToZero(string vnfInstanceId, string deploymentUnit)
    {
        lock (_gate)
        {
            List<ValidationError> problems = [];
            DeploymentUnit? unit = EventDrivenUnit(vnfInstanceId, deploymentUnit, problems, out VnfState? s);
            if (problems.Count > 0)
            {
                return Fail("scale-to-zero", vnfInstanceId, problems);
            }

            List<LifecycleEvent> events = [];
            TimeSpan duration = Stop(s!, [.. s!.Vnfcs.Where(v => v.DeploymentUnit == unit!.Name)], events);
            events.Add(Event("scaled-to-zero", $"{s.Id}.{unit!.Name}", "idle: every instance released"));
            return new LifecycleResult(true, "scale-to-zero", vnfInstanceId, duration, events, []);
        }
    }

    private static PlacementRequest Request(VnfState s, VnfDescriptor d, DeploymentUnit u, int count)
    {
        List<PreferenceLadder> ladders = [.. u.ConnectionPoints.Select(cp => new PreferenceLadder(cp.Name, cp.Attachment)), .. u.Accelerators];
        NegotiationRequest negotiation = new(Group(s, d, u), u.Resources, ladders, d.RequiredCapabilities, d.Wishes, u.Profile, u.Extensions, u.Site);
        return new PlacementRequest(negotiation, u.Kind, count, u.AntiAffinity);
    }

    // Anti-affinity groups are per version, so a make-before-break upgrade may briefly share a node with the old version.
    private static string Group(VnfState s, VnfDescriptor d, DeploymentUnit u) => $"{s.Id}.{u.Name}@{d.Version}";

    private TimeSpan Start(VnfState s, VnfDescriptor d, IReadOnlyList<PlacedInstance> placed, List<LifecycleEvent> events)
    {
        DateTimeOffset t0 = _clock.GetUtcNow();
        TimeSpan longest = TimeSpan.Zero;
        foreach (PlacedInstance p in placed)
        {
            DeploymentUnit u = d.DeploymentUnits.First(x => Group(s, d, x) == p.Vnf);
            s.Vnfcs.Add(new VnfcInfo(p.InstanceId, u.Name, u.Image, p));
            events.Add(new LifecycleEvent(t0, "vnfc-starting", p.InstanceId, $"{(p.Kind == WorkloadKind.VirtualMachine ? "VM" : "container")} {u.Image} on {p.NodeId}{(p.NumaNode is null ? string.Empty : $" NUMA {p.NumaNode}")}, {Interfaces(p)}"));
            longest = Max(longest, OperationCosts.Start(p));
        }

        foreach (PlacedInstance p in placed.OrderBy(p => OperationCosts.Start(p)))
        {
            events.Add(new LifecycleEvent(t0 + OperationCosts.Start(p), "vnfc-started", p.InstanceId, $"after {Seconds(OperationCosts.Start(p))}"));
        }

        _clock.Advance(longest);
        return longest;
    }

    private TimeSpan Stop(VnfState s, IReadOnlyList<VnfcInfo> vnfcs, List<LifecycleEvent> events)
    {
        DateTimeOffset t0 = _clock.GetUtcNow();
        TimeSpan longest = TimeSpan.Zero;
        foreach (VnfcInfo v in vnfcs)
        {
            _placement.Release(v.Id);
            s.Vnfcs.Remove(v);
            TimeSpan cost = OperationCosts.Stop(v.Placement);
            events.Add(new LifecycleEvent(t0 + cost, "vnfc-stopped", v.Id, $"released on {v.Placement.NodeId} after {Seconds(cost)}"));
            longest = Max(longest, cost);
        }

        _clock.Advance(longest);
        return longest;
    }

    private TimeSpan Grow(VnfState s, DeploymentUnit unit, int count, List<LifecycleEvent> events, List<ValidationError> problems)
    {
        PlacementResult placed = _placement.Place(Request(s, s.Descriptor, unit, count));
        if (!placed.Succeeded)
        {
            problems.AddRange(placed.Problems);
            return TimeSpan.Zero;
        }

        return Start(s, s.Descriptor, placed.Instances, events);
    }

    private TimeSpan Shrink(VnfState s, DeploymentUnit unit, int count, List<LifecycleEvent> events) =>
        Stop(s, [.. s.Vnfcs.Where(v => v.DeploymentUnit == unit.Name).Reverse().Take(count)], events);

    private DeploymentUnit? EventDrivenUnit(string vnfInstanceId, string deploymentUnit, List<ValidationError> problems, out VnfState? s)
    {
        s = Running(vnfInstanceId, problems);
        return LifecycleChecks.EventDrivenUnit(s?.Descriptor, vnfInstanceId, deploymentUnit, problems);
    }

    private VnfState? Running(string vnfInstanceId, List<ValidationError> problems) =>
        LifecycleChecks.Running(_instances, v => v.Terminated, vnfInstanceId, problems);

    private LifecycleEvent Event(string kind, string subject, string detail) => new(_clock.GetUtcNow(), kind, subject, detail);

    private static LifecycleResult Fail(string operation, string? id, IReadOnlyList<ValidationError> problems) => LifecycleChecks.Fail(operation, id, problems);

    private static string Interfaces(PlacedInstance p) =>
        p.Interfaces.Count == 0 ? "no interfaces" : string.Join(", ", p.Interfaces.Select(i => $"{i.Name}={i.Rung} {i.Mac} {i.Ip}{(i.VfIndex is null ? string.Empty : $" vf{i.VfIndex}")}"));

    private static string Seconds(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.###} s");

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
