// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Lifecycle;
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Sites;
using NfvConformance.Abstractions.Targets;

namespace NfvConformance.Emulator.Tests;

public sealed class EmulatorTargetFactoryTests
{
    private static readonly IReadOnlyList<CapabilityDefinition> s_catalogue =
    [
        new("RM:e.cap.013", "exposed-capability", "SR-IOV", "Yes/No",
            new Dictionary<string, string> { ["basic"] = "No", ["high_performance"] = "Yes", ["network_intensive"] = "Yes" },
            ["networking", "sriov"], "catalog.yaml:1557"),
        new("RM:e.cap.001", "exposed-capability", "vCPU", "number",
            new Dictionary<string, string> { ["basic"] = "per selected flavour", ["high_performance"] = "per selected flavour" },
            ["compute"], "catalog.yaml:1103"),
    ];

    private readonly EmulatorTargetFactory _factory = new();

    [Test]
    public void Validate_GoodOptions_NoCriticalProblems()
    {
        // When
        IReadOnlyList<ValidationError> errors = _factory.Validate(new LabTargetOptions { Profile = Profiles.HighPerformance, Catalogue = s_catalogue });

        // Then
        Assert.That(errors, Is.Empty);
        Assert.That(_factory.Name, Is.EqualTo("emulator"));
    }

    [Test]
    public void Validate_UnknownProfileAndSettingAndMissingInventory_ReportsEveryProblem()
    {
        // Given
        LabTargetOptions options = new()
        {
            Profile = "gold",
            Settings = new Dictionary<string, string> { ["colour"] = "blue", ["inventory"] = "/nonexistent/lab.yaml" },
        };

        // When
        IReadOnlyList<ValidationError> errors = _factory.Validate(options);

        // Then
        string all = string.Join("\n", errors);
        Assert.Multiple(() =>
        {
            Assert.That(all, Does.Contain("unknown profile 'gold'; use one of: basic, high-performance, network-intensive"));
            Assert.That(all, Does.Contain("unknown emulator setting 'colour'; known settings: inventory"));
            Assert.That(all, Does.Contain("/nonexistent/lab.yaml: inventory file does not exist"));
            Assert.That(all, Does.Contain("no capability definitions were given"));
            Assert.That(errors.Count(e => e.IsCritical), Is.EqualTo(3));
        });
    }

    [Test]
    public async Task StartAsync_BadProfile_ThrowsConfigurationListingProblems()
    {
        // Given
        ILabTarget target = _factory.Create(new LabTargetOptions { Profile = "gold" });

        // When
        ConfigurationException? ex = Assert.ThrowsAsync<ConfigurationException>(async () => await target.StartAsync());

        // Then
        Assert.That(ex!.Message, Does.Contain("unknown profile 'gold'"));
        await target.DisposeAsync();
    }

    [Test]
    public async Task DiscoverAsync_HighPerformance_PublishesNodesCapabilitiesAndProvenance()
    {
        // Given
        await using ILabTarget target = _factory.Create(new LabTargetOptions { Profile = Profiles.HighPerformance, Catalogue = s_catalogue });
        await target.StartAsync();
        await target.StartAsync();

        // When
        CapabilitySnapshot snapshot = await target.DiscoverAsync();

        // Then
        NodeCapabilities hp1 = snapshot.FindNode("hp-1")!;
        Assert.Multiple(() =>
        {
            Assert.That(target.Name, Is.EqualTo("emulator"));
            Assert.That(snapshot.Profile, Is.EqualTo(Profiles.HighPerformance));
            Assert.That(snapshot.Nodes.Select(n => n.Id), Is.EqualTo(new[] { "hp-1", "hp-2", "edge-h1", "pub-1" }));
            Assert.That(hp1.Site, Is.EqualTo("core-1"));
            Assert.That(hp1.Extensions, Does.Contain("network-smartnic"));
            Assert.That(hp1.Capabilities["RM:e.cap.013"].Raw, Is.EqualTo("Yes"));
            Assert.That(hp1.Capabilities["RM:e.cap.013"].Source, Is.EqualTo("nic:0000:3b:00.0"));
            Assert.That(hp1.Capabilities["RM:e.cap.001"].Source, Is.EqualTo("catalogue:high-performance"));
            Assert.That(hp1.Hardware!.Nics, Has.Count.EqualTo(4), "four NIC ports since commit f9cb68d (RM infra.hw.nic.cfg.001)");
            Assert.That(snapshot.Publishes("RM:e.cap.013"), Is.True);
            Assert.That(snapshot.Publishes("smartnic"), Is.True);
        });
    }

    [Test]
    public async Task DiscoverAsync_Basic_DoesNotPublishSriov()
    {
        // Given
        await using ILabTarget target = _factory.Create(new LabTargetOptions { Profile = Profiles.Basic, Catalogue = s_catalogue });
        await target.StartAsync();

        // When
        CapabilitySnapshot snapshot = await target.DiscoverAsync();

        // Then
        Assert.That(snapshot.Publishes("RM:e.cap.013"), Is.False);
        Assert.That(snapshot.FindNode("basic-1")!.Capabilities["RM:e.cap.013"].TryGetNumber(out _), Is.False);
        Assert.That(snapshot.FindNode("edge-b1")!.Site, Is.EqualTo("edge-1"));
    }

    [Test]
    public async Task DiscoverAsync_BeforeStart_ThrowsNamingStartAsync()
    {
        // Given
        await using ILabTarget target = _factory.Create(new LabTargetOptions());

        // When
        NfvConformanceException? ex = Assert.ThrowsAsync<NfvConformanceException>(async () => await target.DiscoverAsync());

        // Then
        Assert.That(ex!.Message, Does.Contain("StartAsync"));
        Assert.That(target.GetFeature<ICapabilities>(), Is.Null);
    }

    [Test]
    public async Task GetFeature_Started_ReturnsControlPlaneFacets()
    {
        // Given
        await using ILabTarget target = _factory.Create(new LabTargetOptions { Profile = Profiles.HighPerformance });
        await target.StartAsync();

        // When / Then
        Assert.That(target.GetFeature<ICapabilities>(), Is.Not.Null);
        Assert.That(target.GetFeature<IHardwareInventory>(), Is.Not.Null);
        Assert.That(target.GetFeature<INegotiation>(), Is.Not.Null);
        Assert.That(target.GetFeature<IPlacement>(), Is.Not.Null);
        Assert.That(target.GetFeature<IVnfLifecycle>()!.Clock, Is.Not.Null);
        Assert.That(target.GetFeature<ISiteTopology>()!.Sites.Select(s => s.Name), Is.EqualTo(new[] { "core-1", "edge-1", "public-1" }));
        Assert.That(target.GetFeature<IDisposable>(), Is.Null);
    }

    [Test]
    public async Task Create_InventorySetting_UsesThatFile()
    {
        // Given
        string path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "one-node-inventory.yaml");
        await File.WriteAllTextAsync(path, """
            sites: [{name: lab}]
            nodes:
              - id: lab-1
                site: lab
                profile: high-performance
                cpu: {sockets: 1, cores_per_socket: 8, pinning: true}
                numa: [{id: 0, cores: 8, memory_mb: 32768, hugepages_1g: 4}]
                nics: [{name: p0, pci: "0000:01:00.0", speed_gbps: 25, driver: ice, dpdk_bound: true}]
            """);
        await using ILabTarget target = _factory.Create(new LabTargetOptions
        {
            Profile = Profiles.HighPerformance,
            Settings = new Dictionary<string, string> { ["inventory"] = path },
        });

        // When
        await target.StartAsync();
        CapabilitySnapshot snapshot = await target.DiscoverAsync();

        // Then
        Assert.That(snapshot.Nodes.Single().Id, Is.EqualTo("lab-1"));
        Assert.That(snapshot.Publishes("dpdk"), Is.True);
        Assert.That(snapshot.Publishes("sriov"), Is.False);
    }
}
