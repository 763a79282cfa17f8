// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Emulator.LoadBalancing;

/// <summary>
/// How the emulated load-balancer service behaves. The defaults are conformant; each switch turns one behaviour into
/// the non-conformant one a real implementation might have, so tests can show that the checks catch it.
/// </summary>
public sealed record LoadBalancerEmulationOptions
{
    /// <summary>Gets a value indicating whether instances share flow state (active/active with connection sync); false: each instance knows only the flows it saw.</summary>
    public bool StateSync { get; init; } = true;

    /// <summary>Gets a value indicating whether fragments are held until the first one names the flow; false: each fragment is balanced on its own 5-tuple (ports 0 when absent).</summary>
    public bool FragmentAware { get; init; } = true;

    /// <summary>Gets a value indicating whether SCTP associations are tracked by verification tag; false: SCTP is balanced on the 5-tuple.</summary>
    public bool SctpAware { get; init; } = true;

    /// <summary>Gets a value indicating whether MP_JOIN subflows are steered by token; false: a join is a new TCP flow.</summary>
    public bool MptcpAware { get; init; } = true;

    /// <summary>Gets a value indicating whether QUIC is routed by destination connection ID; false: by the UDP 5-tuple.</summary>
    public bool QuicConnectionIdRouting { get; init; } = true;

    /// <summary>Gets a value indicating whether HTTP, HTTPS and HTTP/2 listeners apply their rules (Host, path, SNI, :authority); false: every request goes to the default pool.</summary>
    public bool L7Routing { get; init; } = true;

    /// <summary>Gets a value indicating whether each HTTP/2 stream is routed on its own; false: every stream of a connection follows the first one.</summary>
    public bool Http2PerStreamRouting { get; init; } = true;

    /// <summary>Gets a value indicating whether a DSR listener rewrites only the destination MAC; false: it translates the address as in NAT mode.</summary>
    public bool DsrRewritesOnlyMac { get; init; } = true;

    /// <summary>Gets a value indicating whether events carry their own severity; false: every event is logged as informational.</summary>
    public bool SeverityLevels { get; init; } = true;

    /// <summary>Gets a value indicating whether new and replacement instances stay in the load balancer's zones and subnet; false: they go to the platform's emptiest zone.</summary>
    public bool StayInLocalEnvironment { get; init; } = true;

    /// <summary>Gets the platform's availability zones and the subnet each offers to instances placed outside a load balancer's own subnet.</summary>
    public IReadOnlyDictionary<string, string> PlatformZones { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["az-1"] = "10.91.1.0/24",
        ["az-2"] = "10.91.2.0/24",
        ["az-3"] = "10.91.3.0/24",
    };

    /// <summary>Gets the BFD transmit interval between the upstream router and the instances.</summary>
    public TimeSpan BfdInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Gets the BFD detect multiplier (missed hellos before an instance is declared down).</summary>
    public int BfdMultiplier { get; init; } = 3;

    /// <summary>Gets the health-monitor interval.</summary>
    public TimeSpan HealthInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets the failed probes before a member is marked down.</summary>
    public int HealthFallThreshold { get; init; } = 3;

    /// <summary>Gets the successful probes before a member is marked up.</summary>
    public int HealthRiseThreshold { get; init; } = 2;

    /// <summary>Gets the time a replacement instance takes to boot and join.</summary>
    public TimeSpan InstanceBootTime { get; init; } = TimeSpan.FromSeconds(20);
}
