// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Lifecycle;

namespace NfvConformance.Descriptors.Vnfd;

/// <summary>
/// The checks of a lifecycle request against the instance's descriptor that every lifecycle manager makes before it
/// does anything (the emulator's model and the linux target's containers and VMs alike), with the same words.
/// </summary>
public static class LifecycleChecks
{
    /// <summary>Onboards a descriptor into a catalogue and makes the operation's result (a <c>vnfd-onboarded</c> event, or every problem).</summary>
    /// <param name="catalogue">The onboarded descriptors.</param>
    /// <param name="yaml">The descriptor text.</param>
    /// <param name="file">The name used in problems.</param>
    /// <param name="clock">The clock the event is stamped on.</param>
    /// <returns>The result.</returns>
    public static LifecycleResult Onboard(VnfdCatalogue catalogue, string yaml, string file, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(clock);
        (VnfDescriptor? d, IReadOnlyList<ValidationError> errors) = catalogue.Onboard(yaml, file);
        return d is null
            ? Fail("onboard", null, errors)
            : new LifecycleResult(true, "onboard", null, TimeSpan.Zero, [new(clock.GetUtcNow(), "vnfd-onboarded", $"{d.Id}@{d.Version}", $"{d.DeploymentUnits.Count} deployment unit(s) from {d.Source}")], []);
    }

    /// <summary>Checks a scale request and works out what it does.</summary>
    /// <param name="descriptor">The running instance's descriptor, or null when the instance was not found (its problem is already listed).</param>
    /// <param name="count">How many instances of a deployment unit run now.</param>
    /// <param name="vnfInstanceId">The instance, for the problems' subjects.</param>
    /// <param name="aspect">The scaling aspect.</param>
    /// <param name="steps">Steps out (positive) or in (negative).</param>
    /// <param name="problems">Where problems are added.</param>
    /// <returns>The aspect, its unit, and the unit's instance counts now and after; nulls when the request cannot run.</returns>
    public static (ScalingAspect? Aspect, DeploymentUnit? Unit, int Current, int Target) Scale(VnfDescriptor? descriptor, Func<string, int> count, string vnfInstanceId, string aspect, int steps, List<ValidationError> problems)
    {
        ArgumentNullException.ThrowIfNull(count);
        ArgumentNullException.ThrowIfNull(problems);
        ScalingAspect? a = descriptor?.ScalingAspects.FirstOrDefault(x => x.Name == aspect);
        if (descriptor is not null && a is null)
        {
            problems.Add(new ValidationError(true, $"unknown scaling aspect '{aspect}'; the descriptor declares: {Names(descriptor.ScalingAspects.Select(x => x.Name))}.", $"{vnfInstanceId}.aspect"));
        }

        if (steps == 0)
        {
            problems.Add(new ValidationError(true, "steps = 0; scale out with a positive number of steps, in with a negative one.", $"{vnfInstanceId}.steps"));
        }

        DeploymentUnit? unit = a is null ? null : descriptor!.DeploymentUnits.First(u => u.Name == a.DeploymentUnit);
        int current = unit is null ? 0 : count(unit.Name);
        int target = a is null ? 0 : current + (steps * a.Step);
        if (unit is not null && steps != 0 && (target < unit.MinInstances || target > unit.MaxInstances))
        {
            string limit = target > unit.MaxInstances ? $"above max_instances {unit.MaxInstances}" : $"below min_instances {unit.MinInstances}";
            problems.Add(new ValidationError(true, $"scaling {steps:+#;-#} step(s) of {a!.Step} takes '{unit.Name}' from {current} to {target} instances, {limit} (allowed {unit.MinInstances}..{unit.MaxInstances}).", $"{vnfInstanceId}.{aspect}"));
        }

        return (a, unit, current, target);
    }

    /// <summary>Checks a configuration change: at least one parameter, each declared by the descriptor.</summary>
    /// <param name="descriptor">The running instance's descriptor, or null when the instance was not found.</param>
    /// <param name="changes">The parameters to change.</param>
    /// <param name="vnfInstanceId">The instance, for the problems' subjects.</param>
    /// <param name="problems">Where problems are added.</param>
    public static void Configuration(VnfDescriptor? descriptor, IReadOnlyDictionary<string, string> changes, string vnfInstanceId, List<ValidationError> problems)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(problems);
        if (changes.Count == 0)
        {
            problems.Add(new ValidationError(true, "no changes given; pass at least one parameter.", vnfInstanceId));
        }

        foreach (string key in descriptor is null ? Enumerable.Empty<string>() : changes.Keys.Where(k => !descriptor.Configuration.ContainsKey(k)).Order(StringComparer.Ordinal))
        {
            problems.Add(new ValidationError(true, $"'{key}' is not a configuration parameter of {descriptor!.Id}@{descriptor.Version}; declared: {Names(descriptor.Configuration.Keys)}.", $"{vnfInstanceId}.configuration.{key}"));
        }
    }

    /// <summary>Checks an upgrade request: the version is onboarded and is not the one the instance runs.</summary>
    /// <param name="catalogue">The onboarded descriptors.</param>
    /// <param name="current">The running instance's descriptor, or null when the instance was not found.</param>
    /// <param name="vnfInstanceId">The instance, for the problems' subjects.</param>
    /// <param name="version">The version asked for.</param>
    /// <param name="problems">Where problems are added.</param>
    /// <returns>The descriptor to upgrade to, or null.</returns>
    public static VnfDescriptor? Upgrade(VnfdCatalogue catalogue, VnfDescriptor? current, string vnfInstanceId, string version, List<ValidationError> problems)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(problems);
        if (current is null)
        {
            return null;
        }

        (VnfDescriptor? target, ValidationError? missing) = catalogue.UpgradeTarget(current, version, $"{vnfInstanceId}.version");
        if (target is null)
        {
            problems.Add(missing!);
        }
        else if (target.Version == current.Version)
        {
            problems.Add(new ValidationError(true, $"the instance already runs version {version}.", $"{vnfInstanceId}.version"));
        }

        return target;
    }

    /// <summary>How many instances of a unit of the new version an upgrade runs: as many as now run (a unit new in that version: its own count), within the unit's bounds.</summary>
    /// <param name="current">The running instance's descriptor.</param>
    /// <param name="count">How many instances of a deployment unit run now.</param>
    /// <param name="unit">The unit of the new version.</param>
    /// <returns>The count.</returns>
    public static int UpgradeCount(VnfDescriptor current, Func<string, int> count, DeploymentUnit unit)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(count);
        ArgumentNullException.ThrowIfNull(unit);
        return Math.Clamp(current.DeploymentUnits.Any(x => x.Name == unit.Name) ? count(unit.Name) : unit.Instances, unit.MinInstances, unit.MaxInstances);
    }

    /// <summary>Finds an instance an operation acts on: known and not terminated.</summary>
    /// <typeparam name="T">The lifecycle manager's record of an instance.</typeparam>
    /// <param name="instances">The instances by id (the caller holds whatever lock guards them).</param>
    /// <param name="terminated">Whether a record is of a terminated instance.</param>
    /// <param name="vnfInstanceId">The instance.</param>
    /// <param name="problems">Where problems are added.</param>
    /// <returns>The record, or null (with its problem listed).</returns>
    public static T? Running<T>(IReadOnlyDictionary<string, T> instances, Func<T, bool> terminated, string vnfInstanceId, List<ValidationError> problems)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(instances);
        ArgumentNullException.ThrowIfNull(terminated);
        ArgumentNullException.ThrowIfNull(problems);
        if (!instances.TryGetValue(vnfInstanceId, out T? s))
        {
            problems.Add(new ValidationError(true, $"unknown VNF instance '{vnfInstanceId}'; known: {Names(instances.Keys)}.", vnfInstanceId));
            return null;
        }

        if (terminated(s))
        {
            problems.Add(new ValidationError(true, "the instance is terminated; instantiate the descriptor again.", vnfInstanceId));
            return null;
        }

        return s;
    }

    /// <summary>Finds the component a heal names among the running instance's components.</summary>
    /// <typeparam name="T">The lifecycle manager's record of a component.</typeparam>
    /// <param name="components">The instance's components, or null when the instance was not found.</param>
    /// <param name="id">A component's id.</param>
    /// <param name="vnfInstanceId">The instance, for the problems' subjects.</param>
    /// <param name="vnfcId">The component asked for.</param>
    /// <param name="problems">Where problems are added.</param>
    /// <returns>The component, or null.</returns>
    public static T? Component<T>(IReadOnlyList<T>? components, Func<T, string> id, string vnfInstanceId, string vnfcId, List<ValidationError> problems)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(problems);
        T? found = components?.FirstOrDefault(v => id(v) == vnfcId);
        if (components is not null && found is null)
        {
            problems.Add(new ValidationError(true, $"unknown VNFC '{vnfcId}'; the instance has: {Names(components.Select(id))}.", vnfInstanceId));
        }

        return found;
    }

    /// <summary>Checks that a deployment unit named by an event-driven operation (deliver an event, scale to zero) exists and is event-driven.</summary>
    /// <param name="descriptor">The running instance's descriptor, or null when the instance was not found.</param>
    /// <param name="vnfInstanceId">The instance, for the problems' subjects.</param>
    /// <param name="deploymentUnit">The unit.</param>
    /// <param name="problems">Where problems are added.</param>
    /// <returns>The unit, or null when the descriptor has none of that name.</returns>
    public static DeploymentUnit? EventDrivenUnit(VnfDescriptor? descriptor, string vnfInstanceId, string deploymentUnit, List<ValidationError> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        DeploymentUnit? unit = descriptor?.DeploymentUnits.FirstOrDefault(u => u.Name == deploymentUnit);
        if (descriptor is not null && unit is null)
        {
            problems.Add(new ValidationError(true, $"unknown deployment unit '{deploymentUnit}'; the descriptor has: {Names(descriptor.DeploymentUnits.Select(u => u.Name))}.", vnfInstanceId));
        }
        else if (unit is { EventDriven: false })
        {
            problems.Add(new ValidationError(true, $"deployment unit '{deploymentUnit}' is not event-driven; set event_driven: true in the descriptor.", $"{vnfInstanceId}.{deploymentUnit}"));
        }

        return unit;
    }

    /// <summary>Makes the result of an operation that changed nothing because of problems.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="vnfInstanceId">The instance, if any.</param>
    /// <param name="problems">The problems.</param>
    /// <returns>The failed result.</returns>
    public static LifecycleResult Fail(string operation, string? vnfInstanceId, IReadOnlyList<ValidationError> problems) =>
        new(false, operation, vnfInstanceId, TimeSpan.Zero, [], problems);

    /// <summary>Lists names for a problem, sorted, or "none".</summary>
    /// <param name="names">The names.</param>
    /// <returns>The list.</returns>
    public static string Names(IEnumerable<string> names)
    {
        string joined = string.Join(", ", names.Order(StringComparer.Ordinal));
        return joined.Length == 0 ? "none" : joined;
    }
}
