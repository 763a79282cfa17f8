// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Net;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Linux.Target;
using NfvConformance.Lab.Workloads.Host;

namespace NfvConformance.Lab.Workloads.Wiring;

/// <summary>Packets counted at one hop, from the kernel's interface counters.</summary>
/// <param name="Hop">The hop's name (<c>source</c>, an instance name, <c>sink</c>).</param>
/// <param name="In">Packets received on its left interface (sent, for the source).</param>
/// <param name="Out">Packets sent on its right interface (received, for the sink).</param>
public sealed record HopCount(string Hop, long In, long Out);

/// <summary>
/// A line of workloads between a source and a sink namespace, for tests and for onboarding a vendor's VNF. Each
/// segment between two stages is a bridge in a fabric namespace; every instance plugs one veth into the segment on
/// its left and one into the segment on its right, with a MAC the chain keeps per position, so replacing an instance
/// (heal) or adding members to a stage (ECMP scale-out) leaves the neighbours' addresses, routes and ARP caches as
/// they were. Segment k is 10.77.k.0/24: the source is 10.77.0.1, the sink 10.77.N.254, member m of stage k is
/// 10.77.k.(10+m) on its left and 10.77.(k+1).(100+m) on its right.
/// </summary>
public sealed class WorkloadChain : IAsyncDisposable
{
    /// <summary>The built-in router: forwards between its two interfaces, addressed by the chain.</summary>
    public static readonly IReadOnlyList<string> RouterCommands =
    [
        "sysctl -w net.ipv4.ip_forward=1",
        "sysctl -w net.ipv4.conf.all.rp_filter=0",
        "ip addr add {left_ip} dev left",
        "ip addr add {right_ip} dev right",
        "ip link set left up",
        "ip link set right up",
        "ip route replace {dst_net} via {right_next}",
        "ip route replace {src_net} via {left_prev}",
    ];

    private readonly LinuxLabContext _run;
    private readonly int _stages;
    private readonly List<(int Stage, int Member, IWorkloadRuntime Runtime, WorkloadInstance Instance, int Generation)> _members = [];
    private int _generation;

    private WorkloadChain(LinuxLabContext run, int stages)
    {
        _run = run;
        _stages = stages;
        Fabric = run.Name("wfab");
        SourceNetns = run.Name("wsrc");
        SinkNetns = run.Name("wdst");
    }

    /// <summary>Gets the fabric namespace (one bridge per segment).</summary>
    public string Fabric { get; }

    /// <summary>Gets the source namespace's name.</summary>
    public string SourceNetns { get; }

    /// <summary>Gets the sink namespace's name.</summary>
    public string SinkNetns { get; }

    /// <summary>Gets the source address.</summary>
    public IPAddress Source => IPAddress.Parse("10.77.0.1");

    /// <summary>Gets the sink address.</summary>
    public IPAddress Destination => IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"10.77.{_stages}.254"));

    /// <summary>Creates the source, the sink and the segments of a chain of <paramref name="stages"/> stages.</summary>
    /// <param name="run">The run.</param>
    /// <param name="stages">How many stages (hops) the chain has.</param>
    /// <returns>The chain, with no instance in it yet.</returns>
    public static async Task<WorkloadChain> CreateAsync(LinuxLabContext run, int stages)
    {
        WorkloadChain c = new(run, stages);
        foreach (string ns in new[] { c.Fabric, c.SourceNetns, c.SinkNetns })
        {
            // No IPv6: its router solicitations and DAD would be the only traffic the counters see otherwise.
            await Netns.CreateAsync(ns).ConfigureAwait(false);
            await HostShell.InNetnsAsync(ns, "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1").ConfigureAwait(false);
        }
        for (int k = 0; k <= stages; k++)
        {
            string br = Inv($"seg{k}");
            (await Shell.RunAsync("ip", ["-n", c.Fabric, "link", "add", br, "type", "bridge"]).ConfigureAwait(false)).OrThrow();
            (await Shell.RunAsync("ip", ["-n", c.Fabric, "link", "set", br, "up"]).ConfigureAwait(false)).OrThrow();
        }

        await c.PlugAsync(Netns.PathOf(c.SourceNetns), "out", 0, "src", null).ConfigureAwait(false);
        await c.PlugAsync(Netns.PathOf(c.SinkNetns), "in", stages, "dst", null).ConfigureAwait(false);
        await HostShell.InNetnsAsync(c.SourceNetns, $"ip addr add 10.77.0.1/24 dev out && ip link set out up && sysctl -qw net.ipv4.fib_multipath_hash_policy=1").ConfigureAwait(false);
        await HostShell.InNetnsAsync(c.SinkNetns, Inv($"ip addr add 10.77.{stages}.254/24 dev in && ip link set in up && sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.in.rp_filter=0")).ConfigureAwait(false);
        return c;
    }

    /// <summary>Gets the placeholders of a member's commands: its addresses and its neighbours'.</summary>
    /// <param name="stage">The stage (0-based).</param>
    /// <param name="member">The member of the stage (0-based).</param>
    /// <returns>The placeholder values.</returns>
    public IReadOnlyDictionary<string, string> Placeholders(int stage, int member) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["{left_ip}"] = Inv($"10.77.{stage}.{10 + member}/24"),
        ["{right_ip}"] = Inv($"10.77.{stage + 1}.{100 + member}/24"),
        ["{left_prev}"] = stage == 0 ? "10.77.0.1" : Inv($"10.77.{stage}.100"),
        ["{right_next}"] = stage == _stages - 1 ? Inv($"10.77.{_stages}.254") : Inv($"10.77.{stage + 1}.10"),
        ["{src_net}"] = "10.77.0.0/24",
        ["{dst_net}"] = Inv($"10.77.{_stages}.0/24"),
        ["{mark}"] = Inv($"{member + 1}"),
        ["{left_addr}"] = Inv($"10.77.{stage}.{10 + member}"),
    };

    /// <summary>Expands the placeholders in a member's commands.</summary>
    /// <param name="commands">The commands.</param>
    /// <param name="stage">The stage.</param>
    /// <param name="member">The member.</param>
    /// <returns>The commands to run.</returns>
    public IReadOnlyList<string> Expand(IEnumerable<string> commands, int stage, int member)
    {
        IReadOnlyDictionary<string, string> values = Placeholders(stage, member);
        return [.. commands.Select(c => values.Aggregate(c, (s, kv) => s.Replace(kv.Key, kv.Value, StringComparison.Ordinal)))];
    }

    /// <summary>Gets the stable MACs of a member's two interfaces.</summary>
    /// <param name="stage">The stage.</param>
    /// <param name="member">The member.</param>
    /// <returns>Left and right MAC.</returns>
    public static IReadOnlyList<string> Macs(int stage, int member) =>
        [Inv($"02:77:{stage:x2}:{member:x2}:00:01"), Inv($"02:77:{stage:x2}:{member:x2}:00:02")];

    /// <summary>Plugs a started instance into its stage and runs its commands.</summary>
    /// <param name="stage">The stage.</param>
    /// <param name="member">The member of the stage.</param>
    /// <param name="runtime">Its runtime.</param>
    /// <param name="instance">The instance (started with <see cref="Macs"/> and <see cref="Expand"/>ed commands).</param>
    /// <returns>A task.</returns>
    public async Task AttachAsync(int stage, int member, IWorkloadRuntime runtime, WorkloadInstance instance)
    {
        int gen = ++_generation;
        bool vm = instance.Kind == Descriptors.Vnfd.RealisationKind.VirtualMachine;
        IReadOnlyList<string> macs = Macs(stage, member);
        await PlugAsync(instance.NetnsPath, "left", stage, Inv($"h{stage}m{member}l{gen}"), vm ? null : macs[0]).ConfigureAwait(false);
        await PlugAsync(instance.NetnsPath, "right", stage + 1, Inv($"h{stage}m{member}r{gen}"), vm ? null : macs[1]).ConfigureAwait(false);
        await runtime.ActivateAsync(instance).ConfigureAwait(false);
        _members.Add((stage, member, runtime, instance, gen));
    }

    /// <summary>Removes an instance's plugs from the fabric (the instance itself is the caller's to stop).</summary>
    /// <param name="instance">The instance.</param>
    /// <returns>A task.</returns>
    public async Task DetachAsync(WorkloadInstance instance)
    {
        foreach (var m in _members.Where(m => m.Instance == instance).ToArray())
        {
            _ = await Shell.RunAsync("ip", ["-n", Fabric, "link", "delete", Inv($"h{m.Stage}m{m.Member}l{m.Generation}")]).ConfigureAwait(false);
            _ = await Shell.RunAsync("ip", ["-n", Fabric, "link", "delete", Inv($"h{m.Stage}m{m.Member}r{m.Generation}")]).ConfigureAwait(false);
            _members.Remove(m);
        }
    }

    /// <summary>Routes the source's traffic over the given members of stage 0 (ECMP over their left addresses, L4 hash).</summary>
    /// <param name="members">The members, by index.</param>
    /// <returns>A task.</returns>
    public async Task RouteOverAsync(IReadOnlyList<int> members)
    {
        string hops = string.Join(' ', members.Select(m => Inv($"nexthop via 10.77.0.{10 + m} dev out")));
        (await HostShell.InNetnsAsync(SourceNetns, Inv($"ip route replace 10.77.{_stages}.0/24 {hops}")).ConfigureAwait(false)).OrThrow();
    }

    /// <summary>Counts packets at every hop from the kernel's interface counters.</summary>
    /// <returns>Source, each attached instance in stage order, sink.</returns>
    public async Task<IReadOnlyList<HopCount>> CountAsync()
    {
        List<HopCount> counts = [];
        Dictionary<string, LinkCounters> src = await Netns.CountersAsync(SourceNetns).ConfigureAwait(false);
        counts.Add(new HopCount("source", src["out"].TxPackets, src["out"].TxPackets));
        foreach (var m in _members.OrderBy(m => m.Stage).ThenBy(m => m.Member))
        {
            Dictionary<string, LinkCounters> c = Netns.CountersOfProcess(m.Instance.Pid);
            counts.Add(new HopCount(m.Instance.Name, c.TryGetValue("left", out LinkCounters l) ? l.RxPackets : 0, c.TryGetValue("right", out LinkCounters r) ? r.TxPackets : 0));
        }

        Dictionary<string, LinkCounters> dst = await Netns.CountersAsync(SinkNetns).ConfigureAwait(false);
        counts.Add(new HopCount("sink", dst["in"].RxPackets, dst["in"].RxPackets));
        return counts;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Netns.DeleteAsync(SourceNetns).ConfigureAwait(false);
        await Netns.DeleteAsync(SinkNetns).ConfigureAwait(false);
        await Netns.DeleteAsync(Fabric).ConfigureAwait(false);
    }

    private async Task PlugAsync(string netnsPath, string name, int segment, string fabricEnd, string? mac)
    {
        List<string> args = ["link", "add", fabricEnd, "netns", Netns.PathOf(Fabric), "type", "veth", "peer", "name", name, "netns", netnsPath];
        if (mac is not null)
        {
            args.InsertRange(args.Count - 2, ["address", mac]);
        }

        (await Shell.RunAsync("ip", args).ConfigureAwait(false)).OrThrow();
        (await Shell.RunAsync("ip", ["-n", Fabric, "link", "set", fabricEnd, "master", Inv($"seg{segment}")]).ConfigureAwait(false)).OrThrow();
        (await Shell.RunAsync("ip", ["-n", Fabric, "link", "set", fabricEnd, "up"]).ConfigureAwait(false)).OrThrow();
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
