// Licensed under the Apache License, Version 2.0.
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using NfvConformance.Emulator.ContainerPlatform.Cluster;
using NfvConformance.Emulator.ContainerPlatform.Manifests;

namespace NfvConformance.Emulator.ContainerPlatform.Cni;

/// <summary>
/// Address stores for IPAM plugins. A store is a named set of leased addresses: the whereabouts-style plugin keys its
/// store by range alone (one store for the cluster, as its CRD-backed store is), a host-local plugin by node and range
/// (one file per node, so two nodes can lease the same address).
/// </summary>
internal sealed class IpamStores
{
    private readonly Dictionary<string, HashSet<UInt128>> _stores = new(StringComparer.Ordinal);

    /// <summary>Leases the lowest free address of a range.</summary>
    /// <param name="store">The store's key.</param>
    /// <param name="range">The range.</param>
    /// <param name="first">The first address that may be leased.</param>
    /// <param name="last">The last address that may be leased.</param>
    /// <param name="excluded">Prefixes never leased.</param>
    /// <returns>The address, or null when the range is exhausted.</returns>
    public IPAddress? Lease(string store, IPNetwork range, IPAddress first, IPAddress last, IReadOnlyList<IPNetwork> excluded)
    {
        HashSet<UInt128> used = Store(store);
        for (UInt128 a = Addresses.ToInteger(first); a <= Addresses.ToInteger(last); a++)
        {
            IPAddress candidate = Addresses.FromInteger(a, range.BaseAddress.AddressFamily);
            if (!used.Contains(a) && !excluded.Any(e => e.Contains(candidate)))
            {
                used.Add(a);
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Leases a given address.</summary>
    /// <param name="store">The store.</param>
    /// <param name="address">The address.</param>
    /// <returns>False when it is already leased.</returns>
    public bool LeaseExact(string store, IPAddress address) => Store(store).Add(Addresses.ToInteger(address));

    /// <summary>Releases an address.</summary>
    /// <param name="store">The store.</param>
    /// <param name="address">The address.</param>
    public void Release(string store, IPAddress address) => Store(store).Remove(Addresses.ToInteger(address));

    /// <summary>Tells whether an address is leased in a store.</summary>
    /// <param name="store">The store.</param>
    /// <param name="address">The address.</param>
    /// <returns>True when leased.</returns>
    public bool IsLeased(string store, IPAddress address) => Store(store).Contains(Addresses.ToInteger(address));

    private HashSet<UInt128> Store(string key)
    {
        if (!_stores.TryGetValue(key, out HashSet<UInt128>? set))
        {
            set = [];
            _stores[key] = set;
        }

        return set;
    }
}

/// <summary>An address an IPAM plugin handed out.</summary>
/// <param name="Address">The address.</param>
/// <param name="Prefix">Its prefix length.</param>
/// <param name="Gateway">The gateway, or null.</param>
/// <param name="Store">The store to release it from.</param>
internal sealed record IpamLease(IPAddress Address, int Prefix, IPAddress? Gateway, string Store);

/// <summary>The IPAM plugins a delegate can name in its <c>ipam</c> section: whereabouts, host-local and static.</summary>
internal sealed class IpamPlugins
{
    private readonly IpamStores _stores;
    private readonly ContainerPlatformOptions _options;

    /// <summary>Creates the plugins over shared stores.</summary>
    /// <param name="stores">The stores.</param>
    /// <param name="options">The cluster's options.</param>
    public IpamPlugins(IpamStores stores, ContainerPlatformOptions options)
    {
        _stores = stores;
        _options = options;
    }

    /// <summary>Runs an IPAM ADD; on failure nothing stays leased.</summary>
    /// <param name="ipam">The delegate's <c>ipam</c> object.</param>
    /// <param name="node">The node the pod runs on.</param>
    /// <param name="requestedIps">Addresses requested through the <c>ips</c> capability, when the delegate declares it.</param>
    /// <returns>The leases.</returns>
    /// <exception cref="CniException">The configuration is wrong or a range is exhausted.</exception>
    public IReadOnlyList<IpamLease> Add(JsonObject? ipam, string node, IReadOnlyList<string> requestedIps)
    {
        if (ipam is null)
        {
            return [];
        }

        List<IpamLease> leases = [];
        try
        {
            string type = ipam.Str("type") ?? throw new CniException(7, "ipam: the \"type\" field is missing; name an IPAM plugin (whereabouts, host-local or static).");
            switch (type)
            {
                case "whereabouts":
                    foreach (JsonObject range in WhereaboutsRanges(ipam))
                    {
                        leases.Add(LeaseRange(range, "range", _options.ClusterWideIpam ? "whereabouts" : $"whereabouts@{node}", "range_start", "range_end", gatewayKey: "gateway", ipam));
                    }

                    break;
                case "host-local":
                    foreach (JsonObject range in HostLocalRanges(ipam))
                    {
                        leases.Add(LeaseRange(range, "subnet", $"host-local@{node}", "rangeStart", "rangeEnd", gatewayKey: "gateway", ipam));
                    }

                    break;
                case "static":
                    IEnumerable<(string Address, string? Gateway)> wanted = requestedIps.Count > 0
                        ? requestedIps.Select(a => (a, (string?)null))
                        : ipam.Arr("addresses").Select(a => (a.Str("address") ?? string.Empty, a.Str("gateway")));
                    foreach ((string text, string? gateway) in wanted)
                    {
                        IPNetwork net = ParseWithAddress(text, out IPAddress address);
                        if (!_stores.LeaseExact("static", address))
                        {
                            throw new CniException(11, $"ipam static: {address} is already used by another attachment; pick a free address.");
                        }

                        leases.Add(new IpamLease(address, net.PrefixLength, gateway is null ? null : IPAddress.Parse(gateway), "static"));
                    }

                    break;
                default:
                    throw new CniException(7, $"ipam: failed to find plugin \"{type}\" in path [/opt/cni/bin]; the node has whereabouts, host-local and static.");
            }
        }
        catch
        {
            foreach (IpamLease lease in leases)
            {
                _stores.Release(lease.Store, lease.Address);
            }

            throw;
        }

        return leases;
    }

    /// <summary>Runs an IPAM DEL.</summary>
    /// <param name="leases">What ADD leased.</param>
    public void Del(IEnumerable<(string Store, IPAddress Address)> leases)
    {
        foreach ((string store, IPAddress address) in leases)
        {
            _stores.Release(store, address);
        }
    }

    private static IEnumerable<JsonObject> WhereaboutsRanges(JsonObject ipam)
    {
        IReadOnlyList<JsonNode?> ranges = ipam.Arr("ipRanges");
        if (ranges.Count > 0)
        {
            return ranges.OfType<JsonObject>();
        }

        return ipam.Str("range") is not null ? [ipam] : throw new CniException(7, "ipam whereabouts: neither \"range\" nor \"ipRanges\" is set; give the CIDR to allocate from, e.g. \"range\": \"192.168.50.0/24\".");
    }

    private static IEnumerable<JsonObject> HostLocalRanges(JsonObject ipam)
    {
        IReadOnlyList<JsonNode?> ranges = ipam.Arr("ranges");
        if (ranges.Count > 0)
        {
            return ranges.OfType<JsonArray>().Select(set => set.OfType<JsonObject>().First());
        }

        return ipam.Str("subnet") is not null ? [ipam] : throw new CniException(7, "ipam host-local: neither \"ranges\" nor \"subnet\" is set.");
    }

    private static IPNetwork ParseWithAddress(string text, out IPAddress address)
    {
        string[] parts = text.Split('/');
        if (parts.Length != 2 || !IPAddress.TryParse(parts[0], out IPAddress? a) || !int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out int prefix))
        {
            throw new CniException(7, $"ipam static: '{text}' is not an address with a prefix length (write e.g. 10.10.0.5/24).");
        }

        address = a;
        return new IPNetwork(Addresses.FromInteger(Addresses.ToInteger(a) >> ((a.AddressFamily == AddressFamily.InterNetwork ? 32 : 128) - prefix) << ((a.AddressFamily == AddressFamily.InterNetwork ? 32 : 128) - prefix), a.AddressFamily), prefix);
    }

    private IpamLease LeaseRange(JsonObject range, string cidrKey, string storePrefix, string startKey, string endKey, string gatewayKey, JsonObject ipam)
    {
        string text = range.Str(cidrKey) ?? throw new CniException(7, $"ipam: a range has no \"{cidrKey}\".");

        // whereabouts accepts "192.168.50.10-192.168.50.20/24" style too; we take the CIDR form.
        if (!IPNetwork.TryParse(text, out IPNetwork network))
        {
            throw new CniException(7, $"ipam: \"{cidrKey}\": '{text}' is not a CIDR prefix with its base address (write e.g. 192.168.50.0/24).");
        }

        UInt128 size = Addresses.Size(network);
        bool v4 = network.BaseAddress.AddressFamily == AddressFamily.InterNetwork;
        IPAddress first = range.Str(startKey) is { } s ? IPAddress.Parse(s) : Addresses.Nth(network, 1);
        IPAddress last = range.Str(endKey) is { } e ? IPAddress.Parse(e) : Addresses.Nth(network, v4 ? size - 2 : Math.Min((ulong)(size - 1), 65_535UL));
        IPAddress? gateway = (range.Str(gatewayKey) ?? ipam.Str(gatewayKey)) is { } g && IPAddress.TryParse(g, out IPAddress? gw) && network.Contains(gw) ? gw : null;
        List<IPNetwork> excluded = range.Arr("exclude").Select(x => Addresses.ParseCidr(x is JsonValue v ? JsonRead.Text(v) : string.Empty, "ipam exclude")).ToList();
        if (gateway is not null)
        {
            excluded.Add(new IPNetwork(gateway, v4 ? 32 : 128));
        }

        string store = $"{storePrefix}:{network}";
        IPAddress address = _stores.Lease(store, network, first, last, excluded)
            ?? throw new CniException(11, $"ipam: range {network} is exhausted ({first} to {last}); widen the range or delete pods that hold addresses.");
        return new IpamLease(address, network.PrefixLength, gateway, store);
    }
}

/// <summary>A CNI error, as a plugin prints it (code and message).</summary>
internal sealed class CniException : Exception
{
    /// <summary>Creates the error.</summary>
    /// <param name="code">The CNI error code (4 invalid config, 7 invalid network config, 11 try again later, 100+ plugin-specific).</param>
    /// <param name="message">What went wrong and what to do.</param>
    public CniException(int code, string message)
        : base(message) => Code = code;

    /// <summary>Creates an error with code 100.</summary>
    public CniException()
        : this(100, "CNI error")
    {
    }

    /// <summary>Creates an error with code 100.</summary>
    /// <param name="message">The message.</param>
    public CniException(string message)
        : this(100, message)
    {
    }

    /// <summary>Creates an error with code 100 and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="inner">The cause.</param>
    public CniException(string message, Exception inner)
        : base(message, inner) => Code = 100;

    /// <summary>Gets the CNI error code.</summary>
    public int Code { get; }
}
