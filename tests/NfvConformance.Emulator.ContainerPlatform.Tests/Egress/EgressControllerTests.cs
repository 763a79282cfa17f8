// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using NfvConformance.Abstractions.ServiceExposure;
using NfvConformance.Emulator.ContainerPlatform.ServiceExposure;
using NfvConformance.Emulator.ContainerPlatform.Tests.Services;

namespace NfvConformance.Emulator.ContainerPlatform.Tests.Egress;

public sealed class EgressControllerTests
{
    private static string Policy(string name, string body) => $"""
        apiVersion: egress.nfvc.io/v1alpha1
        kind: EgressPolicy
        metadata: {"{"}name: {name}{"}"}
        spec:
        {body}
        """;

    private static int Vlan(byte[] frame) =>
        BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)) == 0x8100 ? BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(14)) & 0x0FFF : 0;

    [Test]
    public void EgressIps_FlowsLeaveFromTheSetConsistently_SpreadOverSeveral()
    {
        ExposureFixture fx = new();
        fx.Apply(Policy("cnf-a", "  namespaceSelector: {matchLabels: {team: cnf-a}}\n  egressIPs: [192.0.2.200, 192.0.2.201]\n  vrf: oam"));

        var seen = Enumerable.Range(0, 40).Select(i => fx.Exposure.ProbeEgress(new EgressProbe("cnf", "client", "198.51.100.10", 443, ServiceProtocol.Tcp, 30000 + i))).ToList();
        var again = fx.Exposure.ProbeEgress(new EgressProbe("cnf", "client", "198.51.100.10", 443, ServiceProtocol.Tcp, 30000));

        Assert.That(seen.All(o => o.Delivered), Is.True, seen.FirstOrDefault(o => !o.Delivered)?.DropReason);
        Assert.That(seen.Select(o => o.SourceSeen).Distinct(), Is.EquivalentTo(new[] { "192.0.2.200", "192.0.2.201" }));
        Assert.That(again.SourceSeen, Is.EqualTo(seen[0].SourceSeen));
        Assert.That(seen.Select(o => o.EgressNode).Distinct().Count(), Is.EqualTo(2));
    }

    [Test]
    public void WithoutEgressSource_TrafficLeavesFromTheNode()
    {
        ExposureFixture fx = new(new ServiceExposureOptions { ApplyEgressSource = false });
        fx.Apply(Policy("cnf-a", "  namespaceSelector: {matchLabels: {team: cnf-a}}\n  egressIPs: [192.0.2.200]\n  vrf: oam"));

        Assert.That(fx.Exposure.ProbeEgress(new EgressProbe("cnf", "client", "198.51.100.10", 443, ServiceProtocol.Tcp)).SourceSeen, Does.StartWith("192.168.10."));
    }

    [Test]
    public void PreserveSource_LeavesWithThePodAddress()
    {
        ExposureFixture fx = new();
        fx.Apply(Policy("keep", "  namespaceSelector: {matchLabels: {team: cnf-a}}\n  preserveSourceIP: true\n  vrf: media"));

        EgressProbeOutcome o = fx.Exposure.ProbeEgress(new EgressProbe("cnf", "client", "100.64.1.1", 5004, ServiceProtocol.Udp));

        Assert.That((o.Delivered, o.SourceSeen, o.Vrf), Is.EqualTo((true, fx.Platform.Ip("cnf", "client"), "media")));
    }

    [Test]
    public void ServiceRef_SameVipInAndOut()
    {
        ExposureFixture fx = new();
        fx.Apply(ExposureFixture.Service("web", "LoadBalancer", selector: "app: web"));
        fx.Apply(Policy("vip", "  namespaceSelector: {matchLabels: {team: cnf-a}}\n  podSelector: {matchLabels: {app: web}}\n  serviceRef: {namespace: cnf, name: web}\n  vrf: signalling"));
        string vip = fx.Exposure.GetService("cnf", "web")!.LoadBalancerIngress[0];

        EgressProbeOutcome o = fx.Exposure.ProbeEgress(new EgressProbe("cnf", "web-1", "192.0.2.9", 3868, ServiceProtocol.Tcp));

        Assert.That((o.Delivered, o.SourceSeen), Is.EqualTo((true, vip)), o.DropReason);
        Assert.That(fx.Exposure.GetExternalRoutes().Where(r => r.Prefix == vip + "/32").Select(r => r.Node), Does.Contain(o.EgressNode));
    }

    [Test]
    public void Vrfs_TagTheirVlan_AndKeepOverlappingDestinationsApart()
    {
        ExposureFixture fx = new();
        fx.Apply(Policy("oam", "  namespaceSelector: {matchLabels: {team: cnf-a}}\n  egressIPs: [192.0.2.210]\n  vrf: oam"));
        fx.Apply(Policy("sig", "  namespaceSelector: {matchLabels: {team: cnf-b}}\n  egressIPs: [192.0.2.220]\n  vrf: signalling"));
        fx.Platform.ApplyOk(TestCluster.Pod("other", "sig-0", "node-c", labels: "app: sig"));

        EgressProbeOutcome oam = fx.Exposure.ProbeEgress(new EgressProbe("cnf", "client", "198.51.100.10", 161, ServiceProtocol.Udp));
        EgressProbeOutcome sig = fx.Exposure.ProbeEgress(new EgressProbe("other", "sig-0", "198.51.100.10", 3868, ServiceProtocol.Tcp));

        Assert.That((oam.Vrf, Vlan(oam.CapturedFrame), oam.SourceSeen), Is.EqualTo(("oam", 110, "192.0.2.210")));
        Assert.That((sig.Vrf, Vlan(sig.CapturedFrame), sig.SourceSeen), Is.EqualTo(("signalling", 120, "192.0.2.220")));
    }

    [Test]
    public void SharedTable_SendsSignallingTrafficIntoOam()
    {
        ExposureFixture fx = new(new ServiceExposureOptions { SeparateVrfs = false });
        fx.Apply(Policy("sig", "  namespaceSelector: {matchLabels: {team: cnf-b}}\n  egressIPs: [192.0.2.220]\n  vrf: signalling"));
        fx.Platform.ApplyOk(TestCluster.Pod("other", "sig-0", "node-c", labels: "app: sig"));

        Assert.That(fx.Exposure.ProbeEgress(new EgressProbe("other", "sig-0", "198.51.100.10", 3868, ServiceProtocol.Tcp)).Vrf, Is.EqualTo("oam"));
    }

    [Test]
    public void Untagged_LandsInTheDefaultNetwork()
    {
        ExposureFixture fx = new(new ServiceExposureOptions { TagEgressVlans = false });
        fx.Apply(Policy("oam", "  namespaceSelector: {matchLabels: {team: cnf-a}}\n  egressIPs: [192.0.2.210]\n  vrf: oam"));

        EgressProbeOutcome o = fx.Exposure.ProbeEgress(new EgressProbe("cnf", "client", "198.51.100.10", 161, ServiceProtocol.Udp));

        Assert.That((o.Vrf, Vlan(o.CapturedFrame)), Is.EqualTo(("default", 0)));
    }

    [Test]
    public void BadPolicies_AreRejectedWithTheField()
    {
        ExposureFixture fx = new();

        Assert.That(fx.Exposure.Apply(Policy("a", "  namespaceSelector: {matchLabels: {team: x}}\n  egressIPs: [10.244.0.9]")).Rejected.Single().Error, Does.Contain("spec.egressIPs"));
        Assert.That(fx.Exposure.Apply(Policy("b", "  namespaceSelector: {matchLabels: {team: x}}\n  egressIPs: [192.0.2.1]\n  vrf: nowhere")).Rejected.Single().Error, Does.Contain("spec.vrf"));
        Assert.That(fx.Exposure.Apply(Policy("c", "  egressIPs: [192.0.2.1]")).Rejected.Single().Error, Does.Contain("namespaceSelector"));
    }

    [Test]
    public void NoController_PolicyRejected()
    {
        ExposureFixture fx = new(new ServiceExposureOptions { EgressController = false });

        Assert.That(fx.Exposure.Info.EgressController, Is.False);
        Assert.That(fx.Exposure.Apply(Policy("a", "  namespaceSelector: {matchLabels: {team: x}}\n  egressIPs: [192.0.2.1]")).Rejected.Single().Error, Does.Contain("no egress controller"));
    }
}
