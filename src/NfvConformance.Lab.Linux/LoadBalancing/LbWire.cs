// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Native;
using NfvConformance.Lab.Linux.Traffic;

namespace NfvConformance.Lab.Linux.LoadBalancing;

/// <summary>
/// One AF_PACKET socket on an interface inside a lab namespace: sends whole Ethernet frames onto the wire and reads
/// back the frames the interface received that were addressed to its own MAC (what the host behind it really got).
/// </summary>
internal sealed class LbWire : IDisposable
{
    private const int MsgDontWait = 0x40;
    private readonly byte[] _buffer = new byte[65536];
    private int _fd;

    private LbWire(int fd, string name, byte[] mac)
    {
        _fd = fd;
        Name = name;
        Mac = mac;
    }

    /// <summary>Gets what the wire is, for messages and attribution (a member or instance name, or "client").</summary>
    public string Name { get; }

    /// <summary>Gets the MAC of the interface; only frames to it are read.</summary>
    public byte[] Mac { get; }

    /// <summary>Gets the socket descriptor, for poll(2).</summary>
    public int Fd => _fd;

    /// <summary>Opens the wire on an interface of a namespace.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="device">The interface.</param>
    /// <param name="name">What it is.</param>
    /// <param name="mac">Its MAC (aa:bb:..).</param>
    /// <returns>The wire.</returns>
    public static LbWire Open(string ns, string device, string name, string mac) =>
        NetNamespace.Run(ns, () =>
        {
            int fd = PacketSockets.OpenRaw();
            try
            {
                PacketSockets.Bind(fd, PacketSockets.IndexOf(device, ns), Libc.EthPAll, $"{name} ({ns}/{device})");
                return new LbWire(fd, name, ParseMac(mac));
            }
            catch
            {
                _ = Libc.close(fd);
                throw;
            }
        });

    /// <summary>Opens a tap on an interface of a namespace: it reads every IP frame the interface sends or receives, whatever its MAC.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="device">The interface.</param>
    /// <param name="name">What it is.</param>
    /// <returns>The wire.</returns>
    public static LbWire OpenTap(string ns, string device, string name)
    {
        LbWire tap = Open(ns, device, name, string.Empty);
        _ = tap.Drain();
        return tap;
    }

    /// <summary>Parses aa:bb:cc:dd:ee:ff.</summary>
    /// <param name="mac">The text.</param>
    /// <returns>Six bytes.</returns>
    public static byte[] ParseMac(string mac) => Convert.FromHexString(mac.Replace(":", string.Empty, StringComparison.Ordinal));

    /// <summary>Puts one frame on the wire.</summary>
    /// <param name="frame">The frame, from its Ethernet header.</param>
    public void Send(ReadOnlySpan<byte> frame)
    {
        byte[] copy = frame.ToArray();
        for (int attempt = 0; Libc.send(_fd, copy, (nuint)copy.Length, 0) != copy.Length; attempt++)
        {
            // ENOBUFS: the link's peer had no room for the frame this instant; the frame was not sent, so send it again.
            if (Marshal.GetLastPInvokeError() == Libc.Enobufs && attempt < 20)
            {
                Thread.Sleep(1);
                continue;
            }

            throw new TrafficEnvironmentException($"sending a {copy.Length}-byte frame on {Name}'s wire failed: {Libc.LastError()}.");
        }
    }

    /// <summary>Reads every frame waiting now that was addressed to this interface (any, for a tap) and carries IPv4 or IPv6 other than neighbour discovery.</summary>
    /// <returns>The frames, oldest first.</returns>
    public List<byte[]> Drain()
    {
        List<byte[]> frames = [];
        while (true)
        {
            nint n = Libc.recv(_fd, _buffer, (nuint)_buffer.Length, MsgDontWait);
            if (n <= 0)
            {
                return frames;
            }

            ReadOnlySpan<byte> f = _buffer.AsSpan(0, (int)n);
            if (f.Length >= 34 && (Mac.Length == 0 || f[..6].SequenceEqual(Mac)) && IsTraffic(f))
            {
                frames.Add(f.ToArray());
            }
        }
    }

    /// <summary>
    /// Waits until one of the wires has a frame or the time is up, without holding a thread: it polls the sockets
    /// without blocking and yields for a millisecond between polls (frames queue in the sockets meanwhile).
    /// </summary>
    /// <param name="wires">The wires.</param>
    /// <param name="timeoutMs">The most to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when a frame waits or the time is up.</returns>
    public static async Task WaitAsync(IReadOnlyList<LbWire> wires, int timeoutMs, CancellationToken cancellationToken)
    {
        long deadline = Environment.TickCount64 + Math.Max(0, timeoutMs);
        while (!Ready(wires) && Environment.TickCount64 < deadline)
        {
            await Task.Delay(1, cancellationToken);
        }
    }

    private static bool Ready(IReadOnlyList<LbWire> wires)
    {
        byte[] fds = new byte[wires.Count * 8];
        for (int i = 0; i < wires.Count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(fds.AsSpan(i * 8), wires[i]._fd);
            BinaryPrimitives.WriteInt16LittleEndian(fds.AsSpan((i * 8) + 4), Libc.PollIn);
        }

        return Libc.poll(fds, (nuint)wires.Count, 0) > 0;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            _ = Libc.close(fd);
        }
    }

    private static bool IsTraffic(ReadOnlySpan<byte> f)
    {
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(f[12..]);
        if (type == 0x0800)
        {
            return true;
        }

        // IPv6, except ICMPv6 router/neighbour discovery (types 133-137), which the kernels exchange on their own.
        return type == 0x86DD && f.Length >= 55 && !(f[20] == 58 && f[54] is >= 133 and <= 137);
    }
}
