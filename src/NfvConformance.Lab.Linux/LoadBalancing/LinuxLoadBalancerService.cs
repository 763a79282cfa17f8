// Licensed under the Apache License, Version 2.0.
using System.Net;
using System.Net.Sockets;
using NfvConformance.Abstractions.LoadBalancing;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.LoadBalancing;

/// <summary>
/// The linux target's load-balancer service (<see cref="ILoadBalancing"/>): each load balancer is a set of
/// network namespaces of this run balanced by nftables (<see cref="LinuxLoadBalancer"/>). What one host cannot do is
/// refused as a value: L7, SCTP, MPTCP and QUIC listeners (no such balancer here) and failing an availability zone (one
/// host has none). The seeded virtual-time failover trial is not offered at all (<see cref="ILoadBalancingSimulation"/>
/// is emulator-only: real gear has no virtual time; here an instance crash is real and its traffic is re-spread).
/// </summary>
internal sealed class LinuxLoadBalancerService : ILoadBalancing, IAsyncDisposable
{
    /// <summary>Why a zone cannot fail here.</summary>
    public const string NoZones = "this target is one host: its zones are labels on namespaces that share one kernel, power feed and network, so failing a zone cannot be realised";

    private readonly LabRun _run;
    private readonly LinuxLoadBalancerOptions _options;
    private readonly Dictionary<string, LinuxLoadBalancer> _balancers = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _next;

    public LinuxLoadBalancerService(LabRun run, LinuxLoadBalancerOptions? options = null)
    {
        _run = run;
        _options = options ?? new LinuxLoadBalancerOptions();
    }

    /// <summary>Tells why a spec cannot be realised on this host, or null when it can.</summary>
    /// <param name="spec">The spec.</param>
    /// <returns>The reason, or null.</returns>
    public static string? Refusal(LoadBalancerSpec spec)
    {
        List<string> unsupported = [.. spec.Listeners.Where(l => l.Protocol is not (LbProtocol.Tcp or LbProtocol.Udp)).Select(l => $"{l.Name} ({l.Protocol})")];
        return unsupported.Count == 0
            ? null
            : $"listener(s) {string.Join(", ", unsupported)} need an L7 proxy or a protocol-aware balancer (SCTP verification tags, MPTCP tokens, HTTP/TLS/HTTP2 routing, QUIC connection IDs); this host balances TCP and UDP with nftables only";
    }

    public async ValueTask<LoadBalancerView> CreateAsync(LoadBalancerSpec spec, CancellationToken cancellationToken = default)
    {
        Validate(spec);
        if (Refusal(spec) is string reason)
        {
            return LoadBalancerView.Refused(spec, reason);
        }

        LinuxLoadBalancer lb;
        lock (_gate)
        {
            if (_balancers.ContainsKey(spec.Name))
            {
                throw new ArgumentException($"a load balancer named '{spec.Name}' exists; pick another Name.", nameof(spec));
            }

            lb = new LinuxLoadBalancer(_run, ++_next, spec, _options);
            _balancers[spec.Name] = lb;
        }

        try
        {
            await lb.BuildAsync(cancellationToken);
        }
        catch
        {
            await DeleteAsync(spec.Name, CancellationToken.None);
            throw;
        }

        return await lb.ViewAsync(cancellationToken);
    }

    /// <summary>Checks a spec before anything is created; the message names the field and what to change.</summary>
    /// <param name="spec">The spec.</param>
    /// <exception cref="ArgumentException">The spec is invalid.</exception>
    public static void Validate(LoadBalancerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string? problem = spec switch
        {
            { Name.Length: 0 } => "Name is empty; name the load balancer.",
            { Instances: < 1 } => $"Instances is {spec.Instances}; a load balancer needs at least 1.",
            _ when !IPAddress.TryParse(spec.Vip, out IPAddress? vip) || vip.AddressFamily != AddressFamily.InterNetwork => $"Vip '{spec.Vip}' is not an IPv4 address.",
            _ when spec.Vip6 is not null && (!IPAddress.TryParse(spec.Vip6, out IPAddress? vip6) || vip6.AddressFamily != AddressFamily.InterNetworkV6) => $"Vip6 '{spec.Vip6}' is not an IPv6 address.",
            _ when !IPNetwork.TryParse(spec.Subnet, out IPNetwork net) || net.BaseAddress.AddressFamily != AddressFamily.InterNetwork || net.PrefixLength > 24 => $"Subnet '{spec.Subnet}' is not an IPv4 CIDR of /24 or wider (instances take .101 up, the client gateway .254).",
            _ => null,
        };
        HashSet<string> pools = [.. spec.Pools.Select(p => p.Name)];
        problem ??= spec.Listeners.FirstOrDefault(l => !pools.Contains(l.DefaultPool)) is LbListenerSpec orphan
            ? $"Listeners[{orphan.Name}].DefaultPool '{orphan.DefaultPool}' is not a pool of the load balancer ({string.Join(", ", pools)}); name one of them."
            : null;
        problem ??= spec.Listeners.FirstOrDefault(l => l.Port is < 1 or > 65535) is LbListenerSpec badPort
            ? $"Listeners[{badPort.Name}].Port {badPort.Port} is not a port (1-65535)."
            : null;
        List<string> members = [.. spec.Pools.SelectMany(p => p.Members).Select(m => m.Name)];
        problem ??= members.GroupBy(m => m).FirstOrDefault(g => g.Count() > 1) is { } twice
            ? $"Pools: member name '{twice.Key}' is used twice; member names are unique in a load balancer."
            : null;
        problem ??= spec.Pools.SelectMany(p => p.Members).FirstOrDefault(m => !IPAddress.TryParse(m.Address, out IPAddress? a) || a.AddressFamily != AddressFamily.InterNetwork) is LbMemberSpec badMember
            ? $"Pools: member '{badMember.Name}' Address '{badMember.Address}' is not an IPv4 address."
            : null;
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(spec));
        }
    }

    public async ValueTask DeleteAsync(string loadBalancer, CancellationToken cancellationToken = default)
    {
        LinuxLoadBalancer? lb;
        lock (_gate)
        {
            if (!_balancers.Remove(loadBalancer, out lb))
            {
                return;
            }
        }

        // Teardown is not cancelled half-way: the namespaces of the run must all go.
        await lb.DisposeAsync();
    }

    public ValueTask<LoadBalancerView> DescribeAsync(string loadBalancer, CancellationToken cancellationToken = default) => new(Find(loadBalancer).ViewAsync(cancellationToken));

    public ValueTask<LbExchange> SendAsync(string loadBalancer, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default) => new(Find(loadBalancer).SendAsync(frame, cancellationToken));

    public ValueTask<LoadBalancerView> ScaleOutAsync(string loadBalancer, int instances, CancellationToken cancellationToken = default)
    {
        if (instances < 1)
        {
            throw new ArgumentException($"instances is {instances}; add at least 1.", nameof(instances));
        }

        return new(Find(loadBalancer).ScaleOutAsync(instances, cancellationToken));
    }

    public ValueTask CrashInstanceAsync(string loadBalancer, string instance, CancellationToken cancellationToken = default) => new(Find(loadBalancer).CrashAsync(instance, cancellationToken));

    public ValueTask<LbZoneRecovery> FailZoneAsync(string loadBalancer, string zone, CancellationToken cancellationToken = default)
    {
        _ = Find(loadBalancer);
        return ValueTask.FromResult(LbZoneRecovery.Refused(zone, NoZones));
    }

    public ValueTask SetMemberServingAsync(string loadBalancer, string member, bool serving, CancellationToken cancellationToken = default) => new(Find(loadBalancer).SetServingAsync(member, serving, cancellationToken));

    public ValueTask<TimeSpan> RunHealthMonitorAsync(string loadBalancer, CancellationToken cancellationToken = default) => new(Find(loadBalancer).RunHealthMonitorAsync(cancellationToken));

    public ValueTask<IReadOnlyList<LbEvent>> ReadEventsAsync(string loadBalancer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Find(loadBalancer).Events.Read());

    public async ValueTask DisposeAsync()
    {
        List<string> names;
        lock (_gate)
        {
            names = [.. _balancers.Keys];
        }

        foreach (string name in names)
        {
            await DeleteAsync(name, CancellationToken.None);
        }
    }

    private LinuxLoadBalancer Find(string name)
    {
        lock (_gate)
        {
            return _balancers.TryGetValue(name, out LinuxLoadBalancer? lb) ? lb : throw new ArgumentException($"there is no load balancer '{name}'; create it first.", nameof(name));
        }
    }
}
