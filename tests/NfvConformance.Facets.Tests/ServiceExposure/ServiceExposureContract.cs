// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.ServiceExposure;

namespace NfvConformance.Facets.Tests.ServiceExposure;

/// <summary>
/// What every <see cref="IServiceExposure"/> must do: refuse text that is not YAML naming the line, give an applied
/// Service a cluster address in the cluster's service ranges that the cluster DNS resolves, apply the same manifest
/// again as unchanged, change nothing when the call is cancelled, and delete a Service once (after which DNS no longer knows it).
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class ServiceExposureContract<TTarget> : FacetContract<IServiceExposure, TTarget>
    where TTarget : TestTarget, new()
{
    private const string Service = """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: contract}
        spec:
          selector: {app: web}
          ports: [{name: http, protocol: TCP, port: 80, targetPort: 8080}]
        """;

    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<IServiceExposure>> Breaks { get; } =
    [
        new(nameof(Apply_NotYaml_IsRefusedNamingTheLine), "applies nothing and says nothing for text that is not YAML",
            f => Broken.Facet(f, (nameof(IServiceExposure.ApplyAsync), (a, real) => Broken.Swallow<ApplyResult, NfvConformanceException>(real, new ApplyResult([]))))),
        new(nameof(Apply_Service_GetsAClusterAddressTheClusterDnsResolves), "resolves a Service to an address it does not have",
            f => Broken.Facet(f, (nameof(IServiceExposure.ResolveAsync), (a, real) => Broken.Then((ValueTask<DnsAnswer>)real()!, d => d with { Answers = [.. d.Answers.Select(r => r with { Data = "192.0.2.1" })] })))),
        new(nameof(Apply_Service_GetsAClusterAddressTheClusterDnsResolves), "hands out an address outside the service ranges",
            f => Broken.Facet(f, (nameof(IServiceExposure.GetServiceAsync), (a, real) => Broken.Then((ValueTask<ServiceView?>)real()!, v => v is null ? null : v with { ClusterIps = ["192.0.2.1"] })))),
        new(nameof(Apply_SameManifestTwice_SecondTimeUnchanged), "re-creates what exists",
            f => Broken.Facet(f, (nameof(IServiceExposure.ApplyAsync), (a, real) => Broken.Then((ValueTask<ApplyResult>)real()!, r => new ApplyResult([.. r.Objects.Select(o => o.Action == ApplyAction.Unchanged ? o with { Action = ApplyAction.Configured } : o)]))))),
        new(nameof(Apply_Cancelled_ThrowsAndAppliesNothing), "ignores cancellation",
            f => Broken.Facet(f, (nameof(IServiceExposure.ApplyAsync), (a, real) => f.ApplyAsync((string)a[0]!, CancellationToken.None)))),
        new(nameof(Delete_Service_OnceAndDnsForgetsIt), "keeps answering for a deleted Service",
            f => Broken.Facet(f, (nameof(IServiceExposure.DeleteAsync), (a, real) => ValueTask.FromResult(true)))),
        new(nameof(Delete_Service_OnceAndDnsForgetsIt), "reports deleting what is already gone",
            f => Broken.Facet(f, (nameof(IServiceExposure.DeleteAsync), (a, real) => Broken.Then((ValueTask<bool>)real()!, _ => true)))),
    ];

    [Test]
    public async Task Apply_NotYaml_IsRefusedNamingTheLine()
    {
        await using FacetSession<IServiceExposure> s = await OpenAsync();

        Exception? refused = Assert.CatchAsync(async () => await s.Facet.ApplyAsync("apiVersion: v1\nkind: Service\nmetadata: {name: [unclosed\n"));

        Assert.That(refused, Is.InstanceOf<NfvConformanceException>());
        Assert.That(refused!.Message, Does.Match(@"line \d+|:\d+"));
    }

    [Test]
    public async Task Apply_Service_GetsAClusterAddressTheClusterDnsResolves()
    {
        await using FacetSession<IServiceExposure> s = await OpenWithNamespaceAsync();

        ApplyResult applied = await s.Facet.ApplyAsync(Service);
        ServiceView web = (await s.Facet.GetServiceAsync("contract", "web"))!;
        DnsAnswer answer = await s.Facet.ResolveAsync("contract", "web", DnsRecordType.A);

        Assert.That(applied.Rejected, Is.Empty, string.Join("; ", applied.Rejected.Select(r => r.Error)));
        Assert.That(web.ClusterIps, Is.Not.Empty);
        string[] ranges = [.. s.Other<IContainerPlatform>()!.Cluster.ServiceCidrs];
        Assert.That(web.ClusterIps.Where(ip => !ranges.Any(r => InRange(ip, r))), Is.Empty, $"cluster addresses in {string.Join(", ", ranges)}");
        Assert.That(answer.ResponseCode, Is.Zero);
        Assert.That(answer.Answers.Where(r => r.Type == DnsRecordType.A).Select(r => r.Data), Is.EquivalentTo(web.ClusterIps.Where(ip => !ip.Contains(':', StringComparison.Ordinal))));
    }

    [Test]
    public async Task Apply_SameManifestTwice_SecondTimeUnchanged()
    {
        await using FacetSession<IServiceExposure> s = await OpenWithNamespaceAsync();
        await s.Facet.ApplyAsync(Service);

        ApplyResult again = await s.Facet.ApplyAsync(Service);

        Assert.That(again.Objects.Select(o => o.Action), Is.EqualTo(new[] { ApplyAction.Unchanged }));
    }

    [Test]
    public async Task Apply_Cancelled_ThrowsAndAppliesNothing()
    {
        await using FacetSession<IServiceExposure> s = await OpenWithNamespaceAsync();
        using CancellationTokenSource cancelled = new();
        await cancelled.CancelAsync();

        Assert.That(async () => await s.Facet.ApplyAsync(Service, cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await s.Facet.GetServiceAsync("contract", "web"), Is.Null, "a cancelled apply changes nothing");
    }

    [Test]
    public async Task Delete_Service_OnceAndDnsForgetsIt()
    {
        await using FacetSession<IServiceExposure> s = await OpenWithNamespaceAsync();
        await s.Facet.ApplyAsync(Service);

        bool deleted = await s.Facet.DeleteAsync("Service", "contract", "web");
        bool again = await s.Facet.DeleteAsync("Service", "contract", "web");

        Assert.That(deleted, Is.True);
        Assert.That(again, Is.False, "what is gone is deleted once");
        Assert.That(await s.Facet.GetServiceAsync("contract", "web"), Is.Null);
        Assert.That((await s.Facet.ResolveAsync("contract", "web", DnsRecordType.A)).Answers, Is.Empty);
    }

    private async ValueTask<FacetSession<IServiceExposure>> OpenWithNamespaceAsync()
    {
        FacetSession<IServiceExposure> s = await OpenAsync();
        IContainerPlatform platform = s.Other<IContainerPlatform>() ?? throw new AssertionException("Services expose the pods of the target's container platform");
        Assert.That((await platform.ApplyAsync("apiVersion: v1\nkind: Namespace\nmetadata: {name: contract}\n")).Rejected, Is.Empty);
        return s;
    }

    private static bool InRange(string ip, string cidr)
    {
        System.Net.IPAddress address = System.Net.IPAddress.Parse(ip);
        return System.Net.IPNetwork.Parse(cidr).Contains(address);
    }
}

public sealed class EmulatorServiceExposureContract : ServiceExposureContract<OnEmulator>
{
}
