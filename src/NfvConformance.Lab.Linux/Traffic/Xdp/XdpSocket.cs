// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Native;

namespace NfvConformance.Lab.Linux.Traffic.Xdp;

/// <summary>The set-up steps every AF_XDP socket of the generator takes (linux/if_xdp.h), sender and receiver alike.</summary>
internal static class XdpSocket
{
    private const int PageSize = 4096;

    /// <summary>Registers a UMEM of <paramref name="chunks"/> chunks with the socket: a pinned array (never moved by the GC) with room to start on a page boundary, as XDP_UMEM_REG requires.</summary>
    /// <param name="fd">The AF_XDP socket.</param>
    /// <param name="chunks">Chunks.</param>
    /// <param name="chunkSize">Bytes per chunk (2048 or 4096).</param>
    /// <returns>The array (keep it alive as long as the socket) and the offset of the UMEM's first byte in it.</returns>
    /// <exception cref="TrafficEnvironmentException">The kernel refused.</exception>
    public static (byte[] Umem, int Base) RegisterUmem(int fd, int chunks, int chunkSize)
    {
        byte[] umem = GC.AllocateArray<byte>((chunks * chunkSize) + PageSize, pinned: true);
        long address = Marshal.UnsafeAddrOfPinnedArrayElement(umem, 0).ToInt64();
        int umemBase = (int)(((address + PageSize - 1) & ~(long)(PageSize - 1)) - address);
        byte[] reg = new byte[32]; // struct xdp_umem_reg {u64 addr; u64 len; u32 chunk_size; u32 headroom; u32 flags; u32 tx_metadata_len}
        BinaryPrimitives.WriteInt64LittleEndian(reg, address + umemBase);
        BinaryPrimitives.WriteInt64LittleEndian(reg.AsSpan(8), (long)chunks * chunkSize);
        BinaryPrimitives.WriteInt32LittleEndian(reg.AsSpan(16), chunkSize);
        if (Libc.setsockopt(fd, Libc.SolXdp, Libc.XdpUmemReg, reg, reg.Length) != 0)
        {
            throw new TrafficEnvironmentException($"setsockopt(XDP_UMEM_REG) failed: {Libc.LastError()}.");
        }

        return (umem, umemBase);
    }

    /// <summary>Sets an integer SOL_XDP option (a ring's size).</summary>
    /// <param name="fd">The socket.</param>
    /// <param name="name">XDP_RX_RING, XDP_TX_RING, XDP_UMEM_FILL_RING, XDP_UMEM_COMPLETION_RING.</param>
    /// <param name="value">The value.</param>
    /// <param name="what">The option's name, for the message.</param>
    /// <exception cref="TrafficEnvironmentException">The kernel refused.</exception>
    public static void SetOption(int fd, int name, int value, string what)
    {
        if (Libc.setsockopt(fd, Libc.SolXdp, name, ref value, sizeof(int)) != 0)
        {
            throw new TrafficEnvironmentException($"setsockopt({what}={value}) failed: {Libc.LastError()}.");
        }
    }

    /// <summary>Binds the socket to one queue of an interface (struct sockaddr_xdp {u16 family; u16 flags; u32 ifindex; u32 queue_id; u32 shared_umem_fd}).</summary>
    /// <param name="fd">The socket.</param>
    /// <param name="ifIndex">The interface's index.</param>
    /// <param name="queueId">The queue.</param>
    /// <param name="flags">XDP_COPY and the like.</param>
    /// <returns>Whether the kernel took it (errno is left for the caller).</returns>
    public static bool Bind(int fd, int ifIndex, int queueId, ushort flags)
    {
        byte[] sxdp = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(sxdp, Libc.AfXdp);
        BinaryPrimitives.WriteUInt16LittleEndian(sxdp.AsSpan(2), flags);
        BinaryPrimitives.WriteInt32LittleEndian(sxdp.AsSpan(4), ifIndex);
        BinaryPrimitives.WriteInt32LittleEndian(sxdp.AsSpan(8), queueId);
        return Libc.bind(fd, sxdp, sxdp.Length) == 0;
    }

    /// <summary>Unmaps a socket's rings and closes it.</summary>
    /// <param name="fd">The socket.</param>
    /// <param name="rings">The rings mapped from it.</param>
    public static void Close(int fd, IEnumerable<XdpRing> rings)
    {
        foreach (XdpRing r in rings)
        {
            r.Unmap();
        }

        Libc.close(fd);
    }
}
