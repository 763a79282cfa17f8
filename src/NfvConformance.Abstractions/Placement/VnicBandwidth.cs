// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Abstractions.Placement;

/// <summary>
/// A facet: guaranteed vNIC bandwidth (RM ch4.2.5, Table 4-17: options <c>n&lt;Gbps&gt;</c>). A grant reserves the
/// option's bandwidth on one physical port fast enough to carry it, and the guarantees on a port never add up to
/// more than its speed: OpenStack does this with Neutron QoS minimum-bandwidth rules and Placement's
/// NET_BW_EGR_KILOBIT_PER_SEC inventories per physical device; Kubernetes with a bandwidth-aware device plugin.
/// Reserving and releasing are calls to the infrastructure and are asynchronous; <see cref="Ports"/> reads back what
/// the target holds and stays synchronous.
/// </summary>
public interface IVnicBandwidth
{
    /// <summary>Gets every physical port that can back guarantees, with what is guaranteed on it now.</summary>
    IReadOnlyList<VnicPortBandwidth> Ports { get; }

    /// <summary>Reserves a vNIC bandwidth option on a port fast enough and with room left, or refuses with the reason.</summary>
    /// <param name="request">The option, and optionally the node and port.</param>
    /// <param name="cancellationToken">Cancels the reservation; nothing is reserved.</param>
    /// <returns>A grant, or the problems (an unknown option, no port fast enough, every fast port full).</returns>
    ValueTask<VnicBandwidthResult> ReserveAsync(VnicBandwidthRequest request, CancellationToken cancellationToken = default);

    /// <summary>Releases a grant.</summary>
    /// <param name="grantId">The grant's id.</param>
    /// <param name="cancellationToken">Cancels the release.</param>
    /// <returns>True when the grant existed.</returns>
    ValueTask<bool> ReleaseAsync(string grantId, CancellationToken cancellationToken = default);
}

/// <summary>The RM's vNIC bandwidth options (Table 4-17): five ranges of six options each.</summary>
public static class VnicBandwidthOptions
{
    /// <summary>Gets every option's bandwidth in Gbit/s, by range (n1-n6, n10-n60, n25-n150, n50-n300, n100-n600).</summary>
    public static IReadOnlyList<IReadOnlyList<int>> Ranges { get; } =
    [
        [1, 2, 3, 4, 5, 6],
        [10, 20, 30, 40, 50, 60],
        [25, 50, 75, 100, 125, 150],
        [50, 100, 150, 200, 250, 300],
        [100, 200, 300, 400, 500, 600],
    ];

    /// <summary>Parses an option (<c>n25</c>) into its bandwidth in Gbit/s.</summary>
    /// <param name="option">The option.</param>
    /// <param name="gbps">The bandwidth.</param>
    /// <returns>True when the option is one of the RM's.</returns>
    public static bool TryParse(string option, out int gbps)
    {
        gbps = 0;
        if (option is not { Length: > 1 } || option[0] != 'n' || !int.TryParse(option.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int value))
        {
            return false;
        }

        gbps = Ranges.Any(r => r.Contains(value)) ? value : 0;
        return gbps > 0;
    }

    /// <summary>Gets every valid option name, for error messages.</summary>
    public static string Describe => string.Join(", ", Ranges.SelectMany(r => r).Distinct().Order().Select(g => $"n{g}"));
}

/// <summary>Asks for a vNIC bandwidth option.</summary>
/// <param name="Workload">Who asks (for the grant and error messages).</param>
/// <param name="Option">The option, <c>n&lt;Gbps&gt;</c>.</param>
/// <param name="NodeId">The node, or null for any.</param>
/// <param name="Nic">The physical port on that node, or null for any.</param>
public sealed record VnicBandwidthRequest(string Workload, string Option, string? NodeId = null, string? Nic = null);

/// <summary>A physical port and the bandwidth guaranteed on it.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Nic">The port.</param>
/// <param name="SpeedGbps">The port's speed.</param>
/// <param name="GuaranteedGbps">The sum of the guarantees granted on it.</param>
/// <param name="LinkUp">The link state (a port that is down backs no new guarantee).</param>
public sealed record VnicPortBandwidth(string NodeId, string Nic, int SpeedGbps, int GuaranteedGbps, bool LinkUp);

/// <summary>A vNIC bandwidth guarantee.</summary>
/// <param name="Id">The grant id.</param>
/// <param name="Workload">Who asked.</param>
/// <param name="Option">The option.</param>
/// <param name="Gbps">The guaranteed bandwidth.</param>
/// <param name="NodeId">The node.</param>
/// <param name="Nic">The physical port backing it.</param>
/// <param name="PortSpeedGbps">The port's speed.</param>
/// <param name="PortGuaranteedGbps">The port's guaranteed total, this grant included.</param>
public sealed record VnicBandwidthGrant(string Id, string Workload, string Option, int Gbps, string NodeId, string Nic, int PortSpeedGbps, int PortGuaranteedGbps);

/// <summary>The answer to a <see cref="VnicBandwidthRequest"/>.</summary>
/// <param name="Grant">The grant, or null when refused.</param>
/// <param name="Problems">Why it was refused.</param>
public sealed record VnicBandwidthResult(VnicBandwidthGrant? Grant, IReadOnlyList<ValidationError> Problems)
{
    /// <summary>Gets a value telling whether the option was granted.</summary>
    public bool Granted => Grant is not null;
}
