// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Lifecycle;

namespace NfvConformance.Descriptors.Vnfd;

/// <summary>
/// The descriptors a lifecycle manager has onboarded, whatever realises them (the emulator's model, real containers and
/// VMs): one id and version once, the highest version when none is asked for, and problems that name what is onboarded.
/// Thread-safe.
/// </summary>
public sealed class VnfdCatalogue
{
    private readonly Lock _gate = new();
    private readonly List<VnfDescriptor> _descriptors = [];

    /// <summary>Gets the onboarded descriptors, in onboarding order.</summary>
    public IReadOnlyList<VnfDescriptor> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _descriptors];
            }
        }
    }

    /// <summary>Reads a descriptor and onboards it, unless it is malformed or that version is already onboarded.</summary>
    /// <param name="yaml">The descriptor's text.</param>
    /// <param name="file">The name used in problems (file, line, field).</param>
    /// <returns>The onboarded descriptor, or null and the problems.</returns>
    public (VnfDescriptor? Descriptor, IReadOnlyList<ValidationError> Problems) Onboard(string yaml, string file)
    {
        (VnfDescriptor? d, IReadOnlyList<ValidationError> errors) = VnfDescriptorReader.Parse(yaml, file);
        if (d is null)
        {
            return (null, errors);
        }

        lock (_gate)
        {
            if (_descriptors.Any(x => x.Id == d.Id && x.Version == d.Version))
            {
                return (null, [new ValidationError(true, $"descriptor '{d.Id}' version {d.Version} is already onboarded; raise the version.", d.Source)]);
            }

            _descriptors.Add(d);
            return (d, []);
        }
    }

    /// <summary>Finds the descriptor to instantiate: the version asked for, or the highest onboarded one.</summary>
    /// <param name="id">The descriptor id.</param>
    /// <param name="version">The version, or null for the highest.</param>
    /// <returns>The descriptor, or null and a problem naming what is onboarded.</returns>
    public (VnfDescriptor? Descriptor, ValidationError? Problem) Resolve(string id, string? version)
    {
        lock (_gate)
        {
            VnfDescriptor? d = _descriptors
                .Where(x => x.Id == id && (version is null || x.Version == version))
                .OrderByDescending(x => x.Version, StringComparer.Ordinal)
                .FirstOrDefault();
            if (d is not null)
            {
                return (d, null);
            }

            string known = _descriptors.Count == 0 ? "none onboarded" : string.Join(", ", _descriptors.Select(x => $"{x.Id}@{x.Version}"));
            return (null, new ValidationError(true, $"no onboarded descriptor '{id}'{(version is null ? string.Empty : $" version {version}")}; onboarded: {known}.", id));
        }
    }

    /// <summary>Finds the version an instance of <paramref name="current"/> is to be upgraded to.</summary>
    /// <param name="current">The instance's descriptor.</param>
    /// <param name="version">The version asked for.</param>
    /// <param name="field">Where the problem points (<c>INSTANCE.version</c>).</param>
    /// <returns>The descriptor, or null and a problem naming the onboarded versions.</returns>
    public (VnfDescriptor? Descriptor, ValidationError? Problem) UpgradeTarget(VnfDescriptor current, string version, string field)
    {
        ArgumentNullException.ThrowIfNull(current);
        lock (_gate)
        {
            VnfDescriptor? target = _descriptors.FirstOrDefault(d => d.Id == current.Id && d.Version == version);
            return target is not null
                ? (target, null)
                : (null, new ValidationError(true, $"version {version} of '{current.Id}' is not onboarded; onboarded: {LifecycleChecks.Names(_descriptors.Where(d => d.Id == current.Id).Select(d => d.Version))}.", field));
        }
    }
}
