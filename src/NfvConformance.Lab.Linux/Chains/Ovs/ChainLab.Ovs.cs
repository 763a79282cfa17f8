// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Lab.Linux.Chains.Ovs;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Chains;

/// <summary>
/// Open vSwitch steering (<c>--set steering=ovs</c>): the steering namespace holds a private ovs-vswitchd whose netdev
/// bridge owns every steering-side veth, and OpenFlow rules do what nftables, fwmarks and policy routing do in the
/// kernel steering. The path code still travels in DSCP, so the instances' own records prove each probe's path as
/// before; the per-instance counters come from the OpenFlow rules that match what leaves each instance on each hop.
/// </summary>
/// <remarks>
/// Tables: 0 classifies (client port) and steers what leaves an instance (one rule per instance and hop, its cookie
/// naming both, so its <c>n_packets</c> is that instance's count for that hop); 10 holds learned pins (5-tuple and
/// group to instance), 11 sends a pinned flow to its instance or else to the group's select group, whose buckets
/// hash on the L4 5-tuple (<c>selection_method=hash</c>); 20 learns the pin; 30 delivers to an instance. Table 64 holds
/// what replies from the server learned on a symmetric chain's last hop (and, at the lowest priority, sends the rest
/// to the client); table 64 + code holds what the forward hop of that code learned for replies (OVS <c>learn</c>, the
/// networking-sfc way). Learned rules have cookie 0 and outlive a re-steer, so a scale-out moves no flow.
/// </remarks>
internal sealed partial class ChainLab
{
    // Ports have fixed OpenFlow numbers, so learned rules still point at a re-created instance.
    private const int ClientPort = 1;
    private const int ServerPort = 2;
    private const ulong OvsCookie = 0x4f56_0000_0000_0000UL;
    private const ulong OvsCookieMask = 0xffff_0000_0000_0000UL;
    private const int PinTable = 10;
    private const int PickTable = 11;
    private const int LearnPinTable = 20;
    private const int DeliverTable = 30;
    private const int ServerReplyTable = 64;
    private const string IdleTimeout = "idle_timeout=600";

    // Probes per burst (then 1 ms of pause) and the wait for the last one, through the switch's slow path.
    private const int OvsProbeBurst = 16;
    private static readonly TimeSpan OvsArrivalTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The fields a select group hashes on: the L4 5-tuple (a flow stays on one instance, flows spread).</summary>
    internal const string L4HashFields = "ip_src,ip_dst,nw_proto,tcp_src,tcp_dst,udp_src,udp_dst";

    /// <summary>The fields of the deliberate break: addresses only, so one source and destination land on one instance.</summary>
    internal const string L3HashFields = "ip_src,ip_dst";

    private readonly Dictionary<string, int> _ovsGroupIds = new(StringComparer.Ordinal);
    private OvsSwitch? _ovs;
    private string _ovsHashFields = L4HashFields;

    /// <summary>Gets the lab's Open vSwitch, when it steers with one and is built.</summary>
    internal OvsSwitch? Switch => _ovs;

    private static int IngressPort(LabInstance i) => 1000 + i.Index;

    private static int EgressPort(LabInstance i) => 2000 + i.Index;

    private static ulong HopCookie(LabInstance i, int code) => OvsCookie | ((uint)i.Index << 8) | (uint)code;

    // How many times probes lost while the switch's own sockets overflowed are sent again.
    private const int OvsProbeRetries = 3;

    /// <summary>
    /// Probes through the switch. ovs-vswitchd reads each port through an AF_PACKET socket; on a starved host (2 cores
    /// shared with other labs) a socket overflows and the kernel drops what the switch never read, which says nothing
    /// about the chain. So when the switch's sockets counted drops (<c>ss</c> <c>skmem d</c>) during a round, the
    /// probes that were not delivered are sent again (with new IP ids), up to <see cref="OvsProbeRetries"/> times.
    /// A probe dropped by an instance while no socket dropped anything is never sent again.
    /// </summary>
    private async Task<IReadOnlyList<ChainPathTrace>> ProbeThroughOvsAsync(IReadOnlyList<ChainProbe> probes, CancellationToken cancellationToken)
    {
        if (_ovs is null)
        {
            return await ProbeOnceAsync(probes, cancellationToken).ConfigureAwait(false);
        }

        long drops = await _ovs.SocketDropsAsync(cancellationToken).ConfigureAwait(false);
        Dictionary<string, long> discards = await ReadDiscardsAsync(cancellationToken).ConfigureAwait(false);
        List<ChainPathTrace> traces = [.. await ProbeOnceAsync(probes, cancellationToken).ConfigureAwait(false)];
        for (int round = 0; round < OvsProbeRetries; round++)
        {
            long now = await _ovs.SocketDropsAsync(cancellationToken).ConfigureAwait(false);
            if (now == drops || traces.All(t => t.Delivered || t.Refusal is not null))
            {
                break;
            }

            // An instance records a packet before its faults and its firewall can drop it, so a probe an instance may
            // have dropped names it; such a probe is never sent again if that instance counted a discard this round.
            Dictionary<string, long> discardsNow = await ReadDiscardsAsync(cancellationToken).ConfigureAwait(false);
            HashSet<string> discarding = [.. discardsNow.Where(d => d.Value != discards.GetValueOrDefault(d.Key)).Select(d => d.Key)];
            List<int> lost = [.. Enumerable.Range(0, probes.Count).Where(i => !traces[i].Delivered && traces[i].Refusal is null && (traces[i].DroppedAt is null || !discarding.Contains(traces[i].DroppedAt!)))];
            if (lost.Count == 0)
            {
                break;
            }

            drops = now;
            discards = discardsNow;
            SocketRetries += lost.Count;
            IReadOnlyList<ChainPathTrace> again = await ProbeOnceAsync([.. lost.Select(i => probes[i])], cancellationToken).ConfigureAwait(false);
            for (int j = 0; j < lost.Count; j++)
            {
                traces[lost[j]] = again[j];
            }
        }

        return traces;
    }

    private async Task<Dictionary<string, long>> ReadDiscardsAsync(CancellationToken cancellationToken)
    {
        Dictionary<string, long> discards = new(StringComparer.Ordinal);
        foreach (LabInstance i in _instances.Values)
        {
            Dictionary<string, (long Packets, long Bytes)> counters = await ReadInstanceCountersAsync(i, cancellationToken).ConfigureAwait(false);
            discards[i.PortPair] = counters.GetValueOrDefault("loss").Packets + counters.GetValueOrDefault("acl").Packets;
        }

        return discards;
    }

    /// <summary>Gets how many probes were sent again because the switch's sockets overflowed (for the report and the tests).</summary>
    internal long SocketRetries { get; private set; }

    private async Task StartOvsAsync(CancellationToken cancellationToken)
    {
        _ovs = await OvsSwitch.StartAsync(Steering, Path.GetDirectoryName(_run.StatePath("ovs/conf.db"))!, If("ovs"), cancellationToken).ConfigureAwait(false);
        string c = If("c"), s = If("s"), e = If("e");
        await TxChecksumOffAsync(Steering, cancellationToken, c, s).ConfigureAwait(false);
        await TxChecksumOffAsync(Client, cancellationToken, e).ConfigureAwait(false);
        await TxChecksumOffAsync(Server, cancellationToken, e).ConfigureAwait(false);
        await _ovs.AddPortsAsync([(c, ClientPort), (s, ServerPort)], cancellationToken).ConfigureAwait(false);
    }

    private async Task StopOvsAsync()
    {
        if (_ovs is not null)
        {
            await _ovs.DisposeAsync().ConfigureAwait(false);
            _ovs = null;
        }

        _ovsGroupIds.Clear();
        _ovsHashFields = L4HashFields;
    }

    private async Task AttachOvsPortsAsync(LabInstance instance, CancellationToken cancellationToken)
    {
        await TxChecksumOffAsync(Steering, cancellationToken, Ki(instance), Ko(instance)).ConfigureAwait(false);
        if (instance.Vendor is null)
        {
            // A vendor's unit owns its side of the veths (and may move them into a VM): only the built-in ones are set.
            await TxChecksumOffAsync(instance.Namespace, cancellationToken, If("in"), If("out")).ConfigureAwait(false);
        }

        await _ovs!.AddPortsAsync([(Ki(instance), IngressPort(instance)), (Ko(instance), EgressPort(instance))], cancellationToken).ConfigureAwait(false);
    }

    private Task DetachOvsPortsAsync(LabInstance instance, CancellationToken cancellationToken) =>
        _ovs?.DeletePortsAsync([Ki(instance), Ko(instance)], cancellationToken) ?? Task.CompletedTask;

    // The userspace datapath neither fills in nor checks offloaded checksums: a veth left with tx offload hands it
    // packets whose checksum the receiver then rejects (measured here; ../shared/ENVIRONMENT.md).
    private static async Task TxChecksumOffAsync(string ns, CancellationToken cancellationToken, params string[] interfaces)
    {
        foreach (string name in interfaces)
        {
            _ = (await Shell.RunAsync("ip", ["netns", "exec", ns, "ethtool", "-K", name, "tx", "off"], cancellationToken).ConfigureAwait(false)).OrThrow();
        }
    }

    /// <summary>Breaks the select groups one way: they hash on addresses only (the break test's L3-only hash).</summary>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    internal async Task BreakOvsHashAsync(CancellationToken cancellationToken)
    {
        _ovsHashFields = L3HashFields;
        if (_plan is not null)
        {
            await WriteOvsSteeringAsync(_plan, cancellationToken).ConfigureAwait(false);
        }
    }

    private int GroupId(string group)
    {
        if (!_ovsGroupIds.TryGetValue(group, out int id))
        {
            id = _ovsGroupIds.Count + 1;
            _ovsGroupIds[group] = id;
        }

        return id;
    }

    private async Task WriteOvsSteeringAsync(ChainPlan plan, CancellationToken cancellationToken)
    {
        OvsSwitch ovs = _ovs ?? throw new InvalidOperationException("the lab's Open vSwitch is not running");
        (List<string> groups, List<string> flows) = OvsRules(plan);
        await ovs.DeleteFlowsAsync(OvsCookie, OvsCookieMask, cancellationToken).ConfigureAwait(false);
        await ovs.DeleteGroupsAsync(cancellationToken).ConfigureAwait(false);
        await ovs.AddGroupsAsync(groups, cancellationToken).ConfigureAwait(false);
        await ovs.AddFlowsAsync(flows, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Compiles a plan into OpenFlow groups and rules for the lab's instances.</summary>
    /// <param name="plan">The plan.</param>
    /// <returns>The groups and the rules, in <c>ovs-ofctl</c> syntax.</returns>
    internal (List<string> Groups, List<string> Flows) OvsRules(ChainPlan plan)
    {
        List<string> groups = [];
        List<string> flows = [];

        void Add(int table, int priority, string match, string actions, ulong cookie = OvsCookie) =>
            flows.Add(string.Create(CultureInfo.InvariantCulture, $"cookie=0x{cookie:x},table={table},priority={priority},{match},actions={actions}"));

        string ToServer(bool resetCode) => $"{(resetCode ? "set_field:0->ip_dscp," : string.Empty)}mod_dl_src:{Mac(2, 0, 1)},mod_dl_dst:{Mac(2, 0, 2)},output:{ServerPort}";
        string ToClient(bool resetCode) => $"{(resetCode ? "set_field:0->ip_dscp," : string.Empty)}mod_dl_src:{Mac(1, 0, 1)},mod_dl_dst:{Mac(1, 0, 2)},output:{ClientPort}";
        string Select(PathHop hop) => string.Create(CultureInfo.InvariantCulture, $"set_field:{hop.Code}->ip_dscp,load:{GroupId(hop.Group)}->NXM_NX_REG2[],load:0->NXM_NX_REG0[],resubmit(,{PinTable}),resubmit(,{PickTable})");

        // Unclassified traffic goes straight through, as kernel routing would send it; replies too, unless learned.
        Add(0, 1, $"ip,in_port={ClientPort}", ToServer(resetCode: false));
        Add(0, 1, $"ip,in_port={ServerPort}", $"resubmit(,{ServerReplyTable})");
        Add(ServerReplyTable, 0, "ip", ToClient(resetCode: false));

        // Delivery to an instance: into its ingress side (a bridge instance gets frames for its far side, and passes them).
        foreach (LabInstance i in _instances.Values.OrderBy(i => i.Index))
        {
            string dst = i.Function == InstanceFunction.L2 ? Mac(4, i.Index, 1) : Mac(3, i.Index, 2);
            Add(DeliverTable, 10, $"ip,reg0={i.Index}", $"mod_dl_src:{Mac(3, i.Index, 1)},mod_dl_dst:{dst},output:{IngressPort(i)}");
        }

        // Pins are learned where the group picked the instance, per protocol (learn needs the L4 fields' prerequisites).
        foreach ((string proto, int number, string field) in Protocols)
        {
            Add(LearnPinTable, 10, proto, $"learn(table={PinTable},{IdleTimeout},priority=100,eth_type=0x800,nw_proto={number},NXM_OF_IP_SRC[],NXM_OF_IP_DST[],NXM_OF_{field}_SRC[],NXM_OF_{field}_DST[],NXM_NX_REG2[],load:NXM_NX_REG0[]->NXM_NX_REG0[]),resubmit(,{DeliverTable})");
        }

        Add(LearnPinTable, 1, "ip", $"resubmit(,{DeliverTable})");

        // One select group per port pair group that a hop uses: a pinned flow keeps its instance, else the hash picks.
        foreach (string group in plan.Chains.SelectMany(c => c.Forward).Select(h => h.Group).Distinct(StringComparer.Ordinal))
        {
            int id = GroupId(group);
            List<LabInstance> live = [.. Members(group).Where(m => m.Weight > 0)];
            if (live.Count == 0)
            {
                continue;
            }

            groups.Add(string.Create(CultureInfo.InvariantCulture, $"group_id={id},type=select,selection_method=hash,fields({_ovsHashFields}),")
                + string.Join(',', live.Select(m => string.Create(CultureInfo.InvariantCulture, $"bucket=bucket_id:{m.Index},weight:{m.Weight},actions=load:{m.Index}->NXM_NX_REG0[],resubmit(,{LearnPinTable})"))));
            foreach (LabInstance m in live)
            {
                Add(PickTable, 20, string.Create(CultureInfo.InvariantCulture, $"ip,reg2={id},reg0={m.Index}"), $"resubmit(,{DeliverTable})");
            }

            Add(PickTable, 10, string.Create(CultureInfo.InvariantCulture, $"ip,reg2={id}"), string.Create(CultureInfo.InvariantCulture, $"group:{id}"));
        }

        int classifierPriority = 1000;
        foreach (PlannedChain chain in plan.Chains)
        {
            IReadOnlyList<PathHop> f = chain.Forward;
            if (f.Count == 0 || f.Any(h => h.Code > ChainPlan.MaxCodes))
            {
                continue;
            }

            bool symmetric = chain.Reverse.Count == f.Count && chain.Reverse.Count > 0;
            if (!chain.GraphDestination)
            {
                foreach (FlowClassifier c in chain.Classifiers)
                {
                    foreach (string match in OvsMatches(c))
                    {
                        Add(0, classifierPriority, $"{match},in_port={ClientPort}", Select(f[0]));
                    }

                    classifierPriority--;
                }
            }

            // What leaves an instance of hop h goes on to hop h+1, into a graph's next chain, or out to the server;
            // on a symmetric chain it first learns where the reply of its flow must enter this instance again.
            for (int h = 0; h < f.Count; h++)
            {
                PathHop reverseHop = symmetric ? chain.Reverse[f.Count - 1 - h] : f[h];
                int replyTable = h == f.Count - 1 ? ServerReplyTable : ServerReplyTable + f[h].Code;
                foreach (LabInstance i in Members(f[h].Group))
                {
                    ulong cookie = HopCookie(i, f[h].Code);
                    string from = string.Create(CultureInfo.InvariantCulture, $"in_port={EgressPort(i)},ip_dscp={f[h].Code}");
                    void Steer(int priority, string? classifier, string actions)
                    {
                        string match = classifier ?? "ip";
                        string proto = match.Split(',')[0];
                        foreach ((string p, int number, string field) in Protocols)
                        {
                            if (symmetric && (proto == "ip" || proto == p))
                            {
                                string learn = string.Create(CultureInfo.InvariantCulture, $"learn(table={replyTable},{IdleTimeout},priority=100,eth_type=0x800,nw_proto={number},NXM_OF_IP_SRC[]=NXM_OF_IP_DST[],NXM_OF_IP_DST[]=NXM_OF_IP_SRC[],NXM_OF_{field}_SRC[]=NXM_OF_{field}_DST[],NXM_OF_{field}_DST[]=NXM_OF_{field}_SRC[],load:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],load:NXM_OF_ETH_DST[]->NXM_OF_ETH_SRC[],load:{reverseHop.Code}->NXM_OF_IP_TOS[2..7],output:NXM_OF_IN_PORT[])");
                                Add(0, priority + 1, $"{p}{match[proto.Length..]},{from}", $"{learn},{actions}", cookie);
                            }
                        }

                        if (!symmetric || proto is not ("udp" or "tcp"))
                        {
                            Add(0, priority, $"{match},{from}", actions, cookie);
                        }
                    }

                    if (h + 1 < f.Count)
                    {
                        Steer(50, null, Select(f[h + 1]));
                        continue;
                    }

                    int graphPriority = 900;
                    foreach (string next in plan.GraphLinks.GetValueOrDefault(chain.Chain.Name) ?? [])
                    {
                        PlannedChain? q = plan.Chains.FirstOrDefault(x => x.Chain.Name == next);
                        if (q is null || q.Forward.Count == 0 || q.Forward[0].Code > ChainPlan.MaxCodes)
                        {
                            continue;
                        }

                        foreach (FlowClassifier c in q.Classifiers)
                        {
                            foreach (string match in OvsMatches(c))
                            {
                                Steer(graphPriority, match, Select(q.Forward[0]));
                            }

                            graphPriority -= 2;
                        }
                    }

                    Steer(50, null, ToServer(resetCode: true));
                }
            }

            if (!symmetric)
            {
                continue;
            }

            // Replies: what leaves an instance on reverse hop s goes to the instance that carried its request at the hop
            // before (the rule it learned); nothing learned, nothing sent. The last reverse hop ends at the client.
            IReadOnlyList<PathHop> r = chain.Reverse;
            for (int step = 1; step < r.Count; step++)
            {
                foreach (LabInstance i in Members(r[step - 1].Group))
                {
                    Add(0, 50, string.Create(CultureInfo.InvariantCulture, $"ip,in_port={IngressPort(i)},ip_dscp={r[step - 1].Code}"), string.Create(CultureInfo.InvariantCulture, $"resubmit(,{ServerReplyTable + f[f.Count - 1 - step].Code})"), HopCookie(i, r[step - 1].Code));
                }
            }

            foreach (LabInstance i in Members(r[^1].Group))
            {
                Add(0, 50, string.Create(CultureInfo.InvariantCulture, $"ip,in_port={IngressPort(i)},ip_dscp={r[^1].Code}"), ToClient(resetCode: true), HopCookie(i, r[^1].Code));
            }
        }

        return (groups, flows);
    }

    private static readonly (string Proto, int Number, string Field)[] Protocols = [("udp", 17, "UDP"), ("tcp", 6, "TCP")];

    /// <summary>A flow classifier as OpenFlow matches: the protocol keyword first, then prefixes, then ports (a port range becomes masked matches).</summary>
    /// <param name="c">The classifier.</param>
    /// <returns>One match per port-mask combination.</returns>
    internal static IReadOnlyList<string> OvsMatches(FlowClassifier c)
    {
        List<string> parts =
        [
            c.Protocol switch
            {
                ClassifierProtocol.Tcp => "tcp",
                ClassifierProtocol.Udp => "udp",
                ClassifierProtocol.Icmp => "icmp",
                _ => "ip",
            },
        ];
        if (c.SourceIpPrefix is { } src && src != "0.0.0.0/0")
        {
            parts.Add("nw_src=" + src);
        }

        if (c.DestinationIpPrefix is { } dst && dst != "0.0.0.0/0")
        {
            parts.Add("nw_dst=" + dst);
        }

        string head = string.Join(',', parts);
        if (c.Protocol is not (ClassifierProtocol.Tcp or ClassifierProtocol.Udp))
        {
            return [head];
        }

        static IReadOnlyList<string> Ports(string field, int? min, int? max) =>
            (min ?? 0) <= 0 && (max ?? 65535) >= 65535 ? [string.Empty] : [.. PortMasks(min ?? 0, max ?? 65535).Select(m => $",{field}={m}")];
        IReadOnlyList<string> sources = Ports("tp_src", c.SourcePortMin, c.SourcePortMax);
        IReadOnlyList<string> destinations = Ports("tp_dst", c.DestinationPortMin, c.DestinationPortMax);
        return [.. sources.SelectMany(s => destinations.Select(d => head + s + d))];
    }

    /// <summary>Covers a port range with value/mask matches, the fewest that fit (OpenFlow has no range match).</summary>
    /// <param name="min">The first port.</param>
    /// <param name="max">The last port.</param>
    /// <returns>The matches (<c>53</c> or <c>0x400/0xfc00</c>).</returns>
    internal static IReadOnlyList<string> PortMasks(int min, int max)
    {
        List<string> masks = [];
        int lo = Math.Clamp(min, 0, 65535), hi = Math.Clamp(max, 0, 65535);
        while (lo <= hi)
        {
            int size = 1;
            while ((lo & ((size * 2) - 1)) == 0 && lo + (size * 2) - 1 <= hi && size < 65536)
            {
                size *= 2;
            }

            masks.Add(size == 1 ? lo.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"0x{lo:x}/0x{0xffff & ~(size - 1):x}"));
            lo += size;
        }

        return masks;
    }

    /// <summary>Reads the OpenFlow count of what each instance forwarded on each hop (from the rules' cookies).</summary>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>Packets and bytes per instance index and path code.</returns>
    private async Task<Dictionary<(int Index, int Code), (long Packets, long Bytes)>> ReadOvsHopCountersAsync(CancellationToken cancellationToken)
    {
        Dictionary<(int, int), (long, long)> counts = [];
        if (_ovs is null)
        {
            return counts;
        }

        foreach (OvsFlowStats s in await _ovs.DumpFlowsAsync(cancellationToken).ConfigureAwait(false))
        {
            if ((s.Cookie & OvsCookieMask) != OvsCookie || (s.Cookie & 0xffff) == 0)
            {
                continue;
            }

            (int, int) key = ((int)((s.Cookie >> 8) & 0xff), (int)(s.Cookie & 0xff));
            (long p, long b) = counts.GetValueOrDefault(key);
            counts[key] = (p + s.Packets, b + s.Bytes);
        }

        return counts;
    }
}
