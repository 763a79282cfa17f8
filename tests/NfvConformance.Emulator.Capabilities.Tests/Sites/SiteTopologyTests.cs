// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Sites;
using NfvConformance.Emulator.Capabilities.Internal.Sites;

namespace NfvConformance.Emulator.Capabilities.Tests.Sites;

public sealed class SiteTopologyTests
{
    private static readonly SiteTopology s_topology = new(
        [new("core-1", "core", "private"), new("edge-1", "edge", "private"), new("edge-2", "edge", "private"), new("public-1", "core", "public"), new("island", "edge", "private")],
        [new("core-1", "edge-1", 4, 40), new("core-1", "edge-2", 6, 10), new("edge-1", "edge-2", 20, 100), new("core-1", "public-1", 12, 10)]);

    [Test]
    public void TryFindPath_TwoHopCheaperThanDirect_PicksLowestLatencyWithBottleneckBandwidth()
    {
        // When
        bool found = s_topology.TryFindPath("edge-1", "edge-2", out SitePath? path);

        // Then
        Assert.That(found, Is.True);
        Assert.That(path!.Sites, Is.EqualTo(new[] { "edge-1", "core-1", "edge-2" }));
        Assert.That(path.LatencyMs, Is.EqualTo(10));
        Assert.That(path.BandwidthGbps, Is.EqualTo(10));
    }

    [Test]
    public void TryFindPath_Disconnected_ReturnsFalse()
    {
        Assert.That(s_topology.TryFindPath("island", "core-1", out SitePath? path), Is.False);
        Assert.That(path, Is.Null);
    }

    [Test]
    public void TryFindPath_SameSite_ZeroLatency()
    {
        Assert.That(s_topology.TryFindPath("core-1", "core-1", out SitePath? path), Is.True);
        Assert.That(path!.LatencyMs, Is.Zero);
    }
}
