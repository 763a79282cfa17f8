// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Targets;
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Linux.Target;
using NfvConformance.Lab.Workloads.Docker;
using NfvConformance.Lab.Workloads.Images;

namespace NfvConformance.Lab.Workloads.Tests;

/// <summary>One run, one private dockerd and one image store for the whole test assembly (<see cref="PrivateDocker"/>, shared with Facets.Tests); torn down at the end.</summary>
[SetUpFixture]
public sealed class Lab
{
    /// <summary>Gets the run of the assembly's linux lab (a real linux target, started once).</summary>
    public static LinuxLabContext Run => PrivateDocker.RunAsync().GetAwaiter().GetResult();

    /// <summary>Starts a linux target of its own and returns it with the context its extensions get.</summary>
    /// <returns>The started target (dispose it to tear the run down) and its context.</returns>
    public static Task<(ILabTarget Target, LinuxLabContext Context)> StartLinuxLabAsync() => PrivateDocker.StartLinuxLabAsync();

    /// <summary>The shared private dockerd and its image store (started once; later calls reuse them).</summary>
    /// <returns>The engine and the store.</returns>
    public static Task<(DockerEngine Engine, ImageStore Images)> DockerAsync()
    {
        Need.Docker();
        return PrivateDocker.StartAsync();
    }

    /// <summary>The shared private dockerd with the good CNF image built in it (built once; later calls reuse it).</summary>
    /// <returns>The engine and the image reference.</returns>
    public static async Task<(DockerEngine Engine, string Image)> GoodImageAsync()
    {
        (DockerEngine engine, ImageStore images) = await DockerAsync();
        return (engine, await images.BuildAsync(CnfImages.Good));
    }

    /// <summary>A realisation that only runs <paramref name="commands"/> (no image file, command, capabilities, user, kernel or modules).</summary>
    /// <param name="kind">Container, VM or netns.</param>
    /// <param name="commands">The set-up commands.</param>
    /// <param name="readOnly">Whether the root filesystem is read-only.</param>
    /// <param name="stopGraceSeconds">The SIGTERM grace.</param>
    /// <returns>The realisation.</returns>
    public static VnfRealisation Realisation(RealisationKind kind, IEnumerable<string> commands, bool readOnly, int stopGraceSeconds) =>
        new(kind, [.. commands], null, [], [], null, readOnly, stopGraceSeconds, null, null, []);

    [OneTimeTearDown]
    public Task TearDownAsync() => PrivateDocker.StopAsync();
}
