// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Net;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Lab.Linux.Chains.Dpdk;
using NfvConformance.Lab.Linux.Discovery;

namespace NfvConformance.Lab.Linux.Chains;

/// <summary>The kernel functions a namespace instance can run.</summary>
internal enum InstanceFunction
{
    /// <summary>Kernel IPv4 forwarding with routes.</summary>
    Router,

    /// <summary>nftables connection tracking: new flows only from the inside (ingress), replies by state.</summary>
    Firewall,

    /// <summary>nftables masquerade on the outside (egress) interface; replies translated back by conntrack.</summary>
    Nat44,

    /// <summary>A Linux bridge between the two interfaces.</summary>
    L2,
}

/// <summary>One hop of one direction of one chain, with the 6-bit path code the steering namespace writes into DSCP.</summary>
/// <param name="Code">The DSCP code (1 to 63) that tells instances and the steering namespace which path and hop a packet is on.</param>
/// <param name="Chain">The chain.</param>
/// <param name="Spi">The service path identifier (the chain id; reverse paths add 65536).</param>
/// <param name="Si">The service index at this hop (255 at the first hop).</param>
/// <param name="Group">The port pair group of the hop.</param>
/// <param name="Reverse">True for the reverse path of a symmetric chain.</param>
internal sealed record PathHop(int Code, string Chain, int Spi, int Si, string Group, bool Reverse);

/// <summary>A chain compiled for the lab: its forward hops (and reverse hops when symmetric), in order.</summary>
/// <param name="Chain">The port chain.</param>
/// <param name="Spi">Its chain id.</param>
/// <param name="Forward">The forward hops.</param>
/// <param name="Reverse">The reverse hops (empty unless symmetric).</param>
/// <param name="Classifiers">Its classifiers.</param>
/// <param name="GraphDestination">True when it is a destination of a service graph (entered only from its source chain).</param>
internal sealed record PlannedChain(PortChain Chain, int Spi, IReadOnlyList<PathHop> Forward, IReadOnlyList<PathHop> Reverse, IReadOnlyList<FlowClassifier> Classifiers, bool GraphDestination);

/// <summary>
/// A chain spec checked against what the kernel lab can build and compiled into paths: every problem at once, each
/// naming its resource; the paths get 6-bit codes (the in-band path identifier the lab carries in DSCP instead of an
/// NSH header, which this kernel cannot add), so at most 63 hops over all chains and directions.
/// </summary>
internal sealed class ChainPlan
{
    /// <summary>The most hops (over every chain and direction) a plan can carry in the 6-bit DSCP path code.</summary>
    public const int MaxCodes = 63;

    private ChainPlan(ChainSpec spec, IReadOnlyList<ValidationError> problems, IReadOnlyList<string> unsupported, IReadOnlyList<PlannedChain> chains, IReadOnlyDictionary<int, PathHop> codes, IReadOnlyDictionary<string, IReadOnlyList<string>> graphLinks)
    {
        Spec = spec;
        Problems = problems;
        Unsupported = unsupported;
        Chains = chains;
        Codes = codes;
        GraphLinks = graphLinks;
    }

    public ChainSpec Spec { get; }

    public IReadOnlyList<ValidationError> Problems { get; }

    public bool IsValid => !Problems.Any(p => p.IsCritical);

    /// <summary>Gets what the spec asks for that this lab cannot realise (each also a critical problem); empty when everything is realisable.</summary>
    public IReadOnlyList<string> Unsupported { get; }

    public IReadOnlyList<PlannedChain> Chains { get; }

    /// <summary>Gets the port pair groups that only tap the traffic (networking-sfc <c>tap_enabled</c>): their instances get a copy of each packet at their position and are not on its path.</summary>
    public IReadOnlySet<string> TapGroups { get; private init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets whether a port pair group only taps the traffic.</summary>
    /// <param name="group">The group.</param>
    /// <returns>True for a tap group.</returns>
    public bool IsTap(string group) => TapGroups.Contains(group);

    /// <summary>Gets, per port pair, the acceleration asked for, the one granted and how it is realised.</summary>
    public IReadOnlyDictionary<string, HopGrant> Grants { get; private init; } = new Dictionary<string, HopGrant>();

    /// <summary>Gets a port pair's grant (kernel when the plan has none for it).</summary>
    /// <param name="portPair">The port pair.</param>
    /// <returns>The grant.</returns>
    public HopGrant GrantOf(string portPair) => Grants.GetValueOrDefault(portPair) ?? HopGrant.Kernel;

    public IReadOnlyDictionary<int, PathHop> Codes { get; }

    /// <summary>Gets each graph source chain and the chains its traffic may continue into.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> GraphLinks { get; }

    /// <summary>Parses a function name of a port pair.</summary>
    /// <param name="name">The name.</param>
    /// <param name="function">The function.</param>
    /// <returns>True when the lab runs it.</returns>
    public static bool TryParseFunction(string name, out InstanceFunction function)
    {
        switch (name.Trim().ToLowerInvariant())
        {
            case "router":
            case "rt":
                function = InstanceFunction.Router;
                return true;
            case "firewall":
            case "fw":
                function = InstanceFunction.Firewall;
                return true;
            case "nat44":
            case "nat":
                function = InstanceFunction.Nat44;
                return true;
            case "l2":
            case "bridge":
            case "wire":
                // "wire" is the pass-through the emulator's engine runs itself: a bump in the wire, here a bridge.
                function = InstanceFunction.L2;
                return true;
            default:
                function = default;
                return false;
        }
    }

    /// <summary>Checks and compiles a spec.</summary>
    /// <param name="spec">The spec.</param>
    /// <returns>The plan, with every problem found.</returns>
    public static ChainPlan Compile(ChainSpec spec) => Compile(spec, null, ChainSteering.Kernel, 1);

    /// <summary>Checks and compiles a spec, granting each port pair the acceleration this host can realise.</summary>
    /// <param name="spec">The spec.</param>
    /// <param name="dpdk">DPDK as installed here, or null for a lab without DPDK hops.</param>
    /// <param name="steering">How the lab steers.</param>
    /// <param name="cpus">The CPUs the lab may use (a poll-mode hop wants one of its own).</param>
    /// <param name="afXdpRefused">Why the kernel refuses AF_XDP sockets, or null when it opens them (DPDK hops then get net_af_xdp ports).</param>
    /// <returns>The plan, with every problem found.</returns>
    public static ChainPlan Compile(ChainSpec spec, DpdkInstall? dpdk, ChainSteering steering, int cpus, string? afXdpRefused = "not looked at")
    {
        Dictionary<string, HopGrant> grants = new(StringComparer.Ordinal);
        ArgumentNullException.ThrowIfNull(spec);
        List<ValidationError> problems = [];
        List<string> unsupported = [];
        void Unsupported(string message, string subject)
        {
            problems.Add(new ValidationError(true, message, subject));
            unsupported.Add(message);
        }

        Dictionary<string, PortPair> pairs = Unique(spec.PortPairs, p => p.Name, p => p.Origin, "port pair", problems);
        Dictionary<string, PortPairGroup> groups = Unique(spec.PortPairGroups, g => g.Name, g => g.Origin, "port pair group", problems);
        Dictionary<string, FlowClassifier> classifiers = Unique(spec.FlowClassifiers, c => c.Name, c => c.Origin, "flow classifier", problems);
        Dictionary<string, PortChain> chains = Unique(spec.PortChains, c => c.Name, c => c.Origin, "port chain", problems);

        HashSet<string> tapGroups = new(spec.PortPairGroups.Where(g => g.TapEnabled).Select(g => g.Name), StringComparer.Ordinal);
        HashSet<string> tapPairs = new(spec.PortPairGroups.Where(g => g.TapEnabled).SelectMany(g => g.PortPairs), StringComparer.Ordinal);
        foreach (PortPair pair in spec.PortPairs)
        {
            string subject = pair.Origin ?? $"port_pair {pair.Name}";
            if (!TryParseFunction(pair.ServiceFunction, out _))
            {
                Unsupported($"port pair '{pair.Name}' runs '{pair.ServiceFunction}', which the linux namespace lab cannot run; use router, firewall, nat44, l2 or wire.", subject);
            }

            if (tapPairs.Contains(pair.Name))
            {
                // A tap's instance only receives copies: a monitor namespace that counts them, whatever it runs.
                grants[pair.Name] = HopGrant.Kernel;
                if (pair.Acceleration != AccelerationMode.KernelVirtio)
                {
                    problems.Add(new ValidationError(false, $"port pair '{pair.Name}' asks for {pair.Acceleration}, but it is in a tap group: it receives copies in a kernel namespace.", subject));
                }
            }
            else if (TryParseFunction(pair.ServiceFunction, out InstanceFunction function))
            {
                HopGrant grant = HopGrant.For(pair.Acceleration, function, dpdk, steering, cpus, afXdpRefused);
                grants[pair.Name] = grant;
                if (grant.Granted != pair.Acceleration)
                {
                    problems.Add(new ValidationError(false, $"port pair '{pair.Name}' asks for {pair.Acceleration}; granted {grant.Granted}, realised as {grant.Describe()} ({string.Join("; ", grant.Skipped)}).", subject));
                }

                if (grant.Caveat is { } caveat)
                {
                    problems.Add(new ValidationError(false, $"port pair '{pair.Name}' is granted {grant.Granted} ({grant.Describe()}); {caveat}.", subject));
                }
            }

            if (pair.Weight < 0)
            {
                problems.Add(new ValidationError(true, $"port pair '{pair.Name}' has weight {pair.Weight}; a weight is 0 or more.", subject));
            }
        }

        Dictionary<string, string> groupOfPair = new(StringComparer.Ordinal);
        foreach (PortPairGroup group in spec.PortPairGroups)
        {
            string subject = group.Origin ?? $"port_pair_group {group.Name}";
            if (group.PortPairs.Count == 0)
            {
                problems.Add(new ValidationError(true, $"port pair group '{group.Name}' has no port pairs.", subject));
            }

            foreach (string pair in group.PortPairs)
            {
                if (!pairs.ContainsKey(pair))
                {
                    problems.Add(new ValidationError(true, $"port pair group '{group.Name}' names port pair '{pair}', which is not defined.", subject));
                }
                else if (!groupOfPair.TryAdd(pair, group.Name) && groupOfPair[pair] != group.Name)
                {
                    problems.Add(new ValidationError(true, $"port pair '{pair}' is in groups '{groupOfPair[pair]}' and '{group.Name}'; a port pair belongs to one group.", subject));
                }
            }

            if (group.TapEnabled && steering == ChainSteering.Ovs)
            {
                Unsupported($"port pair group '{group.Name}' is a tap; under Open vSwitch steering the linux chain lab does not mirror traffic to taps; use the kernel steering ({ChainSteeringSetting.Name}=kernel).", subject);
            }
        }

        foreach (FlowClassifier c in spec.FlowClassifiers)
        {
            string subject = c.Origin ?? $"flow_classifier {c.Name}";
            foreach (string? prefix in new[] { c.SourceIpPrefix, c.DestinationIpPrefix })
            {
                if (prefix is not null && !IPNetwork.TryParse(prefix, out _))
                {
                    problems.Add(new ValidationError(true, $"flow classifier '{c.Name}' has prefix '{prefix}', which is not IPv4 CIDR (for example 10.0.0.0/8).", subject));
                }
            }

            if (c.EtherType != ClassifierEtherType.IPv4)
            {
                Unsupported($"flow classifier '{c.Name}' matches {c.EtherType}; the linux chain lab steers IPv4.", subject);
            }
        }

        // Service graphs: links must name chains, and must not loop.
        Dictionary<string, IReadOnlyList<string>> links = new(StringComparer.Ordinal);
        HashSet<string> destinations = new(StringComparer.Ordinal);
        foreach (ServiceGraph graph in spec.ServiceGraphs)
        {
            string subject = graph.Origin ?? $"service_graph {graph.Name}";
            foreach ((string from, IReadOnlyList<string> tos) in graph.Links)
            {
                foreach (string name in tos.Prepend(from).Where(n => !chains.ContainsKey(n)))
                {
                    problems.Add(new ValidationError(true, $"service graph '{graph.Name}' links chain '{name}', which is not defined.", subject));
                }

                links[from] = [.. (links.GetValueOrDefault(from) ?? []).Concat(tos).Distinct(StringComparer.Ordinal)];
                destinations.UnionWith(tos);
            }

            string? cycle = FindCycle(graph.Links);
            if (cycle is not null)
            {
                problems.Add(new ValidationError(true, $"service graph '{graph.Name}' loops: {cycle}; a service graph must be acyclic.", subject));
            }
        }

        // Chains, and the codes of their hops.
        List<PlannedChain> planned = [];
        Dictionary<int, PathHop> codes = [];
        HashSet<int> ids = [];
        int nextCode = 1;
        foreach (PortChain chain in spec.PortChains)
        {
            string subject = chain.Origin ?? $"port_chain {chain.Name}";
            int spi = chain.ChainId;
            if (spi is < 0 or > 65535)
            {
                problems.Add(new ValidationError(true, $"port chain '{chain.Name}' has chain id {spi}; use 0 to 65535.", subject));
            }

            if (spi == 0)
            {
                spi = 1;
                while (ids.Contains(spi) || spec.PortChains.Any(c => c.ChainId == spi))
                {
                    spi++;
                }
            }

            if (!ids.Add(spi))
            {
                problems.Add(new ValidationError(true, $"port chain '{chain.Name}' reuses chain id {spi}.", subject));
            }

            List<string> missing = [.. chain.PortPairGroups.Where(g => !groups.ContainsKey(g))];
            foreach (string g in missing)
            {
                problems.Add(new ValidationError(true, $"port chain '{chain.Name}' names port pair group '{g}', which is not defined.", subject));
            }

            List<FlowClassifier> cls = [];
            foreach (string c in chain.FlowClassifiers)
            {
                if (classifiers.TryGetValue(c, out FlowClassifier? fc))
                {
                    cls.Add(fc);
                }
                else
                {
                    problems.Add(new ValidationError(true, $"port chain '{chain.Name}' names flow classifier '{c}', which is not defined.", subject));
                }
            }

            if (missing.Count > 0)
            {
                continue;
            }

            for (int h = 1; h < chain.PortPairGroups.Count; h++)
            {
                if (tapGroups.Contains(chain.PortPairGroups[h]) && tapGroups.Contains(chain.PortPairGroups[h - 1]))
                {
                    problems.Add(new ValidationError(true, $"port chain '{chain.Name}': tap groups '{chain.PortPairGroups[h - 1]}' and '{chain.PortPairGroups[h]}' are consecutive; put an active hop between them.", subject));
                }
            }

            if (chain.Symmetric && chain.PortPairGroups.Any(tapGroups.Contains))
            {
                Unsupported($"port chain '{chain.Name}' is symmetric and has a tap group; the linux chain lab mirrors the forward path to taps, not replies.", subject);
            }

            List<PathHop> forward = [];
            for (int h = 0; h < chain.PortPairGroups.Count; h++)
            {
                forward.Add(new PathHop(nextCode++, chain.Name, spi, 255 - h, chain.PortPairGroups[h], false));
            }

            List<PathHop> reverse = [];
            if (chain.Symmetric)
            {
                for (int h = chain.PortPairGroups.Count - 1, si = 255; h >= 0; h--, si--)
                {
                    reverse.Add(new PathHop(nextCode++, chain.Name, spi + 65536, si, chain.PortPairGroups[h], true));
                }
            }

            foreach (PathHop hop in forward.Concat(reverse).Where(x => x.Code <= MaxCodes))
            {
                codes[hop.Code] = hop;
            }

            planned.Add(new PlannedChain(chain, spi, forward, reverse, cls, destinations.Contains(chain.Name)));
        }

        if (nextCode - 1 > MaxCodes)
        {
            Unsupported(string.Create(CultureInfo.InvariantCulture, $"the chains have {nextCode - 1} hops over all chains and directions; the linux lab carries the path and hop in the 6-bit DSCP field, so at most {MaxCodes}."), spec.SourcePath ?? "port_chains");
        }

        return new ChainPlan(spec, problems, unsupported, planned, codes, links) { Grants = grants, TapGroups = tapGroups };
    }

    private static Dictionary<string, T> Unique<T>(IEnumerable<T> items, Func<T, string> name, Func<T, string?> origin, string kind, List<ValidationError> problems)
    {
        Dictionary<string, T> byName = new(StringComparer.Ordinal);
        foreach (T item in items)
        {
            string n = name(item);
            if (string.IsNullOrWhiteSpace(n))
            {
                problems.Add(new ValidationError(true, $"a {kind} has no name.", origin(item) ?? kind));
            }
            else if (!byName.TryAdd(n, item))
            {
                problems.Add(new ValidationError(true, $"{kind} '{n}' is defined twice.", origin(item) ?? $"{kind} {n}"));
            }
        }

        return byName;
    }

    private static string? FindCycle(IReadOnlyDictionary<string, IReadOnlyList<string>> links)
    {
        Dictionary<string, int> state = new(StringComparer.Ordinal);
        List<string> stack = [];
        string? found = null;

        bool Visit(string node)
        {
            state[node] = 1;
            stack.Add(node);
            foreach (string next in links.GetValueOrDefault(node) ?? [])
            {
                int s = state.GetValueOrDefault(next);
                if (s == 1)
                {
                    found = string.Join(" -> ", stack.Skip(stack.IndexOf(next)).Append(next));
                    return true;
                }

                if (s == 0 && Visit(next))
                {
                    return true;
                }
            }

            stack.RemoveAt(stack.Count - 1);
            state[node] = 2;
            return false;
        }

        foreach (string node in links.Keys)
        {
            if (state.GetValueOrDefault(node) == 0 && Visit(node))
            {
                return found;
            }
        }

        return null;
    }
}
