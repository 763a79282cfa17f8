// Licensed under the Apache License, Version 2.0.
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Sites;

namespace NfvConformance.Emulator.ContainerPlatform.Tests;

/// <summary>A two-node inventory (one node with an SR-IOV NIC of 4 VFs) and helpers to drive the emulated cluster.</summary>
internal static class TestCluster
{
    private static readonly CpuInfo Cpu = new("Xeon", "x86_64", 1, 8, true, 2.2, true, 1);

    public static HardwareInventory Inventory()
    {
        NodeHardware a = new("node-a", "core-1", "high-performance", [], Cpu, [new NumaNodeInfo(0, 8, 65536, 8, 0)],
            [new NicInfo("ens1f0", "0000:3b:00.0", 25, "ice", 0, ["checksum"], 8, 4, 0, false, false), new NicInfo("ens1f1", "0000:3b:00.1", 25, "vfio-pci", 0, [], 8, 0, 0, true, false)], [], "test:1");
        return new HardwareInventory([new SiteInfo("core-1", "core", "private")], [], [a, BasicNode("node-b", 0, "test:2")], "test");
    }

    /// <summary>A basic-profile node with one 10G virtio NIC (PCI slot 3 + <paramref name="index"/>) and no VFs.</summary>
    public static NodeHardware BasicNode(string name, int index, string source) =>
        new(name, "core-1", "basic", [], Cpu, [new NumaNodeInfo(0, 8, 65536, 0, 0)],
            [new NicInfo("eth0", $"0000:00:0{3 + index}.0", 10, "virtio-pci", 0, [], 4, 0, 0, false, false)], [], source);

    public static ContainerPlatformEmulator Create(ContainerPlatformOptions? options = null) => new(Inventory(), options);

    public static void ApplyOk(this ContainerPlatformEmulator platform, string yaml) => NoneRejected(platform.Apply(yaml));

    public static void NoneRejected(ApplyResult result) =>
        Assert.That(result.Rejected.Select(r => $"{r.Kind} {r.Name}: {r.Error}"), Is.Empty);

    public static string Namespace(string name, string extra = "") => $"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {name}
        {extra}
        """;

    public static string Pod(string ns, string name, string node, string annotations = "", string labels = "app: probe", string resources = "") => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          namespace: {{ns}}
          labels: { {{labels}} }
          annotations: { {{annotations}} }
        spec:
          nodeName: {{node}}
          containers:
          - name: main
            image: registry.k8s.io/e2e-test-images/agnhost:2.53
            args: [netexec]
        {{resources}}
        """;

    public static string Ip(this ContainerPlatformEmulator platform, string ns, string pod, int index = 0) => platform.GetPod(ns, pod)!.PodIps[index];

    public static JsonArray NetworkStatus(this ContainerPlatformEmulator platform, string ns, string pod) =>
        (JsonArray)JsonNode.Parse(platform.GetPod(ns, pod)!.Annotations["k8s.v1.cni.cncf.io/network-status"])!;
}
