// Licensed under the Apache License, Version 2.0.
using System.Net;
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.Inventory;

namespace NfvConformance.Emulator.ContainerPlatform.Cluster;

/// <summary>One Kubernetes node built from a node of the hardware inventory.</summary>
internal sealed class ClusterNode
{
    /// <summary>Gets or sets the node's name (the inventory id).</summary>
    public required string Name { get; init; }

    /// <summary>Gets or sets the node's index in the cluster (0-based), which numbers its addresses.</summary>
    public required int Index { get; init; }

    /// <summary>Gets or sets the hardware the node was built from.</summary>
    public required NodeHardware Hardware { get; init; }

    /// <summary>Gets the node's InternalIP addresses, primary family first.</summary>
    public List<IPAddress> Addresses { get; } = [];

    /// <summary>Gets the node's pod ranges in the default pool (spec.podCIDRs).</summary>
    public List<IPNetwork> PodCidrs { get; } = [];

    /// <summary>Gets the interfaces of the host network namespace, by name.</summary>
    public SortedDictionary<string, HostLink> Links { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the SR-IOV virtual functions of the node's NICs.</summary>
    public List<VirtualFunction> VirtualFunctions { get; } = [];

    /// <summary>Gets the uplink (first NIC), which carries the node addresses and the default route.</summary>
    public required string Uplink { get; init; }

    /// <summary>Gets the node's labels.</summary>
    public Dictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the extended and huge-page resources the node offers, by resource name, in units (pages count in bytes).</summary>
    public Dictionary<string, long> Allocatable { get; } = new(StringComparer.Ordinal);
}

/// <summary>An interface in a node's host network namespace.</summary>
internal sealed class HostLink
{
    /// <summary>Gets or sets the name.</summary>
    public required string Name { get; set; }

    /// <summary>Gets or sets the kind (<c>physical</c>, <c>veth</c>, <c>vxlan</c>, <c>vf</c>).</summary>
    public required string Kind { get; init; }

    /// <summary>Gets or sets the MAC address.</summary>
    public required byte[] Mac { get; init; }

    /// <summary>Gets or sets the MTU.</summary>
    public int Mtu { get; set; } = 1500;

    /// <summary>Gets or sets a value indicating whether it is up.</summary>
    public bool Up { get; set; } = true;

    /// <summary>Gets the addresses with prefix length.</summary>
    public List<string> Addresses { get; } = [];

    /// <summary>Gets or sets the network namespace of a veth's peer.</summary>
    public string? PeerNetworkNamespace { get; set; }

    /// <summary>Gets or sets the PCI address of a PF or VF.</summary>
    public string? PciAddress { get; set; }
}

/// <summary>An SR-IOV virtual function a device plugin can hand to a pod.</summary>
/// <param name="Resource">The extended resource it is advertised under.</param>
/// <param name="PciAddress">The VF's PCI address.</param>
/// <param name="PhysicalFunction">The PF's interface name.</param>
/// <param name="NetdevName">The VF's netdev name while it is in the host namespace.</param>
/// <param name="Mac">The VF's MAC address.</param>
internal sealed record VirtualFunction(string Resource, string PciAddress, string PhysicalFunction, string NetdevName, byte[] Mac)
{
    /// <summary>Gets or sets the pod (namespace/name) holding it, or null when free.</summary>
    public string? AllocatedTo { get; set; }
}

/// <summary>A namespace.</summary>
internal sealed class NamespaceRecord
{
    /// <summary>Gets the name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets or sets the labels.</summary>
    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the annotations.</summary>
    public Dictionary<string, string> Annotations { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the manifest as applied.</summary>
    public string Applied { get; set; } = string.Empty;
}

/// <summary>A container of a pod spec.</summary>
/// <param name="Name">The name.</param>
/// <param name="Sidecar">True for an init container with <c>restartPolicy: Always</c> (and sidecars supported).</param>
/// <param name="Init">True for an init container.</param>
/// <param name="Limits">Resource limits (extended resources in units, hugepages in bytes).</param>
/// <param name="Ports">Declared ports: name, number, protocol.</param>
internal sealed record ContainerSpec(string Name, bool Sidecar, bool Init, IReadOnlyDictionary<string, long> Limits, IReadOnlyList<(string? Name, int Port, string Protocol)> Ports);

/// <summary>The state of one container at run time.</summary>
internal sealed class ContainerState
{
    /// <summary>Gets or sets <c>running</c>, <c>waiting</c> or <c>terminated</c>.</summary>
    public string State { get; set; } = "waiting";

    /// <summary>Gets or sets the reason.</summary>
    public string? Reason { get; set; } = "ContainerCreating";

    /// <summary>Gets or sets when it started.</summary>
    public DateTimeOffset? StartedAt { get; set; }
}

/// <summary>
/// A pod: its spec as applied and its state (node, interfaces, devices, containers). The service-exposure code in
/// this assembly reads <see cref="Namespace"/>, <see cref="Name"/>, <see cref="Labels"/>, <see cref="NodeName"/>,
/// <see cref="PodIps"/> and <see cref="IsRunning"/>.
/// </summary>
internal sealed class PodRecord
{
    /// <summary>Gets the namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>Gets the name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the key <c>namespace/name</c>.</summary>
    public string Key => $"{Namespace}/{Name}";

    /// <summary>Gets or sets the labels.</summary>
    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the annotations (including those the meta-plugin writes).</summary>
    public Dictionary<string, string> Annotations { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Gets the spec as applied (for immutability checks).</summary>
    public required string SpecJson { get; init; }

    /// <summary>Gets the spec.</summary>
    public required JsonObject Spec { get; init; }

    /// <summary>Gets a value indicating whether the pod uses the node's network namespace.</summary>
    public required bool HostNetwork { get; init; }

    /// <summary>Gets the init containers (sidecars included), in order.</summary>
    public required IReadOnlyList<ContainerSpec> InitContainers { get; init; }

    /// <summary>Gets the main containers.</summary>
    public required IReadOnlyList<ContainerSpec> Containers { get; init; }

    /// <summary>Gets the state of each container, by name.</summary>
    public Dictionary<string, ContainerState> ContainerStates { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the node the pod is bound to.</summary>
    public string? NodeName { get; set; }

    /// <summary>Gets or sets the phase.</summary>
    public string Phase { get; set; } = "Pending";

    /// <summary>Gets or sets the scheduling failure message, or null once scheduled.</summary>
    public string? Unschedulable { get; set; }

    /// <summary>Gets or sets the sandbox failure message, or null.</summary>
    public string? SandboxError { get; set; }

    /// <summary>Gets the events, oldest first.</summary>
    public List<string> Events { get; } = [];

    /// <summary>Gets the network attachments, the default network first.</summary>
    public List<Attachment> Attachments { get; } = [];

    /// <summary>Gets or sets the network namespace identity.</summary>
    public string NetworkNamespace { get; set; } = string.Empty;

    /// <summary>Gets or sets the sandbox's container id.</summary>
    public string SandboxId { get; set; } = string.Empty;

    /// <summary>Gets the devices allocated by device plugins, by resource.</summary>
    public Dictionary<string, List<string>> Devices { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the pod's IPs on the default network (status.podIPs), primary family first.</summary>
    public IReadOnlyList<IPAddress> PodIps { get; set; } = [];

    /// <summary>Gets a value indicating whether the pod's sandbox is up (it has its network).</summary>
    public bool SandboxReady => NodeName is not null && SandboxError is null;

    /// <summary>Gets a value indicating whether every main container runs.</summary>
    public bool IsRunning => Phase == "Running";

    /// <summary>Gets the resources the pod requests (the sum over main containers, or the largest init container, as the scheduler computes it).</summary>
    public Dictionary<string, long> Requests
    {
        get
        {
            Dictionary<string, long> sum = new(StringComparer.Ordinal);
            foreach (ContainerSpec c in Containers.Concat(InitContainers.Where(i => i.Sidecar)))
            {
                foreach ((string r, long v) in c.Limits)
                {
                    sum[r] = sum.GetValueOrDefault(r) + v;
                }
            }

            foreach (ContainerSpec c in InitContainers.Where(i => !i.Sidecar))
            {
                foreach ((string r, long v) in c.Limits)
                {
                    sum[r] = Math.Max(sum.GetValueOrDefault(r), v);
                }
            }

            return sum;
        }
    }
}

/// <summary>One network attachment of a pod: an interface inside the pod and what the plugin did on the host.</summary>
internal sealed class Attachment
{
    /// <summary>Gets the network's name as network-status reports it (<c>namespace/name</c>, or the default network's name).</summary>
    public required string NetworkName { get; init; }

    /// <summary>Gets the interface name inside the pod.</summary>
    public required string Interface { get; init; }

    /// <summary>Gets the plugin type that made it (<c>emu-ptp</c>, <c>macvlan</c>, <c>ipvlan</c>, <c>sriov</c>).</summary>
    public required string Plugin { get; init; }

    /// <summary>Gets the MAC address.</summary>
    public required byte[] Mac { get; init; }

    /// <summary>Gets or sets the MTU.</summary>
    public int Mtu { get; init; } = 1500;

    /// <summary>Gets the addresses with their prefix lengths.</summary>
    public List<(IPAddress Address, int Prefix, IPAddress? Gateway)> Ips { get; } = [];

    /// <summary>Gets extra routes (destination, gateway).</summary>
    public List<(string Destination, IPAddress? Gateway)> Routes { get; } = [];

    /// <summary>Gets or sets a value indicating whether it holds the default route.</summary>
    public bool DefaultRoute { get; set; }

    /// <summary>Gets or sets a value indicating whether it is the cluster default network.</summary>
    public bool ClusterDefault { get; init; }

    /// <summary>Gets or sets the L2 segment the interface is on, for secondary networks (the physical network of its master or PF).</summary>
    public string? Segment { get; init; }

    /// <summary>Gets or sets the host-side veth's name, for the default network.</summary>
    public string? HostVeth { get; init; }

    /// <summary>Gets or sets the VF's PCI address, for SR-IOV.</summary>
    public string? PciAddress { get; init; }

    /// <summary>Gets or sets the IPAM store keys to release on DEL.</summary>
    public List<(string Store, IPAddress Address)> Leases { get; } = [];
}

/// <summary>A NetworkAttachmentDefinition.</summary>
/// <param name="Namespace">Its namespace.</param>
/// <param name="Name">Its name.</param>
/// <param name="Config">spec.config, the CNI configuration JSON text.</param>
/// <param name="ResourceName">The <c>k8s.v1.cni.cncf.io/resourceName</c> annotation, or null.</param>
/// <param name="Applied">The manifest as applied.</param>
internal sealed record NetworkAttachmentDefinition(string Namespace, string Name, string Config, string? ResourceName, string Applied);

/// <summary>An IP pool (Calico-style <c>projectcalico.org/v3 IPPool</c>).</summary>
/// <param name="Name">Its name.</param>
/// <param name="Cidr">spec.cidr.</param>
/// <param name="BlockSize">spec.blockSize: the prefix length of the blocks given to nodes.</param>
/// <param name="Applied">The manifest as applied.</param>
internal sealed record IpPool(string Name, IPNetwork Cidr, int BlockSize, string Applied);
