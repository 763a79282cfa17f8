// Licensed under the Apache License, Version 2.0.
using System.Collections.Concurrent;
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Requirements;
using NfvConformance.Gherkin.Pickles;
using Reqnroll.BoDi;

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

    /// <summary>
    /// Registers what every scenario may inject (the run context, the target, its capability snapshot, the
    /// catalogue) in a Reqnroll container that the scenario containers descend from: the global container under
    /// <c>nfvc run</c>, the test-run container (<c>ITestRunContext.TestRunContainer</c>) under <c>dotnet test</c>.
    /// A scenario's <see cref="ScenarioEvidence"/> is made fresh in its own container unless
    /// <see cref="ConfigureScenario"/> registers one.
    /// </summary>
    /// <param name="container">The container.</param>
    public void RegisterShared(IObjectContainer container)
    {
        ArgumentNullException.ThrowIfNull(container);
        container.RegisterInstanceAs(Context);
        container.RegisterInstanceAs(Context.Target);
        container.RegisterInstanceAs(Context.Capabilities);
        container.RegisterInstanceAs(Context.Catalog);
    }

    /// <summary>Registers the scenario's evidence in its container, so that the run can read it afterwards (<see cref="EvidenceOf"/>).</summary>
    /// <param name="scenarioContainer">Reqnroll's scenario container.</param>
    /// <param name="pickle">The scenario.</param>
    public void ConfigureScenario(IObjectContainer scenarioContainer, Pickle pickle)
    {
        ArgumentNullException.ThrowIfNull(scenarioContainer);
        ArgumentNullException.ThrowIfNull(pickle);
        scenarioContainer.RegisterInstanceAs(_evidence.GetOrAdd(KeyOf(pickle), _ => new ScenarioEvidence()));
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
