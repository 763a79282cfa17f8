// Licensed under the Apache License, Version 2.0.
using NfvConformance.Emulator.Dataplane.Vnfs.Internal;

namespace NfvConformance.Emulator.Dataplane.Tests.Vnfs.Internal;

public sealed class FlowTableTests
{
    [Test]
    public void RandomInsertsAndRemoves_AgreeWithDictionary()
    {
        FlowTable<int> table = new(500);
        Dictionary<FlowKey, int> reference = [];
        Random rng = new(5);

        for (int step = 0; step < 200_000; step++)
        {
            // A small key space forces collisions, long probe chains and backward shifts.
            FlowKey key = new((uint)rng.Next(40), (uint)rng.Next(40), 1, 2, 17);
            if (rng.Next(3) == 0)
            {
                Assert.That(table.Remove(key), Is.EqualTo(reference.Remove(key)));
                continue;
            }

            ref int value = ref table.GetOrAdd(key, out bool added);
            if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref value))
            {
                Assert.That(reference, Has.Count.EqualTo(500));
                continue;
            }

            Assert.That(added, Is.EqualTo(!reference.ContainsKey(key)));
            value = step;
            reference[key] = step;
        }

        Assert.That(table.Count, Is.EqualTo(reference.Count));
        foreach ((FlowKey key, int expected) in reference)
        {
            Assert.That(table.Find(key, out bool found), Is.EqualTo(expected));
            Assert.That(found, Is.True);
        }
    }

    [Test]
    public void Full_RefusesNewKeys_ButFindsExisting()
    {
        FlowTable<int> table = new(2);
        table.GetOrAdd(new FlowKey(1, 1, 1, 1, 6), out _) = 10;
        table.GetOrAdd(new FlowKey(2, 2, 2, 2, 6), out _) = 20;

        ref int third = ref table.GetOrAdd(new FlowKey(3, 3, 3, 3, 6), out bool added);

        Assert.That(System.Runtime.CompilerServices.Unsafe.IsNullRef(ref third), Is.True);
        Assert.That(added, Is.False);
        Assert.That(table.Find(new FlowKey(2, 2, 2, 2, 6), out _), Is.EqualTo(20));
    }

    [Test]
    public void CanonicalKey_SameForBothDirections()
    {
        FlowKey forward = new(0x0A000001, 0x08080808, 5000, 53, 17);

        FlowKey a = forward.Canonical(out bool ra);
        FlowKey b = forward.Reverse().Canonical(out bool rb);

        Assert.That(a, Is.EqualTo(b));
        Assert.That(ra, Is.Not.EqualTo(rb));
    }
}
