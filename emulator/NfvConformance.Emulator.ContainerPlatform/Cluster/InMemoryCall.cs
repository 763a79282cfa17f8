// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Emulator.ContainerPlatform.Cluster;

/// <summary>How the emulated facets answer an asynchronous call: the model is in memory, so at once.</summary>
internal static class InMemoryCall
{
    /// <summary>Runs an in-memory operation unless already cancelled.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="operation">The operation.</param>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token runs nothing.</param>
    /// <returns>A completed task, a cancelled one, or a faulted one carrying the facet's error (never a throw at the call, as a real client's I/O would not throw before its first await).</returns>
    public static ValueTask<T> AtOnce<T>(Func<T> operation, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        try
        {
            return ValueTask.FromResult(operation());
        }
        catch (Exception e) when (e is NfvConformanceException or ArgumentException)
        {
            return ValueTask.FromException<T>(e);
        }
    }
}
