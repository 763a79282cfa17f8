// Licensed under the Apache License, Version 2.0.
using System.Net;
using NfvConformance.Abstractions.TenantNetworking;

namespace NfvConformance.Emulator.TenantNetworking.Internal;

/// <summary>A project.</summary>
internal sealed class ProjectState(string id, string name)
{
    public string Id { get; } = id;

    public string Name { get; } = name;

    public string DefaultSecurityGroupId { get; set; } = string.Empty;
}

/// <summary>Anything that carries tags and an owner.</summary>
internal abstract class OwnedResource(string id, string projectId)
{
    public string Id { get; } = id;

    public string ProjectId { get; } = projectId;

    public List<string> Tags { get; } = [];
}

/// <summary>A network and its segment.</summary>
internal sealed class NetworkState(string id, string projectId, string name, bool external, int vni, int mtu) : OwnedResource(id, projectId)
{
    public string Name { get; set; } = name;

    public bool External { get; } = external;

    public int Vni { get; } = vni;

    public int Mtu { get; set; } = mtu;

    public bool AdminStateUp { get; set; } = true;

    public List<SubnetState> Subnets { get; } = [];

    public HashSet<string> SharedWith { get; } = new(StringComparer.Ordinal);

    public TenantNetwork ToContract() =>
        new(Id, ProjectId, Name, External, Vni, Mtu, AdminStateUp, AdminStateUp ? "ACTIVE" : "DOWN", Subnets.Select(s => s.Id).ToList(), Tags.ToList());
}

/// <summary>A subnet with its address allocator.</summary>
internal sealed class SubnetState(string id, string projectId, NetworkState network, IPNetwork prefix) : OwnedResource(id, projectId)
{
    public NetworkState Network { get; } = network;

    public IPNetwork Prefix { get; } = prefix;

    public IPAddress Gateway { get; } = AddressMath.Add(prefix.BaseAddress, 1);

    public HashSet<IPAddress> Used { get; } = [];

    public RouterState? Router { get; set; }

    public byte[]? RouterMac { get; set; }

    public int IpVersion => Prefix.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 4 : 6;

    public TenantSubnet ToContract() => new(Id, Network.Id, Prefix.ToString(), IpVersion, Gateway.ToString());
}

/// <summary>A port: a workload's vNIC bound to a compute node, with its connection tracking.</summary>
internal sealed class PortState(string id, string projectId, NetworkState network, string nodeId, byte[] mac) : OwnedResource(id, projectId)
{
    public NetworkState Network { get; } = network;

    public string NodeId { get; } = nodeId;

    public byte[] Mac { get; } = mac;

    public List<(SubnetState Subnet, IPAddress Address)> Addresses { get; } = [];

    public List<string> SecurityGroupIds { get; } = [];

    public HashSet<FlowTuple> Connections { get; } = [];

    public long TxPackets { get; set; }

    public long TxBytes { get; set; }

    public long RxPackets { get; set; }

    public long RxBytes { get; set; }

    public FloatingIpState? FloatingIp { get; set; }

    public TenantPort ToContract() =>
        new(Id, ProjectId, Network.Id, NodeId, Macs.Format(Mac), Addresses.Select(a => a.Address.ToString()).ToList(), SecurityGroupIds.ToList(), Network.AdminStateUp ? "ACTIVE" : "DOWN", Tags.ToList());
}

/// <summary>A router with its interfaces, gateway and source-NAT table.</summary>
internal sealed class RouterState(string id, string projectId, string name, byte[] gatewayMac) : OwnedResource(id, projectId)
{
    public string Name { get; } = name;

    public NetworkState? External { get; set; }

    public IPAddress? GatewayIp { get; set; }

    public byte[] GatewayMac { get; } = gatewayMac;

    public List<SubnetState> Interfaces { get; } = [];

    /// <summary>Gets the source-NAT bindings: the translated source port to the original address and port.</summary>
    public Dictionary<(byte Protocol, ushort Port), (IPAddress Address, ushort Port)> Snat { get; } = [];

    public ushort NextSnatPort { get; set; } = 20_000;

    public TenantRouter ToContract() =>
        new(Id, ProjectId, Name, External?.Id, GatewayIp?.ToString(), Interfaces.Select(s => s.Id).ToList());
}

/// <summary>A floating IP.</summary>
internal sealed class FloatingIpState(string id, string projectId, NetworkState external, IPAddress address, PortState port, IPAddress fixedIp, RouterState router) : OwnedResource(id, projectId)
{
    public NetworkState External { get; } = external;

    public IPAddress Address { get; } = address;

    public PortState Port { get; } = port;

    public IPAddress FixedIp { get; } = fixedIp;

    public RouterState Router { get; } = router;

    public FloatingIp ToContract() => new(Id, ProjectId, Address.ToString(), FixedIp.ToString(), Port.Id);
}

/// <summary>A security group.</summary>
internal sealed class SecurityGroupState(string id, string projectId, string name) : OwnedResource(id, projectId)
{
    public string Name { get; } = name;

    public List<SecurityGroupRule> Rules { get; } = [];

    public SecurityGroup ToContract() => new(Id, ProjectId, Name, Rules.ToList());
}

/// <summary>An overlay node's tables, as its agent programmed them (l2population and ARP responder, keyed by VNI).</summary>
internal sealed class NodeAgent(string id, string role, IPAddress underlay, byte[] mac)
{
    public string Id { get; } = id;

    public string Role { get; } = role;

    public IPAddress Underlay { get; } = underlay;

    public byte[] Mac { get; } = mac;

    /// <summary>Gets the segments this node carries: VNI to MTU and state.</summary>
    public Dictionary<int, (int Mtu, bool Up)> Segments { get; } = [];

    /// <summary>Gets the routes to border VRFs a fabric controller programmed: tenant VNI to (prefix, border node, L3 VNI).</summary>
    public Dictionary<int, List<(IPNetwork Prefix, string BorderNodeId, int L3Vni)>> VrfRoutes { get; } = [];

    /// <summary>Gets the ARP/ND responder: (VNI, address) to MAC.</summary>
    public Dictionary<(int Vni, IPAddress Address), byte[]> Neighbours { get; } = [];

    /// <summary>Gets the forwarding database: (VNI, MAC) to the node and port behind it.</summary>
    public Dictionary<(int Vni, long Mac), (string NodeId, string PortId)> Fdb { get; } = [];
}

/// <summary>A connection as seen from a port: protocol, local and remote address and port.</summary>
internal readonly record struct FlowTuple(byte Protocol, IPAddress Local, ushort LocalPort, IPAddress Remote, ushort RemotePort);

/// <summary>MAC helpers.</summary>
internal static class Macs
{
    public static string Format(ReadOnlySpan<byte> mac) => Convert.ToHexString(mac).ToLowerInvariant() is var h
        ? string.Join(':', Enumerable.Range(0, 6).Select(i => h.Substring(i * 2, 2)))
        : string.Empty;

    public static long Key(ReadOnlySpan<byte> mac) => ((long)mac[0] << 40) | ((long)mac[1] << 32) | ((long)mac[2] << 24) | ((long)mac[3] << 16) | ((long)mac[4] << 8) | mac[5];
}

/// <summary>Address arithmetic.</summary>
internal static class AddressMath
{
    public static IPAddress Add(IPAddress address, long delta)
    {
        byte[] b = address.GetAddressBytes();
        for (int i = b.Length - 1; i >= 0 && delta != 0; i--)
        {
            long v = b[i] + (delta & 0xFF);
            delta >>= 8;
            if (v > 0xFF)
            {
                delta += 1;
            }

            b[i] = (byte)v;
        }

        return new IPAddress(b);
    }

    public static uint ToUInt32(IPAddress v4) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(v4.GetAddressBytes());

    public static IPAddress FromUInt32(uint v) => new(new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v });
}

/// <summary>A BGP VPN to a border VRF.</summary>
internal sealed class BorderVpnState(string id, string projectId, string name, string routeTarget, int l3Vni, string borderNodeId, List<IPNetwork> prefixes) : OwnedResource(id, projectId)
{
    public string Name { get; } = name;

    public string RouteTarget { get; } = routeTarget;

    public int L3Vni { get; } = l3Vni;

    public string BorderNodeId { get; } = borderNodeId;

    public List<IPNetwork> Prefixes { get; } = prefixes;

    public List<NetworkState> Networks { get; } = [];

    public BorderVpn ToContract() => new(Id, ProjectId, Name, RouteTarget, L3Vni, BorderNodeId, Prefixes.Select(p => p.ToString()).ToList(), Networks.Select(n => n.Id).ToList());
}

/// <summary>
/// The seam between the network service and an SDN fabric controller: the service hands it the VPNs and their
/// networks, and the controller programs the nodes' tunnel endpoints (here, EVPN route type 5 towards the border edge).
/// </summary>
internal interface IFabricController
{
    /// <summary>Gets the controller's name.</summary>
    string Name { get; }

    /// <summary>Programs (or re-programs) every node for a VPN and its associated networks.</summary>
    void Provision(BorderVpnState vpn, IEnumerable<NodeAgent> nodes);

    /// <summary>Removes a VPN from every node.</summary>
    void Withdraw(BorderVpnState vpn, IEnumerable<NodeAgent> nodes);
}

/// <summary>An EVPN controller: an L3 VNI segment on the border node, and on each compute node a route per associated network.</summary>
internal sealed class EvpnFabricController : IFabricController
{
    public string Name => "evpn-type5 (emulated controller)";

    public void Provision(BorderVpnState vpn, IEnumerable<NodeAgent> nodes)
    {
        Withdraw(vpn, nodes);
        foreach (NodeAgent node in nodes)
        {
            if (node.Id == vpn.BorderNodeId)
            {
                node.Segments[vpn.L3Vni] = (9000, true);
                continue;
            }

            foreach (NetworkState network in vpn.Networks)
            {
                List<(IPNetwork, string, int)> routes = node.VrfRoutes.TryGetValue(network.Vni, out var r) ? r : node.VrfRoutes[network.Vni] = [];
                routes.AddRange(vpn.Prefixes.Select(p => (p, vpn.BorderNodeId, vpn.L3Vni)));
            }
        }
    }

    public void Withdraw(BorderVpnState vpn, IEnumerable<NodeAgent> nodes)
    {
        foreach (NodeAgent node in nodes)
        {
            foreach (List<(IPNetwork Prefix, string BorderNodeId, int L3Vni)> routes in node.VrfRoutes.Values)
            {
                routes.RemoveAll(r => r.L3Vni == vpn.L3Vni);
            }

            if (node.Id == vpn.BorderNodeId)
            {
                node.Segments.Remove(vpn.L3Vni);
            }
        }
    }
}
