// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Traffic;

namespace NfvConformance.Traffic.Tests.Abstractions;

public sealed class SequenceTrackerTests
{
    [Test]
    public void Record_InOrder_NoLossNoReorder()
    {
        SequenceTracker t = new();

        for (int i = 0; i < 1000; i++)
        {
            t.Record(i);
        }

        Assert.Multiple(() =>
        {
            Assert.That(t.Lost(1000), Is.Zero);
            Assert.That(t.OutOfOrder, Is.Zero);
            Assert.That(t.Duplicates, Is.Zero);
            Assert.That(t.Missing, Is.Zero);
        });
    }

    [Test]
    public void Record_GapNeverFilled_CountsLoss()
    {
        SequenceTracker t = new();

        foreach (int s in new[] { 0, 1, 2, 5, 6 })
        {
            t.Record(s);
        }

        Assert.Multiple(() =>
        {
            Assert.That(t.Missing, Is.EqualTo(2));
            Assert.That(t.Lost(7), Is.EqualTo(2));
        });
    }

    [Test]
    public void Record_Swapped_CountsOutOfOrderNotLoss()
    {
        SequenceTracker t = new();

        foreach (int s in new[] { 0, 2, 1, 3 })
        {
            t.Record(s);
        }

        Assert.Multiple(() =>
        {
            Assert.That(t.OutOfOrder, Is.EqualTo(1));
            Assert.That(t.Missing, Is.Zero);
            Assert.That(t.Lost(4), Is.Zero);
        });
    }

    [Test]
    public void Record_SameTwice_CountsDuplicateNotReorder()
    {
        SequenceTracker t = new();

        foreach (int s in new[] { 0, 1, 1, 2, 0 })
        {
            t.Record(s);
        }

        Assert.Multiple(() =>
        {
            Assert.That(t.Duplicates, Is.EqualTo(2));
            Assert.That(t.OutOfOrder, Is.Zero);
            Assert.That(t.Lost(3), Is.Zero);
        });
    }

    [Test]
    public void Record_LateAfterWindowWrap_CountsTooOld()
    {
        SequenceTracker t = new();
        t.Record(0);
        t.Record(SequenceTracker.WindowSize + 10);

        t.Record(5);

        Assert.That(t.TooOld, Is.EqualTo(1));
    }

    [Test]
    public void Record_GapThenWrappedSlotReused_StaleBitDoesNotReadAsDuplicate()
    {
        SequenceTracker t = new();
        t.Record(3);
        t.Record(SequenceTracker.WindowSize + 5);

        // Same window slot as 3; it never arrived, so it is out of order, not a duplicate.
        t.Record(SequenceTracker.WindowSize + 3);

        Assert.Multiple(() =>
        {
            Assert.That(t.Duplicates, Is.Zero);
            Assert.That(t.OutOfOrder, Is.EqualTo(1));
        });
    }
}
