// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NfvConformance.Lab.Linux.Traffic;

namespace NfvConformance.Lab.Linux.LoadBalancing;

/// <summary>
/// The service a member runs, inside its own namespace: a TCP listener per TCP listener port (the kernel answers SYNs
/// with SYN-ACKs; accepted connections, such as the health monitor's, are shut down with a FIN) and a UDP socket per UDP port and
/// local address, which answers every datagram with "member NAME got N" (N = the bytes the kernel delivered, so after
/// reassembly of fragments). Stopping it closes the sockets: the kernel then resets TCP connects and the health
/// monitor's probes fail for real.
/// </summary>
internal sealed class LbMemberServer : IDisposable
{
    private readonly string _ns;
    private readonly string _member;
    private readonly IReadOnlyList<int> _tcpPorts;
    private readonly IReadOnlyList<int> _udpPorts;
    private readonly IReadOnlyList<IPAddress> _udpAddresses;
    private readonly List<Socket> _sockets = [];
    private readonly Lock _gate = new();
    private readonly TimeSpan _answerDelay;
    private int _owed;

    public LbMemberServer(string ns, string member, IReadOnlyList<int> tcpPorts, IReadOnlyList<int> udpPorts, IReadOnlyList<IPAddress> udpAddresses, TimeSpan answerDelay = default)
    {
        _answerDelay = answerDelay;
        _ns = ns;
        _member = member;
        _tcpPorts = tcpPorts;
        _udpPorts = udpPorts;
        _udpAddresses = udpAddresses;
    }

    /// <summary>Gets a value indicating whether the sockets are open.</summary>
    public bool Serving
    {
        get
        {
            lock (_gate)
            {
                return _sockets.Count > 0;
            }
        }
    }

    /// <summary>
    /// Gets a value indicating whether the service owes an answer: a UDP datagram the kernel delivered waits in one of its
    /// sockets, or it took one and has not answered yet. The service runs on this process's thread pool, so on a loaded
    /// host its answer can come long after the datagram arrived; an exchange waits for what is owed instead of
    /// counting a late answer as none.
    /// </summary>
    public bool Owes
    {
        get
        {
            lock (_gate)
            {
                if (Volatile.Read(ref _owed) > 0)
                {
                    return true;
                }

                foreach (Socket s in _sockets)
                {
                    if (s.SocketType == SocketType.Dgram && s.Available > 0)
                    {
                        return true;
                    }
                }

                return false;
            }
        }
    }

    /// <summary>Opens the sockets in the member's namespace and starts answering.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_sockets.Count > 0)
            {
                return;
            }

            List<Socket> opened = NetNamespace.Run(_ns, Open);
            _sockets.AddRange(opened);
            foreach (Socket s in opened)
            {
                _ = s.SocketType == SocketType.Stream ? AcceptLoopAsync(s) : AnswerLoopAsync(s);
            }
        }
    }

    /// <summary>Closes the sockets: the service is gone.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            foreach (Socket s in _sockets)
            {
                s.Dispose();
            }

            _sockets.Clear();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => Stop();

    private List<Socket> Open()
    {
        List<Socket> sockets = [];
        try
        {
            foreach (int port in _tcpPorts)
            {
                Socket t = new(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
                t.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                sockets.Add(t);
                t.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
                t.Listen(1024);
            }

            foreach (int port in _udpPorts)
            {
                foreach (IPAddress a in _udpAddresses)
                {
                    Socket u = new(a.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                    sockets.Add(u);
                    u.Bind(new IPEndPoint(a, port));
                }
            }

            return sockets;
        }
        catch
        {
            sockets.ForEach(s => s.Dispose());
            throw;
        }
    }

    private static async Task AcceptLoopAsync(Socket listener)
    {
        try
        {
            while (true)
            {
                using Socket c = await listener.AcceptAsync().ConfigureAwait(false);
                c.Shutdown(SocketShutdown.Both);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task AnswerLoopAsync(Socket socket)
    {
        byte[] buffer = new byte[65536];
        EndPoint any = socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        try
        {
            while (true)
            {
                // Peek first, so the datagram stays queued until it counts as owed: at no instant is a datagram the
                // kernel delivered neither queued nor owed (see Owes).
                _ = await socket.ReceiveFromAsync(buffer, SocketFlags.Peek, any).ConfigureAwait(false);
                _ = Interlocked.Increment(ref _owed);
                try
                {
                    SocketReceiveFromResult r = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any).ConfigureAwait(false);
                    if (_answerDelay > TimeSpan.Zero)
                    {
                        await Task.Delay(_answerDelay).ConfigureAwait(false);
                    }

                    byte[] answer = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"member {_member} got {r.ReceivedBytes}"));
                    _ = await socket.SendToAsync(answer, SocketFlags.None, r.RemoteEndPoint).ConfigureAwait(false);
                }
                finally
                {
                    _ = Interlocked.Decrement(ref _owed);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
