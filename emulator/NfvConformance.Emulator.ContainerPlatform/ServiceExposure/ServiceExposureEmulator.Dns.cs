// Licensed under the Apache License, Version 2.0.
using System.Net;
using NfvConformance.Abstractions.ServiceExposure;

namespace NfvConformance.Emulator.ContainerPlatform.ServiceExposure;

/// <summary>
/// The cluster DNS: a pod's resolver expands a short name with its search path (<c>&lt;ns&gt;.svc.cluster.local</c>,
/// <c>svc.cluster.local</c>), encodes an RFC 1035 query, and the server decodes it and answers from the Services:
/// A/AAAA with the ClusterIP of that family, the ready endpoints' addresses for a headless Service, and a CNAME to
/// <c>spec.externalName</c> for an ExternalName Service (as CoreDNS's kubernetes plugin does).
/// </summary>
public sealed partial class ServiceExposureEmulator
{
    private const int Ttl = 30;

    /// <summary>The synchronous core of <see cref="ResolveAsync"/>.</summary>
    internal DnsAnswer Resolve(string @namespace, string name, DnsRecordType type)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(@namespace);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string suffix = "." + ClusterDomain;
        string fqdn = name.TrimEnd('.');
        if (!fqdn.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
        {
            int dots = fqdn.Count(c => c == '.');
            fqdn = dots switch
            {
                0 => $"{fqdn}.{@namespace}.svc{suffix}",
                1 => $"{fqdn}.svc{suffix}",
                _ => fqdn.EndsWith(".svc", StringComparison.OrdinalIgnoreCase) ? fqdn + suffix : fqdn,
            };
        }

        lock (_lock)
        {
            byte[] query = DnsMessages.Query(++_dnsId, fqdn, type);
            byte[] response = Answer(query);
            return DnsMessages.ReadResponse(response);
        }
    }

    private byte[] Answer(byte[] query)
    {
        (_, string qname, DnsRecordType qtype) = DnsMessages.ReadQuestion(query);
        string[] labels = qname.ToLowerInvariant().Split('.');
        string[] domain = ClusterDomain.Split('.');
        bool inCluster = labels.Length == 3 + domain.Length && labels[2] == "svc" && labels[3..].SequenceEqual(domain);
        if (!inCluster || !_services.TryGetValue($"{labels[1]}/{labels[0]}", out ServiceRecord? s))
        {
            return DnsMessages.Response(query, 3, []);
        }

        if (s.Type == "ExternalName")
        {
            return _options.ExternalNameAsCname
                ? DnsMessages.Response(query, 0, [new DnsRecord(qname, DnsRecordType.Cname, Ttl, s.ExternalName!)])
                : DnsMessages.Response(query, 3, []);
        }

        if (qtype == DnsRecordType.Cname)
        {
            return DnsMessages.Response(query, 0, []);
        }

        var family = qtype == DnsRecordType.A ? System.Net.Sockets.AddressFamily.InterNetwork : System.Net.Sockets.AddressFamily.InterNetworkV6;
        IEnumerable<IPAddress> addresses = s.Headless
            ? Endpoints(s).Where(e => e.Ready).SelectMany(e => e.Pod.PodIps.Select(IPAddress.Parse))
            : s.ClusterIps;
        return DnsMessages.Response(query, 0, addresses.Where(a => a.AddressFamily == family).Select(a => new DnsRecord(qname, qtype, Ttl, a.ToString())).ToList());
    }
}
