// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Running;
using NfvConformance.Suites.Support;

namespace NfvConformance.Suites.Drivers;

/// <summary>Places workloads on the target and checks where and how they landed; releases them when the scenario ends.</summary>
public sealed class PlacementDriver
{
    private readonly RunContext _run;
    private readonly NegotiationDriver _negotiation;
    private readonly ScenarioEvidence _evidence;
    private readonly List<PlacementRequest> _pending = [];
    private readonly List<PlacedInstance> _placed = [];
    private PlacementResult? _result;
    private int _committedBefore;

    /// <summary>Creates the driver for one scenario.</summary>
    /// <param name="run">The run.</param>
    /// <param name="negotiation">The scenario's request builder.</param>
    /// <param name="evidence">The scenario's evidence.</param>
    /// <param name="teardown">Releases the scenario's instances when it ends.</param>
    public PlacementDriver(RunContext run, NegotiationDriver negotiation, ScenarioEvidence evidence, ScenarioTeardown teardown)
    {
        ArgumentNullException.ThrowIfNull(teardown);
        _run = run;
        _negotiation = negotiation;
        _evidence = evidence;
        teardown.Add(ReleaseLeftoverAsync);
    }

    /// <summary>Gets the last placement result.</summary>
    public PlacementResult Result => _result ?? throw new ConformanceCheckException("Nothing was placed in this scenario: add a 'When the target places ...' step.");

    /// <summary>Adds a workload of one interface ladder to the set placed together.</summary>
    /// <param name="kind"><c>VM</c> or <c>container</c>.</param>
    /// <param name="name">The workload's name.</param>
    /// <param name="ladder">Its network ladder, best first.</param>
    public void AddWorkload(string kind, string name, string ladder)
    {
        WorkloadKind k = ParseKind(kind);
        _pending.Add(new PlacementRequest(
            new NegotiationRequest(name, new ResourceRequest(1, 1024), [new PreferenceLadder("data0", [.. ladder.Split(['>', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)])]),
            k));
    }

    /// <summary>Places instances of the scenario's request.</summary>
    /// <param name="count">How many instances.</param>
    /// <param name="kind"><c>VM</c> or <c>container</c>.</param>
    /// <param name="antiAffinity">Whether instances must land on different nodes.</param>
    /// <param name="nearSite">A site the instances must stay close to.</param>
    /// <param name="maxLatencyMs">The WAN latency budget from that site.</param>
    /// <returns>A task that completes when the target answered.</returns>
    public Task PlaceAsync(int count, string kind, bool antiAffinity = false, string? nearSite = null, double? maxLatencyMs = null)
    {
        _pending.Add(new PlacementRequest(_negotiation.BuildRequest(), ParseKind(kind), count, antiAffinity, nearSite, maxLatencyMs));
        return PlaceAllAsync();
    }

    /// <summary>Places every pending workload together, all or nothing.</summary>
    /// <returns>A task that completes when the target answered.</returns>
    public async Task PlaceAllAsync()
    {
        IPlacement placement = TargetFacets.Require<IPlacement>(_run);
        _committedBefore = placement.Instances.Count;
        _result = _pending.Count == 1 ? await placement.PlaceAsync(_pending[0]).ConfigureAwait(false) : await placement.PlaceAllAsync([.. _pending]).ConfigureAwait(false);
        _pending.Clear();
        if (_result.Succeeded)
        {
            _placed.AddRange(_result.Instances);
        }

        _evidence.Record(new("instances_placed", _result.Instances.Count, "instances"));
    }

    /// <summary>Checks that placement succeeded with the given number of instances.</summary>
    /// <param name="count">The expected number.</param>
    public void CheckPlaced(int count)
    {
        Check.That(Result.Succeeded, $"Placement failed: {string.Join("; ", Result.Problems)} {string.Join("; ", Result.Negotiations.Select(n => n.Explain()))}");
        Check.That(Result.Instances.Count == count, $"{Result.Instances.Count} instance(s) placed, expected {count}.");
    }

    /// <summary>Checks that placement failed and committed nothing.</summary>
    public void CheckNothingCommitted()
    {
        Check.That(!Result.Succeeded, $"Placement succeeded on {string.Join(", ", Result.Instances.Select(i => i.NodeId))}, expected a failure.");
        Check.That(Result.Problems.Count > 0 || Result.Negotiations.Any(n => !n.Granted), "The failure gives no reason.");
        int now = TargetFacets.Require<IPlacement>(_run).Instances.Count;
        Check.That(now == _committedBefore, $"A failed placement left {now - _committedBefore} instance(s) committed.");
    }

    /// <summary>Checks that the placed instances include both kinds.</summary>
    public void CheckBothKinds()
    {
        Check.That(Result.Instances.Any(i => i.Kind == WorkloadKind.VirtualMachine) && Result.Instances.Any(i => i.Kind == WorkloadKind.Container),
            $"Expected VMs and containers, placed: {string.Join(", ", Result.Instances.Select(i => $"{i.InstanceId} {i.Kind}"))}.");
    }

    /// <summary>Checks that every placed interface has a MAC, an IP and a port, all distinct across the target's instances.</summary>
    public void CheckInterfacesAddressed()
    {
        foreach (PlacedInstance i in Result.Instances)
        {
            Check.That(i.Interfaces.Count > 0, $"{i.InstanceId} got no network interface.");
            foreach (AttachedInterface a in i.Interfaces)
            {
                Check.That(a.Mac.Length > 0 && a.Ip.Length > 0 && a.Port.Length > 0, $"{i.InstanceId}/{a.Name}: MAC '{a.Mac}', IP '{a.Ip}', port '{a.Port}': each must be set.");
            }
        }

        List<AttachedInterface> all = [.. TargetFacets.Require<IPlacement>(_run).Instances.SelectMany(i => i.Interfaces)];
        List<string> dupIps = [.. all.GroupBy(a => a.Ip).Where(g => g.Count() > 1).Select(g => g.Key)];
        List<string> dupMacs = [.. all.GroupBy(a => a.Mac).Where(g => g.Count() > 1).Select(g => g.Key)];
        _evidence.Record(new("interfaces_on_target", all.Count, "interfaces"));
        Check.That(dupIps.Count == 0 && dupMacs.Count == 0, $"Addresses handed out twice across the target: IPs [{string.Join(", ", dupIps)}], MACs [{string.Join(", ", dupMacs)}].");
    }

    /// <summary>Checks how many interfaces each placed instance got.</summary>
    /// <param name="count">The expected number per instance.</param>
    public void CheckInterfacesPerInstance(int count)
    {
        foreach (PlacedInstance i in Result.Instances)
        {
            _evidence.Record(new($"interfaces:{i.InstanceId}", i.Interfaces.Count, "interfaces"));
            Check.That(i.Interfaces.Count == count, $"{i.InstanceId} got {i.Interfaces.Count} interface(s), expected {count}.");
        }
    }

    /// <summary>Checks that each instance's interfaces use the rung.</summary>
    /// <param name="rung">The rung.</param>
    public void CheckEveryInterfaceUses(string rung)
    {
        foreach (PlacedInstance i in Result.Instances)
        {
            foreach (AttachedInterface a in i.Interfaces)
            {
                Check.That(a.Rung == rung, $"{i.InstanceId}/{a.Name} uses '{a.Rung}', expected '{rung}'.");
            }
        }
    }

    /// <summary>Checks that each VF-backed interface names its NIC's PCI address and a VF index the NIC has.</summary>
    public void CheckVirtualFunctionsAssigned()
    {
        int checkedCount = 0;
        foreach (PlacedInstance i in Result.Instances)
        {
            NodeHardware hw = HardwareOf(i.NodeId);
            foreach (AttachedInterface a in i.Interfaces.Where(a => a.VfIndex is not null))
            {
                NicInfo? nic = hw.Nics.FirstOrDefault(n => n.PciAddress == a.NicPci);
                Check.That(nic is not null, $"{i.InstanceId}/{a.Name} names NIC {a.NicPci}, which {i.NodeId} does not have.");
                Check.That(a.VfIndex >= 0 && a.VfIndex < nic.SriovTotalVfs, $"{i.InstanceId}/{a.Name} got VF {a.VfIndex} of {nic.Name}, which has {nic.SriovTotalVfs} VFs.");
                checkedCount++;
            }
        }

        Check.That(checkedCount > 0, "No interface is backed by a virtual function.");
    }

    /// <summary>Checks that dedicated cores are pinned: as many as vCPUs, never shared between instances on a node, never the reserved ones.</summary>
    public void CheckCoresPinned()
    {
        foreach (PlacedInstance i in Result.Instances)
        {
            Check.That(i.PinnedCores.Count == i.Vcpus, $"{i.InstanceId} has {i.Vcpus} vCPUs but {i.PinnedCores.Count} pinned cores.");
        }

        foreach (IGrouping<string, PlacedInstance> node in TargetFacets.Require<IPlacement>(_run).Instances.GroupBy(i => i.NodeId))
        {
            List<int> shared = [.. node.SelectMany(i => i.PinnedCores).GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key)];
            Check.That(shared.Count == 0, $"On {node.Key}, cores [{string.Join(", ", shared)}] are pinned to more than one instance.");
        }

        foreach (PlacedInstance i in Result.Instances)
        {
            NodeHardware hw = HardwareOf(i.NodeId);
            int first = 0;
            foreach (NumaNodeInfo numa in hw.Numa)
            {
                int reservedEnd = first + hw.Cpu.ReservedCoresPerNuma;
                List<int> reserved = [.. i.PinnedCores.Where(c => c >= first && c < reservedEnd)];
                Check.That(reserved.Count == 0, $"{i.InstanceId} is pinned to cores [{string.Join(", ", reserved)}], reserved for the infrastructure on NUMA {numa.Id}.");
                first += numa.Cores;
            }
        }
    }

    /// <summary>Checks that each instance sits on one NUMA node with its cores and its NIC-backed interfaces on that node.</summary>
    public void CheckNumaLocal()
    {
        foreach (PlacedInstance i in Result.Instances)
        {
            Check.That(i.NumaNode is not null, $"{i.InstanceId} names no NUMA node.");
            NodeHardware hw = HardwareOf(i.NodeId);
            int first = hw.Numa.TakeWhile(n => n.Id != i.NumaNode).Sum(n => n.Cores);
            int last = first + hw.Numa.First(n => n.Id == i.NumaNode).Cores;
            List<int> remote = [.. i.PinnedCores.Where(c => c < first || c >= last)];
            Check.That(remote.Count == 0, $"{i.InstanceId} is on NUMA {i.NumaNode} but pinned to cores [{string.Join(", ", remote)}] of another NUMA node.");
            foreach (AttachedInterface a in i.Interfaces.Where(a => a.NicPci is not null))
            {
                NicInfo? nic = hw.Nics.FirstOrDefault(n => n.PciAddress == a.NicPci);
                Check.That(nic is not null && nic.NumaNode == i.NumaNode, $"{i.InstanceId}/{a.Name} uses NIC {a.NicPci} on NUMA {nic?.NumaNode}, not the instance's NUMA {i.NumaNode}.");
            }
        }
    }

    /// <summary>Checks that each instance got the huge pages asked.</summary>
    /// <param name="mib">The huge-page memory per instance.</param>
    public void CheckHugepages(long mib)
    {
        foreach (PlacedInstance i in Result.Instances)
        {
            Check.That(i.HugepagesMb == mib, $"{i.InstanceId} got {i.HugepagesMb} MiB of huge pages, expected {mib}.");
        }
    }

    /// <summary>Checks that the instances landed on pairwise different nodes.</summary>
    public void CheckDistinctNodes()
    {
        List<string> nodes = [.. Result.Instances.Select(i => i.NodeId)];
        Check.That(nodes.Distinct(StringComparer.Ordinal).Count() == nodes.Count, $"Anti-affine instances share nodes: {string.Join(", ", nodes)}.");
    }

    /// <summary>Checks that every instance stands at a site.</summary>
    /// <param name="site">The site.</param>
    public void CheckAtSite(string site)
    {
        foreach (PlacedInstance i in Result.Instances)
        {
            Check.That(i.Site == site, $"{i.InstanceId} stands at {i.Site} on {i.NodeId}, expected {site}.");
        }
    }

    /// <summary>Checks that every instance stands on a node carrying an extension.</summary>
    /// <param name="extension">The extension.</param>
    public void CheckOnExtension(string extension)
    {
        foreach (PlacedInstance i in Result.Instances)
        {
            NodeCapabilities node = _run.Capabilities.FindNode(i.NodeId)!;
            Check.That(node.Extensions.Contains(extension, StringComparer.OrdinalIgnoreCase), $"{i.InstanceId} stands on {i.NodeId}, which carries [{string.Join(", ", node.Extensions)}], not '{extension}'.");
        }
    }

    /// <summary>Checks that no placed interface uses a NIC of a node.</summary>
    /// <param name="nic">The NIC name.</param>
    /// <param name="nodeId">The node.</param>
    public void CheckNoInterfaceOn(string nic, string nodeId)
    {
        string? pci = _run.Capabilities.FindNode(nodeId)?.Hardware?.Nics.FirstOrDefault(n => n.Name == nic)?.PciAddress;
        Check.That(pci is not null, $"Node {nodeId} has no NIC '{nic}'.");
        List<string> on = [.. Result.Instances.Where(i => i.NodeId == nodeId).SelectMany(i => i.Interfaces.Where(a => a.NicPci == pci).Select(a => $"{i.InstanceId}/{a.Name}"))];
        Check.That(on.Count == 0, $"Interfaces placed on {nodeId}/{nic}, whose link is down: {string.Join(", ", on)}.");
    }

    /// <summary>Checks that every instance got the same accelerator device for a ladder (one device shared by several workloads).</summary>
    /// <param name="ladder">The accelerator ladder's name.</param>
    public void CheckAcceleratorShared(string ladder)
    {
        Check.That(Result.Instances.Count > 1, "Sharing needs at least two instances.");
        List<string> devices = [.. Result.Instances.Select(i => i.Accelerators.TryGetValue(ladder, out string? d) ? d : "(none)")];
        Check.That(devices.Distinct(StringComparer.Ordinal).Count() == 1 && devices[0] != "(none)" && !devices[0].Contains("software", StringComparison.OrdinalIgnoreCase),
            $"Instances got [{string.Join(", ", devices)}] for '{ladder}'; expected one shared hardware device.");
        _evidence.Record(new($"sharing:{devices[0]}", devices.Count, "instances"));
    }

    /// <summary>Returns how many VF-backed interfaces the last placement handed out.</summary>
    /// <returns>The count.</returns>
    public int VirtualFunctionsHandedOut() => Result.Instances.Sum(i => i.Interfaces.Count(a => a.VfIndex is not null));

    /// <summary>Releases the scenario's instances and checks the target no longer holds them.</summary>
    /// <returns>A task that completes when the target answered.</returns>
    public async Task ReleaseAndCheckAsync()
    {
        IPlacement placement = TargetFacets.Require<IPlacement>(_run);
        foreach (PlacedInstance i in _placed)
        {
            Check.That(await placement.ReleaseAsync(i.InstanceId).ConfigureAwait(false), $"Release of {i.InstanceId} was refused.");
        }

        List<string> left = [.. placement.Instances.Select(i => i.InstanceId).Intersect(_placed.Select(p => p.InstanceId))];
        _placed.Clear();
        Check.That(left.Count == 0, $"Released instances are still held: {string.Join(", ", left)}.");
    }

    private async Task ReleaseLeftoverAsync()
    {
        IPlacement? placement = _placed.Count == 0 ? null : _run.Target.GetFeature<IPlacement>();
        foreach (PlacedInstance i in _placed)
        {
            _ = await placement!.ReleaseAsync(i.InstanceId).ConfigureAwait(false);
        }

        _placed.Clear();
    }

    private static WorkloadKind ParseKind(string kind) => kind.ToUpperInvariant() switch
    {
        "VM" or "VMS" => WorkloadKind.VirtualMachine,
        "CONTAINER" or "CONTAINERS" => WorkloadKind.Container,
        _ => throw new ConformanceCheckException($"Unknown workload kind '{kind}': use VM or container."),
    };

    private NodeHardware HardwareOf(string nodeId) =>
        _run.Capabilities.FindNode(nodeId)?.Hardware ?? throw new ConformanceCheckException($"Node {nodeId} has no hardware inventory to check against.");
}
