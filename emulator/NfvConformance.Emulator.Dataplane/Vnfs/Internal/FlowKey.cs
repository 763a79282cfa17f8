// Licensed under the Apache License, Version 2.0.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using NfvConformance.Packets;

namespace NfvConformance.Emulator.Dataplane.Vnfs.Internal;

/// <summary>An IPv4 5-tuple packed into two words: (source, destination) and (source port, destination port, protocol).</summary>
internal readonly struct FlowKey : IEquatable<FlowKey>
{
    public FlowKey(uint source, uint destination, ushort sourcePort, ushort destinationPort, byte protocol)
    {
        Addresses = ((ulong)source << 32) | destination;
        PortsAndProtocol = ((ulong)sourcePort << 24) | ((ulong)destinationPort << 8) | protocol;
    }

    public FlowKey(ulong addresses, ulong portsAndProtocol)
    {
        Addresses = addresses;
        PortsAndProtocol = portsAndProtocol;
    }

    public ulong Addresses { get; }

    public ulong PortsAndProtocol { get; }

    public uint Source => (uint)(Addresses >> 32);

    public uint Destination => (uint)Addresses;

    public ushort SourcePort => (ushort)(PortsAndProtocol >> 24);

    public ushort DestinationPort => (ushort)(PortsAndProtocol >> 8);

    public byte Protocol => (byte)PortsAndProtocol;

    public static FlowKey From(in ParsedPacket p) => new(p.SourceIpv4, p.DestinationIpv4, p.SourcePort, p.DestinationPort, p.IpProtocol);

    public FlowKey Reverse() => new(Destination, Source, DestinationPort, SourcePort, Protocol);

    /// <summary>The same key for both directions of a connection: the lower (address, port) end first.</summary>
    public FlowKey Canonical(out bool reversed)
    {
        ulong a = ((ulong)Source << 16) | SourcePort;
        ulong b = ((ulong)Destination << 16) | DestinationPort;
        reversed = a > b;
        return reversed ? Reverse() : this;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Hash()
    {
        if (Sse42.X64.IsSupported)
        {
            return (uint)Sse42.X64.Crc32(Sse42.X64.Crc32(0xFFFFFFFFUL, Addresses), PortsAndProtocol);
        }

        return BitOperations.Crc32C(BitOperations.Crc32C(0xFFFFFFFFU, Addresses), PortsAndProtocol);
    }

    public bool Equals(FlowKey other) => Addresses == other.Addresses && PortsAndProtocol == other.PortsAndProtocol;

    public override bool Equals(object? obj) => obj is FlowKey k && Equals(k);

    public override int GetHashCode() => (int)Hash();
}
