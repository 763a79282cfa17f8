// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;

namespace NfvConformance.Abstractions.Targets;

/// <summary>
/// The one contract through which suites reach whatever is under test: the in-process emulator, a Linux
/// host lab, Docker CNFs or a TRex generator in front of a real device. Every scenario runs unchanged
/// against any implementation.
/// </summary>
/// <remarks>
/// The contract grows by facets, not members: a target that can do more (negotiate, place, chain, send
/// traffic) returns a facet interface from <see cref="GetFeature{TFeature}"/>. A scenario that needs a facet the
/// target lacks is reported not-applicable, never failed.
/// </remarks>
public interface ILabTarget : IAsyncDisposable
{
    /// <summary>Gets the target's registered name (for example <c>emulator</c>).</summary>
    string Name { get; }

    /// <summary>Gets the profile the target presents (<c>basic</c> or <c>high-performance</c>).</summary>
    string Profile { get; }

    /// <summary>Brings the target up (starts daemons, builds the emulator). Idempotent.</summary>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>A task that completes when the target is ready.</returns>
    /// <exception cref="Errors.ConfigurationException">The target cannot start with its options; the message says what to fix.</exception>
    ValueTask StartAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads what the target publishes now, without manual steps.</summary>
    /// <param name="cancellationToken">Cancels discovery.</param>
    /// <returns>An immutable snapshot.</returns>
    ValueTask<CapabilitySnapshot> DiscoverAsync(CancellationToken cancellationToken = default);

    /// <summary>Returns an optional facet of the target, or null when the target does not have it.</summary>
    /// <typeparam name="TFeature">A facet interface from the Abstractions assembly.</typeparam>
    /// <returns>The facet, or null.</returns>
    TFeature? GetFeature<TFeature>()
        where TFeature : class;
}
