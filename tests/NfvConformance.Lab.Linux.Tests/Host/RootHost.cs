// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Lab.Linux.Host;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Tests.Host;

/// <summary>
/// What the host tests need: root and the host tools. Without root they skip with the reason (CI runs as root);
/// a missing tool skips locally and fails under CI=true, because CI installs every tool.
/// </summary>
internal static class RootHost
{
    public static bool InCi => Tools.InCi;

    /// <summary>Skips (or, under CI, fails) unless the test runs as root on Linux with the tools.</summary>
    /// <param name="tools">Tools the test drives, with their Debian package.</param>
    public static void Require(params (string Tool, string Package)[] tools)
    {
        if (!OperatingSystem.IsLinux())
        {
            Missing("the linux target tests need a Linux host");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            if (InCi)
            {
                Assert.Fail("CI=true but the tests do not run as root: the linux target needs root (namespaces, cgroups, huge pages).");
            }

            Assert.Ignore("needs root: the linux target creates network namespaces and cgroups and reads root-only host state; run the tests as root.");
        }

        foreach ((string tool, string package) in tools.Prepend(("ip", "iproute2")).Prepend(("ethtool", "ethtool")))
        {
            if (Shell.Find(tool) is null)
            {
                Missing($"'{tool}' is not installed; install it with: apt-get install {package}");
            }
        }
    }

    /// <summary>Publishes this host as a node of a profile.</summary>
    /// <param name="profile">The profile.</param>
    /// <param name="reserved">The reserved CPUs, or null for the default.</param>
    /// <returns>The publisher.</returns>
    public static HostPublisher Publisher(string profile = Profiles.HighPerformance, IReadOnlyList<int>? reserved = null) =>
        new(() => new Discovery.HostReader(), new HostPolicy(profile, reserved), []);

    /// <summary>Runs a host command and returns its output, failing the test when it fails.</summary>
    /// <param name="tool">The tool.</param>
    /// <param name="args">Its arguments.</param>
    /// <returns>Standard output.</returns>
    public static string Run(string tool, params string[] args)
    {
        ShellResult r = Shell.Run(tool, args);
        Assert.That(r.Succeeded, Is.True, $"{r.CommandLine} failed: {r.Stderr}");
        return r.Stdout;
    }

    /// <summary>Skips the test for a missing tool, or fails it under CI=true (<see cref="Tools.Missing"/>).</summary>
    /// <param name="reason">What is missing and how to install it.</param>
    public static void Missing(string reason) => Tools.Missing(reason);
}

/// <summary>Sets the host's 2 MiB huge pages for a test and puts the old count back at dispose.</summary>
internal sealed class HugepagesOnHost : IDisposable
{
    private const string Path = "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages";
    private readonly string _before;

    public HugepagesOnHost(int pages)
    {
        _before = File.ReadAllText(Path).Trim();
        File.WriteAllText(Path, pages.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Configured = int.Parse(File.ReadAllText(Path).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Gets the pages the kernel really configured (it may give fewer when memory is fragmented).</summary>
    public int Configured { get; }

    public void Dispose() => File.WriteAllText(Path, _before);
}
