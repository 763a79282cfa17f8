// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NfvConformance.Trex.Rpc;

/// <summary>Why a ZMTP exchange failed (the caller turns it into its own error).</summary>
internal sealed class ZmtpException(string message, bool timedOut = false, Exception? inner = null) : IOException(message, inner)
{
    /// <summary>Gets whether the deadline passed (rather than the peer closing or refusing).</summary>
    public bool TimedOut { get; } = timedOut;
}

/// <summary>
/// One ZMTP 3.0 connection with the NULL mechanism (rfc.zeromq.org/spec/23), the part of ZeroMQ that TRex's REQ/REP
/// needs: greeting, READY with the socket type, single- and multi-frame messages, PING answered with PONG. Blocking
/// calls on the caller's thread: a round trip costs a write and a read and no thread hop (NetMQ's REQ/REP crosses its
/// I/O thread on both ends, 2.2-2.7x libzmq's round trip here; see docs/performance.md).
/// Not thread-safe; the owner serialises calls.
/// </summary>
internal sealed class ZmtpConnection : IDisposable
{
    private const int GreetingLength = 64;
    private const byte FlagMore = 0x01;
    private const byte FlagLong = 0x02;
    private const byte FlagCommand = 0x04;
    private readonly Socket _socket;
    private readonly string _peer;
    private byte[] _in = new byte[16 * 1024];
    private byte[] _out = new byte[16 * 1024];
    private int _start;
    private int _end;
    private int _receiveTimeoutMs;

    private ZmtpConnection(Socket socket, string peer)
    {
        _socket = socket;
        _peer = peer;
        _socket.NoDelay = true;
    }

    /// <summary>Connects to <c>tcp://HOST:PORT</c> and completes the handshake, retrying a refused connection until the deadline (a server that is starting).</summary>
    /// <param name="endpoint">The address.</param>
    /// <param name="socketType">Our socket type (REQ).</param>
    /// <param name="deadline">Stopwatch timestamp by which it must be done.</param>
    /// <returns>The connection.</returns>
    /// <exception cref="ZmtpException">Refused until the deadline, or a handshake that failed.</exception>
    public static ZmtpConnection Connect(IPEndPoint endpoint, string socketType, long deadline)
    {
        while (true)
        {
            Socket s = new(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                int ms = RemainingMs(deadline);
                IAsyncResult pending = s.BeginConnect(endpoint, null, null);
                if (!pending.AsyncWaitHandle.WaitOne(ms))
                {
                    throw new ZmtpException("no connection within the timeout", timedOut: true);
                }

                s.EndConnect(pending);
                ZmtpConnection c = new(s, endpoint.ToString());
                c.Handshake(socketType, deadline);
                return c;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
            {
                s.Dispose();
                if (RemainingMs(deadline) <= 20)
                {
                    throw new ZmtpException("nothing listens there (connection refused)", timedOut: true, ex);
                }

                Thread.Sleep(20);
            }
            catch
            {
                s.Dispose();
                throw;
            }
        }
    }

    /// <summary>Completes the handshake on an accepted socket (no deadline: the accepting thread owns it).</summary>
    /// <param name="socket">The accepted socket.</param>
    /// <param name="socketType">Our socket type (REP).</param>
    /// <param name="handshakeTimeout">How long the peer may take to greet.</param>
    /// <returns>The connection.</returns>
    /// <exception cref="ZmtpException">The peer is not a compatible ZeroMQ socket.</exception>
    public static ZmtpConnection Accept(Socket socket, string socketType, TimeSpan handshakeTimeout)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ZmtpConnection c = new(socket, socket.RemoteEndPoint?.ToString() ?? "?");
        try
        {
            c.Handshake(socketType, Stopwatch.GetTimestamp() + (long)(handshakeTimeout.TotalSeconds * Stopwatch.Frequency));
            c.SetReceiveTimeout(0);
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    /// <summary>Parses <c>tcp://HOST:PORT</c> (HOST an address, a name, <c>*</c> or <c>localhost</c>).</summary>
    /// <param name="address">The address.</param>
    /// <param name="forBind">Whether <c>*</c> (any) is allowed.</param>
    /// <returns>The endpoint.</returns>
    /// <exception cref="ArgumentException">Not a tcp address.</exception>
    public static IPEndPoint ParseTcp(string address, bool forBind)
    {
        ArgumentNullException.ThrowIfNull(address);
        int colon = address.LastIndexOf(':');
        if (!address.StartsWith("tcp://", StringComparison.Ordinal) || colon < 6
            || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            throw new ArgumentException($"'{address}' is not a ZeroMQ tcp address (tcp://HOST:PORT).", nameof(address));
        }

        string host = address[6..colon].Trim('[', ']');
        if (host == "*" && forBind)
        {
            return new IPEndPoint(IPAddress.Any, port);
        }

        if (IPAddress.TryParse(host, out IPAddress? ip))
        {
            return new IPEndPoint(ip, port);
        }

        IPAddress[] found = Dns.GetHostAddresses(host);
        IPAddress pick = found.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? found.FirstOrDefault()
            ?? throw new ArgumentException($"'{host}' in '{address}' does not resolve.", nameof(address));
        return new IPEndPoint(pick, port);
    }

    /// <summary>Gets whether the peer has closed the connection while idle (a restarted server): then a request would be lost.</summary>
    public bool PeerClosed
    {
        get
        {
            try
            {
                return _start == _end && _socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return true;
            }
        }
    }

    /// <summary>Sends one message: the envelope frames (for REQ, one empty delimiter), then the body, in one write.</summary>
    /// <param name="envelope">Frames before the body (routing frames and the empty delimiter), each sent with MORE.</param>
    /// <param name="body">The body (one frame).</param>
    public void Send(IReadOnlyList<byte[]> envelope, ReadOnlySpan<byte> body)
    {
        int size = body.Length + 9;
        foreach (byte[] e in envelope)
        {
            size += e.Length + 9;
        }

        if (_out.Length < size)
        {
            _out = new byte[Math.Max(size, _out.Length * 2)];
        }

        int o = 0;
        foreach (byte[] e in envelope)
        {
            o += WriteFrameHeader(_out.AsSpan(o), e.Length, FlagMore);
            e.CopyTo(_out, o);
            o += e.Length;
        }

        o += WriteFrameHeader(_out.AsSpan(o), body.Length, 0);
        body.CopyTo(_out.AsSpan(o));
        o += body.Length;
        SendAll(_out.AsSpan(0, o));
    }

    /// <summary>Receives one message: frames up to and including the first empty one are its envelope, the rest its body.</summary>
    /// <param name="deadline">Stopwatch timestamp, or 0 to wait without limit.</param>
    /// <param name="envelope">The envelope frames (empty delimiter included), or an empty list when there was none.</param>
    /// <returns>The body (frames after the envelope, joined).</returns>
    /// <exception cref="ZmtpException">The peer closed, broke the protocol, or the deadline passed.</exception>
    public byte[] Receive(long deadline, out List<byte[]> envelope)
    {
        envelope = [];
        List<byte[]> frames = [];
        bool inEnvelope = true;
        while (true)
        {
            (byte flags, byte[] frame) = ReadFrame(deadline);
            if ((flags & FlagCommand) != 0)
            {
                OnCommand(frame);
                continue;
            }

            if (inEnvelope)
            {
                envelope.Add(frame);
                if (frame.Length == 0)
                {
                    inEnvelope = false;
                }
            }
            else
            {
                frames.Add(frame);
            }

            if ((flags & FlagMore) == 0)
            {
                break;
            }
        }

        if (inEnvelope)
        {
            // No delimiter: a peer without REQ's envelope (libzmq's REP/REQ always sends one).
            frames = envelope;
            envelope = [];
        }

        return frames.Count == 1 ? frames[0] : [.. frames.SelectMany(f => f)];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose();
    }

    private static int RemainingMs(long deadline)
    {
        long ticks = deadline - Stopwatch.GetTimestamp();
        return ticks <= 0 ? 0 : (int)Math.Min(int.MaxValue, ticks * 1000 / Stopwatch.Frequency) + 1;
    }

    private static int WriteFrameHeader(Span<byte> to, int length, byte flags)
    {
        if (length <= 255)
        {
            to[0] = flags;
            to[1] = (byte)length;
            return 2;
        }

        to[0] = (byte)(flags | FlagLong);
        BinaryPrimitives.WriteUInt64BigEndian(to[1..], (ulong)length);
        return 9;
    }

    private void Handshake(string socketType, long deadline)
    {
        // Greeting: signature FF 00x8 7F, version 3.0, mechanism NULL, as-server 0, filler; sent whole (the spec allows it).
        Span<byte> greeting = stackalloc byte[GreetingLength];
        greeting.Clear();
        greeting[0] = 0xFF;
        greeting[9] = 0x7F;
        greeting[10] = 3;
        "NULL"u8.CopyTo(greeting[12..]);
        SendAll(greeting);
        ReadOnlySpan<byte> peer = Fill(GreetingLength, deadline);
        if (peer[0] != 0xFF || (peer[9] & 1) == 0)
        {
            throw new ZmtpException($"{_peer} is not a ZeroMQ peer (no ZMTP signature)");
        }

        if (peer[10] < 3)
        {
            throw new ZmtpException($"{_peer} speaks ZMTP {peer[10]}.x; TRex needs ZeroMQ 4 (ZMTP 3)");
        }

        if (!peer.Slice(12, 20).TrimEnd((byte)0).SequenceEqual("NULL"u8))
        {
            throw new ZmtpException($"{_peer} asks for security mechanism '{Encoding.ASCII.GetString(peer.Slice(12, 20).TrimEnd((byte)0))}'; TRex uses NULL");
        }

        Consume(GreetingLength);
        byte[] type = Encoding.ASCII.GetBytes(socketType);
        byte[] ready = new byte[1 + 5 + 1 + 11 + 4 + type.Length];
        ready[0] = 5;
        "READY"u8.CopyTo(ready.AsSpan(1));
        ready[6] = 11;
        "Socket-Type"u8.CopyTo(ready.AsSpan(7));
        BinaryPrimitives.WriteInt32BigEndian(ready.AsSpan(18), type.Length);
        type.CopyTo(ready, 22);
        Span<byte> header = stackalloc byte[2] { FlagCommand, (byte)ready.Length };
        SendAll([.. header, .. ready]);
        (byte flags, byte[] command) = ReadFrame(deadline);
        string name = CommandName(command);
        if ((flags & FlagCommand) == 0 || name != "READY")
        {
            string why = name == "ERROR" && command.Length > 7 ? ": " + Encoding.ASCII.GetString(command, 7, Math.Min(command[6], command.Length - 7)) : string.Empty;
            throw new ZmtpException($"{_peer} did not complete the ZeroMQ handshake (got {(name.Length > 0 ? name : "a message")} instead of READY){why}");
        }

        string peerType = SocketTypeOf(command);
        bool compatible = socketType switch
        {
            "REQ" => peerType is "REP" or "ROUTER",
            "REP" => peerType is "REQ" or "DEALER",
            _ => true,
        };
        if (!compatible)
        {
            throw new ZmtpException($"{_peer} is a ZeroMQ {peerType} socket, which cannot talk to {socketType}");
        }
    }

    private static string CommandName(byte[] command) =>
        command.Length > 0 && command.Length >= 1 + command[0] ? Encoding.ASCII.GetString(command, 1, command[0]) : string.Empty;

    private static string SocketTypeOf(byte[] ready)
    {
        int o = 1 + ready[0];
        while (o + 1 <= ready.Length)
        {
            int nameLength = ready[o];
            if (o + 1 + nameLength + 4 > ready.Length)
            {
                break;
            }

            string name = Encoding.ASCII.GetString(ready, o + 1, nameLength);
            int valueLength = BinaryPrimitives.ReadInt32BigEndian(ready.AsSpan(o + 1 + nameLength));
            int value = o + 1 + nameLength + 4;
            if (valueLength < 0 || value + valueLength > ready.Length)
            {
                break;
            }

            if (name.Equals("Socket-Type", StringComparison.OrdinalIgnoreCase))
            {
                return Encoding.ASCII.GetString(ready, value, valueLength);
            }

            o = value + valueLength;
        }

        return "?";
    }

    private void OnCommand(byte[] command)
    {
        string name = CommandName(command);
        if (name == "PING" && command.Length >= 7)
        {
            // PING: TTL (2 bytes), then a context the PONG echoes.
            byte[] context = command[7..];
            byte[] pong = new byte[2 + 1 + 4 + context.Length];
            pong[0] = FlagCommand;
            pong[1] = (byte)(5 + context.Length);
            pong[2] = 4;
            "PONG"u8.CopyTo(pong.AsSpan(3));
            context.CopyTo(pong, 7);
            SendAll(pong);
        }
        else if (name == "ERROR")
        {
            throw new ZmtpException($"{_peer} closed the ZeroMQ session with an ERROR command");
        }
    }

    private (byte Flags, byte[] Frame) ReadFrame(long deadline)
    {
        ReadOnlySpan<byte> head = Fill(2, deadline);
        byte flags = head[0];
        long length;
        int headerLength;
        if ((flags & FlagLong) != 0)
        {
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(Fill(9, deadline)[1..]);
            headerLength = 9;
        }
        else
        {
            length = head[1];
            headerLength = 2;
        }

        if (length > ZipFrame.MaxMessage * 4L)
        {
            throw new ZmtpException($"{_peer} sent a frame of {length} bytes, more than a TRex message can be");
        }

        byte[] frame = Fill(headerLength + (int)length, deadline).Slice(headerLength).ToArray();
        Consume(headerLength + (int)length);
        return (flags, frame);
    }

    // Makes at least n bytes available at _start and returns them (not consumed).
    private ReadOnlySpan<byte> Fill(int n, long deadline)
    {
        if (_end - _start < n)
        {
            if (_in.Length - _start < n)
            {
                byte[] bigger = n > _in.Length ? new byte[Math.Max(n, _in.Length * 2)] : _in;
                Buffer.BlockCopy(_in, _start, bigger, 0, _end - _start);
                _end -= _start;
                _start = 0;
                _in = bigger;
            }

            while (_end - _start < n)
            {
                if (deadline != 0)
                {
                    int ms = RemainingMs(deadline);
                    if (ms == 0)
                    {
                        throw new ZmtpException("no reply within the timeout", timedOut: true);
                    }

                    // setsockopt only when the deadline is nearer than the timeout already set (rare: a reply in many reads).
                    if (_receiveTimeoutMs == 0 || ms < _receiveTimeoutMs)
                    {
                        SetReceiveTimeout(ms);
                    }
                }

                int got;
                try
                {
                    got = _socket.Receive(_in, _end, _in.Length - _end, SocketFlags.None);
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
                {
                    throw new ZmtpException("no reply within the timeout", timedOut: true, ex);
                }
                catch (SocketException ex)
                {
                    throw new ZmtpException($"the connection to {_peer} failed ({ex.SocketErrorCode})", inner: ex);
                }

                if (got == 0)
                {
                    throw new ZmtpException($"{_peer} closed the connection");
                }

                _end += got;
            }
        }

        return _in.AsSpan(_start, n);
    }

    private void Consume(int n)
    {
        _start += n;
        if (_start == _end)
        {
            _start = 0;
            _end = 0;
        }
    }

    private void SetReceiveTimeout(int ms)
    {
        _socket.ReceiveTimeout = ms;
        _receiveTimeoutMs = ms;
    }

    private void SendAll(ReadOnlySpan<byte> data)
    {
        try
        {
            while (data.Length > 0)
            {
                data = data[_socket.Send(data, SocketFlags.None)..];
            }
        }
        catch (SocketException ex)
        {
            throw new ZmtpException($"the connection to {_peer} failed ({ex.SocketErrorCode})", inner: ex);
        }
    }
}
