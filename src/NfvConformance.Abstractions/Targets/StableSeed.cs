// Licensed under the Apache License, Version 2.0.
using System.Text;

namespace NfvConformance.Abstractions.Targets;

/// <summary>
/// Derives a seed from a run's seed and names (a node, a NIC, a VIP) with FNV-1a over their UTF-8 bytes, so a
/// seeded trial repeats in every process and on every machine. Never use <see cref="HashCode"/> or
/// <see cref="string.GetHashCode()"/> for this: .NET randomises both per process.
/// </summary>
public static class StableSeed
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>Derives a seed for <see cref="Random"/> from a seed and some names.</summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="parts">The names that tell this trial from the others of the run.</param>
    /// <returns>A non-negative seed, the same for the same inputs everywhere.</returns>
    public static int Derive(long seed, params ReadOnlySpan<string> parts)
    {
        ulong h = Hash64(seed, parts);
        return (int)((h ^ (h >> 32)) & int.MaxValue);
    }

    /// <summary>Hashes a seed and some names to 64 bits (FNV-1a; each part is followed by a 0xFF separator).</summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="parts">The names.</param>
    /// <returns>The hash.</returns>
    public static ulong Hash64(long seed, params ReadOnlySpan<string> parts)
    {
        ulong h = OffsetBasis;
        for (int i = 0; i < 8; i++)
        {
            h = (h ^ (byte)(seed >> (8 * i))) * Prime;
        }

        Span<byte> buffer = stackalloc byte[256];
        foreach (string part in parts)
        {
            int max = Encoding.UTF8.GetMaxByteCount(part.Length);
            Span<byte> bytes = max <= buffer.Length ? buffer : new byte[max];
            int n = Encoding.UTF8.GetBytes(part, bytes);
            foreach (byte b in bytes[..n])
            {
                h = (h ^ b) * Prime;
            }

            h = (h ^ 0xFF) * Prime;
        }

        return h;
    }
}
