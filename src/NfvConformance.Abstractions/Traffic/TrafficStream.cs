// Licensed under the Apache License, Version 2.0.
using System.Net;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Abstractions.Traffic;

/// <summary>The layer-3 header of a stream.</summary>
public enum L3Protocol
{
    /// <summary>No IP header: raw Ethernet (EtherType 0x88B5, local experimental).</summary>
    None = 0,

    /// <summary>IPv4.</summary>
    IPv4,

    /// <summary>IPv6.</summary>
    IPv6,
}

/// <summary>The layer-4 header of a stream.</summary>
public enum L4Protocol
{
    /// <summary>No layer-4 header.</summary>
    None = 0,

    /// <summary>UDP.</summary>
    Udp,

    /// <summary>TCP (a bare segment with ACK set; no connection).</summary>
    Tcp,
}

/// <summary>Which header fields change from flow to flow.</summary>
[Flags]
public enum FlowFields
{
    /// <summary>All packets of the stream are one flow.</summary>
    None = 0,

    /// <summary>The source IP address is incremented per flow.</summary>
    SourceIp = 1,

    /// <summary>The destination IP address is incremented per flow.</summary>
    DestinationIp = 2,

    /// <summary>The layer-4 source port is incremented per flow.</summary>
    SourcePort = 4,

    /// <summary>The layer-4 destination port is incremented per flow.</summary>
    DestinationPort = 8,

    /// <summary>The source MAC address is incremented per flow.</summary>
    SourceMac = 16,
}

/// <summary>The header stack a stream's packets carry (outer first when VXLAN is used).</summary>
public sealed record HeaderStack
{
    /// <summary>Gets the source MAC address (6 bytes).</summary>
    public IReadOnlyList<byte> SourceMac { get; init; } = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];

    /// <summary>Gets the destination MAC address (6 bytes).</summary>
    public IReadOnlyList<byte> DestinationMac { get; init; } = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02];

    /// <summary>Gets the 802.1Q VLAN id (1..4094), or null for untagged frames.</summary>
    public int? VlanId { get; init; }

    /// <summary>Gets the layer-3 protocol.</summary>
    public L3Protocol L3 { get; init; } = L3Protocol.IPv4;

    /// <summary>Gets the layer-4 protocol (needs an IP header).</summary>
    public L4Protocol L4 { get; init; } = L4Protocol.Udp;

    /// <summary>Gets the first source address of the flows.</summary>
    public IPAddress SourceIp { get; init; } = IPAddress.Parse("16.0.0.1");

    /// <summary>Gets the first destination address of the flows.</summary>
    public IPAddress DestinationIp { get; init; } = IPAddress.Parse("48.0.0.1");

    /// <summary>Gets the first layer-4 source port.</summary>
    public int SourcePort { get; init; } = 1234;

    /// <summary>Gets the first layer-4 destination port.</summary>
    public int DestinationPort { get; init; } = 5678;

    /// <summary>Gets the VXLAN network identifier when the stack is carried in VXLAN (outer IPv4/UDP 4789), or null.</summary>
    public int? VxlanVni { get; init; }

    /// <summary>Gets the bytes from the start of the frame to the start of the payload, without FCS.</summary>
    public int HeaderLength
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        get
        {
            int inner = 14 + (VlanId is null ? 0 : 4)
                + L3 switch { L3Protocol.IPv4 => 20, L3Protocol.IPv6 => 40, _ => 0 }
                + (L3 == L3Protocol.None ? 0 : L4 switch { L4Protocol.Udp => 8, L4Protocol.Tcp => 20, _ => 0 });
            // Outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8.
            return VxlanVni is null ? inner : inner + 50;
        }
    }

    /// <summary>Collects every problem with this stack.</summary>
    /// <param name="subject">Where the stack came from.</param>
    /// <returns>The problems; empty when valid.</returns>
    public IReadOnlyList<ValidationError> Validate(string subject)
    {
        List<ValidationError> errors = [];
        if (SourceMac.Count != 6 || DestinationMac.Count != 6)
        {
            errors.Add(new(true, "MAC addresses must have 6 bytes.", subject));
        }

        if (VlanId is < 1 or > 4094)
        {
            errors.Add(new(true, $"VLAN id {VlanId} is outside 1..4094.", subject));
        }

        if (VxlanVni is < 0 or > 0xFFFFFF)
        {
            errors.Add(new(true, $"VXLAN VNI {VxlanVni} is outside 0..16777215.", subject));
        }

        if (L3 == L3Protocol.None && L4 != L4Protocol.None)
        {
            errors.Add(new(true, $"{L4} needs an IP header: set L3 to IPv4 or IPv6.", subject));
        }

        if (L3 == L3Protocol.IPv4 && (SourceIp.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || DestinationIp.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork))
        {
            errors.Add(new(true, "IPv4 streams need IPv4 addresses.", subject));
        }

        if (L3 == L3Protocol.IPv6 && (SourceIp.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || DestinationIp.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6))
        {
            errors.Add(new(true, "IPv6 streams need IPv6 addresses.", subject));
        }

        if (SourcePort is < 0 or > 65535 || DestinationPort is < 0 or > 65535)
        {
            errors.Add(new(true, "ports must be within 0..65535.", subject));
        }

        return errors;
    }
}

/// <summary>One stream of a traffic profile: what one transmit port sends to one receive port.</summary>
public sealed record TrafficStream
{
    /// <summary>Gets the stream's name, unique within its profile.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the transmit port index of the generator.</summary>
    public int TxPort { get; init; }

    /// <summary>Gets the receive port index of the generator.</summary>
    public int RxPort { get; init; } = 1;

    /// <summary>Gets the frame sizes.</summary>
    public FrameSizeMix FrameSizes { get; init; } = FrameSizeMix.Single(64);

    /// <summary>Gets the headers.</summary>
    public HeaderStack Headers { get; init; } = new();

    /// <summary>Gets the number of flows (at least 1).</summary>
    public int FlowCount { get; init; } = 1;

    /// <summary>Gets the fields that vary from flow to flow.</summary>
    public FlowFields VaryingFields { get; init; } = FlowFields.SourceIp | FlowFields.DestinationIp;

    /// <summary>Gets this stream's share of its transmit port's offered rate (&gt; 0; shares on one port are normalised).</summary>
    public double RateShare { get; init; } = 1.0;

    /// <summary>Gets whether a latency sub-stream (sequence number and timestamp in the payload) runs beside it.</summary>
    public bool LatencyMarked { get; init; } = true;

    /// <summary>Gets the stream in the opposite direction, with ports, MACs, addresses and ports swapped.</summary>
    /// <returns>The reverse stream, named <c>&lt;name&gt;-rev</c>.</returns>
    public TrafficStream Reverse() => this with
    {
        Name = Name + "-rev",
        TxPort = RxPort,
        RxPort = TxPort,
        Headers = Headers with
        {
            SourceMac = Headers.DestinationMac,
            DestinationMac = Headers.SourceMac,
            SourceIp = Headers.DestinationIp,
            DestinationIp = Headers.SourceIp,
            SourcePort = Headers.DestinationPort,
            DestinationPort = Headers.SourcePort,
        },
    };
}

/// <summary>A set of streams offered together in one trial.</summary>
public sealed class TrafficProfile
{
    /// <summary>Creates a profile after validating every stream.</summary>
    /// <param name="streams">The streams.</param>
    /// <exception cref="ConfigurationException">A stream is invalid; the message lists every problem.</exception>
    public TrafficProfile(IReadOnlyList<TrafficStream> streams)
    {
        ArgumentNullException.ThrowIfNull(streams);
        List<ValidationError> errors = [];
        if (streams.Count == 0)
        {
            errors.Add(new(true, "a traffic profile needs at least one stream.", "profile"));
        }

        HashSet<string> names = new(StringComparer.Ordinal);
        foreach (TrafficStream s in streams)
        {
            string subject = $"stream '{s.Name}'";
            if (!names.Add(s.Name))
            {
                errors.Add(new(true, "the name is used twice; give every stream its own name.", subject));
            }

            if (s.FlowCount < 1)
            {
                errors.Add(new(true, $"flow count {s.FlowCount} must be at least 1.", subject));
            }

            if (s.TxPort < 0 || s.RxPort < 0)
            {
                errors.Add(new(true, "port indices must be >= 0.", subject));
            }

            if (!(s.RateShare > 0) || !double.IsFinite(s.RateShare))
            {
                errors.Add(new(true, $"rate share {s.RateShare} must be > 0.", subject));
            }

            int smallest = s.FrameSizes.Entries.Min(e => e.Size);
            if (smallest - TrafficRate.FcsBytes < s.Headers.HeaderLength + (s.LatencyMarked ? LatencyMark.Size : 0))
            {
                errors.Add(new(true, $"frame size {smallest} B cannot hold {s.Headers.HeaderLength} B of headers" + (s.LatencyMarked ? $" and the {LatencyMark.Size}-byte latency mark" : string.Empty) + " plus the FCS.", subject));
            }

            errors.AddRange(s.Headers.Validate(subject));
        }

        if (errors.Count > 0)
        {
            ThrowHelper.ThrowConfiguration("invalid traffic profile: " + string.Join("; ", errors));
        }

        Streams = [.. streams];
    }

    /// <summary>Gets the streams.</summary>
    public IReadOnlyList<TrafficStream> Streams { get; }

    /// <summary>A profile with the stream and its reverse (bidirectional, as NFVbench and VSPERF run).</summary>
    /// <param name="stream">The forward stream.</param>
    /// <returns>The profile.</returns>
    public static TrafficProfile Bidirectional(TrafficStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new TrafficProfile([stream, stream.Reverse()]);
    }

    /// <summary>The packet-weighted mean frame size of the streams on one transmit port.</summary>
    /// <param name="txPort">The port.</param>
    /// <returns>Mean frame size in bytes including FCS, or 0 when the port sends nothing.</returns>
    public double MeanFrameSize(int txPort)
    {
        double share = 0;
        double bytes = 0;
        foreach (TrafficStream s in Streams)
        {
            if (s.TxPort == txPort)
            {
                share += s.RateShare;
                bytes += s.RateShare * s.FrameSizes.MeanFrameSize;
            }
        }

        return share == 0 ? 0 : bytes / share;
    }
}
