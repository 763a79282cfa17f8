// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Placement;

namespace NfvConformance.Facets.Tests.Placement;

/// <summary>
/// What every <see cref="IAcceleration"/> must do: hand out instances by class and standard interface only
/// (a request naming a vendor, a PCI address or a vendor interface is refused as a value, RM e.api.001/008), count
/// what it hands out against the device, release each grant once, and honour cancellation (a cancelled request
/// grants nothing).
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class AccelerationContract<TTarget> : FacetContract<IAcceleration, TTarget>
    where TTarget : TestTarget, new()
{
    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<IAcceleration>> Breaks { get; } =
    [
        new(nameof(Request_ByVendorOrPciAddress_IsRefusedAndTakesNothing), "selects by vendor",
            f => Broken.Facet(f, (nameof(IAcceleration.RequestAsync), (a, real) => f.RequestAsync(((AcceleratorRequest)a[0]!) with { Vendor = null, PciAddress = null }, (CancellationToken)a[1]!)))),
        new(nameof(Request_ThroughAVendorInterface_IsRefused), "accepts a vendor interface",
            f => Broken.Facet(f, (nameof(IAcceleration.RequestAsync), (a, real) => ((AcceleratorRequest)a[0]!).Interface == "acme-sdk"
                ? ValueTask.FromResult(new AcceleratorResult(new AcceleratorGrant("g", "w", "crypto", "acme-sdk", "n", "dev", "acme", "0000:00:00.1", "acme", [], false, []), []))
                : real()))),
        new(nameof(Request_Standard_GrantIsCountedAndReleasedOnce), "does not count its grants against the device",
            f => Broken.Facet(f, ("get_" + nameof(IAcceleration.Pools), (a, real) => ((IReadOnlyList<AcceleratorPool>)real()!).Select(p => p with { InUse = 0 }).ToList()))),
        new(nameof(Request_Standard_GrantIsCountedAndReleasedOnce), "releases a grant twice",
            f => Broken.Facet(f, (nameof(IAcceleration.ReleaseAsync), (a, real) => Broken.Then((ValueTask<bool>)real()!, _ => true)))),
        new(nameof(Request_Standard_GrantIsCountedAndReleasedOnce), "refuses without saying why",
            f => Broken.Facet(f, (nameof(IAcceleration.RequestAsync), (a, real) => ValueTask.FromResult(new AcceleratorResult(null, []))))),
        new(nameof(Request_Cancelled_ThrowsAndGrantsNothing), "ignores cancellation",
            f => Broken.Facet(f, (nameof(IAcceleration.RequestAsync), (a, real) => f.RequestAsync((AcceleratorRequest)a[0]!, CancellationToken.None)))),
    ];

    [Test]
    public async Task Request_ByVendorOrPciAddress_IsRefusedAndTakesNothing()
    {
        await using FacetSession<IAcceleration> s = await OpenAsync();

        AcceleratorResult byVendor = await s.Facet.RequestAsync(new AcceleratorRequest("w", "crypto", "dpdk-cryptodev", Vendor: "intel"));
        AcceleratorResult byPci = await s.Facet.RequestAsync(new AcceleratorRequest("w", "crypto", "dpdk-cryptodev", PciAddress: "0000:3d:00.0"));

        Assert.That(byVendor.Granted, Is.False);
        Assert.That(byVendor.Problems.Select(p => p.ToString()), Has.Some.Contains("intel"));
        Assert.That(byPci.Granted, Is.False);
        Assert.That(byPci.Problems.Select(p => p.ToString()), Has.Some.Contains("0000:3d:00.0"));
        Assert.That(s.Facet.Pools.Sum(p => p.InUse), Is.Zero);
    }

    [Test]
    public async Task Request_ThroughAVendorInterface_IsRefused()
    {
        await using FacetSession<IAcceleration> s = await OpenAsync();

        AcceleratorResult result = await s.Facet.RequestAsync(new AcceleratorRequest("w", "crypto", "acme-sdk"));

        Assert.That(result.Granted, Is.False);
        Assert.That(result.Problems.Select(p => p.ToString()), Has.Some.Contains("acme-sdk"));
    }

    [Test]
    public async Task Request_Standard_GrantIsCountedAndReleasedOnce()
    {
        await using FacetSession<IAcceleration> s = await OpenAsync(Abstractions.Requirements.Profiles.HighPerformance);

        AcceleratorResult result = await s.Facet.RequestAsync(new AcceleratorRequest("w", "crypto", "dpdk-cryptodev"));
        if (!result.Granted)
        {
            // A host without a crypto device refuses, and says what discovery found.
            Assert.That(result.Problems, Is.Not.Empty, "a refusal says why");
            Assert.That(s.Facet.Pools.Where(p => p.Class == "crypto" && p.Interface == "dpdk-cryptodev" && p.InUse < p.Instances), Is.Empty, "a refusal while a device has a free instance");
            Assert.That(await s.Facet.ReleaseAsync("never-granted"), Is.False);
            return;
        }

        AcceleratorGrant grant = result.Grant!;
        Assert.That(grant.Interface, Is.EqualTo("dpdk-cryptodev"));
        Assert.That(s.Facet.Pools.Single(p => p.NodeId == grant.NodeId && p.Device == grant.Device).InUse, Is.EqualTo(1));
        Assert.That(await s.Facet.ReleaseAsync(grant.Id), Is.True);
        Assert.That(s.Facet.Pools.Sum(p => p.InUse), Is.Zero);
        Assert.That(await s.Facet.ReleaseAsync(grant.Id), Is.False, "a grant is released once");
    }

    [Test]
    public async Task Request_Cancelled_ThrowsAndGrantsNothing()
    {
        await using FacetSession<IAcceleration> s = await OpenAsync(Abstractions.Requirements.Profiles.HighPerformance);
        using CancellationTokenSource cancelled = new();
        await cancelled.CancelAsync();

        Exception? thrown = Assert.CatchAsync(async () => await s.Facet.RequestAsync(new AcceleratorRequest("w", "crypto", "dpdk-cryptodev"), cancelled.Token));

        Assert.That(thrown, Is.InstanceOf<OperationCanceledException>());
        Assert.That(s.Facet.Pools.Sum(p => p.InUse), Is.Zero, "a cancelled request grants nothing");
    }
}

public sealed class EmulatorAccelerationContract : AccelerationContract<OnEmulator>
{
}

public sealed class LinuxAccelerationContract : AccelerationContract<OnLinux>
{
}
