// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Lab.Linux.Discovery;

namespace NfvConformance.Lab.Linux.Chains.Dpdk;

/// <summary>What really moves an instance's frames in the chain lab.</summary>
internal enum HopDataplane
{
    /// <summary>The kernel in the instance's namespace (forwarding, nftables, a bridge), on veths.</summary>
    Kernel,

    /// <summary>One DPDK testpmd process with a <c>net_af_packet</c> port on each of the instance's veths.</summary>
    DpdkAfPacket,

    /// <summary>
    /// One DPDK testpmd process with a <c>net_af_xdp</c> port on each of the instance's veths: frames reach it from the
    /// veths' XDP hook, before the kernel's ingress hooks see them, and it sends without the kernel's egress hooks, so
    /// the proof of path is taken on the steering side of the veths.
    /// </summary>
    DpdkAfXdp,

    /// <summary>Two DPDK testpmd processes joined by <c>net_memif</c>: frames cross between them through shared memory.</summary>
    DpdkMemif,
}

/// <summary>The acceleration a port pair asked for, what this host grants it and how it is realised.</summary>
/// <param name="Asked">The mode asked for.</param>
/// <param name="Granted">The mode granted (the first rung of the ladder this host can realise).</param>
/// <param name="Dataplane">How the granted mode is realised.</param>
/// <param name="Skipped">Why each higher rung was not granted, in ladder order.</param>
internal sealed record HopGrant(AccelerationMode Asked, AccelerationMode Granted, HopDataplane Dataplane, IReadOnlyList<string> Skipped)
{
    /// <summary>The fewest CPUs with which a poll-mode hop gets one of its own: one for the generator, one for the kernel's receive work, one for testpmd.</summary>
    public const int CpusForOwnPollCore = 3;

    /// <summary>Gets a caveat of the grant (a poll-mode hop sharing a CPU), or null.</summary>
    public string? Caveat { get; init; }

    /// <summary>Gets why a DPDK hop got <c>net_af_packet</c> ports rather than <c>net_af_xdp</c>, or null.</summary>
    public string? AfXdpSkipped { get; init; }

    /// <summary>Gets the kernel grant of a port pair that asked for nothing more.</summary>
    public static HopGrant Kernel { get; } = new(AccelerationMode.KernelVirtio, AccelerationMode.KernelVirtio, HopDataplane.Kernel, []);

    /// <summary>Says how the hop is realised, for the report.</summary>
    /// <returns>The description.</returns>
    public string Describe() => Dataplane switch
    {
        HopDataplane.DpdkAfPacket => "DPDK testpmd, net_af_packet ports on the instance's veths" + (AfXdpSkipped is null ? string.Empty : $" (not net_af_xdp: {AfXdpSkipped})"),
        HopDataplane.DpdkAfXdp => "DPDK testpmd, net_af_xdp ports on the instance's veths",
        HopDataplane.DpdkMemif => "two DPDK testpmd joined by net_memif (shared memory), net_af_packet on the veths",
        _ => "kernel (veth)",
    };

    /// <summary>
    /// Walks the same ladder as the emulator (SmartNIC, then SR-IOV, then DPDK, then kernel; shared memory, then DPDK,
    /// then kernel) over what this host can really realise: no SR-IOV virtual function or SmartNIC is published here;
    /// DPDK and shared memory are testpmd processes (af_packet on veths, memif between two of them), which forward
    /// frames (<c>mac</c> mode: a router's forwarding, without TTL decrement) but run no firewall, NAT or bridge.
    /// </summary>
    /// <param name="asked">The mode asked for.</param>
    /// <param name="function">The instance's function.</param>
    /// <param name="dpdk">DPDK as installed, or null when not looked at (then no DPDK rung).</param>
    /// <param name="steering">How the lab steers.</param>
    /// <param name="cpus">The CPUs the lab may use. A poll-mode hop busy-polls a whole CPU: with fewer than
    /// <see cref="CpusForOwnPollCore"/> it shares one with the kernel's receive work and slows everything down, so it is
    /// then granted only when asked for by name, never as a fallback from SR-IOV or a SmartNIC.</param>
    /// <param name="afXdpRefused">Why the kernel refuses AF_XDP sockets, or null when it opens them; a DPDK hop gets
    /// <c>net_af_xdp</c> ports when DPDK has that PMD and the kernel allows it, else <c>net_af_packet</c>.</param>
    /// <returns>The grant.</returns>
    public static HopGrant For(AccelerationMode asked, InstanceFunction function, DpdkInstall? dpdk, ChainSteering steering, int cpus, string? afXdpRefused = "not looked at")
    {
        List<string> skipped = [];
        foreach (AccelerationMode mode in AccelerationLadder.FallbackOrder(asked))
        {
            string? why = WhyNot(mode, function, dpdk, steering);
            bool pollMode = mode is AccelerationMode.DpdkVhostUser or AccelerationMode.SharedMemory;
            if (why is null && pollMode && mode != asked && cpus < CpusForOwnPollCore)
            {
                why = $"a DPDK poll-mode hop needs a CPU of its own and this host lets the lab use {cpus} (the generator takes one, the kernel's receive work the other); it is granted only when asked for by name";
            }
            if (why is null)
            {
                string? noAfXdp = mode != AccelerationMode.DpdkVhostUser ? null
                    : !dpdk!.Has("net", "af_xdp") ? "the net_af_xdp PMD is not installed"
                    : afXdpRefused is { } refused ? "the kernel refuses AF_XDP: " + refused
                    : null;
                HopDataplane dataplane = mode switch
                {
                    AccelerationMode.DpdkVhostUser when noAfXdp is null => HopDataplane.DpdkAfXdp,
                    AccelerationMode.DpdkVhostUser => HopDataplane.DpdkAfPacket,
                    AccelerationMode.SharedMemory => HopDataplane.DpdkMemif,
                    _ => HopDataplane.Kernel,
                };
                return new HopGrant(asked, mode, dataplane, skipped)
                {
                    AfXdpSkipped = noAfXdp,
                    Caveat = pollMode && cpus < CpusForOwnPollCore
                        ? $"its poll-mode thread shares a CPU with the kernel's receive work (this host lets the lab use {cpus} CPUs; {CpusForOwnPollCore} give it one of its own), so its figures are this host's, not DPDK's"
                        : null,
                };
            }

            skipped.Add($"{mode}: {why}");
        }

        return new HopGrant(asked, AccelerationMode.KernelVirtio, HopDataplane.Kernel, skipped);
    }

    private static string? WhyNot(AccelerationMode mode, InstanceFunction function, DpdkInstall? dpdk, ChainSteering steering)
    {
        switch (mode)
        {
            case AccelerationMode.KernelVirtio:
                return null;
            case AccelerationMode.SriovVf:
                return "this host publishes no SR-IOV virtual function";
            case AccelerationMode.SmartNicOffload:
                return "this host publishes no SmartNIC";
        }

        if (dpdk?.Testpmd is null)
        {
            return "dpdk-testpmd is not installed";
        }

        if (!dpdk.Has("net", "af_packet"))
        {
            return "the net_af_packet PMD is not installed";
        }

        if (mode == AccelerationMode.SharedMemory && !dpdk.Has("net", "memif"))
        {
            return "the net_memif PMD is not installed";
        }

        if (function != InstanceFunction.Router)
        {
            return $"a testpmd hop forwards frames (mac forwarding, a router's part); it cannot run a{(function == InstanceFunction.Nat44 ? " nat44" : function == InstanceFunction.L2 ? "n l2 bridge" : " firewall")}";
        }

        return steering == ChainSteering.Kernel ? null : "DPDK hops are realised under kernel steering only";
    }
}
