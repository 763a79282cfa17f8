// Licensed under the Apache License, Version 2.0.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace NfvConformance.Emulator.Dataplane.Vnfs.Internal;

/// <summary>
/// A fixed-capacity open-addressing hash table (linear probing, backward-shift deletion) from <see cref="FlowKey"/> to
/// a struct, preallocated at construction: lookups, inserts and removals never allocate. It refuses inserts beyond
/// <see cref="MaxEntries"/> (75 % load) so probe chains stay short; the caller counts that as a "table full" drop.
/// Key, value and the used flag share one array element, so a hit costs one cache miss, not three.
/// </summary>
internal sealed class FlowTable<TValue>
    where TValue : struct
{
    private readonly Entry[] _entries;
    private readonly int _mask;

    public FlowTable(int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        int capacity = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, (maxEntries * 4 / 3) + 1));
        _entries = new Entry[capacity];
        _mask = capacity - 1;
        MaxEntries = maxEntries;
    }

    public int Count { get; private set; }

    public int MaxEntries { get; }

    public int SlotCount => _entries.Length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref TValue Find(in FlowKey key, out bool found) => ref Find(key, key.Hash(), out found);

    /// <summary>Finds with a hash computed earlier (see <see cref="Prefetch"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref TValue Find(in FlowKey key, uint hash, out bool found)
    {
        Entry[] entries = _entries;
        int i = (int)hash & _mask;
        while (entries[i].Used)
        {
            if (entries[i].Key.Equals(key))
            {
                found = true;
                return ref entries[i].Value;
            }

            i = (i + 1) & _mask;
        }

        found = false;
        return ref Unsafe.NullRef<TValue>();
    }

    /// <summary>
    /// Starts loading a key's home slot into the cache. Nodes hash a whole vector and prefetch first, then look up,
    /// so the misses of 32 packets overlap instead of queueing (VPP's two-pass node loop).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(uint hash)
    {
        if (Sse.IsSupported)
        {
            // A hint only: if the GC moves the array meanwhile, the lookup just misses as it would have anyway.
            Sse.Prefetch0(Unsafe.AsPointer(ref _entries[(int)hash & _mask]));
        }
    }

    /// <summary>Finds or inserts a zeroed value; returns a null ref (and added = false) when the table is full.</summary>
    public ref TValue GetOrAdd(in FlowKey key, out bool added)
    {
        Entry[] entries = _entries;
        int i = (int)key.Hash() & _mask;
        while (entries[i].Used)
        {
            if (entries[i].Key.Equals(key))
            {
                added = false;
                return ref entries[i].Value;
            }

            i = (i + 1) & _mask;
        }

        if (Count >= MaxEntries)
        {
            added = false;
            return ref Unsafe.NullRef<TValue>();
        }

        added = true;
        entries[i] = new Entry { Key = key, Used = true };
        Count++;
        return ref entries[i].Value;
    }

    public bool Remove(in FlowKey key)
    {
        int i = (int)key.Hash() & _mask;
        while (_entries[i].Used)
        {
            if (_entries[i].Key.Equals(key))
            {
                RemoveAt(i);
                return true;
            }

            i = (i + 1) & _mask;
        }

        return false;
    }

    public bool IsUsed(int slot) => _entries[slot].Used;

    public ref TValue ValueAt(int slot) => ref _entries[slot].Value;

    public FlowKey KeyAt(int slot) => _entries[slot].Key;

    /// <summary>Removes the entry in a slot; an entry from further along may move into it (recheck the slot).</summary>
    public void RemoveAt(int slot)
    {
        Entry[] entries = _entries;
        int hole = slot;
        int j = slot;
        while (true)
        {
            j = (j + 1) & _mask;
            if (!entries[j].Used)
            {
                break;
            }

            int home = (int)entries[j].Key.Hash() & _mask;
            // Move j back into the hole unless its home lies cyclically in (hole, j].
            bool homeInRange = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!homeInRange)
            {
                entries[hole] = entries[j];
                hole = j;
            }
        }

        entries[hole] = default;
        Count--;
    }

    private struct Entry
    {
        public FlowKey Key;
        public TValue Value;
        public bool Used;
    }
}
