// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Emulator.Dataplane.Memif;

/// <summary>Sizes of a <see cref="MemifRegion"/>, fixed when it is created.</summary>
public sealed class MemifRegionOptions
{
    /// <summary>Gets the number of descriptors (and packet buffers) per ring: a power of two from 2 to 65536 (libmemif's log2_ring_size 1-16). Default 1024.</summary>
    public int RingSize { get; init; } = 1024;

    /// <summary>Gets the size of each packet buffer in the region: a multiple of 64 from 128 to 65536 (libmemif's buffer_size). Default 2048.</summary>
    public int BufferSize { get; init; } = 2048;

    /// <summary>
    /// Gets the file that backs the region, or null for a new file in /dev/shm (the temporary directory when there is no
    /// /dev/shm). The creator deletes the file when it disposes the region.
    /// </summary>
    public string? Path { get; init; }
}
