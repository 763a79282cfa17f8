// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Emulator.ServiceChaining;

/// <summary>
/// The emulator's <see cref="IServiceChaining"/>: what <c>ILabTarget.GetFeature&lt;IServiceChaining&gt;()</c>
/// returns, and its <see cref="IChainTrialSimulation"/> (an emulator-only facet). A thin adapter over a
/// <see cref="ServiceChainEngine"/>; trials run the engine's virtual-time model.
/// </summary>
public sealed class ServiceChainingEmulator : IServiceChaining, IChainTrialSimulation
{
    private readonly ServiceChainEngine _engine;

    /// <summary>Creates the facet over an engine.</summary>
    /// <param name="engine">The engine whose chains the facet validates, applies, probes and measures.</param>
    public ServiceChainingEmulator(ServiceChainEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
    }

    /// <inheritdoc />
    public IReadOnlyList<ValidationError> Validate(ChainSpec spec) => _engine.Validate(spec);

    /// <inheritdoc />
    public ValueTask<ChainApplyResult> ApplyAsync(ChainSpec spec, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_engine.Apply(spec));
    }

    /// <inheritdoc />
    public ValueTask<ChainPathTrace> ProbeAsync(ChainProbe probe, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_engine.Probe(probe));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ChainHopCounters>> ReadCountersAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_engine.ReadCounters());
    }

    /// <inheritdoc />
    public ValueTask<ChainTrialResult> RunTrialAsync(ChainTrialOptions options, CancellationToken cancellationToken = default)
    {
        // The simulator looks at the token every 65536 events; a short trial would finish before the first look.
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_engine.RunTrial(options, cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask<InstanceStateChange> SetInstanceStateAsync(string portPair, InstanceState state, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _engine.SetInstanceState(portPair, state);
        return ValueTask.FromResult(InstanceStateChange.Done(portPair, state));
    }

    /// <inheritdoc />
    public ValueTask<NodeTrialResult> RunNodeTrialAsync(NodeTrialOptions options, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_engine.RunNodeTrial(options, cancellationToken));
    }
}
