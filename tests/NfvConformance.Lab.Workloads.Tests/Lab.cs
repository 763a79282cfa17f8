// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Linux.Target;
using NfvConformance.Lab.Workloads.Docker;
using NfvConformance.Lab.Workloads.Images;

namespace NfvConformance.Lab.Workloads.Tests;

/// <summary>One run, one private dockerd and one image store for the whole test assembly; torn down at the end.</summary>
[SetUpFixture]
public sealed class Lab
{
    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static (ILabTarget Target, LinuxLabContext Context)? s_lab;
    private static DockerEngine? s_engine;
    private static ImageStore? s_images;

    /// <summary>Gets the run of the assembly's linux lab (a real linux target, started once).</summary>
    public static LinuxLabContext Run => (s_lab ??= StartLinuxLabAsync().GetAwaiter().GetResult()).Context;

    /// <summary>Starts a linux target of its own and returns it with the context its extensions get.</summary>
    /// <returns>The started target (dispose it to tear the run down) and its context.</returns>
    public static async Task<(ILabTarget Target, LinuxLabContext Context)> StartLinuxLabAsync()
    {
        ContextCapture capture = new();
        LinuxTargetFactory factory = new(capture);
        LabTargetOptions options = new();
        IReadOnlyList<ValidationError> problems = factory.Validate(options);
        if (problems.Count > 0)
        {
            Tools.Missing("the linux target cannot start here: " + string.Join(" ", problems.Select(p => p.Message)));
        }

        ILabTarget target = factory.Create(options);
        await target.StartAsync();
        return (target, capture.Context!);
    }

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

        if (s_lab is { } lab)
        {
            await lab.Target.DisposeAsync();
        }
    }

    /// <summary>An extension that only keeps the context the target hands it.</summary>
    private sealed class ContextCapture : ILinuxLabExtension
    {
        public LinuxLabContext? Context { get; private set; }

        public IReadOnlyList<string> Settings => [];

        public IReadOnlyList<ValidationError> Validate(LabTargetOptions options) => [];

        public IEnumerable<object> CreateFacets(LinuxLabContext lab)
        {
            Context = lab;
            return [];
        }
    }
}
