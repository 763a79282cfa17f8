// Licensed under the Apache License, Version 2.0.
using System.Collections.Concurrent;
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Requirements;
using NfvConformance.Gherkin.Pickles;
using NfvConformance.Gherkin.Runtime;

namespace NfvConformance.Core.Running;

/// <summary>
/// A started target and what every scenario of a run gets injected: the <see cref="RunContext"/>, the target, its
/// capability snapshot, the catalogue and a fresh <see cref="ScenarioEvidence"/> per scenario. Used by the
/// conformance runner (<c>nfvc run</c>) and by the NUnit fixtures alike, so both run scenarios the same way.
/// </summary>
public sealed class RunSession : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ScenarioEvidence> _evidence = new(StringComparer.Ordinal);

    private RunSession(RunContext context)
    {
        Context = context;
    }

    /// <summary>Gets the run's shared context.</summary>
    public RunContext Context { get; }

    /// <summary>Creates and starts a target and reads what it publishes.</summary>
    /// <param name="factory">The target's factory.</param>
    /// <param name="options">The target's options.</param>
    /// <param name="catalog">The requirement catalogue.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The session.</returns>
    public static async Task<RunSession> StartAsync(ILabTargetFactory factory, LabTargetOptions options, RequirementCatalog catalog, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ILabTarget target = factory.Create(options);
        try
        {
            await target.StartAsync(cancellationToken).ConfigureAwait(false);
            CapabilitySnapshot snapshot = await target.DiscoverAsync(cancellationToken).ConfigureAwait(false);
            return new RunSession(new RunContext(target, snapshot, catalog, options));
        }
        catch
        {
            await target.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Registers what a scenario may inject. Pass as <c>TestRunOptions.ConfigureScenario</c>.</summary>
    /// <param name="container">The scenario's container.</param>
    /// <param name="pickle">The scenario.</param>
    public void Configure(ScenarioContainer container, Pickle pickle)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(pickle);
        container.RegisterInstance(Context);
        container.RegisterInstance(Context.Target);
        container.RegisterInstance(Context.Capabilities);
        container.RegisterInstance(Context.Catalog);
        container.RegisterInstance(_evidence.GetOrAdd(KeyOf(pickle), _ => new ScenarioEvidence()));
    }

    /// <summary>Returns the evidence a scenario recorded, if it ran.</summary>
    /// <param name="pickle">The scenario.</param>
    /// <returns>The evidence, or null.</returns>
    public ScenarioEvidence? EvidenceOf(Pickle pickle) => _evidence.TryGetValue(KeyOf(pickle), out ScenarioEvidence? e) ? e : null;

    /// <summary>
    /// A key that is unique within a run: pickle ids are unique only within their feature file (as cucumber numbers
    /// them per document), so two files' scenarios can share an id.
    /// </summary>
    /// <param name="pickle">The scenario.</param>
    /// <returns>Its file and id.</returns>
    public static string KeyOf(Pickle pickle)
    {
        ArgumentNullException.ThrowIfNull(pickle);
        return pickle.Uri + "#" + pickle.Id;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Context.Target.DisposeAsync();
}
