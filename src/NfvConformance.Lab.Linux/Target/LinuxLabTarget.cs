// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Lab.Linux.Host;
using NfvConformance.Lab.Linux.Negotiation;
using NfvConformance.Lab.Linux.Placement;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Target;

/// <summary>
/// The host as an <see cref="ILabTarget"/>. <see cref="StartAsync"/> checks the host (root, tools), starts a
/// <see cref="LabRun"/> and builds the facets; <see cref="DisposeAsync"/> disposes the facets and removes everything
/// carrying the run id. The facets are a plain list (<see cref="BuildFacets"/>): a part of the lab adds its facet
/// with one line there, and <see cref="GetFeature{TFeature}"/> returns the first facet of the asked type.
/// </summary>
internal sealed class LinuxLabTarget : ILabTarget
{
    private readonly LabTargetOptions _options;
    private readonly IReadOnlyList<ILinuxLabExtension> _extensions;
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private LabRun? _run;
    private object[] _facets = [];

    public LinuxLabTarget(LabTargetOptions options, IReadOnlyList<ILinuxLabExtension>? extensions = null)
    {
        _options = options;
        _extensions = extensions ?? [];
    }

    public string Name => LinuxLab.TargetName;

    public string Profile => _options.Profile;

    /// <summary>Gets the run once started (its id names everything the lab creates).</summary>
    internal LabRun Run => _run ?? throw new NfvConformanceException("The linux target is not started; call StartAsync first.", Severity.Configuration);

    public async ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        await _startGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_run is not null)
            {
                return;
            }

            LinuxPreflight.ThrowIfUnusable();
            LabRun run = LabRun.Start();
            try
            {
                _facets = BuildFacets(run);
            }
            catch
            {
                await run.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            _run = run;
        }
        finally
        {
            _startGate.Release();
        }
    }

    public ValueTask<CapabilitySnapshot> DiscoverAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _ = Run;
        HostPublisher publisher = GetFeature<HostPublisher>() ?? throw new NfvConformanceException("The linux target has no host publisher.", Severity.Configuration);
        return ValueTask.FromResult(publisher.Refresh("discovery"));
    }

    public TFeature? GetFeature<TFeature>()
        where TFeature : class
    {
        foreach (object facet in Volatile.Read(ref _facets))
        {
            if (facet is TFeature feature)
            {
                return feature;
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        object[] facets = Interlocked.Exchange(ref _facets, []);
        foreach (object facet in facets.Distinct())
        {
            if (facet is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else if (facet is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }

        LabRun? run = Interlocked.Exchange(ref _run, null);
        if (run is not null)
        {
            await run.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The target's facets, first match wins. Add a facet with one line.</summary>
    private object[] BuildFacets(LabRun run)
    {
        HostPolicy policy = new(Profile, _options.Settings.TryGetValue(LinuxTargetFactory.ReservedCpusSetting, out string? reserved) ? Discovery.CpuList.Parse(reserved) : null);
        HostPublisher publisher = new(() => new Discovery.HostReader(), policy, _options.Catalogue);
        HostLedger ledger = new();
        Chains.ChainSteering steering = Chains.ChainSteeringSetting.TryParse(_options.Settings.GetValueOrDefault(Chains.ChainSteeringSetting.Name), out Chains.ChainSteering s) ? s : Chains.ChainSteering.Kernel;
        Chains.LinuxServiceChaining chaining = new(run, Descriptors.Vnfd.VnfPackage.FromSettings(_options.Settings), () => Volatile.Read(ref _facets).OfType<Chains.IChainHopRealiser>(), steering);
        List<object> facets =
        [
            publisher,
            new HostNegotiator(publisher, ledger),
            new HostPlacement(run, publisher, ledger),
            new HostVnicBandwidth(publisher),
            new HostAccelerators(publisher),
            new HostPtp(publisher),
            chaining,
            new LoadBalancing.LinuxLoadBalancerService(run),
            new TenantNetworking.LinuxTenantNetworking(run),
            new Traffic.ChainLabTraffic(run, chaining.Lab),
        ];

        // Extensions come after the target's own facets, so theirs win only for facets the host does not offer.
        LinuxLabContext context = new(run, _options, type => facets.FirstOrDefault(type.IsInstanceOfType));
        foreach (ILinuxLabExtension extension in _extensions)
        {
            facets.AddRange(extension.CreateFacets(context));
        }

        return [.. facets];
    }
}
