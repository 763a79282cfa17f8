// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Native;

namespace NfvConformance.Lab.Linux.Traffic;

/// <summary>Opening and configuring AF_PACKET sockets: sockaddr_ll, options, the receive filter.</summary>
internal static class PacketSockets
{
    /// <summary>Finds an interface's index in the calling thread's namespace.</summary>
    /// <param name="interfaceName">The interface.</param>
    /// <param name="where">The namespace, for the message.</param>
    /// <returns>The index.</returns>
    /// <exception cref="ConfigurationException">No such interface.</exception>
    public static int IndexOf(string interfaceName, string? where)
    {
        uint index = Libc.if_nametoindex(interfaceName);
        if (index == 0)
        {
            throw new ConfigurationException($"traffic port '{interfaceName}' does not exist in {(where is null ? "the current network namespace" : $"namespace '{where}'")}; create it (ip link add ...) or fix the port name.");
        }

        return (int)index;
    }

    /// <summary>Opens a raw AF_PACKET socket that receives nothing until bound with a protocol.</summary>
    /// <returns>The descriptor.</returns>
    public static int OpenRaw()
    {
        int fd = Libc.socket(Libc.AfPacket, Libc.SockRaw, 0);
        if (fd < 0)
        {
            throw new ConfigurationException("cannot open an AF_PACKET socket: " + Libc.LastError() + "; the generator needs root (CAP_NET_RAW).");
        }

        return fd;
    }

    /// <summary>Binds a packet socket to an interface.</summary>
    /// <param name="fd">The socket.</param>
    /// <param name="ifIndex">The interface index.</param>
    /// <param name="protocol">The EtherType to receive in host order (0: receive nothing; <see cref="Libc.EthPAll"/>: everything).</param>
    /// <param name="what">For the message.</param>
    public static void Bind(int fd, int ifIndex, ushort protocol, string what)
    {
        byte[] sll = new byte[20];
        BinaryPrimitives.WriteUInt16LittleEndian(sll, Libc.AfPacket);
        BinaryPrimitives.WriteUInt16BigEndian(sll.AsSpan(2), protocol);
        BinaryPrimitives.WriteInt32LittleEndian(sll.AsSpan(4), ifIndex);
        if (Libc.bind(fd, sll, sll.Length) != 0)
        {
            throw new TrafficEnvironmentException($"cannot bind the AF_PACKET socket of {what}: {Libc.LastError()}.");
        }
    }

    /// <summary>Sets an integer socket option or throws naming it.</summary>
    /// <param name="fd">The socket.</param>
    /// <param name="level">The level.</param>
    /// <param name="name">The option.</param>
    /// <param name="value">The value.</param>
    /// <param name="what">The option's name, for the message.</param>
    public static void SetInt(int fd, int level, int name, int value, string what)
    {
        if (Libc.setsockopt(fd, level, name, ref value, sizeof(int)) != 0)
        {
            throw new TrafficEnvironmentException($"setsockopt {what}={value} failed: {Libc.LastError()}.");
        }
    }

    /// <summary>
    /// Attaches the receive filter, a classic BPF program: generator frames are IPv4 or IPv6 carrying UDP or TCP,
    /// 802.1Q-tagged, or raw EtherType 0x88B5; everything else (ARP, neighbour discovery, ICMP) is dropped in the
    /// kernel before it reaches the ring. The same selection as <see cref="AfPacketGenerator.DefaultCaptureFilter"/>.
    /// </summary>
    /// <param name="fd">The socket.</param>
    public static void AttachReceiveFilter(int fd)
    {
        // code (u16), jt (u8), jf (u8), k (u32); jumps are relative to the next instruction.
        (ushort Code, byte Jt, byte Jf, uint K)[] program =
        [
            (0x28, 0, 0, 12),       // 0  ldh [12]            EtherType
            (0x15, 3, 0, 0x0800),   // 1  jeq IPv4 -> 5
            (0x15, 5, 0, 0x86DD),   // 2  jeq IPv6 -> 8
            (0x15, 7, 0, 0x8100),   // 3  jeq 802.1Q -> 11
            (0x15, 6, 7, 0x88B5),   // 4  jeq 0x88B5 -> 11, else 12
            (0x30, 0, 0, 23),       // 5  ldb [23]            IPv4 protocol
            (0x15, 4, 0, 17),       // 6  jeq UDP -> 11
            (0x15, 3, 4, 6),        // 7  jeq TCP -> 11, else 12
            (0x30, 0, 0, 20),       // 8  ldb [20]            IPv6 next header
            (0x15, 1, 0, 17),       // 9  jeq UDP -> 11
            (0x15, 0, 1, 6),        // 10 jeq TCP -> 11, else 12
            (0x06, 0, 0, 0x40000),  // 11 ret whole frame
            (0x06, 0, 0, 0),        // 12 ret 0 (drop)
        ];
        byte[] code = GC.AllocateArray<byte>(program.Length * 8, pinned: true);
        for (int i = 0; i < program.Length; i++)
        {
            Span<byte> ins = code.AsSpan(i * 8, 8);
            BinaryPrimitives.WriteUInt16LittleEndian(ins, program[i].Code);
            ins[2] = program[i].Jt;
            ins[3] = program[i].Jf;
            BinaryPrimitives.WriteUInt32LittleEndian(ins[4..], program[i].K);
        }

        byte[] fprog = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(fprog, (ushort)program.Length);
        BinaryPrimitives.WriteInt64LittleEndian(fprog.AsSpan(8), Marshal.UnsafeAddrOfPinnedArrayElement(code, 0).ToInt64());
        if (Libc.setsockopt(fd, Libc.SolSocket, Libc.SoAttachFilter, fprog, fprog.Length) != 0)
        {
            throw new TrafficEnvironmentException("cannot attach the receive BPF filter (SO_ATTACH_FILTER): " + Libc.LastError() + ".");
        }

        GC.KeepAlive(code);
    }
}
