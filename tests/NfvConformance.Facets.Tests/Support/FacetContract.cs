// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Requirements;

namespace NfvConformance.Facets.Tests.Support;

/// <summary>
/// What every implementation of one facet must do, whatever target offers it. A contract is an abstract class with
/// parameterless <c>[Test]</c> methods; each target that offers the facet has a one-line subclass naming the target.
/// Every contract lists, in <see cref="Breaks"/>, a deliberately wrong wrapper of the facet for each of its tests:
/// <see cref="ContractsCanFailTests"/> runs each test against the emulator's facet broken that way and requires it to
/// fail, so no contract test asserts nothing or cannot fail.
/// </summary>
/// <typeparam name="TFacet">The facet interface (from <c>NfvConformance.Abstractions</c>).</typeparam>
/// <typeparam name="TTarget">The target the subclass runs against.</typeparam>
public abstract class FacetContract<TFacet, TTarget> : IFacetContract
    where TFacet : class
    where TTarget : TestTarget, new()
{
    private FacetBreak<TFacet>? _break;

    /// <summary>Gets the target under test.</summary>
    protected TTarget Target { get; } = new();

    /// <inheritdoc />
    public Type Facet => typeof(TFacet);

    /// <inheritdoc />
    public string TargetName => Target.Name;

    /// <summary>Gets every deliberately wrong wrapper of the facet and the test that must catch it.</summary>
    public abstract IReadOnlyList<FacetBreak<TFacet>> Breaks { get; }

    /// <inheritdoc />
    IReadOnlyList<IFacetBreak> IFacetContract.Breaks => Breaks;

    /// <inheritdoc />
    void IFacetContract.Break(IFacetBreak facetBreak) => _break = (FacetBreak<TFacet>)facetBreak;

    /// <summary>Starts a fresh target and gets the facet; fails when the target does not offer it (its subclass says it does).</summary>
    /// <param name="profile">The profile the target presents.</param>
    /// <returns>The session; dispose it to tear the target down.</returns>
    protected async ValueTask<FacetSession<TFacet>> OpenAsync(string profile = Profiles.Basic)
    {
        Abstractions.Targets.ILabTarget target = await Target.StartAsync(profile).ConfigureAwait(false);
        TFacet? facet = target.GetFeature<TFacet>();
        if (facet is null)
        {
            await target.DisposeAsync().ConfigureAwait(false);
            Assert.Fail($"the {Target.Name} target has a contract subclass for {typeof(TFacet).Name} but does not offer that facet");
        }

        return new FacetSession<TFacet>(target, _break is null ? facet! : _break.Wrap(facet!));
    }
}

/// <summary>The non-generic view of a contract that <see cref="ContractsCanFailTests"/> and the coverage tests use.</summary>
public interface IFacetContract
{
    /// <summary>Gets the facet interface the contract is about.</summary>
    Type Facet { get; }

    /// <summary>Gets the name of the target the subclass runs against.</summary>
    string TargetName { get; }

    /// <summary>Gets the deliberately wrong wrappers of the facet.</summary>
    IReadOnlyList<IFacetBreak> Breaks { get; }

    /// <summary>Makes every later <c>OpenAsync</c> hand out the facet broken this way.</summary>
    /// <param name="facetBreak">One of <see cref="Breaks"/>.</param>
    void Break(IFacetBreak facetBreak);
}

/// <summary>A deliberately wrong implementation of a facet, and the contract test that must catch it.</summary>
public interface IFacetBreak
{
    /// <summary>Gets the name of the contract test (a parameterless <c>[Test]</c> method) that must fail.</summary>
    string CaughtBy { get; }

    /// <summary>Gets what is wrong, in a few words.</summary>
    string Defect { get; }
}

/// <summary>A deliberately wrong implementation of a facet, made by wrapping the real one.</summary>
/// <typeparam name="TFacet">The facet interface.</typeparam>
/// <param name="CaughtBy">The contract test that must fail (use <c>nameof</c>).</param>
/// <param name="Defect">What is wrong.</param>
/// <param name="Wrap">Wraps the real facet (usually with <see cref="Broken.Facet{T}"/>).</param>
public sealed record FacetBreak<TFacet>(string CaughtBy, string Defect, Func<TFacet, TFacet> Wrap) : IFacetBreak
    where TFacet : class
{
    /// <inheritdoc />
    public override string ToString() => $"{CaughtBy}: {Defect}";
}
