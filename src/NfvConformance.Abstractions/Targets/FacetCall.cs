// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Targets;

/// <summary>
/// For a facet implementation whose answer needs no I/O (an in-memory model or ledger): the asynchronous call of the
/// contract, returned completed, honouring a token that is already cancelled.
/// </summary>
public static class FacetCall
{
    /// <summary>Runs an operation unless the call is already cancelled, and returns its answer as a completed task.</summary>
    /// <typeparam name="T">The answer type.</typeparam>
    /// <param name="operation">The synchronous operation; it runs only when the call is not cancelled, so a cancelled call changes nothing.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>A completed task, or a cancelled one.</returns>
    public static ValueTask<T> Completed<T>(Func<T> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<T>(cancellationToken) : ValueTask.FromResult(operation());
    }
}
