// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Containers;
using NfvConformance.Emulator.Platform;

namespace NfvConformance.Emulator;

/// <summary>Registers the container platform: a Kubernetes-shaped cluster over the control plane's hardware inventory.</summary>
internal sealed partial class EmulatorInstance
{
    partial void AddContainerPlatformFacets(Dictionary<Type, object> facets, int seed) =>
        facets[typeof(IContainerPlatform)] = new ContainerPlatformEmulator(ControlPlane.Hardware.Current, Areas.Containers, ControlPlane.Clock, seed);
}
