// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.ServiceExposure;
using NfvConformance.Abstractions.Sites;
using NfvConformance.Emulator.ContainerPlatform.ServiceExposure;

namespace NfvConformance.Emulator.ContainerPlatform.Tests.Services;

/// <summary>A three-node cluster with a namespace "cnf", backends "web-0..2" (one per node, app=web) and a client pod.</summary>
internal sealed class ExposureFixture
{
    public ExposureFixture(ServiceExposureOptions? options = null, int backends = 3)
    {
        CpuInfo cpu = new("Xeon", "x86_64", 1, 8, true, 2.2, true, 1);
        NodeHardware Node(string name, int i) => new(name, "core-1", "basic", [], cpu, [new NumaNodeInfo(0, 8, 65536, 0, 0)],
            [new NicInfo("eth0", $"0000:00:0{3 + i}.0", 10, "virtio-pci", 0, [], 4, 0, 0, false, false)], [], $"test:{i}");
        HardwareInventory inventory = new([new SiteInfo("core-1", "core", "private")], [], [Node("node-a", 0), Node("node-b", 1), Node("node-c", 2)], "test");
        Platform = new ContainerPlatformEmulator(inventory);
        Exposure = new ServiceExposureEmulator(Platform, options);
        ApplyPlatform("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: cnf\n  labels: {team: cnf-a}\n");
        ApplyPlatform("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: other\n  labels: {team: cnf-b}\n");
        string[] nodes = ["node-a", "node-b", "node-c"];
        for (int i = 0; i < backends; i++)
        {
            ApplyPlatform(Pod("cnf", $"web-{i}", nodes[i % 3], "app: web"));
        }

        ApplyPlatform(Pod("cnf", "api-0", "node-b", "app: api"));
        ApplyPlatform(Pod("cnf", "client", "node-a", "app: client"));
    }

    public ContainerPlatformEmulator Platform { get; }

    public ServiceExposureEmulator Exposure { get; }

    public static string Pod(string ns, string name, string node, string labels) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          namespace: {{ns}}
          labels: { {{labels}} }
        spec:
          nodeName: {{node}}
          containers:
          - name: main
            image: registry.k8s.io/e2e-test-images/agnhost:2.53
            args: [netexec]
        """;

    public void ApplyPlatform(string yaml)
    {
        ApplyResult result = Platform.Apply(yaml);
        Assert.That(result.Rejected.Select(r => $"{r.Kind} {r.Name}: {r.Error}"), Is.Empty);
    }

    public void Apply(string yaml)
    {
        ApplyResult result = Exposure.Apply(yaml);
        Assert.That(result.Rejected.Select(r => $"{r.Kind} {r.Name}: {r.Error}"), Is.Empty);
    }

    public string PodIp(string ns, string pod, int index = 0) => Platform.GetPod(ns, pod)!.PodIps[index];

    public static string Service(string name, string type, string extra = "", string selector = "app: web", int port = 80, int targetPort = 8080, string protocol = "TCP") => $$"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {{name}}
          namespace: cnf
        spec:
          type: {{type}}
          selector: { {{selector}} }
          ports:
          - name: p
            protocol: {{protocol}}
            port: {{port}}
            targetPort: {{targetPort}}
        {{extra}}
        """;
}
