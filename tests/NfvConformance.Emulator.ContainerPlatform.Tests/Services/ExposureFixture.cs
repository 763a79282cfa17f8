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
        HardwareInventory inventory = new([new SiteInfo("core-1", "core", "private")], [], [TestCluster.BasicNode("node-a", 0, "test:0"), TestCluster.BasicNode("node-b", 1, "test:1"), TestCluster.BasicNode("node-c", 2, "test:2")], "test");
        Platform = new ContainerPlatformEmulator(inventory);
        Exposure = new ServiceExposureEmulator(Platform, options);
        Platform.ApplyOk("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: cnf\n  labels: {team: cnf-a}\n");
        Platform.ApplyOk("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: other\n  labels: {team: cnf-b}\n");
        string[] nodes = ["node-a", "node-b", "node-c"];
        for (int i = 0; i < backends; i++)
        {
            Platform.ApplyOk(TestCluster.Pod("cnf", $"web-{i}", nodes[i % 3], labels: "app: web"));
        }

        Platform.ApplyOk(TestCluster.Pod("cnf", "api-0", "node-b", labels: "app: api"));
        Platform.ApplyOk(TestCluster.Pod("cnf", "client", "node-a", labels: "app: client"));
    }

    public ContainerPlatformEmulator Platform { get; }

    public ServiceExposureEmulator Exposure { get; }

    public void Apply(string yaml) => TestCluster.NoneRejected(Exposure.Apply(yaml));

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
