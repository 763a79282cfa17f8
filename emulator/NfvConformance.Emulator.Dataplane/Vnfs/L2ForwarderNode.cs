// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Graph;
using NfvConformance.Packets;
using NfvConformance.Emulator.Dataplane.Vnfs.Internal;

namespace NfvConformance.Emulator.Dataplane.Vnfs;

/// <summary>
/// A learning L2 forwarder (a bridge): port i is next node i. It learns each source MAC on the packet's
/// <see cref="PacketMeta.InputPort"/>, forwards a known unicast destination to its port, sends unknown and
/// broadcast destinations to the flood node (or drops them when there is none), and filters packets whose
/// destination sits on the port they came from. Learned entries age out. Counters: parse_error, unknown_dst
/// (dropped without a flood node), same_port, flooded, table_full.
/// </summary>
public sealed class L2ForwarderNode : GraphNode
{
    /// <summary>Counter index: shorter than an Ethernet header.</summary>
    public const int ParseError = 0;

    /// <summary>Counter index: unknown destination with no flood node.</summary>
    public const int UnknownDestination = 1;

    /// <summary>Counter index: destination on the input port.</summary>
    public const int SamePort = 2;

    /// <summary>Counter index: sent to the flood node.</summary>
    public const int Flooded = 3;

    /// <summary>Counter index: a MAC could not be learned, the table was full.</summary>
    public const int TableFull = 4;

    private readonly FlowTable<MacEntry> _macs;
    private readonly int _portCount;
    private readonly ushort _flood;
    private readonly TimeSpan _ageing;
    private long _ageingTicks = -1;

    /// <summary>Creates a forwarder.</summary>
    /// <param name="name">The node's name.</param>
    /// <param name="ports">The next node of each port, in port order (port i = <see cref="PacketMeta.InputPort"/> i).</param>
    /// <param name="floodNode">Where unknown and broadcast destinations go; null to drop them.</param>
    /// <param name="maxMacs">The MAC table size.</param>
    /// <param name="ageing">How long a learned MAC lives without traffic; 5 minutes when null.</param>
    /// <exception cref="ConfigurationException">No port given.</exception>
    public L2ForwarderNode(string name, IReadOnlyList<string> ports, string? floodNode = null, int maxMacs = 4096, TimeSpan? ageing = null)
        : base(name, floodNode is null ? ports : [.. ports, floodNode], ["parse_error", "unknown_dst", "same_port", "flooded", "table_full"])
    {
        if (ports.Count == 0)
        {
            ThrowHelper.ThrowConfiguration($"L2 forwarder '{name}' has no ports; give at least one next node.");
        }

        _portCount = ports.Count;
        _flood = floodNode is null ? NextIndex.Drop : (ushort)ports.Count;
        _macs = new FlowTable<MacEntry>(maxMacs);
        _ageing = ageing ?? TimeSpan.FromMinutes(5);
    }

    /// <summary>Gets the number of MACs known.</summary>
    public int MacCount => _macs.Count;

    /// <summary>Adds a static entry that never ages (control path).</summary>
    /// <param name="mac">The MAC, for example "02:00:00:00:00:01".</param>
    /// <param name="port">Its port.</param>
    /// <exception cref="ConfigurationException">Bad MAC or port, or the table is full.</exception>
    public void AddStatic(string mac, int port)
    {
        if ((uint)port >= (uint)_portCount)
        {
            ThrowHelper.ThrowConfiguration($"L2 forwarder '{Name}' has ports 0-{_portCount - 1}, not {port}.");
        }

        ref MacEntry e = ref _macs.GetOrAdd(new FlowKey(Cidr.ParseMac(mac, $"{Name} static MAC"), 0), out bool added);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref e))
        {
            ThrowHelper.ThrowConfiguration($"L2 forwarder '{Name}': the MAC table is full; raise maxMacs.");
        }

        e.Port = (ushort)port;
        e.Static = true;
        _ = added;
    }

    // Cost: 23.2 ns/packet at a vector of 32 (1 static MAC), of which 10.5 ns is the alloc+copy+free baseline (VnfNodeBenchmarks, host load 13-20).

    /// <inheritdoc />
    public override int Process(ref NodeContext ctx, ReadOnlySpan<PacketHandle> input)
    {
        if (_ageingTicks < 0)
        {
            _ageingTicks = (long)(_ageing.TotalSeconds * ctx.TimestampFrequency);
        }

        PacketPool pool = ctx.Pool;
        Span<ushort> nexts = ctx.Nexts;
        Span<long> counters = ctx.Counters;
        long now = ctx.Now;
        for (int i = 0; i < input.Length; i++)
        {
            Span<byte> data = pool.GetData(input[i]);
            if (data.Length < EthernetFields.HeaderLength)
            {
                counters[ParseError]++;
                nexts[i] = NextIndex.Drop;
                continue;
            }

            int inPort = pool.Meta(input[i]).InputPort;
            ulong src = Cidr.ReadMac(data[EthernetFields.SourcePosition..]);
            if ((src & 0x0100_0000_0000UL) == 0 && (uint)inPort < (uint)_portCount)
            {
                Learn(src, inPort, now, counters);
            }

            ulong dst = Cidr.ReadMac(data);
            ref MacEntry e = ref _macs.Find(new FlowKey(dst, 0), out bool found);
            if (found && (e.Static || now - e.LastSeen <= _ageingTicks))
            {
                if (e.Port == inPort)
                {
                    counters[SamePort]++;
                    nexts[i] = NextIndex.Drop;
                }
                else
                {
                    nexts[i] = e.Port;
                }

                continue;
            }

            if (_flood == NextIndex.Drop)
            {
                counters[UnknownDestination]++;
            }
            else
            {
                counters[Flooded]++;
            }

            nexts[i] = _flood;
        }

        ctx.EnqueueToNext(input);
        return input.Length;
    }

    private void Learn(ulong mac, int port, long now, Span<long> counters)
    {
        ref MacEntry e = ref _macs.GetOrAdd(new FlowKey(mac, 0), out bool added);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref e))
        {
            counters[TableFull]++;
            return;
        }

        if (!e.Static)
        {
            e.Port = (ushort)port;
            e.LastSeen = now;
        }
    }

    private struct MacEntry
    {
        public ushort Port;
        public bool Static;
        public long LastSeen;
    }
}
