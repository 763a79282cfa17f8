// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Emulator.Dataplane.Buffers;

/// <summary>
/// A packet in flight: an index into a <see cref="PacketPool"/>, never an object (VPP's u32 buffer index).
/// Copying a handle does not copy the packet; exactly one owner frees it.
/// </summary>
public readonly struct PacketHandle : IEquatable<PacketHandle>
{
    /// <summary>Creates a handle for buffer <paramref name="index"/> of a pool.</summary>
    /// <param name="index">The buffer index, 0 to the pool's capacity - 1.</param>
    public PacketHandle(int index) => Index = index;

    /// <summary>Gets the buffer index within its pool.</summary>
    public int Index { get; }

    /// <inheritdoc />
    public bool Equals(PacketHandle other) => Index == other.Index;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PacketHandle other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Index;

    /// <inheritdoc />
    public override string ToString() => $"pkt#{Index}";

    /// <summary>Compares two handles.</summary>
    /// <param name="left">The first handle.</param>
    /// <param name="right">The second handle.</param>
    /// <returns>True when both name the same buffer.</returns>
    public static bool operator ==(PacketHandle left, PacketHandle right) => left.Index == right.Index;

    /// <summary>Compares two handles.</summary>
    /// <param name="left">The first handle.</param>
    /// <param name="right">The second handle.</param>
    /// <returns>True when they name different buffers.</returns>
    public static bool operator !=(PacketHandle left, PacketHandle right) => left.Index != right.Index;
}
