// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Native;

namespace NfvConformance.Lab.Linux.Traffic.Xdp;

/// <summary>
/// The bpf(2) commands the AF_XDP receiver needs, over syscall(2) with a zeroed <c>union bpf_attr</c> filled at the
/// offsets of linux/bpf.h (checked against the header with offsetof): BPF_MAP_CREATE, BPF_MAP_UPDATE_ELEM,
/// BPF_PROG_LOAD and BPF_LINK_CREATE. No libbpf.
/// </summary>
internal static class Bpf
{
    public const int MapTypeXskMap = 17;
    public const int ProgTypeXdp = 6;
    public const int AttachTypeXdp = 37;
    public const int XdpFlagsSkbMode = 1 << 1;
    public const int XdpFlagsDrvMode = 1 << 2;

    private const int CmdMapCreate = 0;
    private const int CmdMapUpdateElem = 2;
    private const int CmdProgLoad = 5;
    private const int CmdLinkCreate = 28;

    // sizeof(union bpf_attr) in the 6.x headers; the kernel takes any size up to its own if the tail is zero.
    private const int AttrSize = 144;

    /// <summary>Creates an XSKMAP (u32 queue index to AF_XDP socket).</summary>
    /// <param name="entries">Slots (queues).</param>
    /// <returns>The map's file descriptor.</returns>
    /// <exception cref="TrafficEnvironmentException">The kernel refused (no BPF, no XSKMAP).</exception>
    public static int CreateXskMap(int entries)
    {
        byte[] attr = new byte[AttrSize];
        BinaryPrimitives.WriteInt32LittleEndian(attr, MapTypeXskMap);
        BinaryPrimitives.WriteInt32LittleEndian(attr.AsSpan(4), sizeof(int));
        BinaryPrimitives.WriteInt32LittleEndian(attr.AsSpan(8), sizeof(int));
        BinaryPrimitives.WriteInt32LittleEndian(attr.AsSpan(12), entries);
        Encoding.ASCII.GetBytes("nfvc_xsks", attr.AsSpan(28, 15));
        long fd = Call(CmdMapCreate, attr);
        return fd >= 0 ? (int)fd : throw new TrafficEnvironmentException($"bpf(BPF_MAP_CREATE, XSKMAP) failed: {Libc.LastError()}.");
    }

    /// <summary>Puts an AF_XDP socket in slot <paramref name="key"/> of an XSKMAP.</summary>
    /// <param name="mapFd">The map.</param>
    /// <param name="key">The queue index.</param>
    /// <param name="socketFd">The AF_XDP socket (bound).</param>
    /// <exception cref="TrafficEnvironmentException">The kernel refused.</exception>
    public static void SetXskMapEntry(int mapFd, int key, int socketFd)
    {
        byte[] values = GC.AllocateArray<byte>(8, pinned: true);
        BinaryPrimitives.WriteInt32LittleEndian(values, key);
        BinaryPrimitives.WriteInt32LittleEndian(values.AsSpan(4), socketFd);
        long address = Marshal.UnsafeAddrOfPinnedArrayElement(values, 0).ToInt64();
        byte[] attr = new byte[AttrSize];
        BinaryPrimitives.WriteInt32LittleEndian(attr, mapFd);
        BinaryPrimitives.WriteInt64LittleEndian(attr.AsSpan(8), address);
        BinaryPrimitives.WriteInt64LittleEndian(attr.AsSpan(16), address + 4);
        if (Call(CmdMapUpdateElem, attr) < 0)
        {
            throw new TrafficEnvironmentException($"bpf(BPF_MAP_UPDATE_ELEM) of the AF_XDP socket into the XSKMAP failed: {Libc.LastError()}.");
        }

        GC.KeepAlive(values);
    }

    /// <summary>Loads an XDP program; on refusal the verifier's log is in the message.</summary>
    /// <param name="instructions">struct bpf_insn array (8 bytes each).</param>
    /// <returns>The program's file descriptor.</returns>
    /// <exception cref="TrafficEnvironmentException">The kernel refused (the verifier's log included).</exception>
    public static int LoadXdpProgram(byte[] instructions)
    {
        byte[] insns = GC.AllocateArray<byte>(instructions.Length, pinned: true);
        instructions.CopyTo(insns, 0);
        byte[] license = GC.AllocateArray<byte>(16, pinned: true);
        Encoding.ASCII.GetBytes("Apache-2.0", license);
        byte[] log = GC.AllocateArray<byte>(64 * 1024, pinned: true);
        byte[] attr = new byte[AttrSize];
        BinaryPrimitives.WriteInt32LittleEndian(attr, ProgTypeXdp);
        BinaryPrimitives.WriteInt32LittleEndian(attr.AsSpan(4), instructions.Length / 8);
        BinaryPrimitives.WriteInt64LittleEndian(attr.AsSpan(8), Marshal.UnsafeAddrOfPinnedArrayElement(insns, 0).ToInt64());
        BinaryPrimitives.WriteInt64LittleEndian(attr.AsSpan(16), Marshal.UnsafeAddrOfPinnedArrayElement(license, 0).ToInt64());
        BinaryPrimitives.WriteInt32LittleEndian(attr.AsSpan(24), 1);
        BinaryPrimitives.WriteInt32LittleEndian(attr.AsSpan(28), log.Length);
        BinaryPrimitives.WriteInt64LittleEndian(attr.AsSpan(32), Marshal.UnsafeAddrOfPinnedArrayElement(log, 0).ToInt64());
        Encoding.ASCII.GetBytes("nfvc_xsk_rx", attr.AsSpan(48, 15));
        // expected_attach_type stays 0 (BPF_XDP is 37 but 0 is what loaders pass for a plain XDP program).
        long fd = Call(CmdProgLoad, attr);
        if (fd < 0)
        {
            string error = Libc.LastError();
            int end = Array.IndexOf(log, (byte)0);
            string text = Encoding.ASCII.GetString(log, 0, end < 0 ? log.Length : end).Trim();
            throw new TrafficEnvironmentException($"bpf(BPF_PROG_LOAD, XDP) failed: {error}{(text.Length == 0 ? string.Empty : "; verifier: " + text[Math.Max(0, text.Length - 600)..])}.");
        }

        GC.KeepAlive(insns);
        GC.KeepAlive(license);
        return (int)fd;
    }

    /// <summary>Attaches an XDP program to an interface of the calling thread's namespace as a BPF link (detached when its last descriptor closes, so a killed process leaves nothing attached).</summary>
    /// <param name="programFd">The program.</param>
    /// <param name="ifIndex">The interface.</param>
    /// <param name="flags"><see cref="XdpFlagsDrvMode"/> or <see cref="XdpFlagsSkbMode"/>.</param>
    /// <param name="errno">The kernel's errno when refused.</param>
    /// <returns>The link's file descriptor, or -1.</returns>
    public static int TryCreateXdpLink(int programFd, int ifIndex, int flags, out int errno)
    {
        byte[] attr = new byte[AttrSize];
        BinaryPrimitives.WriteInt32LittleEndian(attr, programFd);
        BinaryPrimitives.WriteInt32LittleEndian(attr.AsSpan(4), ifIndex);
        BinaryPrimitives.WriteInt32LittleEndian(attr.AsSpan(8), AttachTypeXdp);
        BinaryPrimitives.WriteInt32LittleEndian(attr.AsSpan(12), flags);
        long fd = Call(CmdLinkCreate, attr);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return (int)fd;
    }

    private static long Call(int command, byte[] attr)
    {
        long number = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 321,
            Architecture.Arm64 => 280,
            Architecture other => throw new TrafficEnvironmentException($"bpf(2) is not wired for {other}; the AF_XDP receiver runs on x64 and arm64."),
        };
        return Libc.syscall(number, command, attr, attr.Length);
    }
}
