// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Emulator.ContainerPlatform;

/// <summary>
/// How the emulated cluster is built. The defaults give a conformant RA2 cluster; each switch turned the other way
/// reproduces a real-world misconfiguration or a weaker plugin, so that tests can show every check is able to fail.
/// </summary>
public sealed record ContainerPlatformOptions
{
    /// <summary>Gets a value indicating whether the cluster is dual-stack (IPv4 primary, IPv6 secondary); false gives IPv4 only.</summary>
    public bool DualStack { get; init; } = true;

    /// <summary>Gets a value indicating whether the default network is a CNI plugin; false gives a kubelet with the legacy kubenet plugin and no CNI configuration.</summary>
    public bool CniDefaultNetwork { get; init; } = true;

    /// <summary>Gets a value indicating whether the Multus-style meta-plugin (and the NetworkAttachmentDefinition CRD) is installed.</summary>
    public bool MetaPlugin { get; init; } = true;

    /// <summary>Gets a value indicating whether the meta-plugin refuses attachments to networks of another namespace (Multus <c>namespaceIsolation</c>).</summary>
    public bool NamespaceIsolation { get; init; } = true;

    /// <summary>Gets a value indicating whether the whereabouts-style IPAM keeps one allocation store for the cluster; false keeps one per node, as a node-local IPAM would.</summary>
    public bool ClusterWideIpam { get; init; } = true;

    /// <summary>Gets a value indicating whether the policy plugin enforces NetworkPolicy; false accepts the objects and ignores them, as flannel does.</summary>
    public bool EnforceNetworkPolicy { get; init; } = true;

    /// <summary>Gets a value indicating whether policy enforcement tracks connections so replies of allowed connections pass; false evaluates every packet alone.</summary>
    public bool StatefulPolicy { get; init; } = true;

    /// <summary>Gets a value indicating whether pod IPs are exposed without NAT (pod routes advertised to the fabric, no masquerade); false masquerades traffic leaving the cluster to the node address and leaves pod routes unadvertised.</summary>
    public bool NatLessExposure { get; init; } = true;

    /// <summary>Gets a value indicating whether pod-to-pod traffic between nodes is masqueraded to the node address, which breaks the Kubernetes network model.</summary>
    public bool MasqueradeBetweenNodes { get; init; }

    /// <summary>Gets a value indicating whether device plugins advertise SR-IOV VFs and accelerators as extended resources.</summary>
    public bool DevicePlugins { get; init; } = true;

    /// <summary>Gets a value indicating whether namespaces may select their own IP pools (<c>cni.projectcalico.org/ipv4pools</c>); false hands every pod addresses from the default pool.</summary>
    public bool NamespacePools { get; init; } = true;

    /// <summary>Gets a value indicating whether native sidecars (init containers with <c>restartPolicy: Always</c>) are supported; false drops the field, as a kubelet before 1.29 does.</summary>
    public bool SidecarContainers { get; init; } = true;

    /// <summary>Gets a value indicating whether plugins disturb host interfaces they do not own: macvlan raises its master's MTU and DEL leaves the pod's veth behind.</summary>
    public bool DisturbHostInterfaces { get; init; }
}
