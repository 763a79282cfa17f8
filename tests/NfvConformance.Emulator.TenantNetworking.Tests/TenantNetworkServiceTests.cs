// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Text;
using NfvConformance.Abstractions.TenantNetworking;
using NfvConformance.Packets;

namespace NfvConformance.Emulator.TenantNetworking.Tests;

/// <summary>Each behaviour of the service, conformant with the default options and broken by the option that turns it off.</summary>
public sealed class TenantNetworkServiceTests
{
    private static readonly string[] s_nodes = ["n1", "n2", "n3"];

    [Test]
    public void CrossNodeFrameTravelsAsEspInUdpAndDecapsulatesToTheNetworksVni()
    {
        using Lab lab = new(new TenantNetworkingOptions());
        ProbeResult r = lab.Service.Probe(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Udp) { FromPortId = lab.A1 });
        Assert.That(r.Request.Delivered, Is.True, r.Request.DropDetail);
        ObservedFrame wire = r.Request.Frames.Single(f => f.Point == ObservationPoint.Underlay);
        ObservedFrame tep = r.Request.Frames.Single(f => f.Point == ObservationPoint.TunnelEndpoint);
        Assert.That(PacketParser.Parse(wire.Frame, out ParsedPacket outer), Is.EqualTo(ParseResult.Ok));
        Assert.That(outer.DestinationPort, Is.EqualTo(4500));
        Assert.That(PacketParser.Parse(tep.Frame, out ParsedPacket t), Is.EqualTo(ParseResult.Ok));
        Assert.That(t.Vni, Is.EqualTo((uint)lab.NetA.SegmentationId));
        Assert.That(t.SourcePort, Is.EqualTo(outer.SourcePort), "the ESP-in-UDP source port keeps the VXLAN entropy port");
        byte[] sent = r.Request.Frames.First(f => f.Point == ObservationPoint.SourcePort).Frame;
        byte[] got = r.Request.Frames.Last(f => f.Point == ObservationPoint.DestinationPort).Frame;
        Assert.That(got, Is.EqualTo(sent));
        Assert.That(r.Reply!.Delivered, Is.True);
    }

    [Test]
    public void OuterSourcePortsSpreadFlowsUnlessEntropyIsOff()
    {
        Assert.That(DistinctOuterPorts(new TenantNetworkingOptions()), Is.GreaterThan(50));
        Assert.That(DistinctOuterPorts(new TenantNetworkingOptions { OuterSourcePortEntropy = false }), Is.EqualTo(1));
    }

    [Test]
    public void UnderlayCarriesNoPlaintextAndATamperedFrameIsDroppedUnlessEncryptionIsOff()
    {
        using Lab lab = new(new TenantNetworkingOptions());
        ProbeResult r = lab.Service.Probe(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Udp) { FromPortId = lab.A1, PayloadBytes = 64 });
        byte[] wire = r.Request.Frames.Single(f => f.Point == ObservationPoint.Underlay).Frame;
        Assert.That(Contains(wire, Encoding.ASCII.GetBytes("abcdefghijklmnop")), Is.False);
        ProbeResult tampered = lab.Service.Probe(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Udp) { FromPortId = lab.A1, PayloadBytes = 64, Fault = UnderlayFault.FlipPayloadBit });
        Assert.That(tampered.Request.DropReason, Is.EqualTo(ProbeDropReason.IntegrityFailure));

        using Lab plain = new(new TenantNetworkingOptions { EncryptUnderlay = false });
        ProbeResult p = plain.Service.Probe(new TenantProbe(plain.A, plain.A2Ip, ProbeProtocol.Udp) { FromPortId = plain.A1, PayloadBytes = 64 });
        Assert.That(Contains(p.Request.Frames.Single(f => f.Point == ObservationPoint.Underlay).Frame, Encoding.ASCII.GetBytes("abcdefghijklmnop")), Is.True);
        ProbeResult undetected = plain.Service.Probe(new TenantProbe(plain.A, plain.A2Ip, ProbeProtocol.Udp) { FromPortId = plain.A1, PayloadBytes = 64, Fault = UnderlayFault.FlipPayloadBit });
        Assert.That(undetected.Request.Delivered, Is.True);
    }

    [Test]
    public void EastWestRoutingGoesStraightBetweenComputeNodesUnlessRoutingIsCentralised()
    {
        using Lab lab = new(new TenantNetworkingOptions());
        ProbeResult r = lab.Service.Probe(new TenantProbe(lab.A, lab.A3Ip, ProbeProtocol.Tcp) { FromPortId = lab.A1, DestinationPort = 80 });
        Assert.That(r.Request.Delivered, Is.True, r.Request.DropDetail);
        Assert.That(r.Request.Frames.Where(f => f.Point == ObservationPoint.Underlay).Select(f => f.Location), Is.EqualTo(new[] { "n1 -> n2" }));

        using Lab central = new(new TenantNetworkingOptions { DistributedRouting = false });
        ProbeResult c = central.Service.Probe(new TenantProbe(central.A, central.A3Ip, ProbeProtocol.Tcp) { FromPortId = central.A1, DestinationPort = 80 });
        Assert.That(c.Request.Delivered, Is.True, c.Request.DropDetail);
        Assert.That(c.Request.Frames.Where(f => f.Point == ObservationPoint.Underlay).Select(f => f.Location), Does.Contain("n1 -> network-node-1"));
    }

    [Test]
    public void SourceNatAndFloatingIpRewriteAddressesWithValidChecksumsAndTranslateRepliesBack()
    {
        using Lab lab = new(new TenantNetworkingOptions());
        ProbeResult r = lab.Service.Probe(new TenantProbe(lab.A, "198.51.100.10", ProbeProtocol.Udp) { FromPortId = lab.A1, DestinationPort = 53 });
        Assert.That(r.Request.Delivered, Is.True, r.Request.DropDetail);
        byte[] ext = r.Request.Frames.Single(f => f.Point == ObservationPoint.ExternalNetwork).Frame;
        AssertChecksumsValid(ext);
        Assert.That(Source(ext), Is.EqualTo(lab.RouterGateway));
        Assert.That(r.Reply!.Delivered, Is.True, r.Reply.DropDetail);
        Assert.That(Destination(r.Reply.Frames.Last().Frame), Is.EqualTo(lab.A1Ip));

        FloatingIp fip = lab.Service.CreateFloatingIp(lab.A, lab.ExtNet, lab.A2).Result;
        ProbeResult f = lab.Service.Probe(new TenantProbe(lab.A, "198.51.100.10", ProbeProtocol.Icmp) { FromPortId = lab.A2 });
        byte[] fext = f.Request.Frames.Single(x => x.Point == ObservationPoint.ExternalNetwork).Frame;
        AssertChecksumsValid(fext);
        Assert.That(Source(fext), Is.EqualTo(fip.FloatingIpAddress));
        Assert.That(f.Reply!.Delivered, Is.True);

        ProbeResult inboundDenied = lab.Service.Probe(new TenantProbe(lab.A, fip.FloatingIpAddress, ProbeProtocol.Tcp) { ExternalNetworkId = lab.ExtNet, ExternalSource = "198.51.100.20", DestinationPort = 22 });
        Assert.That(inboundDenied.Request.DropReason, Is.EqualTo(ProbeDropReason.SecurityGroupIngress));
    }

    [Test]
    public void ANatThatLeavesTheL4ChecksumStaleIsVisibleOnTheExternalNetwork()
    {
        using Lab lab = new(new TenantNetworkingOptions { UpdateChecksumsOnNat = false });
        ProbeResult r = lab.Service.Probe(new TenantProbe(lab.A, "198.51.100.10", ProbeProtocol.Tcp) { FromPortId = lab.A1, DestinationPort = 443 });
        byte[] ext = r.Request.Frames.Single(f => f.Point == ObservationPoint.ExternalNetwork).Frame;
        Assert.That(Source(ext), Is.EqualTo(lab.RouterGateway));
        Assert.That(ChecksumsValid(ext), Is.False);
    }

    [Test]
    public void DualStackPortsReachEachOtherOverIpv6OnTheLinkAndThroughTheDistributedRouter()
    {
        using TenantNetworkService s = new(s_nodes, new TenantNetworkingOptions(), 3);
        string p = s.CreateProject("p").Result.Id;
        string n1 = s.CreateNetwork(p, new NetworkSpec("n1")).Result.Id;
        string n2 = s.CreateNetwork(p, new NetworkSpec("n2")).Result.Id;
        s.CreateSubnet(p, new SubnetSpec(n1, "10.1.0.0/24"));
        string v6a = s.CreateSubnet(p, new SubnetSpec(n1, "fd00:1::/64")).Result.Id;
        string v6b = s.CreateSubnet(p, new SubnetSpec(n2, "fd00:2::/64")).Result.Id;
        string r = s.CreateRouter(p, new RouterSpec("r")).Result.Id;
        s.AddRouterInterface(p, r, v6a);
        s.AddRouterInterface(p, r, v6b);
        TenantPort a = s.CreatePort(p, new PortSpec(n1, "n1")).Result;
        TenantPort b = s.CreatePort(p, new PortSpec(n1, "n2")).Result;
        TenantPort c = s.CreatePort(p, new PortSpec(n2, "n3")).Result;
        Assert.That(a.FixedIps, Has.Count.EqualTo(2));
        ProbeResult onLink = s.Probe(new TenantProbe(p, b.FixedIps[1], ProbeProtocol.Icmp) { FromPortId = a.Id });
        Assert.That(onLink.Request.DeliveredToPortId, Is.EqualTo(b.Id), onLink.Request.DropDetail);
        Assert.That(onLink.Reply!.Delivered, Is.True);
        ProbeResult routed = s.Probe(new TenantProbe(p, c.FixedIps[0], ProbeProtocol.Udp) { FromPortId = a.Id });
        Assert.That(routed.Request.DeliveredToPortId, Is.EqualTo(c.Id), routed.Request.DropDetail);
        byte[] got = routed.Request.Frames.Last().Frame;
        Assert.That(got[EthernetFields.HeaderLength + Ipv6Fields.HopLimitPosition], Is.EqualTo(63));
    }

    [Test]
    public void SecurityGroupsDenyIngressByDefaultAdmitARuleAndAreStateful()
    {
        using Lab lab = new(new TenantNetworkingOptions());
        string web = lab.Service.CreateSecurityGroup(lab.A, "web").Result.Id;
        string client = lab.Service.CreateSecurityGroup(lab.A, "client").Result.Id;
        lab.Service.SetPortSecurityGroups(lab.A, lab.A1, [client]);
        lab.Service.SetPortSecurityGroups(lab.A, lab.A2, [web]);
        Assert.That(lab.Service.Probe(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Tcp) { FromPortId = lab.A1, DestinationPort = 80 }).Request.DropReason, Is.EqualTo(ProbeDropReason.SecurityGroupIngress));
        lab.Service.AddSecurityGroupRule(lab.A, web, new SecurityGroupRule(RuleDirection.Ingress, "tcp") { PortRangeMin = 80, PortRangeMax = 80 });
        ProbeResult ok = lab.Service.Probe(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Tcp) { FromPortId = lab.A1, DestinationPort = 80 });
        Assert.That(ok.Request.Delivered && ok.Reply!.Delivered, Is.True);
        Assert.That(lab.Service.Probe(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Tcp) { FromPortId = lab.A1, DestinationPort = 81 }).Request.Delivered, Is.False);

        using Lab open = new(new TenantNetworkingOptions { EnforceSecurityGroups = false });
        string g = open.Service.CreateSecurityGroup(open.A, "web").Result.Id;
        open.Service.SetPortSecurityGroups(open.A, open.A2, [g]);
        Assert.That(open.Service.Probe(new TenantProbe(open.A, open.A2Ip, ProbeProtocol.Tcp) { FromPortId = open.A1, DestinationPort = 81 }).Request.Delivered, Is.True);

        using Lab stateless = new(new TenantNetworkingOptions { StatefulSecurityGroups = false });
        string w = stateless.Service.CreateSecurityGroup(stateless.A, "web").Result.Id;
        string c = stateless.Service.CreateSecurityGroup(stateless.A, "client").Result.Id;
        stateless.Service.SetPortSecurityGroups(stateless.A, stateless.A1, [c]);
        stateless.Service.SetPortSecurityGroups(stateless.A, stateless.A2, [w]);
        stateless.Service.AddSecurityGroupRule(stateless.A, w, new SecurityGroupRule(RuleDirection.Ingress, "tcp") { PortRangeMin = 80, PortRangeMax = 80 });
        ProbeResult s = stateless.Service.Probe(new TenantProbe(stateless.A, stateless.A2Ip, ProbeProtocol.Tcp) { FromPortId = stateless.A1, DestinationPort = 80 });
        Assert.That(s.Request.Delivered, Is.True);
        Assert.That(s.Reply!.DropReason, Is.EqualTo(ProbeDropReason.SecurityGroupIngress));
    }

    [Test]
    public void EgressRulesLimitWhatAPortMaySend()
    {
        using Lab lab = new(new TenantNetworkingOptions());
        SecurityGroup g = lab.Service.CreateSecurityGroup(lab.A, "locked").Result;
        foreach (SecurityGroupRule rule in g.Rules)
        {
            lab.Service.RemoveSecurityGroupRule(lab.A, g.Id, rule);
        }

        lab.Service.AddSecurityGroupRule(lab.A, g.Id, new SecurityGroupRule(RuleDirection.Egress, "udp") { PortRangeMin = 53, PortRangeMax = 53 });
        lab.Service.SetPortSecurityGroups(lab.A, lab.A1, [g.Id]);
        SecurityGroup dnsServer = lab.Service.CreateSecurityGroup(lab.A, "dns").Result;
        lab.Service.AddSecurityGroupRule(lab.A, dnsServer.Id, new SecurityGroupRule(RuleDirection.Ingress, null));
        lab.Service.SetPortSecurityGroups(lab.A, lab.A2, [dnsServer.Id]);
        Assert.That(lab.Service.Probe(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Tcp) { FromPortId = lab.A1, DestinationPort = 80 }).Request.DropReason, Is.EqualTo(ProbeDropReason.SecurityGroupEgress));
        ProbeResult dns = lab.Service.Probe(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Udp) { FromPortId = lab.A1, DestinationPort = 53 });
        Assert.That(dns.Request.Delivered && dns.Reply!.Delivered, Is.True, "the reply comes back through the connection state");

        using Lab open = new(new TenantNetworkingOptions { EnforceSecurityGroups = false });
        SecurityGroup o = open.Service.CreateSecurityGroup(open.A, "locked").Result;
        foreach (SecurityGroupRule rule in o.Rules)
        {
            open.Service.RemoveSecurityGroupRule(open.A, o.Id, rule);
        }

        open.Service.SetPortSecurityGroups(open.A, open.A1, [o.Id]);
        Assert.That(open.Service.Probe(new TenantProbe(open.A, open.A2Ip, ProbeProtocol.Tcp) { FromPortId = open.A1, DestinationPort = 80 }).Request.Delivered, Is.True);
    }

    [Test]
    public void ABgpVpnIsProvisionedByTheFabricControllerFromEachComputeNodeStraightToTheBorderUnlessNotIntegrated()
    {
        using Lab lab = new(new TenantNetworkingOptions());
        Assert.That(lab.Service.Probe(new TenantProbe(lab.A, "192.0.2.10", ProbeProtocol.Udp) { FromPortId = lab.A1 }).Request.Frames.Select(f => f.Point), Does.Not.Contain(ObservationPoint.BorderVrf));
        BorderVpn vpn = lab.Service.CreateBorderVpn(lab.A, new BorderVpnSpec("dc-gw", "64512:100", ["192.0.2.0/24"])).Result;
        lab.Service.AssociateBorderVpn(lab.A, vpn.Id, lab.NetA.Id);
        ProbeResult r = lab.Service.Probe(new TenantProbe(lab.A, "192.0.2.10", ProbeProtocol.Udp) { FromPortId = lab.A1 });
        Assert.That(r.Request.Delivered, Is.True, r.Request.DropDetail);
        Assert.That(r.Request.Frames.Single(f => f.Point == ObservationPoint.Underlay).Location, Is.EqualTo("n1 -> border-leaf-1"));
        PacketParser.Parse(r.Request.Frames.Single(f => f.Point == ObservationPoint.TunnelEndpoint).Frame, out ParsedPacket t);
        Assert.That(t.Vni, Is.EqualTo((uint)vpn.L3Vni));
        Assert.That(r.Request.Frames.Last().Point, Is.EqualTo(ObservationPoint.BorderVrf));

        using Lab detached = new(new TenantNetworkingOptions { FabricControllerIntegrated = false });
        BorderVpn v = detached.Service.CreateBorderVpn(detached.A, new BorderVpnSpec("dc-gw", "64512:100", ["192.0.2.0/24"])).Result;
        detached.Service.AssociateBorderVpn(detached.A, v.Id, detached.NetA.Id);
        Assert.That(detached.Service.Info.FabricController, Is.Null);
        Assert.That(detached.Service.Probe(new TenantProbe(detached.A, "192.0.2.10", ProbeProtocol.Udp) { FromPortId = detached.A1 }).Request.Frames.Select(f => f.Point), Does.Not.Contain(ObservationPoint.BorderVrf));
    }

    [Test]
    public void OverlappingTenantNetworksStayApartUnlessTheyShareAVni()
    {
        using Lab lab = new(new TenantNetworkingOptions());
        ProbeResult r = lab.Service.Probe(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Udp) { FromPortId = lab.A1 });
        Assert.That(r.Request.DeliveredToPortId, Is.EqualTo(lab.A2));
        Assert.That(lab.NetA.SegmentationId, Is.Not.EqualTo(lab.NetB.SegmentationId));

        using Lab broken = new(new TenantNetworkingOptions { SharedVni = true });
        ProbeResult b = broken.Service.Probe(new TenantProbe(broken.A, broken.A2Ip, ProbeProtocol.Udp) { FromPortId = broken.A1 });
        Assert.That(b.Request.DeliveredToPortId, Is.Not.EqualTo(broken.A2));
    }

    [Test]
    public void UnderlayAddressesAreUnreachableFromTenantsUnlessLeaked()
    {
        using Lab lab = new(new TenantNetworkingOptions());
        string vtep = lab.Service.Info.Nodes.First().UnderlayAddress;
        Assert.That(lab.Service.Probe(new TenantProbe(lab.A, vtep, ProbeProtocol.Icmp) { FromPortId = lab.A1 }).Request.DropReason, Is.EqualTo(ProbeDropReason.UnderlayUnreachable));

        using Lab leak = new(new TenantNetworkingOptions { UnderlayReachableFromTenants = true });
        Assert.That(leak.Service.Probe(new TenantProbe(leak.A, vtep, ProbeProtocol.Icmp) { FromPortId = leak.A1 }).Request.Delivered, Is.True);
    }

    [Test]
    public void SharedNetworkIsUsableOnlyAfterRbacAndTrafficStillNeedsARule()
    {
        using Lab lab = new(new TenantNetworkingOptions());
        Assert.Throws<TenantAccessDeniedException>(() => lab.Service.CreatePort(lab.B, new PortSpec(lab.NetA.Id, "n3")));
        lab.Service.ShareNetwork(lab.A, lab.NetA.Id, lab.B);
        TenantPort b = lab.Service.CreatePort(lab.B, new PortSpec(lab.NetA.Id, "n3")).Result;
        ProbeResult denied = lab.Service.Probe(new TenantProbe(lab.A, b.FixedIps[0], ProbeProtocol.Udp) { FromPortId = lab.A1 });
        Assert.That(denied.Request.DropReason, Is.EqualTo(ProbeDropReason.SecurityGroupIngress));
        string bDefault = lab.Service.ListPorts(lab.B).Single(p => p.Id == b.Id).SecurityGroupIds[0];
        lab.Service.AddSecurityGroupRule(lab.B, bDefault, new SecurityGroupRule(RuleDirection.Ingress, "udp") { RemoteIpPrefix = lab.A1Ip + "/32" });
        Assert.That(lab.Service.Probe(new TenantProbe(lab.A, b.FixedIps[0], ProbeProtocol.Udp) { FromPortId = lab.A1 }).Request.DeliveredToPortId, Is.EqualTo(b.Id));
    }

    [Test]
    public void UsageIsVisibleOnlyToItsOwnerUnlessConfiguredOtherwise()
    {
        using Lab lab = new(new TenantNetworkingOptions());
        lab.Service.Probe(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Udp) { FromPortId = lab.A1 });
        ProjectUsage usage = lab.Service.GetUsage(lab.A, lab.A);
        Assert.That(usage.PortTraffic.Single(p => p.PortId == lab.A1).TxPackets, Is.EqualTo(1));
        Assert.Throws<TenantAccessDeniedException>(() => lab.Service.GetUsage(lab.B, lab.A));
        using Lab open = new(new TenantNetworkingOptions { UsageVisibleToAll = true });
        Assert.That(open.Service.GetUsage(open.B, open.A).Ports, Is.EqualTo(3));
    }

    [Test]
    public void AFloodInOneTenantCostsAnotherNothingUnlessTheUplinkQueueIsShared()
    {
        using Lab lab = new(new TenantNetworkingOptions());
        ContentionResult fair = lab.Contend();
        Assert.That(fair.Victim.LossRatio, Is.Zero);
        PortCounters victimTx = lab.Service.GetUsage(lab.A, lab.A).PortTraffic.Single(p => p.PortId == lab.A1);
        Assert.That(victimTx.TxPackets, Is.EqualTo(fair.Victim.Sent), "every frame of the trial is counted at its source port");
        Assert.That(fair.Attacker.LossRatio, Is.GreaterThan(0.5));

        using Lab shared = new(new TenantNetworkingOptions { PerTenantQueues = false });
        Assert.That(shared.Contend().Victim.LossRatio, Is.GreaterThan(0.3));
    }

    [Test]
    public void EncryptedVolumeStoresCiphertextAndDetectsTamperingUnlessEncryptionIsBroken()
    {
        using Lab lab = new(new TenantNetworkingOptions());
        byte[] data = Encoding.ASCII.GetBytes("subscriber-records-0123456789");
        TenantVolume v = lab.Service.CreateVolume(lab.A, new VolumeSpec("db", 10)).Result;
        Assert.That(lab.Service.Storage.AllocatedGiB, Is.EqualTo(10));
        lab.Service.AttachVolume(lab.A, v.Id, lab.A1);
        lab.Service.WriteVolume(lab.A, v.Id, 8192, data);
        Assert.That(lab.Service.ReadVolume(lab.A, v.Id, 8192, data.Length), Is.EqualTo(data));
        Assert.That(Contains(lab.Service.ReadVolumeBackend(v.Id, 0, 16384), data.AsSpan(0, 10).ToArray()), Is.False);
        lab.Service.TamperVolumeBackend(v.Id, 8195);
        Assert.Throws<TenantNetworkingException>(() => lab.Service.ReadVolume(lab.A, v.Id, 8192, data.Length));

        using Lab broken = new(new TenantNetworkingOptions { VolumeEncryptionWorks = false });
        TenantVolume bv = broken.Service.CreateVolume(broken.A, new VolumeSpec("db", 10)).Result;
        broken.Service.AttachVolume(broken.A, bv.Id, broken.A1);
        broken.Service.WriteVolume(broken.A, bv.Id, 0, data);
        Assert.That(Contains(broken.Service.ReadVolumeBackend(bv.Id, 0, 4096), data), Is.True);
    }

    [Test]
    public void MtuUpdateIsEnforcedOnTheNextFrameAndEventsAndTagsAreKept()
    {
        using Lab lab = new(new TenantNetworkingOptions());
        long before = lab.Service.ReadEvents(lab.A, 0).Max(e => e.Sequence);
        lab.Service.UpdateNetwork(lab.A, lab.NetA.Id, new NetworkUpdate { Mtu = 600 });
        Assert.That(lab.Service.Probe(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Udp) { FromPortId = lab.A1, PayloadBytes = 1000 }).Request.DropReason, Is.EqualTo(ProbeDropReason.ExceedsMtu));
        Assert.That(lab.Service.ReadEvents(lab.A, before).Select(e => e.EventType), Is.EqualTo(new[] { "network.update.end" }));
        Assert.That(lab.Service.ReadEvents(lab.B, 0).All(e => e.ProjectId == lab.B), Is.True);
        lab.Service.SetTags(lab.A, lab.NetA.Id, ["prod", "5g-core"]);
        Assert.That(lab.Service.ListNetworks(lab.A, new TagFilter { All = ["prod", "5g-core"] }).Select(n => n.Id), Is.EqualTo(new[] { lab.NetA.Id }));
        Assert.That(lab.Service.ListNetworks(lab.A, new TagFilter { NotAll = ["prod"] }).Select(n => n.Id), Does.Not.Contain(lab.NetA.Id));
        Assert.Throws<TenantNetworkingException>(() => lab.Service.SetTags(lab.A, lab.NetA.Id, ["a,b"]));
    }

    [Test]
    public void AgentSyncDelayShowsInTheMeasuredTime()
    {
        using TenantNetworkService slow = new(s_nodes, new TenantNetworkingOptions { AgentSyncDelay = TimeSpan.FromMilliseconds(30) });
        string p = slow.CreateProject("p").Result.Id;
        Assert.That(slow.CreateNetwork(p, new NetworkSpec("n")).Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(29)));
    }

    [Test]
    public void BadInputNamesTheProblem()
    {
        using TenantNetworkService s = new(s_nodes);
        string p = s.CreateProject("p").Result.Id;
        string n = s.CreateNetwork(p, new NetworkSpec("n")).Result.Id;
        Assert.That(() => s.CreateSubnet(p, new SubnetSpec(n, "10.0.0.1/33")), Throws.InstanceOf<TenantNetworkingException>().With.Message.Contains("10.0.0.0/24"));
        Assert.That(() => s.CreatePort(p, new PortSpec(n, "nowhere")), Throws.InstanceOf<TenantNetworkingException>().With.Message.Contains("n1"));
        Assert.That(() => s.CreateNetwork("ghost", new NetworkSpec("x")), Throws.InstanceOf<TenantNetworkingException>().With.Message.Contains("CreateProject"));
    }

    private static int DistinctOuterPorts(TenantNetworkingOptions options)
    {
        using Lab lab = new(options);
        HashSet<int> ports = [];
        for (int i = 0; i < 64; i++)
        {
            ProbeResult r = lab.Service.Probe(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Udp) { FromPortId = lab.A1, SourcePort = 30000 + i });
            PacketParser.Parse(r.Request.Frames.Single(f => f.Point == ObservationPoint.Underlay).Frame, out ParsedPacket p);
            ports.Add(p.SourcePort);
        }

        return ports.Count;
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private static string Source(byte[] frame) => new System.Net.IPAddress(frame.AsSpan(26, 4)).ToString();

    private static string Destination(byte[] frame) => new System.Net.IPAddress(frame.AsSpan(30, 4)).ToString();

    private static void AssertChecksumsValid(byte[] frame) => Assert.That(ChecksumsValid(frame), Is.True);

    private static bool ChecksumsValid(byte[] frame)
    {
        Assert.That(PacketParser.Parse(frame, out ParsedPacket p), Is.EqualTo(ParseResult.Ok));
        if (!new Ipv4View(frame.AsSpan(p.L3Offset)).IsChecksumValid)
        {
            return false;
        }

        Span<byte> segment = frame.AsSpan(p.L4Offset, p.L3End - p.L4Offset).ToArray();
        int at = p.IpProtocol switch { IpProtocols.Tcp => TcpFields.ChecksumPosition, IpProtocols.Udp => UdpFields.ChecksumPosition, _ => IcmpFields.ChecksumPosition };
        ushort stored = BinaryPrimitives.ReadUInt16BigEndian(segment[at..]);
        BinaryPrimitives.WriteUInt16BigEndian(segment[at..], 0);
        ushort expected = p.IpProtocol == IpProtocols.Icmp ? InternetChecksum.Compute(segment) : InternetChecksum.ComputeIpv4Pseudo(p.SourceIpv4, p.DestinationIpv4, p.IpProtocol, segment);
        return stored == expected;
    }

    /// <summary>
    /// Project A: network 10.0.0.0/24 with ports A1 (n1) and A2 (n2), a second network 10.0.1.0/24 with A3 (n2), a
    /// router joining them with a gateway on an external network 203.0.113.0/24. Project B: an overlapping network
    /// 10.0.0.0/24 whose port B2 on n3 has A2's address, created after A2.
    /// </summary>
    private sealed class Lab : IDisposable
    {
        public Lab(TenantNetworkingOptions options)
        {
            Service = new TenantNetworkService(s_nodes, options, 7);
            A = Service.CreateProject("a").Result.Id;
            B = Service.CreateProject("b").Result.Id;
            string op = Service.CreateProject("operator").Result.Id;
            ExtNet = Service.CreateNetwork(op, new NetworkSpec("public") { External = true }).Result.Id;
            Service.CreateSubnet(op, new SubnetSpec(ExtNet, "203.0.113.0/24"));
            NetA = Service.CreateNetwork(A, new NetworkSpec("a-net")).Result;
            string subA = Service.CreateSubnet(A, new SubnetSpec(NetA.Id, "10.0.0.0/24")).Result.Id;
            string netA2 = Service.CreateNetwork(A, new NetworkSpec("a-net2")).Result.Id;
            string subA2 = Service.CreateSubnet(A, new SubnetSpec(netA2, "10.0.1.0/24")).Result.Id;
            TenantRouter router = Service.CreateRouter(A, new RouterSpec("r") { ExternalNetworkId = ExtNet }).Result;
            RouterGateway = router.ExternalGatewayIp!;
            Service.AddRouterInterface(A, router.Id, subA);
            Service.AddRouterInterface(A, router.Id, subA2);
            TenantPort a1 = Service.CreatePort(A, new PortSpec(NetA.Id, "n1")).Result;
            TenantPort a2 = Service.CreatePort(A, new PortSpec(NetA.Id, "n2")).Result;
            TenantPort a3 = Service.CreatePort(A, new PortSpec(netA2, "n2")).Result;
            (A1, A1Ip, A2, A2Ip, A3Ip) = (a1.Id, a1.FixedIps[0], a2.Id, a2.FixedIps[0], a3.FixedIps[0]);
            NetB = Service.CreateNetwork(B, new NetworkSpec("b-net")).Result;
            Service.CreateSubnet(B, new SubnetSpec(NetB.Id, "10.0.0.0/24"));
            Service.CreatePort(B, new PortSpec(NetB.Id, "n3") { FixedIps = [A2Ip] });
            B1 = Service.CreatePort(B, new PortSpec(NetB.Id, "n1")).Result.Id;
            B2Target = Service.CreatePort(B, new PortSpec(NetB.Id, "n2")).Result.FixedIps[0];
        }

        public TenantNetworkService Service { get; }

        public string A { get; }

        public string B { get; }

        public string ExtNet { get; }

        public TenantNetwork NetA { get; }

        public TenantNetwork NetB { get; }

        public string RouterGateway { get; }

        public string A1 { get; }

        public string A1Ip { get; }

        public string A2 { get; }

        public string A2Ip { get; }

        public string A3Ip { get; }

        public string B1 { get; }

        public string B2Target { get; }

        public ContentionResult Contend() =>
            Service.RunContention(new ContentionTrial(A1, A2Ip, A, B1, B2Target, B) { Rounds = 50 });

        public void Dispose() => Service.Dispose();
    }
}
