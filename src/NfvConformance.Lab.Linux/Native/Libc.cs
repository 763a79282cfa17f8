// Licensed under the Apache License, Version 2.0.
using System.Runtime.InteropServices;

namespace NfvConformance.Lab.Linux.Native;

/// <summary>
/// The libc calls the linux target needs that .NET does not wrap (packet, netlink and AF_XDP sockets, rings, CPU
/// affinity, namespaces, clocks), in one place for the whole assembly, as plain DllImports over blittable arguments (ints, IntPtrs,
/// byte arrays), so no unsafe code is needed: buffers handed to the kernel are pinned managed arrays (the pinned
/// object heap) or an mmap'ed ring read through <see cref="Marshal"/>.
/// </summary>
internal static class Libc
{
    public const int AfNetlink = 16;
    public const int AfPacket = 17;
    public const int AfXdp = 44;
    public const int SockRaw = 3;
    public const int SolSocket = 1;
    public const int SoAttachFilter = 26;
    public const int SoRcvbuf = 8;
    public const int SoSndbuf = 7;
    public const int SolPacket = 263;
    public const int PacketRxRing = 5;
    public const int PacketStatistics = 6;
    public const int PacketVersion = 10;
    public const int PacketTxRing = 13;
    public const int PacketQdiscBypass = 20;
    public const int PacketIgnoreOutgoing = 23;
    public const int TpacketV2 = 1;
    public const int TpacketV3 = 2;
    public const ushort EthPAll = 0x0003;
    public const int ProtRead = 1;
    public const int ProtWrite = 2;
    public const int MapShared = 1;
    public const short PollIn = 0x001;
    public const short PollErr = 0x008;
    public const int ClockRealtime = 0;
    public const int ClockMonotonic = 1;
    public const int ClockThreadCputime = 3;
    public const int CloneNewNet = 0x40000000;
    public const int Eagain = 11;
    public const int Eintr = 4;
    public const int Enobufs = 105;
    public const int Ebusy = 16;
    public const int MsgDontWait = 0x40;
    public const int SoSndbufForce = 32;

    // AF_XDP (linux/if_xdp.h).
    public const int SolXdp = 283;
    public const int XdpMmapOffsets = 1;
    public const int XdpRxRing = 2;
    public const int XdpTxRing = 3;
    public const int XdpUmemReg = 4;
    public const int XdpUmemFillRing = 5;
    public const int XdpUmemCompletionRing = 6;
    public const int XdpStatistics = 7;
    public const ushort XdpCopy = 1 << 1;
    public const ushort XdpUseNeedWakeup = 1 << 3;
    public const int XdpRingNeedWakeup = 1;
    public const long XdpPgoffRxRing = 0;
    public const long XdpPgoffTxRing = 0x80000000;
    public const long XdpUmemPgoffFillRing = 0x100000000;
    public const long XdpUmemPgoffCompletionRing = 0x180000000;

    private const string Lib = "libc";

    /// <summary>SCHED_RR: real-time round robin.</summary>
    public const int SchedRoundRobin = 2;

    [DllImport(Lib, SetLastError = true)]
    public static extern int socket(int domain, int type, int protocol);

    [DllImport(Lib, SetLastError = true)]
    public static extern int close(int fd);

    [DllImport(Lib, SetLastError = true)]
    public static extern nint send(int fd, byte[] buffer, nuint length, int flags);

    /// <summary>sendto(2) with no buffer and no address: the AF_XDP transmit kick.</summary>
    [DllImport(Lib, SetLastError = true)]
    public static extern nint sendto(int fd, IntPtr buffer, nuint length, int flags, IntPtr address, int addressLength);

    [DllImport(Lib, SetLastError = true)]
    public static extern nint recv(int fd, byte[] buffer, nuint length, int flags);

    [DllImport(Lib, SetLastError = true)]
    public static extern int bind(int fd, byte[] address, int length);

    [DllImport(Lib, SetLastError = true)]
    public static extern int setsockopt(int fd, int level, int name, ref int value, int length);

    [DllImport(Lib, SetLastError = true)]
    public static extern int setsockopt(int fd, int level, int name, byte[] value, int length);

    [DllImport(Lib, SetLastError = true)]
    public static extern int getsockopt(int fd, int level, int name, byte[] value, ref int length);

    [DllImport(Lib, SetLastError = true)]
    public static extern int sendmmsg(int fd, IntPtr messages, uint count, int flags);

    [DllImport(Lib, SetLastError = true)]
    public static extern IntPtr mmap(IntPtr address, nuint length, int protection, int flags, int fd, nint offset);

    [DllImport(Lib, SetLastError = true)]
    public static extern int munmap(IntPtr address, nuint length);

    [DllImport(Lib, SetLastError = true)]
    public static extern int poll(byte[] fds, nuint count, int timeoutMs);

    [DllImport(Lib, SetLastError = true)]
    public static extern uint if_nametoindex(string name);

    [DllImport(Lib, SetLastError = true)]
    public static extern int setns(int fd, int type);

    [DllImport(Lib, SetLastError = true)]
    public static extern int clock_gettime(int clock, byte[] timespec);

    /// <summary>clock_nanosleep(2) on a relative struct timespec (flags 0); remain is not read (pass zero).</summary>
    [DllImport(Lib, SetLastError = true)]
    public static extern int clock_nanosleep(int clock, int flags, byte[] request, IntPtr remain);

    /// <summary>syscall(2) with three integer arguments: bpf(2) has no libc wrapper.</summary>
    [DllImport(Lib, SetLastError = true)]
    public static extern long syscall(long number, long a, byte[] b, long c);

    [DllImport(Lib, SetLastError = true)]
    public static extern int sched_setaffinity(int pid, nint size, byte[] mask);

    /// <summary>sched_setscheduler(2); pid 0 is the calling thread, param is struct sched_param (one int, the priority).</summary>
    [DllImport(Lib, SetLastError = true)]
    public static extern int sched_setscheduler(int pid, int policy, ref int param);

    /// <summary>Gets the text of the last error (errno) of a call above.</summary>
    /// <returns>"errno N (text)".</returns>
    public static string LastError()
    {
        int errno = Marshal.GetLastPInvokeError();
        return $"errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})";
    }

    /// <summary>Reads the calling thread's CPU time (user and system) in nanoseconds.</summary>
    /// <returns>Nanoseconds, or 0 when the clock cannot be read.</returns>
    public static long ThreadCpuNs()
    {
        byte[] ts = new byte[16];
        return clock_gettime(ClockThreadCputime, ts) != 0 ? 0 : (BitConverter.ToInt64(ts, 0) * 1_000_000_000L) + BitConverter.ToInt64(ts, 8);
    }

    /// <summary>Reads CLOCK_REALTIME in nanoseconds (the clock the kernel stamps received frames with).</summary>
    /// <returns>Nanoseconds since the epoch.</returns>
    public static long RealtimeNs()
    {
        byte[] ts = new byte[16];
        if (clock_gettime(ClockRealtime, ts) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_REALTIME) failed: " + LastError());
        }

        return (BitConverter.ToInt64(ts, 0) * 1_000_000_000L) + BitConverter.ToInt64(ts, 8);
    }
}
