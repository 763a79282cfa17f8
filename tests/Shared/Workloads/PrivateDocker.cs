// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Lab.Linux.Target;
using NfvConformance.Lab.Workloads.Docker;
using NfvConformance.Lab.Workloads.Images;

namespace NfvConformance.Tests.Support;

/// <summary>
/// One private dockerd for a whole test run, shared by every test of the assembly that needs Docker: started the first
/// time one asks (<c>--iptables=false --bridge=none</c>, data root under a linux lab run's state folder), with an image
/// store whose host rootfs is imported once (<c>docker import</c> of busybox-static, iproute2 and nftables). A test
/// assembly that links this file (tests/Shared/Workloads, by the projects that reference NfvConformance.Lab.Workloads)
/// calls <see cref="StopAsync"/> from its <c>[SetUpFixture]</c>'s one-time teardown. Without root or dockerd the
/// caller is skipped with the reason, and fails under CI=true.
/// </summary>
internal static class PrivateDocker
{
    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static (ILabTarget Target, LinuxLabContext Context)? s_lab;
    private static DockerEngine? s_engine;
    private static ImageStore? s_images;

    /// <summary>Gets how long starting the shared daemon took (zero until it started), for the run-time report.</summary>
    public static TimeSpan StartTime { get; private set; }

    /// <summary>Skips the calling test (fails it under CI=true) unless this host can run a private dockerd (root, dockerd on PATH).</summary>
    public static void Require()
    {
        if (DockerEngine.Unavailable() is { } why)
        {
            Tools.Missing(why);
        }
    }

    /// <summary>Gets the linux lab run the shared daemon belongs to, started once (its state folder holds the daemon's data root).</summary>
    /// <returns>The run's context.</returns>
    public static async Task<LinuxLabContext> RunAsync()
    {
        await s_gate.WaitAsync();
        try
        {
            return (s_lab ??= await StartLinuxLabAsync()).Context;
        }
        finally
        {
            s_gate.Release();
        }
    }

    /// <summary>Gets the shared private dockerd and its image store, starting them the first time.</summary>
    /// <returns>The engine and the store.</returns>
    public static async Task<(DockerEngine Engine, ImageStore Images)> StartAsync()
    {
        Require();
        LinuxLabContext run = await RunAsync();
        await s_gate.WaitAsync();
        try
        {
            if (s_engine is null)
            {
                System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
                s_engine = await DockerEngine.StartPrivateAsync(run);
                s_images = new ImageStore(s_engine);
                _ = await s_images.RootfsAsync();
                StartTime = clock.Elapsed;
                TestContext.Progress.WriteLine($"shared private dockerd at {s_engine.Endpoint} started in {StartTime.TotalSeconds:F1} s (rootfs image imported)");
            }

            return (s_engine, s_images!);
        }
        finally
        {
            s_gate.Release();
        }
    }

    /// <summary>Starts a linux target of its own and returns it with the context its extensions get.</summary>
    /// <returns>The started target (dispose it to tear the run down) and its context.</returns>
    public static async Task<(ILabTarget Target, LinuxLabContext Context)> StartLinuxLabAsync()
    {
        ContextCapture capture = new();
        ILabTarget target = await StartLinuxTargetAsync(new LabTargetOptions(), capture);
        return (target, capture.Context!);
    }

    /// <summary>Starts a linux target with extensions, after the factory's validation (a problem skips the test, or fails it under CI=true).</summary>
    /// <param name="options">The target options.</param>
    /// <param name="extensions">The extensions.</param>
    /// <returns>The started target; the caller disposes it.</returns>
    public static async Task<ILabTarget> StartLinuxTargetAsync(LabTargetOptions options, params ILinuxLabExtension[] extensions)
    {
        LinuxTargetFactory factory = new(extensions);
        IReadOnlyList<ValidationError> problems = factory.Validate(options);
        if (problems.Count > 0)
        {
            Tools.Missing("the linux target cannot start here: " + string.Join(" ", problems.Select(p => p.Message)));
        }

        ILabTarget target = factory.Create(options);
        await target.StartAsync();
        return target;
    }

    /// <summary>Stops the shared daemon (removing its containers and data root) and tears its linux lab run down.</summary>
    /// <returns>A task.</returns>
    public static async Task StopAsync()
    {
        await s_gate.WaitAsync();
        try
        {
            if (s_engine is not null)
            {
                await s_engine.DisposeAsync();
                s_engine = null;
                s_images = null;
            }

            if (s_lab is { } lab)
            {
                await lab.Target.DisposeAsync();
                s_lab = null;
            }
        }
        finally
        {
            s_gate.Release();
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
