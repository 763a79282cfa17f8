// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Requirements;

namespace NfvConformance.Emulator.Capabilities.Tests.Inventory;

public sealed class InventoryReaderTests
{
    private const string Valid = """
        sites:
          - {name: core-1, kind: core, cloud: private}
          - {name: edge-1, kind: edge}
        links:
          - {from: core-1, to: edge-1, latency_ms: 5, bandwidth_gbps: 10}
        nodes:
          - id: n1
            site: core-1
            profile: high-performance
            extensions: [network-smartnic]
            cpu: {model: X, sockets: 2, cores_per_socket: 8, pinning: true, reserved_cores_per_numa: 1}
            numa:
              - {id: 0, cores: 8, memory_mb: 65536, hugepages_1g: 16}
              - {id: 1, cores: 8, memory_mb: 65536, hugepages_2m: 1024}
            nics:
              - {name: p0, pci: "0000:3b:00.0", speed_gbps: 25, driver: ice, numa: 1, offloads: [checksum, vxlan], rss_queues: 8, sriov: {total_vfs: 8, used_vfs: 2}}
            accelerators:
              - {name: qat0, kind: crypto, pci: "0000:3d:00.0", numa: 0, interface: dpdk-cryptodev}
        """;

    [Test]
    public void Parse_ValidInventory_ReadsEveryFact()
    {
        // When
        HardwareInventory inv = HardwareInventories.Parse(Valid, "lab.yaml");

        // Then
        NodeHardware node = inv.Nodes.Single();
        NicInfo nic = node.Nics.Single();
        Assert.Multiple(() =>
        {
            Assert.That(inv.Sites.Select(s => s.Name), Is.EqualTo(new[] { "core-1", "edge-1" }));
            Assert.That(inv.Sites[1].Cloud, Is.EqualTo("private"));
            Assert.That(inv.Links.Single().LatencyMs, Is.EqualTo(5));
            Assert.That(node.Profile, Is.EqualTo(Profiles.HighPerformance));
            Assert.That(node.TotalCores, Is.EqualTo(16));
            Assert.That(node.Numa[0].HugepageMemoryMb, Is.EqualTo(16 * 1024));
            Assert.That(node.Numa[1].HugepageMemoryMb, Is.EqualTo(2048));
            Assert.That(nic.PciAddress, Is.EqualTo("0000:3b:00.0"));
            Assert.That(nic.SriovFreeVfs, Is.EqualTo(6));
            Assert.That(nic.HasOffload("VXLAN"), Is.True);
            Assert.That(node.Accelerators.Single().Interface, Is.EqualTo("dpdk-cryptodev"));
            Assert.That(node.Source, Is.EqualTo("lab.yaml:7"));
        });
    }

    [Test]
    public void Parse_SeveralMistakes_ReportsEveryOneWithLineAndField()
    {
        // Given: an unknown site (line 5), a bad speed and VFs over the total (line 10), an unknown field (line 11)
        const string Yaml = """
            sites:
              - {name: core-1}
            nodes:
              - id: n1
                site: nowhere
                profile: high-performance
                cpu: {sockets: 1, cores_per_socket: 4}
                numa: [{id: 0, cores: 4, memory_mb: 1024}]
                nics:
                  - {name: p0, pci: "0000:01:00.0", speed_gbps: fast, driver: ice, sriov: {total_vfs: 2, used_vfs: 3}}
                colour: blue
            """;

        // When
        (HardwareInventory? inv, IReadOnlyList<ValidationError> errors) = HardwareInventories.TryParse(Yaml, "bad.yaml");

        // Then
        Assert.That(inv, Is.Null);
        string all = string.Join("\n", errors);
        Assert.Multiple(() =>
        {
            Assert.That(all, Does.Contain("bad.yaml:5: field 'nodes[0].site': site 'nowhere' is not defined"));
            Assert.That(all, Does.Contain("bad.yaml:10: field 'nodes[0].nics[0].speed_gbps': expected a whole number >= 1, got 'fast'"));
            Assert.That(all, Does.Contain("field 'nodes[0].nics[0].sriov.used_vfs': 3 used VFs exceed the 2"));
            Assert.That(all, Does.Contain("bad.yaml:11: field 'nodes[0].colour': unknown field"));
            Assert.That(errors, Has.Count.EqualTo(4));
        });
    }

    [Test]
    public void Parse_BrokenYamlSyntax_ThrowsConfigurationNamingFileAndLine()
    {
        // Given
        const string Yaml = "sites:\n  - {name: core-1\nnodes: []\n";

        // When
        ConfigurationException? ex = Assert.Throws<ConfigurationException>(() => HardwareInventories.Parse(Yaml, "broken.yaml"));

        // Then
        Assert.That(ex!.Message, Does.Contain("broken.yaml:").And.Contain("is not valid YAML"));
    }

    [Test]
    public void Parse_NicOnMissingNumaNode_IsReported()
    {
        // Given
        const string Yaml = """
            sites: [{name: s}]
            nodes:
              - id: n
                site: s
                cpu: {sockets: 1, cores_per_socket: 4}
                numa: [{id: 0, cores: 4, memory_mb: 1024}]
                nics: [{name: p0, pci: "0000:01:00.0", speed_gbps: 10, driver: ice, numa: 3}]
            """;

        // When
        (_, IReadOnlyList<ValidationError> errors) = HardwareInventories.TryParse(Yaml, "numa.yaml");

        // Then
        Assert.That(errors.Single().ToString(), Does.StartWith("numa.yaml:7: field 'nodes[0].nics[0].numa': NUMA node 3 is not listed"));
    }

    [TestCase(Profiles.Basic, 3)]
    [TestCase(Profiles.HighPerformance, 4)]
    [TestCase(Profiles.NetworkIntensive, 4)]
    public void Default_EachProfile_ParsesEmbeddedInventory(string profile, int nodes)
    {
        // When
        HardwareInventory inv = HardwareInventories.Default(profile);

        // Then
        Assert.That(inv.Nodes, Has.Count.EqualTo(nodes));
        Assert.That(inv.Nodes.Where(n => n.Site.StartsWith("core", StringComparison.Ordinal)).Select(n => n.Profile), Has.All.EqualTo(profile));
    }

    [Test]
    public void Default_UnknownProfile_ThrowsNamingKnownProfiles()
    {
        // When
        ConfigurationException? ex = Assert.Throws<ConfigurationException>(() => HardwareInventories.Default("gold"));

        // Then
        Assert.That(ex!.Message, Does.Contain("'gold'").And.Contain("basic, high-performance, network-intensive"));
    }

    [Test]
    public void Load_MissingFile_ThrowsConfiguration()
    {
        // When / Then
        Assert.Throws<ConfigurationException>(() => HardwareInventories.Load("/nonexistent/inventory.yaml"));
    }
}
