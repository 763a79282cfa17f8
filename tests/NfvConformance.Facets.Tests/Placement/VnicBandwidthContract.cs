// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Placement;

namespace NfvConformance.Facets.Tests.Placement;

/// <summary>
/// What every <see cref="IVnicBandwidth"/> must do: refuse an option the RM does not define, never guarantee more on a
/// port than the port carries (refusing, as a value, once full), give the bandwidth back on release, once, and honour
/// cancellation (a cancelled reservation reserves nothing).
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class VnicBandwidthContract<TTarget> : FacetContract<IVnicBandwidth, TTarget>
    where TTarget : TestTarget, new()
{
    // Bounds the fill loop: the emulator's largest inventory guarantees a few thousand Gbps.
    private const int MaxGrants = 5000;

    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<IVnicBandwidth>> Breaks { get; } =
    [
        new(nameof(Reserve_OptionTheRmDoesNotDefine_IsRefusedNamingIt), "grants an option the RM does not define",
            f => Broken.Facet(f, (nameof(IVnicBandwidth.ReserveAsync), (a, real) => f.ReserveAsync(((VnicBandwidthRequest)a[0]!) with { Option = "n10" }, (CancellationToken)a[1]!)))),
        new(nameof(Reserve_OptionTheRmDoesNotDefine_IsRefusedNamingIt), "throws instead of refusing",
            f => Broken.Facet(f, (nameof(IVnicBandwidth.ReserveAsync), (a, real) => VnicBandwidthOptions.TryParse(((VnicBandwidthRequest)a[0]!).Option, out _) ? real() : ValueTask.FromException<VnicBandwidthResult>(new FormatException("option"))))),
        new(nameof(Reserve_UntilRefused_NeverGuaranteesMoreThanAPortCarries), "keeps granting past the port's speed",
            f => Broken.Facet(f, (nameof(IVnicBandwidth.ReserveAsync), (a, real) => Broken.Then((ValueTask<VnicBandwidthResult>)real()!, r => !r.Granted
                ? new VnicBandwidthResult(new VnicBandwidthGrant("over", "w", "n10", 10, "node", "nic", 1, 11), [])
                : r)))),
        new(nameof(Reserve_UntilRefused_NeverGuaranteesMoreThanAPortCarries), "refuses without saying why",
            f => Broken.Facet(f, (nameof(IVnicBandwidth.ReserveAsync), (a, real) => Broken.Then((ValueTask<VnicBandwidthResult>)real()!, r => !r.Granted ? r with { Problems = [] } : r)))),
        new(nameof(Release_GivesTheBandwidthBackOnce), "releases a grant twice",
            f => Broken.Facet(f, (nameof(IVnicBandwidth.ReleaseAsync), (a, real) => Broken.Then((ValueTask<bool>)real()!, _ => true)))),
        new(nameof(Release_GivesTheBandwidthBackOnce), "keeps the bandwidth of released grants",
            f => Broken.Facet(f, (nameof(IVnicBandwidth.ReleaseAsync), (a, real) => ValueTask.FromResult(true)))),
        new(nameof(Reserve_Cancelled_ThrowsAndReservesNothing), "ignores cancellation",
            f => Broken.Facet(f, (nameof(IVnicBandwidth.ReserveAsync), (a, real) => f.ReserveAsync((VnicBandwidthRequest)a[0]!, CancellationToken.None)))),
    ];

    [Test]
    public async Task Reserve_OptionTheRmDoesNotDefine_IsRefusedNamingIt()
    {
        await using FacetSession<IVnicBandwidth> s = await OpenAsync();

        VnicBandwidthResult result = await s.Facet.ReserveAsync(new VnicBandwidthRequest("w", "n7"));

        Assert.That(result.Granted, Is.False);
        Assert.That(result.Problems.Select(p => p.ToString()), Has.Some.Contains("n7"));
        Assert.That(s.Facet.Ports.Sum(p => p.GuaranteedGbps), Is.Zero);
    }

    [Test]
    public async Task Reserve_UntilRefused_NeverGuaranteesMoreThanAPortCarries()
    {
        await using FacetSession<IVnicBandwidth> s = await OpenAsync();
        List<VnicBandwidthGrant> grants = [];

        VnicBandwidthResult last = await s.Facet.ReserveAsync(new VnicBandwidthRequest("w", "n10"));
        while (last.Granted && grants.Count < MaxGrants)
        {
            grants.Add(last.Grant!);
            last = await s.Facet.ReserveAsync(new VnicBandwidthRequest("w", "n10"));
        }

        Assert.That(last.Granted, Is.False, $"the ports fill up within {MaxGrants} grants of 10 Gbps");
        Assert.That(last.Problems, Is.Not.Empty, "a refusal says why");
        Assert.That(grants.Where(g => g.PortGuaranteedGbps > g.PortSpeedGbps), Is.Empty);
        Assert.That(s.Facet.Ports.Where(p => p.GuaranteedGbps > p.SpeedGbps), Is.Empty);
        Assert.That(s.Facet.Ports.Sum(p => p.GuaranteedGbps), Is.EqualTo(grants.Sum(g => g.Gbps)));
    }

    [Test]
    public async Task Release_GivesTheBandwidthBackOnce()
    {
        await using FacetSession<IVnicBandwidth> s = await OpenAsync();
        VnicBandwidthResult grant = await s.Facet.ReserveAsync(new VnicBandwidthRequest("w", "n1"));
        if (!grant.Granted)
        {
            // A target without a port of known speed refuses every option; then there is nothing to give back.
            Assert.That(grant.Problems, Is.Not.Empty, "a refusal says why");
            Assert.That(await s.Facet.ReleaseAsync("never-granted"), Is.False);
            return;
        }

        Assert.That(await s.Facet.ReleaseAsync(grant.Grant!.Id), Is.True);

        Assert.That(s.Facet.Ports.Sum(p => p.GuaranteedGbps), Is.Zero);
        Assert.That(await s.Facet.ReleaseAsync(grant.Grant.Id), Is.False, "a grant is released once");
    }

    [Test]
    public async Task Reserve_Cancelled_ThrowsAndReservesNothing()
    {
        await using FacetSession<IVnicBandwidth> s = await OpenAsync();
        using CancellationTokenSource cancelled = new();
        await cancelled.CancelAsync();

        Exception? thrown = Assert.CatchAsync(async () => await s.Facet.ReserveAsync(new VnicBandwidthRequest("w", "n1"), cancelled.Token));

        Assert.That(thrown, Is.InstanceOf<OperationCanceledException>());
        Assert.That(s.Facet.Ports.Sum(p => p.GuaranteedGbps), Is.Zero, "a cancelled reservation reserves nothing");
    }
}

public sealed class EmulatorVnicBandwidthContract : VnicBandwidthContract<OnEmulator>
{
}

public sealed class LinuxVnicBandwidthContract : VnicBandwidthContract<OnLinux>
{
}
