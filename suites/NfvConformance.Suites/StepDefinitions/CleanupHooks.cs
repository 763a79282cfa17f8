// Licensed under the Apache License, Version 2.0.
using System.Runtime.ExceptionServices;
using NfvConformance.Suites.Drivers;
using Reqnroll;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>
/// Deletes, when a scenario ends and whatever its outcome, what its drivers created on the target: Services and the
/// exposure namespace, namespaces and IP pools, load balancers, and a VNF instance left running. Each driver's
/// cleanup is awaited (the target answers over I/O) and runs even when an earlier one failed.
/// </summary>
[Binding]
public sealed class CleanupHooks
{
    private readonly Func<Task>[] _cleanups;

    /// <summary>Creates the hooks for one scenario.</summary>
    /// <param name="exposure">The scenario's service-exposure driver.</param>
    /// <param name="platform">The scenario's container-platform driver.</param>
    /// <param name="loadBalancing">The scenario's load-balancer driver.</param>
    /// <param name="lifecycle">The scenario's lifecycle driver.</param>
    public CleanupHooks(ServiceExposureDriver exposure, ContainerPlatformDriver platform, LoadBalancingDriver loadBalancing, LifecycleDriver lifecycle) =>
        _cleanups = [exposure.DeleteCreatedAsync, platform.DeleteCreatedAsync, loadBalancing.DeleteCreatedAsync, lifecycle.TerminateLeftoverAsync];

    /// <summary>Runs every driver's cleanup; rethrows the first failure after all have run.</summary>
    /// <returns>A task that completes when the target answered every cleanup.</returns>
    [AfterScenario]
    public async Task DeleteCreatedAsync()
    {
        ExceptionDispatchInfo? first = null;
        foreach (Func<Task> cleanup in _cleanups)
        {
            try
            {
                await cleanup();
            }
            catch (Exception e)
            {
                first ??= ExceptionDispatchInfo.Capture(e);
            }
        }

        first?.Throw();
    }
}
