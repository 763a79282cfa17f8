// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Running;

namespace NfvConformance.Suites.Drivers;

/// <summary>Checks the hardware a target found by itself (NICs, SR-IOV, offloads, accelerators, CPU, NUMA) against what it publishes.</summary>
public sealed class HardwareDriver : IDisposable
{
    private readonly RunContext _run;
    private readonly DiscoveryDriver _discovery;
    private readonly ScenarioEvidence _evidence;
    private readonly List<(string Node, string Nic)> _downed = [];
    private readonly List<CapabilityChangeSet> _notified = [];
    private IDisposable? _subscription;
    private int? _freeVfsBefore;
    private IReadOnlyList<PtpRun> _ptpRuns = [];

    /// <summary>Creates the driver for one scenario.</summary>
    /// <param name="run">The run.</param>
    /// <param name="discovery">The scenario's discovery.</param>
    /// <param name="evidence">The scenario's evidence.</param>
    /// <param name="teardown">Brings the links the scenario took down back up when it ends.</param>
    public HardwareDriver(RunContext run, DiscoveryDriver discovery, ScenarioEvidence evidence, Support.ScenarioTeardown teardown)
    {
        ArgumentNullException.ThrowIfNull(teardown);
        teardown.Add(RestoreLinksAsync);
        _run = run;
        _discovery = discovery;
        _evidence = evidence;
    }

    /// <summary>Gets the nodes of the run's profile with the hardware each reported.</summary>
    /// <returns>The nodes.</returns>
    public IReadOnlyList<(NodeCapabilities Node, NodeHardware Hardware)> ProfileNodes()
    {
        List<(NodeCapabilities, NodeHardware)> nodes = [];
        foreach (NodeCapabilities node in _discovery.Snapshot.Nodes.Where(n => n.Profile == _run.Target.Profile))
        {
            Check.That(node.Hardware is not null, $"{node.Id} publishes capabilities but no hardware inventory: the NICs, CPU and accelerators must be found without manual steps.");
            nodes.Add((node, node.Hardware));
        }

        Check.That(nodes.Count > 0, $"No node of profile '{_run.Target.Profile}' was discovered.");
        return nodes;
    }

    /// <summary>Checks that every NIC of every node of the profile runs at least at the given speed.</summary>
    /// <param name="minimumGbps">The minimum port speed.</param>
    public void CheckEveryNicAtLeast(double minimumGbps)
    {
        List<string> slow = [];
        foreach ((NodeCapabilities node, NodeHardware hw) in ProfileNodes())
        {
            foreach (NicInfo nic in hw.Nics)
            {
                _evidence.Record(new($"nic_speed:{node.Id}/{nic.Name}", nic.SpeedGbps, "Gbps", $">= {minimumGbps}", nic.SpeedGbps >= minimumGbps ? Abstractions.Measurements.MeasurementVerdict.Pass : Abstractions.Measurements.MeasurementVerdict.Fail));
                if (nic.SpeedGbps < minimumGbps)
                {
                    slow.Add($"{node.Id}/{nic.Name} ({nic.PciAddress}) runs at {nic.SpeedGbps} Gbps");
                }
            }
        }

        Check.That(slow.Count == 0, $"Every NIC port must run at >= {minimumGbps} Gbps: {string.Join("; ", slow)}.");
    }

    /// <summary>Checks that every node of the profile has at least <paramref name="minimum"/> NIC ports with link up.</summary>
    /// <param name="minimum">The minimum number of links.</param>
    public void CheckEveryNodeHasLinks(int minimum)
    {
        List<string> few = [];
        foreach ((NodeCapabilities node, NodeHardware hw) in ProfileNodes())
        {
            int up = hw.Nics.Count(n => n.LinkUp);
            _evidence.Record(new($"links_up:{node.Id}", up, "links", $">= {minimum}", up >= minimum ? Abstractions.Measurements.MeasurementVerdict.Pass : Abstractions.Measurements.MeasurementVerdict.Fail));
            if (up < minimum)
            {
                few.Add($"{node.Id} has {up} link(s) up ({string.Join(", ", hw.Nics.Select(n => n.Name))})");
            }
        }

        Check.That(few.Count == 0, $"Every node needs >= {minimum} physical links up: {string.Join("; ", few)}.");
    }

    /// <summary>Returns the NICs of the profile's nodes that have a property.</summary>
    /// <param name="property">One of <c>sr-iov virtual functions</c>, <c>a DPDK driver</c>, <c>SmartNIC offload</c>, or an offload name such as <c>xdp</c>.</param>
    /// <returns>Matching (node, NIC) pairs.</returns>
    public IReadOnlyList<(NodeCapabilities Node, NicInfo Nic)> NicsWith(string property)
    {
        Func<NicInfo, bool> test = property switch
        {
            "sr-iov virtual functions" => n => n.SriovTotalVfs > 0,
            "a DPDK driver" => n => n.DpdkBound,
            "SmartNIC offload" => n => n.SmartNic,
            _ => n => n.HasOffload(property),
        };
        return [.. ProfileNodes().SelectMany(p => p.Hardware.Nics.Where(test).Select(n => (p.Node, n)))];
    }

    /// <summary>Checks that at least one node of the profile has a NIC with the property.</summary>
    /// <param name="property">See <see cref="NicsWith"/>.</param>
    public void CheckSomeNicHas(string property)
    {
        IReadOnlyList<(NodeCapabilities Node, NicInfo Nic)> found = NicsWith(property);
        _evidence.Record(new($"nics_with:{property}", found.Count, "NICs"));
        Check.That(found.Count > 0, $"No NIC of a {_run.Target.Profile} node has {property}: {Describe()}.");
    }

    /// <summary>Checks that every node that has a NIC with the property publishes the capability as offered.</summary>
    /// <param name="property">See <see cref="NicsWith"/>.</param>
    /// <param name="capability">A capability uid or feature.</param>
    public void CheckNodesWithNicOffer(string property, string capability)
    {
        List<string> silent = [.. NicsWith(property).Select(p => p.Node).Distinct().Where(n => !n.Offers(capability)).Select(n => n.Id)];
        Check.That(silent.Count == 0, $"{string.Join(", ", silent)} found a NIC with {property} but does not publish '{capability}' as offered.");
    }

    /// <summary>Checks that every node of the profile has a NIC with the property.</summary>
    /// <param name="property">See <see cref="NicsWith"/>.</param>
    public void CheckEveryNodeHasNic(string property)
    {
        HashSet<string> with = [.. NicsWith(property).Select(p => p.Node.Id)];
        List<string> without = [.. ProfileNodes().Select(p => p.Node.Id).Where(id => !with.Contains(id))];
        Check.That(without.Count == 0, $"Nodes of profile '{_run.Target.Profile}' without a NIC that has {property}: {string.Join(", ", without)} ({Describe()}).");
    }

    /// <summary>Checks that every NIC with SR-IOV has its virtual functions created and free to hand out.</summary>
    public void CheckVirtualFunctionsPreCreated()
    {
        IReadOnlyList<(NodeCapabilities Node, NicInfo Nic)> nics = NicsWith("sr-iov virtual functions");
        Check.That(nics.Count > 0, $"No SR-IOV NIC on the {_run.Target.Profile} nodes: {Describe()}.");
        foreach ((NodeCapabilities node, NicInfo nic) in nics)
        {
            _evidence.Record(new($"free_vfs:{node.Id}/{nic.Name}", nic.SriovFreeVfs, "VFs"));
            Check.That(nic.SriovFreeVfs > 0, $"{node.Id}/{nic.Name} reports {nic.SriovTotalVfs} VFs but none free ({nic.SriovUsedVfs} used, link up: {nic.LinkUp}).");
        }
    }

    /// <summary>Checks that some node has an accelerator of a kind behind a given interface.</summary>
    /// <param name="kind">The accelerator kind (crypto, compression, gpu, fpga).</param>
    /// <param name="interfaceName">The interface (for example dpdk-cryptodev), or null for any.</param>
    public void CheckSomeAccelerator(string kind, string? interfaceName)
    {
        List<string> found = [.. ProfileNodes().SelectMany(p => p.Hardware.Accelerators
            .Where(a => string.Equals(a.Kind, kind, StringComparison.OrdinalIgnoreCase) && (interfaceName is null || string.Equals(a.Interface, interfaceName, StringComparison.OrdinalIgnoreCase)))
            .Select(a => $"{p.Node.Id}/{a.Name}"))];
        _evidence.Record(new($"accelerators:{kind}", found.Count, "devices"));
        Check.That(found.Count > 0, $"No {kind} accelerator{(interfaceName is null ? string.Empty : $" behind {interfaceName}")} on the {_run.Target.Profile} nodes: {Describe()}.");
    }

    /// <summary>Checks that every accelerator of a kind is reached through one of the given interfaces.</summary>
    /// <param name="kind">The accelerator kind.</param>
    /// <param name="interfaces">Accepted interface names, comma-separated.</param>
    public void CheckAcceleratorInterfaces(string kind, string interfaces)
    {
        HashSet<string> accepted = new(interfaces.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.OrdinalIgnoreCase);
        List<string> found = [];
        foreach ((NodeCapabilities node, NodeHardware hw) in ProfileNodes())
        {
            foreach (AcceleratorInfo a in hw.Accelerators.Where(a => string.Equals(a.Kind, kind, StringComparison.OrdinalIgnoreCase)))
            {
                found.Add($"{node.Id}/{a.Name}");
                Check.That(a.Interface is not null && accepted.Contains(a.Interface), $"{node.Id}/{a.Name} ({kind}) is reached through '{a.Interface ?? "nothing"}', not one of: {interfaces}.");
            }
        }

        Check.That(found.Count > 0, $"No {kind} accelerator on the {_run.Target.Profile} nodes.");
    }

    /// <summary>Checks that every node that has an accelerator of the kind publishes the capability as offered.</summary>
    /// <param name="kind">The accelerator kind.</param>
    /// <param name="capability">A capability uid, feature or extension.</param>
    public void CheckNodesWithAcceleratorOffer(string kind, string capability)
    {
        List<string> silent = [.. ProfileNodes()
            .Where(p => p.Hardware.Accelerators.Any(a => string.Equals(a.Kind, kind, StringComparison.OrdinalIgnoreCase)) && !p.Node.Offers(capability))
            .Select(p => p.Node.Id)];
        Check.That(silent.Count == 0, $"{string.Join(", ", silent)} has a {kind} accelerator but does not publish '{capability}' as offered.");
    }

    /// <summary>Checks that each node's published value of a capability equals its CPU architecture.</summary>
    /// <param name="uid">The capability uid (for example RM:e.cap.020).</param>
    public void CheckArchitecturePublished(string uid)
    {
        foreach ((NodeCapabilities node, NodeHardware hw) in ProfileNodes())
        {
            Check.That(node.Capabilities.TryGetValue(uid, out CapabilityValue? v), $"{node.Id} does not publish {uid}.");
            Check.That(string.Equals(v.Raw.Trim(), hw.Cpu.Architecture, StringComparison.OrdinalIgnoreCase), $"{node.Id} publishes {uid} = '{v.Raw}' but its CPU is {hw.Cpu.Architecture} ({hw.Cpu.Model}).");
        }
    }

    /// <summary>Checks that every node publishing a capability as offered has the hardware behind it.</summary>
    /// <param name="uid">The capability uid.</param>
    /// <param name="hardware">One of <c>CPU pinning</c>, <c>huge pages</c>, <c>several NUMA nodes</c>.</param>
    public void CheckOfferBackedBy(string uid, string hardware)
    {
        Func<NodeHardware, bool> test = hardware switch
        {
            "CPU pinning" => h => h.Cpu.PinningSupported,
            "huge pages" => h => h.Numa.Any(n => n.HugepageMemoryMb > 0),
            "several NUMA nodes" => h => h.Numa.Count > 1,
            _ => throw new ConformanceCheckException($"Unknown hardware '{hardware}': use CPU pinning, huge pages or several NUMA nodes."),
        };
        List<(NodeCapabilities Node, NodeHardware Hardware)> offering = [.. ProfileNodes().Where(p => p.Node.Offers(uid))];
        Check.That(offering.Count > 0, $"No {_run.Target.Profile} node offers {uid}.");
        List<string> hollow = [.. offering.Where(p => !test(p.Hardware)).Select(p => p.Node.Id)];
        Check.That(hollow.Count == 0, $"{string.Join(", ", hollow)} offers {uid} but its hardware inventory shows no {hardware}.");
    }

    /// <summary>
    /// Kernel drivers that implement AF_XDP zero-copy (XSK buffer pools via <c>ndo_xsk_wakeup</c>) in mainline Linux
    /// (Documentation/networking/af_xdp.rst; drivers/net/ethernet/*: i40e, ice, ixgbe, igb, igc, mlx5, stmmac, gve; and
    /// virtio_net since Linux 6.11, which the kernel then reports over netdev netlink as <c>xsk-zerocopy</c>).
    /// </summary>
    public static readonly IReadOnlySet<string> XskZeroCopyDrivers = new HashSet<string>(StringComparer.Ordinal)
    {
        "i40e", "ice", "ixgbe", "igb", "igc", "mlx5_core", "stmmac", "gve", "virtio_net",
    };

    /// <summary>Checks that every node of the profile reports at least <paramref name="minimum"/> physical NIC ports (whatever their link state).</summary>
    /// <param name="minimum">The minimum number of ports.</param>
    public void CheckEveryNodeHasNicPorts(int minimum)
    {
        List<string> few = [];
        foreach ((NodeCapabilities node, NodeHardware hw) in ProfileNodes())
        {
            // A port is a physical function with its own PCI address; VFs are not listed as NICs.
            int ports = hw.Nics.Select(n => n.PciAddress).Distinct(StringComparer.OrdinalIgnoreCase).Count();
            _evidence.Record(new($"nic_ports:{node.Id}", ports, "ports", $">= {minimum}", ports >= minimum ? Abstractions.Measurements.MeasurementVerdict.Pass : Abstractions.Measurements.MeasurementVerdict.Fail));
            if (ports < minimum)
            {
                few.Add($"{node.Id} has {ports} ({string.Join(", ", hw.Nics.Select(n => $"{n.Name} {n.PciAddress}"))})");
            }
        }

        Check.That(few.Count == 0, $"Every host needs >= {minimum} NIC ports: {string.Join("; ", few)}.");
    }

    /// <summary>
    /// Checks the PCIe topology each node reports: at least <paramref name="slots"/> slots of generation
    /// <paramref name="generation"/> or later with at least <paramref name="lanes"/> lanes, and every NIC and
    /// accelerator found sitting in one of the reported slots (so the topology is the real one, not a list apart).
    /// </summary>
    /// <param name="slots">The minimum number of qualifying slots.</param>
    /// <param name="generation">The minimum PCIe generation of a slot.</param>
    /// <param name="lanes">The minimum lanes of a slot.</param>
    public void CheckPciSlots(int slots, int generation, int lanes)
    {
        List<string> problems = [];
        foreach ((NodeCapabilities node, NodeHardware hw) in ProfileNodes())
        {
            int qualifying = hw.PciSlots.Count(s => s.Generation >= generation && s.Lanes >= lanes);
            _evidence.Record(new($"pcie_slots:{node.Id}", qualifying, "slots", $">= {slots} of Gen {generation} x{lanes}", qualifying >= slots ? Abstractions.Measurements.MeasurementVerdict.Pass : Abstractions.Measurements.MeasurementVerdict.Fail));
            if (hw.PciSlots.Count > 0)
            {
                _evidence.Record(new($"pcie_min_generation:{node.Id}", hw.PciSlots.Min(s => s.Generation), "generation"));
                _evidence.Record(new($"pcie_min_lanes:{node.Id}", hw.PciSlots.Min(s => s.Lanes), "lanes"));
            }

            if (qualifying < slots)
            {
                IEnumerable<string> weak = hw.PciSlots.Where(s => s.Generation < generation || s.Lanes < lanes).Select(s => $"{s.Designation} Gen {s.Generation} x{s.Lanes}");
                problems.Add(hw.PciSlots.Count == 0
                    ? $"{node.Id} reports no PCIe slots"
                    : $"{node.Id} has {qualifying} of {hw.PciSlots.Count} slots at Gen {generation} x{lanes} or better (below: {string.Join(", ", weak)})");
            }

            foreach (string device in hw.Nics.Select(n => $"{n.Name} {n.PciAddress}").Concat(hw.Accelerators.Select(a => $"{a.Name} {a.PciAddress}")))
            {
                string address = device[(device.IndexOf(' ', StringComparison.Ordinal) + 1)..];
                if (hw.PciSlots.Count > 0 && !hw.PciSlots.Any(s => s.Holds(address)))
                {
                    problems.Add($"{node.Id}: {device} sits in no reported slot");
                }
            }
        }

        Check.That(problems.Count == 0, $"PCIe topology below RM Table 5-18 ({slots} slots, Gen {generation}, x{lanes}): {string.Join("; ", problems)}.");
    }

    /// <summary>
    /// Checks that every node of the profile exposes both huge-page sizes as resources (<c>hugepages-2Mi</c>,
    /// <c>hugepages-1Gi</c>, as Kubernetes names them) and that each exposed size is backed by pages configured.
    /// </summary>
    public void CheckHugepageSizesExposed()
    {
        List<string> problems = [];
        foreach ((NodeCapabilities node, NodeHardware hw) in ProfileNodes())
        {
            foreach ((string resource, Func<NumaNodeInfo, long> pages, int sizeMb) in new (string, Func<NumaNodeInfo, long>, int)[] { ("hugepages-2Mi", n => n.Hugepages2M, 2), ("hugepages-1Gi", n => n.Hugepages1G, 1024) })
            {
                long mb = hw.Numa.Sum(pages) * sizeMb;
                _evidence.Record(new($"{resource}:{node.Id}", mb, "MiB"));
                if (!node.Offers(resource))
                {
                    problems.Add($"{node.Id} does not expose {resource}");
                }

                if (mb == 0)
                {
                    problems.Add($"{node.Id} has no {resource} pages configured ({string.Join(", ", hw.Numa.Select(n => $"NUMA {n.Id}: {n.Hugepages1G}x1G {n.Hugepages2M}x2M"))})");
                }
            }
        }

        Check.That(problems.Count == 0, $"High-performance nodes must offer 2 MiB and 1 GiB huge pages: {string.Join("; ", problems)}.");
    }

    /// <summary>
    /// Checks that every node of the profile publishes a software fact as a concrete value: not a catalogue
    /// placeholder, with a version number, taken from the host (not the catalogue) and equal to what the node reports.
    /// </summary>
    /// <param name="uid">The capability uid (RM:e.cap.021, RM:infra.sw.001 for the OS; RM:e.cap.022, RM:infra.sw.002 for the virtualisation layer).</param>
    /// <param name="fact"><c>host operating system</c> or <c>virtualisation layer</c>.</param>
    public void CheckSoftwarePublished(string uid, string fact)
    {
        Func<HostSoftware, string> reported = fact switch
        {
            "host operating system" => sw => sw.OperatingSystem,
            "virtualisation layer" => sw => sw.VirtualisationDescription,
            _ => throw new ConformanceCheckException($"Unknown software fact '{fact}': use 'host operating system' or 'virtualisation layer'."),
        };
        List<string> problems = [];
        foreach ((NodeCapabilities node, NodeHardware hw) in ProfileNodes())
        {
            if (!node.Capabilities.TryGetValue(uid, out CapabilityValue? v))
            {
                problems.Add($"{node.Id} does not publish {uid}");
                continue;
            }

            string raw = v.Raw.Trim();
            if (raw.Length == 0 || raw.Contains('<', StringComparison.Ordinal) || raw.Contains('>', StringComparison.Ordinal))
            {
                problems.Add($"{node.Id} publishes {uid} as the placeholder '{v.Raw}' (source {v.Source})");
                continue;
            }

            if (!raw.Any(char.IsAsciiDigit))
            {
                problems.Add($"{node.Id} publishes {uid} = '{raw}' without a version");
            }

            if (v.Source.StartsWith("catalogue", StringComparison.Ordinal))
            {
                problems.Add($"{node.Id} publishes {uid} = '{raw}' from {v.Source}, not from the host");
            }

            if (hw.Software is not { } sw)
            {
                problems.Add($"{node.Id} publishes {uid} = '{raw}' but reports no {fact} of its own");
            }
            else if (!string.Equals(raw, reported(sw), StringComparison.Ordinal))
            {
                problems.Add($"{node.Id} publishes {uid} = '{raw}' but the host reports '{reported(sw)}'");
            }
        }

        Check.That(problems.Count == 0, $"The {fact} must be published as the node reports it: {string.Join("; ", problems)}.");
    }

    /// <summary>
    /// Checks, when a node of the profile offers AF_XDP (RM:e.cap.025), that every node of the profile has a netdev
    /// with link up whose driver advertises XDP socket zero-copy (<c>xsk-zerocopy</c>) and is a driver that
    /// implements it (<see cref="XskZeroCopyDrivers"/>); a driver claiming zero-copy outside that list is reported.
    /// </summary>
    public void CheckAfXdpZeroCopy()
    {
        IReadOnlyList<(NodeCapabilities Node, NodeHardware Hardware)> nodes = ProfileNodes();
        Check.That(nodes.Any(p => p.Node.Offers("RM:e.cap.025")), $"No {_run.Target.Profile} node offers AF_XDP (RM:e.cap.025), so there is nothing to check.");
        List<string> problems = [];
        foreach ((NodeCapabilities node, NodeHardware hw) in nodes)
        {
            List<NicInfo> zc = [.. hw.Nics.Where(n => n.LinkUp && n.XskZeroCopy)];
            foreach (NicInfo nic in zc.Where(n => !XskZeroCopyDrivers.Contains(n.Driver)))
            {
                problems.Add($"{node.Id}/{nic.Name} claims xsk-zerocopy with driver {nic.Driver}, which does not implement it");
            }

            int good = zc.Count(n => XskZeroCopyDrivers.Contains(n.Driver));
            _evidence.Record(new($"xsk_zerocopy_netdevs:{node.Id}", good, "netdevs", ">= 1", good > 0 ? Abstractions.Measurements.MeasurementVerdict.Pass : Abstractions.Measurements.MeasurementVerdict.Fail));
            if (good == 0)
            {
                problems.Add($"{node.Id} has no zero-copy-capable netdev ({string.Join(", ", hw.Nics.Select(n => $"{n.Name} {n.Driver} xdp=[{string.Join(" ", n.XdpFeatures)}]"))})");
            }
        }

        Check.That(problems.Count == 0, $"AF_XDP is offered, so worker nodes need zero-copy-capable netdevs: {string.Join("; ", problems)}.");
    }

    /// <summary>Returns the nodes of the profile that carry a profile extension (none makes the scenario not applicable).</summary>
    /// <param name="extension">The extension, for example <c>rt-tsn</c>.</param>
    /// <returns>The nodes.</returns>
    public IReadOnlyList<(NodeCapabilities Node, NodeHardware Hardware)> NodesWithExtension(string extension)
    {
        List<(NodeCapabilities Node, NodeHardware Hardware)> nodes = [.. ProfileNodes().Where(p => p.Node.Extensions.Contains(extension, StringComparer.Ordinal))];
        if (nodes.Count == 0)
        {
            throw new Core.Running.ScenarioNotApplicableException($"no {_run.Target.Profile} node carries the '{extension}' profile extension");
        }

        return nodes;
    }

    /// <summary>
    /// Checks that every node with the extension has a port with a PTP hardware clock, hardware transmit and receive
    /// time-stamping (<c>ethtool -T</c>) and SyncE, and publishes time-sensitive networking (RM:e.cap.027) as offered.
    /// </summary>
    /// <param name="extension">The extension.</param>
    public void CheckTimeSensitivePorts(string extension)
    {
        List<string> problems = [];
        foreach ((NodeCapabilities node, NodeHardware hw) in NodesWithExtension(extension))
        {
            List<NicInfo> ports = [.. hw.Nics.Where(n => n.LinkUp && n.Timestamping is { PtpHardwareClock: true, SyncE: true })];
            _evidence.Record(new($"ptp_synce_ports:{node.Id}", ports.Count, "ports"));
            if (ports.Count == 0)
            {
                problems.Add($"{node.Id} has no port with a PTP hardware clock, hardware time-stamping and SyncE ({string.Join(", ", hw.Nics.Select(n => $"{n.Name}: {(n.Timestamping is { } t ? $"[{string.Join(" ", t.Capabilities)}] ptp={t.PtpClockIndex?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} synce={t.SyncE}" : "no time-stamping reported")}"))})");
            }

            if (!node.Offers("RM:e.cap.027"))
            {
                problems.Add($"{node.Id} does not publish RM:e.cap.027 as offered ({(node.Capabilities.TryGetValue("RM:e.cap.027", out CapabilityValue? v) ? v.Raw : "absent")})");
            }
        }

        Check.That(problems.Count == 0, $"'{extension}' nodes need PTP hardware clocks with SyncE: {string.Join("; ", problems)}.");
    }

    /// <summary>Runs PTP on the first PTP/SyncE port of every node with the extension, through the target's synchronisation facet.</summary>
    /// <param name="extension">The extension.</param>
    /// <param name="seconds">How long each run lasts.</param>
    /// <returns>The runs.</returns>
    public async Task<IReadOnlyList<PtpRun>> SynchroniseAsync(string extension, int seconds)
    {
        IPtpSynchronisation ptp = TargetFacets.Require<IPtpSynchronisation>(_run);
        List<PtpRun> runs = [];
        foreach ((NodeCapabilities node, NodeHardware hw) in NodesWithExtension(extension))
        {
            NicInfo port = hw.Nics.FirstOrDefault(n => n.LinkUp && n.Timestamping is { PtpHardwareClock: true }) ?? hw.Nics.First();
            PtpRun run = await ptp.SynchroniseAsync(new PtpRunRequest(node.Id, port.Name, TimeSpan.FromSeconds(seconds), Seed: _run.Options.Seed)).ConfigureAwait(false);
            Check.That(run.Problems.Count == 0, $"PTP could not run on {node.Id}/{port.Name}: {string.Join("; ", run.Problems.Select(p => p.Message))}");
            _evidence.Record(new($"ptp_messages:{node.Id}/{port.Name}", run.MessagesExchanged, "messages"));
            runs.Add(run);
        }

        _ptpRuns = runs;
        return runs;
    }

    /// <summary>Checks that every run disciplined a PTP hardware clock and kept |offset| within the budget after settling.</summary>
    /// <param name="settleSeconds">The settling time skipped.</param>
    /// <param name="maxOffsetNs">The largest |offset| allowed.</param>
    public void CheckPtpOffsets(double settleSeconds, double maxOffsetNs)
    {
        Check.That(_ptpRuns.Count > 0, "No PTP run in this scenario: start one with 'When each \"rt-tsn\" node synchronises to the grandmaster for N seconds'.");
        List<string> problems = [];
        foreach (PtpRun run in _ptpRuns)
        {
            double max = run.MaxAbsOffsetNs(TimeSpan.FromSeconds(settleSeconds));
            double rms = Math.Sqrt(run.Samples.Where(s => s.At.TotalSeconds >= settleSeconds).Select(s => s.OffsetNs * s.OffsetNs).DefaultIfEmpty(0).Average());
            _evidence.Record(new($"ptp_max_abs_offset:{run.NodeId}/{run.Nic}", Math.Round(max, 1), "ns", $"<= {maxOffsetNs}", max <= maxOffsetNs ? Abstractions.Measurements.MeasurementVerdict.Pass : Abstractions.Measurements.MeasurementVerdict.Fail));
            _evidence.Record(new($"ptp_rms_offset:{run.NodeId}/{run.Nic}", Math.Round(rms, 1), "ns"));
            if (!run.HardwareTimestamping)
            {
                problems.Add($"{run.NodeId}/{run.Nic} synchronised {run.ClockName} with software time-stamps, not a PTP hardware clock");
            }

            if (max > maxOffsetNs)
            {
                problems.Add($"{run.NodeId}/{run.Nic}: max |offset| {max:0.#} ns after {settleSeconds} s (rms {rms:0.#} ns)");
            }
        }

        Check.That(problems.Count == 0, $"PTP offset from the grandmaster must stay within {maxOffsetNs} ns: {string.Join("; ", problems)}.");
    }

    /// <summary>
    /// Checks that SyncE held each port's oscillator: the DPLL was locked and the servo's frequency correction after
    /// settling stayed small (a free-running oscillator needs up to its ppm error corrected).
    /// </summary>
    /// <param name="settleSeconds">The settling time skipped.</param>
    /// <param name="maxPpb">The largest mean |frequency correction| allowed.</param>
    public void CheckSyncEFrequency(double settleSeconds, double maxPpb)
    {
        Check.That(_ptpRuns.Count > 0, "No PTP run in this scenario.");
        List<string> problems = [];
        foreach (PtpRun run in _ptpRuns)
        {
            double mean = Math.Abs(run.Samples.Where(s => s.At.TotalSeconds >= settleSeconds).Select(s => s.FrequencyPpb).DefaultIfEmpty(double.MaxValue).Average());
            _evidence.Record(new($"ptp_mean_frequency_correction:{run.NodeId}/{run.Nic}", Math.Round(mean, 1), "ppb", $"<= {maxPpb}", mean <= maxPpb ? Abstractions.Measurements.MeasurementVerdict.Pass : Abstractions.Measurements.MeasurementVerdict.Fail));
            if (!run.SyncELocked)
            {
                problems.Add($"{run.NodeId}/{run.Nic}: SyncE DPLL not locked");
            }

            if (mean > maxPpb)
            {
                problems.Add($"{run.NodeId}/{run.Nic}: the servo corrects {mean:0.#} ppb on average, so the oscillator is not syntonised");
            }
        }

        Check.That(problems.Count == 0, $"SyncE must syntonise the clocks: {string.Join("; ", problems)}.");
    }

    /// <summary>
    /// Checks that every node with the extension runs a PREEMPT_RT kernel, isolates and makes tickless every core
    /// workloads may be pinned to (isolcpus, nohz_full), keeps cores out of deep C-states and frequency scaling in
    /// the BIOS, and publishes RM:e.cap.026 as offered.
    /// </summary>
    /// <param name="extension">The extension.</param>
    public void CheckRealTimeConfiguration(string extension)
    {
        List<string> problems = [];
        foreach ((NodeCapabilities node, NodeHardware hw) in NodesWithExtension(extension))
        {
            if (hw.Software is not { } sw)
            {
                problems.Add($"{node.Id} reports no kernel or OS facts");
                continue;
            }

            if (!sw.PreemptRt)
            {
                problems.Add($"{node.Id}: kernel '{sw.KernelVersion}' is not PREEMPT_RT");
            }

            HashSet<int> workloadCores = [.. Enumerable.Range(0, hw.Numa.Count).SelectMany(i => Enumerable.Range(hw.Numa.Take(i).Sum(n => n.Cores) + hw.Cpu.ReservedCoresPerNuma, hw.Numa[i].Cores - hw.Cpu.ReservedCoresPerNuma))];
            foreach (string parameter in new[] { "isolcpus", "nohz_full", "rcu_nocbs" })
            {
                HashSet<int> cpus = CpuList(sw.CmdlineParameter(parameter));
                List<int> missing = [.. workloadCores.Where(c => !cpus.Contains(c)).Order()];
                if (missing.Count > 0)
                {
                    problems.Add($"{node.Id}: {parameter} leaves workload cores {string.Join(",", missing)} out (cmdline: {sw.KernelCmdline})");
                }
            }

            string cstates = hw.Bios.GetValueOrDefault("c_states", "not reported");
            if (cstates is not ("C0" or "C1"))
            {
                problems.Add($"{node.Id}: BIOS C-states {cstates} (C1 at most)");
            }

            if (!string.Equals(hw.Bios.GetValueOrDefault("turbo_boost"), "disabled", StringComparison.Ordinal) || !string.Equals(hw.Bios.GetValueOrDefault("p_states"), "disabled", StringComparison.Ordinal))
            {
                problems.Add($"{node.Id}: BIOS frequency scaling on (turbo_boost {hw.Bios.GetValueOrDefault("turbo_boost", "?")}, p_states {hw.Bios.GetValueOrDefault("p_states", "?")})");
            }

            _evidence.Record(new($"rt_isolated_cores:{node.Id}", CpuList(sw.CmdlineParameter("isolcpus")).Count, "cores"));
            if (!node.Offers("RM:e.cap.026"))
            {
                problems.Add($"{node.Id} does not publish RM:e.cap.026 as offered");
            }
        }

        Check.That(problems.Count == 0, $"'{extension}' nodes need a real-time BIOS, kernel and OS configuration: {string.Join("; ", problems)}.");
    }

    /// <summary>Parses a kernel CPU list (<c>managed_irq,domain,1-7,9</c>): flags are skipped.</summary>
    private static HashSet<int> CpuList(string? value)
    {
        HashSet<int> cpus = [];
        foreach (string part in (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] range = part.Split('-');
            if (range.Length is 1 or 2 && int.TryParse(range[0], System.Globalization.CultureInfo.InvariantCulture, out int from))
            {
                int to = range.Length == 2 && int.TryParse(range[1], System.Globalization.CultureInfo.InvariantCulture, out int t) ? t : from;
                for (int c = from; c <= to; c++)
                {
                    cpus.Add(c);
                }
            }
        }

        return cpus;
    }

    /// <summary>Takes a NIC's link down through the inventory facet (restored when the scenario ends).</summary>
    /// <param name="nic">The NIC name.</param>
    /// <param name="nodeId">The node.</param>
    /// <returns>A task that completes when the target answered.</returns>
    public async Task TakeLinkDownAsync(string nic, string nodeId)
    {
        IHardwareInventory inventory = TargetFacets.Require<IHardwareInventory>(_run);
        IReadOnlyList<Abstractions.Errors.ValidationError> problems = await inventory.SetLinkStateAsync(nodeId, nic, false).ConfigureAwait(false);
        Check.That(problems.Count == 0, $"Could not take {nodeId}/{nic} down: {string.Join("; ", problems)}.");
        _downed.Add((nodeId, nic));
    }

    /// <summary>Brings a NIC's link back up.</summary>
    /// <param name="nic">The NIC name.</param>
    /// <param name="nodeId">The node.</param>
    /// <returns>A task that completes when the target answered.</returns>
    public async Task BringLinkUpAsync(string nic, string nodeId)
    {
        IHardwareInventory inventory = TargetFacets.Require<IHardwareInventory>(_run);
        IReadOnlyList<Abstractions.Errors.ValidationError> problems = await inventory.SetLinkStateAsync(nodeId, nic, true).ConfigureAwait(false);
        Check.That(problems.Count == 0, $"Could not bring {nodeId}/{nic} up: {string.Join("; ", problems)}.");
        _downed.Remove((nodeId, nic));
    }

    /// <summary>Checks what a fresh discovery reports for a NIC.</summary>
    /// <param name="nic">The NIC name.</param>
    /// <param name="nodeId">The node.</param>
    /// <param name="up">The expected link state.</param>
    public void CheckLinkReported(string nic, string nodeId, bool up)
    {
        NodeCapabilities node = _discovery.Snapshot.FindNode(nodeId) ?? throw new ConformanceCheckException($"Node '{nodeId}' was not discovered.");
        NicInfo found = node.Hardware?.Nics.FirstOrDefault(n => n.Name == nic) ?? throw new ConformanceCheckException($"{nodeId} reports no NIC '{nic}'.");
        Check.That(found.LinkUp == up, $"{nodeId}/{nic}: link reported {(found.LinkUp ? "up" : "down")}, expected {(up ? "up" : "down")}.");
        if (!up)
        {
            Check.That(found.SriovFreeVfs == 0, $"{nodeId}/{nic} is down but still reports {found.SriovFreeVfs} free VFs to hand out.");
        }
    }

    /// <summary>Subscribes to the target's capability change notifications for the rest of the scenario.</summary>
    public void Subscribe()
    {
        ICapabilities publisher = TargetFacets.Require<ICapabilities>(_run);
        _subscription = publisher.Subscribe(change =>
        {
            lock (_notified)
            {
                _notified.Add(change);
            }
        });
    }

    /// <summary>Checks that a notification named a node and said what changed on it.</summary>
    /// <param name="nodeId">The node.</param>
    public void CheckNotified(string nodeId)
    {
        Check.That(_subscription is not null, "The scenario did not subscribe to capability changes.");
        List<CapabilityChange> changes;
        lock (_notified)
        {
            changes = [.. _notified.SelectMany(n => n.Changes).Where(c => c.NodeId == nodeId)];
        }

        _evidence.Record(new($"changes_notified:{nodeId}", changes.Count, "changes"));
        Check.That(changes.Count > 0, $"No capability change was notified for {nodeId} ({_notified.Count} notification(s) in all).");
        Check.That(changes.All(c => c.Uid.Length > 0 && c.Before != c.After), $"Notified changes for {nodeId} do not say what changed: {string.Join(", ", changes.Select(c => $"{c.Uid}: {c.Before} -> {c.After}"))}.");
    }

    /// <summary>Counts the free virtual functions the target advertises now (fresh discovery).</summary>
    /// <returns>A task.</returns>
    public async Task CountFreeVirtualFunctionsAsync()
    {
        await _discovery.DiscoverAsync().ConfigureAwait(false);
        _freeVfsBefore = FreeVirtualFunctions();
        _evidence.Record(new("free_vfs_before", _freeVfsBefore.Value, "VFs"));
    }

    /// <summary>Checks that the advertised free virtual functions dropped by exactly the number handed out.</summary>
    /// <param name="handedOut">VFs handed out since the count.</param>
    /// <returns>A task.</returns>
    public async Task CheckFreeVirtualFunctionsDroppedByAsync(int handedOut)
    {
        Check.That(_freeVfsBefore is not null, "The free virtual functions were not counted before.");
        Check.That(handedOut > 0, "No virtual function was handed out, so the count proves nothing.");
        await _discovery.DiscoverAsync().ConfigureAwait(false);
        int now = FreeVirtualFunctions();
        _evidence.Record(new("free_vfs_after", now, "VFs"));
        Check.That(_freeVfsBefore.Value - now == handedOut, $"The target advertised {_freeVfsBefore} free VFs, now {now}, after handing out {handedOut}.");
    }

    private int FreeVirtualFunctions() => _discovery.Snapshot.Nodes.Sum(n => n.Hardware?.Nics.Sum(x => x.SriovFreeVfs) ?? 0);

    /// <inheritdoc />
    public void Dispose() => _subscription?.Dispose();

    private async Task RestoreLinksAsync()
    {
        IHardwareInventory? inventory = _downed.Count == 0 ? null : _run.Target.GetFeature<IHardwareInventory>();
        foreach ((string node, string nic) in _downed)
        {
            _ = await inventory!.SetLinkStateAsync(node, nic, true).ConfigureAwait(false);
        }

        _downed.Clear();
    }

    private string Describe() => string.Join("; ", _discovery.Snapshot.Nodes.Where(n => n.Profile == _run.Target.Profile)
        .Select(n => $"{n.Id}: {string.Join(", ", n.Hardware?.Nics.Select(x => $"{x.Name} {x.SpeedGbps}G vfs={x.SriovTotalVfs} dpdk={x.DpdkBound} smartnic={x.SmartNic}") ?? [])}"));
}
