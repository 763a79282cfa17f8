// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Lifecycle;
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Workloads.Docker;
using NfvConformance.Lab.Workloads.Host;
using NfvConformance.Lab.Workloads.Images;
using NfvConformance.Lab.Workloads.Vm;

namespace NfvConformance.Lab.Workloads.Lifecycle;

/// <summary>
/// The linux target's VNF lifecycle: every component (VNFC) is a real container or a real QEMU VM, timed on the wall
/// clock. Each connection point is a veth whose far end sits on a bridge per connection point in the run's fabric
/// namespace (<c>nfvc&lt;id&gt;-lcm</c>, which has <c>10.91.&lt;cp&gt;.254</c>); the component's MAC and address are set in
/// its namespace (a container) or by its guest at boot (a VM), and read back from the kernel, Docker's API or the
/// guest's console, never from the request. Heal kills the component (SIGKILL, as a crash), detects the death from
/// the runtime and replaces it; scale, upgrade (rolling, make-before-break) and terminate start and stop real
/// workloads; a configuration change is written into every running container and read back; an event is a ping from
/// the fabric that the component must answer, and a unit at zero starts cold for it.
/// </summary>
/// <remarks>
/// What cannot be real here is refused as a value (<see cref="LifecycleResult.Refusal"/>, the scenario is not
/// applicable): anti-affinity over more than one instance (the target is one host), a VM image other than the
/// project's guest (<see cref="GuestImageName"/>: no image store is reachable), a container image that is neither one
/// of the project's (<see cref="CnfImages"/>) nor already in the daemon, and a host without Docker or QEMU.
/// </remarks>
public sealed class LinuxVnfLifecycle : IVnfLifecycle, IAsyncDisposable
{
    /// <summary>The one VM image the linux target has: the project's guest (a kernel and a busybox initramfs built at set-up).</summary>
    public const string GuestImageName = "nfvc/guest";

    /// <summary>The file a container component's configuration is written to (on its <c>/tmp</c>, writable with a read-only root).</summary>
    public const string ConfigFile = "/tmp/nfvc-config";

    private const int MaxComponents = 250;

    private readonly WorkloadLab _lab;
    private readonly SemaphoreSlim _operations = new(1, 1);
    private readonly VnfdCatalogue _descriptors = new();
    private readonly Dictionary<string, VnfInstanceRecord<Vnfc>> _instances = new(StringComparer.Ordinal);
    private readonly string _node = Environment.MachineName;
    private string? _fabric;
    private int _bridges;
    private int _vnfSequence;
    private int _vnfcSequence;

    /// <summary>Initializes a new instance of the <see cref="LinuxVnfLifecycle"/> class.</summary>
    /// <param name="lab">The run's workloads (engine, runtimes).</param>
    public LinuxVnfLifecycle(WorkloadLab lab)
    {
        _lab = lab;
    }

    /// <inheritdoc />
    public TimeProvider Clock => TimeProvider.System;

    /// <inheritdoc />
    public IReadOnlyList<VnfDescriptor> Descriptors => _descriptors.All;

    /// <inheritdoc />
    public LifecycleResult Onboard(string yaml, string file) => LifecycleChecks.Onboard(_descriptors, yaml, file, Clock);

    /// <inheritdoc />
    public ValueTask<LifecycleResult> InstantiateAsync(string vnfdId, string? version = null, CancellationToken cancellationToken = default) => SerializedAsync("instantiate", null, () => DoInstantiateAsync(vnfdId, version), cancellationToken);

    /// <inheritdoc />
    public VnfInstanceInfo? Get(string vnfInstanceId)
    {
        lock (_instances)
        {
            return _instances.TryGetValue(vnfInstanceId, out VnfInstanceRecord<Vnfc>? s)
                ? new VnfInstanceInfo(s.Id, s.Descriptor.Id, s.Descriptor.Version, s.Terminated, [.. s.Vnfcs.Select(v => v.Info)], new Dictionary<string, string>(s.Configuration, StringComparer.Ordinal))
                : null;
        }
    }

    /// <inheritdoc />
    public ValueTask<LifecycleResult> ScaleAsync(string vnfInstanceId, string aspect, int steps, CancellationToken cancellationToken = default) => SerializedAsync("scale", vnfInstanceId, () => DoScaleAsync(vnfInstanceId, aspect, steps), cancellationToken);

    /// <inheritdoc />
    public ValueTask<LifecycleResult> HealAsync(string vnfInstanceId, string vnfcId, CancellationToken cancellationToken = default) => SerializedAsync("heal", vnfInstanceId, () => DoHealAsync(vnfInstanceId, vnfcId), cancellationToken);

    /// <inheritdoc />
    public ValueTask<LifecycleResult> ChangeConfigurationAsync(string vnfInstanceId, IReadOnlyDictionary<string, string> changes, CancellationToken cancellationToken = default) => SerializedAsync("change-configuration", vnfInstanceId, () => ConfigureAsync(vnfInstanceId, changes), cancellationToken);

    /// <inheritdoc />
    public ValueTask<LifecycleResult> UpgradeAsync(string vnfInstanceId, string version, CancellationToken cancellationToken = default) => SerializedAsync("upgrade", vnfInstanceId, () => DoUpgradeAsync(vnfInstanceId, version), cancellationToken);

    /// <inheritdoc />
    public ValueTask<LifecycleResult> TerminateAsync(string vnfInstanceId, CancellationToken cancellationToken = default) => SerializedAsync("terminate", vnfInstanceId, () => DoTerminateAsync(vnfInstanceId), cancellationToken);

    /// <inheritdoc />
    public ValueTask<LifecycleResult> DeliverEventAsync(string vnfInstanceId, string deploymentUnit, CancellationToken cancellationToken = default) => SerializedAsync("deliver-event", vnfInstanceId, () => DoDeliverEventAsync(vnfInstanceId, deploymentUnit), cancellationToken);

    /// <inheritdoc />
    public ValueTask<LifecycleResult> ScaleToZeroAsync(string vnfInstanceId, string deploymentUnit, CancellationToken cancellationToken = default) => SerializedAsync("scale-to-zero", vnfInstanceId, () => DoScaleToZeroAsync(vnfInstanceId, deploymentUnit), cancellationToken);

    /// <summary>Stops every component still running and removes the fabric namespace.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        List<Vnfc> all;
        lock (_instances)
        {
            all = [.. _instances.Values.SelectMany(v => v.Vnfcs)];
            _instances.Clear();
        }

        foreach (Vnfc v in all)
        {
            try
            {
                await v.Runtime.StopAsync(v.Instance, TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            }
            catch (NfvConformanceException)
            {
                // The engine's and the run's teardown remove what is left (everything carries the run id).
            }
        }

        if (_fabric is not null)
        {
            await Netns.DeleteAsync(_fabric).ConfigureAwait(false);
        }

        _operations.Dispose();
    }

    private async Task<LifecycleResult> DoInstantiateAsync(string vnfdId, string? version)
    {
        (VnfDescriptor? d, ValidationError? unknown) = _descriptors.Resolve(vnfdId, version);
        if (d is null)
        {
            return Fail("instantiate", null, [unknown!]);
        }

        if (await RefusalAsync(d, d.DeploymentUnits.Select(u => (u, u.Instances))).ConfigureAwait(false) is { } refusal)
        {
            return LifecycleResult.Refused("instantiate", null, refusal);
        }

        VnfInstanceRecord<Vnfc> vnf = new(string.Create(CultureInfo.InvariantCulture, $"{d.Id}-{Interlocked.Increment(ref _vnfSequence)}"), d, new Dictionary<string, string>(d.Configuration, StringComparer.Ordinal), v => v.Unit.Name);
        Stopwatch sw = Stopwatch.StartNew();
        List<LifecycleEvent> events = [Event("instantiate-started", vnf.Id, $"{d.Id}@{d.Version}")];
        lock (_instances)
        {
            _instances[vnf.Id] = vnf;
        }

        await StartAllAsync(vnf, [.. d.DeploymentUnits.SelectMany(u => Enumerable.Repeat(u, u.Instances))], events).ConfigureAwait(false);
        foreach (DeploymentUnit u in d.DeploymentUnits.Where(u => u.EventDriven))
        {
            events.Add(Event("scaled-to-zero", $"{vnf.Id}.{u.Name}", "event-driven: starts on the first event"));
        }

        events.Add(Event("instantiated", vnf.Id, $"{vnf.Vnfcs.Count} VNFC(s) in {Seconds(sw.Elapsed)}"));
        return new LifecycleResult(true, "instantiate", vnf.Id, sw.Elapsed, events, []);
    }

    private async Task<LifecycleResult> DoScaleAsync(string vnfInstanceId, string aspect, int steps)
    {
        List<ValidationError> problems = [];
        VnfInstanceRecord<Vnfc>? s = Running(vnfInstanceId, problems);
        (ScalingAspect? a, DeploymentUnit? unit, int current, int target) = LifecycleChecks.Scale(s?.Descriptor, name => s!.Count(name), vnfInstanceId, aspect, steps, problems);
        if (problems.Count > 0)
        {
            return Fail("scale", vnfInstanceId, problems);
        }

        if (target > current && await RefusalAsync(s!.Descriptor, [(unit!, target)]).ConfigureAwait(false) is { } refusal)
        {
            return LifecycleResult.Refused("scale", vnfInstanceId, refusal);
        }

        Stopwatch sw = Stopwatch.StartNew();
        List<LifecycleEvent> events = [];
        if (target > current)
        {
            await StartAllAsync(s!, [.. Enumerable.Repeat(unit!, target - current)], events).ConfigureAwait(false);
        }
        else
        {
            await StopAllAsync(s!, [.. s!.Vnfcs.Where(v => v.Unit.Name == unit!.Name).Reverse().Take(current - target)], events).ConfigureAwait(false);
        }

        events.Add(Event("scaled", $"{s!.Id}.{unit!.Name}", $"{current} -> {target} instance(s) in {Seconds(sw.Elapsed)}"));
        return new LifecycleResult(true, "scale", vnfInstanceId, sw.Elapsed, events, []);
    }

    private async Task<LifecycleResult> DoHealAsync(string vnfInstanceId, string vnfcId)
    {
        List<ValidationError> problems = [];
        VnfInstanceRecord<Vnfc>? s = Running(vnfInstanceId, problems);
        Vnfc? failed = LifecycleChecks.Component(s?.Vnfcs, v => v.Id, vnfInstanceId, vnfcId, problems);

        if (problems.Count > 0)
        {
            return Fail("heal", vnfInstanceId, problems);
        }

        // The failure is real: a component still running is killed (SIGKILL, as a crash), and the death is detected
        // from the runtime (Docker's state, the QEMU process), not assumed.
        Stopwatch sw = Stopwatch.StartNew();
        List<LifecycleEvent> events = [];
        if (await failed!.Runtime.IsRunningAsync(failed.Instance).ConfigureAwait(false))
        {
            await failed.Runtime.KillAsync(failed.Instance).ConfigureAwait(false);
            events.Add(Event("vnfc-crashed", vnfcId, $"SIGKILL to {failed.Instance}"));
        }

        while (await failed.Runtime.IsRunningAsync(failed.Instance).ConfigureAwait(false))
        {
            if (sw.Elapsed > TimeSpan.FromSeconds(30))
            {
                return Fail("heal", vnfInstanceId, [new ValidationError(true, $"{vnfcId} still runs 30 s after SIGKILL; the runtime does not report its death.", vnfcId)]);
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        TimeSpan detection = sw.Elapsed;
        events.Add(Event("failure-detected", vnfcId, $"the runtime reports it gone {Ms(detection)} after the kill"));
        events.Add(Event("heal-started", vnfcId, $"failed on {_node}"));
        Vnfc replacement = await StartAsync(s!, failed.Unit, failed.Image, events).ConfigureAwait(false);
        await StopAllAsync(s!, [failed], events).ConfigureAwait(false);
        events.Add(Event("healed", vnfcId, $"replaced by {replacement.Id} in {Seconds(sw.Elapsed)} (detection {Ms(detection)})"));
        return new LifecycleResult(true, "heal", vnfInstanceId, sw.Elapsed, events, []);
    }

    private async Task<LifecycleResult> ConfigureAsync(string vnfInstanceId, IReadOnlyDictionary<string, string> changes)
    {
        List<ValidationError> problems = [];
        VnfInstanceRecord<Vnfc>? s = Running(vnfInstanceId, problems);
        LifecycleChecks.Configuration(s?.Descriptor, changes, vnfInstanceId, problems);

        if (problems.Count > 0)
        {
            return Fail("change-configuration", vnfInstanceId, problems);
        }

        Stopwatch sw = Stopwatch.StartNew();
        Dictionary<string, string> next = new(s!.Configuration, StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> kv in changes)
        {
            next[kv.Key] = kv.Value;
        }

        List<LifecycleEvent> events = [];
        foreach (Vnfc v in s.Vnfcs)
        {
            if (await WriteConfigurationAsync(v, next).ConfigureAwait(false) is { } problem)
            {
                return Fail("change-configuration", vnfInstanceId, [new ValidationError(true, problem, v.Id)]);
            }
        }

        foreach (KeyValuePair<string, string> kv in changes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            events.Add(Event("config-applied", kv.Key, $"'{s.Configuration[kv.Key]}' -> '{kv.Value}' on {s.Vnfcs.Count} VNFC(s), read back from {ConfigFile} in each container; a VM gets it at its next boot"));
        }

        lock (_instances)
        {
            s.Configuration.Clear();
            foreach (KeyValuePair<string, string> kv in next)
            {
                s.Configuration[kv.Key] = kv.Value;
            }
        }

        return new LifecycleResult(true, "change-configuration", vnfInstanceId, sw.Elapsed, events, []);
    }

    private async Task<LifecycleResult> DoUpgradeAsync(string vnfInstanceId, string version)
    {
        List<ValidationError> problems = [];
        VnfInstanceRecord<Vnfc>? s = Running(vnfInstanceId, problems);
        VnfDescriptor? target = LifecycleChecks.Upgrade(_descriptors, s?.Descriptor, vnfInstanceId, version, problems);

        if (problems.Count > 0)
        {
            return Fail("upgrade", vnfInstanceId, problems);
        }

        List<(DeploymentUnit Unit, int Count)> counts = [.. target!.DeploymentUnits.Select(u => (u, LifecycleChecks.UpgradeCount(s!.Descriptor, s.Count, u)))];
        if (await RefusalAsync(target, counts).ConfigureAwait(false) is { } refusal)
        {
            return LifecycleResult.Refused("upgrade", vnfInstanceId, refusal);
        }

        // Rolling, make-before-break: each old component stops only once its new-version replacement runs.
        Stopwatch sw = Stopwatch.StartNew();
        List<LifecycleEvent> events = [Event("upgrade-started", vnfInstanceId, $"{s!.Descriptor.Version} -> {version}")];
        List<Vnfc> old = [.. s.Vnfcs];
        foreach ((DeploymentUnit unit, int count) in counts)
        {
            List<Vnfc> olds = [.. old.Where(v => v.Unit.Name == unit.Name)];
            for (int i = 0; i < count; i++)
            {
                await StartAsync(s, unit, ImageOf(unit), events).ConfigureAwait(false);
                if (i < olds.Count)
                {
                    await StopAllAsync(s, [olds[i]], events).ConfigureAwait(false);
                }
            }

            await StopAllAsync(s, [.. olds.Skip(count)], events).ConfigureAwait(false);
        }

        await StopAllAsync(s, [.. old.Where(v => target.DeploymentUnits.All(u => u.Name != v.Unit.Name))], events).ConfigureAwait(false);
        lock (_instances)
        {
            s.Descriptor = target;
            foreach (KeyValuePair<string, string> kv in target.Configuration)
            {
                s.Configuration.TryAdd(kv.Key, kv.Value);
            }
        }

        events.Add(Event("upgraded", vnfInstanceId, $"now {target.Id}@{target.Version} in {Seconds(sw.Elapsed)}"));
        return new LifecycleResult(true, "upgrade", vnfInstanceId, sw.Elapsed, events, []);
    }

    private async Task<LifecycleResult> DoTerminateAsync(string vnfInstanceId)
    {
        List<ValidationError> problems = [];
        VnfInstanceRecord<Vnfc>? s = Running(vnfInstanceId, problems);
        if (problems.Count > 0)
        {
            return Fail("terminate", vnfInstanceId, problems);
        }

        Stopwatch sw = Stopwatch.StartNew();
        List<LifecycleEvent> events = [];
        await StopAllAsync(s!, [.. s!.Vnfcs], events).ConfigureAwait(false);
        s.Terminated = true;
        events.Add(Event("terminated", vnfInstanceId, $"every container and VM stopped and removed in {Seconds(sw.Elapsed)}"));
        return new LifecycleResult(true, "terminate", vnfInstanceId, sw.Elapsed, events, []);
    }

    private async Task<LifecycleResult> DoDeliverEventAsync(string vnfInstanceId, string deploymentUnit)
    {
        List<ValidationError> problems = [];
        DeploymentUnit? unit = EventDrivenUnit(vnfInstanceId, deploymentUnit, problems, out VnfInstanceRecord<Vnfc>? s);
        if (problems.Count > 0)
        {
            return Fail("deliver-event", vnfInstanceId, problems);
        }

        Stopwatch sw = Stopwatch.StartNew();
        List<LifecycleEvent> events = [];
        Vnfc? target = s!.Vnfcs.FirstOrDefault(v => v.Unit.Name == unit!.Name);
        bool cold = target is null;
        target ??= await StartAsync(s, unit!, ImageOf(unit!), events).ConfigureAwait(false);
        if (await PingAsync(target, TimeSpan.FromSeconds(10)).ConfigureAwait(false) is { } unanswered)
        {
            return Fail("deliver-event", vnfInstanceId, [new ValidationError(true, unanswered, target.Id)]);
        }

        if (cold)
        {
            events.Add(Event("cold-start", $"{s.Id}.{unit!.Name}", $"first event waited {Seconds(sw.Elapsed)} for {target.Id} to start and answer"));
        }

        events.Add(Event("event-served", $"{s.Id}.{unit!.Name}", $"{target.Id} answered a ping from the fabric ({(cold ? "after a cold start" : "warm: an instance is running")})"));
        return new LifecycleResult(true, "deliver-event", vnfInstanceId, sw.Elapsed, events, []);
    }

    private async Task<LifecycleResult> DoScaleToZeroAsync(string vnfInstanceId, string deploymentUnit)
    {
        List<ValidationError> problems = [];
        DeploymentUnit? unit = EventDrivenUnit(vnfInstanceId, deploymentUnit, problems, out VnfInstanceRecord<Vnfc>? s);
        if (problems.Count > 0)
        {
            return Fail("scale-to-zero", vnfInstanceId, problems);
        }

        Stopwatch sw = Stopwatch.StartNew();
        List<LifecycleEvent> events = [];
        await StopAllAsync(s!, [.. s!.Vnfcs.Where(v => v.Unit.Name == unit!.Name)], events).ConfigureAwait(false);
        events.Add(Event("scaled-to-zero", $"{s.Id}.{unit!.Name}", "idle: every instance stopped and removed"));
        return new LifecycleResult(true, "scale-to-zero", vnfInstanceId, sw.Elapsed, events, []);
    }

    /// <summary>Tells why the units cannot run here for real at the given counts (each image resolved now), or null.</summary>
    private async Task<string?> RefusalAsync(VnfDescriptor d, IEnumerable<(DeploymentUnit Unit, int Count)> units)
    {
        foreach ((DeploymentUnit u, int count) in units)
        {
            if (u.AntiAffinity && count > 1)
            {
                return $"anti-affinity: '{u.Name}' asks for {count} instances on different nodes, and this target is one host ({_node}).";
            }

            if (u.ConnectionPoints.FirstOrDefault(cp => !cp.Attachment.Contains(Rungs.KernelVirtio)) is { } cp)
            {
                return $"connection point '{u.Name}.{cp.Name}' accepts only {string.Join(", ", cp.Attachment)}; the linux target's workloads attach by {Rungs.KernelVirtio} (a veth, or virtio-net on a tap for a VM).";
            }

            if (u.Kind == WorkloadKind.VirtualMachine)
            {
                if (_lab.Unavailable(RealisationKind.VirtualMachine) is { } why)
                {
                    return $"'{u.Name}' is a VM: {why}";
                }

                if (u.Image != GuestImageName)
                {
                    return $"VM image '{u.Image}' of '{u.Name}' ({d.Source}) is not on this host and no image store is reachable; the linux target boots only the project's guest, image '{GuestImageName}'.";
                }
            }
            else
            {
                if (_lab.Unavailable(RealisationKind.Container) is { } why)
                {
                    return $"'{u.Name}' is a container: {why}";
                }

                if (await _lab.ResolveImageAsync(u.Image).ConfigureAwait(false) is { } missing)
                {
                    return $"'{u.Name}' ({d.Source}): {missing}";
                }
            }
        }

        return null;
    }

    private static string ImageOf(DeploymentUnit unit) =>
        unit.Kind == WorkloadKind.VirtualMachine ? GuestImageName : unit.Image.Contains(':', StringComparison.Ordinal) ? unit.Image : unit.Image + ":latest";

    private async Task StartAllAsync(VnfInstanceRecord<Vnfc> vnf, IReadOnlyList<DeploymentUnit> units, List<LifecycleEvent> events)
    {
        if (units.Count == 0)
        {
            return;
        }

        _ = await FabricAsync(units.Max(u => u.ConnectionPoints.Count)).ConfigureAwait(false);
        List<LifecycleEvent>[] each = [.. units.Select(_ => new List<LifecycleEvent>())];
        await Task.WhenAll(units.Select((u, i) => StartAsync(vnf, u, ImageOf(u), each[i]))).ConfigureAwait(false);
        events.AddRange(each.SelectMany(e => e).OrderBy(e => e.At));
    }

    private async Task<Vnfc> StartAsync(VnfInstanceRecord<Vnfc> vnf, DeploymentUnit unit, string image, List<LifecycleEvent> events)
    {
        int n = Interlocked.Increment(ref _vnfcSequence);
        if (n > MaxComponents)
        {
            throw new WorkloadException($"the linux lifecycle gives each component an address 10.91.<cp>.<n> with n up to {MaxComponents}; this run has started {n - 1}. Run fewer scenarios per run.");
        }

        string id = string.Create(CultureInfo.InvariantCulture, $"{vnf.Id}.{unit.Name}-{n}");
        string[] cps = [.. unit.ConnectionPoints.Select(c => c.Name)];
        string[] ips = [.. cps.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"10.91.{i}.{n}"))];
        string[] macs = [.. cps.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"02:6e:66:{i:x2}:{n >> 8:x2}:{n & 0xff:x2}"))];
        bool vm = unit.Kind == WorkloadKind.VirtualMachine;
        List<string> commands = [];
        for (int i = 0; i < cps.Length; i++)
        {
            if (!vm)
            {
                commands.Add($"ip link set {cps[i]} address {macs[i]}");
            }

            commands.Add($"ip addr add {ips[i]}/24 dev {cps[i]}");
            commands.Add($"ip link set {cps[i]} up");
        }

        if (vm)
        {
            commands.Add($"mkdir -p /tmp && printf '%s\\n' {string.Join(' ', vnf.Configuration.Select(kv => HostShell.Quote($"{kv.Key}={kv.Value}")))} > {ConfigFile}");
        }

        VnfRealisation r = new(vm ? RealisationKind.VirtualMachine : RealisationKind.Container, commands, null, [], [], null, !vm, 5, null, null, []);
        WorkloadSpec spec = new(string.Create(CultureInfo.InvariantCulture, $"lc{n}"), cps, r, vm ? null : image) { Macs = vm ? macs : null };
        IWorkloadRuntime runtime = await _lab.Onboarding.RuntimeAsync(r.Kind).ConfigureAwait(false);
        string fabric = await FabricAsync(cps.Length).ConfigureAwait(false);
        events.Add(Event("vnfc-starting", id, $"{(vm ? "VM" : "container")} {image} on {_node}, {string.Join(", ", cps.Select((c, i) => $"{c}={Rungs.KernelVirtio} {macs[i]} {ips[i]}"))}"));
        WorkloadInstance instance = await runtime.StartAsync(spec).ConfigureAwait(false);
        for (int i = 0; i < cps.Length; i++)
        {
            string end = string.Create(CultureInfo.InvariantCulture, $"f{n}c{i}");
            (await Shell.RunAsync("ip", ["-n", fabric, "link", "add", end, "type", "veth", "peer", "name", cps[i], "netns", instance.NetnsPath]).ConfigureAwait(false)).OrThrow();
            (await Shell.RunAsync("ip", ["-n", fabric, "link", "set", end, "master", Bridge(i), "up"]).ConfigureAwait(false)).OrThrow();
        }

        await runtime.ActivateAsync(instance).ConfigureAwait(false);
        Vnfc v = new(id, unit, image, runtime, instance);
        if (!vm)
        {
            _ = await WriteConfigurationAsync(v, vnf.Configuration).ConfigureAwait(false);
        }

        v.Info = await ReadBackAsync(v, cps).ConfigureAwait(false);
        events.Add(Event("vnfc-started", id, $"{instance} after {Seconds(DateTimeOffset.UtcNow - instance.Started)}"));
        lock (_instances)
        {
            vnf.Vnfcs.Add(v);
        }

        return v;
    }

    private async Task StopAllAsync(VnfInstanceRecord<Vnfc> vnf, IReadOnlyList<Vnfc> vnfcs, List<LifecycleEvent> events)
    {
        TimeSpan[] took = await Task.WhenAll(vnfcs.Select(v => v.Runtime.StopAsync(v.Instance, TimeSpan.FromSeconds(5)))).ConfigureAwait(false);
        for (int i = 0; i < vnfcs.Count; i++)
        {
            lock (_instances)
            {
                vnf.Vnfcs.Remove(vnfcs[i]);
            }

            events.Add(Event("vnfc-stopped", vnfcs[i].Id, $"stopped and removed in {Seconds(took[i])}"));
        }
    }

    /// <summary>Reads a component back: MAC and address of each connection point from the kernel (a container) or the guest's console (a VM), the image from Docker's API.</summary>
    private async Task<VnfcInfo> ReadBackAsync(Vnfc v, IReadOnlyList<string> cps)
    {
        WorkloadFacts facts = await v.Runtime.InspectAsync(v.Instance).ConfigureAwait(false);
        string prefix = v.Unit.Kind == WorkloadKind.VirtualMachine ? "guest" : "interface";
        List<AttachedInterface> interfaces = [];
        for (int i = 0; i < cps.Count; i++)
        {
            string ip = (facts[$"{prefix}.{cps[i]}.ipv4"] ?? string.Empty).Split('/')[0];
            interfaces.Add(new AttachedInterface(cps[i], Rungs.KernelVirtio, null, null, facts[$"{prefix}.{cps[i]}.mac"] ?? string.Empty, ip, string.Create(CultureInfo.InvariantCulture, $"{_fabric}/f{v.Instance.Name[2..]}c{i}")));
        }

        string image = v.Unit.Kind == WorkloadKind.VirtualMachine ? GuestImageName : facts["image.reference"] ?? string.Empty;
        PlacedInstance placed = new(v.Id, v.Unit.Name, v.Unit.Kind, _node, "local", null, [], v.Unit.Resources.Cores, v.Unit.Resources.MemoryMb, 0, interfaces, new Dictionary<string, string>());
        return new VnfcInfo(v.Id, v.Unit.Name, image, placed);
    }

    /// <summary>Writes the configuration into a running container and reads it back; null when it reads back as written.</summary>
    private static async Task<string?> WriteConfigurationAsync(Vnfc v, IReadOnlyDictionary<string, string> configuration)
    {
        if (v.Runtime is not ContainerRuntime containers)
        {
            return null;
        }

        string text = string.Concat(configuration.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}\n"));
        (long code, string output) = await containers.ExecAsync(v.Instance, ["sh", "-c", $"printf '%s' {HostShell.Quote(text)} > {ConfigFile} && cat {ConfigFile}"]).ConfigureAwait(false);
        return code == 0 && output == text ? null : $"{v.Id}: writing {ConfigFile} in the container exited {code} and it reads back '{output.Trim()}', not the configuration written.";
    }

    /// <summary>Pings a component's first connection point from the fabric until it answers; null when it did.</summary>
    private async Task<string?> PingAsync(Vnfc v, TimeSpan limit)
    {
        string ip = v.Info.Placement.Interfaces.FirstOrDefault()?.Ip ?? string.Empty;
        if (ip.Length == 0)
        {
            return $"{v.Id} reads back no address to deliver the event to.";
        }

        Stopwatch sw = Stopwatch.StartNew();
        ShellResult last;
        do
        {
            last = await HostShell.InNetnsAsync(_fabric!, $"busybox ping -c 1 -W 1 {ip}").ConfigureAwait(false);
        }
        while (!last.Succeeded && sw.Elapsed < limit);
        return last.Succeeded ? null : $"{v.Id} did not answer a ping to {ip} from the fabric within {Seconds(limit)}: {last.Stdout.Trim()} {last.Stderr.Trim()}";
    }

    private async Task<string> FabricAsync(int connectionPoints)
    {
        lock (_instances)
        {
            if (_fabric is not null && _bridges >= connectionPoints)
            {
                return _fabric;
            }
        }

        string fabric = _lab.Lab.Name("lcm");
        if (_fabric is null)
        {
            await Netns.CreateAsync(fabric).ConfigureAwait(false);
            _fabric = fabric;
        }

        for (; _bridges < connectionPoints; _bridges++)
        {
            string br = Bridge(_bridges);
            (await Shell.RunAsync("ip", ["-n", fabric, "link", "add", br, "type", "bridge"]).ConfigureAwait(false)).OrThrow();
            (await Shell.RunAsync("ip", ["-n", fabric, "addr", "add", string.Create(CultureInfo.InvariantCulture, $"10.91.{_bridges}.254/24"), "dev", br]).ConfigureAwait(false)).OrThrow();
            (await Shell.RunAsync("ip", ["-n", fabric, "link", "set", br, "up"]).ConfigureAwait(false)).OrThrow();
        }

        return fabric;
    }

    private static string Bridge(int connectionPoint) => string.Create(CultureInfo.InvariantCulture, $"cp{connectionPoint}");

    // One operation at a time: each reads and changes the instances and the fabric.
    private async ValueTask<LifecycleResult> SerializedAsync(string operation, string? vnfInstanceId, Func<Task<LifecycleResult>> run, CancellationToken cancellationToken)
    {
        await _operations.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            return await run().ConfigureAwait(false);
        }
        catch (NfvConformanceException e)
        {
            // A real failure (a container that did not start, a command that failed) fails the operation, never passes it.
            return Fail(operation, vnfInstanceId, [new ValidationError(true, e.Message, _node)]);
        }
        finally
        {
            _operations.Release();
        }
    }

    private DeploymentUnit? EventDrivenUnit(string vnfInstanceId, string deploymentUnit, List<ValidationError> problems, out VnfInstanceRecord<Vnfc>? s)
    {
        s = Running(vnfInstanceId, problems);
        return LifecycleChecks.EventDrivenUnit(s?.Descriptor, vnfInstanceId, deploymentUnit, problems);
    }

    private VnfInstanceRecord<Vnfc>? Running(string vnfInstanceId, List<ValidationError> problems)
    {
        lock (_instances)
        {
            return LifecycleChecks.Running(_instances, v => v.Terminated, vnfInstanceId, problems);
        }
    }

    private LifecycleEvent Event(string kind, string subject, string detail) => new(Clock.GetUtcNow(), kind, subject, detail);

    private static LifecycleResult Fail(string operation, string? id, IReadOnlyList<ValidationError> problems) => LifecycleChecks.Fail(operation, id, problems);

    private static string Seconds(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.###} s");

    private static string Ms(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:0} ms");

    private sealed class Vnfc(string id, DeploymentUnit unit, string image, IWorkloadRuntime runtime, WorkloadInstance instance)
    {
        public string Id { get; } = id;

        public DeploymentUnit Unit { get; } = unit;

        public string Image { get; } = image;

        public IWorkloadRuntime Runtime { get; } = runtime;

        public WorkloadInstance Instance { get; } = instance;

        public VnfcInfo Info { get; set; } = null!;
    }
}
