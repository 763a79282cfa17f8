// Licensed under the Apache License, Version 2.0.
using NfvConformance.Core.Targets;

namespace NfvConformance.Core.Tests.Targets;

/// <summary>A targets file or a feature written before an area was renamed (docs/areas.md) still finds its figures.</summary>
public sealed class RenamedFigureKeyTests
{
    [Test]
    public void Load_FileWithAnOldFigurePrefix_FiguresReadUnderTheCurrentNameAndTheOld()
    {
        string file = Path.Combine(Path.GetTempPath(), $"nfvc-renamed-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, """
            profile: basic
            figures:
              tenant_networks.internal_create_max_ms: {value: 1234, unit: ms, origin: a user's file from before the rename}
              loadbalancing.failover_max_s: {value: 3, unit: s, origin: a user's file from before the rename}
            """);
        try
        {
            TargetFigures figures = TargetFigures.Load(file);

            Assert.That(figures.Figures.Keys, Is.EquivalentTo(new[] { "tenant_networking.internal_create_max_ms", "load_balancing.failover_max_s" }));
            Assert.That(figures.Get("tenant_networking.internal_create_max_ms").Value, Is.EqualTo(1234));
            Assert.That(figures.Get("tenant_networks.internal_create_max_ms").Value, Is.EqualTo(1234), "a feature written before the rename");
            Assert.That(figures.Get("loadbalancing.failover_max_s").Value, Is.EqualTo(3));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
