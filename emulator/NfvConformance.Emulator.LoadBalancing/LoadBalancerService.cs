// Licensed under the Apache License, Version 2.0.
using System.Net;
using NfvConformance.Abstractions.LoadBalancing;
using NfvConformance.Abstractions.Targets;

namespace NfvConformance.Emulator.LoadBalancing;

/// <summary>
/// The emulator's load-balancer platform service: every load balancer runs in-process on real frames, in virtual time.
/// Every call completes at once (no I/O); it also offers the simulation-only <see cref="ILoadBalancingSimulation"/>.
/// </summary>
public sealed class LoadBalancerService : ILoadBalancing, ILoadBalancingSimulation
{
    private readonly Dictionary<string, EmulatedLoadBalancer> _balancers = new(StringComparer.Ordinal);
    private readonly LoadBalancerEmulationOptions _options;
    private readonly int _seed;
    private readonly TimeProvider _clock;
    private readonly Lock _lock = new();

    /// <summary>Creates the service.</summary>
    /// <param name="options">Behaviour switches.</param>
    /// <param name="seed">The seed; with the load balancer's VIP it seeds each load balancer, so results repeat.</param>
    /// <param name="clock">Where event times start from.</param>
    public LoadBalancerService(LoadBalancerEmulationOptions options, int seed, TimeProvider clock)
    {
        _options = options;
        _seed = seed;
        _clock = clock;
    }

    /// <inheritdoc/>
    public ValueTask<LoadBalancerView> CreateAsync(LoadBalancerSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            List<string> problems = Validate(spec);
            if (problems.Count > 0)
            {
                throw new ArgumentException($"Load balancer '{spec.Name}' cannot be created: {string.Join(" ", problems)}", nameof(spec));
            }

            int seed = StableSeed.Derive(_seed, spec.Vip);

            EmulatedLoadBalancer lb = new(spec, _options, seed, _clock.GetUtcNow());
            _balancers[spec.Name] = lb;
            return ValueTask.FromResult(lb.View());
        }
    }

    /// <inheritdoc/>
    public ValueTask DeleteAsync(string loadBalancer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _balancers.Remove(loadBalancer);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<LoadBalancerView> DescribeAsync(string loadBalancer, CancellationToken cancellationToken = default) =>
        On(loadBalancer, cancellationToken, lb => lb.View());

    /// <inheritdoc/>
    public ValueTask<LbExchange> SendAsync(string loadBalancer, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default) =>
        On(loadBalancer, cancellationToken, lb => lb.Send(frame));

    /// <inheritdoc/>
    public ValueTask<LoadBalancerView> ScaleOutAsync(string loadBalancer, int instances, CancellationToken cancellationToken = default) =>
        On(loadBalancer, cancellationToken, lb => lb.ScaleOut(instances));

    /// <inheritdoc/>
    public ValueTask CrashInstanceAsync(string loadBalancer, string instance, CancellationToken cancellationToken = default) =>
        new(On(loadBalancer, cancellationToken, lb =>
        {
            lb.CrashInstance(instance);
            return true;
        }).AsTask());

    /// <inheritdoc/>
    public ValueTask<LbZoneRecovery> FailZoneAsync(string loadBalancer, string zone, CancellationToken cancellationToken = default) =>
        On(loadBalancer, cancellationToken, lb => lb.FailZone(zone));

    /// <inheritdoc/>
    public ValueTask SetMemberServingAsync(string loadBalancer, string member, bool serving, CancellationToken cancellationToken = default) =>
        new(On(loadBalancer, cancellationToken, lb =>
        {
            lb.SetMemberServing(member, serving);
            return true;
        }).AsTask());

    /// <inheritdoc/>
    public ValueTask<TimeSpan> RunHealthMonitorAsync(string loadBalancer, CancellationToken cancellationToken = default) =>
        On(loadBalancer, cancellationToken, lb => lb.RunHealthMonitor());

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<LbEvent>> ReadEventsAsync(string loadBalancer, CancellationToken cancellationToken = default) =>
        On(loadBalancer, cancellationToken, lb => lb.Events);

    /// <inheritdoc/>
    public ValueTask<LbFailoverResult> RunFailoverTrialAsync(string loadBalancer, LbFailoverTrial trial, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return On(loadBalancer, cancellationToken, lb => lb.RunFailoverTrial(trial));
    }

    /// <summary>Runs one in-memory operation on a load balancer under the service's lock; it completes at once.</summary>
    private ValueTask<T> On<T>(string loadBalancer, CancellationToken cancellationToken, Func<EmulatedLoadBalancer, T> operation)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return ValueTask.FromResult(operation(Find(loadBalancer)));
        }
    }

    private EmulatedLoadBalancer Find(string name) =>
        _balancers.TryGetValue(name, out EmulatedLoadBalancer? lb)
            ? lb
            : throw new ArgumentException($"There is no load balancer '{name}'; create it first (existing: {(_balancers.Count == 0 ? "none" : string.Join(", ", _balancers.Keys))}).");

    private List<string> Validate(LoadBalancerSpec spec)
    {
        List<string> problems = [];
        void Check(bool ok, string problem)
        {
            if (!ok)
            {
                problems.Add(problem);
            }
        }

        Check(!string.IsNullOrWhiteSpace(spec.Name), "name: give it a name.");
        Check(!_balancers.ContainsKey(spec.Name), $"name: a load balancer '{spec.Name}' exists already; delete it or pick another name.");
        bool subnetOk = TryCidr(spec.Subnet);
        Check(subnetOk, $"subnet: '{spec.Subnet}' is not a CIDR such as 10.1.0.0/24.");
        bool vipOk = IPAddress.TryParse(spec.Vip, out IPAddress? vip) && vip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        Check(vipOk, $"vip: '{spec.Vip}' is not an IPv4 address.");
        Check(!vipOk || !subnetOk || Frames.Contains(spec.Subnet, vip!), $"vip: {spec.Vip} is outside the subnet {spec.Subnet}.");
        Check(spec.Vip6 is null || (IPAddress.TryParse(spec.Vip6, out IPAddress? v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6), $"vip6: '{spec.Vip6}' is not an IPv6 address.");
        Check(spec.Zones.Count > 0, "zones: name at least one availability zone of the local environment.");
        foreach (string z in spec.Zones.Where(z => !_options.PlatformZones.ContainsKey(z)))
        {
            problems.Add($"zones: '{z}' is not a zone of the platform ({string.Join(", ", _options.PlatformZones.Keys)}).");
        }

        Check(spec.Instances is >= 1 and <= 16, $"instances: {spec.Instances}; start 1 to 16 (2 or more for a resilient load balancer).");
        Check(spec.Listeners.Count > 0, "listeners: add at least one listener.");
        Check(spec.Pools.Count > 0, "pools: add at least one pool.");
        HashSet<string> pools = [.. spec.Pools.Select(p => p.Name)];
        Check(pools.Count == spec.Pools.Count, "pools: pool names must be unique.");
        foreach (LbListenerSpec l in spec.Listeners)
        {
            Check(l.Port is >= 1 and <= 65535, $"listener '{l.Name}': port {l.Port} is not 1-65535.");
            Check(pools.Contains(l.DefaultPool), $"listener '{l.Name}': default pool '{l.DefaultPool}' is not a pool of the load balancer.");
            bool l7 = l.Protocol is LbProtocol.Http or LbProtocol.Https or LbProtocol.Http2;
            Check(l7 || l.Rules.Count == 0, $"listener '{l.Name}': rules route on Host, path or SNI, so only http, https and http2 listeners take them.");
            Check(!(l7 && spec.Mode == LbForwardingMode.DirectServerReturn), $"listener '{l.Name}': an {l.Protocol} listener terminates the client's TCP connection, so it cannot use direct server return; use mode nat.");
            Check(!(l.Protocol == LbProtocol.Sctp && spec.Mode == LbForwardingMode.DirectServerReturn), $"listener '{l.Name}': SCTP is tracked by the verification tag of the INIT ACK, which must cross the load balancer; use mode nat.");
            foreach (LbRouteRule r in l.Rules)
            {
                Check(pools.Contains(r.Pool), $"listener '{l.Name}': a rule sends to '{r.Pool}', which is not a pool.");
                Check(!(l.Protocol == LbProtocol.Https && r.PathPrefix is not null), $"listener '{l.Name}': an https rule cannot match a path (the path is encrypted; only the SNI is visible).");
            }
        }

        Check(spec.Listeners.Select(l => (l.Protocol is LbProtocol.Udp or LbProtocol.Quic ? 17 : l.Protocol == LbProtocol.Sctp ? 132 : 6, l.Port)).Distinct().Count() == spec.Listeners.Count, "listeners: two listeners use the same transport protocol and port.");
        HashSet<string> names = [];
        foreach (LbMemberSpec m in spec.Pools.SelectMany(p => p.Members))
        {
            Check(names.Add(m.Name), $"member '{m.Name}': names must be unique in the load balancer.");
            bool memberSubnetOk = TryCidr(m.Subnet);
            Check(memberSubnetOk, $"member '{m.Name}': subnet '{m.Subnet}' is not a CIDR.");
            bool addressOk = IPAddress.TryParse(m.Address, out IPAddress? a) && a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
            Check(addressOk, $"member '{m.Name}': address '{m.Address}' is not an IPv4 address.");
            Check(!addressOk || !memberSubnetOk || Frames.Contains(m.Subnet, a!), $"member '{m.Name}': address {m.Address} is outside its subnet {m.Subnet}.");
            Check(m.Address6 is null || IPAddress.TryParse(m.Address6, out _), $"member '{m.Name}': address6 '{m.Address6}' is not an IPv6 address.");
            Check(_options.PlatformZones.ContainsKey(m.Zone), $"member '{m.Name}': zone '{m.Zone}' is not a zone of the platform ({string.Join(", ", _options.PlatformZones.Keys)}).");
            Check(spec.Mode != LbForwardingMode.DirectServerReturn || m.Subnet == spec.Subnet, $"member '{m.Name}': L2 direct server return rewrites only the MAC, so members must be on the load balancer's subnet {spec.Subnet}, not {m.Subnet}.");
        }

        foreach (LbPoolSpec p in spec.Pools.Where(p => p.Members.Count == 0))
        {
            problems.Add($"pool '{p.Name}': add at least one member.");
        }

        return problems;
    }

    private static bool TryCidr(string cidr)
    {
        try
        {
            Frames.Cidr(cidr, "subnet");
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
