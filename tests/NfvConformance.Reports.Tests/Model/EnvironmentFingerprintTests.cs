// Licensed under the Apache License, Version 2.0.
using NfvConformance.Reports.Model;
using NfvConformance.Reports.Tests.Support;

namespace NfvConformance.Reports.Tests.Model;

public sealed class EnvironmentFingerprintTests
{
    private static readonly EnvironmentFingerprint s_base = new() { ToolVersion = "0.1.0", Os = "Linux", Cpu = "CPU A", CpuCount = 2, Nics = ["eth0 virtio_net 10000"], ConfigHash = SampleRuns.ConfigHash };

    [Test]
    public void TargetFingerprint_OnlyToolVersionDiffers_Same()
    {
        Assert.That((s_base with { ToolVersion = "0.2.0", Os = "Linux 6.1" }).TargetFingerprint("emulator"), Is.EqualTo(s_base.TargetFingerprint("emulator")));
    }

    [Test]
    public void TargetFingerprint_NicsCpuConfigOrTargetDiffer_Different()
    {
        string fp = s_base.TargetFingerprint("emulator");

        Assert.That((s_base with { Nics = ["eth0 ixgbe 10000"] }).TargetFingerprint("emulator"), Is.Not.EqualTo(fp));
        Assert.That((s_base with { CpuCount = 4 }).TargetFingerprint("emulator"), Is.Not.EqualTo(fp));
        Assert.That((s_base with { ConfigHash = string.Empty }).TargetFingerprint("emulator"), Is.Not.EqualTo(fp));
        Assert.That(s_base.TargetFingerprint("linux-lab"), Is.Not.EqualTo(fp));
        Assert.That(fp, Does.Match("^[0-9a-f]{16}$"));
    }

    [Test]
    public void HashFiles_ContentChanged_HashChanges()
    {
        using TempDir dir = new();
        string file = dir.File("targets.yaml");
        File.WriteAllText(file, "ndr: 2000000\n");
        string before = EnvironmentFingerprint.HashFiles([file]);

        File.WriteAllText(file, "ndr: 1000000\n");

        Assert.That(EnvironmentFingerprint.HashFiles([file]), Is.Not.EqualTo(before));
        Assert.That(before, Has.Length.EqualTo(64));
        Assert.That(EnvironmentFingerprint.HashFiles([]), Is.Empty);
    }

    [Test]
    public void Capture_ThisMachine_ReadsCpuAndOs()
    {
        EnvironmentFingerprint env = EnvironmentFingerprint.Capture("9.9.9");

        Assert.That(env.ToolVersion, Is.EqualTo("9.9.9"));
        Assert.That(env.Cpu, Is.Not.Empty);
        Assert.That(env.Os, Is.Not.Empty);
        Assert.That(env.CpuCount, Is.EqualTo(Environment.ProcessorCount));
        Assert.That(env.Nics, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
    }
}
