// Licensed under the Apache License, Version 2.0.
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using NfvConformance.Lab.Linux.Traffic;
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
        try
        {
            return new NetnsRawSocket(NetNamespace.Run(ns, () => new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Raw)), ns);
        }
        catch (SocketException e)
        {
            throw new NfvConformanceException($"Cannot open a raw socket in network namespace '{ns}': {e.Message}.");
        }
    }

    /// <summary>Sends one IPv4 packet (header included); the namespace's routes and neighbours deliver it.</summary>
    /// <param name="packet">The packet.</param>
    /// <param name="destination">Its destination address (the kernel routes on it).</param>
    public void Send(ReadOnlySpan<byte> packet, IPAddress destination) => _socket.SendTo(packet, SocketFlags.None, new IPEndPoint(destination, 0));

    public void Dispose() => _socket.Dispose();
}
