// Licensed under the Apache License, Version 2.0.
using System.Net;

namespace NfvConformance.Emulator.ContainerPlatform.ServiceExposure;

/// <summary>One port of a Service.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Protocol">TCP or UDP.</param>
/// <param name="Port">The Service port.</param>
/// <param name="TargetPort">The pod port.</param>
internal sealed record ServicePortRecord(string Name, string Protocol, int Port, int TargetPort)
{
    /// <summary>Gets or sets the node port, when allocated.</summary>
    public int? NodePort { get; set; }
}

/// <summary>A Service as the emulated API server keeps it.</summary>
internal sealed class ServiceRecord
{
    public required string Namespace { get; init; }

    public required string Name { get; init; }

    public string Key => $"{Namespace}/{Name}";

    public required string Type { get; init; }

    public required Dictionary<string, string> Selector { get; init; }

    public required List<ServicePortRecord> Ports { get; init; }

    public List<IPAddress> ClusterIps { get; } = [];

    public bool Headless { get; init; }

    public required List<string> IpFamilies { get; set; }

    public required string IpFamilyPolicy { get; init; }

    public List<IPAddress> LoadBalancerIps { get; } = [];

    public string? ExternalName { get; init; }

    public required string ExternalTrafficPolicy { get; init; }

    public List<string> Events { get; } = [];

    public required string Applied { get; init; }
}

/// <summary>One HTTP routing rule: a host (or any), a path match and a backend Service port.</summary>
/// <param name="Host">The host, <c>*.example.com</c> for a wildcard, or null for any.</param>
/// <param name="Path">The path.</param>
/// <param name="Exact">True for an exact match, false for a prefix (by path element).</param>
/// <param name="ServiceNamespace">The backend Service's namespace.</param>
/// <param name="Service">The backend Service.</param>
/// <param name="Port">The backend Service port.</param>
internal sealed record HttpRule(string? Host, string Path, bool Exact, string ServiceNamespace, string Service, int Port)
{
    /// <summary>Tells whether a request matches, and how long the matched path is (longest match wins).</summary>
    /// <param name="host">The request's host.</param>
    /// <param name="target">The request target.</param>
    /// <param name="routeOnHost">False to ignore the host (a broken proxy).</param>
    /// <returns>The matched length, or -1.</returns>
    public int Match(string host, string target, bool routeOnHost)
    {
        if (routeOnHost && Host is not null)
        {
            bool hostOk = Host.StartsWith("*.", StringComparison.Ordinal)
                ? host.EndsWith(Host[1..], StringComparison.OrdinalIgnoreCase) && host.Count(c => c == '.') == Host.Count(c => c == '.')
                : host.Equals(Host, StringComparison.OrdinalIgnoreCase);
            if (!hostOk)
            {
                return -1;
            }
        }

        string path = target.Split('?', 2)[0];
        if (Exact)
        {
            return path == Path ? Path.Length + 1 : -1;
        }

        string prefix = Path.TrimEnd('/');
        return prefix.Length == 0 || path == prefix || path.StartsWith(prefix + "/", StringComparison.Ordinal) ? prefix.Length : -1;
    }
}

/// <summary>An HTTP listener: an Ingress or a Gateway with its routes.</summary>
internal sealed class HttpFrontend
{
    public required string Kind { get; init; }

    public required string Namespace { get; init; }

    public required string Name { get; init; }

    public string Key => $"{Kind}/{Namespace}/{Name}";

    public required string ClassName { get; init; }

    public List<int> Ports { get; } = [];

    public List<IPAddress> Addresses { get; } = [];

    public string? Reason { get; set; }

    public required List<string> Hosts { get; init; }

    public List<HttpRule> Rules { get; } = [];

    public required string Applied { get; init; }
}

/// <summary>A Gateway API HTTPRoute.</summary>
internal sealed class HttpRouteRecord
{
    public required string Namespace { get; init; }

    public required string Name { get; init; }

    public required List<(string Namespace, string Name)> Parents { get; init; }

    public required List<HttpRule> Rules { get; init; }

    public required string Applied { get; init; }
}
