// Licensed under the Apache License, Version 2.0.
using System.Runtime.CompilerServices;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Emulator.Dataplane.Vnfs.Internal;

/// <summary>
/// IPv4 longest-prefix match as a 16-8-8 multibit trie (DPDK rte_lpm's DIR-24-8 idea with a smaller first level):
/// a 65,536-entry first table and 256-entry groups for /17-/24 and /25-/32, at most three reads per lookup.
/// Routes change on the control path by rebuilding from the route list in prefix-length order.
/// </summary>
internal sealed class Ipv4Lpm
{
    private const uint Valid = 1u << 31;
    private const uint Group = 1u << 30;
    private const uint ValueMask = 0x00FFFFFF;

    private readonly uint[] _first = new uint[65536];
    private readonly uint[] _groups;
    private readonly int _maxGroups;
    private readonly SortedDictionary<(int Length, uint Prefix), int> _routes = [];
    private int _groupCount;

    public Ipv4Lpm(int maxGroups = 1024)
    {
        _maxGroups = maxGroups;
        _groups = new uint[maxGroups * 256];
    }

    public int RouteCount => _routes.Count;

    public static uint Mask(int length) => length == 0 ? 0 : uint.MaxValue << (32 - length);

    /// <exception cref="ConfigurationException">Bad length or out of group space.</exception>
    public void Add(uint prefix, int length, int nextHop)
    {
        if (length is < 0 or > 32)
        {
            ThrowHelper.ThrowConfiguration($"Route prefix length /{length} is outside 0-32.");
        }

        if (nextHop is < 0 or > (int)ValueMask)
        {
            ThrowHelper.ThrowConfiguration($"Next hop {nextHop} is outside 0-{ValueMask}.");
        }

        _routes[(length, prefix & Mask(length))] = nextHop;
        Rebuild();
    }

    public bool Remove(uint prefix, int length)
    {
        bool removed = _routes.Remove((length, prefix & Mask(length)));
        if (removed)
        {
            Rebuild();
        }

        return removed;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Lookup(uint address)
    {
        uint e = _first[address >> 16];
        if ((e & Group) != 0)
        {
            e = _groups[((e & ValueMask) << 8) | ((address >> 8) & 0xFF)];
            if ((e & Group) != 0)
            {
                e = _groups[((e & ValueMask) << 8) | (address & 0xFF)];
            }
        }

        return (e & Valid) != 0 ? (int)(e & ValueMask) : -1;
    }

    private void Rebuild()
    {
        Array.Clear(_first);
        Array.Clear(_groups, 0, _groupCount * 256);
        _groupCount = 0;
        // SortedDictionary orders by length first, so a longer prefix always overwrites a shorter one.
        foreach (KeyValuePair<(int Length, uint Prefix), int> route in _routes)
        {
            Insert(route.Key.Prefix, route.Key.Length, (uint)route.Value);
        }
    }

    private void Insert(uint prefix, int length, uint nextHop)
    {
        uint leaf = Valid | nextHop;
        if (length <= 16)
        {
            uint start = prefix >> 16;
            uint count = 1u << (16 - length);
            for (uint i = 0; i < count; i++)
            {
                ref uint e = ref _first[start + i];
                if ((e & Group) != 0)
                {
                    FillGroup(e & ValueMask, 0, 256, leaf, nested: true);
                }
                else
                {
                    e = leaf;
                }
            }

            return;
        }

        uint g2 = EnsureGroup(ref _first[prefix >> 16]);
        if (length <= 24)
        {
            uint start = (prefix >> 8) & 0xFF;
            FillGroup(g2, start, 1u << (24 - length), leaf, nested: true);
            return;
        }

        uint g3 = EnsureGroup(ref _groups[(g2 << 8) | ((prefix >> 8) & 0xFF)]);
        FillGroup(g3, prefix & 0xFF, 1u << (32 - length), leaf, nested: false);
    }

    private void FillGroup(uint group, uint start, uint count, uint leaf, bool nested)
    {
        for (uint i = start; i < start + count; i++)
        {
            ref uint e = ref _groups[(group << 8) | i];
            if (nested && (e & Group) != 0)
            {
                FillGroup(e & ValueMask, 0, 256, leaf, nested: false);
            }
            else
            {
                e = leaf;
            }
        }
    }

    private uint EnsureGroup(ref uint entry)
    {
        if ((entry & Group) != 0)
        {
            return entry & ValueMask;
        }

        if (_groupCount == _maxGroups)
        {
            ThrowHelper.ThrowConfiguration($"The routing table needs more than {_maxGroups} groups of 256 entries; raise RouterOptions.MaxLpmGroups.");
        }

        uint group = (uint)_groupCount++;
        _groups.AsSpan((int)(group << 8), 256).Fill(entry);
        entry = Valid | Group | group;
        return group;
    }
}
