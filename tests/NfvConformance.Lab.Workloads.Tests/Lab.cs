// Licensed under the Apache License, Version 2.0.
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Workloads.Docker;
using NfvConformance.Lab.Workloads.Images;
using NfvConformance.Lab.Workloads.Run;

namespace NfvConformance.Lab.Workloads.Tests;

/// <summary>One run, one private dockerd and one image store for the whole test assembly; torn down at the end.</summary>
[SetUpFixture]
public sealed class Lab
{
    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static WorkloadRun? s_run;
    private static DockerEngine? s_engine;
    private static ImageStore? s_images;

    public static WorkloadRun Run => s_run ??= WorkloadRun.Start();

    public static async Task<(DockerEngine Engine, ImageStore Images)> DockerAsync()
    {
        Need.Docker();
        await s_gate.WaitAsync();
        try
        {
            s_engine ??= await DockerEngine.StartPrivateAsync(Run);
            s_images ??= new ImageStore(s_engine);
            return (s_engine, s_images);
        }
        finally
        {
            s_gate.Release();
        }
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
    public async Task TearDownAsync()
    {
        if (s_engine is not null)
        {
            await s_engine.DisposeAsync();
        }

        if (s_run is not null && Directory.Exists(s_run.StateDirectory))
        {
            Directory.Delete(s_run.StateDirectory, recursive: true);
        }
    }
}
