// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NfvConformance.Lab.Workloads.Host;

namespace NfvConformance.Lab.Workloads.Traffic;

/// <summary>What the flows saw.</summary>
/// <param name="Sent">Packets sent.</param>
/// <param name="Received">Packets received.</param>
/// <param name="LongestFlowGap">The longest time any one flow went without a packet (the time to recover from an outage).</param>
/// <param name="FlowsMoved">Flows whose path (the DSCP mark of the instance that forwarded them) changed during the run.</param>
/// <param name="FlowsSeen">Flows that delivered at least one packet.</param>
/// <param name="PathsByFlow">For each flow, the marks it was seen with, in order.</param>
public sealed record FlowReport(long Sent, long Received, TimeSpan LongestFlowGap, int FlowsMoved, int FlowsSeen, IReadOnlyList<IReadOnlyList<int>> PathsByFlow)
{
    /// <summary>Gets the packets lost.</summary>
    public long Lost => Sent - Received;
}

/// <summary>
/// UDP flows between two network namespaces: a sender of N flows (distinct source ports) at a paced rate, and a
/// receiver on a raw socket that reads each packet's flow, sequence number and DSCP (members of an ECMP group mark the
/// packets they forward, so the receiver tells which one carried each flow). Buffers are allocated up front; nothing
/// is allocated per packet.
/// </summary>
public sealed class UdpFlows : IDisposable
{
    private const int Port = 47000;
    private readonly Socket[] _tx;
    private readonly Socket _rx;
    private readonly Socket _sink;
    private readonly IPEndPoint _to;
    private readonly int _flows;
    private readonly int _pps;
    private readonly long[] _lastArrival;
    private readonly long[] _longestGap;
    private readonly int[] _lastMark;
    private readonly List<int>[] _marks;
    private long _sent;
    private long _received;
    private volatile bool _stop;
    private Thread? _sender;
    private Thread? _receiver;

    /// <summary>Initializes a new instance of the <see cref="UdpFlows"/> class.</summary>
    /// <param name="srcNetns">The sender's namespace path.</param>
    /// <param name="source">The sender's address.</param>
    /// <param name="dstNetns">The receiver's namespace path.</param>
    /// <param name="destination">The receiver's address.</param>
    /// <param name="flows">How many flows.</param>
    /// <param name="packetsPerSecond">The total rate.</param>
    public UdpFlows(string srcNetns, IPAddress source, string dstNetns, IPAddress destination, int flows, int packetsPerSecond)
    {
        _flows = flows;
        _pps = packetsPerSecond;
        _to = new IPEndPoint(destination, Port);
        // One UDP socket per flow (its own source port), so the kernel's L4 multipath hash sees distinct flows.
        _tx = new Socket[flows];
        for (int i = 0; i < flows; i++)
        {
            int port = 40000 + i;
            _tx[i] = Netns.SocketIn(srcNetns, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp, s =>
            {
                s.Bind(new IPEndPoint(source, port));
                s.Connect(_to);
            });
        }

        _rx = Netns.SocketIn(dstNetns, AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Udp, s =>
        {
            s.Bind(new IPEndPoint(destination, 0));
            s.ReceiveTimeout = 200;
            s.ReceiveBufferSize = 4 << 20;
        });

        // A UDP socket on the port, never read, so the receiver's kernel does not answer with port-unreachable.
        _sink = Netns.SocketIn(dstNetns, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp, s =>
        {
            s.ReceiveBufferSize = 4096;
            s.Bind(new IPEndPoint(destination, Port));
        });
        _lastArrival = new long[flows];
        _longestGap = new long[flows];
        _lastMark = new int[flows];
        _marks = new List<int>[flows];
        for (int i = 0; i < flows; i++)
        {
            _marks[i] = new List<int>(8);
            _lastMark[i] = -1;
        }
    }

    /// <summary>Gets packets received so far.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Starts sending and receiving.</summary>
    /// <param name="maxDuration">A bound on how long the sender runs if nobody stops it.</param>
    public void Start(TimeSpan maxDuration)
    {
        _receiver = new Thread(Receive) { IsBackground = true, Name = "flows-rx" };
        _receiver.Start();
        _sender = new Thread(() => Send(maxDuration)) { IsBackground = true, Name = "flows-tx" };
        _sender.Start();
    }

    /// <summary>Stops the sender, lets the last packets arrive, and reports.</summary>
    /// <returns>The report.</returns>
    public FlowReport Stop()
    {
        _stop = true;
        _sender?.Join();
        long stopped = Stopwatch.GetTimestamp();
        Thread.Sleep(300);
        _receiver?.Join();
        for (int i = 0; i < _flows; i++)
        {
            // A flow that stopped arriving before the end never recovered: its gap runs to the end.
            if (_lastArrival[i] != 0)
            {
                _longestGap[i] = Math.Max(_longestGap[i], stopped - _lastArrival[i]);
            }
        }

        int moved = 0;
        int seen = 0;
        for (int i = 0; i < _flows; i++)
        {
            if (_marks[i].Count > 0)
            {
                seen++;
            }

            if (_marks[i].Count > 1)
            {
                moved++;
            }
        }

        return new FlowReport(_sent, _received, TimeSpan.FromTicks(_longestGap.Max() * TimeSpan.TicksPerSecond / Stopwatch.Frequency), moved, seen, [.. _marks.Select(m => (IReadOnlyList<int>)[.. m])]);
    }

    private void Send(TimeSpan maxDuration)
    {
        byte[] packet = new byte[16];
        long start = Stopwatch.GetTimestamp();
        long end = start + (long)(maxDuration.TotalSeconds * Stopwatch.Frequency);
        long interval = Stopwatch.Frequency / _pps;
        long next = start;
        long seq = 0;
        while (!_stop && Stopwatch.GetTimestamp() < end)
        {
            long now = Stopwatch.GetTimestamp();
            if (now < next)
            {
                if (next - now > Stopwatch.Frequency / 2000)
                {
                    Thread.Sleep(0);
                }

                continue;
            }

            int flow = (int)(seq % _flows);
            BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(0), flow);
            BinaryPrimitives.WriteInt64BigEndian(packet.AsSpan(4), seq);
            try
            {
                _tx[flow].Send(packet);
                _sent++;
            }
            catch (SocketException)
            {
                // No route while a path is being replaced: the packet is lost, as on a wire.
                _sent++;
            }

            seq++;
            next += interval;
        }
    }

    private void Receive()
    {
        byte[] buffer = new byte[2048];
        long quietSince = 0;
        while (true)
        {
            int n;
            try
            {
                n = _rx.Receive(buffer);
            }
            catch (SocketException)
            {
                if (_stop)
                {
                    if (quietSince == 0)
                    {
                        quietSince = Stopwatch.GetTimestamp();
                    }

                    if (Stopwatch.GetTimestamp() - quietSince > Stopwatch.Frequency / 5)
                    {
                        return;
                    }
                }

                continue;
            }

            int ihl = (buffer[0] & 0x0f) * 4;
            if (n < ihl + 20 || BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(ihl + 2)) != Port)
            {
                continue;
            }

            int flow = BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(ihl + 8));
            if ((uint)flow >= (uint)_flows)
            {
                continue;
            }

            int mark = buffer[1] >> 2;
            long now = Stopwatch.GetTimestamp();
            if (_lastArrival[flow] != 0)
            {
                _longestGap[flow] = Math.Max(_longestGap[flow], now - _lastArrival[flow]);
            }

            _lastArrival[flow] = now;
            if (mark != _lastMark[flow])
            {
                _lastMark[flow] = mark;
                _marks[flow].Add(mark);
            }

            Interlocked.Increment(ref _received);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop = true;
        foreach (Socket s in _tx)
        {
            s.Dispose();
        }

        _rx.Dispose();
        _sink.Dispose();
    }
}
