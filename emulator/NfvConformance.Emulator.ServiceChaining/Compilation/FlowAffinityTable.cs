// Licensed under the Apache License, Version 2.0.
using System.Runtime.CompilerServices;

namespace NfvConformance.Emulator.ServiceChaining.Compilation;

/// <summary>The instance a flow uses at each hop position, with the group of that hop so it can be remapped after an update.</summary>
[InlineArray(ChainPathTable.Stride)]
internal struct HopSlots
{
    private ushort _element0;
}

/// <summary>One flow's key, chain and path under a generation: the 32 bytes every packet reads (two per cache line).</summary>
internal struct FlowEntry
{
    public ulong Key0;
    public ulong Key1;
    public int Generation;
    public uint Hash;
    public int Path;
    public short Chain;
    public bool Used;
}

/// <summary>A flow's per-hop instances and their groups: read only when the flow is (re)resolved after a swap.</summary>
internal struct FlowPins
{
    public HopSlots Instances;
    public HopSlots Groups;
}

/// <summary>
/// Flow stickiness: a fixed-capacity open-addressing table (linear probing, power-of-two size), preallocated and
/// owned by one worker. A flow keeps its instances across configuration swaps while they stay in service.
/// When the probe window is full the oldest slot in it is overwritten and counted as an eviction.
/// </summary>
internal sealed class FlowAffinityTable
{
    public const int ProbeLimit = 8;
    private readonly FlowEntry[] _entries;
    private readonly FlowPins[] _pins;
    private readonly int _mask;

    public FlowAffinityTable(int capacity)
    {
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity));
        _entries = new FlowEntry[size];
        _pins = new FlowPins[size];
        _mask = size - 1;
    }

    public int Capacity => _entries.Length;

    public long Evictions { get; private set; }

    public int Count { get; private set; }

    /// <summary>Reads the first slot a hash probes, so a later <see cref="Lookup"/> finds it in cache; independent reads of a vector overlap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Touch(uint hash) => _entries[(int)hash & _mask].Key0;

    /// <summary>Gets the pins of the entry at an index <see cref="Lookup"/> returned.</summary>
    public ref FlowPins Pins(int index) => ref _pins[index & _mask];

    /// <summary>Gets an entry by the index <see cref="Lookup"/> returned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref FlowEntry At(int index) => ref _entries[index & _mask];

    /// <summary>Finds the flow's entry or claims one for it; <paramref name="isNew"/> tells which.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref FlowEntry Lookup(ulong key0, ulong key1, uint hash, out bool isNew, out int index)
    {
        int i = (int)hash & _mask;
        for (int probe = 0; probe < ProbeLimit; probe++)
        {
            index = (i + probe) & _mask;
            ref FlowEntry e = ref _entries[index];
            if (e.Used && e.Key0 == key0 && e.Key1 == key1)
            {
                isNew = false;
                return ref e;
            }

            if (!e.Used)
            {
                _pins[index] = default;
                return ref Claim(ref e, key0, key1, hash, out isNew);
            }
        }

        index = (i + (int)((Evictions + 1) % ProbeLimit)) & _mask;
        return ref Evict(index, key0, key1, hash, out isNew);
    }

    public void Clear()
    {
        Array.Clear(_entries);
        Array.Clear(_pins);
        Count = 0;
    }

    private ref FlowEntry Claim(ref FlowEntry e, ulong key0, ulong key1, uint hash, out bool isNew)
    {
        e = default;
        e.Used = true;
        e.Key0 = key0;
        e.Key1 = key1;
        e.Hash = hash;
        e.Generation = -1;
        Count++;
        isNew = true;
        return ref e;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ref FlowEntry Evict(int index, ulong key0, ulong key1, uint hash, out bool isNew)
    {
        Evictions++;
        Count--;
        _pins[index] = default;
        return ref Claim(ref _entries[index], key0, key1, hash, out isNew);
    }
}
