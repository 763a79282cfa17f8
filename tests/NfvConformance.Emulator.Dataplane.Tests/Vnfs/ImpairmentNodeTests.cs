// Licensed under the Apache License, Version 2.0.
using NfvConformance.Emulator.Dataplane.Tests.Protocols;
using NfvConformance.Emulator.Dataplane.Vnfs;

namespace NfvConformance.Emulator.Dataplane.Tests.Vnfs;

public sealed class ImpairmentNodeTests
{
    private static byte[][] Frames(int count) => [.. Enumerable.Range(0, count).Select(i => GoldenFrames.Udp4(60, "10.0.0.1", "10.0.0.2", (ushort)i, 9))];

    [Test]
    public void Loss_TenPercent_LosesAboutTenPercent()
    {
        VnfHarness h = new(new ImpairmentNode("imp", new ImpairmentOptions { Next = "out", LossProbability = 0.1, Seed = 42 }), poolSize: 20_000);

        for (int i = 0; i < 10; i++)
        {
            h.SendMany(Frames(1000));
        }

        Assert.That(h.Counters["loss_drop"], Is.InRange(900, 1100));
        Assert.That(h.Received("out").Count + h.Counters["loss_drop"], Is.EqualTo(10_000));
        h.AssertNoLeak();
    }

    [Test]
    public void Loss_SameSeed_SameLostPackets()
    {
        List<ushort> Survivors(ulong seed)
        {
            VnfHarness h = new(new ImpairmentNode("imp", new ImpairmentOptions { Next = "out", LossProbability = 0.3, Seed = seed }));
            h.SendMany(Frames(500));
            return [.. h.Received("out").Select(f => (ushort)((f[34] << 8) | f[35]))];
        }

        List<ushort> first = Survivors(7);
        List<ushort> again = Survivors(7);
        List<ushort> other = Survivors(8);

        Assert.That(again, Is.EqualTo(first));
        Assert.That(other, Is.Not.EqualTo(first));
    }

    [Test]
    public void Delay_HoldsPacketsUntilDue_ThenReleasesInOrder()
    {
        ImpairmentNode node = new("imp", new ImpairmentOptions { Next = "out", Delay = TimeSpan.FromMilliseconds(10) });
        VnfHarness h = new(node);

        h.SendMany(Frames(5));
        h.Advance(TimeSpan.FromMilliseconds(9));
        int early = h.Received("out").Count;
        h.Advance(TimeSpan.FromMilliseconds(1));

        Assert.That(early, Is.Zero);
        Assert.That(h.Received("out").Select(f => f[35]), Is.EqualTo(new byte[] { 0, 1, 2, 3, 4 }));
        Assert.That(node.Queued, Is.Zero);
        h.AssertNoLeak();
    }

    [Test]
    public void Jitter_DelaysWithinBoundsAndNeverReorders()
    {
        ImpairmentNode node = new("imp", new ImpairmentOptions { Next = "out", Delay = TimeSpan.FromMilliseconds(5), Jitter = TimeSpan.FromMilliseconds(5), Seed = 3 });
        VnfHarness h = new(node);
        byte[][] frames = Frames(50);
        List<(int Port, int DelayMs)> arrivals = [];
        for (int ms = 0; ms < 70; ms++)
        {
            if (ms < frames.Length)
            {
                h.Send(frames[ms]);
            }

            h.Advance(TimeSpan.FromMilliseconds(1));
            for (int k = arrivals.Count; k < h.Received("out").Count; k++)
            {
                int port = (h.Received("out")[k][34] << 8) | h.Received("out")[k][35];
                arrivals.Add((port, ms + 1 - port));
            }
        }

        Assert.That(arrivals.Select(a => a.Port), Is.EqualTo(Enumerable.Range(0, 50)));
        Assert.That(arrivals.Select(a => a.DelayMs), Is.All.InRange(5, 11));
        Assert.That(arrivals.Select(a => a.DelayMs).Distinct().Count(), Is.GreaterThan(2), "jitter varies the delay");
        h.AssertNoLeak();
    }

    [Test]
    public void QueueFull_ExtraPacketsDroppedAndCounted()
    {
        VnfHarness h = new(new ImpairmentNode("imp", new ImpairmentOptions { Next = "out", Delay = TimeSpan.FromSeconds(1), QueueCapacity = 8 }));

        h.SendMany(Frames(10));

        Assert.That(h.Counters["queue_full_drop"], Is.EqualTo(2));
        h.AssertNoLeak(held: 8);
    }

    [TestCase(-0.1)]
    [TestCase(1.5)]
    public void BadLossProbability_ThrowsConfiguration(double loss)
    {
        Assert.Throws<Abstractions.Errors.ConfigurationException>(() => new ImpairmentNode("imp", new ImpairmentOptions { Next = "out", LossProbability = loss }));
    }
}
