// Licensed under the Apache License, Version 2.0.
using System.Runtime.CompilerServices;

/// <summary>
/// Reqnroll's test run for this assembly: <c>[BeforeTestRun]</c> before the first scenario, <c>[AfterTestRun]</c>
/// after the last (what the Reqnroll.NUnit package adds to a project; it is not on the package mirror). In the global
/// namespace, so NUnit runs it around every fixture of the assembly.
/// </summary>
[SetUpFixture]
public sealed class ReqnrollAssemblyHooks
{
    /// <summary>Starts Reqnroll's test run.</summary>
    /// <returns>A task.</returns>
    [OneTimeSetUp]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public async Task BeforeTestRunAsync() => await Reqnroll.TestRunnerManager.OnTestRunStartAsync(typeof(ReqnrollAssemblyHooks).Assembly).ConfigureAwait(false);

    /// <summary>Ends Reqnroll's test run.</summary>
    /// <returns>A task.</returns>
    [OneTimeTearDown]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public async Task AfterTestRunAsync() => await Reqnroll.TestRunnerManager.OnTestRunEndAsync(typeof(ReqnrollAssemblyHooks).Assembly).ConfigureAwait(false);
}
