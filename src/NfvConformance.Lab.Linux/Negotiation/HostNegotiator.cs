// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Lab.Linux.Discovery;
using NfvConformance.Lab.Linux.Host;
using NfvConformance.Lab.Linux.Placement;

namespace NfvConformance.Lab.Linux.Negotiation;

/// <summary>
/// Negotiates against the host as discovered now and what placed instances hold: each rung of a ladder is granted
/// only when the host really has it (a free SR-IOV VF, a SmartNIC eswitch, DPDK's vhost PMD with QEMU for a VM's
/// vhost-user port, the kernel always), so a ladder falls back for real (SR-IOV, then DPDK, then kernel), each refusal naming the file
/// or tool that showed the lack.
/// </summary>
internal sealed class HostNegotiator : INegotiation
{
    private readonly HostPublisher _publisher;
    private readonly HostLedger _ledger;

    /// <summary>Creates the negotiator.</summary>
    /// <param name="publisher">The host as discovered.</param>
    /// <param name="ledger">What placed instances hold.</param>
    public HostNegotiator(HostPublisher publisher, HostLedger ledger)
    {
        _publisher = publisher;
        _ledger = ledger;
    }

    /// <inheritdoc />
    /// <remarks>Answered from the host as discovered and the ledger of what instances hold, both in memory: no I/O.</remarks>
    public ValueTask<NegotiationResult> NegotiateAsync(NegotiationRequest request, CancellationToken cancellationToken = default) =>
        FacetCall.Completed(() => Negotiate(request, _publisher.Node, Free.Of(_publisher.Node, _ledger)), cancellationToken);

    /// <summary>Negotiates against given free resources (placement uses it to place several instances as one unit).</summary>
    /// <param name="request">The request.</param>
    /// <param name="node">The host.</param>
    /// <param name="free">What is free.</param>
    /// <param name="kind">What is being placed, or null for a negotiation on its own.</param>
    /// <returns>The answer.</returns>
    internal static NegotiationResult Negotiate(NegotiationRequest request, HostNode node, Free free, WorkloadKind? kind = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        List<ValidationError> problems = Validate(request);
        if (problems.Count > 0)
        {
            return new NegotiationResult(false, null, null, [], [], [], [], problems);
        }

        NodeCapabilities caps = node.Capabilities;
        List<UnmetRequirement> unmet = [];
        void Unmet(string requirement, string reason) => unmet.Add(new UnmetRequirement(node.Id, requirement, reason));

        if (request.Profile is { } profile && profile != caps.Profile)
        {
            Unmet("profile", $"the node serves profile '{caps.Profile}', not '{profile}'");
        }

        if (request.Site is { } site && site != caps.Site)
        {
            Unmet("site", $"the node stands at '{caps.Site}', not '{site}'");
        }

        foreach (string ext in request.Extensions ?? [])
        {
            if (!caps.Extensions.Contains(ext, StringComparer.OrdinalIgnoreCase))
            {
                Unmet(ext, $"the node carries no '{ext}' extension (extensions: [{string.Join(", ", caps.Extensions)}], derived from its devices)");
            }
        }

        foreach (string cap in request.RequiredCapabilities ?? [])
        {
            if (!caps.Offers(cap))
            {
                string why = caps.Capabilities.TryGetValue(cap, out CapabilityValue? v)
                    ? $"the node publishes '{v.Raw}' ({v.Source}: {v.Evidence.FirstOrDefault()?.Detail})"
                    : "the node does not publish it";
                Unmet(cap, why);
            }
        }

        ResourceRequest r = request.Resources;
        int? numa = null;
        if (r.DedicatedCores && !node.Hardware.Cpu.PinningSupported)
        {
            Unmet("pinning", $"no dedicated cores: {caps.Capabilities.GetValueOrDefault("RM:e.cap.006")?.Evidence.FirstOrDefault()?.Detail ?? "CPU pinning not offered"} (RM:e.cap.006)");
        }
        else if (r.DedicatedCores)
        {
            List<int> freeCpus = [.. node.WorkloadCpus.Except(free.DedicatedInUse)];
            if (r.NumaAligned)
            {
                numa = node.Scan.NumaCpus.OrderBy(kv => kv.Key).Where(kv => kv.Value.Count(freeCpus.Contains) >= r.Cores).Select(kv => (int?)kv.Key).FirstOrDefault();
                if (numa is null)
                {
                    Unmet("cores", $"no NUMA node has {r.Cores} free dedicated CPU(s): {string.Join(", ", node.Scan.NumaCpus.Select(kv => $"NUMA {kv.Key}: {kv.Value.Count(freeCpus.Contains)} free"))}");
                }
            }
            else if (freeCpus.Count < r.Cores)
            {
                Unmet("cores", $"{r.Cores} dedicated CPU(s) asked, {freeCpus.Count} free of {node.WorkloadCpus.Count} ({CpuList.Format(node.WorkloadCpus)}; CPUs {CpuList.Format(node.ReservedCpus)} are reserved for the host)");
            }
        }
        else
        {
            int pool = node.Scan.OnlineCpus.Count - free.DedicatedInUse.Count;
            if (r.Cores > pool - free.SharedInUse)
            {
                Unmet("cores", $"{r.Cores} shared vCPU(s) asked, {Math.Max(0, pool - free.SharedInUse)} free in the shared pool of {pool} CPU(s) at 1:1 (RM:e.cap.024)");
            }
        }

        if (r.NumaAligned && !node.Hardware.Cpu.PinningSupported)
        {
            Unmet("RM:e.cap.007", $"no NUMA alignment: {caps.Capabilities.GetValueOrDefault("RM:e.cap.007")?.Evidence.FirstOrDefault()?.Detail ?? "not offered"}");
        }
        else if (r.NumaAligned && numa is null && !r.DedicatedCores)
        {
            numa = node.Scan.NumaCpus.Keys.Min();
        }

        if (r.MemoryMb > free.MemoryMb)
        {
            Unmet("memory", $"{r.MemoryMb} MiB asked, {free.MemoryMb} MiB available (/proc/meminfo MemAvailable less what instances hold)");
        }

        if (r.HugepagesMb > 0 && r.HugepagesMb > free.HugepagesMb)
        {
            Unmet("RM:e.cap.023", $"{r.HugepagesMb} MiB of huge pages asked, {free.HugepagesMb} MiB free ({caps.Capabilities.GetValueOrDefault("RM:e.cap.023")?.Evidence.FirstOrDefault()?.Detail})");
        }

        List<LadderGrant> grants = [];
        foreach (PreferenceLadder ladder in request.Ladders)
        {
            List<RungRefusal> refused = [];
            string? granted = null;
            int index = -1;
            for (int i = 0; i < ladder.Rungs.Count; i++)
            {
                string? why = WhyNot(ladder.Rungs[i], node, free, r, kind);
                if (why is null)
                {
                    granted = ladder.Rungs[i];
                    index = i;
                    break;
                }

                refused.Add(new RungRefusal(ladder.Rungs[i], why));
            }

            if (granted is null && ladder.Required)
            {
                Unmet($"ladder {ladder.Name}", "every rung refused: " + string.Join("; ", refused.Select(x => $"{x.Rung}: {x.Reason}")));
            }

            grants.Add(new LadderGrant(ladder.Name, granted, index, refused) { Note = granted == Rungs.DpdkVhostUser ? VhostUserMemory(free) : null });
        }

        List<string> wishesMet = [.. (request.Wishes ?? []).Where(caps.Offers)];
        List<string> wishesUnmet = [.. (request.Wishes ?? []).Where(w => !caps.Offers(w))];
        return unmet.Count == 0
            ? new NegotiationResult(true, node.Id, r.NumaAligned ? numa : null, grants, wishesMet, wishesUnmet, [], [])
            : new NegotiationResult(false, null, null, [], [], [], unmet, []);
    }

    /// <summary>Says why a rung cannot be granted on the host now, or null when it can.</summary>
    /// <param name="rung">The rung.</param>
    /// <param name="node">The host.</param>
    /// <param name="free">What is free.</param>
    /// <param name="r">The resources asked.</param>
    /// <param name="kind">What is being placed, or null for a negotiation on its own (then a VM's port is meant).</param>
    /// <returns>The reason, or null.</returns>
    internal static string? WhyNot(string rung, HostNode node, Free free, ResourceRequest r, WorkloadKind? kind = null)
    {
        NodeHardware hw = node.Hardware;
        bool basic = node.Policy.Profile == Profiles.Basic;
        string nics = string.Join(", ", hw.Nics.Select(n => $"{n.Name} ({n.Driver})"));
        switch (rung)
        {
            case Rungs.SmartNicOffload:
                return hw.Nics.Any(n => n.LinkUp && n.SmartNic)
                    ? basic ? "the basic profile offers no SmartNIC offload (RM:e.cap.015 = No for basic)" : null
                    : $"no NIC in switchdev mode (devlink dev eswitch show): {nics} — no SmartNIC/DPU on this host";
            case Rungs.SriovVf:
                int vfs = hw.Nics.Sum(n => n.SriovFreeVfs) - free.VfsInUse;
                return vfs > 0
                    ? basic ? "the basic profile exposes no SR-IOV (RM:e.cap.013 = No for basic)" : null
                    : $"no free SR-IOV VF (sriov_numvfs under /sys/bus/pci/devices): {string.Join(", ", hw.Nics.Select(n => $"{n.Name} ({n.Driver}) {n.SriovTotalVfs} VFs configured"))}";
            case Rungs.DpdkVhostUser:
                return WhyNoVhostUser(node, free, r, kind) ?? (basic ? "the basic profile has no accelerated vSwitch (RM:e.cap.019 = N for basic)" : null);
            case Rungs.KernelVirtio:
                return File.Exists("/proc/self/ns/net") ? null : "no network namespaces (/proc/self/ns/net missing)";
            case Rungs.Software:
                return null;
            case Rungs.CryptoAccelerator:
                return Device(hw, "crypto");
            case Rungs.CompressionAccelerator:
                return Device(hw, "compression");
            case Rungs.Gpu:
                return Device(hw, "gpu");
            case Rungs.Fpga:
                return Device(hw, "fpga");
            default:
                return $"unknown rung '{rung}'";
        }
    }

    /// <summary>
    /// Says why a vhost-user port cannot be realised, or null when it can: a VM's interface becomes a <c>net_vhost</c>
    /// port of a testpmd vSwitch with a <c>net_af_packet</c> port on the chain's veth (the workloads' VmRuntime), the
    /// guest's RAM shared with the switch through memfd when no huge pages are asked (<see cref="VhostUserMemory"/>).
    /// </summary>
    private static string? WhyNoVhostUser(HostNode node, Free free, ResourceRequest r, WorkloadKind? kind)
    {
        DpdkInstall dpdk = node.Scan.Dpdk;
        if (dpdk.Testpmd is null || !dpdk.Has("net", "vhost"))
        {
            return $"no DPDK vhost-user switch: dpdk-testpmd {dpdk.Testpmd ?? "absent"}, net_vhost PMD {(dpdk.Has("net", "vhost") ? "present" : "absent")}";
        }

        if (!dpdk.Has("net", "af_packet"))
        {
            return "the vhost-user switch's port on the chain needs DPDK's net_af_packet PMD, which is not installed";
        }

        if (r.HugepagesMb > 0 && free.HugepagesMb < r.HugepagesMb)
        {
            return $"vhost-user with huge-page backed guest memory: {r.HugepagesMb} MiB asked, {free.HugepagesMb} MiB of huge pages free (/sys/kernel/mm/hugepages/*/free_hugepages)";
        }

        if (!(node.Hardware.Software?.Virtualisation.Any(v => v.Technology == "QEMU") ?? false))
        {
            return "a vhost-user port is a VM's virtio-net NIC served by the switch: QEMU is not installed (qemu-system-x86_64 --version)";
        }

        return kind switch
        {
            WorkloadKind.Container => "a container's vhost-user port needs virtio-user (a DPDK application inside the container on the switch's socket), which this lab does not realise; a VM's is realised",
            WorkloadKind.VirtualMachine => "placement starts a VM paused, its interfaces veths in its namespace; a vhost-user port is realised for a booted VM by the workloads' VM runtime (a testpmd vSwitch per VM), not by placement",
            _ => null,
        };
    }

    /// <summary>Says what backs a vhost-user guest's memory on this host, for a grant's evidence.</summary>
    /// <param name="free">What is free.</param>
    /// <returns>The memory backing and why.</returns>
    internal static string VhostUserMemory(Free free) => free.HugepagesMb > 0
        ? $"{free.HugepagesMb} MiB of huge pages free; the guest's RAM is a memfd shared with the switch unless huge pages are asked"
        : "no huge pages on this host (/sys/kernel/mm/hugepages/*/free_hugepages): the guest's RAM is a memfd shared with the switch (memory-backend-memfd,share=on), enough for vhost-user to work; huge pages are the production practice for its speed";

    private static string? Device(NodeHardware hw, string kind) =>
        hw.Accelerators.Any(a => a.Kind == kind) ? null : $"no {kind} device on the host's PCI bus (/sys/bus/pci/devices/*/class)";

    private static List<ValidationError> Validate(NegotiationRequest request)
    {
        List<ValidationError> problems = [];
        if (request.Resources.Cores <= 0)
        {
            problems.Add(new ValidationError(true, $"cores = {request.Resources.Cores}: ask for at least 1.", "cores"));
        }

        if (request.Resources.MemoryMb < 0 || request.Resources.HugepagesMb < 0)
        {
            problems.Add(new ValidationError(true, "memory and huge pages cannot be negative.", "memory"));
        }

        foreach (PreferenceLadder ladder in request.Ladders)
        {
            if (ladder.Rungs.Count == 0)
            {
                problems.Add(new ValidationError(true, $"ladder '{ladder.Name}' has no rung; list at least one of {string.Join(", ", Rungs.All)}.", $"ladder {ladder.Name}"));
            }

            foreach (string rung in ladder.Rungs.Where(x => !Rungs.All.Contains(x, StringComparer.Ordinal)))
            {
                problems.Add(new ValidationError(true, $"unknown rung '{rung}' in ladder '{ladder.Name}'; known rungs: {string.Join(", ", Rungs.All)}.", $"ladder {ladder.Name}"));
            }
        }

        foreach (IGrouping<string, PreferenceLadder> dup in request.Ladders.GroupBy(l => l.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add(new ValidationError(true, $"ladder '{dup.Key}' is given {dup.Count()} times; give each connection point one ladder.", $"ladder {dup.Key}"));
        }

        return problems;
    }

    /// <summary>What is free on the host for a negotiation.</summary>
    /// <param name="DedicatedInUse">CPUs dedicated to instances.</param>
    /// <param name="SharedInUse">Shared vCPUs held.</param>
    /// <param name="MemoryMb">Memory free.</param>
    /// <param name="HugepagesMb">Huge pages free.</param>
    /// <param name="VfsInUse">VFs handed out.</param>
    internal sealed record Free(IReadOnlySet<int> DedicatedInUse, int SharedInUse, long MemoryMb, long HugepagesMb, int VfsInUse)
    {
        /// <summary>Reads what is free now.</summary>
        /// <param name="node">The host.</param>
        /// <param name="ledger">What instances hold.</param>
        /// <returns>The free resources.</returns>
        public static Free Of(HostNode node, HostLedger ledger) =>
            new(ledger.DedicatedCpus, ledger.SharedVcpus, node.Scan.MemAvailableMb - ledger.MemoryMb, node.Scan.HugepagesFreeMb - ledger.HugepagesMb, 0);
    }
}
