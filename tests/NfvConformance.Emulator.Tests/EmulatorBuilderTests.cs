// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Emulator.Capabilities;

namespace NfvConformance.Emulator.Tests;

public sealed class EmulatorBuilderTests
{
    [Test]
    public void With_EachCall_ReturnsNewBuilderAndLeavesOriginal()
    {
        // Given
        EmulatorBuilder basic = new();

        // When
        EmulatorBuilder hp = basic.WithProfile(Profiles.HighPerformance);

        // Then
        Assert.That(basic.Profile, Is.EqualTo(Profiles.Basic));
        Assert.That(hp.Profile, Is.EqualTo(Profiles.HighPerformance));
        Assert.That(hp, Is.Not.SameAs(basic));
    }

    [Test]
    public async Task Build_WithInventory_TargetIsReadyToDiscover()
    {
        // Given
        EmulatorBuilder builder = new EmulatorBuilder()
            .WithProfile(Profiles.HighPerformance)
            .WithInventory(HardwareInventories.Default(Profiles.HighPerformance));

        // When
        await using ILabTarget target = builder.Build();
        CapabilitySnapshot snapshot = await target.DiscoverAsync();

        // Then
        Assert.That(snapshot.Nodes, Has.Count.EqualTo(4));
    }

    [Test]
    public void Build_DuplicateCatalogueUidAndBadProfile_ThrowsWithEveryProblem()
    {
        // Given
        CapabilityDefinition def = new("RM:e.cap.006", "exposed-capability", "pinning", "Yes/No", new Dictionary<string, string>(), [], "catalog.yaml:1276");
        EmulatorBuilder builder = new EmulatorBuilder().WithProfile("H").WithCatalogue([def, def]);

        // When
        ConfigurationException? ex = Assert.Throws<ConfigurationException>(() => builder.Build());

        // Then
        Assert.That(ex!.Message, Does.Contain("2 problem(s)").And.Contain("unknown profile 'H'").And.Contain("catalog.yaml:1276: capability 'RM:e.cap.006' is defined twice"));
    }

    [Test]
    public void Validate_MalformedInventoryFile_NamesFileLineAndField()
    {
        // Given
        string path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "bad-inventory.yaml");
        File.WriteAllText(path, "sites: [{name: s}]\nnodes:\n  - id: n\n    site: s\n    cpu: {sockets: two, cores_per_socket: 4}\n    numa: [{id: 0, cores: 4, memory_mb: 1024}]\n");

        // When
        IReadOnlyList<ValidationError> errors = new EmulatorBuilder().WithInventoryFile(path).Validate();

        // Then
        Assert.That(errors.Single().ToString(), Is.EqualTo($"{path}:5: field 'nodes[0].cpu.sockets': expected a whole number >= 1, got 'two'."));
    }

    [Test]
    public void Validate_InventoryWithoutNodesOfTheProfile_WarnsWithoutFailing()
    {
        // Given
        EmulatorBuilder builder = new EmulatorBuilder()
            .WithProfile(Profiles.HighPerformance)
            .WithInventory(HardwareInventories.Default(Profiles.Basic));

        // When
        IReadOnlyList<ValidationError> problems = builder.Validate();

        // Then
        Assert.That(problems.Single().IsCritical, Is.False);
        Assert.That(problems.Single().Message, Does.Contain("no node has the profile 'high-performance'").And.Contain("profiles here: basic"));
        Assert.DoesNotThrow(() => builder.Build());
    }
}
