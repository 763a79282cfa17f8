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
    public async Task CrossNodeFrameTravelsAsEspInUdpAndDecapsulatesToTheNetworksVni()
    {
        using Lab lab = await Lab.OpenAsync(new TenantNetworkingOptions());
        ProbeResult r = await lab.Service.ProbeAsync(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Udp) { FromPortId = lab.A1 });
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
    public async Task OuterSourcePortsSpreadFlowsUnlessEntropyIsOff()
    {
        Assert.That(await DistinctOuterPortsAsync(new TenantNetworkingOptions()), Is.GreaterThan(50));
        Assert.That(await DistinctOuterPortsAsync(new TenantNetworkingOptions { OuterSourcePortEntropy = false }), Is.EqualTo(1));
    }

    [Test]
    public async Task UnderlayCarriesNoPlaintextAndATamperedFrameIsDroppedUnlessEncryptionIsOff()
    {
        using Lab lab = await Lab.OpenAsync(new TenantNetworkingOptions());
        ProbeResult r = await lab.Service.ProbeAsync(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Udp) { FromPortId = lab.A1, PayloadBytes = 64 });
        byte[] wire = r.Request.Frames.Single(f => f.Point == ObservationPoint.Underlay).Frame;
        Assert.That(Contains(wire, Encoding.ASCII.GetBytes("abcdefghijklmnop")), Is.False);
        ProbeResult tampered = await lab.Service.ProbeAsync(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Udp) { FromPortId = lab.A1, PayloadBytes = 64, Fault = UnderlayFault.FlipPayloadBit });
        Assert.That(tampered.Request.DropReason, Is.EqualTo(ProbeDropReason.IntegrityFailure));

        using Lab plain = await Lab.OpenAsync(new TenantNetworkingOptions { EncryptUnderlay = false });
        ProbeResult p = await plain.Service.ProbeAsync(new TenantProbe(plain.A, plain.A2Ip, ProbeProtocol.Udp) { FromPortId = plain.A1, PayloadBytes = 64 });
        Assert.That(Contains(p.Request.Frames.Single(f => f.Point == ObservationPoint.Underlay).Frame, Encoding.ASCII.GetBytes("abcdefghijklmnop")), Is.True);
        ProbeResult undetected = await plain.Service.ProbeAsync(new TenantProbe(plain.A, plain.A2Ip, ProbeProtocol.Udp) { FromPortId = plain.A1, PayloadBytes = 64, Fault = UnderlayFault.FlipPayloadBit });
        Assert.That(undetected.Request.Delivered, Is.True);
    }

    [Test]
    public async Task EastWestRoutingGoesStraightBetweenComputeNodesUnlessRoutingIsCentralised()
    {
        using Lab lab = await Lab.OpenAsync(new TenantNetworkingOptions());
        ProbeResult r = await lab.Service.ProbeAsync(new TenantProbe(lab.A, lab.A3Ip, ProbeProtocol.Tcp) { FromPortId = lab.A1, DestinationPort = 80 });
        Assert.That(r.Request.Delivered, Is.True, r.Request.DropDetail);
        Assert.That(r.Request.Frames.Where(f => f.Point == ObservationPoint.Underlay).Select(f => f.Location), Is.EqualTo(new[] { "n1 -> n2" }));

        using Lab central = await Lab.OpenAsync(new TenantNetworkingOptions { DistributedRouting = false });
        ProbeResult c = await central.Service.ProbeAsync(new TenantProbe(central.A, central.A3Ip, ProbeProtocol.Tcp) { FromPortId = central.A1, DestinationPort = 80 });
        Assert.That(c.Request.Delivered, Is.True, c.Request.DropDetail);
        Assert.That(c.Request.Frames.Where(f => f.Point == ObservationPoint.Underlay).Select(f => f.Location), Does.Contain("n1 -> network-node-1"));
    }

    [Test]
    public async Task SourceNatAndFloatingIpRewriteAddressesWithValidChecksumsAndTranslateRepliesBack()
    {
        using Lab lab = await Lab.OpenAsync(new TenantNetworkingOptions());
        ProbeResult r = await lab.Service.ProbeAsync(new TenantProbe(lab.A, "198.51.100.10", ProbeProtocol.Udp) { FromPortId = lab.A1, DestinationPort = 53 });
        Assert.That(r.Request.Delivered, Is.True, r.Request.DropDetail);
        byte[] ext = r.Request.Frames.Single(f => f.Point == ObservationPoint.ExternalNetwork).Frame;
        AssertChecksumsValid(ext);
        Assert.That(Source(ext), Is.EqualTo(lab.RouterGateway));
        Assert.That(r.Reply!.Delivered, Is.True, r.Reply.DropDetail);
        Assert.That(Destination(r.Reply.Frames.Last().Frame), Is.EqualTo(lab.A1Ip));

        FloatingIp fip = (await lab.Service.CreateFloatingIpAsync(lab.A, lab.ExtNet, lab.A2)).Result;
        ProbeResult f = await lab.Service.ProbeAsync(new TenantProbe(lab.A, "198.51.100.10", ProbeProtocol.Icmp) { FromPortId = lab.A2 });
        byte[] fext = f.Request.Frames.Single(x => x.Point == ObservationPoint.ExternalNetwork).Frame;
        AssertChecksumsValid(fext);
        Assert.That(Source(fext), Is.EqualTo(fip.FloatingIpAddress));
        Assert.That(f.Reply!.Delivered, Is.True);

        ProbeResult inboundDenied = await lab.Service.ProbeAsync(new TenantProbe(lab.A, fip.FloatingIpAddress, ProbeProtocol.Tcp) { ExternalNetworkId = lab.ExtNet, ExternalSource = "198.51.100.20", DestinationPort = 22 });
        Assert.That(inboundDenied.Request.DropReason, Is.EqualTo(ProbeDropReason.SecurityGroupIngress));
    }

    [Test]
    public async Task ANatThatLeavesTheL4ChecksumStaleIsVisibleOnTheExternalNetwork()
    {
        using Lab lab = await Lab.OpenAsync(new TenantNetworkingOptions { UpdateChecksumsOnNat = false });
        ProbeResult r = await lab.Service.ProbeAsync(new TenantProbe(lab.A, "198.51.100.10", ProbeProtocol.Tcp) { FromPortId = lab.A1, DestinationPort = 443 });
        byte[] ext = r.Request.Frames.Single(f => f.Point == ObservationPoint.ExternalNetwork).Frame;
        Assert.That(Source(ext), Is.EqualTo(lab.RouterGateway));
        Assert.That(ChecksumsValid(ext), Is.False);
    }

    [Test]
    public async Task DualStackPortsReachEachOtherOverIpv6OnTheLinkAndThroughTheDistributedRouter()
    {
        using TenantNetworkService s = new(s_nodes, new TenantNetworkingOptions(), 3);
        string p = (await s.CreateProjectAsync("p")).Result.Id;
        string n1 = (await s.CreateNetworkAsync(p, new NetworkSpec("n1"))).Result.Id;
        string n2 = (await s.CreateNetworkAsync(p, new NetworkSpec("n2"))).Result.Id;
        await s.CreateSubnetAsync(p, new SubnetSpec(n1, "10.1.0.0/24"));
        string v6a = (await s.CreateSubnetAsync(p, new SubnetSpec(n1, "fd00:1::/64"))).Result.Id;
        string v6b = (await s.CreateSubnetAsync(p, new SubnetSpec(n2, "fd00:2::/64"))).Result.Id;
        string r = (await s.CreateRouterAsync(p, new RouterSpec("r"))).Result.Id;
        await s.AddRouterInterfaceAsync(p, r, v6a);
        await s.AddRouterInterfaceAsync(p, r, v6b);
        TenantPort a = (await s.CreatePortAsync(p, new PortSpec(n1, "n1"))).Result;
        TenantPort b = (await s.CreatePortAsync(p, new PortSpec(n1, "n2"))).Result;
        TenantPort c = (await s.CreatePortAsync(p, new PortSpec(n2, "n3"))).Result;
        Assert.That(a.FixedIps, Has.Count.EqualTo(2));
        ProbeResult onLink = await s.ProbeAsync(new TenantProbe(p, b.FixedIps[1], ProbeProtocol.Icmp) { FromPortId = a.Id });
        Assert.That(onLink.Request.DeliveredToPortId, Is.EqualTo(b.Id), onLink.Request.DropDetail);
        Assert.That(onLink.Reply!.Delivered, Is.True);
        ProbeResult routed = await s.ProbeAsync(new TenantProbe(p, c.FixedIps[0], ProbeProtocol.Udp) { FromPortId = a.Id });
        Assert.That(routed.Request.DeliveredToPortId, Is.EqualTo(c.Id), routed.Request.DropDetail);
        byte[] got = routed.Request.Frames.Last().Frame;
        Assert.That(got[EthernetFields.HeaderLength + Ipv6Fields.HopLimitPosition], Is.EqualTo(63));
    }

    [Test]
    public async Task SecurityGroupsDenyIngressByDefaultAdmitARuleAndAreStateful()
    {
        using Lab lab = await Lab.OpenAsync(new TenantNetworkingOptions());
        string web = (await lab.Service.CreateSecurityGroupAsync(lab.A, "web")).Result.Id;
        string client = (await lab.Service.CreateSecurityGroupAsync(lab.A, "client")).Result.Id;
        await lab.Service.SetPortSecurityGroupsAsync(lab.A, lab.A1, [client]);
        await lab.Service.SetPortSecurityGroupsAsync(lab.A, lab.A2, [web]);
        Assert.That((await lab.Service.ProbeAsync(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Tcp) { FromPortId = lab.A1, DestinationPort = 80 })).Request.DropReason, Is.EqualTo(ProbeDropReason.SecurityGroupIngress));
        await lab.Service.AddSecurityGroupRuleAsync(lab.A, web, new SecurityGroupRule(RuleDirection.Ingress, "tcp") { PortRangeMin = 80, PortRangeMax = 80 });
        ProbeResult ok = await lab.Service.ProbeAsync(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Tcp) { FromPortId = lab.A1, DestinationPort = 80 });
        Assert.That(ok.Request.Delivered && ok.Reply!.Delivered, Is.True);
        Assert.That((await lab.Service.ProbeAsync(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Tcp) { FromPortId = lab.A1, DestinationPort = 81 })).Request.Delivered, Is.False);

        using Lab open = await Lab.OpenAsync(new TenantNetworkingOptions { EnforceSecurityGroups = false });
        string g = (await open.Service.CreateSecurityGroupAsync(open.A, "web")).Result.Id;
        await open.Service.SetPortSecurityGroupsAsync(open.A, open.A2, [g]);
        Assert.That((await open.Service.ProbeAsync(new TenantProbe(open.A, open.A2Ip, ProbeProtocol.Tcp) { FromPortId = open.A1, DestinationPort = 81 })).Request.Delivered, Is.True);

        using Lab stateless = await Lab.OpenAsync(new TenantNetworkingOptions { StatefulSecurityGroups = false });
        string w = (await stateless.Service.CreateSecurityGroupAsync(stateless.A, "web")).Result.Id;
        string c = (await stateless.Service.CreateSecurityGroupAsync(stateless.A, "client")).Result.Id;
        await stateless.Service.SetPortSecurityGroupsAsync(stateless.A, stateless.A1, [c]);
        await stateless.Service.SetPortSecurityGroupsAsync(stateless.A, stateless.A2, [w]);
        await stateless.Service.AddSecurityGroupRuleAsync(stateless.A, w, new SecurityGroupRule(RuleDirection.Ingress, "tcp") { PortRangeMin = 80, PortRangeMax = 80 });
        ProbeResult s = await stateless.Service.ProbeAsync(new TenantProbe(stateless.A, stateless.A2Ip, ProbeProtocol.Tcp) { FromPortId = stateless.A1, DestinationPort = 80 });
        Assert.That(s.Request.Delivered, Is.True);
        Assert.That(s.Reply!.DropReason, Is.EqualTo(ProbeDropReason.SecurityGroupIngress));
    }

    [Test]
    public async Task EgressRulesLimitWhatAPortMaySend()
    {
        using Lab lab = await Lab.OpenAsync(new TenantNetworkingOptions());
        SecurityGroup g = (await lab.Service.CreateSecurityGroupAsync(lab.A, "locked")).Result;
        foreach (SecurityGroupRule rule in g.Rules)
        {
            await lab.Service.RemoveSecurityGroupRuleAsync(lab.A, g.Id, rule);
        }

        await lab.Service.AddSecurityGroupRuleAsync(lab.A, g.Id, new SecurityGroupRule(RuleDirection.Egress, "udp") { PortRangeMin = 53, PortRangeMax = 53 });
        await lab.Service.SetPortSecurityGroupsAsync(lab.A, lab.A1, [g.Id]);
        SecurityGroup dnsServer = (await lab.Service.CreateSecurityGroupAsync(lab.A, "dns")).Result;
        await lab.Service.AddSecurityGroupRuleAsync(lab.A, dnsServer.Id, new SecurityGroupRule(RuleDirection.Ingress, null));
        await lab.Service.SetPortSecurityGroupsAsync(lab.A, lab.A2, [dnsServer.Id]);
        Assert.That((await lab.Service.ProbeAsync(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Tcp) { FromPortId = lab.A1, DestinationPort = 80 })).Request.DropReason, Is.EqualTo(ProbeDropReason.SecurityGroupEgress));
        ProbeResult dns = await lab.Service.ProbeAsync(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Udp) { FromPortId = lab.A1, DestinationPort = 53 });
        Assert.That(dns.Request.Delivered && dns.Reply!.Delivered, Is.True, "the reply comes back through the connection state");

        using Lab open = await Lab.OpenAsync(new TenantNetworkingOptions { EnforceSecurityGroups = false });
        SecurityGroup o = (await open.Service.CreateSecurityGroupAsync(open.A, "locked")).Result;
        foreach (SecurityGroupRule rule in o.Rules)
        {
            await open.Service.RemoveSecurityGroupRuleAsync(open.A, o.Id, rule);
        }

        await open.Service.SetPortSecurityGroupsAsync(open.A, open.A1, [o.Id]);
        Assert.That((await open.Service.ProbeAsync(new TenantProbe(open.A, open.A2Ip, ProbeProtocol.Tcp) { FromPortId = open.A1, DestinationPort = 80 })).Request.Delivered, Is.True);
    }

    [Test]
    public async Task ABgpVpnIsProvisionedByTheFabricControllerFromEachComputeNodeStraightToTheBorderUnlessNotIntegrated()
    {
        using Lab lab = await Lab.OpenAsync(new TenantNetworkingOptions());
        Assert.That((await lab.Service.ProbeAsync(new TenantProbe(lab.A, "192.0.2.10", ProbeProtocol.Udp) { FromPortId = lab.A1 })).Request.Frames.Select(f => f.Point), Does.Not.Contain(ObservationPoint.BorderVrf));
        BorderVpn vpn = (await lab.Service.CreateBorderVpnAsync(lab.A, new BorderVpnSpec("dc-gw", "64512:100", ["192.0.2.0/24"]))).Result;
        await lab.Service.AssociateBorderVpnAsync(lab.A, vpn.Id, lab.NetA.Id);
        ProbeResult r = await lab.Service.ProbeAsync(new TenantProbe(lab.A, "192.0.2.10", ProbeProtocol.Udp) { FromPortId = lab.A1 });
        Assert.That(r.Request.Delivered, Is.True, r.Request.DropDetail);
        Assert.That(r.Request.Frames.Single(f => f.Point == ObservationPoint.Underlay).Location, Is.EqualTo("n1 -> border-leaf-1"));
        PacketParser.Parse(r.Request.Frames.Single(f => f.Point == ObservationPoint.TunnelEndpoint).Frame, out ParsedPacket t);
        Assert.That(t.Vni, Is.EqualTo((uint)vpn.L3Vni));
        Assert.That(r.Request.Frames.Last().Point, Is.EqualTo(ObservationPoint.BorderVrf));

        using Lab detached = await Lab.OpenAsync(new TenantNetworkingOptions { FabricControllerIntegrated = false });
        BorderVpn v = (await detached.Service.CreateBorderVpnAsync(detached.A, new BorderVpnSpec("dc-gw", "64512:100", ["192.0.2.0/24"]))).Result;
        await detached.Service.AssociateBorderVpnAsync(detached.A, v.Id, detached.NetA.Id);
        Assert.That(detached.Service.Info.FabricController, Is.Null);
        Assert.That((await detached.Service.ProbeAsync(new TenantProbe(detached.A, "192.0.2.10", ProbeProtocol.Udp) { FromPortId = detached.A1 })).Request.Frames.Select(f => f.Point), Does.Not.Contain(ObservationPoint.BorderVrf));
    }

    [Test]
    public async Task OverlappingTenantNetworksStayApartUnlessTheyShareAVni()
    {
        using Lab lab = await Lab.OpenAsync(new TenantNetworkingOptions());
        ProbeResult r = await lab.Service.ProbeAsync(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Udp) { FromPortId = lab.A1 });
        Assert.That(r.Request.DeliveredToPortId, Is.EqualTo(lab.A2));
        Assert.That(lab.NetA.SegmentationId, Is.Not.EqualTo(lab.NetB.SegmentationId));

        using Lab broken = await Lab.OpenAsync(new TenantNetworkingOptions { SharedVni = true });
        ProbeResult b = await broken.Service.ProbeAsync(new TenantProbe(broken.A, broken.A2Ip, ProbeProtocol.Udp) { FromPortId = broken.A1 });
        Assert.That(b.Request.DeliveredToPortId, Is.Not.EqualTo(broken.A2));
    }

    [Test]
    public async Task UnderlayAddressesAreUnreachableFromTenantsUnlessLeaked()
    {
        using Lab lab = await Lab.OpenAsync(new TenantNetworkingOptions());
        string vtep = lab.Service.Info.Nodes.First().UnderlayAddress;
        Assert.That((await lab.Service.ProbeAsync(new TenantProbe(lab.A, vtep, ProbeProtocol.Icmp) { FromPortId = lab.A1 })).Request.DropReason, Is.EqualTo(ProbeDropReason.UnderlayUnreachable));

        using Lab leak = await Lab.OpenAsync(new TenantNetworkingOptions { UnderlayReachableFromTenants = true });
        Assert.That((await leak.Service.ProbeAsync(new TenantProbe(leak.A, vtep, ProbeProtocol.Icmp) { FromPortId = leak.A1 })).Request.Delivered, Is.True);
    }

    [Test]
    public async Task SharedNetworkIsUsableOnlyAfterRbacAndTrafficStillNeedsARule()
    {
        using Lab lab = await Lab.OpenAsync(new TenantNetworkingOptions());
        Assert.ThrowsAsync<TenantAccessDeniedException>(async () => await lab.Service.CreatePortAsync(lab.B, new PortSpec(lab.NetA.Id, "n3")));
        await lab.Service.ShareNetworkAsync(lab.A, lab.NetA.Id, lab.B);
        TenantPort b = (await lab.Service.CreatePortAsync(lab.B, new PortSpec(lab.NetA.Id, "n3"))).Result;
        ProbeResult denied = await lab.Service.ProbeAsync(new TenantProbe(lab.A, b.FixedIps[0], ProbeProtocol.Udp) { FromPortId = lab.A1 });
        Assert.That(denied.Request.DropReason, Is.EqualTo(ProbeDropReason.SecurityGroupIngress));
        string bDefault = (await lab.Service.ListPortsAsync(lab.B)).Single(p => p.Id == b.Id).SecurityGroupIds[0];
        await lab.Service.AddSecurityGroupRuleAsync(lab.B, bDefault, new SecurityGroupRule(RuleDirection.Ingress, "udp") { RemoteIpPrefix = lab.A1Ip + "/32" });
        Assert.That((await lab.Service.ProbeAsync(new TenantProbe(lab.A, b.FixedIps[0], ProbeProtocol.Udp) { FromPortId = lab.A1 })).Request.DeliveredToPortId, Is.EqualTo(b.Id));
    }

    [Test]
    public async Task UsageIsVisibleOnlyToItsOwnerUnlessConfiguredOtherwise()
    {
        using Lab lab = await Lab.OpenAsync(new TenantNetworkingOptions());
        await lab.Service.ProbeAsync(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Udp) { FromPortId = lab.A1 });
        ProjectUsage usage = await lab.Service.GetUsageAsync(lab.A, lab.A);
        Assert.That(usage.PortTraffic.Single(p => p.PortId == lab.A1).TxPackets, Is.EqualTo(1));
        Assert.ThrowsAsync<TenantAccessDeniedException>(async () => await lab.Service.GetUsageAsync(lab.B, lab.A));
        using Lab open = await Lab.OpenAsync(new TenantNetworkingOptions { UsageVisibleToAll = true });
        Assert.That((await open.Service.GetUsageAsync(open.B, open.A)).Ports, Is.EqualTo(3));
    }

    [Test]
    public async Task AFloodInOneTenantCostsAnotherNothingUnlessTheUplinkQueueIsShared()
    {
        using Lab lab = await Lab.OpenAsync(new TenantNetworkingOptions());
        ContentionResult fair = lab.Contend();
        Assert.That(fair.Victim.LossRatio, Is.Zero);
        PortCounters victimTx = (await lab.Service.GetUsageAsync(lab.A, lab.A)).PortTraffic.Single(p => p.PortId == lab.A1);
        Assert.That(victimTx.TxPackets, Is.EqualTo(fair.Victim.Sent), "every frame of the trial is counted at its source port");
        Assert.That(fair.Attacker.LossRatio, Is.GreaterThan(0.5));

        using Lab shared = await Lab.OpenAsync(new TenantNetworkingOptions { PerTenantQueues = false });
        Assert.That(shared.Contend().Victim.LossRatio, Is.GreaterThan(0.3));
    }

    [Test]
    public async Task EncryptedVolumeStoresCiphertextAndDetectsTamperingUnlessEncryptionIsBroken()
    {
        using Lab lab = await Lab.OpenAsync(new TenantNetworkingOptions());
        byte[] data = Encoding.ASCII.GetBytes("subscriber-records-0123456789");
        TenantVolume v = (await lab.Service.CreateVolumeAsync(lab.A, new VolumeSpec("db", 10))).Result;
        Assert.That((await lab.Service.GetStorageAsync()).AllocatedGiB, Is.EqualTo(10));
        await lab.Service.AttachVolumeAsync(lab.A, v.Id, lab.A1);
        await lab.Service.WriteVolumeAsync(lab.A, v.Id, 8192, data);
        Assert.That(await lab.Service.ReadVolumeAsync(lab.A, v.Id, 8192, data.Length), Is.EqualTo(data));
        Assert.That(Contains(lab.Service.ReadVolumeBackend(v.Id, 0, 16384), data.AsSpan(0, 10).ToArray()), Is.False);
        lab.Service.TamperVolumeBackend(v.Id, 8195);
        Assert.ThrowsAsync<TenantNetworkingException>(async () => await lab.Service.ReadVolumeAsync(lab.A, v.Id, 8192, data.Length));

        using Lab broken = await Lab.OpenAsync(new TenantNetworkingOptions { VolumeEncryptionWorks = false });
        TenantVolume bv = (await broken.Service.CreateVolumeAsync(broken.A, new VolumeSpec("db", 10))).Result;
        await broken.Service.AttachVolumeAsync(broken.A, bv.Id, broken.A1);
        await broken.Service.WriteVolumeAsync(broken.A, bv.Id, 0, data);
        Assert.That(Contains(broken.Service.ReadVolumeBackend(bv.Id, 0, 4096), data), Is.True);
    }

    [Test]
    public async Task MtuUpdateIsEnforcedOnTheNextFrameAndEventsAndTagsAreKept()
    {
        using Lab lab = await Lab.OpenAsync(new TenantNetworkingOptions());
        long before = (await lab.Service.ReadEventsAsync(lab.A, 0)).Max(e => e.Sequence);
        await lab.Service.UpdateNetworkAsync(lab.A, lab.NetA.Id, new NetworkUpdate { Mtu = 600 });
        Assert.That((await lab.Service.ProbeAsync(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Udp) { FromPortId = lab.A1, PayloadBytes = 1000 })).Request.DropReason, Is.EqualTo(ProbeDropReason.ExceedsMtu));
        Assert.That((await lab.Service.ReadEventsAsync(lab.A, before)).Select(e => e.EventType), Is.EqualTo(new[] { "network.update.end" }));
        Assert.That((await lab.Service.ReadEventsAsync(lab.B, 0)).All(e => e.ProjectId == lab.B), Is.True);
        await lab.Service.SetTagsAsync(lab.A, lab.NetA.Id, ["prod", "5g-core"]);
        Assert.That((await lab.Service.ListNetworksAsync(lab.A, new TagFilter { All = ["prod", "5g-core"] })).Select(n => n.Id), Is.EqualTo(new[] { lab.NetA.Id }));
        Assert.That((await lab.Service.ListNetworksAsync(lab.A, new TagFilter { NotAll = ["prod"] })).Select(n => n.Id), Does.Not.Contain(lab.NetA.Id));
        Assert.ThrowsAsync<TenantNetworkingException>(async () => await lab.Service.SetTagsAsync(lab.A, lab.NetA.Id, ["a,b"]));
    }

    [Test]
    public async Task AgentSyncDelayShowsInTheMeasuredTime()
    {
        using TenantNetworkService slow = new(s_nodes, new TenantNetworkingOptions { AgentSyncDelay = TimeSpan.FromMilliseconds(30) });
        string p = (await slow.CreateProjectAsync("p")).Result.Id;
        Assert.That((await slow.CreateNetworkAsync(p, new NetworkSpec("n"))).Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(29)));
    }

    [Test]
    public async Task BadInputNamesTheProblem()
    {
        using TenantNetworkService s = new(s_nodes);
        string p = (await s.CreateProjectAsync("p")).Result.Id;
        string n = (await s.CreateNetworkAsync(p, new NetworkSpec("n"))).Result.Id;
        Assert.That(async () => await s.CreateSubnetAsync(p, new SubnetSpec(n, "10.0.0.1/33")), Throws.InstanceOf<TenantNetworkingException>().With.Message.Contains("10.0.0.0/24"));
        Assert.That(async () => await s.CreatePortAsync(p, new PortSpec(n, "nowhere")), Throws.InstanceOf<TenantNetworkingException>().With.Message.Contains("n1"));
        Assert.That(async () => await s.CreateNetworkAsync("ghost", new NetworkSpec("x")), Throws.InstanceOf<TenantNetworkingException>().With.Message.Contains("CreateProject"));
    }

    private static async Task<int> DistinctOuterPortsAsync(TenantNetworkingOptions options)
    {
        using Lab lab = await Lab.OpenAsync(options);
        HashSet<int> ports = [];
        for (int i = 0; i < 64; i++)
        {
            ProbeResult r = await lab.Service.ProbeAsync(new TenantProbe(lab.A, lab.A2Ip, ProbeProtocol.Udp) { FromPortId = lab.A1, SourcePort = 30000 + i });
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
        private Lab(TenantNetworkingOptions options) => Service = new TenantNetworkService(s_nodes, options, 7);

        public TenantNetworkService Service { get; }

        public static async Task<Lab> OpenAsync(TenantNetworkingOptions options)
        {
            Lab lab = new(options);
            await lab.InitAsync();
            return lab;
        }

        private async Task InitAsync()
        {
            A = (await Service.CreateProjectAsync("a")).Result.Id;
            B = (await Service.CreateProjectAsync("b")).Result.Id;
            string op = (await Service.CreateProjectAsync("operator")).Result.Id;
            ExtNet = (await Service.CreateNetworkAsync(op, new NetworkSpec("public") { External = true })).Result.Id;
            await Service.CreateSubnetAsync(op, new SubnetSpec(ExtNet, "203.0.113.0/24"));
            NetA = (await Service.CreateNetworkAsync(A, new NetworkSpec("a-net"))).Result;
            string subA = (await Service.CreateSubnetAsync(A, new SubnetSpec(NetA.Id, "10.0.0.0/24"))).Result.Id;
            string netA2 = (await Service.CreateNetworkAsync(A, new NetworkSpec("a-net2"))).Result.Id;
            string subA2 = (await Service.CreateSubnetAsync(A, new SubnetSpec(netA2, "10.0.1.0/24"))).Result.Id;
            TenantRouter router = (await Service.CreateRouterAsync(A, new RouterSpec("r") { ExternalNetworkId = ExtNet })).Result;
            RouterGateway = router.ExternalGatewayIp!;
            await Service.AddRouterInterfaceAsync(A, router.Id, subA);
            await Service.AddRouterInterfaceAsync(A, router.Id, subA2);
            TenantPort a1 = (await Service.CreatePortAsync(A, new PortSpec(NetA.Id, "n1"))).Result;
            TenantPort a2 = (await Service.CreatePortAsync(A, new PortSpec(NetA.Id, "n2"))).Result;
            TenantPort a3 = (await Service.CreatePortAsync(A, new PortSpec(netA2, "n2"))).Result;
            (A1, A1Ip, A2, A2Ip, A3Ip) = (a1.Id, a1.FixedIps[0], a2.Id, a2.FixedIps[0], a3.FixedIps[0]);
            NetB = (await Service.CreateNetworkAsync(B, new NetworkSpec("b-net"))).Result;
            await Service.CreateSubnetAsync(B, new SubnetSpec(NetB.Id, "10.0.0.0/24"));
            await Service.CreatePortAsync(B, new PortSpec(NetB.Id, "n3") { FixedIps = [A2Ip] });
            B1 = (await Service.CreatePortAsync(B, new PortSpec(NetB.Id, "n1"))).Result.Id;
            B2Target = (await Service.CreatePortAsync(B, new PortSpec(NetB.Id, "n2"))).Result.FixedIps[0];
        }

        public string A { get; private set; } = string.Empty;

        public string B { get; private set; } = string.Empty;

        public string ExtNet { get; private set; } = string.Empty;

        public TenantNetwork NetA { get; private set; } = null!;

        public TenantNetwork NetB { get; private set; } = null!;

        public string RouterGateway { get; private set; } = string.Empty;

        public string A1 { get; private set; } = string.Empty;

        public string A1Ip { get; private set; } = string.Empty;

        public string A2 { get; private set; } = string.Empty;

        public string A2Ip { get; private set; } = string.Empty;

        public string A3Ip { get; private set; } = string.Empty;

        public string B1 { get; private set; } = string.Empty;

        public string B2Target { get; private set; } = string.Empty;

        public ContentionResult Contend() =>
            Service.RunContention(new ContentionTrial(A1, A2Ip, A, B1, B2Target, B) { Rounds = 50 });

        public void Dispose() => Service.Dispose();
    }
}
