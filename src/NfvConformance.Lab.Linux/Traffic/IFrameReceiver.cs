// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Lab.Linux.Traffic;

/// <summary>The receive side of one generator port: frames handed to a sink in place, with their receive time.</summary>
internal interface IFrameReceiver : IDisposable
{
    /// <summary>Gets the sockets, for poll(2) (POLLIN when frames are waiting on one).</summary>
    IReadOnlyList<int> Fds { get; }

    /// <summary>Gets the interface.</summary>
    string Interface { get; }

    /// <summary>Gets how the port receives, for reports.</summary>
    string Method { get; }

    /// <summary>Gets the longest frame (without FCS) the port can receive whole.</summary>
    int MaxFrameLength { get; }

    /// <summary>Hands every frame waiting to the sink, then gives their buffers back to the kernel.</summary>
    /// <typeparam name="TSink">The sink (a struct: its call is inlined into the loop).</typeparam>
    /// <param name="sink">Called once per frame.</param>
    /// <returns>The frames handled; 0 when none was waiting.</returns>
    int Drain<TSink>(ref TSink sink)
        where TSink : struct, IFrameSink;

    /// <summary>Reads and resets the kernel's counters of this socket.</summary>
    /// <returns>Frames it took and frames it dropped for want of room (the receiver overran) since the last call.</returns>
    (long Packets, long Drops) ReadAndResetStatistics();
}
