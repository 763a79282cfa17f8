// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Emulator.Dataplane.Buffers;

/// <summary>
/// What has already been verified about a packet's headers, as a NIC's receive offload reports it in DPDK's
/// <c>rte_mbuf.ol_flags</c> (<c>RTE_MBUF_F_RX_IP_CKSUM_GOOD</c>). Cleared when the buffer is allocated.
/// </summary>
[Flags]
public enum PacketOffloadFlags
{
    /// <summary>Nothing verified.</summary>
    None = 0,

    /// <summary>
    /// The IPv4 header was found complete, within the frame and with a correct checksum (or the frame is not IPv4).
    /// Nodes that rewrite the header with an incremental checksum update (RFC 1624: NAT, TTL decrement) keep it true;
    /// anything that changes the header's bytes otherwise (a fault that corrupts frames on a link, a node that writes
    /// a header without fixing its checksum) must clear it, so the next interface checks the header again.
    /// </summary>
    Ipv4HeaderGood = 1,
}
