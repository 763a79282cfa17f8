// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Emulator.ServiceChaining.Compilation;

/// <summary>
/// The distinct instance paths flows take under one snapshot, interned: a packet carries its path id, so the
/// forwarder reads the next instance from this small array instead of the large flow table. Preallocated and
/// cleared on each snapshot swap; a flow whose path cannot be interned (table full) is dropped and counted.
/// </summary>
internal sealed class ChainPathTable
{
    public const int MaxPaths = 16_384;
    public const int Stride = 8;
    private readonly ushort[] _instances = new ushort[MaxPaths * Stride];
    private readonly int[] _chains = new int[MaxPaths];
    private readonly int[] _slots = new int[MaxPaths * 2];

    public ChainPathTable() => Clear();

    public int Count { get; private set; }

    /// <summary>Gets the instance ids of every path; path p's hop j is at <c>p * Stride + j</c>.</summary>
    public ushort[] Instances => _instances;

    public void Clear()
    {
        Array.Fill(_slots, -1);
        Count = 0;
    }

    /// <summary>Returns the id of the path (chain plus one instance per hop), adding it if new; -1 when the table is full.</summary>
    public int Intern(int chain, ReadOnlySpan<ushort> instances)
    {
        ulong h = (ulong)chain * 0x9E3779B97F4A7C15UL;
        foreach (ushort id in instances)
        {
            h = (h ^ id) * 0xFF51AFD7ED558CCDUL;
        }

        int mask = _slots.Length - 1;
        for (int i = (int)(h ^ (h >> 29)) & mask; ; i = (i + 1) & mask)
        {
            int path = _slots[i];
            if (path < 0)
            {
                if (Count == MaxPaths)
                {
                    return -1;
                }

                path = Count++;
                _chains[path] = chain;
                instances.CopyTo(_instances.AsSpan(path * Stride, Stride));
                _slots[i] = path;
                return path;
            }

            if (_chains[path] == chain && instances.SequenceEqual(_instances.AsSpan(path * Stride, instances.Length)))
            {
                return path;
            }
        }
    }
}
