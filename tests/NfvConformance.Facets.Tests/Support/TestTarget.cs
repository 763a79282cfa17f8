// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Core.Requirements;
using NfvConformance.Emulator;
using NfvConformance.Lab.Linux.Target;
using NfvConformance.Lab.Workloads;
using NfvConformance.Lab.Workloads.Docker;

namespace NfvConformance.Facets.Tests.Support;

/// <summary>
/// A target a facet contract runs against. A contract's subclass for a target is one line
/// (<c>public sealed class EmulatorNegotiationContract : NegotiationContract&lt;OnEmulator&gt; { }</c>); a new target
/// adds one class here and one line per facet it offers.
/// </summary>
public abstract class TestTarget
{
    private static readonly Lazy<RequirementCatalog> s_catalog = new(RequirementCatalog.LoadDefault);

    /// <summary>Gets the target's registered name (<c>emulator</c>, <c>linux</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Gets the requirement catalogue every target is started with.</summary>
    internal static RequirementCatalog Catalog => s_catalog.Value;

    /// <summary>Skips the calling test (or fails it under CI=true) when this host cannot run the target; the emulator runs anywhere.</summary>
    public virtual void RequireHost()
    {
    }

    /// <summary>Starts a fresh target presenting a profile; skips (or fails under CI=true) when the host cannot run it.</summary>
    /// <param name="profile">The profile.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The started target; the caller disposes it.</returns>
    public abstract ValueTask<ILabTarget> StartAsync(string profile, CancellationToken cancellationToken = default);

    /// <summary>Gets the options a factory-made target is created with.</summary>
    /// <param name="profile">The profile.</param>
    /// <returns>The options.</returns>
    protected static LabTargetOptions Options(string profile) => new() { Profile = profile, Seed = 7, Catalogue = Catalog.Capabilities };

    /// <summary>Starts a target made by a factory, after the factory's own validation.</summary>
    /// <param name="factory">The factory.</param>
    /// <param name="profile">The profile.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The started target.</returns>
    protected static async ValueTask<ILabTarget> StartAsync(ILabTargetFactory factory, string profile, CancellationToken cancellationToken) =>
        await StartAsync(factory, Options(profile), cancellationToken).ConfigureAwait(false);

    /// <summary>Starts a target made by a factory with the given options, after the factory's own validation.</summary>
    /// <param name="factory">The factory.</param>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The started target.</returns>
    protected static async ValueTask<ILabTarget> StartAsync(ILabTargetFactory factory, LabTargetOptions options, CancellationToken cancellationToken)
    {
        Assert.That(factory.Validate(options).Where(e => e.IsCritical).Select(e => e.ToString()), Is.Empty, $"the {factory.Name} target's options");
        ILabTarget target = factory.Create(options);
        try
        {
            await target.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await target.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return target;
    }
}

/// <summary>The in-process emulator, built the way <c>nfvc run</c> builds it (seed 7, the default catalogue).</summary>
public sealed class OnEmulator : TestTarget
{
    /// <inheritdoc />
    public override string Name => "emulator";

    /// <inheritdoc />
    public override async ValueTask<ILabTarget> StartAsync(string profile, CancellationToken cancellationToken = default)
    {
        ILabTarget target = new EmulatorBuilder().WithProfile(profile).WithSeed(7).WithCatalogue(Catalog.Capabilities).Build();
        await target.StartAsync(cancellationToken).ConfigureAwait(false);
        return target;
    }
}

/// <summary>
/// This host as the NFVI (<c>--target linux</c>). It needs root and the host tools: without them a test is skipped with
/// the reason, except under CI=true, where it fails (CI runs as root with every tool installed).
/// </summary>
public sealed class OnLinux : TestTarget
{
    private static readonly (string Tool, string Package)[] s_tools = [("ip", "iproute2"), ("ethtool", "ethtool"), ("nft", "nftables")];

    /// <inheritdoc />
    public override string Name => "linux";

    /// <inheritdoc />
    public override ValueTask<ILabTarget> StartAsync(string profile, CancellationToken cancellationToken = default)
    {
        RequireHost();
        return StartAsync(new LinuxTargetFactory(), profile, cancellationToken);
    }

    /// <summary>Skips (or, under CI=true, fails) unless this is Linux, the process is root and the host tools are there.</summary>
    public override void RequireHost()
    {
        if (!OperatingSystem.IsLinux())
        {
            Tools.Missing("the linux target needs a Linux host");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            Tools.Missing("the linux target needs root: it creates network namespaces and cgroups and reads root-only host state; run the tests as root");
        }

        foreach ((string tool, string package) in s_tools)
        {
            _ = Tools.RequireOnPath(tool, "apt-get install " + package);
        }
    }
}

/// <summary>
/// The linux target as <c>nfvc</c> registers it, with the workloads extension (Docker containers and QEMU VMs as VNF
/// instances: <see cref="Abstractions.Lifecycle.IVnfLifecycle"/>, <see cref="Abstractions.Lifecycle.ICnfBestPractices"/>).
/// Every target it starts uses the test run's one private dockerd (<see cref="PrivateDocker"/>, started on first use and
/// stopped by <see cref="FacetsRun"/>), given as the <c>docker</c> setting, so no test waits for a daemon of its own.
/// Needs what <see cref="OnLinux"/> needs, and dockerd: without it a test is skipped with the reason, except under
/// CI=true, where it fails.
/// </summary>
public sealed class OnLinuxWithWorkloads : TestTarget
{
    /// <inheritdoc />
    public override string Name => "linux";

    /// <inheritdoc />
    public override async ValueTask<ILabTarget> StartAsync(string profile, CancellationToken cancellationToken = default)
    {
        RequireHost();
        (DockerEngine engine, _) = await PrivateDocker.StartAsync().ConfigureAwait(false);
        LabTargetOptions options = Options(profile);
        options = new LabTargetOptions
        {
            Profile = options.Profile,
            Seed = options.Seed,
            Catalogue = options.Catalogue,
            Settings = new Dictionary<string, string>(StringComparer.Ordinal) { [WorkloadsExtension.DockerSetting] = engine.Endpoint },
        };
        return await StartAsync(new LinuxTargetFactory(new WorkloadsExtension()), options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts the target exactly as <c>nfvc run --target linux</c> does: no <c>docker</c> setting, so nothing starts a daemon until a container is needed.</summary>
    /// <param name="profile">The profile.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The started target.</returns>
    public ValueTask<ILabTarget> StartAsRegisteredAsync(string profile, CancellationToken cancellationToken = default)
    {
        new OnLinux().RequireHost();
        return StartAsync(new LinuxTargetFactory(new WorkloadsExtension()), profile, cancellationToken);
    }

    /// <summary>Skips (or, under CI=true, fails) unless the linux target can run here and so can a private dockerd.</summary>
    public override void RequireHost()
    {
        new OnLinux().RequireHost();
        PrivateDocker.Require();
    }
}
