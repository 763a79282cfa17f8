// Licensed under the Apache License, Version 2.0.
using NfvConformance.Lab.Workloads.Docker;
using NfvConformance.Lab.Workloads.Vm;

namespace NfvConformance.Lab.Workloads.Tests;

/// <summary>Skips a test locally when root, Docker or QEMU is missing, and fails it under CI=true.</summary>
internal static class Need
{
    public static void Docker() => Check(DockerEngine.Unavailable());

    public static void Qemu() => Check(DockerEngine.Unavailable() is { } d && d.Contains("root", StringComparison.Ordinal) ? d : VmRuntime.Unavailable());

    public static void VhostUser() => Check(DockerEngine.Unavailable() is { } d && d.Contains("root", StringComparison.Ordinal) ? d : VmRuntime.VhostUserUnavailable());

    private static void Check(string? why)
    {
        if (why is not null)
        {
            Tools.Missing(why);
        }
    }
}
