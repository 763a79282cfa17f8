// Licensed under the Apache License, Version 2.0.
using NfvConformance.Emulator.Dataplane.Tests.Protocols;
using NfvConformance.Emulator.Dataplane.Vnfs;

namespace NfvConformance.Emulator.Dataplane.Tests.Vnfs;

public sealed class L2ForwarderNodeTests
{
    private static byte[] Frame(byte dstLast, byte srcLast)
    {
        byte[] f = GoldenFrames.Udp4(60, "10.0.0.1", "10.0.0.2", 1, 2);
        f[5] = dstLast;
        f[11] = srcLast;
        return f;
    }

    [Test]
    public void UnknownDestination_Flooded_ThenLearnedDestination_Forwarded()
    {
        VnfHarness h = new(new L2ForwarderNode("l2", ["p0", "p1", "p2"], floodNode: "flood"));

        h.Send(Frame(0x0B, 0x0A), inputPort: 0);
        h.Send(Frame(0x0A, 0x0B), inputPort: 2);

        Assert.That(h.Received("flood"), Has.Count.EqualTo(1));
        Assert.That(h.Received("p0"), Has.Count.EqualTo(1));
        Assert.That(h.Counters["flooded"], Is.EqualTo(1));
    }

    [Test]
    public void UnknownDestinationWithoutFlood_DroppedAndCounted()
    {
        VnfHarness h = new(new L2ForwarderNode("l2", ["p0", "p1"]));

        h.Send(Frame(0x0B, 0x0A));

        Assert.That(h.Counters["unknown_dst"], Is.EqualTo(1));
        h.AssertNoLeak();
    }

    [Test]
    public void DestinationOnInputPort_Filtered()
    {
        L2ForwarderNode l2 = new("l2", ["p0", "p1"]);
        l2.AddStatic("02:00:00:00:00:0b", 1);
        VnfHarness h = new(l2);

        h.Send(Frame(0x0B, 0x0A), inputPort: 1);

        Assert.That(h.Counters["same_port"], Is.EqualTo(1));
    }

    [Test]
    public void LearnedEntry_AgesOut()
    {
        VnfHarness h = new(new L2ForwarderNode("l2", ["p0", "p1"], floodNode: "flood", ageing: TimeSpan.FromSeconds(10)));
        h.Send(Frame(0xFF, 0x0A), inputPort: 0);

        h.Advance(TimeSpan.FromSeconds(11));
        h.Send(Frame(0x0A, 0x0B), inputPort: 1);

        Assert.That(h.Received("flood"), Has.Count.EqualTo(2));
        Assert.That(h.Received("p0"), Is.Empty);
    }

    [Test]
    public void TwoInstances_LearnIndependently()
    {
        L2ForwarderNode a = new("a", ["p0", "p1"]);
        L2ForwarderNode b = new("b", ["p0", "p1"]);
        VnfHarness ha = new(a);
        VnfHarness hb = new(b);

        ha.Send(Frame(0xFF, 0x0A));

        Assert.That(a.MacCount, Is.EqualTo(1));
        Assert.That(b.MacCount, Is.Zero);
        _ = hb;
    }
}
