// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Packets;

namespace NfvConformance.Trex.Protocol;

/// <summary>Flow-statistics rule of a TRex stream.</summary>
public enum PgRule
{
    /// <summary>No per-stream counting.</summary>
    None,

    /// <summary>Packet and byte counts per packet group (<c>rule_type: stats</c>).</summary>
    Stats,

    /// <summary>Counts, sequence and latency (<c>rule_type: latency</c>).</summary>
    Latency,
}

/// <summary>What a TRex stream object describes, read back from its JSON (packet bytes, field-engine program, mode, rate, rule).</summary>
/// <param name="FrameSize">The frame size on the wire including the FCS (binary length + 4).</param>
/// <param name="Headers">The headers parsed from the packet.</param>
/// <param name="FlowCount">Flows the field engine cycles through (1 without a program).</param>
/// <param name="VaryingFields">Fields the program writes.</param>
/// <param name="Pps">The stream's rate in packets per second (before the start multiplier).</param>
/// <param name="Mode">continuous, single_burst or multi_burst.</param>
/// <param name="TotalPackets">Packets of a single burst (0 otherwise).</param>
/// <param name="PgId">The packet-group id (0 without one).</param>
/// <param name="Rule">The flow-statistics rule.</param>
public sealed record DecodedStream(int FrameSize, HeaderStack Headers, int FlowCount, FlowFields VaryingFields, double Pps, string Mode, long TotalPackets, uint PgId, PgRule Rule);

/// <summary>
/// Turns the framework's streams into TRex stream objects (packet as base64 without FCS, a field-engine program for
/// the flows, rate in pps, flow statistics), and reads TRex stream objects back (what the protocol server does).
/// </summary>
public static class StreamCodec
{
    /// <summary>TRex's field-engine checksum type for UDP (fix_checksum_hw l4_type).</summary>
    public const int L4TypeUdp = 11;

    /// <summary>TRex's field-engine checksum type for TCP.</summary>
    public const int L4TypeTcp = 13;

    /// <summary>TRex's field-engine checksum type for IP only.</summary>
    public const int L4TypeIp = 17;

    /// <summary>The bit NFVbench sets in a latency stream's pg_id; our latency pg_id is the stats pg_id with it.</summary>
    public const uint LatencyPgBit = 0x100;

    /// <summary>Builds a TRex stream object.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="frameSize">Frame size including FCS.</param>
    /// <param name="pps">Rate in packets per second.</param>
    /// <param name="pgId">Packet group, or 0 for none.</param>
    /// <param name="rule">The rule.</param>
    /// <param name="singleFlow">Build one flow (no field-engine program), as TRex latency streams are.</param>
    /// <param name="totalPackets">Packets of a single burst, or null for continuous.</param>
    /// <param name="macsFromPort">Let the server fill both MACs from the port's configuration (flags 0) instead of the packet (flags 3).</param>
    /// <returns>The stream object.</returns>
    /// <exception cref="ConfigurationException">The stream uses something the TRex generator does not send (VXLAN).</exception>
    public static JsonObject Encode(TrafficStream stream, int frameSize, double pps, uint pgId, PgRule rule, bool singleFlow = false, long? totalPackets = null, bool macsFromPort = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        HeaderStack h = stream.Headers;
        if (h.VxlanVni is not null)
        {
            ThrowHelper.ThrowConfiguration($"stream '{stream.Name}': VXLAN streams are not sent through the TRex generator; use a plain header stack.");
        }

        byte[] frame = new byte[frameSize - TrafficRate.FcsBytes];
        (int l3Offset, int l4Offset) = Build(frame, h);
        JsonArray instructions = [];
        if (!singleFlow && stream.FlowCount > 1)
        {
            int n = 0;
            foreach ((FlowFields field, int offset, int size, ulong init) in Writes(frame, h, l3Offset, l4Offset, stream.VaryingFields))
            {
                string name = "f" + n++;
                instructions.Add(new JsonObject
                {
                    ["type"] = "flow_var", ["name"] = name, ["size"] = size, ["op"] = "inc", ["step"] = 1,
                    ["init_value"] = init, ["min_value"] = init, ["max_value"] = init + (ulong)stream.FlowCount - 1,
                    ["split_to_cores"] = true,
                });
                instructions.Add(new JsonObject { ["type"] = "write_flow_var", ["name"] = name, ["pkt_offset"] = offset, ["add_value"] = 0, ["is_big_endian"] = true });
                _ = field;
            }

            if (h.L3 != L3Protocol.None && instructions.Count > 0)
            {
                instructions.Add(new JsonObject
                {
                    ["type"] = "fix_checksum_hw", ["l2_len"] = l3Offset, ["l3_len"] = l4Offset - l3Offset,
                    ["l4_type"] = h.L4 switch { L4Protocol.Udp => L4TypeUdp, L4Protocol.Tcp => L4TypeTcp, _ => L4TypeIp },
                });
            }
        }

        JsonObject mode = totalPackets is long total
            ? new JsonObject { ["type"] = "single_burst", ["total_pkts"] = total, ["rate"] = new JsonObject { ["type"] = "pps", ["value"] = pps } }
            : new JsonObject { ["type"] = "continuous", ["rate"] = new JsonObject { ["type"] = "pps", ["value"] = pps } };
        JsonObject flowStats = rule == PgRule.None
            ? new JsonObject { ["enabled"] = false }
            : new JsonObject { ["enabled"] = true, ["stream_id"] = pgId, ["vxlan"] = false, ["ieee_1588"] = false, ["rule_type"] = rule == PgRule.Stats ? "stats" : "latency" };

        // flags bit 0: source MAC from the packet; bits 1-2: destination MAC (0 port configuration, 1 packet).
        return new JsonObject
        {
            ["flags"] = macsFromPort ? 0 : 3,
            ["action_count"] = 0,
            ["enabled"] = true,
            ["self_start"] = true,
            ["start_paused"] = false,
            ["isg"] = 0.0,
            ["core_id"] = -1,
            ["mode"] = mode,
            ["packet"] = new JsonObject { ["binary"] = Convert.ToBase64String(frame), ["meta"] = string.Empty },
            ["vm"] = new JsonObject { ["instructions"] = instructions },
            ["flow_stats"] = flowStats,
            ["next_stream_id"] = -1,
        };
    }

    /// <summary>Builds the <c>mul</c> object of start/update.</summary>
    /// <param name="type">raw, pps, bps, bpsl1 or percentage.</param>
    /// <param name="value">The value.</param>
    /// <param name="op">abs, add or sub.</param>
    /// <returns>The object.</returns>
    public static JsonObject Multiplier(string type, double value, string op = "abs") => new() { ["type"] = type, ["op"] = op, ["value"] = value };

    /// <summary>Reads a stream object back. Fields must have been checked by the caller.</summary>
    /// <param name="stream">The stream object.</param>
    /// <param name="lineRateBps">The port speed, for percentage and bit rates.</param>
    /// <returns>What it describes.</returns>
    public static DecodedStream Decode(JsonObject stream, double lineRateBps)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] frame = Convert.FromBase64String(stream["packet"]!["binary"]!.GetValue<string>());
        int size = Math.Max(frame.Length, 60) + TrafficRate.FcsBytes;
        (HeaderStack headers, int l3, int l4) = Parse(frame);
        int flows = 1;
        FlowFields fields = FlowFields.None;
        Dictionary<string, long> counts = [];
        if (stream["vm"]?["instructions"] is JsonArray ins)
        {
            foreach (JsonObject i in ins.OfType<JsonObject>())
            {
                string type = i["type"]?.GetValue<string>() ?? string.Empty;
                if (type == "flow_var" && i["max_value"] is not null && i["min_value"] is not null)
                {
                    long span = (long)(Num(i["max_value"]) - Num(i["min_value"])) + 1;
                    long step = Math.Max(1, (long)Num(i["step"] ?? 1));
                    counts[i["name"]!.GetValue<string>()] = Math.Max(1, span / step);
                }
                else if (type == "flow_var" && i["value_list"] is JsonArray list)
                {
                    counts[i["name"]!.GetValue<string>()] = Math.Max(1, list.Count);
                }
                else if (type == "tuple_flow_var")
                {
                    counts[i["name"]!.GetValue<string>()] = (long)((Num(i["ip_max"]) - Num(i["ip_min"]) + 1) * (Num(i["port_max"]) - Num(i["port_min"]) + 1));
                }
                else if (type is "write_flow_var" or "write_mask_flow_var" && counts.TryGetValue(i["name"]!.GetValue<string>(), out long c))
                {
                    flows = (int)Math.Min(int.MaxValue, Math.Max(flows, c));
                    fields |= FieldAt((int)Num(i["pkt_offset"]), headers, l3, l4);
                }
            }
        }

        JsonObject mode = stream["mode"]!.AsObject();
        JsonObject rate = mode["rate"]!.AsObject();
        double value = rate["value"]!.GetValue<double>();
        double pps = rate["type"]!.GetValue<string>() switch
        {
            "pps" => value,
            "bps_L1" => value / ((size + TrafficRate.L1OverheadBytes) * 8.0),
            "bps_L2" => value / (size * 8.0),
            "percentage" => value / 100.0 * lineRateBps / ((size + TrafficRate.L1OverheadBytes) * 8.0),
            _ => value,
        };
        JsonObject fs = stream["flow_stats"]!.AsObject();
        bool enabled = fs["enabled"]!.GetValue<bool>();
        PgRule rule = !enabled ? PgRule.None : fs["rule_type"]?.GetValue<string>() == "latency" ? PgRule.Latency : PgRule.Stats;
        uint pg = enabled ? fs["stream_id"]!.GetValue<uint>() : 0;
        string modeType = mode["type"]!.GetValue<string>();
        long total = modeType switch
        {
            "single_burst" => (long)Num(mode["total_pkts"]),
            "multi_burst" => (long)(Num(mode["pkts_per_burst"]) * Num(mode["count"])),
            _ => 0,
        };
        return new DecodedStream(size, headers, flows, flows > 1 ? fields : FlowFields.None, pps, modeType, total, pg, rule);
    }

    private static double Num(JsonNode? n) => n is JsonValue v ? (v.TryGetValue(out double d) ? d : (v.TryGetValue(out ulong u) ? u : 0)) : 0;

    private static (int L3, int L4) Build(Span<byte> frame, HeaderStack h)
    {
        ushort l3Type = h.L3 switch { L3Protocol.IPv4 => EthernetFields.TypeIpv4, L3Protocol.IPv6 => EthernetFields.TypeIpv6, _ => 0x88B5 };
        int o = FrameBuilder.WriteEthernet(frame, [.. h.DestinationMac], [.. h.SourceMac], h.VlanId is null ? l3Type : EthernetFields.TypeVlan);
        if (h.VlanId is int vlan)
        {
            o += FrameBuilder.WriteVlan(frame[o..], (ushort)vlan, 0, l3Type);
        }

        int l3 = o;
        if (h.L3 == L3Protocol.None)
        {
            return (l3, l3);
        }

        byte proto = h.L4 switch { L4Protocol.Udp => IpProtocols.Udp, L4Protocol.Tcp => IpProtocols.Tcp, _ => 59 };
        int l4Len = h.L4 switch { L4Protocol.Udp => 8, L4Protocol.Tcp => 20, _ => 0 };
        if (h.L3 == L3Protocol.IPv4)
        {
            o += FrameBuilder.WriteIpv4(frame[o..], Addr4(h.SourceIp), Addr4(h.DestinationIp), proto == 59 ? (byte)253 : proto, frame.Length - o - 20);
        }
        else
        {
            o += FrameBuilder.WriteIpv6(frame[o..], h.SourceIp.GetAddressBytes(), h.DestinationIp.GetAddressBytes(), proto, frame.Length - o - 40);
        }

        int l4 = o;
        Span<byte> seg = frame[l4..];
        if (h.L4 == L4Protocol.Udp)
        {
            FrameBuilder.WriteUdp(seg, (ushort)h.SourcePort, (ushort)h.DestinationPort, seg.Length - 8);
        }
        else if (h.L4 == L4Protocol.Tcp)
        {
            BinaryPrimitives.WriteUInt16BigEndian(seg, (ushort)h.SourcePort);
            BinaryPrimitives.WriteUInt16BigEndian(seg[2..], (ushort)h.DestinationPort);
            seg[12] = 5 << 4;
            seg[13] = 0x10;
            BinaryPrimitives.WriteUInt16BigEndian(seg[14..], 65535);
        }

        for (int i = l4 + l4Len; i < frame.Length; i++)
        {
            frame[i] = (byte)i;
        }

        if (h.L3 == L3Protocol.IPv4 && h.L4 != L4Protocol.None)
        {
            FrameBuilder.FinishL4Ipv4(frame[l3..]);
        }

        return (l3, l4);
    }

    private static IEnumerable<(FlowFields Field, int Offset, int Size, ulong Init)> Writes(byte[] frame, HeaderStack h, int l3, int l4, FlowFields fields)
    {
        bool v4 = h.L3 == L3Protocol.IPv4;
        int srcIp = v4 ? l3 + 12 : l3 + 8 + 12;
        int dstIp = v4 ? l3 + 16 : l3 + 24 + 12;
        if ((fields & FlowFields.SourceIp) != 0 && h.L3 != L3Protocol.None)
        {
            yield return (FlowFields.SourceIp, srcIp, 4, BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(srcIp)));
        }

        if ((fields & FlowFields.DestinationIp) != 0 && h.L3 != L3Protocol.None)
        {
            yield return (FlowFields.DestinationIp, dstIp, 4, BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(dstIp)));
        }

        if ((fields & FlowFields.SourcePort) != 0 && h.L4 != L4Protocol.None)
        {
            yield return (FlowFields.SourcePort, l4, 2, (ulong)h.SourcePort);
        }

        if ((fields & FlowFields.DestinationPort) != 0 && h.L4 != L4Protocol.None)
        {
            yield return (FlowFields.DestinationPort, l4 + 2, 2, (ulong)h.DestinationPort);
        }

        if ((fields & FlowFields.SourceMac) != 0)
        {
            yield return (FlowFields.SourceMac, 8, 4, BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(8)));
        }
    }

    private static FlowFields FieldAt(int offset, HeaderStack h, int l3, int l4)
    {
        bool v4 = h.L3 == L3Protocol.IPv4;
        if (offset >= 6 && offset < 12)
        {
            return FlowFields.SourceMac;
        }

        if (h.L3 != L3Protocol.None)
        {
            (int s0, int s1, int d0, int d1) = v4 ? (l3 + 12, l3 + 16, l3 + 16, l3 + 20) : (l3 + 8, l3 + 24, l3 + 24, l3 + 40);
            if (offset >= s0 && offset < s1)
            {
                return FlowFields.SourceIp;
            }

            if (offset >= d0 && offset < d1)
            {
                return FlowFields.DestinationIp;
            }
        }

        if (h.L4 != L4Protocol.None)
        {
            if (offset == l4)
            {
                return FlowFields.SourcePort;
            }

            if (offset == l4 + 2)
            {
                return FlowFields.DestinationPort;
            }
        }

        return FlowFields.None;
    }

    /// <summary>Reads the headers of a frame (without FCS) with the project's parser, as far as the framework's header stacks go.</summary>
    /// <param name="frame">The frame.</param>
    /// <returns>The stack and the L3 and L4 offsets.</returns>
    internal static (HeaderStack Headers, int L3, int L4) Parse(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < EthernetFields.HeaderLength)
        {
            return (new HeaderStack { L3 = L3Protocol.None, L4 = L4Protocol.None }, frame.Length, frame.Length);
        }

        // A malformed header leaves the rest of ParsedPacket unset; the stack then stops at the last good layer.
        _ = PacketParser.Parse(frame, out ParsedPacket p);
        HeaderStack h = new()
        {
            DestinationMac = frame.Slice(EthernetFields.DestinationPosition, EthernetFields.MacLength).ToArray(),
            SourceMac = frame.Slice(EthernetFields.SourcePosition, EthernetFields.MacLength).ToArray(),
            VlanId = p.VlanCount > 0 && p.VlanId != 0 ? p.VlanId : null,
            L3 = L3Protocol.None,
            L4 = L4Protocol.None,
        };
        int l3 = EthernetFields.HeaderLength + (p.VlanCount * VlanFields.HeaderLength);
        if (p.IsIpv4)
        {
            ReadOnlySpan<byte> ip = frame[p.L3Offset..];
            h = h with { L3 = L3Protocol.IPv4, SourceIp = new IPAddress(ip.Slice(Ipv4Fields.SourcePosition, 4)), DestinationIp = new IPAddress(ip.Slice(Ipv4Fields.DestinationPosition, 4)) };
        }
        else if (p.IsIpv6)
        {
            ReadOnlySpan<byte> ip = frame[p.L3Offset..];
            h = h with { L3 = L3Protocol.IPv6, SourceIp = new IPAddress(ip.Slice(Ipv6Fields.SourcePosition, 16)), DestinationIp = new IPAddress(ip.Slice(Ipv6Fields.DestinationPosition, 16)) };
        }
        else
        {
            return (h, l3, l3);
        }

        int l4 = p.L4Offset >= 0 ? p.L4Offset : l3 + (p.IsIpv4 ? (frame[l3] & 0x0F) * 4 : Ipv6Fields.HeaderLength);
        if (p.L4Offset >= 0 && p.IpProtocol is IpProtocols.Udp or IpProtocols.Tcp)
        {
            h = h with { L4 = p.IpProtocol == IpProtocols.Udp ? L4Protocol.Udp : L4Protocol.Tcp, SourcePort = p.SourcePort, DestinationPort = p.DestinationPort };
        }

        return (h, l3, l4);
    }

    private static uint Addr4(IPAddress a) =>
        a.AddressFamily == AddressFamily.InterNetwork ? BinaryPrimitives.ReadUInt32BigEndian(a.GetAddressBytes()) : throw new ConfigurationException($"{a} is not an IPv4 address.");
}
