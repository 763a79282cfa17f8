// Licensed under the Apache License, Version 2.0.
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Lab.Linux.Chains;

/// <summary>
/// A raw IPv4 socket (IPPROTO_RAW: the caller writes the whole IP header, source address included) opened inside a
/// named network namespace. A socket belongs to the namespace it was created in, so a short-lived thread enters the
/// namespace (<c>setns</c>, which changes only the calling thread), creates the socket and leaves; the socket then
/// sends from that namespace whatever thread uses it.
/// </summary>
internal sealed class NetnsRawSocket : IDisposable
{
    private const int CloneNewNet = 0x40000000;
    private const int OpenReadOnly = 0;
    private const int OpenCloseOnExec = 0x80000;

    private readonly Socket _socket;

    private NetnsRawSocket(Socket socket, string ns)
    {
        _socket = socket;
        Namespace = ns;
    }

    public string Namespace { get; }

    /// <summary>Opens the socket inside a namespace made by <c>ip netns add</c>.</summary>
    /// <param name="ns">The namespace name (under /run/netns).</param>
    /// <returns>The socket.</returns>
    /// <exception cref="NfvConformanceException">The namespace cannot be entered.</exception>
    public static NetnsRawSocket Open(string ns)
    {
        Socket? socket = null;
        string? error = null;
        Thread thread = new(() =>
        {
            int self = OpenFile("/proc/thread-self/ns/net", OpenReadOnly | OpenCloseOnExec);
            int target = OpenFile("/run/netns/" + ns, OpenReadOnly | OpenCloseOnExec);
            try
            {
                if (self < 0 || target < 0)
                {
                    error = $"cannot open the namespace files (errno {Marshal.GetLastPInvokeError()})";
                    return;
                }

                if (SetNs(target, CloneNewNet) != 0)
                {
                    error = $"setns failed (errno {Marshal.GetLastPInvokeError()}); entering a namespace needs root";
                    return;
                }

                try
                {
                    socket = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Raw);
                }
                catch (SocketException e)
                {
                    error = e.Message;
                }
                finally
                {
                    _ = SetNs(self, CloneNewNet);
                }
            }
            finally
            {
                _ = CloseFile(self);
                _ = CloseFile(target);
            }
        })
        {
            IsBackground = true,
            Name = "nfvc-netns-" + ns,
        };
        thread.Start();
        thread.Join();
        return socket is null
            ? throw new NfvConformanceException($"Cannot open a raw socket in network namespace '{ns}': {error}.")
            : new NetnsRawSocket(socket, ns);
    }

    /// <summary>Sends one IPv4 packet (header included); the namespace's routes and neighbours deliver it.</summary>
    /// <param name="packet">The packet.</param>
    /// <param name="destination">Its destination address (the kernel routes on it).</param>
    public void Send(ReadOnlySpan<byte> packet, IPAddress destination) => _socket.SendTo(packet, SocketFlags.None, new IPEndPoint(destination, 0));

    public void Dispose() => _socket.Dispose();

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nstype);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int OpenFile([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int CloseFile(int fd);
}
