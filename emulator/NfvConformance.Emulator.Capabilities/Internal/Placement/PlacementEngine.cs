// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Sites;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Emulator.Capabilities.Internal.Publishing;

namespace NfvConformance.Emulator.Capabilities.Internal.Placement;

/// <summary>
/// Negotiation and placement over the live inventory. Deterministic: candidate nodes are tried in inventory order,
/// NUMA nodes in id order, and the grant is the best rung vector (lexicographic), then most wishes met, then the
/// earliest node. Placement is all-or-nothing: it works on a copy of the ledgers and commits only on success.
/// </summary>
internal sealed class PlacementEngine : INegotiation, IPlacement
{
    /// <summary>Guest memory overhead of a VM (QEMU, firmware, page tables); containers have none.</summary>
    internal const long VmOverheadMb = 256;

    private readonly Lock _gate = new();
    private readonly CapabilityPublisher _publisher;
    private readonly ISiteTopology _sites;
    private readonly Dictionary<string, NodeLedger> _ledgers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Allocation> _allocations = new(StringComparer.Ordinal);
    private readonly List<PlacedInstance> _instances = [];
    private int _sequence;
    private int _interfaceSequence;

    public PlacementEngine(CapabilityPublisher publisher, ISiteTopology sites)
    {
        _publisher = publisher;
        _sites = sites;
        foreach (NodeHardware node in publisher.Inventory.Nodes)
        {
            _ledgers[node.Id] = new NodeLedger(node);
        }
    }

    public IReadOnlyList<PlacedInstance> Instances
    {
        get
        {
            lock (_gate)
            {
                return [.. _instances];
            }
        }
    }

    public ValueTask<NegotiationResult> NegotiateAsync(NegotiationRequest request, CancellationToken cancellationToken = default) =>
        FacetCall.Completed(() => Negotiate(request), cancellationToken);

    public ValueTask<PlacementResult> PlaceAsync(PlacementRequest request, CancellationToken cancellationToken = default) =>
        FacetCall.Completed(() => Place(request), cancellationToken);

    public ValueTask<PlacementResult> PlaceAllAsync(IReadOnlyList<PlacementRequest> requests, CancellationToken cancellationToken = default) =>
        FacetCall.Completed(() => PlaceAll(requests), cancellationToken);

    public ValueTask<bool> ReleaseAsync(string instanceId, CancellationToken cancellationToken = default) =>
        FacetCall.Completed(() => Release(instanceId), cancellationToken);

    // The synchronous operations below are the model itself; the lifecycle manager calls them under its own lock.
    public NegotiationResult Negotiate(NegotiationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        List<ValidationError> problems = ValidateNegotiation(request, "request");
        if (problems.Count > 0)
        {
            return Invalid(problems);
        }

        lock (_gate)
        {
            return NegotiateCore(request, WorkloadKind.Container, _ledgers, new Dictionary<string, string>(StringComparer.Ordinal), out _);
        }
    }

    public PlacementResult Place(PlacementRequest request) => PlaceAll([request]);

    public PlacementResult PlaceAll(IReadOnlyList<PlacementRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        List<ValidationError> problems = [];
        for (int i = 0; i < requests.Count; i++)
        {
            problems.AddRange(ValidatePlacement(requests[i], requests.Count == 1 ? "request" : $"requests[{i}]"));
        }

        if (problems.Count > 0)
        {
            return new PlacementResult(false, [], [], problems);
        }

        lock (_gate)
        {
            // Copy-on-write: a node's ledger is cloned only when an instance is committed to it.
            Dictionary<string, NodeLedger> working = new(_ledgers, StringComparer.Ordinal);
            HashSet<string> cloned = new(StringComparer.Ordinal);
            List<(PlacedInstance Instance, Allocation Allocation)> placed = [];
            List<NegotiationResult> answers = [];
            int sequence = _sequence;
            int interfaces = _interfaceSequence;
            foreach (PlacementRequest request in requests)
            {
                Dictionary<string, string> excluded = Exclusions(request, placed);
                for (int i = 0; i < request.Instances; i++)
                {
                    NegotiationResult answer = NegotiateCore(request.Negotiation, request.Kind, working, excluded, out Plan? plan);
                    answers.Add(answer);
                    if (plan is null)
                    {
                        problems.Add(new ValidationError(true, $"instance {i + 1} of {request.Instances} cannot be placed: {answer.Explain()}", request.Negotiation.Vnf));
                        break;
                    }

                    if (cloned.Add(plan.Node.Id))
                    {
                        working[plan.Node.Id] = working[plan.Node.Id].Clone();
                    }

                    (PlacedInstance instance, Allocation allocation) = Commit(plan, request, working[plan.Node.Id], ref sequence, ref interfaces);
                    placed.Add((instance, allocation));
                    if (request.AntiAffinity)
                    {
                        excluded[plan.Node.Id] = $"anti-affinity: already hosts {instance.InstanceId} of {request.Negotiation.Vnf}";
                    }
                }
            }

            if (problems.Count > 0)
            {
                return new PlacementResult(false, [], answers, problems);
            }

            foreach (string id in cloned)
            {
                _ledgers[id] = working[id];
            }

            foreach ((PlacedInstance instance, Allocation allocation) in placed)
            {
                _instances.Add(instance);
                _allocations[instance.InstanceId] = allocation;
            }

            _sequence = sequence;
            _interfaceSequence = interfaces;
            PublishVfUsage(cloned, $"placed {string.Join(", ", placed.Select(p => $"{p.Instance.InstanceId} on {p.Instance.NodeId}"))}");
            return new PlacementResult(true, [.. placed.Select(p => p.Instance)], answers, [], Hops(requests, placed));
        }
    }

    private List<ChainHop> Hops(IReadOnlyList<PlacementRequest> requests, List<(PlacedInstance Instance, Allocation Allocation)> placed)
    {
        List<ChainHop> hops = [];
        List<PlacedInstance> heads = [];
        int index = 0;
        foreach (PlacementRequest request in requests)
        {
            heads.Add(placed[index].Instance);
            index += request.Instances;
        }

        for (int i = 1; i < heads.Count; i++)
        {
            if (_sites.TryFindPath(heads[i - 1].Site, heads[i].Site, out SitePath? path))
            {
                hops.Add(new ChainHop(heads[i - 1].InstanceId, heads[i].InstanceId, path!));
            }
        }

        return hops;
    }

    public bool Release(string instanceId)
    {
        lock (_gate)
        {
            if (!_allocations.Remove(instanceId, out Allocation? a))
            {
                return false;
            }

            NodeLedger ledger = _ledgers[a.NodeId];
            foreach (int core in a.PinnedCores)
            {
                ledger.Pin(core, false);
            }

            ledger.SharedVcpus -= a.SharedVcpus;
            for (int n = 0; n < a.Memory.Length; n++)
            {
                ledger.MemoryUsed[n] -= a.Memory[n];
                ledger.HugepagesUsed[n] -= a.Hugepages[n];
            }

            foreach ((string pci, int vf) in a.Vfs)
            {
                ledger.Vfs[pci][vf] = false;
            }

            _instances.RemoveAll(i => i.InstanceId == instanceId);
            PublishVfUsage([a.NodeId], $"released {instanceId} on {a.NodeId}");
            return true;
        }
    }

    internal static List<ValidationError> ValidateNegotiation(NegotiationRequest r, string path)
    {
        List<ValidationError> errors = [];
        if (string.IsNullOrWhiteSpace(r.Vnf))
        {
            errors.Add(new ValidationError(true, "the VNF name is empty; name it.", $"{path}.vnf"));
        }

        if (r.Resources.Cores < 1)
        {
            errors.Add(new ValidationError(true, $"cores = {r.Resources.Cores}; ask for at least 1.", $"{path}.resources.cores"));
        }

        if (r.Resources.MemoryMb < 0 || r.Resources.HugepagesMb < 0)
        {
            errors.Add(new ValidationError(true, $"memory {r.Resources.MemoryMb} MiB / huge pages {r.Resources.HugepagesMb} MiB; neither may be negative.", $"{path}.resources"));
        }

        HashSet<string> names = new(StringComparer.Ordinal);
        for (int i = 0; i < r.Ladders.Count; i++)
        {
            PreferenceLadder ladder = r.Ladders[i];
            string lp = $"{path}.ladders[{i}]";
            if (!names.Add(ladder.Name))
            {
                errors.Add(new ValidationError(true, $"ladder '{ladder.Name}' appears twice; ladder names must be unique.", lp));
            }

            if (ladder.Rungs.Count == 0)
            {
                errors.Add(new ValidationError(true, $"ladder '{ladder.Name}' has no rungs; list at least one of: {string.Join(", ", Rungs.All)}.", lp));
            }

            foreach (string rung in ladder.Rungs)
            {
                if (!Rungs.All.Contains(rung))
                {
                    errors.Add(new ValidationError(true, $"unknown rung '{rung}' in ladder '{ladder.Name}'; known rungs: {string.Join(", ", Rungs.All)}.", lp));
                }
            }
        }

        if (r.Profile is not null && Profiles.CatalogueKey(r.Profile) is null)
        {
            errors.Add(new ValidationError(true, $"unknown profile '{r.Profile}'; use one of: {string.Join(", ", Profiles.All)}.", $"{path}.profile"));
        }

        return errors;
    }

    private List<ValidationError> ValidatePlacement(PlacementRequest r, string path)
    {
        List<ValidationError> errors = ValidateNegotiation(r.Negotiation, $"{path}.negotiation");
        if (r.Instances < 1)
        {
            errors.Add(new ValidationError(true, $"instances = {r.Instances}; place at least 1.", $"{path}.instances"));
        }

        if (r.MaxLatencyMs is not null && r.NearSite is null)
        {
            errors.Add(new ValidationError(true, "max latency is set without a site to measure it from; set NearSite.", $"{path}.nearSite"));
        }

        foreach ((string? site, string field) in new[] { (r.NearSite, "nearSite"), (r.Negotiation.Site, "negotiation.site") })
        {
            if (site is not null && !_sites.Sites.Any(s => s.Name == site))
            {
                errors.Add(new ValidationError(true, $"unknown site '{site}'; known: {string.Join(", ", _sites.Sites.Select(s => s.Name))}.", $"{path}.{field}"));
            }
        }

        return errors;
    }

    private static NegotiationResult Invalid(List<ValidationError> problems) => new(false, null, null, [], [], [], [], problems);

    private Dictionary<string, string> Exclusions(PlacementRequest request, List<(PlacedInstance Instance, Allocation Allocation)> pending)
    {
        Dictionary<string, string> excluded = new(StringComparer.Ordinal);
        if (request.NearSite is not null && request.MaxLatencyMs is double limit)
        {
            foreach (NodeHardware node in _publisher.Inventory.Nodes)
            {
                if (!_sites.TryFindPath(request.NearSite, node.Site, out SitePath? path))
                {
                    excluded[node.Id] = $"site {node.Site} has no WAN path to {request.NearSite}";
                }
                else if (path!.LatencyMs > limit)
                {
                    excluded[node.Id] = string.Create(CultureInfo.InvariantCulture, $"site {node.Site} is {path.LatencyMs} ms from {request.NearSite}, limit {limit} ms");
                }
            }
        }

        foreach (string avoided in request.AvoidNodes ?? [])
        {
            excluded.TryAdd(avoided, "the request avoids this node");
        }

        if (request.AntiAffinity)
        {
            foreach (PlacedInstance i in _instances.Concat(pending.Select(p => p.Instance)))
            {
                if (i.Vnf == request.Negotiation.Vnf)
                {
                    excluded.TryAdd(i.NodeId, $"anti-affinity: already hosts {i.InstanceId} of {i.Vnf}");
                }
            }
        }

        return excluded;
    }

    private sealed record LadderPlan(PreferenceLadder Ladder, int RungIndex, string? Rung, NicInfo? Nic, AcceleratorInfo? Accelerator, List<RungRefusal> Refused);

    private sealed record Plan(NodeHardware Node, int NodeOrder, int? NumaIndex, List<LadderPlan> Ladders, List<string> WishesMet, List<string> WishesUnmet)
    {
        public int CompareTo(Plan other)
        {
            for (int i = 0; i < Ladders.Count; i++)
            {
                int a = Ladders[i].RungIndex < 0 ? int.MaxValue : Ladders[i].RungIndex;
                int b = other.Ladders[i].RungIndex < 0 ? int.MaxValue : other.Ladders[i].RungIndex;
                if (a != b)
                {
                    return a.CompareTo(b);
                }
            }

            int wishes = other.WishesMet.Count.CompareTo(WishesMet.Count);
            return wishes != 0 ? wishes : NodeOrder.CompareTo(other.NodeOrder);
        }
    }

    private NegotiationResult NegotiateCore(
        NegotiationRequest request,
        WorkloadKind kind,
        Dictionary<string, NodeLedger> ledgers,
        Dictionary<string, string> excluded,
        out Plan? chosen)
    {
        // Pass 1 decides without formatting any text; explanations are built afterwards only where they are shown.
        chosen = null;
        CapabilitySnapshot snapshot = _publisher.Current;
        IReadOnlyList<NodeHardware> nodes = _publisher.Inventory.Nodes;
        List<int> failed = [];
        List<UnmetRequirement> scratch = [];
        for (int order = 0; order < nodes.Count; order++)
        {
            scratch.Clear();
            Plan? plan = excluded.ContainsKey(nodes[order].Id)
                ? null
                : Evaluate(request, kind, nodes[order], order, Published(snapshot, nodes[order], order), ledgers[nodes[order].Id], scratch, explain: false);
            if (plan is null)
            {
                failed.Add(order);
            }
            else if (chosen is null || plan.CompareTo(chosen) < 0)
            {
                chosen = plan;
            }
        }

        if (chosen is null)
        {
            List<UnmetRequirement> unmet = [];
            for (int order = 0; order < nodes.Count; order++)
            {
                unmet.AddRange(Explain(request, kind, nodes[order], order, snapshot, ledgers, excluded));
            }

            return new NegotiationResult(false, null, null, [], [], [], unmet, []);
        }

        List<UnmetRequirement> ignored = [];
        chosen = Evaluate(request, kind, chosen.Node, chosen.NodeOrder, Published(snapshot, chosen.Node, chosen.NodeOrder), ledgers[chosen.Node.Id], ignored, explain: true)!;
        List<LadderGrant> grants = [];
        foreach (LadderPlan lp in chosen.Ladders)
        {
            List<RungRefusal> refused = [];
            foreach (RungRefusal r in lp.Refused)
            {
                string elsewhere = WhyNotElsewhere(r.Rung, request, kind, snapshot, ledgers, excluded, failed);
                refused.Add(elsewhere.Length == 0 ? r : r with { Reason = $"{r.Reason}; {elsewhere}" });
            }

            grants.Add(new LadderGrant(lp.Ladder.Name, lp.Rung, lp.RungIndex, refused));
        }

        int? numaId = chosen.NumaIndex is int ni ? chosen.Node.Numa[ni].Id : null;
        return new NegotiationResult(true, chosen.Node.Id, numaId, grants, chosen.WishesMet, chosen.WishesUnmet, [], []);
    }

    private static NodeCapabilities Published(CapabilitySnapshot snapshot, NodeHardware node, int order) =>
        order < snapshot.Nodes.Count && snapshot.Nodes[order].Id == node.Id ? snapshot.Nodes[order] : snapshot.FindNode(node.Id)!;

    private static List<UnmetRequirement> Explain(
        NegotiationRequest request, WorkloadKind kind, NodeHardware node, int order, CapabilitySnapshot snapshot, Dictionary<string, NodeLedger> ledgers, Dictionary<string, string> excluded)
    {
        List<UnmetRequirement> unmet = [];
        if (excluded.TryGetValue(node.Id, out string? why))
        {
            unmet.Add(new UnmetRequirement(node.Id, "placement constraint", why));
        }

        Evaluate(request, kind, node, order, Published(snapshot, node, order), ledgers[node.Id], unmet, explain: true);
        return unmet;
    }

    /// <summary>Names up to three nodes that offer a refused rung but failed something else; the rest are counted.</summary>
    private string WhyNotElsewhere(
        string rung, NegotiationRequest request, WorkloadKind kind, CapabilitySnapshot snapshot, Dictionary<string, NodeLedger> ledgers, Dictionary<string, string> excluded, List<int> failed)
    {
        const int Named = 3;
        List<string> others = [];
        int more = 0;
        IReadOnlyList<NodeHardware> nodes = _publisher.Inventory.Nodes;
        foreach (int order in failed)
        {
            NodeHardware node = nodes[order];
            if (!TryRung(rung, node, ledgers[node.Id], request, null, null, out _, out _, out _, explain: false))
            {
                continue;
            }

            if (others.Count == Named)
            {
                more++;
                continue;
            }

            UnmetRequirement first = Explain(request, kind, node, order, snapshot, ledgers, excluded)[0];
            others.Add($"{node.Id} offers it but fails {first.Requirement} ({first.Reason})");
        }

        if (more > 0)
        {
            others.Add($"{more} more node(s) offer it but fail other requirements");
        }

        return string.Join("; ", others);
    }

    private static Plan? Evaluate(NegotiationRequest r, WorkloadKind kind, NodeHardware node, int order, NodeCapabilities published, NodeLedger ledger, List<UnmetRequirement> unmet, bool explain)
    {
        if (r.Profile is not null && node.Profile != r.Profile)
        {
            unmet.Add(new UnmetRequirement(node.Id, "profile", explain ? $"node is {node.Profile}, {r.Profile} asked" : string.Empty));
        }

        if (r.Site is not null && node.Site != r.Site)
        {
            unmet.Add(new UnmetRequirement(node.Id, "site", explain ? $"node stands in {node.Site}, {r.Site} asked" : string.Empty));
        }

        foreach (string ext in r.Extensions ?? [])
        {
            if (!node.Extensions.Contains(ext, StringComparer.OrdinalIgnoreCase))
            {
                unmet.Add(new UnmetRequirement(node.Id, $"extension {ext}", explain ? $"not carried; node carries: {(node.Extensions.Count == 0 ? "none" : string.Join(", ", node.Extensions))}" : string.Empty));
            }
        }

        foreach (string cap in r.RequiredCapabilities ?? [])
        {
            if (!published.Offers(cap))
            {
                string said = !explain ? string.Empty : published.Capabilities.TryGetValue(cap, out CapabilityValue? v) ? $"published '{v.Raw}' ({v.Source})" : "not published";
                unmet.Add(new UnmetRequirement(node.Id, cap, said));
            }
        }

        if (r.Resources.DedicatedCores && !node.Cpu.PinningSupported)
        {
            unmet.Add(new UnmetRequirement(node.Id, "dedicated cores", "the node does not support CPU pinning"));
        }

        Plan? best = null;
        List<UnmetRequirement> candidateUnmet = [];
        int candidates = r.Resources.NumaAligned ? node.Numa.Count : 1;
        for (int c = 0; c < candidates; c++)
        {
            int? numa = r.Resources.NumaAligned ? c : null;
            string where = numa is null || !explain ? string.Empty : $"NUMA {node.Numa[c].Id}: ";
            List<UnmetRequirement> local = [];
            CheckResources(r, kind, node, ledger, numa, where, local, explain);
            Dictionary<string, int>? vfDemand = null;
            List<LadderPlan> ladders = [];
            foreach (PreferenceLadder ladder in r.Ladders)
            {
                List<RungRefusal> refused = [];
                LadderPlan? granted = null;
                for (int i = 0; i < ladder.Rungs.Count && granted is null; i++)
                {
                    if (TryRung(ladder.Rungs[i], node, ledger, r, numa, vfDemand, out NicInfo? nic, out AcceleratorInfo? acc, out string reason, explain))
                    {
                        granted = new LadderPlan(ladder, i, ladder.Rungs[i], nic, acc, refused);
                        if (nic is not null && UsesVf(ladder.Rungs[i]))
                        {
                            vfDemand ??= new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                            vfDemand[nic.PciAddress] = vfDemand.GetValueOrDefault(nic.PciAddress) + 1;
                        }
                    }
                    else
                    {
                        refused.Add(new RungRefusal(ladder.Rungs[i], reason));
                    }
                }

                if (granted is null && ladder.Required)
                {
                    local.Add(new UnmetRequirement(node.Id, $"ladder {ladder.Name}", explain ? where + string.Join("; ", refused.Select(x => $"{x.Rung}: {x.Reason}")) : string.Empty));
                }

                ladders.Add(granted ?? new LadderPlan(ladder, -1, null, null, null, refused));
            }

            if (local.Count > 0)
            {
                candidateUnmet.AddRange(local);
                continue;
            }

            List<string> met = [];
            List<string> missed = [];
            foreach (string wish in r.Wishes ?? [])
            {
                (published.Offers(wish) ? met : missed).Add(wish);
            }

            Plan plan = new(node, order, numa, ladders, met, missed);
            if (best is null || plan.CompareTo(best) < 0)
            {
                best = plan;
            }
        }

        if (best is null)
        {
            unmet.AddRange(candidateUnmet);
        }

        return unmet.Count == 0 ? best : null;
    }

    private static void CheckResources(NegotiationRequest r, WorkloadKind kind, NodeHardware node, NodeLedger ledger, int? numa, string where, List<UnmetRequirement> unmet, bool explain)
    {
        ResourceRequest res = r.Resources;
        if (res.DedicatedCores)
        {
            if (node.Cpu.PinningSupported)
            {
                int free = NodeLayout.FreeCoreCount(node, ledger, numa);
                if (free < res.Cores)
                {
                    unmet.Add(new UnmetRequirement(node.Id, "cores", explain ? $"{where}{free} free dedicated cores, {res.Cores} requested" : string.Empty));
                }
            }
        }
        else
        {
            int free = NodeLayout.FreeSharedVcpus(node, ledger);
            if (free < res.Cores)
            {
                unmet.Add(new UnmetRequirement(node.Id, "vcpus", explain ? $"{free} free shared vCPUs, {res.Cores} requested" : string.Empty));
            }
        }

        long memory = res.MemoryMb + (kind == WorkloadKind.VirtualMachine ? VmOverheadMb : 0);
        long freeMemory = 0;
        long freeHuge = 0;
        for (int i = 0; i < node.Numa.Count; i++)
        {
            if (numa is null || numa == i)
            {
                freeMemory += NodeLayout.FreeMemory(node, ledger, i);
                freeHuge += NodeLayout.FreeHugepages(node, ledger, i);
            }
        }

        if (freeMemory < memory)
        {
            unmet.Add(new UnmetRequirement(node.Id, "memory", explain ? $"{where}{freeMemory} MiB free, {memory} MiB requested{(kind == WorkloadKind.VirtualMachine ? $" ({VmOverheadMb} MiB VM overhead included)" : string.Empty)}" : string.Empty));
        }

        if (res.HugepagesMb > 0)
        {
            if (freeHuge < res.HugepagesMb)
            {
                unmet.Add(new UnmetRequirement(node.Id, "hugepages", explain ? $"{where}{freeHuge} MiB of huge pages free, {res.HugepagesMb} MiB requested" : string.Empty));
            }
        }
    }

    private static bool UsesVf(string rung) => rung is Rungs.SriovVf or Rungs.SmartNicOffload;

    private static bool TryRung(
        string rung,
        NodeHardware node,
        NodeLedger ledger,
        NegotiationRequest r,
        int? numa,
        Dictionary<string, int>? vfDemand,
        out NicInfo? nic,
        out AcceleratorInfo? accelerator,
        out string reason,
        bool explain)
    {
        nic = null;
        accelerator = null;
        int? numaId = numa is int ni ? node.Numa[ni].Id : null;
        switch (rung)
        {
            case Rungs.SmartNicOffload:
                return TryNic(node, n => n.SmartNic, "SmartNIC", needsVf: true, ledger, numaId, vfDemand, out nic, out reason, explain);
            case Rungs.SriovVf:
                return TryNic(node, n => n.SriovTotalVfs > 0, "SR-IOV capable NIC", needsVf: true, ledger, numaId, vfDemand, out nic, out reason, explain);
            case Rungs.DpdkVhostUser:
                if (r.Resources.HugepagesMb <= 0)
                {
                    reason = explain ? "vhost-user needs huge-page backed guest memory; the request asks 0 MiB of huge pages" : string.Empty;
                    return false;
                }

                return TryNic(node, n => n.DpdkBound, "DPDK-bound port", needsVf: false, ledger, numaId: numaId, vfDemand, out nic, out reason, explain);
            case Rungs.KernelVirtio:
                // The kernel path crosses NUMA nodes anyway, so alignment is not asked of it.
                return TryNic(node, _ => true, "NIC", needsVf: false, ledger, numaId: null, vfDemand, out nic, out reason, explain);
            case Rungs.Software:
                reason = string.Empty;
                return true;
            default:
                string kind = rung switch
                {
                    Rungs.CryptoAccelerator => "crypto",
                    Rungs.CompressionAccelerator => "compression",
                    _ => rung,
                };
                foreach (AcceleratorInfo a in node.Accelerators)
                {
                    if (a.Kind == kind && (numaId is null || a.NumaNode == numaId))
                    {
                        accelerator = a;
                        reason = string.Empty;
                        return true;
                    }
                }

                AcceleratorInfo? far = node.Accelerators.FirstOrDefault(a => a.Kind == kind);
                reason = !explain ? string.Empty : far is null ? $"no {kind} accelerator on {node.Id}" : $"{kind} accelerator {far.Name} is on NUMA {far.NumaNode}, not NUMA {numaId}";
                return false;
        }
    }

    private static bool TryNic(
        NodeHardware node,
        Func<NicInfo, bool> kind,
        string what,
        bool needsVf,
        NodeLedger ledger,
        int? numaId,
        Dictionary<string, int>? vfDemand,
        out NicInfo? chosen,
        out string reason,
        bool explain)
    {
        chosen = null;
        List<string>? reasons = explain ? [] : null;
        // Plain SR-IOV prefers ordinary NICs, keeping SmartNIC VFs for offload.
        bool smartNicsLast = what != "SmartNIC";
        for (int pass = 0; pass < (smartNicsLast ? 2 : 1); pass++)
        {
            foreach (NicInfo n in node.Nics)
            {
                if (!kind(n) || (smartNicsLast && n.SmartNic != (pass == 1)))
                {
                    continue;
                }

                if (!n.LinkUp)
                {
                    reasons?.Add($"{n.Name} link down");
                }
                else if (numaId is not null && n.NumaNode != numaId)
                {
                    reasons?.Add($"{n.Name} is on NUMA {n.NumaNode}, not NUMA {numaId}");
                }
                else if (needsVf && ledger.FreeVfs(n) - (vfDemand?.GetValueOrDefault(n.PciAddress) ?? 0) <= 0)
                {
                    reasons?.Add($"{n.Name} has no free VF ({ledger.UsedVfs(n)}/{n.SriovTotalVfs} used)");
                }
                else
                {
                    chosen = n;
                    reason = string.Empty;
                    return true;
                }
            }
        }

        reason = reasons is null ? string.Empty : reasons.Count == 0 ? $"no {what} on {node.Id}" : string.Join(", ", reasons);
        return false;
    }

    private (PlacedInstance Instance, Allocation Allocation) Commit(Plan plan, PlacementRequest request, NodeLedger ledger, ref int sequence, ref int interfaceSequence)
    {
        NodeHardware node = plan.Node;
        ResourceRequest res = request.Negotiation.Resources;
        List<int> pinned = [];
        int shared = 0;
        if (res.DedicatedCores)
        {
            pinned = NodeLayout.FreeCores(node, ledger, plan.NumaIndex).GetRange(0, res.Cores);
            foreach (int core in pinned)
            {
                ledger.Pin(core, true);
            }
        }
        else
        {
            shared = res.Cores;
            ledger.SharedVcpus += shared;
        }

        long memory = res.MemoryMb + (request.Kind == WorkloadKind.VirtualMachine ? VmOverheadMb : 0);
        long[] memoryTaken = Take(node.Numa.Count, plan.NumaIndex, memory, i => NodeLayout.FreeMemory(node, ledger, i));
        long[] hugeTaken = Take(node.Numa.Count, plan.NumaIndex, res.HugepagesMb, i => NodeLayout.FreeHugepages(node, ledger, i));
        for (int i = 0; i < node.Numa.Count; i++)
        {
            ledger.MemoryUsed[i] += memoryTaken[i];
            ledger.HugepagesUsed[i] += hugeTaken[i];
        }

        string instanceId = $"{request.Negotiation.Vnf}-{++sequence}";
        int siteIndex = Math.Max(0, _sites.Sites.ToList().FindIndex(s => s.Name == node.Site));
        List<AttachedInterface> interfaces = [];
        Dictionary<string, string> accelerators = new(StringComparer.Ordinal);
        List<(string, int)> vfs = [];
        foreach (LadderPlan lp in plan.Ladders)
        {
            if (lp.Rung is null)
            {
                continue;
            }

            if (lp.Accelerator is not null || lp.Rung == Rungs.Software)
            {
                accelerators[lp.Ladder.Name] = lp.Accelerator is null ? lp.Rung : $"{lp.Rung} {lp.Accelerator.Name} ({lp.Accelerator.PciAddress})";
                continue;
            }

            int n = ++interfaceSequence;
            string mac = string.Create(CultureInfo.InvariantCulture, $"02:4e:46:{(n >> 16) & 0xff:x2}:{(n >> 8) & 0xff:x2}:{n & 0xff:x2}");
            int host = ((n - 1) % 254) + 1;
            string ip = string.Create(CultureInfo.InvariantCulture, $"10.{siteIndex}.{((n - 1) / 254) & 0xff}.{host}");
            int? vf = null;
            string port;
            if (UsesVf(lp.Rung))
            {
                bool[] pool = ledger.Vfs[lp.Nic!.PciAddress];
                int index = Array.IndexOf(pool, false);
                pool[index] = true;
                vf = index;
                vfs.Add((lp.Nic.PciAddress, index));
                port = string.Create(CultureInfo.InvariantCulture, $"vf{lp.Nic.PciAddress}-{index}");
            }
            else
            {
                port = lp.Rung == Rungs.DpdkVhostUser
                    ? string.Create(CultureInfo.InvariantCulture, $"vhu{n}")
                    : string.Create(CultureInfo.InvariantCulture, $"tap{n}");
            }

            interfaces.Add(new AttachedInterface(lp.Ladder.Name, lp.Rung, lp.Nic?.PciAddress, vf, mac, ip, port));
        }

        int? numaId = plan.NumaIndex is int ni ? node.Numa[ni].Id : null;
        PlacedInstance instance = new(instanceId, request.Negotiation.Vnf, request.Kind, node.Id, node.Site, numaId, pinned, res.Cores, memory, res.HugepagesMb, interfaces, accelerators);
        return (instance, new Allocation(node.Id, pinned, shared, memoryTaken, hugeTaken, vfs));
    }

    private static long[] Take(int numaCount, int? numa, long amount, Func<int, long> free)
    {
        long[] taken = new long[numaCount];
        if (numa is int n)
        {
            taken[n] = amount;
            return taken;
        }

        // Spread over the NUMA nodes with the most free first; ties by id order.
        foreach (int i in Enumerable.Range(0, numaCount).OrderByDescending(free).ThenBy(i => i))
        {
            long part = Math.Min(amount, Math.Max(0, free(i)));
            taken[i] = part;
            amount -= part;
        }

        return taken;
    }

    private void PublishVfUsage(IReadOnlyCollection<string> touched, string reason)
    {
        _publisher.Update(
            inv =>
            {
                HardwareInventory next = inv;
                foreach (NodeHardware node in inv.Nodes)
                {
                    if (!touched.Contains(node.Id))
                    {
                        continue;
                    }

                    NodeLedger ledger = _ledgers[node.Id];
                    bool changed = false;
                    NicInfo[] nics = [.. node.Nics];
                    for (int i = 0; i < nics.Length; i++)
                    {
                        int used = ledger.UsedVfs(nics[i]);
                        if (used != nics[i].SriovUsedVfs)
                        {
                            nics[i] = nics[i] with { SriovUsedVfs = used };
                            changed = true;
                        }
                    }

                    if (changed)
                    {
                        next = CapabilityPublisher.ReplaceNode(next, node with { Nics = nics });
                    }
                }

                return next;
            },
            reason);
    }

    private sealed record Allocation(string NodeId, List<int> PinnedCores, int SharedVcpus, long[] Memory, long[] Hugepages, List<(string Pci, int Vf)> Vfs);
}
