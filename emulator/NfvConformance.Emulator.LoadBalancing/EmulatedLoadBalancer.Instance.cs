// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NfvConformance.Abstractions.LoadBalancing;
using NfvConformance.Packets;
using NfvConformance.Emulator.LoadBalancing.Protocols;

namespace NfvConformance.Emulator.LoadBalancing;

/// <summary>The instances' packet handling.</summary>
internal sealed partial class EmulatedLoadBalancer
{
    private static bool Carries(LbProtocol protocol, byte ipProtocol) => protocol switch
    {
        LbProtocol.Udp or LbProtocol.Quic => ipProtocol == IpProtocols.Udp,
        LbProtocol.Sctp => ipProtocol == Frames.Sctp,
        _ => ipProtocol == IpProtocols.Tcp,
    };

    private static bool IsL7(LbProtocol protocol) => protocol is LbProtocol.Http or LbProtocol.Https or LbProtocol.Http2;

    /// <summary>One load-balancer instance.</summary>
    private sealed class Instance
    {
        private readonly EmulatedLoadBalancer _lb;
        private readonly Dictionary<string, int> _roundRobin = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<byte[]>> _held = new(StringComparer.Ordinal);
        private readonly Dictionary<string, ProxyConnection> _proxies = new(StringComparer.Ordinal);

        public Instance(EmulatedLoadBalancer lb, string name, string zone, string network, string subnet, IPAddress address, byte[] mac)
        {
            _lb = lb;
            Name = name;
            Zone = zone;
            Network = network;
            Subnet = subnet;
            Address = address;
            Mac = mac;
        }

        public string Name { get; }

        public string Zone { get; }

        public string Network { get; }

        public string Subnet { get; }

        public IPAddress Address { get; }

        public byte[] Mac { get; }

        public bool Up { get; set; } = true;

        /// <summary>Gets or sets a value indicating whether the upstream router sends traffic to it (false once BFD declared it down).</summary>
        public bool Routed { get; set; } = true;

        public Dictionary<string, MemberHost> Flows { get; } = new(StringComparer.Ordinal);

        public LbExchange Handle(EmulatedLoadBalancer lb, byte[] frame, ParsedPacket p)
        {
            if (!frame.AsSpan(0, 6).SequenceEqual(VipMacBytes))
            {
                return Drop(Name, "not_addressed_to_vip_mac");
            }

            ReadOnlySpan<byte> ip = frame.AsSpan(p.L3Offset, p.L3End - p.L3Offset);
            bool v6 = p.IsIpv6;
            IPAddress source = new(v6 ? ip.Slice(8, 16) : ip.Slice(12, 4));
            IPAddress destination = new(v6 ? ip.Slice(24, 16) : ip.Slice(16, 4));
            if (!destination.Equals(lb._vip) && !destination.Equals(lb._vip6))
            {
                return Drop(Name, "not_for_vip");
            }

            FragmentInfo? fragment = v6 ? FragmentInfo.FromIpv6(ip) : FragmentInfo.FromIpv4(ip);
            byte protocol = fragment?.Protocol ?? (v6 ? ip[6] : ip[9]);
            int l4Offset = fragment?.PayloadOffset ?? (v6 ? 40 : (ip[0] & 0x0F) * 4);
            bool hasPorts = (fragment is null || fragment.IsFirst) && ip.Length >= l4Offset + 4;
            ushort sport = hasPorts ? BinaryPrimitives.ReadUInt16BigEndian(ip[l4Offset..]) : (ushort)0;
            ushort dport = hasPorts ? BinaryPrimitives.ReadUInt16BigEndian(ip[(l4Offset + 2)..]) : (ushort)0;
            string flowKey = $"{protocol}|{source}|{sport}|{destination}|{dport}";

            if (fragment is not null)
            {
                string fragmentKey = $"frag|{source}|{destination}|{protocol}|{fragment.Identification}";
                if (!lb._options.FragmentAware)
                {
                    // Naive: every fragment is balanced on its own 5-tuple; a non-first fragment has no ports, so 0.
                    LbListenerSpec? any = lb._spec.Listeners.FirstOrDefault(l => Carries(l.Protocol, protocol) && (!hasPorts || l.Port == dport));
                    if (any is null)
                    {
                        return Drop(Name, "no_listener");
                    }

                    List<MemberHost> healthy = Healthy(any.DefaultPool);
                    if (healthy.Count == 0)
                    {
                        return Drop(Name, "no_healthy_member");
                    }

                    MemberHost hashed = healthy[(int)(Fnv(Encoding.ASCII.GetBytes(flowKey), 14695981039346656037UL) % (ulong)healthy.Count)];
                    return Forward(lb, [frame], p.L3Offset, hashed, source);
                }

                if (!fragment.IsFirst)
                {
                    if (Flows.TryGetValue(fragmentKey, out MemberHost? known))
                    {
                        return Forward(lb, [frame], p.L3Offset, known, source);
                    }

                    if (!_held.TryGetValue(fragmentKey, out List<byte[]>? waiting))
                    {
                        _held[fragmentKey] = waiting = [];
                    }

                    waiting.Add(frame);
                    return new LbExchange(Name, [], [], null, true);
                }

                LbListenerSpec? fl = lb._spec.Listeners.FirstOrDefault(l => Carries(l.Protocol, protocol) && l.Port == dport);
                if (fl is null)
                {
                    return Drop(Name, "no_listener");
                }

                MemberHost? m = lb.Sticky(this, flowKey, fl.DefaultPool, _roundRobin);
                if (m is null)
                {
                    return Drop(Name, "no_healthy_member");
                }

                lb.Learn(this, fragmentKey, m);
                List<byte[]> frames = [frame];
                if (_held.Remove(fragmentKey, out List<byte[]>? held))
                {
                    frames.AddRange(held);
                }

                return Forward(lb, frames, p.L3Offset, m, source);
            }

            LbListenerSpec? listener = lb._spec.Listeners.FirstOrDefault(l => Carries(l.Protocol, protocol) && l.Port == dport);
            if (listener is null)
            {
                return Drop(Name, "no_listener");
            }

            ReadOnlySpan<byte> l4 = ip[l4Offset..];
            if (IsL7(listener.Protocol))
            {
                return Proxy(lb, listener, source, sport, l4);
            }

            MemberHost? member;
            switch (listener.Protocol)
            {
                case LbProtocol.Sctp when lb._options.SctpAware:
                {
                    string? error = SctpPacket.TryParse(l4, out SctpPacket? sctp);
                    if (error is not null || sctp is null)
                    {
                        return Drop(Name, error ?? "sctp_unparsed");
                    }

                    if (!sctp.ChecksumValid)
                    {
                        return Drop(Name, "bad_sctp_checksum");
                    }

                    string tagKey = $"sctp|{dport}|{sctp.VerificationTag}";
                    if (sctp.Chunks[0].Type == SctpPacket.Init)
                    {
                        member = lb.Sticky(this, flowKey, listener.DefaultPool, _roundRobin);
                    }
                    else if (Flows.TryGetValue(tagKey, out MemberHost? associated))
                    {
                        member = associated;
                        lb.Learn(this, flowKey, associated);
                    }
                    else
                    {
                        member = lb.Sticky(this, flowKey, listener.DefaultPool, _roundRobin);
                    }

                    break;
                }

                case LbProtocol.MptcpTcp when lb._options.MptcpAware:
                {
                    MptcpOption? option = MptcpOption.Find(l4);
                    bool syn = (l4[13] & TcpFields.Syn) != 0;
                    if (syn && option is { JoinToken: { } token } && !Flows.ContainsKey(flowKey) && Flows.TryGetValue($"mptcp|{token}", out MemberHost? joined))
                    {
                        member = joined;
                        lb.Learn(this, flowKey, joined);
                    }
                    else
                    {
                        member = lb.Sticky(this, flowKey, listener.DefaultPool, _roundRobin);
                    }

                    if (member is not null && option is { ReceiverKey: { } keyB })
                    {
                        lb.Learn(this, $"mptcp|{MptcpOption.Token(keyB)}", member);
                    }

                    break;
                }

                case LbProtocol.Quic when lb._options.QuicConnectionIdRouting:
                {
                    if (l4.Length < 9 || QuicHeader.TryParse(l4[8..], 8, out QuicHeader? quic) is { } error || quic is null)
                    {
                        return Drop(Name, "quic_unparsed");
                    }

                    byte[] cid = quic.DestinationConnectionId;
                    MemberHost? byServerId = cid.Length == 8 && cid[0] == 0x07
                        ? lb._members.FirstOrDefault(m => m.ServerId == BinaryPrimitives.ReadUInt16BigEndian(cid.AsSpan(1)) && m.Healthy)
                        : null;
                    string cidKey = $"quic|{Convert.ToHexString(cid)}";
                    member = byServerId ?? lb.Sticky(this, cidKey, listener.DefaultPool, _roundRobin);
                    break;
                }

                default:
                    member = lb.Sticky(this, flowKey, listener.DefaultPool, _roundRobin);
                    break;
            }

            return member is null ? Drop(Name, "no_healthy_member") : Forward(lb, [frame], p.L3Offset, member, source);
        }

        private List<MemberHost> Healthy(string pool) => [.. _lb._members.Where(m => m.Pool == pool && m.Healthy)];

        private LbExchange Forward(EmulatedLoadBalancer lb, List<byte[]> frames, int l3Offset, MemberHost member, IPAddress client)
        {
            List<LbForwardedFrame> forwarded = [];
            List<LbReplyFrame> replies = [];
            bool translate = lb._spec.Mode == LbForwardingMode.Nat || !lb._options.DsrRewritesOnlyMac;
            foreach (byte[] original in frames)
            {
                byte[] frame = (byte[])original.Clone();
                member.Mac.CopyTo(frame, 0);
                Mac.CopyTo(frame, 6);
                bool v6 = (frame[l3Offset] >> 4) == 6;
                if (translate)
                {
                    IPAddress? target = member.AddressOf(v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork);
                    if (target is null)
                    {
                        return Drop(Name, "member_has_no_address_of_family");
                    }

                    Frames.RewriteDestination(frame, l3Offset, target);
                }

                forwarded.Add(new LbForwardedFrame(member.Name, member.Pool, Name, (byte[])frame.Clone()));
                foreach (byte[] reply in member.Receive(frame))
                {
                    replies.Add(ReturnPath(lb, member, reply));
                }
            }

            return new LbExchange(Name, forwarded, replies, null, false);
        }

        private LbReplyFrame ReturnPath(EmulatedLoadBalancer lb, MemberHost member, byte[] reply)
        {
            if (!reply.AsSpan(0, 6).SequenceEqual(VipMacBytes))
            {
                return new LbReplyFrame(member.Name, null, reply); // straight to the router: DSR
            }

            // Through this instance: learn what the reply tells (SCTP tag, MPTCP key), translate back to the VIP.
            if (PacketParser.Parse(reply, out ParsedPacket r) == ParseResult.Ok && r.L3Offset >= 0)
            {
                bool v6 = r.IsIpv6;
                int l4 = r.L3Offset + (v6 ? 40 : (reply[r.L3Offset] & 0x0F) * 4);
                byte protocol = v6 ? reply[r.L3Offset + 6] : reply[r.L3Offset + 9];
                ushort memberPort = BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(l4));
                if (protocol == Frames.Sctp && SctpPacket.TryParse(reply.AsSpan(l4, r.L3End - l4), out SctpPacket? s) is null
                    && s is { Chunks: [{ Type: SctpPacket.InitAck }, ..], InitiateTag: { } serverTag })
                {
                    _lb.Learn(this, $"sctp|{memberPort}|{serverTag}", member);
                }

                if (protocol == IpProtocols.Tcp && MptcpOption.Find(reply.AsSpan(l4, r.L3End - l4)) is { SenderKey: { } key })
                {
                    _lb.Learn(this, $"mptcp|{MptcpOption.Token(key)}", member);
                }

                Frames.RewriteSource(reply, r.L3Offset, v6 && lb._vip6 is not null ? lb._vip6 : lb._vip);
            }

            GatewayMacBytes.CopyTo(reply, 0);
            VipMacBytes.CopyTo(reply, 6);
            return new LbReplyFrame(member.Name, Name, reply);
        }

        private LbExchange Proxy(EmulatedLoadBalancer lb, LbListenerSpec listener, IPAddress client, ushort sport, ReadOnlySpan<byte> segment)
        {
            string key = $"l7|{client}|{sport}|{listener.Port}";
            byte flags = segment[13];
            uint seq = BinaryPrimitives.ReadUInt32BigEndian(segment[4..]);
            int headerLength = (segment[12] >> 4) * 4;
            if ((flags & TcpFields.Syn) != 0)
            {
                _proxies[key] = new ProxyConnection(client, sport, (ushort)(40000 + _proxies.Count));
                byte[] synAck = MemberHost.TcpSegment((ushort)listener.Port, sport, (uint)lb._random.Next(), seq + 1, TcpFields.Syn | TcpFields.Ack, [], []);
                return new LbExchange(Name, [], [new LbReplyFrame(null, Name, Frames.Ip(GatewayMacBytes, VipMacBytes, lb._vip, client, IpProtocols.Tcp, synAck))], null, false);
            }

            if (!_proxies.TryGetValue(key, out ProxyConnection? connection))
            {
                return Drop(Name, "proxy_no_connection");
            }

            connection.Buffer.AddRange(segment[headerLength..]);
            List<(MemberHost Member, byte[] Payload)> sends = [];
            try
            {
                switch (listener.Protocol)
                {
                    case LbProtocol.Http:
                        while (true)
                        {
                            string? error = HttpRequestHead.TryParse(connection.Buffer.ToArray(), out HttpRequestHead? head);
                            if (error == "incomplete")
                            {
                                break;
                            }

                            if (error is not null || head is null)
                            {
                                return Drop(Name, error ?? "http_unparsed");
                            }

                            string path = head.Target.Split('?')[0];
                            MemberHost? m = RouteL7(listener, head.Host, path);
                            if (m is null)
                            {
                                return Drop(Name, "no_healthy_member");
                            }

                            string text = Encoding.ASCII.GetString(connection.Buffer.GetRange(0, head.HeadLength).ToArray());
                            text = text[..^2] + $"X-Forwarded-For: {client}\r\n\r\n";
                            sends.Add((m, Encoding.ASCII.GetBytes(text)));
                            connection.Buffer.RemoveRange(0, head.HeadLength);
                        }

                        break;
                    case LbProtocol.Https:
                    {
                        if (connection.Member is null)
                        {
                            string? error = TlsClientHello.TryReadServerName(connection.Buffer.ToArray(), out string? sni);
                            if (error == "incomplete")
                            {
                                break;
                            }

                            if (error is not null)
                            {
                                return Drop(Name, error);
                            }

                            connection.Member = RouteL7(listener, sni ?? string.Empty, null);
                            if (connection.Member is null)
                            {
                                return Drop(Name, "no_healthy_member");
                            }
                        }

                        sends.Add((connection.Member, connection.Buffer.ToArray()));
                        connection.Buffer.Clear();
                        break;
                    }

                    default:
                    {
                        connection.Http2 ??= new Http2ConnectionReader();
                        byte[] bytes = connection.Buffer.ToArray();
                        connection.Buffer.Clear();
                        foreach (Http2Request request in connection.Http2.Feed(bytes))
                        {
                            MemberHost? m = !lb._options.Http2PerStreamRouting && connection.Member is not null
                                ? connection.Member
                                : RouteL7(listener, request.Authority, request.Path);
                            connection.Member ??= m;
                            if (m is null)
                            {
                                return Drop(Name, "no_healthy_member");
                            }

                            List<byte> upstream = [];
                            if (connection.Streams.TryAdd(m.Name, 1))
                            {
                                upstream.AddRange(Http2ConnectionReader.Preface);
                                upstream.AddRange(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0, 0 }); // empty SETTINGS
                            }

                            int stream = connection.Streams[m.Name];
                            connection.Streams[m.Name] = stream + 2;
                            byte[] block = HpackLiteralEncoder.Encode([(":method", request.Method), (":scheme", "https"), (":authority", request.Authority), (":path", request.Path), ("x-forwarded-for", client.ToString())]);
                            upstream.AddRange([(byte)(block.Length >> 16), (byte)(block.Length >> 8), (byte)block.Length, 1, 0x05, (byte)(stream >> 24), (byte)(stream >> 16), (byte)(stream >> 8), (byte)stream]);
                            upstream.AddRange(block);
                            sends.Add((m, [.. upstream]));
                        }

                        break;
                    }
                }
            }
            catch (FormatException e)
            {
                return Drop(Name, $"protocol_error: {e.Message}");
            }

            if (sends.Count == 0)
            {
                return new LbExchange(Name, [], [], null, true);
            }

            List<LbForwardedFrame> forwarded = [];
            foreach ((MemberHost m, byte[] payload) in sends)
            {
                byte[] data = MemberHost.TcpSegment(connection.UpstreamPort, (ushort)listener.Port, 1, 1, TcpFields.Ack | 0x08, [], payload);
                byte[] frame = Frames.Ip(m.Mac, Mac, Address, m.Address, IpProtocols.Tcp, data);
                forwarded.Add(new LbForwardedFrame(m.Name, m.Pool, Name, frame));
                m.Receive(frame);
            }

            return new LbExchange(Name, forwarded, [], null, false);
        }

        private MemberHost? RouteL7(LbListenerSpec listener, string host, string? path)
        {
            LbRouteRule? rule = !_lb._options.L7Routing ? null : listener.Rules.FirstOrDefault(r =>
                (r.Host is null || string.Equals(r.Host, host, StringComparison.OrdinalIgnoreCase))
                && (r.PathPrefix is null || (path is not null && path.StartsWith(r.PathPrefix, StringComparison.Ordinal))));
            string pool = rule?.Pool ?? listener.DefaultPool;
            List<MemberHost> healthy = Healthy(pool);
            if (healthy.Count == 0)
            {
                return null;
            }

            int next = _roundRobin.GetValueOrDefault(pool);
            _roundRobin[pool] = next + 1;
            return healthy[next % healthy.Count];
        }
    }

    /// <summary>A client TCP connection an L7 listener terminated.</summary>
    private sealed class ProxyConnection(IPAddress client, ushort port, ushort upstreamPort)
    {
        public IPAddress Client { get; } = client;

        public ushort Port { get; } = port;

        public ushort UpstreamPort { get; } = upstreamPort;

        public List<byte> Buffer { get; } = [];

        public MemberHost? Member { get; set; }

        public Http2ConnectionReader? Http2 { get; set; }

        public Dictionary<string, int> Streams { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Returns the member a flow is pinned to, or pins a new flow to the next healthy member of the pool (round robin).</summary>
    private MemberHost? Sticky(Instance at, string key, string pool, Dictionary<string, int> roundRobin)
    {
        if (at.Flows.TryGetValue(key, out MemberHost? known) && known.HostUp)
        {
            return known;
        }

        List<MemberHost> healthy = [.. _members.Where(m => m.Pool == pool && m.Healthy)];
        if (healthy.Count == 0)
        {
            return null;
        }

        int next = roundRobin.GetValueOrDefault(pool);
        roundRobin[pool] = next + 1;
        MemberHost chosen = healthy[next % healthy.Count];
        Learn(at, key, chosen);
        return chosen;
    }
}

/// <summary>Encodes header fields as HPACK literals without indexing and without Huffman coding (RFC 7541 section 6.2.2): valid for any decoder state.</summary>
internal static class HpackLiteralEncoder
{
    /// <summary>Encodes fields.</summary>
    /// <param name="fields">The fields.</param>
    /// <returns>The header block.</returns>
    public static byte[] Encode(IEnumerable<(string Name, string Value)> fields)
    {
        List<byte> block = [];
        foreach ((string name, string value) in fields)
        {
            block.Add(0x00);
            String(block, name);
            String(block, value);
        }

        return [.. block];
    }

    private static void String(List<byte> block, string s)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(s);
        int length = bytes.Length;
        if (length < 127)
        {
            block.Add((byte)length);
        }
        else
        {
            block.Add(127);
            length -= 127;
            while (length >= 128)
            {
                block.Add((byte)((length & 0x7F) | 0x80));
                length >>= 7;
            }

            block.Add((byte)length);
        }

        block.AddRange(bytes);
    }
}
