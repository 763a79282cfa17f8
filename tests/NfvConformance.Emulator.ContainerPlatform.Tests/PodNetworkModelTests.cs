// Licensed under the Apache License, Version 2.0.
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.ContainerPlatform;

namespace NfvConformance.Emulator.ContainerPlatform.Tests;

public sealed class PodNetworkModelTests
{
    [Test]
    public void PodsOnTwoNodesReachEachOtherWithTheirOwnAddresses()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create();
        k8s.ApplyOk(TestCluster.Namespace("t"));
        k8s.ApplyOk(TestCluster.Pod("t", "a", "node-a") + "\n---\n" + TestCluster.Pod("t", "b", "node-b"));

        ProbeOutcome o = k8s.Probe(new PodProbe("t", "a", "eth0", ProbeProtocol.Tcp, k8s.Ip("t", "b"), 8080));

        Assert.That(o.Delivered, Is.True, o.DropReason);
        Assert.That(o.SourceSeen, Is.EqualTo(k8s.Ip("t", "a")));
        Assert.That(o.DestinationSeen, Is.EqualTo(k8s.Ip("t", "b")));
        Assert.That(o.ReplyDelivered, Is.True);
        Assert.That(o.Path, Has.Some.Contains("vxlan"));
    }

    [Test]
    public void AMasqueradingPluginHidesTheSendersPodIp()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create(new ContainerPlatformOptions { MasqueradeBetweenNodes = true });
        k8s.ApplyOk(TestCluster.Namespace("t"));
        k8s.ApplyOk(TestCluster.Pod("t", "a", "node-a") + "\n---\n" + TestCluster.Pod("t", "b", "node-b"));

        ProbeOutcome o = k8s.Probe(new PodProbe("t", "a", "eth0", ProbeProtocol.Udp, k8s.Ip("t", "b"), 53));

        Assert.That(o.Delivered, Is.True);
        Assert.That(o.SourceSeen, Is.EqualTo("192.168.10.11"));
        Assert.That(o.ReplyDelivered, Is.True);
    }

    [Test]
    public void PodIpsReachTheOutsideWithoutNatAndAreReachableFromIt()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create();
        k8s.ApplyOk(TestCluster.Namespace("t"));
        k8s.ApplyOk(TestCluster.Pod("t", "a", "node-a"));

        ProbeOutcome o = k8s.Probe(new PodProbe("t", "a", "eth0", ProbeProtocol.Tcp, "203.0.113.10", 5060));
        ProbeOutcome i = k8s.ProbeFromExternal(new ExternalProbe(ProbeProtocol.Tcp, k8s.Ip("t", "a"), 5060));

        Assert.That((o.Receiver, o.SourceSeen), Is.EqualTo(("external host", k8s.Ip("t", "a"))));
        Assert.That((i.Delivered, i.DestinationSeen, i.ReplyDelivered), Is.EqualTo((true, k8s.Ip("t", "a"), true)));
    }

    [Test]
    public void WithoutNatLessExposureTheOutsideSeesTheNodeAndCannotReachThePod()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create(new ContainerPlatformOptions { NatLessExposure = false });
        k8s.ApplyOk(TestCluster.Namespace("t"));
        k8s.ApplyOk(TestCluster.Pod("t", "a", "node-a"));

        ProbeOutcome o = k8s.Probe(new PodProbe("t", "a", "eth0", ProbeProtocol.Tcp, "203.0.113.10", 5060));
        ProbeOutcome i = k8s.ProbeFromExternal(new ExternalProbe(ProbeProtocol.Tcp, k8s.Ip("t", "a"), 5060));

        Assert.That(o.SourceSeen, Is.EqualTo("192.168.10.11"));
        Assert.That(o.ReplyDelivered, Is.True);
        Assert.That(i.Delivered, Is.False);
        Assert.That(i.DropReason, Does.Contain("does not advertise pod prefixes"));
    }

    [Test]
    public void CniAddCheckDelFollowTheSpecification()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create();
        CniOutcome add = k8s.InvokeCni(new CniInvocation("node-b", CniCommand.Add, "c1", "eth0", "/var/run/netns/c1"));
        JsonNode result = JsonNode.Parse(add.Stdout)!;

        Assert.That(add.ExitCode, Is.Zero, add.Stdout);
        Assert.That((string?)result["cniVersion"], Is.EqualTo("1.0.0"));
        Assert.That(result["ips"]!.AsArray().Select(i => (string?)i!["gateway"]), Is.EqualTo(new[] { "10.244.1.1", "fd00:10:244:1::1" }));
        Assert.That(k8s.InvokeCni(new CniInvocation("node-b", CniCommand.Check, "c1", "eth0", "/var/run/netns/c1")).ExitCode, Is.Zero);
        Assert.That(k8s.InvokeCni(new CniInvocation("node-b", CniCommand.Del, "c1", "eth0", "/var/run/netns/c1")).ExitCode, Is.Zero);
        Assert.That(k8s.InvokeCni(new CniInvocation("node-b", CniCommand.Del, "c1", "eth0", "/var/run/netns/c1")).ExitCode, Is.Zero, "DEL is idempotent");
        Assert.That(k8s.InvokeCni(new CniInvocation("node-b", CniCommand.Check, "c1", "eth0", "/var/run/netns/c1")).ExitCode, Is.Not.Zero);
    }

    [Test]
    public void KubenetHasNoCniConfiguration()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create(new ContainerPlatformOptions { CniDefaultNetwork = false });

        Assert.That(k8s.GetCniConfiguration("node-a"), Is.Empty);
        Assert.That(k8s.Cluster.ComponentArguments["kubelet"], Does.Contain("--network-plugin=kubenet"));
        Assert.That(k8s.InvokeCni(new CniInvocation("node-a", CniCommand.Add, "c1", "eth0", "/x")).ExitCode, Is.Not.Zero);
    }

    [Test]
    public void BadManifestsAreRejectedWithTheFieldNamed()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create();
        ApplyResult r = k8s.Apply("apiVersion: v1\nkind: Pod\nmetadata: {name: x, namespace: nowhere}\nspec: {containers: [{name: c, image: i}]}");
        ApplyResult s = k8s.Apply("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: c}]}");

        Assert.That(r.Objects[0].Error, Does.Contain("namespaces \"nowhere\" not found"));
        Assert.That(s.Objects[0].Error, Does.Contain("spec.containers[0].image: Required value"));
        Assert.That(() => k8s.Apply("a: [b"), Throws.TypeOf<NfvConformance.Abstractions.Errors.NfvConformanceException>().With.Message.Contains("line"));
    }

    [Test]
    public void ReapplyIsUnchangedAndALabelChangeIsConfigured()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create();
        k8s.ApplyOk(TestCluster.Namespace("t"));
        string pod = TestCluster.Pod("t", "a", "node-a");
        k8s.ApplyOk(pod);

        Assert.That(k8s.Apply(pod).Objects[0].Action, Is.EqualTo(ApplyAction.Unchanged));
        Assert.That(k8s.Apply(pod.Replace("app: probe", "app: other", StringComparison.Ordinal)).Objects[0].Action, Is.EqualTo(ApplyAction.Configured));
        Assert.That(k8s.Apply(pod.Replace("agnhost:2.53", "agnhost:2.54", StringComparison.Ordinal)).Objects[0].Action, Is.EqualTo(ApplyAction.Rejected));
    }
}
