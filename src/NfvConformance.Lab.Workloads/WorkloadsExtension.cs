// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Lab.Linux.Target;

namespace NfvConformance.Lab.Workloads;

/// <summary>
/// Real workloads as part of the linux target (<c>--target linux</c>): Docker containers, QEMU VMs and namespace VNFs
/// behind the target's lifecycle facet. Registered once in the composition root
/// (<c>new LinuxTargetFactory(new WorkloadsExtension())</c>). Reads one setting, <c>docker=unix:///PATH</c> (a daemon
/// already running); without it the run starts a private dockerd the first time a container is needed.
/// </summary>
public sealed class WorkloadsExtension : ILinuxLabExtension
{
    /// <summary>The setting naming a running Docker daemon's socket (<c>docker=unix:///var/run/docker.sock</c>).</summary>
    public const string DockerSetting = "docker";

    private const string UnixScheme = "unix://";

    /// <inheritdoc />
    public IReadOnlyList<string> Settings { get; } = [DockerSetting];

    /// <inheritdoc />
    public IReadOnlyList<ValidationError> Validate(LabTargetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Settings.TryGetValue(DockerSetting, out string? endpoint))
        {
            return [];
        }

        string field = "settings." + DockerSetting;
        if (!endpoint.StartsWith(UnixScheme + "/", StringComparison.Ordinal))
        {
            return [new ValidationError(true, $"docker = '{endpoint}' is not a unix socket URI; give the daemon's socket as unix:///PATH (for example unix:///var/run/docker.sock), or leave the setting out and the run starts a private dockerd.", field)];
        }

        string socket = endpoint[UnixScheme.Length..];
        return File.Exists(socket)
            ? []
            : [new ValidationError(true, $"docker = '{endpoint}': no socket at {socket}; start dockerd there, fix the path, or leave the setting out and the run starts a private dockerd.", field)];
    }

    /// <inheritdoc />
    public IEnumerable<object> CreateFacets(LinuxLabContext lab)
    {
        ArgumentNullException.ThrowIfNull(lab);
        WorkloadLab workloads = new(lab, lab.Options.Settings.TryGetValue(DockerSetting, out string? endpoint) ? endpoint : null);

        // The lifecycle first: the target disposes facets in this order, and it stops its components before the
        // shared engine and runtimes go.
        // The chain hop realiser lets --vnf container units stand in for the chain lab's built-in functions.
        return [new Lifecycle.LinuxVnfLifecycle(workloads), new Checks.LinuxCnfBestPractices(workloads, Checks.BestPracticeLimits.Basic), new Onboarding.WorkloadHopRealiser(workloads), workloads];
    }
}
