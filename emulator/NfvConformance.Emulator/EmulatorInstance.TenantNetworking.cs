// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.TenantNetworking;
using NfvConformance.Emulator.TenantNetworking;

namespace NfvConformance.Emulator;

/// <summary>
/// Registers the tenant networking facet, a Neutron-like service over every node of the hardware inventory, and its
/// simulation-only facet (the same model: back-end tampering and uplink contention trials).
/// </summary>
internal sealed partial class EmulatorInstance
{
    partial void AddTenantNetworkingFacets(Dictionary<Type, object> facets, int seed)
    {
        List<string> nodes = ControlPlane.Hardware.Current.Nodes.Select(n => n.Id).ToList();
        TenantNetworkService service = new(nodes, Areas.TenantNetworking, seed);
        facets[typeof(ITenantNetworking)] = service;
        facets[typeof(ITenantNetworkingSimulation)] = service;
    }
}
