// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.ContainerPlatform;

/// <summary>Cluster-wide facts, as <c>kubectl version</c>, <c>kubectl api-resources</c> and the control-plane static pods show them.</summary>
/// <param name="KubernetesVersion">The API server's version (for example <c>v1.33.1</c>).</param>
/// <param name="IpFamilies">The IP families the cluster is configured for (<c>IPv4</c>, <c>IPv6</c>), primary first.</param>
/// <param name="PodCidrs">The cluster's pod address ranges (controller-manager <c>--cluster-cidr</c>), one per family.</param>
/// <param name="ServiceCidrs">The service address ranges (API server <c>--service-cluster-ip-range</c>), one per family.</param>
/// <param name="ApiResources">The resources the API server serves, built-in and custom.</param>
/// <param name="ComponentArguments">
/// The command-line arguments of each control-plane and node component, keyed by component
/// (<c>kube-apiserver</c>, <c>kube-controller-manager</c>, <c>kube-scheduler</c>, <c>kubelet</c>, <c>kube-proxy</c>),
/// each argument as <c>--name=value</c>.
/// </param>
/// <param name="DefaultNetworkName">The name of the cluster default network as the meta-plugin reports it in <c>network-status</c>.</param>
/// <param name="ExternalHostAddresses">Addresses of a test host outside the cluster that probes may target, one per family it has.</param>
public sealed record ClusterInfo(
    string KubernetesVersion,
    IReadOnlyList<string> IpFamilies,
    IReadOnlyList<string> PodCidrs,
    IReadOnlyList<string> ServiceCidrs,
    IReadOnlyList<ApiResource> ApiResources,
    IReadOnlyDictionary<string, IReadOnlyList<string>> ComponentArguments,
    string DefaultNetworkName,
    IReadOnlyList<string> ExternalHostAddresses);

/// <summary>One resource the API server serves (a row of <c>kubectl api-resources</c>).</summary>
/// <param name="Group">The API group (empty for the core group).</param>
/// <param name="Version">The version (<c>v1</c>).</param>
/// <param name="Kind">The kind (<c>NetworkAttachmentDefinition</c>).</param>
/// <param name="Namespaced">True when objects live in a namespace.</param>
/// <param name="Custom">True when served from a CustomResourceDefinition rather than built in.</param>
public sealed record ApiResource(string Group, string Version, string Kind, bool Namespaced, bool Custom)
{
    /// <summary>Gets the apiVersion as manifests write it (<c>v1</c> or <c>group/version</c>).</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
}

/// <summary>What applying manifests did.</summary>
/// <param name="Objects">One entry per document, in order.</param>
public sealed record ApplyResult(IReadOnlyList<AppliedObject> Objects)
{
    /// <summary>Gets the documents the API server rejected.</summary>
    public IEnumerable<AppliedObject> Rejected => Objects.Where(o => o.Action == ApplyAction.Rejected);
}

/// <summary>What applying one document did (a line of <c>kubectl apply</c> output).</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Namespace">The namespace, or null for cluster-scoped objects.</param>
/// <param name="Name">The name.</param>
/// <param name="Action">Created, configured, unchanged or rejected.</param>
/// <param name="Error">Why it was rejected (field path and reason), or null.</param>
public sealed record AppliedObject(string Kind, string? Namespace, string Name, ApplyAction Action, string? Error = null);

/// <summary>The outcome of applying one document.</summary>
public enum ApplyAction
{
    /// <summary>The object did not exist and was created.</summary>
    Created,

    /// <summary>The object existed and was changed.</summary>
    Configured,

    /// <summary>The object existed with the same content.</summary>
    Unchanged,

    /// <summary>The API server refused the document.</summary>
    Rejected,
}

/// <summary>A node as <c>kubectl get node -o json</c> shows it.</summary>
/// <param name="Name">The node's name.</param>
/// <param name="Addresses">status.addresses (type <c>InternalIP</c>, <c>Hostname</c>, ...).</param>
/// <param name="PodCidrs">spec.podCIDRs: the pod ranges given to the node, one per family.</param>
/// <param name="Labels">metadata.labels.</param>
/// <param name="Capacity">status.capacity as quantities (<c>cpu</c>, <c>memory</c>, <c>hugepages-1Gi</c>, extended resources).</param>
/// <param name="Allocatable">status.allocatable as quantities.</param>
/// <param name="Ready">True when the Ready condition is True.</param>
public sealed record NodeView(
    string Name,
    IReadOnlyList<NodeAddress> Addresses,
    IReadOnlyList<string> PodCidrs,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Capacity,
    IReadOnlyDictionary<string, string> Allocatable,
    bool Ready);

/// <summary>One entry of a node's status.addresses.</summary>
/// <param name="Type">The type (<c>InternalIP</c>, <c>ExternalIP</c>, <c>Hostname</c>).</param>
/// <param name="Address">The address.</param>
public sealed record NodeAddress(string Type, string Address);

/// <summary>A namespace as the API server shows it.</summary>
/// <param name="Name">The name.</param>
/// <param name="Labels">metadata.labels (with <c>kubernetes.io/metadata.name</c>).</param>
/// <param name="Annotations">metadata.annotations.</param>
/// <param name="Phase">status.phase (<c>Active</c>).</param>
public sealed record NamespaceView(string Name, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations, string Phase);

/// <summary>A pod as <c>kubectl get pod -o json</c> shows it.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Name">The name.</param>
/// <param name="Node">spec.nodeName, or null while unscheduled.</param>
/// <param name="Phase">status.phase: <c>Pending</c>, <c>Running</c>, <c>Succeeded</c>, <c>Failed</c>.</param>
/// <param name="Status">The STATUS column of <c>kubectl get pods</c> (<c>Running</c>, <c>ContainerCreating</c>, <c>Init:0/1</c>, <c>Pending</c>).</param>
/// <param name="PodIps">status.podIPs, primary family first.</param>
/// <param name="HostNetwork">spec.hostNetwork.</param>
/// <param name="Labels">metadata.labels.</param>
/// <param name="Annotations">metadata.annotations, including <c>k8s.v1.cni.cncf.io/network-status</c> once networks are attached.</param>
/// <param name="Conditions">status.conditions.</param>
/// <param name="InitContainerStatuses">status.initContainerStatuses (sidecars included).</param>
/// <param name="ContainerStatuses">status.containerStatuses.</param>
/// <param name="Events">Events about the pod, oldest first, as <c>reason: message</c>.</param>
public sealed record PodView(
    string Namespace,
    string Name,
    string? Node,
    string Phase,
    string Status,
    IReadOnlyList<string> PodIps,
    bool HostNetwork,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    IReadOnlyList<PodCondition> Conditions,
    IReadOnlyList<ContainerStatusView> InitContainerStatuses,
    IReadOnlyList<ContainerStatusView> ContainerStatuses,
    IReadOnlyList<string> Events);

/// <summary>One pod condition.</summary>
/// <param name="Type">The type (<c>PodScheduled</c>, <c>Initialized</c>, <c>ContainersReady</c>, <c>Ready</c>).</param>
/// <param name="Status"><c>True</c>, <c>False</c> or <c>Unknown</c>.</param>
/// <param name="Reason">The reason (<c>Unschedulable</c>), or null.</param>
/// <param name="Message">The message (<c>0/3 nodes are available: 3 Insufficient intel.com/sriov_netdevice.</c>), or null.</param>
public sealed record PodCondition(string Type, string Status, string? Reason, string? Message);

/// <summary>One container's status.</summary>
/// <param name="Name">The container's name.</param>
/// <param name="State"><c>running</c>, <c>waiting</c> or <c>terminated</c>.</param>
/// <param name="Reason">The waiting or terminated reason (<c>PodInitializing</c>, <c>Completed</c>), or null.</param>
/// <param name="Started">status.started: true once the container has started.</param>
/// <param name="Ready">True when ready.</param>
/// <param name="StartedAt">When the current run started, or null.</param>
/// <param name="RestartCount">Restarts so far.</param>
public sealed record ContainerStatusView(string Name, string State, string? Reason, bool Started, bool Ready, DateTimeOffset? StartedAt, int RestartCount);

/// <summary>What a process inside a container sees.</summary>
/// <param name="Container">The container's name.</param>
/// <param name="NetworkNamespace">The network namespace's identity (<c>readlink /proc/self/ns/net</c>, e.g. <c>net:[4026532801]</c>).</param>
/// <param name="Interfaces">The interfaces in that namespace, loopback excluded.</param>
/// <param name="Environment">The environment (device plugins add variables such as <c>PCIDEVICE_INTEL_COM_SRIOV_NETDEVICE</c>).</param>
/// <param name="Routes">The routing table of the namespace (<c>ip -j route</c> and <c>ip -j -6 route</c>).</param>
public sealed record ContainerView(string Container, string NetworkNamespace, IReadOnlyList<PodInterface> Interfaces, IReadOnlyDictionary<string, string> Environment, IReadOnlyList<PodRoute> Routes);

/// <summary>One route inside a pod.</summary>
/// <param name="Destination">The destination prefix (<c>default</c> for the default route of a family, or <c>10.244.0.0/16</c>).</param>
/// <param name="Gateway">The next hop, or null for a directly connected prefix.</param>
/// <param name="Interface">The outgoing interface.</param>
/// <param name="Family"><c>IPv4</c> or <c>IPv6</c>.</param>
public sealed record PodRoute(string Destination, string? Gateway, string Interface, string Family);

/// <summary>A network interface inside a pod.</summary>
/// <param name="Name">The name (<c>eth0</c>, <c>net1</c>).</param>
/// <param name="Mac">The MAC address, lower-case with colons.</param>
/// <param name="Mtu">The MTU.</param>
/// <param name="Addresses">Addresses with prefix length (<c>10.244.1.7/24</c>).</param>
public sealed record PodInterface(string Name, string Mac, int Mtu, IReadOnlyList<string> Addresses);

/// <summary>A network interface in a node's host network namespace.</summary>
/// <param name="Name">The name.</param>
/// <param name="Kind"><c>physical</c>, <c>veth</c>, <c>vxlan</c>, <c>bridge</c> or <c>vf</c>.</param>
/// <param name="Mac">The MAC address.</param>
/// <param name="Mtu">The MTU.</param>
/// <param name="Up">True when administratively and operationally up.</param>
/// <param name="Addresses">Addresses with prefix length.</param>
/// <param name="PeerNetworkNamespace">For a veth, the network namespace holding its peer (from <c>link-netnsid</c>), else null.</param>
/// <param name="PciAddress">The PCI address of a physical function or virtual function (<c>ethtool -i</c>), else null.</param>
public sealed record HostInterface(string Name, string Kind, string Mac, int Mtu, bool Up, IReadOnlyList<string> Addresses, string? PeerNetworkNamespace, string? PciAddress);

/// <summary>One CNI network configuration file.</summary>
/// <param name="Path">The file's path (<c>/etc/cni/net.d/10-emu.conflist</c>).</param>
/// <param name="Content">The file's JSON text.</param>
public sealed record CniConfigFile(string Path, string Content);

/// <summary>The CNI operation to invoke.</summary>
public enum CniCommand
{
    /// <summary>Attach a container to the network.</summary>
    Add,

    /// <summary>Check a container's attachment is as configured.</summary>
    Check,

    /// <summary>Detach a container and release its resources.</summary>
    Del,
}

/// <summary>A direct invocation of a node's default CNI configuration.</summary>
/// <param name="Node">The node whose configuration and plugins run.</param>
/// <param name="Command">ADD, CHECK or DEL.</param>
/// <param name="ContainerId">CNI_CONTAINERID.</param>
/// <param name="InterfaceName">CNI_IFNAME (<c>eth0</c>).</param>
/// <param name="NetworkNamespacePath">CNI_NETNS (a path such as <c>/var/run/netns/cni-test</c>).</param>
public sealed record CniInvocation(string Node, CniCommand Command, string ContainerId, string InterfaceName, string NetworkNamespacePath);

/// <summary>What a CNI plugin returned.</summary>
/// <param name="ExitCode">0 on success.</param>
/// <param name="Stdout">The result JSON on success (empty for DEL), the error JSON (<c>cniVersion</c>, <c>code</c>, <c>msg</c>) otherwise.</param>
public sealed record CniOutcome(int ExitCode, string Stdout);

/// <summary>The transport of a probe.</summary>
public enum ProbeProtocol
{
    /// <summary>A TCP SYN; the receiver answers SYN-ACK when it listens.</summary>
    Tcp,

    /// <summary>A UDP datagram; the receiver echoes it back.</summary>
    Udp,

    /// <summary>An ICMP or ICMPv6 echo request; the receiver answers with an echo reply.</summary>
    Icmp,
}

/// <summary>A probe sent from inside a pod.</summary>
/// <param name="Namespace">The sending pod's namespace.</param>
/// <param name="Pod">The sending pod's name.</param>
/// <param name="Interface">The interface it leaves by (<c>eth0</c>, <c>net1</c>).</param>
/// <param name="Protocol">TCP, UDP or ICMP.</param>
/// <param name="Destination">The destination address (IPv4 or IPv6 literal).</param>
/// <param name="Port">The destination port (ignored for ICMP).</param>
/// <param name="Container">The sending container, or null for the first main container.</param>
public sealed record PodProbe(string Namespace, string Pod, string Interface, ProbeProtocol Protocol, string Destination, int Port, string? Container = null);

/// <summary>A probe sent from the external test host.</summary>
/// <param name="Protocol">TCP, UDP or ICMP.</param>
/// <param name="Destination">The destination address.</param>
/// <param name="Port">The destination port (ignored for ICMP).</param>
public sealed record ExternalProbe(ProbeProtocol Protocol, string Destination, int Port);

/// <summary>What happened to a probe, as the receiver and the sender saw it.</summary>
/// <param name="Delivered">True when the receiver got the packet.</param>
/// <param name="DropReason">Why it was not delivered (which policy, no route, ...), or null.</param>
/// <param name="Receiver">Who received it (<c>pod tenant-a/web net1</c>, <c>node hp-2</c>, <c>external host</c>), or null.</param>
/// <param name="SourceSeen">The source address in the packet the receiver got, or null.</param>
/// <param name="DestinationSeen">The destination address in the packet the receiver got, or null.</param>
/// <param name="ReplyDelivered">True when the receiver's answer reached the sender.</param>
/// <param name="ReplyDropReason">Why the answer did not reach the sender, or null.</param>
/// <param name="Path">The hops the packet took, for evidence (<c>hp-1 veth</c>, <c>vxlan 192.168.10.11 -> 192.168.10.12</c>).</param>
public sealed record ProbeOutcome(
    bool Delivered,
    string? DropReason,
    string? Receiver,
    string? SourceSeen,
    string? DestinationSeen,
    bool ReplyDelivered,
    string? ReplyDropReason,
    IReadOnlyList<string> Path);
