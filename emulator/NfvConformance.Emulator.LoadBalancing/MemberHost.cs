// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NfvConformance.Packets;
using NfvConformance.Emulator.LoadBalancing.Protocols;

namespace NfvConformance.Emulator.LoadBalancing;

/// <summary>
/// One emulated backend host: a MAC, an address (and the VIP on its loopback when its load balancer uses DSR), and
/// servers that answer as real ones do: TCP (SYN-ACK, MPTCP MP_CAPABLE and MP_JOIN with its key and HMAC, RST when not
/// serving), UDP echo (after reassembling fragments and checking the checksum), SCTP (INIT-ACK, SACK, ABORT for an
/// unknown verification tag) and QUIC (a server connection ID that encodes its server ID, QUIC-LB style).
/// </summary>
internal sealed class MemberHost
{
    private readonly Random _random;
    private readonly Dictionary<uint, uint> _sctp = []; // my tag -> peer tag
    private readonly Dictionary<uint, (ulong KeyB, ulong? KeyA)> _mptcp = []; // token of my key -> keys
    private readonly Dictionary<string, byte[]> _quic = []; // my CID (hex) -> client CID
    private readonly Dictionary<string, List<(int Offset, byte[] Data, bool More)>> _fragments = new(StringComparer.Ordinal);

    public MemberHost(string name, string pool, IPAddress address, IPAddress? address6, byte[] mac, string zone, string subnet, ushort serverId, Random random)
    {
        Name = name;
        Pool = pool;
        Address = address;
        Address6 = address6;
        Mac = mac;
        Zone = zone;
        Subnet = subnet;
        ServerId = serverId;
        _random = random;
    }

    public string Name { get; }

    public string Pool { get; }

    public IPAddress Address { get; }

    public IPAddress? Address6 { get; }

    public byte[] Mac { get; }

    public string Zone { get; }

    public string Subnet { get; }

    /// <summary>Gets the QUIC-LB server ID encoded in the connection IDs this member issues.</summary>
    public ushort ServerId { get; }

    /// <summary>Gets or sets the addresses held on the loopback (the VIPs of a DSR load balancer).</summary>
    public List<IPAddress> Loopback { get; set; } = [];

    /// <summary>Gets or sets the MAC replies are sent to (the load balancer in NAT mode, the router in DSR mode).</summary>
    public byte[] GatewayMac { get; set; } = new byte[6];

    /// <summary>Gets or sets the UDP ports served as QUIC.</summary>
    public HashSet<int> QuicPorts { get; set; } = [];

    public bool Serving { get; set; } = true;

    public bool HostUp { get; set; } = true;

    public bool Healthy { get; set; } = true;

    public int FailedProbes { get; set; }

    public int PassedProbes { get; set; }

    /// <summary>Gets the datagrams this host reassembled, with whether their checksum verified.</summary>
    public List<(int Length, bool ChecksumOk)> Reassembled { get; } = [];

    /// <summary>Receives one frame and returns the frames the host sends back.</summary>
    /// <param name="frame">The frame.</param>
    /// <returns>Replies (none when the host drops it).</returns>
    public IReadOnlyList<byte[]> Receive(byte[] frame)
    {
        if (!HostUp || !frame.AsSpan(0, 6).SequenceEqual(Mac) || PacketParser.Parse(frame, out ParsedPacket p) is not (ParseResult.Ok or ParseResult.BadL4) || p.L3Offset < 0)
        {
            return [];
        }

        ReadOnlySpan<byte> ip = frame.AsSpan(p.L3Offset, p.L3End - p.L3Offset);
        bool v6 = p.IsIpv6;
        if (!v6 && !p.IsIpv4)
        {
            return [];
        }

        IPAddress source = new(v6 ? ip.Slice(8, 16) : ip.Slice(12, 4));
        IPAddress destination = new(v6 ? ip.Slice(24, 16) : ip.Slice(16, 4));
        if (!destination.Equals(Address) && !destination.Equals(Address6) && !Loopback.Contains(destination))
        {
            return [];
        }

        FragmentInfo? fragment = v6 ? FragmentInfo.FromIpv6(ip) : FragmentInfo.FromIpv4(ip);
        byte protocol = fragment?.Protocol ?? (v6 ? ip[6] : ip[9]);
        byte[] l4;
        if (fragment is not null)
        {
            byte[]? whole = Reassemble(source, fragment, ip.Slice(fragment.PayloadOffset, fragment.PayloadLength));
            if (whole is null)
            {
                return [];
            }

            bool ok = protocol is not (IpProtocols.Udp or IpProtocols.Tcp)
                || InternetChecksum.VerifyTransport(source.GetAddressBytes(), destination.GetAddressBytes(), protocol, whole);
            Reassembled.Add((whole.Length, ok));
            if (!ok)
            {
                return [];
            }

            l4 = whole;
        }
        else
        {
            int l4Offset = v6 ? 40 : (ip[0] & 0x0F) * 4;
            l4 = ip[l4Offset..].ToArray();
        }

        byte[]? reply = protocol switch
        {
            IpProtocols.Tcp when l4.Length >= 20 => Tcp(l4),
            IpProtocols.Udp when l4.Length >= 8 => Udp(l4),
            Frames.Sctp => Sctp(l4),
            _ => null,
        };
        return reply is null ? [] : [Frames.Ip(GatewayMac, Mac, destination, source, protocol, reply)];
    }

    /// <summary>Builds a TCP segment with options and payload.</summary>
    /// <param name="sourcePort">Source port.</param>
    /// <param name="destinationPort">Destination port.</param>
    /// <param name="sequence">Sequence number.</param>
    /// <param name="ack">Acknowledgment number.</param>
    /// <param name="flags">Flags.</param>
    /// <param name="options">Options (padded to 4 bytes here).</param>
    /// <param name="payload">Payload.</param>
    /// <returns>The segment (checksum 0).</returns>
    public static byte[] TcpSegment(ushort sourcePort, ushort destinationPort, uint sequence, uint ack, byte flags, ReadOnlySpan<byte> options, ReadOnlySpan<byte> payload)
    {
        int optionLength = (options.Length + 3) & ~3;
        byte[] s = new byte[20 + optionLength + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(s, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(s.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(s.AsSpan(4), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(s.AsSpan(8), ack);
        s[12] = (byte)(((20 + optionLength) / 4) << 4);
        s[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(s.AsSpan(14), 65535);
        options.CopyTo(s.AsSpan(20));
        for (int i = 20 + options.Length; i < 20 + optionLength; i++)
        {
            s[i] = 1; // NOP
        }

        payload.CopyTo(s.AsSpan(20 + optionLength));
        return s;
    }

    private byte[]? Tcp(byte[] segment)
    {
        ushort sport = BinaryPrimitives.ReadUInt16BigEndian(segment);
        ushort dport = BinaryPrimitives.ReadUInt16BigEndian(segment.AsSpan(2));
        uint seq = BinaryPrimitives.ReadUInt32BigEndian(segment.AsSpan(4));
        byte flags = segment[13];
        bool syn = (flags & TcpFields.Syn) != 0 && (flags & TcpFields.Ack) == 0;
        if (!Serving)
        {
            return syn ? TcpSegment(dport, sport, 0, seq + 1, TcpFields.Rst | TcpFields.Ack, [], []) : null;
        }

        MptcpOption? mptcp = MptcpOption.Find(segment);
        if (!syn)
        {
            if (mptcp is { ReceiverKey: { } keyB, SenderKey: { } keyA } && _mptcp.TryGetValue(MptcpOption.Token(keyB), out var keys) && keys.KeyB == keyB)
            {
                _mptcp[MptcpOption.Token(keyB)] = (keyB, keyA);
            }

            return null;
        }

        uint mySeq = (uint)_random.Next();
        byte synAck = TcpFields.Syn | TcpFields.Ack;
        if (mptcp?.Subtype == MptcpOption.MpCapable)
        {
            ulong key = (ulong)_random.NextInt64();
            _mptcp[MptcpOption.Token(key)] = (key, null);
            return TcpSegment(dport, sport, mySeq, seq + 1, synAck, MptcpOption.Capable(key, null), []);
        }

        if (mptcp is { Subtype: MptcpOption.MpJoin, JoinToken: { } token, JoinRandom: { } randomA })
        {
            if (!_mptcp.TryGetValue(token, out var keys) || keys.KeyA is not { } keyA)
            {
                return TcpSegment(dport, sport, 0, seq + 1, TcpFields.Rst | TcpFields.Ack, [], []); // unknown token: RFC 8684 section 3.2
            }

            uint randomB = (uint)_random.Next();
            ulong hmac = MptcpOption.JoinHmac(keys.KeyB, keyA, randomB, randomA);
            return TcpSegment(dport, sport, mySeq, seq + 1, synAck, MptcpOption.JoinSynAck(hmac, randomB, 1), []);
        }

        return TcpSegment(dport, sport, mySeq, seq + 1, synAck, [], []);
    }

    private byte[]? Udp(byte[] datagram)
    {
        ushort sport = BinaryPrimitives.ReadUInt16BigEndian(datagram);
        ushort dport = BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(2));
        if (!Serving)
        {
            return null;
        }

        byte[] payload;
        if (QuicPorts.Contains(dport))
        {
            if (QuicHeader.TryParse(datagram.AsSpan(8), 8, out QuicHeader? h) is not null || h is null)
            {
                return null;
            }

            if (h.LongHeader)
            {
                byte[] mine = new byte[8];
                mine[0] = 0x07; // config rotation 0, length self-encoding 7 (+1)
                BinaryPrimitives.WriteUInt16BigEndian(mine.AsSpan(1), ServerId);
                _random.NextBytes(mine.AsSpan(3));
                _quic[Convert.ToHexString(mine)] = h.SourceConnectionId;
                List<byte> p = [0xC0, 0, 0, 0, 1, (byte)h.SourceConnectionId.Length, .. h.SourceConnectionId, 8, .. mine, 0, 4, 0, 0, 0, 0];
                payload = [.. p];
            }
            else if (_quic.TryGetValue(Convert.ToHexString(h.DestinationConnectionId), out byte[]? client))
            {
                payload = [0x40, .. client, .. Encoding.ASCII.GetBytes("pong " + Name)];
            }
            else
            {
                return null; // unknown connection ID: a real server would send a stateless reset
            }
        }
        else
        {
            payload = Encoding.ASCII.GetBytes($"served-by {Name} {datagram.Length - 8}");
        }

        byte[] reply = new byte[8 + payload.Length];
        FrameBuilder.WriteUdp(reply, dport, sport, payload.Length);
        payload.CopyTo(reply.AsSpan(8));
        return reply;
    }

    private byte[]? Sctp(byte[] packet)
    {
        if (SctpPacket.TryParse(packet, out SctpPacket? s) is not null || s is null || !s.ChecksumValid || !Serving)
        {
            return null;
        }

        if (s.Chunks[0].Type == SctpPacket.Init && s.InitiateTag is { } peer)
        {
            uint mine = (uint)_random.Next(1, int.MaxValue);
            _sctp[mine] = peer;
            byte[] cookie = new byte[8];
            _random.NextBytes(cookie);
            return SctpPacket.Build(s.DestinationPort, s.SourcePort, peer, [new SctpChunk(SctpPacket.InitAck, 0, SctpPacket.InitValue(mine, (uint)_random.Next(), [], cookie))]);
        }

        if (!_sctp.TryGetValue(s.VerificationTag, out uint peerTag))
        {
            // Out of the blue (RFC 9260 section 8.4): ABORT with the T bit, reflecting the tag.
            return SctpPacket.Build(s.DestinationPort, s.SourcePort, s.VerificationTag, [new SctpChunk(6, 1, [])]);
        }

        SctpChunk? data = s.Chunks.FirstOrDefault(c => c.Type == SctpPacket.Data && c.Value.Length >= 12);
        if (data is null)
        {
            return null;
        }

        byte[] sack = new byte[12];
        data.Value.AsSpan(0, 4).CopyTo(sack); // cumulative TSN ack = this DATA's TSN
        BinaryPrimitives.WriteUInt32BigEndian(sack.AsSpan(4), 65536);
        return SctpPacket.Build(s.DestinationPort, s.SourcePort, peerTag, [new SctpChunk(SctpPacket.Sack, 0, sack)]);
    }

    private byte[]? Reassemble(IPAddress source, FragmentInfo fragment, ReadOnlySpan<byte> data)
    {
        string key = $"{source}|{fragment.Identification}|{fragment.Protocol}";
        if (!_fragments.TryGetValue(key, out var parts))
        {
            _fragments[key] = parts = [];
        }

        parts.Add((fragment.Offset, data.ToArray(), fragment.MoreFragments));
        parts.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        int next = 0;
        foreach (var part in parts)
        {
            if (part.Offset != next)
            {
                return null;
            }

            next += part.Data.Length;
            if (!part.More)
            {
                _fragments.Remove(key);
                return [.. parts.SelectMany(x => x.Data)];
            }
        }

        return null;
    }

    /// <summary>Gets the member's address of a family.</summary>
    /// <param name="family">The family.</param>
    /// <returns>The address, or null.</returns>
    public IPAddress? AddressOf(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? Address6 : Address;
}
