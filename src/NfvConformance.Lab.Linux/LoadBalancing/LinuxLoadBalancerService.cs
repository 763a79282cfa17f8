// Licensed under the Apache License, Version 2.0.
using System.Net;
using System.Net.Sockets;
using NfvConformance.Abstractions.LoadBalancing;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.LoadBalancing;

/// <summary>
/// The linux target's load-balancer service (<see cref="ILoadBalancing"/>): each load balancer is a set of
/// network namespaces of this run balanced by nftables (<see cref="LinuxLoadBalancer"/>). What one host cannot do is
/// refused as a value: L7, SCTP, MPTCP and QUIC listeners (no such balancer here), failing an availability zone (one
/// host has none) and the seeded virtual-time failover trial (real gear has no virtual time).
/// </summary>
internal sealed class LinuxLoadBalancerService : ILoadBalancing, IDisposable
{
    /// <summary>Why a zone cannot fail here.</summary>
    public const string NoZones = "this target is one host: its zones are labels on namespaces that share one kernel, power feed and network, so failing a zone cannot be realised";

    /// <summary>Why the failover trial cannot run here.</summary>
    public const string NoVirtualTime = "the failover trial runs in seeded virtual time, which real gear does not have (@requires:virtual-time-trials); here an instance crash is real (CrashInstance) and its traffic is re-spread, but the loss window is not measured";

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

    public LoadBalancerView Create(LoadBalancerSpec spec)
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
            lb.Build();
        }
        catch
        {
            Delete(spec.Name);
            throw;
        }

        return lb.View();
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

    public void Delete(string loadBalancer)
    {
        LinuxLoadBalancer? lb;
        lock (_gate)
        {
            if (!_balancers.Remove(loadBalancer, out lb))
            {
                return;
            }
        }

        lb.Dispose();
    }

    public LoadBalancerView Describe(string loadBalancer) => Find(loadBalancer).View();

    public LbExchange Send(string loadBalancer, ReadOnlyMemory<byte> frame) => Find(loadBalancer).Send(frame);

    public LoadBalancerView ScaleOut(string loadBalancer, int instances)
    {
        if (instances < 1)
        {
            throw new ArgumentException($"instances is {instances}; add at least 1.", nameof(instances));
        }

        return Find(loadBalancer).ScaleOut(instances);
    }

    public void CrashInstance(string loadBalancer, string instance) => Find(loadBalancer).Crash(instance);

    public LbZoneRecovery FailZone(string loadBalancer, string zone)
    {
        _ = Find(loadBalancer);
        return LbZoneRecovery.Refused(zone, NoZones);
    }

    public void SetMemberServing(string loadBalancer, string member, bool serving) => Find(loadBalancer).SetServing(member, serving);

    public TimeSpan RunHealthMonitor(string loadBalancer) => Find(loadBalancer).RunHealthMonitor();

    public IReadOnlyList<LbEvent> ReadEvents(string loadBalancer) => Find(loadBalancer).Events.Read();

    public LbFailoverResult RunFailoverTrial(string loadBalancer, LbFailoverTrial trial)
    {
        _ = Find(loadBalancer);
        return LbFailoverResult.Refused(NoVirtualTime);
    }

    public void Dispose()
    {
        List<string> names;
        lock (_gate)
        {
            names = [.. _balancers.Keys];
        }

        names.ForEach(Delete);
    }

    private LinuxLoadBalancer Find(string name)
    {
        lock (_gate)
        {
            return _balancers.TryGetValue(name, out LinuxLoadBalancer? lb) ? lb : throw new ArgumentException($"there is no load balancer '{name}'; create it first.", nameof(name));
        }
    }
}
