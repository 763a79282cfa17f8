// Licensed under the Apache License, Version 2.0.
using NfvConformance.Core.Targets;
using NfvConformance.Emulator;
using NfvConformance.Lab.Linux.Target;
using NfvConformance.Lab.Workloads;
using NfvConformance.Trex.Generator;

namespace NfvConformance.Cli.Composition;

/// <summary>
/// The composition root's list of targets: the one place that knows every implementation of <c>ILabTarget</c> and every linux lab extension (workloads), so that
/// the framework, the step bindings and the reports reach targets only through the contract.
/// </summary>
public static class KnownTargets
{
    /// <summary>Gets the registry of every target this build knows; each accepts <c>traffic=trex://HOST:PORT</c> (<see cref="TrexTraffic"/>).</summary>
    public static TargetRegistry Default { get; } = new([TrexTraffic.Wrap(new EmulatorTargetFactory()), TrexTraffic.Wrap(new LinuxTargetFactory(new WorkloadsExtension()))]);
}
