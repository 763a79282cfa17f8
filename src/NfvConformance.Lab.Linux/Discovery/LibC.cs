// Licensed under the Apache License, Version 2.0.
using System.Runtime.InteropServices;

namespace NfvConformance.Lab.Linux.Discovery;

/// <summary>The few libc calls discovery and placement need that .NET does not wrap (netlink and AF_XDP sockets, CPU affinity).</summary>
internal static class LibC
{
    /// <summary>AF_NETLINK.</summary>
    public const int AfNetlink = 16;

    /// <summary>AF_XDP.</summary>
    public const int AfXdp = 44;

    /// <summary>SOCK_RAW.</summary>
    public const int SockRaw = 3;

    [DllImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static extern int Socket(int domain, int type, int protocol);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    public static extern int Close(int fd);

    [DllImport("libc", EntryPoint = "send", SetLastError = true)]
    public static extern nint Send(int fd, byte[] buffer, nint length, int flags);

    [DllImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static extern nint Recv(int fd, byte[] buffer, nint length, int flags);

    [DllImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static extern int SetSockOpt(int fd, int level, int name, byte[] value, int length);

    [DllImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    public static extern int SchedSetAffinity(int pid, nint size, byte[] mask);

    [DllImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    public static extern int SchedGetAffinity(int pid, nint size, byte[] mask);

    /// <summary>Gets the text of the last errno.</summary>
    /// <returns>The message.</returns>
    public static string LastError() => new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError()).Message;
}
