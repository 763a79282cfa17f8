// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ContainerPlatform;

namespace NfvConformance.Emulator.ContainerPlatform.Tests;

public sealed class WorkloadTests
{
    private const string Sriov = """
        apiVersion: k8s.cni.cncf.io/v1
        kind: NetworkAttachmentDefinition
        metadata: {name: vf, namespace: t, annotations: {k8s.v1.cni.cncf.io/resourceName: intel.com/sriov_netdevice}}
        spec: {config: '{"cniVersion": "1.0.0", "type": "sriov", "ipam": {"type": "whereabouts", "range": "10.74.0.0/24"}}'}
        """;

    private const string VfLimits = "    resources: {limits: {intel.com/sriov_netdevice: \"1\"}}";

    [Test]
    public void TheDevicePluginAdvertisesFreeVfsAndHandsOneToAPodThatAsks()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create();
        k8s.ApplyOk(TestCluster.Namespace("t") + "\n---\n" + Sriov);
        List<string> before = k8s.GetHostInterfaces("node-a").Select(i => i.Name).ToList();
        k8s.ApplyOk(TestCluster.Pod("t", "du", "node-a", "k8s.v1.cni.cncf.io/networks: vf", resources: VfLimits));

        ContainerView inside = k8s.Exec("t", "du");
        string pci = (string)k8s.NetworkStatus("t", "du")[1]!["device-info"]!["pci"]!["pci-address"]!;

        Assert.That(k8s.GetNodes().Single(n => n.Name == "node-a").Allocatable["intel.com/sriov_netdevice"], Is.EqualTo("4"));
        Assert.That(k8s.GetNodes().Single(n => n.Name == "node-b").Allocatable.ContainsKey("intel.com/sriov_netdevice"), Is.False);
        Assert.That(inside.Environment["PCIDEVICE_INTEL_COM_SRIOV_NETDEVICE"], Is.EqualTo(pci));
        Assert.That(before.Except(k8s.GetHostInterfaces("node-a").Select(i => i.Name)), Is.EqualTo(new[] { "ens1f0v0" }), "the VF netdev moved into the pod");
    }

    [Test]
    public void WithoutTheResourceThereIsNoVfAndOverCapacityIsUnschedulable()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create();
        k8s.ApplyOk(TestCluster.Namespace("t") + "\n---\n" + Sriov);
        k8s.ApplyOk(TestCluster.Pod("t", "sneaky", "node-a", "k8s.v1.cni.cncf.io/networks: vf"));
        k8s.ApplyOk(TestCluster.Pod("t", "greedy", "node-a", resources: VfLimits.Replace("\"1\"", "\"5\"", StringComparison.Ordinal)));

        Assert.That(k8s.GetPod("t", "sneaky")!.Events, Has.Some.Contains("VF pci addr is required"));
        PodView greedy = k8s.GetPod("t", "greedy")!;
        Assert.That(greedy.Status, Is.EqualTo("Pending"));
        Assert.That(greedy.Conditions[0].Message, Is.EqualTo("0/2 nodes are available: 1 Insufficient intel.com/sriov_netdevice, 1 node(s) didn't match Pod's node affinity/selector."));
    }

    [Test]
    public void WithoutDevicePluginsNothingIsAdvertised()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create(new ContainerPlatformOptions { DevicePlugins = false });
        k8s.ApplyOk(TestCluster.Namespace("t") + "\n---\n" + Sriov);
        k8s.ApplyOk(TestCluster.Pod("t", "du", "node-a", "k8s.v1.cni.cncf.io/networks: vf", resources: VfLimits));

        Assert.That(k8s.GetNodes()[0].Allocatable.ContainsKey("intel.com/sriov_netdevice"), Is.False);
        Assert.That(k8s.GetPod("t", "du")!.Status, Is.EqualTo("Pending"));
    }

    [Test]
    public void ExtendedResourceRequestsMustEqualLimits()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create();
        k8s.ApplyOk(TestCluster.Namespace("t"));
        ApplyResult r = k8s.Apply(TestCluster.Pod("t", "x", "node-a", resources: "    resources: {requests: {intel.com/sriov_netdevice: \"2\"}, limits: {intel.com/sriov_netdevice: \"1\"}}"));

        Assert.That(r.Objects[0].Error, Does.Contain("must be equal to intel.com/sriov_netdevice limit of 1"));
    }

    private static string SidecarPod => """
        apiVersion: v1
        kind: Pod
        metadata: {name: api, namespace: t}
        spec:
          initContainers:
          - {name: init, image: busybox}
          - {name: envoy, image: envoy, restartPolicy: Always}
          containers:
          - {name: app, image: agnhost}
        """;

    [Test]
    public void ANativeSidecarStartsFirstAndSharesThePodNetwork()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create();
        k8s.ApplyOk(TestCluster.Namespace("t"));
        k8s.ApplyOk(SidecarPod);
        PodView pod = k8s.GetPod("t", "api")!;

        Assert.That(pod.Status, Is.EqualTo("Running"));
        Assert.That(pod.InitContainerStatuses.Select(c => c.State), Is.EqualTo(new[] { "terminated", "running" }));
        Assert.That(pod.InitContainerStatuses[1].StartedAt, Is.LessThan(pod.ContainerStatuses[0].StartedAt!.Value));
        Assert.That(k8s.Exec("t", "api", "envoy").NetworkNamespace, Is.EqualTo(k8s.Exec("t", "api", "app").NetworkNamespace));
    }

    [Test]
    public void WithoutSidecarSupportTheProxyBlocksThePod()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create(new ContainerPlatformOptions { SidecarContainers = false });
        k8s.ApplyOk(TestCluster.Namespace("t"));
        k8s.ApplyOk(SidecarPod);
        PodView pod = k8s.GetPod("t", "api")!;

        Assert.That(pod.Status, Is.EqualTo("Init:1/2"));
        Assert.That(pod.ContainerStatuses[0].State, Is.EqualTo("waiting"));
    }

    [Test]
    public void DualStackPodsAndNodesCarryBothFamilies()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create();
        k8s.ApplyOk(TestCluster.Namespace("t"));
        k8s.ApplyOk(TestCluster.Pod("t", "a", "node-a") + "\n---\n" + TestCluster.Pod("t", "b", "node-b"));

        ProbeOutcome v6 = k8s.Probe(new PodProbe("t", "a", "eth0", ProbeProtocol.Icmp, k8s.Ip("t", "b", 1), 0));

        Assert.That(k8s.GetNodes().Select(n => n.PodCidrs.Count), Is.All.EqualTo(2));
        Assert.That((v6.Delivered, v6.ReplyDelivered, v6.SourceSeen), Is.EqualTo((true, true, k8s.Ip("t", "a", 1))));
        Assert.That(k8s.Cluster.ComponentArguments["kube-proxy"], Has.Some.Contains("fd00:10:244::/56"));
    }

    [Test]
    public void ASingleStackClusterHasNoIpv6()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create(new ContainerPlatformOptions { DualStack = false });
        k8s.ApplyOk(TestCluster.Namespace("t"));
        k8s.ApplyOk(TestCluster.Pod("t", "a", "node-a"));

        ProbeOutcome v6 = k8s.Probe(new PodProbe("t", "a", "eth0", ProbeProtocol.Tcp, "fd00:10:244:1::2", 80));

        Assert.That(k8s.GetPod("t", "a")!.PodIps, Has.Count.EqualTo(1));
        Assert.That(k8s.GetNodes()[0].Addresses.Count(a => a.Type == "InternalIP"), Is.EqualTo(1));
        Assert.That(v6.DropReason, Does.Contain("no IPv6 address"));
        Assert.That(k8s.Cluster.ComponentArguments["kube-apiserver"], Has.Some.EqualTo("--service-cluster-ip-range=10.96.0.0/16"));
    }
}
