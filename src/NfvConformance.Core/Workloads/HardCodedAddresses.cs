// Licensed under the Apache License, Version 2.0.
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NfvConformance.Core.Workloads;

/// <summary>An address found in an annotation, and the field that held it.</summary>
/// <param name="Address">The address as written (with its prefix length, if any).</param>
/// <param name="Field">The field, for example <c>ips</c> or <c>default-route</c>.</param>
/// <param name="Where">A readable place, for example <c>network 'sig-net' field ips</c>.</param>
public sealed record AddressHit(string Address, string Field, string Where);

/// <summary>
/// What counts as a hard-coded IP address for <c>RA2:ra2.app.035</c>. An address is an IPv4 dotted quad (each part
/// 0-255) or an IPv6 literal that <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> accepts, optionally with a
/// <c>/prefix</c>, a port (<c>10.0.0.1:8080</c>, <c>[2001:db8::1]:80</c>) or inside a URL. It is hard-coded when it
/// is written literally in a pod spec: a container's <c>env[].value</c>, <c>command</c> or <c>args</c> word, a
/// <c>hostAliases[].ip</c>, a <c>dnsConfig.nameservers</c> entry, or an annotation that configures the pod's
/// addresses (<see cref="IsAddressAnnotation"/>). Not counted: the unspecified addresses (<c>0.0.0.0</c>, <c>::</c>,
/// "listen on every interface") and loopback (<c>127.0.0.0/8</c>, <c>::1</c>), which name no network peer; values
/// taken from <c>valueFrom</c> (resolved at run time); Service objects (their <c>clusterIP</c> is not a pod spec).
/// MAC addresses and times (<c>00:11:22:33:44:55</c>, <c>10:30:00</c>) are not IPv6 literals and are not counted.
/// </summary>
public static partial class HardCodedAddresses
{
    /// <summary>The Multus / Network Plumbing WG attachment annotation.</summary>
    public const string NetworksAnnotation = "k8s.v1.cni.cncf.io/networks";

    private static readonly string[] CalicoAnnotations =
        ["cni.projectcalico.org/ipAddrs", "cni.projectcalico.org/ipAddrsNoIpam", "cni.projectcalico.org/floatingIPs"];

    /// <summary>Tells whether an annotation configures a pod's addresses: the Multus networks annotation (its
    /// <c>ips</c> and <c>default-route</c> fields), Calico's <c>ipAddrs</c>, <c>ipAddrsNoIpam</c> and
    /// <c>floatingIPs</c>, and Kube-OVN's <c>ovn.kubernetes.io/ip_address</c> (also per attachment,
    /// <c>&lt;net&gt;.&lt;ns&gt;.ovn.kubernetes.io/ip_address</c>).</summary>
    /// <param name="name">The annotation's key.</param>
    /// <returns>True when its value is read for addresses.</returns>
    public static bool IsAddressAnnotation(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name == NetworksAnnotation
            || Array.IndexOf(CalicoAnnotations, name) >= 0
            || name == "ovn.kubernetes.io/ip_address"
            || name.EndsWith(".ovn.kubernetes.io/ip_address", StringComparison.Ordinal);
    }

    /// <summary>Finds the addresses an address-configuring annotation fixes.</summary>
    /// <param name="name">The annotation's key (see <see cref="IsAddressAnnotation"/>).</param>
    /// <param name="value">Its value.</param>
    /// <returns>Each fixed address with its field.</returns>
    public static IEnumerable<AddressHit> InAnnotation(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (name != NetworksAnnotation)
        {
            string field = name[(name.LastIndexOf('/') + 1)..];
            return Find(value).Select(a => new AddressHit(a, field, $"annotation {name}"));
        }

        string trimmed = value.TrimStart();
        if (!trimmed.StartsWith('['))
        {
            // The short form, "net-a,ns/net-b@eth2": names only, no address can be given.
            return [];
        }

        var hits = new List<AddressHit>();
        try
        {
            using JsonDocument doc = JsonDocument.Parse(trimmed);
            foreach (JsonElement net in doc.RootElement.EnumerateArray())
            {
                if (net.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                string network = net.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString() ?? "?" : "?";
                foreach (string field in new[] { "ips", "default-route" })
                {
                    if (net.TryGetProperty(field, out JsonElement list) && list.ValueKind == JsonValueKind.Array)
                    {
                        foreach (JsonElement item in list.EnumerateArray())
                        {
                            foreach (string a in Find(item.ValueKind == JsonValueKind.String ? item.GetString() ?? string.Empty : item.ToString()))
                            {
                                hits.Add(new AddressHit(a, field, $"network '{network}' field {field}"));
                            }
                        }
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON after all: read it as text, so an address in it is still seen.
            return Find(value).Select(a => new AddressHit(a, "value", $"annotation {name}"));
        }

        return hits;
    }

    /// <summary>Finds every counted IP address literal in a text.</summary>
    /// <param name="text">The text (an env value, an argument, ...).</param>
    /// <returns>The addresses, with their prefix length when written.</returns>
    public static IReadOnlyList<string> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<string>();
        foreach (Match m in V4().Matches(text))
        {
            if (IPAddress.TryParse(m.Groups["a"].Value, out IPAddress? ip) && ip.AddressFamily == AddressFamily.InterNetwork && Counts(ip))
            {
                found.Add(m.Value);
            }
        }

        foreach (Match m in V6().Matches(text))
        {
            if (IPAddress.TryParse(m.Groups["a"].Value, out IPAddress? ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 && Counts(ip))
            {
                found.Add(m.Value);
            }
        }

        return found;
    }

    private static bool Counts(IPAddress ip) =>
        !IPAddress.IsLoopback(ip) && !ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.IPv6Any);

    // Four decimal parts 0-255 not glued to other digits or dots (so 1.2.3.4.5 and version strings like 1.22.3 do not match).
    [GeneratedRegex(@"(?<![\w.])(?<a>(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})(?:/\d{1,2})?(?![\w.])", RegexOptions.CultureInvariant)]
    private static partial Regex V4();

    // Hex groups with at least two colons, optionally an embedded dotted quad; validated by IPAddress.TryParse.
    [GeneratedRegex(@"(?<![\w:.])(?<a>[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.\d{1,3}){0,3})(?:/\d{1,3})?(?![\w:])", RegexOptions.CultureInvariant)]
    private static partial Regex V6();
}
