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

    /// <summary>Lists names for a problem, sorted, or "none".</summary>
    /// <param name="names">The names.</param>
    /// <returns>The list.</returns>
    public static string Names(IEnumerable<string> names)
    {
        string joined = string.Join(", ", names.Order(StringComparer.Ordinal));
        return joined.Length == 0 ? "none" : joined;
    }
}
