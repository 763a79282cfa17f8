// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Packets;

/// <summary>Ethernet II header offsets and EtherTypes (IEEE 802.3).</summary>
public static class EthernetFields
{
    /// <summary>Offset of the destination MAC.</summary>
    public const int DestinationPosition = 0;

    /// <summary>Offset of the source MAC.</summary>
    public const int SourcePosition = 6;

    /// <summary>Offset of the EtherType.</summary>
    public const int TypePosition = 12;

    /// <summary>Length of the header.</summary>
    public const int HeaderLength = 14;

    /// <summary>Length of a MAC address.</summary>
    public const int MacLength = 6;

    /// <summary>EtherType of IPv4.</summary>
    public const ushort TypeIpv4 = 0x0800;

    /// <summary>EtherType of ARP.</summary>
    public const ushort TypeArp = 0x0806;

    /// <summary>EtherType (TPID) of an 802.1Q tag.</summary>
    public const ushort TypeVlan = 0x8100;

    /// <summary>EtherType (TPID) of an 802.1ad service tag.</summary>
    public const ushort TypeQinQ = 0x88A8;

    /// <summary>EtherType of IPv6.</summary>
    public const ushort TypeIpv6 = 0x86DD;

    /// <summary>EtherType of NSH (RFC 8300).</summary>
    public const ushort TypeNsh = 0x894F;
}

/// <summary>802.1Q tag offsets, counted from the tag control information that follows the TPID.</summary>
public static class VlanFields
{
    /// <summary>Offset of the TCI (PCP 3 bits, DEI 1 bit, VID 12 bits).</summary>
    public const int TciPosition = 0;

    /// <summary>Offset of the encapsulated EtherType.</summary>
    public const int TypePosition = 2;

    /// <summary>Length of the tag after the TPID.</summary>
    public const int HeaderLength = 4;
}

/// <summary>ARP for IPv4 over Ethernet (RFC 826).</summary>
public static class ArpFields
{
    /// <summary>Offset of the hardware type.</summary>
    public const int HardwareTypePosition = 0;

    /// <summary>Offset of the protocol type.</summary>
    public const int ProtocolTypePosition = 2;

    /// <summary>Offset of the hardware address length.</summary>
    public const int HardwareLengthPosition = 4;

    /// <summary>Offset of the protocol address length.</summary>
    public const int ProtocolLengthPosition = 5;

    /// <summary>Offset of the operation.</summary>
    public const int OperationPosition = 6;

    /// <summary>Offset of the sender hardware address.</summary>
    public const int SenderMacPosition = 8;

    /// <summary>Offset of the sender protocol address.</summary>
    public const int SenderIpPosition = 14;

    /// <summary>Offset of the target hardware address.</summary>
    public const int TargetMacPosition = 18;

    /// <summary>Offset of the target protocol address.</summary>
    public const int TargetIpPosition = 24;

    /// <summary>Length of an Ethernet/IPv4 ARP packet.</summary>
    public const int HeaderLength = 28;

    /// <summary>Operation: request.</summary>
    public const ushort OperationRequest = 1;

    /// <summary>Operation: reply.</summary>
    public const ushort OperationReply = 2;
}

/// <summary>IPv4 header offsets (RFC 791).</summary>
public static class Ipv4Fields
{
    /// <summary>Offset of version (high nibble) and IHL (low nibble, in 32-bit words).</summary>
    public const int VersionIhlPosition = 0;

    /// <summary>Offset of DSCP/ECN.</summary>
    public const int TosPosition = 1;

    /// <summary>Offset of the total length.</summary>
    public const int TotalLengthPosition = 2;

    /// <summary>Offset of the identification.</summary>
    public const int IdPosition = 4;

    /// <summary>Offset of flags and fragment offset.</summary>
    public const int FragmentPosition = 6;

    /// <summary>Offset of the time to live.</summary>
    public const int TtlPosition = 8;

    /// <summary>Offset of the protocol.</summary>
    public const int ProtocolPosition = 9;

    /// <summary>Offset of the header checksum.</summary>
    public const int ChecksumPosition = 10;

    /// <summary>Offset of the source address.</summary>
    public const int SourcePosition = 12;

    /// <summary>Offset of the destination address.</summary>
    public const int DestinationPosition = 16;

    /// <summary>Length of a header without options.</summary>
    public const int HeaderLength = 20;

    /// <summary>Mask of the fragment offset bits (non-zero for a non-first fragment).</summary>
    public const ushort FragmentOffsetMask = 0x1FFF;

    /// <summary>The more-fragments flag.</summary>
    public const ushort MoreFragmentsFlag = 0x2000;
}

/// <summary>IPv6 fixed header offsets (RFC 8200).</summary>
public static class Ipv6Fields
{
    /// <summary>Offset of version, traffic class and flow label.</summary>
    public const int VersionPosition = 0;

    /// <summary>Offset of the payload length.</summary>
    public const int PayloadLengthPosition = 4;

    /// <summary>Offset of the next header.</summary>
    public const int NextHeaderPosition = 6;

    /// <summary>Offset of the hop limit.</summary>
    public const int HopLimitPosition = 7;

    /// <summary>Offset of the source address.</summary>
    public const int SourcePosition = 8;

    /// <summary>Offset of the destination address.</summary>
    public const int DestinationPosition = 24;

    /// <summary>Length of the fixed header.</summary>
    public const int HeaderLength = 40;

    /// <summary>Length of an address.</summary>
    public const int AddressLength = 16;
}

/// <summary>IP protocol numbers used here (IANA).</summary>
public static class IpProtocols
{
    /// <summary>ICMP.</summary>
    public const byte Icmp = 1;

    /// <summary>TCP.</summary>
    public const byte Tcp = 6;

    /// <summary>UDP.</summary>
    public const byte Udp = 17;

    /// <summary>ICMPv6.</summary>
    public const byte IcmpV6 = 58;
}

/// <summary>UDP header offsets (RFC 768).</summary>
public static class UdpFields
{
    /// <summary>Offset of the source port.</summary>
    public const int SourcePortPosition = 0;

    /// <summary>Offset of the destination port.</summary>
    public const int DestinationPortPosition = 2;

    /// <summary>Offset of the length.</summary>
    public const int LengthPosition = 4;

    /// <summary>Offset of the checksum.</summary>
    public const int ChecksumPosition = 6;

    /// <summary>Length of the header.</summary>
    public const int HeaderLength = 8;
}

/// <summary>TCP header offsets (RFC 9293).</summary>
public static class TcpFields
{
    /// <summary>Offset of the source port.</summary>
    public const int SourcePortPosition = 0;

    /// <summary>Offset of the destination port.</summary>
    public const int DestinationPortPosition = 2;

    /// <summary>Offset of the sequence number.</summary>
    public const int SequencePosition = 4;

    /// <summary>Offset of the acknowledgment number.</summary>
    public const int AcknowledgmentPosition = 8;

    /// <summary>Offset of the data offset (high nibble, in 32-bit words).</summary>
    public const int DataOffsetPosition = 12;

    /// <summary>Offset of the flags.</summary>
    public const int FlagsPosition = 13;

    /// <summary>Offset of the window.</summary>
    public const int WindowPosition = 14;

    /// <summary>Offset of the checksum.</summary>
    public const int ChecksumPosition = 16;

    /// <summary>Length of a header without options.</summary>
    public const int HeaderLength = 20;

    /// <summary>FIN flag.</summary>
    public const byte Fin = 0x01;

    /// <summary>SYN flag.</summary>
    public const byte Syn = 0x02;

    /// <summary>RST flag.</summary>
    public const byte Rst = 0x04;

    /// <summary>PSH flag.</summary>
    public const byte Psh = 0x08;

    /// <summary>ACK flag.</summary>
    public const byte Ack = 0x10;
}

/// <summary>ICMP header offsets (RFC 792).</summary>
public static class IcmpFields
{
    /// <summary>Offset of the type.</summary>
    public const int TypePosition = 0;

    /// <summary>Offset of the code.</summary>
    public const int CodePosition = 1;

    /// <summary>Offset of the checksum.</summary>
    public const int ChecksumPosition = 2;

    /// <summary>Offset of the echo identifier.</summary>
    public const int IdentifierPosition = 4;

    /// <summary>Offset of the echo sequence number.</summary>
    public const int SequencePosition = 6;

    /// <summary>Length of the header (echo form).</summary>
    public const int HeaderLength = 8;

    /// <summary>Type: echo reply.</summary>
    public const byte EchoReply = 0;

    /// <summary>Type: echo request.</summary>
    public const byte EchoRequest = 8;
}

/// <summary>VXLAN header offsets (RFC 7348).</summary>
public static class VxlanFields
{
    /// <summary>Offset of the flags (0x08: VNI valid).</summary>
    public const int FlagsPosition = 0;

    /// <summary>Offset of the 24-bit VNI.</summary>
    public const int VniPosition = 4;

    /// <summary>Length of the header.</summary>
    public const int HeaderLength = 8;

    /// <summary>The I flag: the VNI is valid.</summary>
    public const byte FlagVniValid = 0x08;

    /// <summary>The IANA UDP port.</summary>
    public const ushort UdpPort = 4789;
}

/// <summary>NSH offsets (RFC 8300): base header, service path header, then context headers.</summary>
public static class NshFields
{
    /// <summary>Offset of Ver(2) O(1) U(1) TTL(6) Length(6), a 16-bit field.</summary>
    public const int VersionTtlLengthPosition = 0;

    /// <summary>Offset of U(4) MD type(4).</summary>
    public const int MdTypePosition = 2;

    /// <summary>Offset of the next protocol.</summary>
    public const int NextProtocolPosition = 3;

    /// <summary>Offset of the 24-bit service path identifier and 8-bit service index.</summary>
    public const int ServicePathPosition = 4;

    /// <summary>Length of the base and service path headers.</summary>
    public const int BaseLength = 8;

    /// <summary>Length of an MD type 1 header: base, path and 16 bytes of fixed context.</summary>
    public const int MdType1Length = 24;

    /// <summary>Next protocol: IPv4.</summary>
    public const byte NextIpv4 = 1;

    /// <summary>Next protocol: IPv6.</summary>
    public const byte NextIpv6 = 2;

    /// <summary>Next protocol: Ethernet.</summary>
    public const byte NextEthernet = 3;

    /// <summary>Next protocol: NSH.</summary>
    public const byte NextNsh = 4;

    /// <summary>The largest service path identifier (24 bits).</summary>
    public const uint MaxServicePathId = 0xFFFFFF;
}
