// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Cli.Composition;
using NfvConformance.Core.Requirements;
using NfvConformance.Core.Running;
using Reqnroll;

namespace NfvConformance.Suites.NUnit.Support;

/// <summary>
/// Starts the embedded emulator once for the test run, as <c>nfvc run</c> does, and makes it injectable into every
/// scenario (run context, target, capabilities, catalogue). The profile is the <c>profile</c> NUnit run parameter,
/// else the <c>NFVC_PROFILE</c> environment variable, else basic:
/// <c>dotnet test suites/NfvConformance.Suites.NUnit -- TestRunParameters.Parameter(name=\"profile\",value=\"high-performance\")</c>.
/// </summary>
[Binding]
public sealed class EmulatorSession
{
    private static RunSession? s_session;

    /// <summary>Gets the profile this test run uses.</summary>
    public static string Profile =>
        TestContext.Parameters.Get("profile")
        ?? (Environment.GetEnvironmentVariable("NFVC_PROFILE") is { Length: > 0 } fromEnvironment ? fromEnvironment : Profiles.Basic);

    /// <summary>Starts the emulator and registers what scenarios inject in the test-run container.</summary>
    /// <param name="testRun">Reqnroll's test-run context.</param>
    /// <returns>A task.</returns>
    [BeforeTestRun]
    public static async Task StartAsync(ITestRunContext testRun)
    {
        ArgumentNullException.ThrowIfNull(testRun);
        RequirementCatalog catalog = RequirementCatalog.LoadDefault();
        s_session = await RunSession.StartAsync(
            KnownTargets.Default.Get("emulator"),
            new LabTargetOptions { Profile = Profile, Seed = 1, Catalogue = catalog.Capabilities },
            catalog).ConfigureAwait(false);
        s_session.RegisterShared(testRun.TestRunContainer);
    }

    /// <summary>Stops the emulator.</summary>
    /// <returns>A task.</returns>
    [AfterTestRun]
    public static async Task StopAsync()
    {
        if (s_session is not null)
        {
            await s_session.DisposeAsync().ConfigureAwait(false);
            s_session = null;
        }
    }
}
