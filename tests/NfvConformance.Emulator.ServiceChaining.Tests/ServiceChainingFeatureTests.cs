// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Emulator.ServiceChaining.Model;
using NfvConformance.Emulator.ServiceChaining.Tests.Dataplane;

namespace NfvConformance.Emulator.ServiceChaining.Tests;

public sealed class ServiceChainingFeatureTests
{
    [Test]
    public async Task Facet_YamlSpecAppliedProbedAndTrialled_EndToEnd()
    {
        // Arrange: the YAML spec with its functions swapped for wires, behind the facet.
        ChainSpec fromYaml = ChainSpecYaml.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "TestData", "three-hop.yaml"));
        ChainSpec spec = fromYaml with { PortPairs = [.. fromYaml.PortPairs.Select(p => p with { ServiceFunction = "wire" })] };
        EngineHarness h = new(10);
        ServiceChainingEmulator feature = new(new ServiceChainEngine(h.Pool));

        // Act
        ChainApplyResult applied = await feature.ApplyAsync(spec);
        ChainPathTrace path = await feature.ProbeAsync(new ChainProbe("10.9.9.9", "192.168.1.1", ClassifierProtocol.Tcp, 40000, 80));
        ChainTrialResult trial = await feature.RunTrialAsync(new ChainTrialOptions("web-chain") { Duration = TimeSpan.FromSeconds(1), OfferedLoadPps = 10_000 });

        // Assert: runs_after constraints reorder the listed [router, fw, nat] into fw, nat, router.
        IReadOnlyList<ChainHopCounters> counters = await feature.ReadCountersAsync();
        Assert.Multiple(() =>
        {
            Assert.That(applied.Applied, Is.True, string.Join("; ", applied.Problems));
            Assert.That(path.Hops.Select(x => $"{x.ServicePathId}/{x.ServiceIndex}/{x.PortPairGroup}"), Is.EqualTo(new[] { "7/255/fw", "7/254/nat", "7/253/router" }));
            Assert.That(counters.Where(c => c.Chain == "web-chain").Sum(c => c.Packets), Is.EqualTo(3));
            Assert.That(trial.Delivered, Is.EqualTo(trial.Sent));
        });
    }
}
