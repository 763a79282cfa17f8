// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Lifecycle;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Running;

namespace NfvConformance.Suites.Drivers;

/// <summary>Drives a VNF through its lifecycle on the target (onboard, instantiate, scale, heal, configure, upgrade, terminate); terminates what it started when the scenario ends.</summary>
public sealed class LifecycleDriver
{
    /// <summary>The token replaced in descriptors by a text unique in the run, so scenarios can onboard the same descriptor.</summary>
    public const string UniqueToken = "${unique}";

    private static int s_unique;
    private readonly RunContext _run;
    private readonly ScenarioEvidence _evidence;
    private readonly string _unique = "s" + Interlocked.Increment(ref s_unique).ToString(System.Globalization.CultureInfo.InvariantCulture);
    private LifecycleResult? _last;
    private VnfInstanceInfo? _before;

    /// <summary>Creates the driver for one scenario.</summary>
    /// <param name="run">The run.</param>
    /// <param name="evidence">The scenario's evidence.</param>
    public LifecycleDriver(RunContext run, ScenarioEvidence evidence)
    {
        _run = run;
        _evidence = evidence;
    }

    /// <summary>Gets the id of the descriptor onboarded last.</summary>
    public string? VnfdId { get; private set; }

    /// <summary>Gets the id of the VNF instance of the scenario.</summary>
    public string InstanceId { get; private set; } = string.Empty;

    /// <summary>Gets the descriptor onboarded last in this scenario.</summary>
    public VnfDescriptor Descriptor =>
        Lifecycle.Descriptors.LastOrDefault(d => d.Id == VnfdId) ?? throw new ConformanceCheckException("No descriptor was onboarded in this scenario.");

    /// <summary>Gets the last operation's result.</summary>
    public LifecycleResult Last => _last ?? throw new ConformanceCheckException("No lifecycle operation ran in this scenario.");

    private IVnfLifecycle Lifecycle => TargetFacets.Require<IVnfLifecycle>(_run);

    /// <summary>Onboards a descriptor (YAML), with <see cref="UniqueToken"/> replaced.</summary>
    /// <param name="yaml">The descriptor.</param>
    public void Onboard(string yaml)
    {
        Run(Lifecycle.Onboard(yaml.Replace(UniqueToken, _unique, StringComparison.Ordinal), $"scenario descriptor ({_unique})"));
        if (Last.Succeeded)
        {
            VnfdId = Lifecycle.Descriptors[^1].Id;
        }
    }

    /// <summary>Instantiates the onboarded descriptor.</summary>
    /// <param name="version">A version, or null for the latest.</param>
    /// <returns>A task that completes when the target answered.</returns>
    public async Task InstantiateAsync(string? version = null)
    {
        Check.That(VnfdId is not null, "No descriptor was onboarded in this scenario.");
        Run(await Lifecycle.InstantiateAsync(VnfdId, version).ConfigureAwait(false));
        if (Last.Succeeded)
        {
            InstanceId = Last.VnfInstanceId!;
        }
    }

    /// <summary>Scales a scaling aspect by a number of steps (negative scales in).</summary>
    /// <param name="aspect">The aspect.</param>
    /// <param name="steps">The steps.</param>
    /// <returns>A task that completes when the target answered.</returns>
    public Task ScaleAsync(string aspect, int steps) => RememberAsync(() => Lifecycle.ScaleAsync(InstanceId, aspect, steps));

    /// <summary>Heals the first VNFC of a deployment unit.</summary>
    /// <param name="unit">The deployment unit.</param>
    /// <returns>A task that completes when the target answered.</returns>
    public Task HealFirstAsync(string unit) => RememberAsync(() => Lifecycle.HealAsync(InstanceId, Component(unit).Id));

    /// <summary>Changes configuration keys.</summary>
    /// <param name="changes">Keys and values.</param>
    /// <returns>A task that completes when the target answered.</returns>
    public Task ConfigureAsync(IReadOnlyDictionary<string, string> changes) => RememberAsync(() => Lifecycle.ChangeConfigurationAsync(InstanceId, changes));

    /// <summary>Upgrades to a version.</summary>
    /// <param name="version">The target version.</param>
    /// <returns>A task that completes when the target answered.</returns>
    public Task UpgradeAsync(string version) => RememberAsync(() => Lifecycle.UpgradeAsync(InstanceId, version));

    /// <summary>Terminates the instance.</summary>
    /// <returns>A task that completes when the target answered.</returns>
    public Task TerminateAsync() => RememberAsync(() => Lifecycle.TerminateAsync(InstanceId));

    /// <summary>Delivers an event to an event-driven deployment unit.</summary>
    /// <param name="unit">The unit.</param>
    /// <returns>A task that completes when the target answered.</returns>
    public Task DeliverEventAsync(string unit) => RememberAsync(() => Lifecycle.DeliverEventAsync(InstanceId, unit));

    /// <summary>Scales an event-driven unit to zero.</summary>
    /// <param name="unit">The unit.</param>
    /// <returns>A task that completes when the target answered.</returns>
    public Task ScaleToZeroAsync(string unit) => RememberAsync(() => Lifecycle.ScaleToZeroAsync(InstanceId, unit));

    /// <summary>Reads the instance back from the target.</summary>
    /// <returns>The instance.</returns>
    public VnfInstanceInfo ReadBack() => Lifecycle.Get(InstanceId) ?? throw new ConformanceCheckException($"The target does not know instance '{InstanceId}'.");

    /// <summary>Checks that the last operation succeeded.</summary>
    public void CheckSucceeded() =>
        Check.That(Last.Succeeded, $"{Last.Operation} failed: {string.Join("; ", Last.Problems)}");

    /// <summary>Checks that the last operation was refused with a problem mentioning a text, and changed nothing.</summary>
    /// <param name="text">A word the problem must contain.</param>
    public void CheckRefused(string text)
    {
        Check.That(!Last.Succeeded, $"{Last.Operation} succeeded, expected a refusal mentioning '{text}'.");
        Check.That(Last.Problems.Any(p => p.ToString().Contains(text, StringComparison.OrdinalIgnoreCase)), $"{Last.Operation} was refused, but no problem mentions '{text}': {string.Join("; ", Last.Problems)}");
        if (_before is not null)
        {
            VnfInstanceInfo now = ReadBack();
            Check.That(now.Vnfcs.Count == _before.Vnfcs.Count && now.Version == _before.Version, $"A refused {Last.Operation} changed the instance: {_before.Vnfcs.Count} -> {now.Vnfcs.Count} VNFCs, {_before.Version} -> {now.Version}.");
        }
    }

    /// <summary>Checks that the last operation was refused with a problem located at a line of the descriptor (<c>file:line</c>).</summary>
    /// <param name="line">The line, counted from the descriptor's first line.</param>
    public void CheckRefusedAtLine(int line)
    {
        Check.That(!Last.Succeeded, $"{Last.Operation} succeeded, expected a refusal at line {line}.");
        string suffix = ":" + line.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Check.That(Last.Problems.Any(p => p.Subject.EndsWith(suffix, StringComparison.Ordinal)), $"{Last.Operation} was refused, but no problem is located at line {line} (file:line): {string.Join("; ", Last.Problems)}");
    }

    /// <summary>Checks the number of running components of a deployment unit.</summary>
    /// <param name="unit">The unit.</param>
    /// <param name="count">The expected number.</param>
    public void CheckComponents(string unit, int count)
    {
        int n = ReadBack().Vnfcs.Count(v => v.DeploymentUnit == unit);
        _evidence.Record(new($"vnfcs:{unit}", n, "VNFCs"));
        Check.That(n == count, $"Deployment unit '{unit}' runs {n} component(s), expected {count}.");
    }

    /// <summary>Checks that every component of the instance reads back with an address on each connection point.</summary>
    public void CheckAddressesReadBack()
    {
        VnfInstanceInfo info = ReadBack();
        Check.That(info.Vnfcs.Count > 0, $"Instance {InstanceId} reads back with no component.");
        foreach (VnfcInfo c in info.Vnfcs)
        {
            Check.That(c.Placement.Interfaces.Count > 0, $"{c.Id} reads back with no interface.");
            foreach (AttachedInterface a in c.Placement.Interfaces)
            {
                Check.That(System.Net.IPAddress.TryParse(a.Ip, out _), $"{c.Id}/{a.Name} reads back IP '{a.Ip}', not an IP address.");
                Check.That(a.Mac.Split(':').Length == 6, $"{c.Id}/{a.Name} reads back MAC '{a.Mac}', not a MAC address.");
            }
        }
    }

    /// <summary>Checks that the instance's components stand on pairwise different nodes.</summary>
    /// <param name="unit">The unit.</param>
    public void CheckComponentsOnDistinctNodes(string unit)
    {
        List<string> nodes = [.. ReadBack().Vnfcs.Where(v => v.DeploymentUnit == unit).Select(v => v.Placement.NodeId)];
        Check.That(nodes.Count > 1, $"Unit '{unit}' has {nodes.Count} component(s); anti-affinity needs at least two to check.");
        Check.That(nodes.Distinct(StringComparer.Ordinal).Count() == nodes.Count, $"Anti-affine components of '{unit}' share nodes: {string.Join(", ", nodes)}.");
    }

    /// <summary>Checks that the healed component was replaced and the replacement started before the failed one stopped.</summary>
    /// <param name="unit">The unit.</param>
    public void CheckReplacedMakeBeforeBreak(string unit)
    {
        CheckSucceeded();
        List<string> beforeIds = [.. _before!.Vnfcs.Where(v => v.DeploymentUnit == unit).Select(v => v.Id)];
        List<string> nowIds = [.. ReadBack().Vnfcs.Where(v => v.DeploymentUnit == unit).Select(v => v.Id)];
        Check.That(nowIds.Count == beforeIds.Count, $"Unit '{unit}' had {beforeIds.Count} component(s), now {nowIds.Count}.");
        Check.That(!nowIds.SequenceEqual(beforeIds), $"No component of '{unit}' was replaced: still {string.Join(", ", nowIds)}.");
        CheckStartedBeforeStopped();
    }

    /// <summary>Checks from the operation's events that a new component started before an old one stopped.</summary>
    public void CheckStartedBeforeStopped()
    {
        LifecycleEvent? started = Last.Events.FirstOrDefault(e => e.Kind == "vnfc-started");
        LifecycleEvent? stopped = Last.Events.FirstOrDefault(e => e.Kind == "vnfc-stopped");
        Check.That(started is not null && stopped is not null, $"{Last.Operation} shows no start and stop of components: {string.Join(", ", Last.Events.Select(e => e.Kind))}.");
        Check.That(started.At <= stopped.At, $"{Last.Operation} stopped {stopped.Subject} at {stopped.At:O} before starting {started.Subject} at {started.At:O}: not make-before-break.");
    }

    /// <summary>Checks that the operation reported an event of a kind.</summary>
    /// <param name="kind">The event kind, for example <c>cold-start</c>.</param>
    public void CheckEvent(string kind) =>
        Check.That(Last.Events.Any(e => e.Kind == kind), $"{Last.Operation} reported no '{kind}' event; it reported: {string.Join(", ", Last.Events.Select(e => e.Kind))}.");

    /// <summary>Checks that the operation did not report an event of a kind.</summary>
    /// <param name="kind">The event kind.</param>
    public void CheckNoEvent(string kind) =>
        Check.That(Last.Events.All(e => e.Kind != kind), $"{Last.Operation} reported a '{kind}' event it should not have.");

    /// <summary>Checks the instance's configuration.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The expected value.</param>
    public void CheckConfiguration(string key, string value)
    {
        VnfInstanceInfo info = ReadBack();
        Check.That(info.Configuration.TryGetValue(key, out string? v) && v == value, $"Configuration '{key}' reads back '{(info.Configuration.TryGetValue(key, out string? x) ? x : "(absent)")}', expected '{value}'.");
    }

    /// <summary>Checks the image every component of a unit runs.</summary>
    /// <param name="unit">The unit.</param>
    /// <param name="image">The expected image.</param>
    public void CheckImage(string unit, string image)
    {
        List<string> other = [.. ReadBack().Vnfcs.Where(v => v.DeploymentUnit == unit && v.Image != image).Select(v => $"{v.Id} runs {v.Image}")];
        Check.That(other.Count == 0, $"Components of '{unit}' not on image {image}: {string.Join(", ", other)}.");
    }

    /// <summary>Checks the instance's version.</summary>
    /// <param name="version">The expected version.</param>
    public void CheckVersion(string version) =>
        Check.That(ReadBack().Version == version, $"Instance {InstanceId} runs version {ReadBack().Version}, expected {version}.");

    /// <summary>Checks that the instance is terminated and the target holds none of its components.</summary>
    public void CheckTerminatedAndReleased()
    {
        VnfInstanceInfo? info = Lifecycle.Get(InstanceId);
        Check.That(info is null || info.Terminated, $"Instance {InstanceId} is not terminated.");
        IPlacement? placement = _run.Target.GetFeature<IPlacement>();
        if (placement is not null && _before is not null)
        {
            HashSet<string> ids = [.. _before.Vnfcs.Select(v => v.Placement.InstanceId)];
            List<string> held = [.. placement.Instances.Where(i => ids.Contains(i.InstanceId)).Select(i => i.InstanceId)];
            Check.That(held.Count == 0, $"Terminated instance {InstanceId} still holds {string.Join(", ", held)}.");
        }
    }

    /// <summary>Returns the last operation's duration on the target's clock.</summary>
    /// <returns>Seconds.</returns>
    public double LastDurationSeconds()
    {
        CheckSucceeded();
        return Last.Duration.TotalSeconds;
    }

    /// <summary>Terminates the instance this scenario started when it still runs (called when the scenario ends, see <see cref="StepDefinitions.CleanupHooks"/>).</summary>
    /// <returns>A task that completes when the target answered.</returns>
    public async Task TerminateLeftoverAsync()
    {
        if (InstanceId.Length > 0 && _run.Target.GetFeature<IVnfLifecycle>() is { } lifecycle && lifecycle.Get(InstanceId) is { Terminated: false })
        {
            _ = await lifecycle.TerminateAsync(InstanceId).ConfigureAwait(false);
        }
    }

    private VnfcInfo Component(string unit) =>
        ReadBack().Vnfcs.FirstOrDefault(v => v.DeploymentUnit == unit) ?? throw new ConformanceCheckException($"Instance {InstanceId} has no component of unit '{unit}'.");

    private async Task RememberAsync(Func<ValueTask<LifecycleResult>> operation)
    {
        Check.That(InstanceId.Length > 0, "No VNF instance in this scenario: instantiate one first.");
        _before = ReadBack();
        Run(await operation().ConfigureAwait(false));
    }

    private void Run(LifecycleResult result)
    {
        if (result.Refusal is not null)
        {
            throw new ScenarioNotApplicableException($"target '{_run.Target.Name}' cannot {result.Operation} this VNF for real: {result.Refusal}");
        }

        _last = result;
        _evidence.Record(new($"{result.Operation}_duration", result.Duration.TotalSeconds, "s"));
    }
}
