// Licensed under the Apache License, Version 2.0.
using System.Runtime.InteropServices;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Target;

/// <summary>A host tool the linux target cannot work without.</summary>
/// <param name="Tool">The executable.</param>
/// <param name="Package">The Debian package that installs it.</param>
/// <param name="Why">What the lab uses it for.</param>
internal sealed record RequiredTool(string Tool, string Package, string Why);

/// <summary>
/// What the linux target checks before it does anything: a Linux host, root, and the tools it drives. Every
/// problem is reported at once, each saying what is needed, so <c>nfvc run --target linux</c> stops with exit 2
/// before any work. Tools that only widen what the host offers (DPDK, Open vSwitch) are not required: without them
/// the capabilities they back are published as absent.
/// </summary>
internal static class LinuxPreflight
{
    /// <summary>Gets the tools every run needs. A part of the lab that needs one more adds it here.</summary>
    public static IReadOnlyList<RequiredTool> RequiredTools { get; } =
    [
        new("ip", "iproute2", "network namespaces, veth pairs, addresses and routes"),
        new("ethtool", "ethtool", "NIC driver, bus address, speed, offloads and time-stamping, and GRO on the chain lab's veths (threaded NAPI)"),
        new("nft", "nftables", "firewall, NAT and per-instance counters, and finding the lab's tables at cleanup"),
    ];

    /// <summary>Checks the host and returns every problem (empty when the target can start).</summary>
    /// <param name="isRoot">Whether the process runs as root (injected so the message can be tested).</param>
    /// <param name="find">Finds a tool, returning its path or null (injected for the same reason).</param>
    /// <returns>Every problem, each critical.</returns>
    public static IReadOnlyList<ValidationError> Check(bool isRoot, Func<string, string?> find)
    {
        List<ValidationError> problems = [];
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            problems.Add(new ValidationError(true, $"the linux target drives the host's Linux kernel; this is {RuntimeInformation.OSDescription}. Use --target emulator here.", "target.linux"));
            return problems;
        }

        if (!isRoot)
        {
            problems.Add(new ValidationError(true, $"the linux target creates network namespaces, interfaces, nftables tables and cgroups, which needs root; this process runs as uid {Environment.GetEnvironmentVariable("UID") ?? "non-zero"}. Run it as root (sudo ./nfvc ...).", "target.linux.root"));
        }

        List<RequiredTool> missing = [.. RequiredTools.Where(t => find(t.Tool) is null)];
        if (missing.Count > 0)
        {
            problems.Add(new ValidationError(
                true,
                $"missing host tool(s): {string.Join("; ", missing.Select(t => $"'{t.Tool}' ({t.Why})"))}. Install them: apt-get install {string.Join(' ', missing.Select(t => t.Package).Distinct())}.",
                "target.linux.tools"));
        }

        foreach (string path in new[] { "/proc/self/status", "/sys/class/net", "/sys/devices/system/cpu/online" })
        {
            if (!Path.Exists(path))
            {
                problems.Add(new ValidationError(true, $"{path} is missing: the linux target reads the host through /proc and /sys; mount them.", "target.linux.mounts"));
            }
        }

        return problems;
    }

    /// <summary>Checks this host as it is.</summary>
    /// <returns>Every problem.</returns>
    public static IReadOnlyList<ValidationError> CheckHost() => Check(Environment.IsPrivilegedProcess, Shell.Find);

    /// <summary>Throws when the host cannot run the target.</summary>
    /// <exception cref="ConfigurationException">Something is missing; the message lists all of it.</exception>
    public static void ThrowIfUnusable()
    {
        IReadOnlyList<ValidationError> problems = CheckHost();
        if (problems.Count > 0)
        {
            throw new ConfigurationException("The linux target cannot start: " + string.Join(" ", problems.Select(p => p.Message)));
        }
    }
}
