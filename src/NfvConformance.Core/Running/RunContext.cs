// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Core.Requirements;

namespace NfvConformance.Core.Running;

/// <summary>
/// What every scenario of a run shares: the started target, what it published at the start, the requirement
/// catalogue and the run's settings. Injected into drivers and step classes.
/// </summary>
public sealed class RunContext
{
    /// <summary>Creates the run context.</summary>
    /// <param name="target">The started target.</param>
    /// <param name="capabilities">What the target published when the run started.</param>
    /// <param name="catalog">The requirement catalogue.</param>
    /// <param name="options">The target options the run used.</param>
    public RunContext(ILabTarget target, CapabilitySnapshot capabilities, RequirementCatalog catalog, LabTargetOptions options)
    {
        Target = target;
        Capabilities = capabilities;
        Catalog = catalog;
        Options = options;
    }

    /// <summary>Gets the started target.</summary>
    public ILabTarget Target { get; }

    /// <summary>Gets what the target published when the run started.</summary>
    public CapabilitySnapshot Capabilities { get; }

    /// <summary>Gets the requirement catalogue.</summary>
    public RequirementCatalog Catalog { get; }

    /// <summary>Gets the options the target was created with (profile, seed, settings).</summary>
    public LabTargetOptions Options { get; }
}
