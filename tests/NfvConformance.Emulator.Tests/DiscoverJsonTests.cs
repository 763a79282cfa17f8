// Licensed under the Apache License, Version 2.0.
using System.Text.Json;
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Targets;

namespace NfvConformance.Emulator.Tests;

/// <summary>The <c>nfvc discover --json</c> contract (issue 3) over the emulator's snapshot.</summary>
public sealed class DiscoverJsonTests
{
    [Test]
    public async Task ToJson_HighPerformanceEmulator_HasContractShapeWithNicsAcceleratorsAndProvenance()
    {
        // Given
        await using ILabTarget target = new EmulatorTargetFactory().Create(new LabTargetOptions { Profile = Profiles.HighPerformance });
        await target.StartAsync();
        CapabilitySnapshot snapshot = await target.DiscoverAsync();

        // When
        using JsonDocument doc = JsonDocument.Parse(CapabilitySnapshotJson.ToJson(snapshot));

        // Then
        JsonElement root = doc.RootElement;
        JsonElement hp1 = root.GetProperty("nodes")[0];
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("profile").GetString(), Is.EqualTo("high-performance"));
            Assert.That(root.GetProperty("nodes").GetArrayLength(), Is.EqualTo(4));
            Assert.That(hp1.GetProperty("id").GetString(), Is.EqualTo("hp-1"));
            Assert.That(hp1.GetProperty("site").GetString(), Is.EqualTo("core-1"));
            Assert.That(hp1.GetProperty("capabilities").GetProperty("RM:e.cap.013").GetString(), Is.EqualTo("Yes"));
            Assert.That(hp1.GetProperty("nics")[2].GetProperty("smartnic").GetBoolean(), Is.True);
            Assert.That(hp1.GetProperty("nics")[0].GetProperty("sriov").GetProperty("free_vfs").GetInt32(), Is.EqualTo(16));
            Assert.That(hp1.GetProperty("accelerators")[0].GetProperty("kind").GetString(), Is.EqualTo("crypto"));
            Assert.That(hp1.GetProperty("provenance").GetProperty("RM:e.cap.013").GetProperty("source").GetString(), Is.EqualTo("nic:0000:3b:00.0"));
        });
    }

    [Test]
    public async Task ToJson_SameTargetTwice_IdenticalText()
    {
        // Given
        LabTargetOptions options = new() { Profile = Profiles.Basic };
        await using ILabTarget a = new EmulatorTargetFactory().Create(options);
        await using ILabTarget b = new EmulatorTargetFactory().Create(options);
        await a.StartAsync();
        await b.StartAsync();

        // When
        string first = CapabilitySnapshotJson.ToJson(await a.DiscoverAsync());
        string second = CapabilitySnapshotJson.ToJson(await b.DiscoverAsync());

        // Then
        Assert.That(second, Is.EqualTo(first));
    }
}
