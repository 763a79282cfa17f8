// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Facets.Tests.ContainerPlatform;

/// <summary>
/// What every <see cref="IContainerPlatform"/> must do, as <c>kubectl</c> users rely on it: refuse text that is not
/// YAML naming the line, apply every document it can and report each one it rejects with the reason, apply the same
/// manifests again as unchanged, change nothing when the call is cancelled, and delete a namespace with everything
/// in it, once.
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class ContainerPlatformContract<TTarget> : FacetContract<IContainerPlatform, TTarget>
    where TTarget : TestTarget, new()
{
    private const string Namespace = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: contract}
        """;

    private const string Pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: contract}
        spec:
          containers: [{name: web, image: registry.example.com/web:1.0}]
        """;

    private const string PodWithoutContainers = """
        apiVersion: v1
        kind: Pod
        metadata: {name: empty, namespace: contract}
        spec:
          containers: []
        """;

    private static readonly string s_manifests = string.Join("\n---\n", Namespace, PodWithoutContainers, Pod);

    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<IContainerPlatform>> Breaks { get; } =
    [
        new(nameof(Apply_NotYaml_IsRefusedNamingTheLine), "applies nothing and says nothing for text that is not YAML",
            f => Broken.Facet(f, (nameof(IContainerPlatform.ApplyAsync), (a, real) => Broken.Swallow<ApplyResult, NfvConformanceException>(real, new ApplyResult([]))))),
        new(nameof(Apply_OneRejectedDocument_IsReportedAndTheOthersApplied), "stops at the first rejected document",
            f => Broken.Facet(f, (nameof(IContainerPlatform.ApplyAsync), (a, real) => StopAtFirstRejectedAsync(f, (ValueTask<ApplyResult>)real()!)))),
        new(nameof(Apply_OneRejectedDocument_IsReportedAndTheOthersApplied), "rejects without a reason",
            f => Broken.Facet(f, (nameof(IContainerPlatform.ApplyAsync), (a, real) => Broken.Then((ValueTask<ApplyResult>)real()!, r => new ApplyResult([.. r.Objects.Select(o => o with { Error = null })]))))),
        new(nameof(Apply_SameManifestsTwice_SecondTimeUnchanged), "re-creates what exists",
            f => Broken.Facet(f, (nameof(IContainerPlatform.ApplyAsync), (a, real) => Broken.Then((ValueTask<ApplyResult>)real()!, r => new ApplyResult([.. r.Objects.Select(o => o.Action == ApplyAction.Unchanged ? o with { Action = ApplyAction.Created } : o)]))))),
        new(nameof(Apply_Cancelled_ThrowsAndAppliesNothing), "ignores cancellation",
            f => Broken.Facet(f, (nameof(IContainerPlatform.ApplyAsync), (a, real) => f.ApplyAsync((string)a[0]!, CancellationToken.None)))),
        new(nameof(Delete_Namespace_DeletesItsPodsOnce), "leaves the namespace's pods behind",
            f => Broken.Facet(f, (nameof(IContainerPlatform.DeleteAsync), (a, real) => (string)a[0]! == "Namespace" ? ExistsAsync(f, (string)a[2]!) : real()))),
        new(nameof(Delete_Namespace_DeletesItsPodsOnce), "reports deleting what is already gone",
            f => Broken.Facet(f, (nameof(IContainerPlatform.DeleteAsync), (a, real) => Broken.Then((ValueTask<bool>)real()!, _ => true)))),
    ];

    [Test]
    public async Task Apply_NotYaml_IsRefusedNamingTheLine()
    {
        await using FacetSession<IContainerPlatform> s = await OpenAsync();

        Exception? refused = Assert.CatchAsync(async () => await s.Facet.ApplyAsync("apiVersion: v1\nkind: Pod\nmetadata: {name: [unclosed\n"));

        Assert.That(refused, Is.InstanceOf<NfvConformanceException>());
        Assert.That(refused!.Message, Does.Match(@"line \d+|:\d+"));
    }

    [Test]
    public async Task Apply_OneRejectedDocument_IsReportedAndTheOthersApplied()
    {
        await using FacetSession<IContainerPlatform> s = await OpenAsync();

        ApplyResult result = await s.Facet.ApplyAsync(s_manifests);

        Assert.That(result.Objects.Select(o => $"{o.Kind} {o.Name} {o.Action}"), Is.EqualTo(new[] { "Namespace contract Created", "Pod empty Rejected", "Pod web Created" }));
        Assert.That(result.Rejected.Single().Error, Is.Not.Null.And.Not.Empty, "a rejection says why");
        Assert.That(await s.Facet.GetPodAsync("contract", "web"), Is.Not.Null);
        Assert.That(await s.Facet.GetPodAsync("contract", "empty"), Is.Null);
    }

    [Test]
    public async Task Apply_SameManifestsTwice_SecondTimeUnchanged()
    {
        await using FacetSession<IContainerPlatform> s = await OpenAsync();
        await s.Facet.ApplyAsync(string.Join("\n---\n", Namespace, Pod));

        ApplyResult again = await s.Facet.ApplyAsync(string.Join("\n---\n", Namespace, Pod));

        Assert.That(again.Objects.Select(o => o.Action), Is.All.EqualTo(ApplyAction.Unchanged));
        Assert.That((await s.Facet.GetPodsAsync("contract")).Select(p => p.Name), Is.EqualTo(new[] { "web" }));
    }

    [Test]
    public async Task Apply_Cancelled_ThrowsAndAppliesNothing()
    {
        await using FacetSession<IContainerPlatform> s = await OpenAsync();
        using CancellationTokenSource cancelled = new();
        await cancelled.CancelAsync();

        Assert.That(async () => await s.Facet.ApplyAsync(string.Join("\n---\n", Namespace, Pod), cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await s.Facet.GetNamespaceAsync("contract"), Is.Null, "a cancelled apply changes nothing");
        Assert.That(await s.Facet.GetPodsAsync("contract"), Is.Empty);
    }

    [Test]
    public async Task Delete_Namespace_DeletesItsPodsOnce()
    {
        await using FacetSession<IContainerPlatform> s = await OpenAsync();
        await s.Facet.ApplyAsync(string.Join("\n---\n", Namespace, Pod));

        bool deleted = await s.Facet.DeleteAsync("Namespace", null, "contract");
        bool again = await s.Facet.DeleteAsync("Namespace", null, "contract");

        Assert.That(deleted, Is.True);
        Assert.That(again, Is.False, "what is gone is deleted once");
        Assert.That(await s.Facet.GetNamespaceAsync("contract"), Is.Null);
        Assert.That(await s.Facet.GetPodsAsync("contract"), Is.Empty);
        Assert.That(await s.Facet.GetPodAsync("contract", "web"), Is.Null);
    }

    private static async ValueTask<ApplyResult> StopAtFirstRejectedAsync(IContainerPlatform f, ValueTask<ApplyResult> apply)
    {
        ApplyResult r = await apply;
        return r.Rejected.Any() && await f.DeleteAsync("Pod", "contract", "web")
            ? new ApplyResult([.. r.Objects.TakeWhile(o => o.Action != ApplyAction.Rejected), r.Rejected.First()])
            : r;
    }

    private static async ValueTask<bool> ExistsAsync(IContainerPlatform f, string ns) => await f.GetNamespaceAsync(ns) is not null;
}

public sealed class EmulatorContainerPlatformContract : ContainerPlatformContract<OnEmulator>
{
}
