// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Targets;

namespace NfvConformance.Lab.Linux.Target;

/// <summary>
/// Creates the linux target (<c>--target linux</c>): the host itself is the NFVI. It discovers the host's CPUs,
/// NUMA nodes, huge pages, NICs and DPDK without manual steps, publishes them with their provenance, negotiates and
/// places workloads as real network namespaces pinned to the cores placement chose. Needs root.
/// </summary>
public sealed class LinuxTargetFactory : ILabTargetFactory
{
    /// <summary>The setting listing the CPUs kept for the host (<c>reserved-cpus=0</c>); by default the isolated CPUs' complement, else the first CPU of each NUMA node.</summary>
    public const string ReservedCpusSetting = "reserved-cpus";

    private const string RunnerSettingPrefix = "nfvc.";

    /// <summary>The setting that chooses how chains are steered: <c>steering=kernel</c> (the default: nftables, fwmark, policy routing, ECMP) or <c>steering=ovs</c> (a private Open vSwitch, userspace datapath, OpenFlow rules and select groups).</summary>
    public const string SteeringSetting = Chains.ChainSteeringSetting.Name;

    private static readonly string[] s_ownSettings = [ReservedCpusSetting, SteeringSetting];

    private readonly ILinuxLabExtension[] _extensions;
    private readonly string[] _knownSettings;

    /// <summary>Creates the factory.</summary>
    /// <param name="extensions">Parts of the lab from other assemblies that add facets (workloads, for example).</param>
    public LinuxTargetFactory(params ILinuxLabExtension[] extensions)
    {
        _extensions = extensions;
        _knownSettings = [.. s_ownSettings, .. extensions.SelectMany(e => e.Settings)];
    }

    /// <inheritdoc />
    public string Name => LinuxLab.TargetName;

    /// <inheritdoc />
    public string Description => "This Linux host as the NFVI (needs root): discovery of its CPUs, NUMA, huge pages, NICs and DPDK; namespaces pinned to cores.";

    /// <inheritdoc />
    public IReadOnlyList<ValidationError> Validate(LabTargetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<ValidationError> errors = [];
        if (Profiles.CatalogueKey(options.Profile) is null)
        {
            errors.Add(new ValidationError(true, $"unknown profile '{options.Profile}'; use one of: {string.Join(", ", Profiles.All)}.", "profile"));
        }

        foreach (string key in options.Settings.Keys.Order(StringComparer.Ordinal))
        {
            if (Array.IndexOf(_knownSettings, key) < 0 && !key.StartsWith(RunnerSettingPrefix, StringComparison.Ordinal))
            {
                errors.Add(new ValidationError(true, $"unknown linux target setting '{key}'; known settings: {string.Join(", ", _knownSettings)}.", $"settings.{key}"));
            }
        }

        if (options.Settings.TryGetValue(ReservedCpusSetting, out string? reserved) && !Discovery.CpuList.TryParse(reserved, out _))
        {
            errors.Add(new ValidationError(true, $"reserved-cpus = '{reserved}' is not a CPU list; write it as the kernel does, for example 0 or 0-1,4.", $"settings.{ReservedCpusSetting}"));
        }

        if (options.Settings.TryGetValue(SteeringSetting, out string? steeringValue))
        {
            if (!Chains.ChainSteeringSetting.TryParse(steeringValue, out Chains.ChainSteering steering))
            {
                errors.Add(new ValidationError(true, $"steering = '{steeringValue}' is not a steering; use kernel (nftables, policy routing, ECMP) or ovs (Open vSwitch, userspace datapath).", $"settings.{SteeringSetting}"));
            }
            else if (steering == Chains.ChainSteering.Ovs && Chains.ChainSteeringSetting.OvsTools.Where(t => Run.Shell.Find(t) is null).ToList() is { Count: > 0 } missing)
            {
                errors.Add(new ValidationError(true, $"steering = ovs needs {string.Join(", ", missing)}, which this host lacks; install them: apt-get install openvswitch-switch ethtool.", $"settings.{SteeringSetting}"));
            }
        }

        errors.AddRange(LinuxPreflight.CheckHost());
        foreach (ILinuxLabExtension extension in _extensions)
        {
            errors.AddRange(extension.Validate(options));
        }

        return errors;
    }

    /// <inheritdoc />
    public ILabTarget Create(LabTargetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new LinuxLabTarget(options, _extensions);
    }
}
