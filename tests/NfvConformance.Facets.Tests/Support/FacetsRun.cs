// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Facets.Tests;

/// <summary>What the whole test run shares (at the assembly's root namespace, so it wraps every contract): the private dockerd of <see cref="OnLinuxWithWorkloads"/> (started by the first test that needs it), stopped once at the end.</summary>
[SetUpFixture]
public sealed class FacetsRun
{
    [OneTimeTearDown]
    public Task StopSharedDockerAsync() => PrivateDocker.StopAsync();
}
