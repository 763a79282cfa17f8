// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Inventory;

namespace NfvConformance.Facets.Tests.Inventory;

/// <summary>
/// What every <see cref="IHardwareInventory"/> must do: describe the nodes the target publishes, refuse a link change
/// of an unknown node or NIC as a value naming it, and, for a NIC it may change, either apply the change (and show it,
/// and put it back) or refuse it with the reason and change nothing; a cancelled change changes nothing.
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class HardwareInventoryContract<TTarget> : FacetContract<IHardwareInventory, TTarget>
    where TTarget : TestTarget, new()
{
    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<IHardwareInventory>> Breaks { get; } =
    [
        new(nameof(Current_DescribesThePublishedNodes), "describes a node nobody publishes",
            f => Broken.Facet(f, ("get_" + nameof(IHardwareInventory.Current), (a, real) => ((HardwareInventory)real()!) is var h ? h with { Nodes = [.. h.Nodes, h.Nodes[0] with { Id = "ghost" }] } : null))),
        new(nameof(SetLinkState_UnknownNodeOrNic_IsRefusedNamingIt), "throws for an unknown node",
            f => Broken.Facet(f, (nameof(IHardwareInventory.SetLinkStateAsync), (a, real) => (string)a[0]! == "no-such-node" ? ValueTask.FromException<IReadOnlyList<ValidationError>>(new KeyNotFoundException("node")) : real()))),
        new(nameof(SetLinkState_UnknownNodeOrNic_IsRefusedNamingIt), "accepts an unknown NIC silently",
            f => Broken.Facet(f, (nameof(IHardwareInventory.SetLinkStateAsync), (a, real) => (string)a[1]! == "no-such-nic" ? ValueTask.FromResult<IReadOnlyList<ValidationError>>([]) : real()))),
        new(nameof(SetLinkState_PublishedNic_AppliesAndShowsItOrRefusesAndChangesNothing), "accepts a link change and does not make it",
            f => Broken.Facet(f, (nameof(IHardwareInventory.SetLinkStateAsync), (a, real) => ValueTask.FromResult<IReadOnlyList<ValidationError>>([])))),
        new(nameof(SetLinkState_Cancelled_ThrowsAndChangesNothing), "ignores cancellation",
            f => Broken.Facet(f, (nameof(IHardwareInventory.SetLinkStateAsync), (a, real) => f.SetLinkStateAsync((string)a[0]!, (string)a[1]!, (bool)a[2]!, CancellationToken.None)))),
    ];

    [Test]
    public async Task Current_DescribesThePublishedNodes()
    {
        await using FacetSession<IHardwareInventory> s = await OpenAsync();
        CapabilitySnapshot published = await s.Target.DiscoverAsync();

        HardwareInventory inventory = s.Facet.Current;

        Assert.That(inventory.Nodes.Select(n => n.Id), Is.EquivalentTo(published.Nodes.Where(n => n.Hardware is not null).Select(n => n.Id)));
        Assert.That(inventory.Nodes.Select(n => n.Id), Is.Unique);
    }

    [Test]
    public async Task SetLinkState_UnknownNodeOrNic_IsRefusedNamingIt()
    {
        await using FacetSession<IHardwareInventory> s = await OpenAsync();
        string node = s.Facet.Current.Nodes[0].Id;

        IReadOnlyList<ValidationError> noNode = await s.Facet.SetLinkStateAsync("no-such-node", "eth0", false);
        IReadOnlyList<ValidationError> noNic = await s.Facet.SetLinkStateAsync(node, "no-such-nic", false);

        Assert.That(noNode.Select(p => p.ToString()), Has.Some.Contains("no-such-node"));
        Assert.That(noNic.Select(p => p.ToString()), Has.Some.Contains("no-such-nic"));
    }

    [Test]
    public async Task SetLinkState_PublishedNic_AppliesAndShowsItOrRefusesAndChangesNothing()
    {
        await using FacetSession<IHardwareInventory> s = await OpenAsync();
        NodeHardware node = s.Facet.Current.Nodes.First(n => n.Nics.Any(x => x.LinkUp));
        NicInfo nic = node.Nics.First(x => x.LinkUp);

        IReadOnlyList<ValidationError> down = await s.Facet.SetLinkStateAsync(node.Id, nic.Name, false);

        NicInfo after = s.Facet.Current.Nodes.Single(n => n.Id == node.Id).Nics.Single(x => x.Name == nic.Name);
        if (down.Count > 0)
        {
            Assert.That(after.LinkUp, Is.True, $"a refused change changes nothing: {string.Join("; ", down)}");
            Assert.That(down.Select(p => p.Message), Is.All.Not.Empty);
            return;
        }

        Assert.That(after.LinkUp, Is.False, "an accepted change shows in the inventory");
        Assert.That(await s.Facet.SetLinkStateAsync(node.Id, nic.Name, true), Is.Empty);
        Assert.That(s.Facet.Current.Nodes.Single(n => n.Id == node.Id).Nics.Single(x => x.Name == nic.Name).LinkUp, Is.True);
    }

    [Test]
    public async Task SetLinkState_Cancelled_ThrowsAndChangesNothing()
    {
        await using FacetSession<IHardwareInventory> s = await OpenAsync();
        NodeHardware node = s.Facet.Current.Nodes.First(n => n.Nics.Any(x => x.LinkUp));
        NicInfo nic = node.Nics.First(x => x.LinkUp);
        using CancellationTokenSource cancelled = new();
        await cancelled.CancelAsync();

        Exception? thrown = Assert.CatchAsync(async () => await s.Facet.SetLinkStateAsync(node.Id, nic.Name, false, cancelled.Token));

        Assert.That(thrown, Is.InstanceOf<OperationCanceledException>());
        Assert.That(s.Facet.Current.Nodes.Single(n => n.Id == node.Id).Nics.Single(x => x.Name == nic.Name).LinkUp, Is.True, "a cancelled change changes nothing");
    }
}

public sealed class EmulatorHardwareInventoryContract : HardwareInventoryContract<OnEmulator>
{
}

public sealed class LinuxHardwareInventoryContract : HardwareInventoryContract<OnLinux>
{
}
