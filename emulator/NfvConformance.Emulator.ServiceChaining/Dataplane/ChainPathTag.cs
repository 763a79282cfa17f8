// Licensed under the Apache License, Version 2.0.
using System.Runtime.CompilerServices;

namespace NfvConformance.Emulator.ServiceChaining.Dataplane;

/// <summary>
/// The chain state a packet carries in <c>PacketMeta.UserData</c> between hops, laid out as NSH does:
/// service path id (24 bits) | service index (8) | tap copy (1) | chain index (7) | path id (24).
/// The service index starts at 255 at the first hop and drops by one per hop (RFC 8300 §2.3).
/// </summary>
internal static class ChainPathTag
{
    public const int FirstServiceIndex = 255;
    public const int PathBits = 24;
    public const int PathMask = (1 << PathBits) - 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Encode(int spi, int serviceIndex, bool tapCopy, int chain, int path) =>
        ((ulong)(uint)spi << 40) | ((ulong)(byte)serviceIndex << 32) | (tapCopy ? 1UL << 31 : 0) | ((ulong)(chain & 0x7F) << 24) | (uint)(path & PathMask);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Spi(ulong tag) => (int)(tag >> 40);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ServiceIndex(ulong tag) => (byte)(tag >> 32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsTapCopy(ulong tag) => (tag & (1UL << 31)) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Chain(ulong tag) => (int)(tag >> 24) & 0x7F;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Path(ulong tag) => (int)(tag & PathMask);
}
