// Licensed under the Apache License, Version 2.0.
using System.Runtime.CompilerServices;

namespace NfvConformance.Emulator.Dataplane.Vnfs.Internal;

/// <summary>
/// A fixed-capacity open-addressing hash table (linear probing, backward-shift deletion) from <see cref="FlowKey"/> to
/// a struct, preallocated at construction: lookups, inserts and removals never allocate. It refuses inserts beyond
/// <see cref="MaxEntries"/> (75 % load) so probe chains stay short; the caller counts that as a "table full" drop.
/// </summary>
internal sealed class FlowTable<TValue>
    where TValue : struct
{
    private readonly FlowKey[] _keys;
    private readonly TValue[] _values;
    private readonly bool[] _used;
    private readonly int _mask;

    public FlowTable(int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        int capacity = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, (maxEntries * 4 / 3) + 1));
        _keys = new FlowKey[capacity];
        _values = new TValue[capacity];
        _used = new bool[capacity];
        _mask = capacity - 1;
        MaxEntries = maxEntries;
    }

    public int Count { get; private set; }

    public int MaxEntries { get; }

    public int SlotCount => _keys.Length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref TValue Find(in FlowKey key, out bool found)
    {
        int i = (int)key.Hash() & _mask;
        while (_used[i])
        {
            if (_keys[i].Equals(key))
            {
                found = true;
                return ref _values[i];
            }

            i = (i + 1) & _mask;
        }

        found = false;
        return ref Unsafe.NullRef<TValue>();
    }

    /// <summary>Finds or inserts a zeroed value; returns a null ref when the table is full.</summary>
    public ref TValue GetOrAdd(in FlowKey key, out bool added)
    {
        int i = (int)key.Hash() & _mask;
        while (_used[i])
        {
            if (_keys[i].Equals(key))
            {
                added = false;
                return ref _values[i];
            }

            i = (i + 1) & _mask;
        }

        added = true;
        if (Count >= MaxEntries)
        {
            added = false;
            return ref Unsafe.NullRef<TValue>();
        }

        _used[i] = true;
        _keys[i] = key;
        _values[i] = default;
        Count++;
        return ref _values[i];
    }

    public bool Remove(in FlowKey key)
    {
        int i = (int)key.Hash() & _mask;
        while (_used[i])
        {
            if (_keys[i].Equals(key))
            {
                RemoveAt(i);
                return true;
            }

            i = (i + 1) & _mask;
        }

        return false;
    }

    public bool IsUsed(int slot) => _used[slot];

    public ref TValue ValueAt(int slot) => ref _values[slot];

    public FlowKey KeyAt(int slot) => _keys[slot];

    /// <summary>Removes the entry in a slot; an entry from further along may move into it (recheck the slot).</summary>
    public void RemoveAt(int slot)
    {
        int hole = slot;
        int j = slot;
        while (true)
        {
            j = (j + 1) & _mask;
            if (!_used[j])
            {
                break;
            }

            int home = (int)_keys[j].Hash() & _mask;
            // Move j back into the hole unless its home lies cyclically in (hole, j].
            bool homeInRange = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!homeInRange)
            {
                _keys[hole] = _keys[j];
                _values[hole] = _values[j];
                hole = j;
            }
        }

        _used[hole] = false;
        _keys[hole] = default;
        _values[hole] = default;
        Count--;
    }
}
