// Licensed under the Apache License, Version 2.0.
using System.Reflection;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Core.Requirements;

namespace NfvConformance.Core.Running;

/// <summary>Everything one conformance run needs.</summary>
public sealed class ConformanceRunOptions
{
    /// <summary>Gets the factory of the target to run against.</summary>
    public required ILabTargetFactory TargetFactory { get; init; }

    /// <summary>Gets the target's options (profile, seed, catalogue values, settings).</summary>
    public required LabTargetOptions TargetOptions { get; init; }

    /// <summary>Gets the folder of feature files.</summary>
    public required string FeaturesDirectory { get; init; }

    /// <summary>Gets the tag expression selecting scenarios (Cucumber syntax), or null for all.</summary>
    public string? Tags { get; init; }

    /// <summary>Gets the run folder to write into; created when missing.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Gets the assemblies holding the step bindings.</summary>
    public required IReadOnlyList<Assembly> BindingAssemblies { get; init; }

    /// <summary>Gets the requirement catalogue the tags are checked against.</summary>
    public required RequirementCatalog Catalog { get; init; }

    /// <summary>Gets the run id.</summary>
    public required string RunId { get; init; }

    /// <summary>Gets the tool version written into the results.</summary>
    public string ToolVersion { get; init; } = "0.0.0";

    /// <summary>Gets how many features run in parallel.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Gets the report writers (history store, waivers, formats are theirs); null writes no report.</summary>
    public IRunReportWriter? Reports { get; init; }

    /// <summary>Gets the clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
