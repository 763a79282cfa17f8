// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Core.Requirements;

namespace NfvConformance.Abstractions.Tests.Targets;

/// <summary>
/// What every <see cref="ILabTarget"/> must do, whatever is behind it. Each target adapter (the emulator now; the
/// Linux lab, Docker and TRex adapters later) subclasses this with its factory, so the suites can rely on the
/// contract and run unchanged against any of them.
/// </summary>
public abstract class LabTargetContractTests
{
    private static readonly Lazy<RequirementCatalog> s_catalog = new(RequirementCatalog.LoadDefault);

    /// <summary>Gets the factory of the target under test.</summary>
    protected abstract ILabTargetFactory Factory { get; }

    protected static LabTargetOptions Options(string profile) =>
        new() { Profile = profile, Seed = 7, Catalogue = s_catalog.Value.Capabilities };

    [TestCase(Profiles.Basic)]
    [TestCase(Profiles.HighPerformance)]
    public async Task Discover_AfterStart_PublishesNodesOfTheProfileWithCatalogueUids(string profile)
    {
        Assert.That(Factory.Validate(Options(profile)).Where(e => e.IsCritical), Is.Empty);
        await using ILabTarget target = Factory.Create(Options(profile));

        await target.StartAsync();
        CapabilitySnapshot snapshot = await target.DiscoverAsync();

        Assert.That(target.Name, Is.EqualTo(Factory.Name));
        Assert.That(target.Profile, Is.EqualTo(profile));
        Assert.That(snapshot.Profile, Is.EqualTo(profile));
        Assert.That(snapshot.Nodes, Is.Not.Empty);
        Assert.That(snapshot.Nodes.Select(n => n.Id), Is.Unique);
        Assert.That(snapshot.Nodes.Any(n => n.Profile == profile), Is.True, "at least one node carries the presented profile");
        Assert.That(snapshot.Nodes.Select(n => n.Profile), Is.All.AnyOf(Profiles.All.ToArray()));
        HashSet<string> uids = [.. s_catalog.Value.Entries.Select(e => e.Uid)];
        Assert.That(snapshot.Nodes.SelectMany(n => n.Capabilities.Keys).Where(k => !uids.Contains(k)), Is.Empty, "every published capability is a catalogue uid");
        Assert.That(snapshot.Nodes.SelectMany(n => n.Capabilities.Values).Select(v => v.Source), Is.All.Not.Empty, "every value says where it came from");
    }

    [Test]
    public async Task Discover_Twice_WithoutChange_GivesTheSameVersionAndValues()
    {
        await using ILabTarget target = Factory.Create(Options(Profiles.HighPerformance));
        await target.StartAsync();

        CapabilitySnapshot first = await target.DiscoverAsync();
        CapabilitySnapshot second = await target.DiscoverAsync();

        Assert.That(second.Version, Is.EqualTo(first.Version));
        Assert.That(Flatten(second), Is.EqualTo(Flatten(first)));
    }

    [Test]
    public async Task Start_Twice_IsIdempotent()
    {
        await using ILabTarget target = Factory.Create(Options(Profiles.Basic));

        await target.StartAsync();
        CapabilitySnapshot before = await target.DiscoverAsync();
        await target.StartAsync();
        CapabilitySnapshot after = await target.DiscoverAsync();

        Assert.That(Flatten(after), Is.EqualTo(Flatten(before)));
    }

    [Test]
    public async Task Discover_BeforeStart_ThrowsAFrameworkError()
    {
        await using ILabTarget target = Factory.Create(Options(Profiles.Basic));

        Assert.ThrowsAsync(Is.InstanceOf<NfvConformanceException>(), async () => await target.DiscoverAsync());
    }

    [Test]
    public async Task GetFeature_OfAFacetNobodyImplements_ReturnsNull()
    {
        await using ILabTarget target = Factory.Create(Options(Profiles.Basic));
        await target.StartAsync();

        Assert.That(target.GetFeature<IUnknownFacet>(), Is.Null);
    }

    [Test]
    public async Task Dispose_Twice_DoesNotThrow()
    {
        ILabTarget target = Factory.Create(Options(Profiles.Basic));
        await target.StartAsync();

        await target.DisposeAsync();
        Assert.DoesNotThrowAsync(async () => await target.DisposeAsync());
    }

    [Test]
    public void Validate_UnknownProfile_IsCriticalAndNamesIt()
    {
        IReadOnlyList<ValidationError> errors = Factory.Validate(Options("gold-plated"));

        Assert.That(errors.Where(e => e.IsCritical).Select(e => e.ToString()), Has.Some.Contains("gold-plated"));
    }

    private static string[] Flatten(CapabilitySnapshot snapshot) =>
        [.. snapshot.Nodes.SelectMany(n => n.Capabilities.Select(kv => $"{n.Id}|{kv.Key}|{kv.Value.Raw}")).Order(StringComparer.Ordinal)];

    /// <summary>A facet interface no target implements.</summary>
    public interface IUnknownFacet
    {
    }
}
