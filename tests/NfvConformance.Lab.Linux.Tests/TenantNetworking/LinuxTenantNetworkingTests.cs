// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.TenantNetworking;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Linux.Tests.Chains;
using NfvConformance.Lab.Linux.TenantNetworking;

namespace NfvConformance.Lab.Linux.Tests.TenantNetworking;

/// <summary>
/// The linux target's tenant networking facet on real packets, each check shown failing on a lab broken the way it
/// guards against: a security group without connection tracking (the reply to an admitted probe is dropped at the
/// sender), a floating IP whose router rewrites the source on the way out without translating the reply back, and two
/// tenants' bridges joined (the other tenant's port is reached). Root, ip, nft, ethtool and ping are needed: skipped
/// with the reason without them, failed under CI=true.
/// </summary>
public sealed class LinuxTenantNetworkingTests
{
    private LabRun? _run;
    private LinuxTenantNetworking? _service;

    private LinuxTenantNetworking Service => _service ?? throw new InvalidOperationException("not set up");

    private string Node(int i) => Service.Info.Nodes[i].Id;

    [SetUp]
    public void StartLab()
    {
        ChainLabHost.Require("ping", "ethtool");
        _run = LabRun.Start();
        _service = new LinuxTenantNetworking(_run);
    }

    [TearDown]
    public async Task StopLab()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        if (_run is not null)
        {
            string token = _run.Token;
            await _run.DisposeAsync();
            List<string> left = [.. (await Shell.RunAsync("ip", ["netns", "list"])).Stdout.Split('\n').Where(l => l.Contains(token, StringComparison.Ordinal))];
            Assert.That(left, Is.Empty, "the tenant lab left namespaces behind");
        }
    }

    [Test]
    public async Task AnAdmittedTcpProbe_GetsItsReplyThroughConnectionState_AndNotWithoutIt()
    {
        TenantProject a = (await Service.CreateProjectAsync("a")).Result;
        TenantNetwork net = (await Service.CreateNetworkAsync(a.Id, new NetworkSpec("net"))).Result;
        await Service.CreateSubnetAsync(a.Id, new SubnetSpec(net.Id, "10.60.0.0/24"));
        SecurityGroup closed = (await Service.CreateSecurityGroupAsync(a.Id, "closed")).Result;
        SecurityGroup web = (await Service.CreateSecurityGroupAsync(a.Id, "web")).Result;
        web = (await Service.AddSecurityGroupRuleAsync(a.Id, web.Id, new SecurityGroupRule(RuleDirection.Ingress, "tcp") { PortRangeMin = 80, PortRangeMax = 80 })).Result;
        TenantPort client = (await Service.CreatePortAsync(a.Id, new PortSpec(net.Id, Node(0)) { SecurityGroupIds = [closed.Id] })).Result;
        TenantPort server = (await Service.CreatePortAsync(a.Id, new PortSpec(net.Id, Node(1)) { SecurityGroupIds = [web.Id] })).Result;
        TenantProbe probe = new(a.Id, server.FixedIps[0], ProbeProtocol.Tcp) { FromPortId = client.Id, DestinationPort = 80 };

        ProbeResult admitted = await Service.ProbeAsync(probe);
        ProbeResult other = await Service.ProbeAsync(probe with { DestinationPort = 81 });

        Assert.That((admitted.Request.Delivered, admitted.Request.DeliveredToPortId, admitted.Reply?.Delivered), Is.EqualTo((true, server.Id, true)), admitted.Request.DropDetail);
        Assert.That((other.Request.Delivered, other.Request.DropReason), Is.EqualTo((false, ProbeDropReason.SecurityGroupIngress)), "port 81 is dropped by the server's ingress counter");
        Assert.That(admitted.Request.Frames.Select(f => f.Point), Does.Contain(ObservationPoint.TunnelEndpoint), "the two nodes' ports talk over the VXLAN underlay");

        Service.GroupMode = FabricGroupMode.WithoutConnectionTracking;
        await Service.ReapplyAsync();
        ProbeResult broken = await Service.ProbeAsync(probe);

        Assert.That(broken.Request.Delivered, Is.True, "the rule still admits the request");
        Assert.That((broken.Reply?.Delivered, broken.Reply?.DropReason), Is.EqualTo(((bool?)false, (ProbeDropReason?)ProbeDropReason.SecurityGroupIngress)), "without connection tracking the reply is dropped at the client: the return-traffic check fails");
    }

    [Test]
    public async Task AFloatingIp_TranslatesTheReplyBack_AndARouterThatDoesNot_LosesIt()
    {
        TenantProject op = (await Service.CreateProjectAsync("operator")).Result;
        TenantProject a = (await Service.CreateProjectAsync("a")).Result;
        TenantNetwork pub = (await Service.CreateNetworkAsync(op.Id, new NetworkSpec("public") { External = true })).Result;
        await Service.CreateSubnetAsync(op.Id, new SubnetSpec(pub.Id, "203.0.113.0/24"));
        TenantNetwork net = (await Service.CreateNetworkAsync(a.Id, new NetworkSpec("net"))).Result;
        TenantSubnet subnet = (await Service.CreateSubnetAsync(a.Id, new SubnetSpec(net.Id, "10.50.0.0/24"))).Result;
        TenantRouter r = (await Service.CreateRouterAsync(a.Id, new RouterSpec("r1") { ExternalNetworkId = pub.Id })).Result;
        await Service.AddRouterInterfaceAsync(a.Id, r.Id, subnet.Id);
        TenantPort port = (await Service.CreatePortAsync(a.Id, new PortSpec(net.Id, Node(1)))).Result;
        FloatingIp fip = (await Service.CreateFloatingIpAsync(a.Id, pub.Id, port.Id)).Result;
        TenantProbe probe = new(a.Id, "198.51.100.10", ProbeProtocol.Udp) { FromPortId = port.Id, DestinationPort = 53 };

        ProbeResult good = await Service.ProbeAsync(probe);

        ObservedFrame? outside = good.Request.Frames.FirstOrDefault(f => f.Point == ObservationPoint.ExternalNetwork);
        Assert.That(outside, Is.Not.Null, "the request was seen on the external network");
        Assert.That(new System.Net.IPAddress(outside!.Frame.AsSpan(26, 4)).ToString(), Is.EqualTo(fip.FloatingIpAddress), "it left from the floating IP");
        Assert.That((good.Reply?.Delivered, good.Reply?.DeliveredToPortId), Is.EqualTo(((bool?)true, port.Id)), good.Reply?.DropDetail);

        // A new flow (another source port): the first one's connection state would still translate its replies.
        Service.NatMode = FloatingIpMode.WithoutReplyTranslation;
        await Service.ReapplyAsync();
        ProbeResult broken = await Service.ProbeAsync(probe with { SourcePort = 40001 });

        Assert.That(broken.Request.Delivered, Is.True, "the request still leaves, from the floating IP");
        Assert.That(broken.Reply?.Delivered, Is.False, "without the reply translation the answer never reaches the port: the NAT check fails");
    }

    [Test]
    public async Task TwoTenantsNetworks_AreApart_UntilTheirBridgesAreJoined()
    {
        TenantProject a = (await Service.CreateProjectAsync("a")).Result;
        TenantProject b = (await Service.CreateProjectAsync("b")).Result;
        TenantNetwork netA = (await Service.CreateNetworkAsync(a.Id, new NetworkSpec("net-a"))).Result;
        TenantNetwork netB = (await Service.CreateNetworkAsync(b.Id, new NetworkSpec("net-b"))).Result;
        await Service.CreateSubnetAsync(a.Id, new SubnetSpec(netA.Id, "10.70.0.0/24"));
        await Service.CreateSubnetAsync(b.Id, new SubnetSpec(netB.Id, "10.70.0.0/24"));
        SecurityGroup open = (await Service.CreateSecurityGroupAsync(b.Id, "open")).Result;
        await Service.AddSecurityGroupRuleAsync(b.Id, open.Id, new SecurityGroupRule(RuleDirection.Ingress, "udp"));
        TenantPort a1 = (await Service.CreatePortAsync(a.Id, new PortSpec(netA.Id, Node(0)))).Result;
        TenantPort b1 = (await Service.CreatePortAsync(b.Id, new PortSpec(netB.Id, Node(0)) { FixedIps = ["10.70.0.20"], SecurityGroupIds = [open.Id] })).Result;
        TenantProbe probe = new(a.Id, b1.FixedIps[0], ProbeProtocol.Udp) { FromPortId = a1.Id, DestinationPort = 5001 };

        ProbeResult apart = await Service.ProbeAsync(probe);
        long rxApart = (await Service.GetUsageAsync(b.Id, b.Id)).PortTraffic.Single(c => c.PortId == b1.Id).RxPackets;

        Assert.That((apart.Request.Delivered, apart.Request.DropReason), Is.EqualTo((false, ProbeDropReason.NoRoute)), "another tenant's port with an address of the same prefix is out of reach");
        Assert.That(rxApart, Is.Zero, "and counts nothing received");

        await Service.Fabric.JoinNetworksAsync(netA.Id, netB.Id);
        ProbeResult joined = await Service.ProbeAsync(probe);
        long rxJoined = (await Service.GetUsageAsync(b.Id, b.Id)).PortTraffic.Single(c => c.PortId == b1.Id).RxPackets;

        Assert.That((joined.Request.Delivered, joined.Request.DeliveredToPortId), Is.EqualTo((true, b1.Id)), "with the bridges joined the other tenant's port is reached: the isolation check fails");
        Assert.That(rxJoined, Is.GreaterThan(0), "and its counters show it");
    }
}
