// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Lab.Linux.Run;

/// <summary>
/// Gives a lab's veth ends their own receive queue instead of the kernel's per-CPU backlog.
/// </summary>
/// <remarks>
/// By default a frame sent on a veth is handed to its peer through the per-CPU backlog that every veth, loopback and
/// tunnel of the host shares (<c>net.core.netdev_max_backlog</c>, 1000 frames). While another lab on the same host
/// floods a veth (a generator's trial), that backlog is full and the kernel drops any other frame queued on that CPU,
/// whatever lab it belongs to (<c>/proc/net/softnet_stat</c>, column 2): a lab that sends a handful of frames and
/// counts them then sees a loss it did not cause. A veth whose receiving end has GRO on runs its own NAPI with its own
/// ring, and the sending end hands it a frame through that ring when the sending end has TSO off: the lab's frames
/// then never wait in, or are dropped from, the shared backlog. Nothing else changes for the frames: UDP datagrams
/// and IP fragments are not merged (no GRO for them without UDP GRO forwarding), and a full own ring is counted on
/// the veth (<c>ethtool -S</c>, <c>rx_queue_0_drops</c>), where it belongs to this lab.
/// </remarks>
internal static class VethQueues
{
    /// <summary>Sets both offloads on one veth end, inside its namespace.</summary>
    /// <param name="ns">The namespace of the end.</param>
    /// <param name="device">The end's name.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>A task that completes when the end receives through its own queue and sends without TSO.</returns>
    public static async Task OwnQueueAsync(string ns, string device, CancellationToken cancellationToken = default) =>
        _ = (await Shell.RunAsync("ip", ["netns", "exec", ns, "ethtool", "-K", device, "tso", "off", "gro", "on"], cancellationToken).ConfigureAwait(false)).OrThrow();
}
