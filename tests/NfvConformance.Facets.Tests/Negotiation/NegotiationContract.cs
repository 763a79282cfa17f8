// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Negotiation;

namespace NfvConformance.Facets.Tests.Negotiation;

/// <summary>
/// What every <see cref="INegotiation"/> must do: answer every request with a value (an invalid request gets its problems,
/// an unmeetable one a refusal naming every unmet requirement), grant what the target really has, answer the same
/// request the same way, reserve nothing, and honour cancellation.
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class NegotiationContract<TTarget> : FacetContract<INegotiation, TTarget>
    where TTarget : TestTarget, new()
{
    /// <summary>A request every NFVI can meet: one shared core and a kernel virtio interface.</summary>
    internal static NegotiationRequest Meetable(string vnf = "contract") =>
        new(vnf, new ResourceRequest(1, 64), [new PreferenceLadder("eth0", [Rungs.KernelVirtio])]);

    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<INegotiation>> Breaks { get; } =
    [
        new(nameof(Negotiate_InvalidRequest_ReturnsItsProblemsAndGrantsNothing), "throws on an invalid request",
            f => Broken.Facet(f, (nameof(INegotiation.NegotiateAsync), (a, real) => ((NegotiationRequest)a[0]!).Resources.Cores <= 0 ? ValueTask.FromException<NegotiationResult>(new ArgumentException("cores")) : real()))),
        new(nameof(Negotiate_InvalidRequest_ReturnsItsProblemsAndGrantsNothing), "evaluates an invalid request instead of listing its problems",
            f => Broken.Facet(f, (nameof(INegotiation.NegotiateAsync), (a, real) => Broken.Then((ValueTask<NegotiationResult>)real()!, r => r with { Problems = [] })))),
        new(nameof(Negotiate_Unmeetable_RefusesWithEveryUnmetRequirement), "grants what no node has",
            f => Broken.Facet(f, (nameof(INegotiation.NegotiateAsync), (a, real) => Broken.Then((ValueTask<NegotiationResult>)real()!, r => r with { Granted = true, NodeId = "nowhere", Unmet = [] })))),
        new(nameof(Negotiate_Meetable_GrantsTheRungOnANodeTheTargetPublishes), "grants on a node nobody published",
            f => Broken.Facet(f, (nameof(INegotiation.NegotiateAsync), (a, real) => Broken.Then((ValueTask<NegotiationResult>)real()!, r => r with { NodeId = "ghost-node" })))),
        new(nameof(Negotiate_SameRequestTwice_SameAnswerAndNothingReserved), "reserves the cores it grants",
            f =>
            {
                int calls = 0;
                return Broken.Facet(f, (nameof(INegotiation.NegotiateAsync), (a, real) => Interlocked.Increment(ref calls) > 1
                    ? Broken.Then((ValueTask<NegotiationResult>)real()!, r => r with { Granted = false, NodeId = null, Unmet = [new UnmetRequirement("n", "cores", "held by an earlier negotiation")] })
                    : real()));
            }),
        new(nameof(Negotiate_Cancelled_Throws), "ignores cancellation",
            f => Broken.Facet(f, (nameof(INegotiation.NegotiateAsync), (a, real) => f.NegotiateAsync((NegotiationRequest)a[0]!, CancellationToken.None)))),
    ];

    [Test]
    public async Task Negotiate_InvalidRequest_ReturnsItsProblemsAndGrantsNothing()
    {
        await using FacetSession<INegotiation> s = await OpenAsync();

        NegotiationResult result = await s.Facet.NegotiateAsync(new NegotiationRequest("bad", new ResourceRequest(0), [new PreferenceLadder("eth0", ["no-such-rung"])]));

        Assert.That(result.Granted, Is.False);
        Assert.That(result.Problems, Is.Not.Empty, "an invalid request is answered with its problems");
        Assert.That(result.Explain(), Does.Contain("no-such-rung").Or.Contain("cores"));
    }

    [Test]
    public async Task Negotiate_Unmeetable_RefusesWithEveryUnmetRequirement()
    {
        await using FacetSession<INegotiation> s = await OpenAsync();

        NegotiationResult result = await s.Facet.NegotiateAsync(new NegotiationRequest("huge", new ResourceRequest(Cores: 100_000, MemoryMb: 64), [new PreferenceLadder("eth0", [Rungs.KernelVirtio])]));

        Assert.That(result.Granted, Is.False);
        Assert.That(result.NodeId, Is.Null);
        Assert.That(result.Problems, Is.Empty, "the request is valid, only unmeetable");
        Assert.That(result.Unmet, Is.Not.Empty);
        Assert.That(result.Unmet.Select(u => u.Reason), Is.All.Not.Empty, "every refusal says why");
    }

    [Test]
    public async Task Negotiate_Meetable_GrantsTheRungOnANodeTheTargetPublishes()
    {
        await using FacetSession<INegotiation> s = await OpenAsync();
        string[] nodes = [.. (await s.Target.DiscoverAsync()).Nodes.Select(n => n.Id)];

        NegotiationResult result = await s.Facet.NegotiateAsync(Meetable());

        Assert.That(result.Granted, Is.True, result.Explain());
        Assert.That(nodes, Does.Contain(result.NodeId));
        Assert.That(result.Ladders.Single().Rung, Is.EqualTo(Rungs.KernelVirtio));
    }

    [Test]
    public async Task Negotiate_SameRequestTwice_SameAnswerAndNothingReserved()
    {
        await using FacetSession<INegotiation> s = await OpenAsync();

        NegotiationResult first = await s.Facet.NegotiateAsync(Meetable());
        List<NegotiationResult> later = [];
        for (int i = 0; i < 8; i++)
        {
            later.Add(await s.Facet.NegotiateAsync(Meetable()));
        }

        Assert.That(first.Granted, Is.True, first.Explain());
        Assert.That(later.Select(r => r.Explain()), Is.All.EqualTo(first.Explain()), "negotiation holds nothing, so asking again gets the same answer");
    }

    [Test]
    public async Task Negotiate_Cancelled_Throws()
    {
        await using FacetSession<INegotiation> s = await OpenAsync();
        using CancellationTokenSource cancelled = new();
        await cancelled.CancelAsync();

        Exception? thrown = Assert.CatchAsync(async () => await s.Facet.NegotiateAsync(Meetable(), cancelled.Token));

        Assert.That(thrown, Is.InstanceOf<OperationCanceledException>());
    }
}

public sealed class EmulatorNegotiationContract : NegotiationContract<OnEmulator>
{
}

public sealed class LinuxNegotiationContract : NegotiationContract<OnLinux>
{
}
