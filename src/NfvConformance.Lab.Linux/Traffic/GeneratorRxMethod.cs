// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Lab.Linux.Traffic;

/// <summary>How the generator's ports receive.</summary>
public enum GeneratorRxMethod
{
    /// <summary>A TPACKET_V3 receive ring on an AF_PACKET socket, behind a classic BPF filter; the kernel's receive timestamp per frame.</summary>
    AfPacket,

    /// <summary>An AF_XDP socket (copy mode) fed by an XDP program on the interface that redirects the generator's frames and passes the rest to the kernel; the program's receive timestamp per frame.</summary>
    AfXdp,
}
