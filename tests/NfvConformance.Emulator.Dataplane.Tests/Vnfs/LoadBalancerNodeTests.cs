// Licensed under the Apache License, Version 2.0.
using NfvConformance.Emulator.Dataplane.Tests.Protocols;
using NfvConformance.Emulator.Dataplane.Vnfs;

namespace NfvConformance.Emulator.Dataplane.Tests.Vnfs;

public sealed class LoadBalancerNodeTests
{
    private static byte[][] Flows(int count) =>
        [.. Enumerable.Range(0, count).Select(i => GoldenFrames.Udp4(60, $"10.0.{i / 250}.{i % 250}", "192.0.2.1", (ushort)(1000 + i), 80))];

    [Test]
    public void ManyFlows_SpreadOverAllBackends_RoughlyEvenly()
    {
        VnfHarness h = new(new LoadBalancerNode("lb", ["b0", "b1", "b2", "b3"]), poolSize: 8192);

        h.SendMany(Flows(4000));

        int[] counts = [.. new[] { "b0", "b1", "b2", "b3" }.Select(b => h.Received(b).Count)];
        Assert.That(counts.Sum(), Is.EqualTo(4000));
        Assert.That(counts.Min(), Is.GreaterThan(800));
    }

    [Test]
    public void SameFlow_AlwaysSameBackend_AndReplyToo()
    {
        LoadBalancerNode lb = new("lb", ["b0", "b1", "b2"]);
        VnfHarness h = new(lb);

        for (int i = 0; i < 10; i++)
        {
            h.Send(GoldenFrames.Udp4(60, "10.0.0.1", "192.0.2.1", 4444, 80));
        }

        h.Send(GoldenFrames.Udp4(60, "192.0.2.1", "10.0.0.1", 80, 4444));

        Assert.That(new[] { "b0", "b1", "b2" }.Count(b => h.Received(b).Count > 0), Is.EqualTo(1));
    }

    [Test]
    public void DisableBackend_MovesOnlyItsFlows()
    {
        LoadBalancerNode lb = new("lb", ["b0", "b1", "b2"]);
        uint[] hashes = [.. Enumerable.Range(0, 1000).Select(i => (uint)(i * 2654435761u))];
        int[] before = [.. hashes.Select(lb.BackendFor)];

        lb.SetBackendEnabled(1, false);
        int[] after = [.. hashes.Select(lb.BackendFor)];

        for (int i = 0; i < hashes.Length; i++)
        {
            Assert.That(after[i], Is.Not.EqualTo(1));
            if (before[i] != 1)
            {
                Assert.That(after[i], Is.EqualTo(before[i]));
            }
        }

        lb.SetBackendEnabled(1, true);
        Assert.That(hashes.Select(lb.BackendFor), Is.EqualTo(before));
    }

    [Test]
    public void DisableLastBackend_ThrowsConfiguration()
    {
        LoadBalancerNode lb = new("lb", ["b0"]);

        Assert.Throws<Abstractions.Errors.ConfigurationException>(() => lb.SetBackendEnabled(0, false));
    }
}
