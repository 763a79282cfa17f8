// Licensed under the Apache License, Version 2.0.
using NfvConformance.Core.Targets;
using NfvConformance.Emulator;
using NfvConformance.Lab.Linux.Target;

namespace NfvConformance.Cli.Composition;

/// <summary>
/// The composition root's list of targets: the one place that knows every implementation of <c>ILabTarget</c>, so that
/// the framework, the step bindings and the reports reach targets only through the contract.
/// </summary>
public static class KnownTargets
{
    /// <summary>Gets the registry of every target this build knows.</summary>
    public static TargetRegistry Default { get; } = new([new EmulatorTargetFactory(), new LinuxTargetFactory()]);
}
