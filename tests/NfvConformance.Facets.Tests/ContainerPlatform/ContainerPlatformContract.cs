// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Facets.Tests.ContainerPlatform;

/// <summary>
/// What every <see cref="IContainerPlatform"/> must do, as <c>kubectl</c> users rely on it: refuse text that is not
/// YAML naming the line, apply every document it can and report each one it rejects with the reason, apply the same
/// manifests again as unchanged, and delete a namespace with everything in it, once.
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
            f => Broken.Facet(f, (nameof(IContainerPlatform.Apply), (a, real) => { try { return real(); } catch (NfvConformanceException) { return new ApplyResult([]); } }))),
        new(nameof(Apply_OneRejectedDocument_IsReportedAndTheOthersApplied), "stops at the first rejected document",
            f => Broken.Facet(f, (nameof(IContainerPlatform.Apply), (a, real) => ((ApplyResult)real()!) is var r && r.Objects.Any(o => o.Action == ApplyAction.Rejected) && f.Delete("Pod", "contract", "web")
                ? new ApplyResult([.. r.Objects.TakeWhile(o => o.Action != ApplyAction.Rejected), r.Objects.First(o => o.Action == ApplyAction.Rejected)])
                : r))),
        new(nameof(Apply_OneRejectedDocument_IsReportedAndTheOthersApplied), "rejects without a reason",
            f => Broken.Facet(f, (nameof(IContainerPlatform.Apply), (a, real) => ((ApplyResult)real()!) is var r ? new ApplyResult([.. r.Objects.Select(o => o with { Error = null })]) : null))),
        new(nameof(Apply_SameManifestsTwice_SecondTimeUnchanged), "re-creates what exists",
            f => Broken.Facet(f, (nameof(IContainerPlatform.Apply), (a, real) => ((ApplyResult)real()!) is var r ? new ApplyResult([.. r.Objects.Select(o => o.Action == ApplyAction.Unchanged ? o with { Action = ApplyAction.Created } : o)]) : null))),
        new(nameof(Delete_Namespace_DeletesItsPodsOnce), "leaves the namespace's pods behind",
            f => Broken.Facet(f, (nameof(IContainerPlatform.Delete), (a, real) => (string)a[0]! == "Namespace" ? f.GetNamespace((string)a[2]!) is not null : real()))),
        new(nameof(Delete_Namespace_DeletesItsPodsOnce), "reports deleting what is already gone",
            f => Broken.Facet(f, (nameof(IContainerPlatform.Delete), (a, real) => { _ = real(); return true; }))),
    ];

    [Test]
    public async Task Apply_NotYaml_IsRefusedNamingTheLine()
    {
        await using FacetSession<IContainerPlatform> s = await OpenAsync();

        Exception? refused = Assert.Catch(() => s.Facet.Apply("apiVersion: v1\nkind: Pod\nmetadata: {name: [unclosed\n"));

        Assert.That(refused, Is.InstanceOf<NfvConformanceException>());
        Assert.That(refused!.Message, Does.Match(@"line \d+|:\d+"));
    }

    [Test]
    public async Task Apply_OneRejectedDocument_IsReportedAndTheOthersApplied()
    {
        await using FacetSession<IContainerPlatform> s = await OpenAsync();

        ApplyResult result = s.Facet.Apply(s_manifests);

        Assert.That(result.Objects.Select(o => $"{o.Kind} {o.Name} {o.Action}"), Is.EqualTo(new[] { "Namespace contract Created", "Pod empty Rejected", "Pod web Created" }));
        Assert.That(result.Rejected.Single().Error, Is.Not.Null.And.Not.Empty, "a rejection says why");
        Assert.That(s.Facet.GetPod("contract", "web"), Is.Not.Null);
        Assert.That(s.Facet.GetPod("contract", "empty"), Is.Null);
    }

    [Test]
    public async Task Apply_SameManifestsTwice_SecondTimeUnchanged()
    {
        await using FacetSession<IContainerPlatform> s = await OpenAsync();
        s.Facet.Apply(string.Join("\n---\n", Namespace, Pod));

        ApplyResult again = s.Facet.Apply(string.Join("\n---\n", Namespace, Pod));

        Assert.That(again.Objects.Select(o => o.Action), Is.All.EqualTo(ApplyAction.Unchanged));
        Assert.That(s.Facet.GetPods("contract").Select(p => p.Name), Is.EqualTo(new[] { "web" }));
    }

    [Test]
    public async Task Delete_Namespace_DeletesItsPodsOnce()
    {
        await using FacetSession<IContainerPlatform> s = await OpenAsync();
        s.Facet.Apply(string.Join("\n---\n", Namespace, Pod));

        bool deleted = s.Facet.Delete("Namespace", null, "contract");
        bool again = s.Facet.Delete("Namespace", null, "contract");

        Assert.That(deleted, Is.True);
        Assert.That(again, Is.False, "what is gone is deleted once");
        Assert.That(s.Facet.GetNamespace("contract"), Is.Null);
        Assert.That(s.Facet.GetPods("contract"), Is.Empty);
        Assert.That(s.Facet.GetPod("contract", "web"), Is.Null);
    }
}

public sealed class EmulatorContainerPlatformContract : ContainerPlatformContract<OnEmulator>
{
}
