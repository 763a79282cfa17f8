// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Targets;

namespace NfvConformance.Emulator;

/// <summary>The in-process emulator as an <see cref="ILabTarget"/>; built lazily by <see cref="StartAsync"/> when created by the factory.</summary>
internal sealed class EmulatorTarget : ILabTarget
{
    private readonly EmulatorBuilder? _builder;
    private EmulatorInstance? _instance;

    public EmulatorTarget(EmulatorBuilder builder)
    {
        _builder = builder;
        Profile = builder.Profile;
    }

    public EmulatorTarget(string profile, EmulatorInstance instance)
    {
        Profile = profile;
        _instance = instance;
    }

    public string Name => EmulatorTargetFactory.TargetName;

    public string Profile { get; }

    internal EmulatorInstance? Instance => _instance;

    public ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_instance is null)
        {
            EmulatorInstance built = _builder!.BuildInstance();
            if (Interlocked.CompareExchange(ref _instance, built, null) is not null)
            {
                built.Dispose();
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<CapabilitySnapshot> DiscoverAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Started().ControlPlane.Publisher.Current);
    }

    public TFeature? GetFeature<TFeature>()
        where TFeature : class => _instance?.GetFeature<TFeature>();

    public ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _instance, null)?.Dispose();
        return ValueTask.CompletedTask;
    }

    private EmulatorInstance Started() =>
        _instance ?? throw new NfvConformanceException("The emulator target is not started; call StartAsync before DiscoverAsync.", Severity.Configuration);
}
