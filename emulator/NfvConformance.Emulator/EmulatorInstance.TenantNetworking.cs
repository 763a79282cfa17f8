// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.TenantNetworking;
using NfvConformance.Emulator.TenantNetworking;

namespace NfvConformance.Emulator;

/// <summary>Registers the tenant networking facet: a Neutron-like service over every node of the hardware inventory.</summary>
internal sealed partial class EmulatorInstance
{
    partial void AddTenantNetworkingFacets(Dictionary<Type, object> facets, int seed)
    {
        List<string> nodes = ControlPlane.Hardware.Current.Nodes.Select(n => n.Id).ToList();
        facets[typeof(ITenantNetworking)] = new TenantNetworkService(nodes, Areas.TenantNetworking, seed);
    }
}
