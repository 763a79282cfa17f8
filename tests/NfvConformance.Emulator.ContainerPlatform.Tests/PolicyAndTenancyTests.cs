// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ContainerPlatform;

namespace NfvConformance.Emulator.ContainerPlatform.Tests;

public sealed class PolicyAndTenancyTests
{
    private const string DenyIngressExceptWeb = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: db, namespace: t}
        spec:
          podSelector: {matchLabels: {app: db}}
          ingress:
          - from: [{podSelector: {matchLabels: {app: web}}}]
            ports: [{port: 5432}]
        """;

    private static ContainerPlatformEmulator Shop(ContainerPlatformOptions? options = null)
    {
        ContainerPlatformEmulator k8s = TestCluster.Create(options);
        k8s.ApplyOk(TestCluster.Namespace("t"));
        k8s.ApplyOk(TestCluster.Pod("t", "db", "node-b", labels: "app: db") + "\n---\n" + TestCluster.Pod("t", "web", "node-a", labels: "app: web") + "\n---\n" + TestCluster.Pod("t", "batch", "node-a", labels: "app: batch"));
        return k8s;
    }

    [Test]
    public void AnEnforcingPluginDropsWhatNoRuleAdmits()
    {
        ContainerPlatformEmulator k8s = Shop();
        Assert.That(k8s.Probe(new PodProbe("t", "batch", "eth0", ProbeProtocol.Tcp, k8s.Ip("t", "db"), 5432)).Delivered, Is.True, "open before any policy");
        k8s.ApplyOk(DenyIngressExceptWeb);

        ProbeOutcome web = k8s.Probe(new PodProbe("t", "web", "eth0", ProbeProtocol.Tcp, k8s.Ip("t", "db"), 5432));
        ProbeOutcome webUdp = k8s.Probe(new PodProbe("t", "web", "eth0", ProbeProtocol.Udp, k8s.Ip("t", "db"), 5432));
        ProbeOutcome batch = k8s.Probe(new PodProbe("t", "batch", "eth0", ProbeProtocol.Tcp, k8s.Ip("t", "db"), 5432));

        Assert.That(web.Delivered && web.ReplyDelivered, Is.True, web.DropReason);
        Assert.That(webUdp.Delivered, Is.False, "the rule's port defaults to TCP");
        Assert.That(batch.Delivered, Is.False);
        Assert.That(batch.DropReason, Does.Contain("t/db"));
    }

    [Test]
    public void ANonEnforcingPluginAcceptsPoliciesAndIgnoresThem()
    {
        ContainerPlatformEmulator k8s = Shop(new ContainerPlatformOptions { EnforceNetworkPolicy = false });
        k8s.ApplyOk(DenyIngressExceptWeb);

        Assert.That(k8s.Probe(new PodProbe("t", "batch", "eth0", ProbeProtocol.Tcp, k8s.Ip("t", "db"), 5432)).Delivered, Is.True);
    }

    [Test]
    public void RepliesPassAStatefulPolicyButNotAStatelessOne()
    {
        const string denyWeb = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web, namespace: t}\nspec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress]}";
        ContainerPlatformEmulator stateful = Shop();
        ContainerPlatformEmulator stateless = Shop(new ContainerPlatformOptions { StatefulPolicy = false });
        stateful.ApplyOk(denyWeb);
        stateless.ApplyOk(denyWeb);

        ProbeOutcome a = stateful.Probe(new PodProbe("t", "web", "eth0", ProbeProtocol.Tcp, stateful.Ip("t", "db"), 5432));
        ProbeOutcome b = stateless.Probe(new PodProbe("t", "web", "eth0", ProbeProtocol.Tcp, stateless.Ip("t", "db"), 5432));

        Assert.That((a.Delivered, a.ReplyDelivered), Is.EqualTo((true, true)));
        Assert.That((b.Delivered, b.ReplyDelivered), Is.EqualTo((true, false)));
        Assert.That(b.ReplyDropReason, Does.Contain("ingress of pod t/web"));
    }

    [Test]
    public void EgressIpBlockHonoursItsException()
    {
        ContainerPlatformEmulator k8s = Shop();
        k8s.ApplyOk("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: out, namespace: t}\nspec:\n  podSelector: {matchLabels: {app: batch}}\n  policyTypes: [Egress]\n  egress: [{to: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.0/28]}}]}]");

        Assert.That(k8s.Probe(new PodProbe("t", "batch", "eth0", ProbeProtocol.Udp, "203.0.113.10", 53)).DropReason, Does.Contain("egress of pod t/batch"));
        Assert.That(k8s.Probe(new PodProbe("t", "web", "eth0", ProbeProtocol.Udp, "203.0.113.10", 53)).Delivered, Is.True);
    }

    [Test]
    public void InvalidPoliciesAreRefused()
    {
        ContainerPlatformEmulator k8s = Shop();
        ApplyResult r = k8s.Apply("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: t}\nspec: {podSelector: {}, policyTypes: [Sideways]}");

        Assert.That(r.Objects[0].Error, Does.Contain("spec.policyTypes: Unsupported value: \"Sideways\""));
    }

    private const string Pools = """
        apiVersion: projectcalico.org/v3
        kind: IPPool
        metadata: {name: red}
        spec: {cidr: 10.150.0.0/22}
        ---
        apiVersion: projectcalico.org/v3
        kind: IPPool
        metadata: {name: red6}
        spec: {cidr: "fd00:150::/112"}
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: red
          annotations: {cni.projectcalico.org/ipv4pools: '["red"]', cni.projectcalico.org/ipv6pools: '["red6"]'}
        """;

    [Test]
    public void ATenantNamespaceTakesAddressesFromItsPool()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create();
        k8s.ApplyOk(Pools);
        k8s.ApplyOk(TestCluster.Pod("red", "a", "node-a") + "\n---\n" + TestCluster.Pod("red", "b", "node-b"));

        Assert.That(k8s.GetPod("red", "a")!.PodIps, Is.EqualTo(new[] { "10.150.0.2", "fd00:150::2" }));
        Assert.That(k8s.GetPod("red", "b")!.PodIps[0], Does.StartWith("10.150.0.6"), "node-b gets the next /26 block");
    }

    [Test]
    public void WithoutNamespacePoolsTenantsShareTheDefaultPool()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create(new ContainerPlatformOptions { NamespacePools = false });
        k8s.ApplyOk(Pools);
        k8s.ApplyOk(TestCluster.Pod("red", "a", "node-a"));

        Assert.That(k8s.GetPod("red", "a")!.PodIps[0], Does.StartWith("10.244."));
    }

    [Test]
    public void OverlappingPoolsAreRefused()
    {
        ContainerPlatformEmulator k8s = TestCluster.Create();
        k8s.ApplyOk(Pools);

        Assert.That(k8s.Apply("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: x}\nspec: {cidr: 10.150.1.0/24}").Objects[0].Error, Does.Contain("overlaps IPPool red"));
        Assert.That(k8s.Apply("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: y}\nspec: {cidr: 192.168.10.0/24}").Objects[0].Error, Does.Contain("node node-a"));
    }

    [Test]
    public void NamespaceIsolationRefusesAnotherTenantsNetworkUnlessTurnedOff()
    {
        foreach (bool isolation in new[] { true, false })
        {
            ContainerPlatformEmulator k8s = TestCluster.Create(new ContainerPlatformOptions { NamespaceIsolation = isolation });
            k8s.ApplyOk(TestCluster.Namespace("a") + "\n---\n" + TestCluster.Namespace("b"));
            k8s.ApplyOk("apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata: {name: n, namespace: a}\nspec: {config: '{\"cniVersion\": \"1.0.0\", \"type\": \"macvlan\"}'}");
            k8s.ApplyOk(TestCluster.Pod("b", "p", "node-a", "k8s.v1.cni.cncf.io/networks: a/n"));

            Assert.That(k8s.GetPod("b", "p")!.Status, Is.EqualTo(isolation ? "ContainerCreating" : "Running"));
        }
    }
}
