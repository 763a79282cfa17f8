// Licensed under the Apache License, Version 2.0.
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.ContainerPlatform;

namespace NfvConformance.Emulator.ContainerPlatform.Tests;

public sealed class SecondaryNetworkTests
{
    private const string Macvlan = """
        apiVersion: k8s.cni.cncf.io/v1
        kind: NetworkAttachmentDefinition
        metadata: {name: mv, namespace: t}
        spec:
          config: '{"cniVersion": "1.0.0", "type": "macvlan", "mode": "bridge", "capabilities": {"mac": true, "ips": false},
                    "ipam": {"type": "whereabouts", "ipRanges": [{"range": "192.168.50.0/24"}, {"range": "fd00:50::/64"}], "gateway": "192.168.50.1"}}'
        """;

    private const string Ipvlan = """
        apiVersion: k8s.cni.cncf.io/v1
        kind: NetworkAttachmentDefinition
        metadata: {name: iv, namespace: t}
        spec:
          config: '{"cniVersion": "0.4.0", "type": "ipvlan", "ipam": {"type": "static", "addresses": [{"address": "10.77.0.5/24", "gateway": "10.77.0.1"}]}}'
        """;

    [Test]
    public void MetaPluginAttachesSeveralPluginsAndReportsNetworkStatus()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create();
        k8s.ApplyOk(TestCluster.Namespace("t"));
        k8s.ApplyOk(Macvlan + "\n---\n" + Ipvlan);
        k8s.ApplyOk(TestCluster.Pod("t", "a", "node-a", "k8s.v1.cni.cncf.io/networks: 'mv, t/iv@data0'"));

        JsonArray status = k8s.NetworkStatus("t", "a");
        PodView pod = k8s.GetPod("t", "a")!;

        Assert.That(pod.Status, Is.EqualTo("Running"), string.Join("\n", pod.Events));
        Assert.That(status.Select(s => (string?)s!["interface"]), Is.EqualTo(new[] { "eth0", "net1", "data0" }));
        Assert.That(status.Select(s => (string?)s!["name"]), Is.EqualTo(new[] { ContainerPlatformEmulator.DefaultNetwork, "t/mv", "t/iv" }));
        Assert.That(status[1]!["ips"]!.AsArray().Select(i => (string?)i), Is.EqualTo(new[] { "192.168.50.2", "fd00:50::1" }));
        Assert.That((bool?)status[0]!["default"], Is.True);
        Assert.That(k8s.Exec("t", "a").Interfaces.Select(i => i.Name), Is.EqualTo(new[] { "eth0", "net1", "data0" }));
    }

    [Test]
    public void JsonSelectionHonoursInterfaceMacAndDefaultRoute()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create();
        k8s.ApplyOk(TestCluster.Namespace("t"));
        k8s.ApplyOk(Macvlan);
        k8s.ApplyOk(TestCluster.Pod("t", "a", "node-a", """k8s.v1.cni.cncf.io/networks: '[{"name": "mv", "interface": "sig0", "mac": "02:11:22:33:44:55", "default-route": ["192.168.50.1"]}]'"""));

        JsonArray status = k8s.NetworkStatus("t", "a");
        ContainerView view = k8s.Exec("t", "a");

        Assert.That((string?)status[1]!["interface"], Is.EqualTo("sig0"));
        Assert.That((string?)status[1]!["mac"], Is.EqualTo("02:11:22:33:44:55"));
        Assert.That((bool?)status[1]!["default"], Is.True);
        Assert.That(status[0]!["default"], Is.Null);
        Assert.That(view.Routes.Single(r => r.Destination == "default" && r.Family == "IPv4").Interface, Is.EqualTo("sig0"));
    }

    [Test]
    public void AMissingNetworkLeavesThePodCreatingWithTheReason()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create();
        k8s.ApplyOk(TestCluster.Namespace("t"));
        k8s.ApplyOk(TestCluster.Pod("t", "a", "node-a", "k8s.v1.cni.cncf.io/networks: nope"));

        PodView pod = k8s.GetPod("t", "a")!;

        Assert.That(pod.Status, Is.EqualTo("ContainerCreating"));
        Assert.That(pod.Events, Has.Some.Contains("cannot find a network-attachment-definition (nope) in namespace (t)"));
    }

    [Test]
    public void WhereaboutsNeverHandsOutAnAddressTwiceAcrossNodes()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create();
        k8s.ApplyOk(TestCluster.Namespace("t"));
        k8s.ApplyOk(Macvlan);
        k8s.ApplyOk(TestCluster.Pod("t", "a", "node-a", "k8s.v1.cni.cncf.io/networks: mv") + "\n---\n" + TestCluster.Pod("t", "b", "node-b", "k8s.v1.cni.cncf.io/networks: mv"));

        string a = (string)k8s.NetworkStatus("t", "a")[1]!["ips"]![0]!;
        string b = (string)k8s.NetworkStatus("t", "b")[1]!["ips"]![0]!;
        ProbeOutcome o = k8s.Probe(new PodProbe("t", "a", "net1", ProbeProtocol.Udp, b, 9));

        Assert.That(a, Is.Not.EqualTo(b));
        Assert.That((o.Delivered, o.Receiver, o.SourceSeen), Is.EqualTo((true, "pod t/b net1", a)));
    }

    [Test]
    public void NodeLocalIpamHandsOutTheSameAddressOnTwoNodes()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create(new ContainerPlatformOptions { ClusterWideIpam = false });
        k8s.ApplyOk(TestCluster.Namespace("t"));
        k8s.ApplyOk(Macvlan);
        k8s.ApplyOk(TestCluster.Pod("t", "a", "node-a", "k8s.v1.cni.cncf.io/networks: mv") + "\n---\n" + TestCluster.Pod("t", "b", "node-b", "k8s.v1.cni.cncf.io/networks: mv"));

        Assert.That((string?)k8s.NetworkStatus("t", "a")[1]!["ips"]![0], Is.EqualTo((string?)k8s.NetworkStatus("t", "b")[1]!["ips"]![0]));
    }

    [Test]
    public void WithoutTheMetaPluginTheCrdIsNotServed()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create(new ContainerPlatformOptions { MetaPlugin = false });
        k8s.ApplyOk(TestCluster.Namespace("t"));

        Assert.That(k8s.Apply(Macvlan).Objects[0].Error, Does.Contain("no matches for kind \"NetworkAttachmentDefinition\""));
    }

    [Test]
    public void AnUnknownPluginTypeIsNamedInTheEvent()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create();
        k8s.ApplyOk(TestCluster.Namespace("t"));
        k8s.ApplyOk(Macvlan.Replace("macvlan", "frobnicate", StringComparison.Ordinal));
        k8s.ApplyOk(TestCluster.Pod("t", "a", "node-a", "k8s.v1.cni.cncf.io/networks: mv"));

        Assert.That(k8s.GetPod("t", "a")!.Events, Has.Some.Contains("failed to find plugin \"frobnicate\""));
    }

    [Test]
    public void PodsLeaveHostInterfacesAloneExceptTheirOwnVeth()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create();
        k8s.ApplyOk(TestCluster.Namespace("t"));
        k8s.ApplyOk(Macvlan);
        List<string> before = Describe(k8s, "node-a");
        k8s.ApplyOk(TestCluster.Pod("t", "a", "node-a", "k8s.v1.cni.cncf.io/networks: mv"));
        List<string> during = Describe(k8s, "node-a");
        k8s.Delete("Pod", "t", "a");

        Assert.That(during.Except(before).Select(i => i.Split('|')[1]), Is.EqualTo(new[] { "veth" }));
        Assert.That(before.Except(during), Is.Empty);
        Assert.That(Describe(k8s, "node-a"), Is.EqualTo(before));
    }

    private static List<string> Describe(ContainerPlatformEmulator k8s, string node) =>
        k8s.GetHostInterfaces(node).Select(i => $"{i.Name}|{i.Kind}|{i.Mac}|{i.Mtu}|{i.Up}|{string.Join(",", i.Addresses)}").ToList();

    [Test]
    public void ADisturbingPluginChangesTheMasterAndLeaksTheVeth()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create(new ContainerPlatformOptions { DisturbHostInterfaces = true });
        k8s.ApplyOk(TestCluster.Namespace("t"));
        k8s.ApplyOk(Macvlan);
        IReadOnlyList<HostInterface> before = k8s.GetHostInterfaces("node-a");
        k8s.ApplyOk(TestCluster.Pod("t", "a", "node-a", "k8s.v1.cni.cncf.io/networks: mv"));
        k8s.Delete("Pod", "t", "a");

        Assert.That(k8s.GetHostInterfaces("node-a").Single(i => i.Name == "ens1f0").Mtu, Is.EqualTo(9000));
        Assert.That(k8s.GetHostInterfaces("node-a").Count, Is.EqualTo(before.Count + 1));
    }
}
