// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Chains;

/// <summary>
/// The linux target's <see cref="IServiceChaining"/>: a chain spec becomes a namespace lab (<see cref="ChainLab"/>)
/// on this host; probes are real packets whose path the instances' own nftables records prove; counters are the
/// instances' nftables counters; link-down is <c>ip link set down</c>. It does not offer
/// <see cref="IChainTrialSimulation"/> (virtual time exists only in a model). Calls are serialised: the lab is one.
/// </summary>
internal sealed class LinuxServiceChaining : IServiceChaining, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lazy<Discovery.DpdkInstall> _dpdk = new(Discovery.HostDiscovery.ScanDpdk);
    private readonly Lazy<string?> _afXdpRefused = new(Discovery.HostDiscovery.AfXdpProblem);
    private long _generation;

    public LinuxServiceChaining(LabRun run, ChainSteering steering = ChainSteering.Kernel)
        : this(run, [], () => [], steering)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LinuxServiceChaining"/> class whose chains run the vendor's VNFs in place of the built-in functions they name.</summary>
    /// <param name="run">The run.</param>
    /// <param name="vendors">The descriptors given with <c>--vnf</c>.</param>
    /// <param name="realisers">The container and VM realisers the target offers (read when a hop is created).</param>
    /// <param name="steering">How the lab steers between instances (<c>--set steering=kernel|ovs</c>).</param>
    public LinuxServiceChaining(LabRun run, IReadOnlyList<Descriptors.Vnfd.VnfPackage> vendors, Func<IEnumerable<IChainHopRealiser>> realisers, ChainSteering steering = ChainSteering.Kernel)
    {
        Lab = new ChainLab(run, vendors, realisers, steering);
    }

    /// <summary>
    /// Gets or sets whether DPDK hops may get <c>net_af_xdp</c> ports (when DPDK has the PMD and the kernel allows
    /// AF_XDP); false realises them with the <c>net_af_packet</c> fallback, which tests use to check both.
    /// </summary>
    internal bool DpdkAfXdp { get; set; } = true;

    /// <summary>Gets the lab (tests reach it to cause faults and breaks).</summary>
    internal ChainLab Lab { get; }

    public IReadOnlyList<ValidationError> Validate(ChainSpec spec) => Compile(spec).Problems;

    public async ValueTask<ChainApplyResult> ApplyAsync(ChainSpec spec, CancellationToken cancellationToken = default)
    {
        ChainPlan plan = Compile(spec);
        if (!plan.IsValid)
        {
            bool onlyUnsupported = plan.Unsupported.Count > 0 && plan.Problems.Count(p => p.IsCritical) == plan.Unsupported.Count;
            return new ChainApplyResult(false, Interlocked.Read(ref _generation), plan.Problems)
            {
                NotSupported = onlyUnsupported ? string.Join("; ", plan.Unsupported) : null,
            };
        }

        IReadOnlyList<ValidationError> vendorProblems = Lab.CheckVendors(plan);
        if (vendorProblems.Count > 0)
        {
            return new ChainApplyResult(false, Interlocked.Read(ref _generation), [.. plan.Problems, .. vendorProblems]);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Lab.ApplyAsync(plan, cancellationToken).ConfigureAwait(false);

            // A vendor's unit that had to be killed when a hop was removed makes the apply fail: the spec took effect,
            // but the function did not stop as the NFVI asked it to.
            IReadOnlyList<ValidationError> stopped = Lab.TakeVendorProblems();
            return new ChainApplyResult(stopped.Count == 0, Interlocked.Increment(ref _generation), [.. plan.Problems, .. stopped])
            {
                Implementations = Lab.Implementations(),
            };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Compiles a spec against this host: DPDK as installed (looked up once) and the lab's steering.</summary>
    private ChainPlan Compile(ChainSpec spec) =>
        ChainPlan.Compile(spec, spec.PortPairs.Any(p => p.Acceleration != AccelerationMode.KernelVirtio) ? _dpdk.Value : null, Lab.SteeringMode, Placement.CpuPinning.AllowedCpus(Environment.ProcessId).Count, DpdkAfXdp ? _afXdpRefused.Value : "net_af_xdp turned off for this lab");

    public async ValueTask<ChainPathTrace> ProbeAsync(ChainProbe probe, CancellationToken cancellationToken = default) =>
        (await ProbeManyAsync([probe], cancellationToken).ConfigureAwait(false))[0];

    public async ValueTask<IReadOnlyList<ChainPathTrace>> ProbeManyAsync(IReadOnlyList<ChainProbe> probes, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Lab.ProbeAsync(probes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask<IReadOnlyList<ChainHopCounters>> ReadCountersAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Lab.ReadCountersAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask<InstanceStateChange> SetInstanceStateAsync(string portPair, InstanceState state, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Lab.SetStateAsync(portPair, state, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Lab.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
