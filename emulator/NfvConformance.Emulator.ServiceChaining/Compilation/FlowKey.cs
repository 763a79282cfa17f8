// Licensed under the Apache License, Version 2.0.
using System.Runtime.CompilerServices;
using NfvConformance.Abstractions.ServiceChaining;

namespace NfvConformance.Emulator.ServiceChaining.Compilation;

/// <summary>The fields a chain classifies and load-balances on, taken from one packet's headers.</summary>
internal struct FlowKey
{
    public uint Source;
    public uint Destination;
    public ushort SourcePort;
    public ushort DestinationPort;
    public byte Protocol;
    public ulong SourceMac;
    public ulong DestinationMac;

    public readonly ulong Key0 => ((ulong)Source << 32) | Destination;

    public readonly ulong Key1 => ((ulong)SourcePort << 24) | ((ulong)DestinationPort << 8) | Protocol;

    /// <summary>Hashes the 5-tuple (all of it, as for <see cref="LoadBalanceFields.None"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly uint Hash() => Mix(Key0, Key1);

    /// <summary>Hashes only the listed fields (networking-sfc <c>lb_fields</c>); none listed means the 5-tuple.</summary>
    public readonly uint Hash(LoadBalanceFields fields)
    {
        if (fields == LoadBalanceFields.None)
        {
            return Hash();
        }

        ulong a = 0, b = 0;
        if ((fields & LoadBalanceFields.IpSrc) != 0)
        {
            a |= (ulong)Source << 32;
        }

        if ((fields & LoadBalanceFields.IpDst) != 0)
        {
            a |= Destination;
        }

        bool tcp = Protocol == (byte)ClassifierProtocol.Tcp, udp = Protocol == (byte)ClassifierProtocol.Udp;
        if ((tcp && (fields & LoadBalanceFields.TcpSrc) != 0) || (udp && (fields & LoadBalanceFields.UdpSrc) != 0))
        {
            b |= (ulong)SourcePort << 24;
        }

        if ((tcp && (fields & LoadBalanceFields.TcpDst) != 0) || (udp && (fields & LoadBalanceFields.UdpDst) != 0))
        {
            b |= (ulong)DestinationPort << 8;
        }

        if ((fields & LoadBalanceFields.EthSrc) != 0)
        {
            a ^= SourceMac * 0x9E3779B97F4A7C15UL;
        }

        if ((fields & LoadBalanceFields.EthDst) != 0)
        {
            b ^= DestinationMac * 0xC2B2AE3D27D4EB4FUL;
        }

        return Mix(a, b);
    }

    /// <summary>
    /// The hash that picks a flow's instance in a group. When the fields are symmetric (none given, or each kind with
    /// both its source and destination), the endpoints are put in a fixed order first, so a flow and its reply pick the
    /// same instance of every group: stateful functions (firewall, NAT) see both directions (RM infra.net.cfg.006).
    /// Fields of one direction only (for example <c>ip_src</c> alone) keep their meaning.
    /// </summary>
    /// <param name="fields">The group's load-balancing fields.</param>
    /// <returns>The hash.</returns>
    public readonly uint InstanceHash(LoadBalanceFields fields)
    {
        if (!IsSymmetric(fields) || !IsReversedOrder())
        {
            return Hash(fields);
        }

        FlowKey reversed = this;
        reversed.Source = Destination;
        reversed.Destination = Source;
        reversed.SourcePort = DestinationPort;
        reversed.DestinationPort = SourcePort;
        reversed.SourceMac = DestinationMac;
        reversed.DestinationMac = SourceMac;
        return reversed.Hash(fields);
    }

    private static bool IsSymmetric(LoadBalanceFields f) =>
        Both(f, LoadBalanceFields.IpSrc, LoadBalanceFields.IpDst)
        && Both(f, LoadBalanceFields.TcpSrc, LoadBalanceFields.TcpDst)
        && Both(f, LoadBalanceFields.UdpSrc, LoadBalanceFields.UdpDst)
        && Both(f, LoadBalanceFields.EthSrc, LoadBalanceFields.EthDst);

    private static bool Both(LoadBalanceFields f, LoadBalanceFields a, LoadBalanceFields b) => ((f & a) != 0) == ((f & b) != 0);

    // The canonical order puts the lower (address, port) endpoint first; a reply has the endpoints swapped.
    private readonly bool IsReversedOrder() =>
        Source > Destination || (Source == Destination && SourcePort > DestinationPort);

    // A murmur3-style finaliser over the two key words: cheap, and every input bit reaches the low bits the buckets use.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Mix(ulong a, ulong b)
    {
        ulong h = (a * 0x9E3779B97F4A7C15UL) ^ b;
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 33;
        return (uint)h;
    }
}
