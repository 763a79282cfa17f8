// Licensed under the Apache License, Version 2.0.
using System.Runtime.ExceptionServices;
using Reqnroll;

namespace NfvConformance.Suites.Support;

/// <summary>
/// Undoes, when a scenario ends and whatever its outcome, what its drivers did to the target: released instances and
/// grants, links up again, chains removed. A driver adds its asynchronous teardown when it is created; the hook
/// awaits them last-added first (a driver that depends on another is created after it, so it is undone before it).
/// The container disposes drivers synchronously, so anything that awaits the target is undone here, never in
/// <see cref="IDisposable.Dispose"/>.
/// </summary>
[Binding]
public sealed class ScenarioTeardown
{
    private readonly List<Func<Task>> _teardowns = [];

    /// <summary>Adds a teardown, run when the scenario ends.</summary>
    /// <param name="teardown">What to undo; it does nothing when the driver holds nothing.</param>
    public void Add(Func<Task> teardown) => _teardowns.Add(teardown);

    /// <summary>Runs every teardown, last added first; one that fails does not stop the others, and the first failure is rethrown.</summary>
    /// <returns>A task that completes when the target answered every teardown.</returns>
    [AfterScenario]
    public async Task TearDownAsync()
    {
        ExceptionDispatchInfo? first = null;
        for (int i = _teardowns.Count - 1; i >= 0; i--)
        {
            try
            {
                await _teardowns[i]().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                first ??= ExceptionDispatchInfo.Capture(e);
            }
        }

        _teardowns.Clear();
        first?.Throw();
    }
}
