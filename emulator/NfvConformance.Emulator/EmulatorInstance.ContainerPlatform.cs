// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Emulator.ContainerPlatform;

namespace NfvConformance.Emulator;

/// <summary>Registers the container platform: a Kubernetes-shaped cluster over the control plane's hardware inventory.</summary>
internal sealed partial class EmulatorInstance
{
    partial void AddContainerPlatformFacets(Dictionary<Type, object> facets, int seed) =>
        facets[typeof(IContainerPlatform)] = new ContainerPlatformEmulator(ControlPlane.Hardware.Current, Areas.ContainerPlatform, ControlPlane.Clock, seed);
}
