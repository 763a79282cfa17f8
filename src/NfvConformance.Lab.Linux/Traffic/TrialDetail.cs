// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Lab.Linux.Traffic;

/// <summary>What one stream of an AF_PACKET trial sent and got back, frame by frame.</summary>
/// <param name="Name">The stream.</param>
/// <param name="TxPort">Its transmit port.</param>
/// <param name="RxPort">Its receive port.</param>
/// <param name="Sent">Frames sent (each with its own sequence number).</param>
/// <param name="Received">Frames received, duplicates included.</param>
/// <param name="Unique">Distinct sequence numbers received.</param>
/// <param name="Lost">Sequence numbers sent and never received: <c>Sent = Unique + Lost</c>.</param>
/// <param name="OutOfOrder">Frames that arrived after a frame sent later.</param>
/// <param name="Duplicates">Frames that arrived a second time.</param>
/// <param name="TooOld">Frames so late (more than 65536 behind) that they could not be classified.</param>
public sealed record AfPacketStreamDetail(string Name, int TxPort, int RxPort, long Sent, long Received, long Unique, long Lost, long OutOfOrder, long Duplicates, long TooOld)
{
    /// <summary>Gets the sender worker that sent every frame of the stream (0 with one worker).</summary>
    public int Worker { get; init; }
}

/// <summary>The frame-level account of one AF_PACKET trial, beyond what <c>TrialResult</c> carries.</summary>
/// <param name="Trial">The trial's number (its frames carry it, modulo 256, as the mark's flow sequence).</param>
/// <param name="Streams">Per stream.</param>
/// <param name="ForeignFrames">Frames that passed the filter but carried no mark of this generator.</param>
/// <param name="StaleFrames">Frames marked by an earlier trial that arrived late.</param>
/// <param name="RingDrops">Frames the kernel dropped because a receive ring was full (the receiver's loss, not the device's).</param>
/// <param name="SecondsSending">From the first to the last frame sent.</param>
/// <param name="TxAllocatedBytes">Bytes the sending thread allocated while sending (the dataplane allocates nothing per frame).</param>
/// <param name="RxAllocatedBytes">Bytes the receiving thread allocated while receiving.</param>
/// <param name="CaptureFile">The pcap file of the trial, if one was asked for.</param>
/// <param name="CapturedFrames">Frames written to it.</param>
public sealed record AfPacketTrialDetail(
    int Trial,
    IReadOnlyList<AfPacketStreamDetail> Streams,
    long ForeignFrames,
    long StaleFrames,
    long RingDrops,
    double SecondsSending,
    long TxAllocatedBytes,
    long RxAllocatedBytes,
    string? CaptureFile,
    long CapturedFrames)
{
    /// <summary>Gets the CPU time of the sending thread (user and system, which includes the veth's receive work the kernel does on it).</summary>
    public double TxCpuSeconds { get; init; }

    /// <summary>
    /// Gets the frames the sending host's kernel took and dropped before they reached the port's peer (an AF_XDP sender
    /// on a veth whose peer's backlog was full): counted as sent and lost by their streams, they are the generator's
    /// loss, not the device's, and the trial is flagged disturbed.
    /// </summary>
    public long TxDropped { get; init; }

    /// <summary>Gets the number of sender workers (<see cref="AfPacketGeneratorOptions.Threads"/>).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Gets the frames each sender worker sent, by worker.</summary>
    public IReadOnlyList<long> SentPerWorker { get; init; } = [];

    /// <summary>Gets how the frames were sent (<see cref="AfPacketGenerator.TransmitMethod"/>).</summary>
    public string TransmitMethod { get; init; } = string.Empty;

    /// <summary>Gets why AF_XDP was asked for and refused (the ports sent through AF_PACKET instead), or null.</summary>
    public string? AfXdpFallback { get; init; }

    /// <summary>Gets how the frames were received (<see cref="AfPacketGenerator.ReceiveMethod"/>).</summary>
    public string ReceiveMethod { get; init; } = string.Empty;

    /// <summary>Gets why the AF_XDP receiver was asked for and refused (the ports received through the TPACKET_V3 ring instead), or null.</summary>
    public string? AfXdpRxFallback { get; init; }

    /// <summary>Gets frames sent, all streams.</summary>
    public long Sent => Streams.Sum(s => s.Sent);

    /// <summary>Gets frames received, all streams, duplicates included.</summary>
    public long Received => Streams.Sum(s => s.Received);

    /// <summary>Gets distinct frames received, all streams.</summary>
    public long Unique => Streams.Sum(s => s.Unique);

    /// <summary>Gets frames lost, all streams.</summary>
    public long Lost => Streams.Sum(s => s.Lost);
}
