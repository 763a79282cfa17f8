// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using NfvConformance.Packets;

namespace NfvConformance.Emulator.TenantNetworking.Internal;

/// <summary>What happened to a frame at the receiving tunnel endpoint.</summary>
internal enum DecapOutcome
{
    Ok = 0,
    IntegrityFailure,
    Malformed,
    UnknownSecurityAssociation,
}

/// <summary>
/// The overlay hop between two nodes: VXLAN (RFC 7348) with the outer UDP source port taken from a hash of the inner
/// flow (RFC 7348 section 5, so the underlay's ECMP spreads flows), optionally carried in ESP (RFC 4303) with AES-GCM
/// (RFC 4106: 16-byte ICV, 8-byte explicit IV, 4-byte salt) inside UDP (RFC 3948, port 4500), keeping the same
/// entropy source port so ECMP still spreads the encrypted flows. One security association per ordered node pair,
/// keys derived with HKDF-SHA256 from a random master key.
/// </summary>
internal sealed class OverlayTunnel : IDisposable
{
    /// <summary>The UDP port of ESP-in-UDP.</summary>
    public const ushort EspInUdpPort = 4500;

    private const int SpiLength = 4;
    private const int SequenceLength = 4;
    private const int IvLength = 8;
    private const int IcvLength = 16;
    private const int OuterHeaders = EthernetFields.HeaderLength + Ipv4Fields.HeaderLength + UdpFields.HeaderLength;

    private readonly byte[] _masterKey = RandomNumberGenerator.GetBytes(32);
    private readonly Dictionary<(string From, string To), SecurityAssociation> _byPair = [];
    private readonly Dictionary<uint, SecurityAssociation> _bySpi = [];
    private readonly bool _encrypt;
    private readonly bool _entropy;

    public OverlayTunnel(bool encrypt, bool entropy)
    {
        _encrypt = encrypt;
        _entropy = entropy;
    }

    public string Protection => _encrypt ? "esp-aes-gcm-128 in udp/4500 (RFC 4106, RFC 3948)" : "none";

    /// <summary>The outer source port for an inner frame: 49152 + hash(inner 5-tuple) mod 16384, or 49152 without entropy.</summary>
    public ushort SourcePortFor(ReadOnlySpan<byte> inner)
    {
        if (!_entropy)
        {
            return 49152;
        }

        ulong h = 14695981039346656037UL;
        if (PacketParser.Parse(inner, out ParsedPacket p) == ParseResult.Ok && p.L3Offset >= 0)
        {
            ReadOnlySpan<byte> l3 = inner[p.L3Offset..];
            ReadOnlySpan<byte> addresses = p.IsIpv4 ? l3.Slice(Ipv4Fields.SourcePosition, 8) : l3.Slice(Ipv6Fields.SourcePosition, 32);
            h = Fnv(h, addresses);
            Span<byte> rest = [p.IpProtocol, (byte)(p.SourcePort >> 8), (byte)p.SourcePort, (byte)(p.DestinationPort >> 8), (byte)p.DestinationPort];
            h = Fnv(h, rest);
        }
        else
        {
            h = Fnv(h, inner[..Math.Min(inner.Length, 14)]);
        }

        return (ushort)(49152 + (int)(h % 16384));
    }

    /// <summary>Builds the underlay frame that carries an inner frame from one node to another on a VNI.</summary>
    public byte[] Encapsulate(NodeAgent from, NodeAgent to, int vni, ReadOnlySpan<byte> inner)
    {
        ushort sport = SourcePortFor(inner);
        uint src = AddressMath.ToUInt32(from.Underlay);
        uint dst = AddressMath.ToUInt32(to.Underlay);
        int udpPayload = VxlanFields.HeaderLength + inner.Length;
        if (!_encrypt)
        {
            byte[] frame = new byte[OuterHeaders + udpPayload];
            int o = FrameBuilder.WriteEthernet(frame, to.Mac, from.Mac, EthernetFields.TypeIpv4);
            o += FrameBuilder.WriteIpv4(frame.AsSpan(o), src, dst, IpProtocols.Udp, UdpFields.HeaderLength + udpPayload);
            o += FrameBuilder.WriteUdp(frame.AsSpan(o), sport, VxlanFields.UdpPort, udpPayload);
            o += FrameBuilder.WriteVxlan(frame.AsSpan(o), (uint)vni);
            inner.CopyTo(frame.AsSpan(o));
            return frame;
        }

        // The protected payload: the VXLAN UDP packet, then padding, pad length and next header (RFC 4303 section 2.4).
        int clear = UdpFields.HeaderLength + udpPayload;
        int pad = (4 - ((clear + 2) % 4)) % 4;
        byte[] plain = new byte[clear + pad + 2];
        int p = FrameBuilder.WriteUdp(plain, sport, VxlanFields.UdpPort, udpPayload);
        p += FrameBuilder.WriteVxlan(plain.AsSpan(p), (uint)vni);
        inner.CopyTo(plain.AsSpan(p));
        for (int i = 0; i < pad; i++)
        {
            plain[clear + i] = (byte)(i + 1);
        }

        plain[clear + pad] = (byte)pad;
        plain[clear + pad + 1] = IpProtocols.Udp;

        SecurityAssociation sa = Sa(from.Id, to.Id);
        int espLength = SpiLength + SequenceLength + IvLength + plain.Length + IcvLength;
        byte[] wire = new byte[OuterHeaders + espLength];
        int w = FrameBuilder.WriteEthernet(wire, to.Mac, from.Mac, EthernetFields.TypeIpv4);
        w += FrameBuilder.WriteIpv4(wire.AsSpan(w), src, dst, IpProtocols.Udp, UdpFields.HeaderLength + espLength);
        w += FrameBuilder.WriteUdp(wire.AsSpan(w), sport, EspInUdpPort, espLength);
        Span<byte> esp = wire.AsSpan(w);
        ulong seq = ++sa.Sequence;
        BinaryPrimitives.WriteUInt32BigEndian(esp, sa.Spi);
        BinaryPrimitives.WriteUInt32BigEndian(esp[SpiLength..], (uint)seq);
        BinaryPrimitives.WriteUInt64BigEndian(esp[(SpiLength + SequenceLength)..], seq);
        Span<byte> nonce = stackalloc byte[12];
        sa.Salt.CopyTo(nonce);
        esp.Slice(SpiLength + SequenceLength, IvLength).CopyTo(nonce[4..]);
        int c = SpiLength + SequenceLength + IvLength;
        sa.Aead.Encrypt(nonce, plain, esp.Slice(c, plain.Length), esp.Slice(c + plain.Length, IcvLength), esp[..(SpiLength + SequenceLength)]);
        return wire;
    }

    /// <summary>
    /// Receives an underlay frame: checks and decrypts ESP when present, and returns the VXLAN tunnel packet as the
    /// endpoint sees it, its VNI and the inner frame.
    /// </summary>
    public DecapOutcome Decapsulate(ReadOnlySpan<byte> wire, out byte[] tunnelPacket, out int vni, out byte[] inner)
    {
        tunnelPacket = [];
        inner = [];
        vni = -1;
        if (PacketParser.Parse(wire, out ParsedPacket outer) != ParseResult.Ok || !outer.IsIpv4 || outer.IpProtocol != IpProtocols.Udp)
        {
            return DecapOutcome.Malformed;
        }

        if (outer.DestinationPort == EspInUdpPort)
        {
            ReadOnlySpan<byte> esp = wire[(outer.L4Offset + UdpFields.HeaderLength)..outer.L3End];
            if (esp.Length < SpiLength + SequenceLength + IvLength + IcvLength + 2)
            {
                return DecapOutcome.Malformed;
            }

            if (!_bySpi.TryGetValue(BinaryPrimitives.ReadUInt32BigEndian(esp), out SecurityAssociation? sa))
            {
                return DecapOutcome.UnknownSecurityAssociation;
            }

            int c = SpiLength + SequenceLength + IvLength;
            int clearLength = esp.Length - c - IcvLength;
            byte[] plain = new byte[clearLength];
            Span<byte> nonce = stackalloc byte[12];
            sa.Salt.CopyTo(nonce);
            esp.Slice(SpiLength + SequenceLength, IvLength).CopyTo(nonce[4..]);
            try
            {
                sa.Aead.Decrypt(nonce, esp.Slice(c, clearLength), esp.Slice(c + clearLength, IcvLength), plain, esp[..(SpiLength + SequenceLength)]);
            }
            catch (AuthenticationTagMismatchException)
            {
                return DecapOutcome.IntegrityFailure;
            }

            int pad = plain[^2];
            int udpLength = clearLength - 2 - pad;
            if (udpLength < UdpFields.HeaderLength || plain[^1] != IpProtocols.Udp)
            {
                return DecapOutcome.Malformed;
            }

            tunnelPacket = new byte[EthernetFields.HeaderLength + Ipv4Fields.HeaderLength + udpLength];
            int o = FrameBuilder.WriteEthernet(tunnelPacket, wire[..6], wire[6..12], EthernetFields.TypeIpv4);
            o += FrameBuilder.WriteIpv4(tunnelPacket.AsSpan(o), outer.SourceIpv4, outer.DestinationIpv4, IpProtocols.Udp, udpLength);
            plain.AsSpan(0, udpLength).CopyTo(tunnelPacket.AsSpan(o));
        }
        else
        {
            tunnelPacket = wire.ToArray();
        }

        if (PacketParser.Parse(tunnelPacket, out ParsedPacket t) != ParseResult.Ok || t.VxlanOffset < 0 || t.InnerOffset < 0)
        {
            return DecapOutcome.Malformed;
        }

        vni = (int)t.Vni;
        inner = tunnelPacket.AsSpan(t.InnerOffset, t.L3End - t.InnerOffset).ToArray();
        return DecapOutcome.Ok;
    }

    public void Dispose()
    {
        foreach (SecurityAssociation sa in _byPair.Values)
        {
            sa.Aead.Dispose();
        }
    }

    private static ulong Fnv(ulong h, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            h = (h ^ b) * 1099511628211UL;
        }

        // Final avalanche (splitmix64) so the low bits used by the modulo depend on every input byte.
        h ^= h >> 30;
        h *= 0xbf58476d1ce4e5b9UL;
        h ^= h >> 27;
        h *= 0x94d049bb133111ebUL;
        return h ^ (h >> 31);
    }

    private SecurityAssociation Sa(string from, string to)
    {
        if (_byPair.TryGetValue((from, to), out SecurityAssociation? sa))
        {
            return sa;
        }

        byte[] material = HKDF.DeriveKey(HashAlgorithmName.SHA256, _masterKey, 20, info: Encoding.UTF8.GetBytes($"esp {from} -> {to}"));
        uint spi = 0x1000 + (uint)_byPair.Count;
        sa = new SecurityAssociation(spi, material[16..], new AesGcm(material.AsSpan(0, 16), IcvLength));
        _byPair[(from, to)] = sa;
        _bySpi[spi] = sa;
        return sa;
    }

    private sealed class SecurityAssociation(uint spi, byte[] salt, AesGcm aead)
    {
        public uint Spi { get; } = spi;

        public byte[] Salt { get; } = salt;

        public AesGcm Aead { get; } = aead;

        public ulong Sequence { get; set; }
    }
}
